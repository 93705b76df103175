"""Forms of the catalog: the public search and the back-office service editor."""

from __future__ import annotations

import datetime
import json
from typing import Any, cast

from django import forms
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from mpp.catalog.models import Category, Channel, ServiceVersion
from mpp.catalog.services import DayHours, hours_field
from mpp.parsing import fields as bounded
from mpp.tenancy.models import OpeningHours


def _clean_get(data) -> dict:
    """GET parameters without NUL bytes (a browser or bot may send them; they must not error)."""
    return {key: value.replace("\x00", "") for key, value in data.items()}


class ServiceSearchForm(forms.Form):
    """Search box and filters. Invalid filter values are ignored rather than refused."""

    q = forms.CharField(label=gettext_lazy("Kata kunci"), required=False, strip=True)
    mpp = forms.ChoiceField(label=gettext_lazy("MPP"), required=False)
    agency = forms.ChoiceField(
        label=gettext_lazy("Instansi"),
        required=False,
        help_text=gettext_lazy("Pilih MPP terlebih dahulu untuk melihat daftar instansinya."),
    )
    category = forms.ChoiceField(label=gettext_lazy("Kategori"), required=False)
    channel = forms.ChoiceField(
        label=gettext_lazy("Cara mengajukan"),
        required=False,
        choices=[
            ("", gettext_lazy("Semua")),
            (Channel.ONLINE, gettext_lazy("Dapat diajukan daring")),
            (Channel.COUNTER, gettext_lazy("Dapat diajukan di loket")),
        ],
    )
    free = forms.BooleanField(label=gettext_lazy("Hanya layanan gratis"), required=False)

    def __init__(self, data, *, mpps, agencies):
        super().__init__(_clean_get(data))
        everything = [("", _("Semua"))]
        self.fields["mpp"].choices = everything + [(m.slug, m.name) for m in mpps]
        self.fields["agency"].choices = everything + [(a.slug, a.name) for a in agencies]
        self.fields["category"].choices = everything + list(Category.choices)
        self.mpps = {m.slug: m for m in mpps}
        self.agencies = {a.slug: a for a in agencies}

    @property
    def agency_choices(self) -> bool:
        return bool(self.agencies)

    def choice_fields(self) -> list[dict]:
        """The select filters as plain data, rendered without Django's (slow) widget templates."""
        self.is_valid()
        return [
            {
                "name": name,
                "label": self.fields[name].label,
                "help_text": self.fields[name].help_text,
                "choices": cast(forms.ChoiceField, self.fields[name]).choices,
                "selected": self.cleaned_data.get(name) or "",
            }
            for name in ("mpp", "agency", "category", "channel")
        ]

    def values(self) -> dict:
        """The valid parts of the query (an invalid filter counts as not set)."""
        self.is_valid()
        data = self.cleaned_data
        return {
            "q": (data.get("q") or "")[:200],
            "mpp": self.mpps.get(data.get("mpp") or ""),
            "agency": self.agencies.get(data.get("agency") or ""),
            "category": data.get("category") or "",
            "channel": data.get("channel") or "",
            "free": bool(data.get("free")),
        }


class LinesField(forms.CharField):
    """A list of strings edited as a textarea, one item per line."""

    widget = forms.Textarea(attrs={"rows": 5})

    def prepare_value(self, value):
        if isinstance(value, list):
            return "\n".join(str(item) for item in value)
        return value

    def to_python(self, value):
        text = super().to_python(value) or ""
        return [line.strip() for line in text.replace("\x00", "").splitlines() if line.strip()]

    def validate(self, value):
        if self.required and not value:
            raise forms.ValidationError(self.error_messages["required"], code="required")

    def run_validators(self, value):
        return None


class FormDefinitionField(forms.CharField):
    """The application form definition as JSON text, with messages that point at the mistake."""

    widget = forms.Textarea(attrs={"rows": 18, "class": "code", "spellcheck": "false"})

    def prepare_value(self, value):
        if isinstance(value, list):
            return json.dumps(value, ensure_ascii=False, indent=2)
        return value

    def to_python(self, value):
        text = (super().to_python(value) or "").strip()
        if not text:
            return []
        try:
            return json.loads(text)
        except json.JSONDecodeError as error:
            raise forms.ValidationError(
                _(
                    "Definisi formulir bukan JSON yang sah (baris %(line)d, kolom %(column)d: %(msg)s)."
                )
                % {"line": error.lineno, "column": error.colno, "msg": error.msg},
                code="json",
            ) from None

    def validate(self, value):
        # Problems of a parsed definition are reported by ServiceVersion.clean (one place).
        return None

    def run_validators(self, value):
        return None


class ServiceContentForm(forms.ModelForm):
    """All 14 components of a service standard plus the application form, for one draft."""

    requirements = LinesField(
        label=gettext_lazy("Persyaratan"),
        help_text=gettext_lazy("Satu persyaratan per baris."),
    )
    procedure = LinesField(
        label=gettext_lazy("Sistem, mekanisme, dan prosedur"),
        help_text=gettext_lazy("Satu langkah per baris, berurutan."),
    )
    requirements_en = LinesField(
        label=gettext_lazy("Persyaratan (bahasa Inggris)"),
        required=False,
        help_text=gettext_lazy(
            "Terjemahan persyaratan di atas, satu per baris dan dalam urutan yang sama. "
            "Kosongkan bila belum ada terjemahan."
        ),
    )
    legal_basis = LinesField(
        label=gettext_lazy("Dasar hukum"),
        help_text=gettext_lazy("Satu peraturan per baris."),
    )
    form_definition = FormDefinitionField(
        label=gettext_lazy("Definisi formulir permohonan (JSON)"),
        required=False,
        help_text=gettext_lazy(
            "Daftar isian berurutan. Setiap isian: name, type (text, long_text, number, date, choice, "
            "multiple_choice, nik, region, file), label, required, help_text, section; choices untuk "
            'pilihan; file_types dan max_bytes untuk berkas; visible_if {"field", "value"} untuk '
            "isian bersyarat. Kosongkan bila layanan hanya di loket."
        ),
    )

    class Meta:
        formfield_callback = bounded.formfield
        model = ServiceVersion
        fields = [
            "name", "summary", "name_en", "summary_en", "category", "channel", "requirements",
            "requirements_en", "procedure", "time_limit",
            "time_limit_unit", "fee", "fee_note", "product", "complaint_handling", "legal_basis",
            "facilities", "staff_competence", "internal_supervision", "staff_count",
            "service_guarantee", "security_guarantee", "performance_evaluation", "form_definition",
            "auto_approve", "skip_approval", "change_note",
        ]  # fmt: skip
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 2}),
            "summary_en": forms.Textarea(attrs={"rows": 2}),
            "complaint_handling": forms.Textarea(attrs={"rows": 3}),
            "facilities": forms.Textarea(attrs={"rows": 2}),
            "staff_competence": forms.Textarea(attrs={"rows": 2}),
            "internal_supervision": forms.Textarea(attrs={"rows": 2}),
            "service_guarantee": forms.Textarea(attrs={"rows": 2}),
            "security_guarantee": forms.Textarea(attrs={"rows": 2}),
            "performance_evaluation": forms.Textarea(attrs={"rows": 2}),
        }
        help_texts = {
            "fee": gettext_lazy("Dalam rupiah, tanpa titik. Isi 0 bila gratis."),
            "time_limit": gettext_lazy("Dalam hari kerja, atau jam untuk layanan selesai di hari yang sama."),
            "change_note": gettext_lazy("Apa yang berubah dibandingkan versi sebelumnya."),
            "name_en": gettext_lazy("Ditampilkan bagi pengunjung yang memilih bahasa Inggris; juga dicari."),
        }  # fmt: skip

    # The model's delivery components, with the English requirements beside the Indonesian ones.
    DELIVERY = ("requirements", "requirements_en", *ServiceVersion.DELIVERY_FIELDS[1:])

    def content(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}

    def groups(self):
        """Fields grouped for the page: general, delivery (public), internal, online form."""
        general = ("name", "summary", "name_en", "summary_en", "category", "channel")
        form_part = ("form_definition", "auto_approve", "skip_approval", "change_note")
        return [
            (_("Informasi umum"), [self[name] for name in general]),
            (_("Komponen penyampaian pelayanan (ditampilkan kepada warga)"), [self[n] for n in self.DELIVERY]),
            (_("Komponen pengelolaan pelayanan (internal)"), [self[n] for n in ServiceVersion.INTERNAL_FIELDS]),
            (_("Formulir permohonan daring dan alur"), [self[n] for n in form_part]),
        ]  # fmt: skip


class PublishForm(forms.Form):
    effective_from = bounded.DateField(
        label=gettext_lazy("Tanggal berlaku"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=gettext_lazy(
            "Hari ini atau tanggal yang sudah lewat (misalnya tanggal keputusan)."
        ),
    )
    change_note = forms.CharField(
        label=gettext_lazy("Catatan perubahan"), max_length=500, required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["effective_from"].initial = timezone.localdate()

    def clean_effective_from(self):
        value: datetime.date = self.cleaned_data["effective_from"]
        if value > timezone.localdate():
            raise forms.ValidationError(_("Tanggal berlaku tidak boleh di masa mendatang."))
        return value


class WorkplaceChoiceForm(forms.Form):
    """Choose the agency-at-MPP a new or adopted service belongs to."""

    workplace = forms.ChoiceField(label=gettext_lazy("Instansi dan MPP"))

    def __init__(self, *args, workplaces, **kwargs):
        super().__init__(*args, **kwargs)
        self.workplaces = {str(w.pk): w for w in workplaces}
        self.fields["workplace"].choices = [
            (str(w.pk), f"{w.agency.name} — {w.mpp.name}") for w in workplaces
        ]

    def chosen(self):
        return self.workplaces[self.cleaned_data["workplace"]]


class SynonymForm(forms.Form):
    term = forms.CharField(
        label=gettext_lazy("Kata yang diketik warga"),
        max_length=50,
        help_text=gettext_lazy("Satu kata, misalnya “akte” atau “kk”."),
    )
    expansion = forms.CharField(
        label=gettext_lazy("Artinya dalam nama layanan"),
        max_length=200,
        help_text=gettext_lazy("Misalnya “akta” atau “kartu keluarga”."),
    )


# --- Opening hours and counter hours ---------------------------------------------------------

TIME_FORMATS = ["%H:%M", "%H.%M"]  # 08:00 and the Indonesian 08.00 alike


def _time_field(label) -> forms.TimeField:
    return forms.TimeField(
        label=label,
        required=False,
        input_formats=TIME_FORMATS,
        error_messages={"invalid": gettext_lazy("Tulis jam dalam bentuk JJ:MM, misalnya 08:00.")},
        widget=forms.TimeInput(format="%H:%M", attrs={"size": 5, "autocomplete": "off"}),
    )


class WeeklyHoursForm(forms.Form):
    """Seven weekdays (Senin … Minggu), each open or closed with its hours; ``with_break`` adds
    the break and the note (the MPP's own hours), without them the agency's counter hours. Field
    names come from ``services.hours_field``, so a service's ``HoursError`` lands on its field."""

    def __init__(self, *args, rows: dict, with_break: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.with_break = with_break
        self.day_names = {}
        for weekday, name in OpeningHours.Weekday.choices:
            self.day_names[weekday] = name
            row = rows.get(weekday)
            fields = {
                "open": forms.BooleanField(
                    label=_("Buka pada hari %(day)s") % {"day": name},
                    required=False,
                    initial=row is not None,
                ),
                "opens": _time_field(_("Jam buka %(day)s") % {"day": name}),
                "closes": _time_field(_("Jam tutup %(day)s") % {"day": name}),
            }
            if with_break:
                fields["break_starts"] = _time_field(_("Istirahat mulai %(day)s") % {"day": name})
                fields["break_ends"] = _time_field(_("Istirahat selesai %(day)s") % {"day": name})
                fields["note"] = forms.CharField(
                    label=_("Catatan %(day)s") % {"day": name},
                    required=False,
                    max_length=200,
                    help_text=_("Misalnya “Istirahat salat Jumat”."),
                )
            # Needed on an open day (the service says so); not marked "optional".
            fields["opens"].asked = fields["closes"].asked = True  # type: ignore[attr-defined]
            for part, field in fields.items():
                if row is not None and part != "open":
                    field.initial = getattr(row, part)
                self.fields[hours_field(weekday, part)] = field

    def day_groups(self) -> list[tuple[Any, list[Any]]]:
        """(weekday name, [its "open" box, its time fields, its note or None]) in week order,
        for one fieldset each (the times side by side on a wide screen)."""
        times = ["opens", "closes"] + (["break_starts", "break_ends"] if self.with_break else [])
        return [
            (
                name,
                [
                    self[hours_field(weekday, "open")],
                    [self[hours_field(weekday, part)] for part in times],
                    self[hours_field(weekday, "note")] if self.with_break else None,
                ],
            )
            for weekday, name in self.day_names.items()
        ]

    def days(self) -> dict[int, DayHours | None]:
        """{weekday: services.DayHours or None (closed)} from the cleaned data."""
        data = self.cleaned_data
        result: dict[int, DayHours | None] = {}
        for weekday in self.day_names:
            if not data.get(hours_field(weekday, "open")):
                result[weekday] = None
                continue
            result[weekday] = DayHours(
                opens=data.get(hours_field(weekday, "opens")),
                closes=data.get(hours_field(weekday, "closes")),
                break_starts=data.get(hours_field(weekday, "break_starts")),
                break_ends=data.get(hours_field(weekday, "break_ends")),
                note=data.get(hours_field(weekday, "note")) or "",
            )
        return result


class CounterHoursForm(WeeklyHoursForm):
    """An agency's counter hours at an MPP: either the MPP's own hours, or its own per weekday."""

    def __init__(self, *args, rows: dict, **kwargs):
        super().__init__(*args, rows=rows, with_break=False, **kwargs)
        self.fields = {
            "follows_mpp": forms.BooleanField(
                label=_("Loket mengikuti jam layanan MPP"),
                required=False,
                initial=not rows,
                help_text=_(
                    "Hapus centang untuk mengisi jam loket sendiri per hari di bawah ini; "
                    "hari yang tidak dicentang “Buka” berarti loket tutup."
                ),
            ),
            **self.fields,
        }

    def counter_days(self) -> dict[int, DayHours | None] | None:
        """The counter's own week, or None when it follows the MPP's hours."""
        if self.cleaned_data.get("follows_mpp"):
            return None
        return self.days()
