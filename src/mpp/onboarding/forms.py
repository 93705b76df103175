from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from mpp.onboarding.models import Hosting
from mpp.onboarding.services import CRITERIA_LABELS, DEFAULT_WEIGHTS
from mpp.parsing import LARGEST_ID
from mpp.parsing import fields as bounded
from mpp.regions.models import Province, Region
from mpp.tenancy.models import MPP


class ApplicationForm(forms.Form):
    region = forms.ModelChoiceField(
        label=_("Kabupaten/kota"), queryset=Region.objects.order_by("name"), empty_label=_("Pilih")
    )
    contact_name = forms.CharField(label=_("Nama admin daerah"), max_length=150)
    contact_email = forms.EmailField(label=_("Surel admin daerah"))
    manager_name = forms.CharField(label=_("Nama calon pengelola MPP"), max_length=150)
    manager_email = forms.EmailField(label=_("Surel calon pengelola MPP"))
    letter = forms.FileField(
        label=_("Surat resmi bupati/wali kota"), help_text=_("PDF atau gambar, paling besar 10 MB.")
    )
    urgency_study = forms.FileField(
        label=_("Kajian urgensi"), help_text=_("PDF atau gambar, paling besar 10 MB.")
    )
    bandwidth_mbps = bounded.IntegerField(label=_("Kapasitas internet (Mbps)"), min_value=0)
    devices = bounded.IntegerField(label=_("Jumlah perangkat komputer di MPP"), min_value=0)
    trained_staff = bounded.IntegerField(label=_("Jumlah petugas terlatih"), min_value=0)
    has_physical_mpp = forms.TypedChoiceField(
        label=_("Sudah memiliki MPP fisik?"),
        choices=[("1", _("Ya")), ("0", _("Belum"))],
        coerce=lambda value: value == "1",
        widget=forms.RadioSelect,
    )
    hosting = forms.ChoiceField(label=_("Pusat data atau cloud"), choices=Hosting.choices)
    budget = bounded.IntegerField(
        label=_("Anggaran yang disiapkan (rupiah)"), min_value=0, max_value=LARGEST_ID
    )

    def __init__(self, *args, regions=None, province=None, **kwargs):
        super().__init__(*args, **kwargs)
        if regions is not None:
            self.fields["region"].queryset = regions.order_by("name")
            self.fields["region"].empty_label = None
        elif province is not None:
            # Province first: a short list of its kab/kota instead of all 514 in one select.
            self.fields["region"].queryset = Region.objects.filter(province=province).order_by(
                "name"
            )


class ProvinceForm(forms.Form):
    """Step one of the public form: the province, so the kab/kota list that follows is short."""

    provinsi = forms.ModelChoiceField(
        label=_("Provinsi"), queryset=Province.objects.order_by("name"), empty_label=_("Pilih")
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Alasan"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )


class DesignateForm(forms.Form):
    """The phase is a deliberate choice (it once defaulted to 1): the phases in use and the next
    new one, none preselected."""

    phase = forms.TypedChoiceField(label=_("Tahap penetapan"), coerce=int, choices=())

    def __init__(self, *args, phases: list[int] | None = None, counts=None, **kwargs):
        super().__init__(*args, **kwargs)
        phases = phases or [1]
        counts = counts or {}
        choices = [("", _("Pilih tahap"))]
        for phase in phases:
            if phase in counts:
                label = _("Tahap %(phase)s (%(count)s lokus)") % {
                    "phase": phase,
                    "count": counts[phase],
                }
            else:
                label = _("Tahap %(phase)s (tahap baru)") % {"phase": phase}
            choices.append((str(phase), label))
        self.fields["phase"].choices = choices
        self.fields["phase"].help_text = _(
            "Pilih tahap yang sedang dibuka, atau tahap baru bila penetapan tahap sebelumnya "
            "sudah ditutup."
        )


class AgreementForm(forms.Form):
    agreement = forms.FileField(
        label=_("Perjanjian penerapan bertanda tangan"),
        help_text=_("PDF atau gambar, paling besar 10 MB."),
    )


class RubricForm(forms.Form):
    name = forms.CharField(label=_("Nama rubrik"), max_length=200)

    def __init__(self, *args, initial_weights=None, **kwargs):
        super().__init__(*args, **kwargs)
        weights = initial_weights or DEFAULT_WEIGHTS
        for key, label in CRITERIA_LABELS.items():
            self.fields[f"w_{key}"] = forms.DecimalField(
                label=_("Bobot: %(criterion)s (%%)") % {"criterion": label},
                min_value=0,
                max_value=100,
                decimal_places=2,
                initial=weights.get(key, 0),
            )

    def weights(self) -> dict:
        return {key: self.cleaned_data[f"w_{key}"] for key in CRITERIA_LABELS}


class DecreeForm(forms.Form):
    number = forms.CharField(label=_("Nomor SK"), max_length=120)
    decree_date = bounded.DateField(
        label=_("Tanggal SK"), widget=forms.DateInput(attrs={"type": "date"})
    )
    signatory = forms.CharField(label=_("Penanda tangan"), max_length=150)
    valid_until = bounded.DateField(
        label=_("Berlaku sampai"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    document = forms.FileField(label=_("Berkas SK (PDF)"), help_text=_("PDF, paling besar 10 MB."))
    appointee_name = forms.CharField(label=_("Nama pengelola yang ditetapkan"), max_length=150)
    appointee_email = forms.EmailField(label=_("Surel pengelola"))
    appointee_position = forms.CharField(label=_("Jabatan dalam SK"), max_length=150)
    appointee_mpp = forms.ModelChoiceField(label=_("MPP"), queryset=MPP.objects.none())

    def __init__(self, *args, region=None, **kwargs):
        super().__init__(*args, **kwargs)
        if region is not None:
            self.fields["appointee_mpp"].queryset = MPP.objects.filter(region=region)

    def clean(self):
        data = super().clean()
        if (
            data.get("valid_until")
            and data.get("decree_date")
            and data["valid_until"] < data["decree_date"]
        ):
            raise ValidationError(
                {"valid_until": _("Tanggal berlaku sampai tidak boleh sebelum tanggal SK.")}
            )
        return data
