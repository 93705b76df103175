from __future__ import annotations

import functools

from django import forms
from django.template.loader import render_to_string
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from mpp.accounts.nik import normalize_nik
from mpp.cases.models import Status
from mpp.catalog.form_schema import FormField
from mpp.catalog.forms_definition import build_form
from mpp.parsing import fields as bounded


def step_form(fields: list[FormField], *, data=None, initial=None, errors=None):
    """The Django form for one step (rendering only: validation is in the services)."""
    form = build_form(fields, data=data, initial=initial or {}, ask_uploads=False)
    # Labels say what is required (an upload already stored or a field hidden by its condition is
    # not asked for again, so no field carries the browser's ``required`` attribute).
    form.use_required_attribute = False
    for item in fields:
        form.fields[item.name].required = item.required
    if data is not None:
        form._errors = forms.utils.ErrorDict(
            {name: form.error_class(messages) for name, messages in (errors or {}).items()}
        )
        form.cleaned_data = {}
    return form


def _note(label, help_text, *, rows: int = 3, required: bool = True) -> forms.CharField:
    """A text of up to 2000 characters written in a textarea (a decision's note, a reason)."""
    return forms.CharField(
        label=label,
        required=required,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": rows}),
        help_text=help_text,
    )


class VersionedForm(forms.Form):
    """A form acting on an application: carries the version the officer saw (optimistic lock)."""

    version = bounded.IntegerField(widget=forms.HiddenInput)


class NoteForm(VersionedForm):
    note = _note(
        _("Catatan atau alasan"),
        _("Wajib diisi untuk meminta perbaikan dan untuk menolak. Terlihat oleh pemohon."),
        required=False,
    )


class RevisionForm(VersionedForm):
    note = _note(
        _("Yang perlu diperbaiki"),
        _("Wajib diisi. Terlihat oleh pemohon: sebutkan isian atau berkas yang salah."),
    )


class ApproveForm(VersionedForm):
    note = _note(_("Catatan persetujuan"), _("Terlihat oleh pemohon."), rows=2, required=False)


class ReissueForm(forms.Form):
    reason = _note(
        _("Alasan penerbitan ulang"),
        _(
            "Wajib diisi. Alasan ini dicatat pada riwayat permohonan dan, bila dokumen lama masih "
            "sah, menjadi alasan pencabutannya yang terbaca di halaman verifikasi."
        ),
        rows=4,
    )


class RejectForm(VersionedForm):
    note = _note(
        _("Alasan penolakan"),
        _(
            "Wajib diisi. Pemohon membaca alasan ini; tulis apa dasar penolakannya dan apa yang "
            "dapat dilakukan pemohon."
        ),
        rows=4,
    )


class WithdrawForm(VersionedForm):
    """Withdrawing asks for nothing but the version the citizen saw."""


class InternalNoteForm(forms.Form):
    text = _note(_("Catatan internal"), _("Hanya terlihat oleh petugas."))


class AssignForm(VersionedForm):
    assignee = forms.TypedChoiceField(label=_("Serahkan kepada"), coerce=int, choices=())

    def __init__(self, *args, colleagues=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].choices = [(user.pk, user.name) for user in colleagues]


class WalkInForm(forms.Form):
    service = forms.TypedChoiceField(label=_("Layanan"), coerce=int, choices=())
    nik = forms.CharField(
        label=_("NIK pemohon"),
        max_length=24,
        help_text=_("16 digit sesuai KTP-el atau Kartu Keluarga."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    birth_date = bounded.DateField(
        label=_("Tanggal lahir"), widget=forms.DateInput(attrs={"type": "date"})
    )
    name = forms.CharField(
        label=_("Nama lengkap"),
        max_length=150,
        required=False,
        help_text=_("Wajib bila warga belum terdaftar; tulis sesuai KTP-el."),
    )
    phone = forms.CharField(label=_("Nomor telepon"), max_length=20, required=False)

    def clean_nik(self):
        nik = normalize_nik(self.cleaned_data["nik"])  # typed with spaces or dashes
        if len(nik) != 16:
            raise forms.ValidationError(
                _("NIK harus 16 digit; yang Anda masukkan %(count)d digit.") % {"count": len(nik)}
            )
        return nik

    def __init__(self, *args, services=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service"].choices = [("", _("Pilih layanan"))] + [
            (service.pk, service.name) for service in services
        ]


class InboxFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), required=False)
    service = forms.TypedChoiceField(
        label=_("Layanan"), required=False, coerce=int, empty_value=None
    )
    due = forms.ChoiceField(
        label=_("Batas waktu"),
        required=False,
        choices=[
            ("", _("Semua")),
            ("today", _("Jatuh tempo hari ini")),
            ("tomorrow", _("Jatuh tempo besok")),
            ("overdue", _("Melewati batas waktu")),
        ],
    )
    channel = forms.ChoiceField(
        label=_("Saluran"),
        required=False,
        choices=[("", _("Semua")), ("online", _("Daring")), ("counter", _("Di loket"))],
    )
    mine = forms.BooleanField(label=_("Hanya yang saya tangani"), required=False)
    # Drill-down filters from the dashboards (kept in the query string, hidden in the form).
    decided = forms.ChoiceField(
        label=_("Keputusan"),
        required=False,
        choices=[
            ("", _("Semua")),
            ("any", _("Sudah diputus")),
            ("on_time", _("Diputus tepat waktu")),
            ("late", _("Diputus terlambat")),
        ],
    )
    submitted_from = bounded.DateField(required=False, widget=forms.HiddenInput)
    submitted_to = bounded.DateField(required=False, widget=forms.HiddenInput)
    decided_from = bounded.DateField(required=False, widget=forms.HiddenInput)
    decided_to = bounded.DateField(required=False, widget=forms.HiddenInput)
    mpp = bounded.IdField(required=False, widget=forms.HiddenInput)
    agency = bounded.IdField(required=False, widget=forms.HiddenInput)
    region = forms.RegexField(regex=r"^\d{4}$", required=False, widget=forms.HiddenInput)

    def __init__(self, *args, services=(), statuses=(), **kwargs):
        """``services``: (id, label) pairs (``selectors.inbox_service_choices``)."""
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [
            ("", _("Belum selesai")),
            ("all", _("Semua status")),
            *statuses,
        ]
        self.fields["service"].choices = [("", _("Semua")), *services]


@functools.lru_cache(maxsize=512)
def _unbound_inbox_filters(language: str, services: tuple[tuple[int, str], ...]) -> str:
    form = InboxFilterForm(services=services, statuses=Status.choices)
    return render_to_string("cases/_inbox_filter_fields.html", {"form": form})


def inbox_filter_fields(form: InboxFilterForm, services: list[tuple[int, str]]) -> str:
    """The inbox filter's fields as HTML. The form as an officer first sees it (nothing chosen)
    is the same for every officer with the same services, in one language: rendered once per
    process and kept (keyed by both, so a service added to the scope renders anew)."""
    if form.is_bound:
        return render_to_string("cases/_inbox_filter_fields.html", {"form": form})
    return _unbound_inbox_filters(get_language(), tuple(services))


class TrackForm(forms.Form):
    """Follow an application without an account (POST only: nothing personal in the URL)."""

    nomor = forms.CharField(
        label=_("Nomor pelacakan"),
        max_length=40,  # typed with spaces; normalised by selectors.normalise_tracking_number
        help_text=_("Tertera pada tanda terima atau pesan konfirmasi, misalnya 2171-261120-0001."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
        error_messages={"required": _("Isi nomor pelacakan.")},
    )
    birth_date = bounded.DateField(
        label=_("Tanggal lahir pemohon"),
        help_text=_("Tanggal lahir pemilik NIK yang mengajukan permohonan."),
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={
            "required": _("Isi tanggal lahir pemohon."),
            "invalid": _("Isi tanggal lahir dengan format tanggal yang benar."),
        },
    )


class InboxSearchForm(forms.Form):
    """Sent by POST: a NIK typed here never appears in a URL or a log."""

    q = forms.CharField(
        label=_("Cari nomor pelacakan, NIK, atau nama pemohon"),
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
