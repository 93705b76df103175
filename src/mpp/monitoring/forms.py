from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from mpp.monitoring.models import DEFAULT_RUBRIC, ITEMS
from mpp.parsing import fields as bounded
from mpp.regions.models import Region


def _percent(label, **options) -> forms.DecimalField:
    """A weight, a penalty or a threshold of the rubric: 0 to 100."""
    return forms.DecimalField(label=label, min_value=0, max_value=100, **options)


def _answer(label) -> forms.CharField:
    """A written answer of the report (items 5–8): a draft may be saved without it."""
    return forms.CharField(
        label=label, widget=forms.Textarea(attrs={"rows": 4}), required=False, max_length=5000
    )


def _declared(label) -> forms.IntegerField:
    """A number the region declares itself (beside the platform's own counts): 0 or more."""
    return bounded.IntegerField(label=label, min_value=0, required=False)


class PeriodForm(forms.Form):
    name = forms.CharField(label=_("Nama periode"), max_length=200)
    phase = bounded.IntegerField(label=_("Tahap lokus"), min_value=1, initial=1)
    starts_on = bounded.DateField(
        label=_("Data dihitung sejak"), widget=forms.DateInput(attrs={"type": "date"})
    )
    ends_on = bounded.DateField(
        label=_("Data dihitung sampai"), widget=forms.DateInput(attrs={"type": "date"})
    )
    deadline = bounded.DateField(
        label=_("Batas penyampaian"), widget=forms.DateInput(attrs={"type": "date"})
    )
    regions = bounded.ModelMultipleChoiceField(
        label=_("Lokus"),
        queryset=Region.objects.order_by("name"),
        help_text=_("Biarkan kosong untuk semua lokus pada tahap tersebut."),
        required=False,
    )
    items = forms.TypedMultipleChoiceField(
        label=_("Butir laporan"),
        choices=[(str(k), f"{k}) {v}") for k, v in ITEMS.items()],
        coerce=int,
        initial=[str(k) for k in ITEMS],
        widget=forms.CheckboxSelectMultiple,
    )
    late_penalty = _percent(
        _("Pengurangan nilai bila terlambat"), initial=DEFAULT_RUBRIC["late_penalty"]
    )
    prima = _percent(_("Nilai paling rendah kategori prima"), initial=85)
    baik = _percent(_("Nilai paling rendah kategori baik"), initial=70)
    cukup = _percent(_("Nilai paling rendah kategori cukup"), initial=50)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for item, label in ITEMS.items():
            self.fields[f"w_{item}"] = _percent(
                _("Bobot butir %(item)s (%%)") % {"item": item},
                help_text=label,
                initial=DEFAULT_RUBRIC["weights"][str(item)],
            )

    def rubric(self) -> dict:
        data = self.cleaned_data
        return {
            "weights": {str(item): float(data[f"w_{item}"]) for item in ITEMS},
            "late_penalty": float(data["late_penalty"]),
            "thresholds": {key: float(data[key]) for key in ("prima", "baik", "cukup")},
        }


class ReportForm(forms.Form):
    acceleration_efforts = _answer(_("5) Upaya percepatan penggunaan MPP Digital"))
    ikd_sisdmk_efforts = _answer(_("6) Upaya percepatan aktivasi IKD dan penginputan SISDMK"))
    ikd_activations = _declared(_("Jumlah aktivasi IKD (dinyatakan daerah)"))
    sisdmk_entries = _declared(_("Jumlah data SISDMK diinput (dinyatakan daerah)"))
    obstacles = _answer(_("7) Kendala pelaksanaan MPP Digital"))
    suggestions = _answer(_("8) Saran dan masukan"))
    community_engagement = _answer(_("Keterlibatan warga (opsional)"))
    declared_population_applicants = _declared(
        _("Pemohon layanan kependudukan di luar platform (dinyatakan)")
    )
    declared_health_applicants = _declared(
        _("Pemohon izin tenaga kesehatan di luar platform (dinyatakan)")
    )
    declared_population_processed = _declared(
        _("Layanan kependudukan diproses di luar platform (dinyatakan)")
    )
    declared_health_permits_issued = _declared(
        _("Izin tenaga kesehatan terbit di luar platform (dinyatakan)")
    )


# The text of items 5–8: asked by the period, so never marked "(opsional)", even though a draft may
# be saved without them (sending refuses while one is missing).
ITEM_FIELDS = {5: "acceleration_efforts", 6: "ikd_sisdmk_efforts", 7: "obstacles", 8: "suggestions"}


def mark_asked(form: ReportForm, items) -> ReportForm:
    for item, name in ITEM_FIELDS.items():
        if item in items:
            # Read by the report's template (``field.field.asked``); django-stubs declare no
            # attribute of one's own on a form field.
            form.fields[name].asked = True  # type: ignore[attr-defined]
    return form


class NoteForm(forms.Form):
    note = forms.CharField(
        label=_("Catatan untuk lokus"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        required=False,
    )
