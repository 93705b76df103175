from __future__ import annotations

from typing import cast

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from mpp.catalog.models import Service
from mpp.complaints.models import About, Category, Kind, Rating
from mpp.complaints.selectors import categories_for
from mpp.parsing import fields as bounded
from mpp.parsing import parse_id
from mpp.tenancy.models import MPP, Agency

STATUS_CHOICES = [
    ("", _("Semua status")),
    ("submitted", _("Menunggu verifikasi")),
    ("postponed", _("Menunggu keterangan pelapor")),
    ("forwarded", _("Diteruskan ke instansi")),
    ("answered", _("Ditanggapi")),
    ("closed", _("Selesai")),
    ("referred", _("Bukan wewenang")),
    ("archived", _("Diarsipkan")),
]


AT_MPP = "mpp"
ELSEWHERE = "elsewhere"
PLACE_CHOICES = [(AT_MPP, _("Di gedung MPP")), (ELSEWHERE, _("Di tempat lain"))]


class PublishedServiceField(forms.ModelChoiceField[Service]):
    """A published service, by the name its published version gives it."""

    def label_from_instance(self, obj: Service) -> str:
        version = obj.current_version
        return version.name if version is not None else obj.name


class ComplaintForm(forms.Form):
    kind = forms.ChoiceField(label=_("Jenis"), choices=Kind.choices, widget=forms.RadioSelect)
    about = forms.ChoiceField(label=_("Tentang"), choices=About.choices, widget=forms.RadioSelect)
    mpp = forms.ModelChoiceField(label=_("MPP"), queryset=MPP.objects.none())
    agency = forms.ModelChoiceField(
        label=_("Instansi"), queryset=Agency.objects.none(), required=False
    )
    service = PublishedServiceField(
        label=_("Layanan"), queryset=Service.objects.none(), required=False
    )
    application_reference = forms.CharField(
        label=_("Nomor permohonan Anda"),
        max_length=40,
        required=False,
        help_text=_(
            "Isi jika pengaduan tentang permohonan Anda sendiri, misalnya 2171-261201-0001."
        ),
    )
    category = forms.ModelChoiceField(
        label=_("Kategori"), queryset=Category.objects.none(), required=False
    )
    # The same messages as the service's (API and Open311 share them).
    title = forms.CharField(
        label=_("Judul"),
        max_length=200,
        error_messages={"required": _("Tuliskan judul singkat.")},
    )
    text = forms.CharField(
        label=_("Isi"),
        error_messages={"required": _("Tuliskan isi pengaduan Anda.")},
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Paling banyak 4.000 karakter. Jangan menuliskan NIK."),
    )
    place = forms.ChoiceField(
        label=_("Tempat kejadian"),
        choices=PLACE_CHOICES,
        widget=forms.RadioSelect,
        required=False,
        initial=AT_MPP,
        help_text=_("Kejadian di gedung MPP tidak memerlukan keterangan tempat."),
    )
    address = forms.CharField(
        label=_("Keterangan tempat"),
        max_length=300,
        required=False,
        help_text=_(
            "Jika di tempat lain: nama jalan, gedung, atau patokan, misalnya "
            "“Jalan Engku Putri, depan halte Batam Centre”."
        ),
    )
    # Filled only by the optional "use my location" control (JavaScript); never typed.
    latitude = forms.DecimalField(
        max_digits=9, decimal_places=6, required=False, widget=forms.HiddenInput
    )
    longitude = forms.DecimalField(
        max_digits=9, decimal_places=6, required=False, widget=forms.HiddenInput
    )
    attachments = forms.FileField(
        label=_("Lampiran"),
        required=False,
        help_text=_("PDF, PNG, atau JPEG; paling besar 5 MB."),
    )
    is_anonymous = forms.BooleanField(
        label=_("Anonim: sembunyikan identitas saya dari instansi"),
        help_text=_("Hanya petugas pengaduan MPP yang melihat nama dan kontak Anda."),
        required=False,
    )
    is_confidential = forms.BooleanField(
        label=_("Rahasia: jangan tampilkan pengaduan ini untuk umum"),
        help_text=_(
            "Judul, isi, dan tanggapan tidak dimuat di halaman publik maupun Open311; hanya Anda, "
            "petugas pengaduan MPP, dan instansi yang menangani yang melihatnya."
        ),
        required=False,
    )
    reporter_name = forms.CharField(label=_("Nama Anda"), max_length=150, required=False)

    def __init__(self, *args, guest: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField[MPP], self.fields["mpp"]).queryset = MPP.objects.filter(
            is_active=True
        ).order_by("name")
        # The agencies and services of the chosen MPP only: nationally there are thousands of
        # each, and listing them all made a 1.2 MB page that took seconds to render.
        mpp = self.chosen_mpp()
        if mpp is None:
            agencies, services = Agency.objects.none(), Service.objects.none()
            for name in ("agency", "service"):
                self.fields[name].help_text = _(
                    "Pilih MPP, lalu tekan “Tampilkan instansi dan layanan”."
                )
        else:
            agencies = Agency.objects.filter(
                presences__mpp_id=mpp, presences__is_active=True
            ).distinct()
            services = Service.objects.published().filter(mpp_id=mpp)
        cast(forms.ModelChoiceField[Agency], self.fields["agency"]).queryset = agencies.order_by(
            "name"
        )
        cast(PublishedServiceField, self.fields["service"]).queryset = services.select_related(
            "current_version"
        ).order_by("current_version__name", "pk")
        # The categories of the chosen MPP's kab/kota (national ones until an MPP is chosen).
        region = (
            MPP.objects.filter(pk=mpp).values_list("region_id", flat=True).first()
            if mpp is not None
            else None
        )
        cast(forms.ModelChoiceField[Category], self.fields["category"]).queryset = categories_for(
            region
        )
        if not guest:
            del self.fields["reporter_name"]
            self.fields["text"].help_text = _(
                "Paling banyak 4.000 karakter. Jangan menuliskan NIK."
            )

    def chosen_mpp(self) -> int | None:
        """The MPP id the person chose (posted, or given with the service they came from)."""
        source = self.data if self.is_bound else self.initial
        mpp = _id(source.get("mpp"))
        if mpp is not None:
            return mpp
        service = _id(source.get("service"))
        if service is not None:
            return Service.objects.filter(pk=service).values_list("mpp_id", flat=True).first()
        return None


class ReporterActionForm(forms.Form):
    action = forms.ChoiceField(choices=[("supplement", ""), ("reopen", ""), ("close", "")])
    note = forms.CharField(
        label=_("Balasan atau keterangan"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )


class RatingForm(forms.Form):
    rating = forms.TypedChoiceField(
        label=_("Nilai tanggapan"),
        coerce=int,
        choices=[(value, f"{value} – {label}") for value, label in Rating.choices],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Komentar"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=1000,
    )


def _id(value) -> int | None:
    """A database id from a form value, or None (not digits, or too long for a bigint column:
    a hostile ``?mpp=99999…`` must not reach the database)."""
    return parse_id(value)


class PublicFilterForm(forms.Form):
    q = forms.CharField(label=_("Cari"), required=False, max_length=100)
    mpp = forms.ModelChoiceField(
        label=_("MPP"), queryset=MPP.objects.none(), required=False, empty_label=_("Semua MPP")
    )
    agency = forms.ModelChoiceField(
        label=_("Instansi"),
        queryset=Agency.objects.none(),
        required=False,
        empty_label=_("Semua instansi"),
        help_text=_("Pilih MPP terlebih dahulu untuk melihat daftar instansinya."),
    )
    status = forms.ChoiceField(label=_("Status"), choices=STATUS_CHOICES, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["mpp"].queryset = MPP.objects.filter(is_active=True).order_by("name")
        # The agencies of the chosen MPP only (nationally there are thousands); an agency named
        # in a link without an MPP stays valid on its own.
        data = self.data or {}
        mpp, agency = _id(data.get("mpp")), _id(data.get("agency"))
        if mpp is not None:
            agencies = Agency.objects.filter(
                presences__mpp_id=mpp, presences__is_active=True
            ).distinct()
        elif agency is not None:
            agencies = Agency.objects.filter(pk=agency)
        else:
            agencies = Agency.objects.none()
        self.fields["agency"].queryset = agencies.order_by("name")

    def choice_fields(self) -> list[dict]:
        """The select filters as plain data, written out in the template: Django's per-option
        widget templates cost most of the page with the 300 MPPs of the country."""
        from mpp.catalog.selectors import mpp_choices

        self.is_valid()
        mpp_field = cast(forms.ModelChoiceField[MPP], self.fields["mpp"])
        agency_field = cast(forms.ModelChoiceField[Agency], self.fields["agency"])
        # The agencies ``__init__`` chose (the field's queryset is never None here).
        agencies = agency_field.queryset
        if agencies is None:
            agencies = Agency.objects.none()
        options: dict[str, list[tuple[str, StrOrPromise | None]]] = {
            "mpp": [("", mpp_field.empty_label)]
            + [(str(choice.pk), choice.name) for choice in mpp_choices()],
            "agency": [("", agency_field.empty_label)]
            + [(str(pk), name) for pk, name in agencies.values_list("pk", "name")],
            "status": [(value, label) for value, label in STATUS_CHOICES],
        }
        return [
            {
                "name": name,
                "label": self.fields[name].label,
                "help_text": self.fields[name].help_text
                if name != "agency" or len(options[name]) == 1
                else "",
                "choices": options[name],
                "selected": str(self.data.get(name, "")) if self.is_bound else "",
                "errors": self.errors.get(name, []) if self.is_bound else [],
            }
            for name in ("mpp", "agency", "status")
        ]


class StaffActionForm(forms.Form):
    action = forms.CharField(max_length=32)
    version = bounded.IntegerField(min_value=0)
    note = forms.CharField(
        label=_("Catatan, alasan, atau tanggapan"),
        widget=forms.Textarea(attrs={"rows": 5}),
        required=False,
    )
    agency = forms.ModelChoiceField(
        label=_("Instansi tujuan"), queryset=Agency.objects.none(), required=False
    )
    useful = forms.BooleanField(label=_("Jadikan tanya jawab di halaman layanan"), required=False)

    def __init__(self, *args, mpp=None, **kwargs):
        super().__init__(*args, **kwargs)
        queryset = Agency.objects.order_by("name")
        if mpp is not None:
            # The agencies serving at the MPP, and the kab/kota's inspectorate (integrity cases).
            queryset = queryset.filter(
                Q(presences__mpp=mpp, presences__is_active=True)
                | Q(kind=Agency.Kind.INSPECTORATE, region_id=mpp.region_id)
            ).distinct()
        self.fields["agency"].queryset = queryset


class NoteForm(forms.Form):
    text = forms.CharField(label=_("Catatan internal"), widget=forms.Textarea(attrs={"rows": 3}))


class TemplateForm(forms.Form):
    title = forms.CharField(label=_("Judul templat"), max_length=120)
    text = forms.CharField(label=_("Isi templat"), widget=forms.Textarea(attrs={"rows": 5}))


class ApiKeyForm(forms.Form):
    name = forms.CharField(label=_("Nama klien"), max_length=120)
