from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from mpp.monitoring.models import DEFAULT_RUBRIC, ITEMS
from mpp.parsing import fields as bounded
from mpp.regions.models import Region


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
    late_penalty = forms.DecimalField(
        label=_("Pengurangan nilai bila terlambat"),
        min_value=0,
        max_value=100,
        initial=DEFAULT_RUBRIC["late_penalty"],
    )
    prima = forms.DecimalField(
        label=_("Nilai paling rendah kategori prima"), min_value=0, max_value=100, initial=85
    )
    baik = forms.DecimalField(
        label=_("Nilai paling rendah kategori baik"), min_value=0, max_value=100, initial=70
    )
    cukup = forms.DecimalField(
        label=_("Nilai paling rendah kategori cukup"), min_value=0, max_value=100, initial=50
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for item, label in ITEMS.items():
            self.fields[f"w_{item}"] = forms.DecimalField(
                label=_("Bobot butir %(item)s (%%)") % {"item": item},
                help_text=label,
                min_value=0,
                max_value=100,
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
    acceleration_efforts = forms.CharField(
        label=_("5) Upaya percepatan penggunaan MPP Digital"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        max_length=5000,
    )
    ikd_sisdmk_efforts = forms.CharField(
        label=_("6) Upaya percepatan aktivasi IKD dan penginputan SISDMK"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        max_length=5000,
    )
    ikd_activations = bounded.IntegerField(
        label=_("Jumlah aktivasi IKD (dinyatakan daerah)"), min_value=0, required=False
    )
    sisdmk_entries = bounded.IntegerField(
        label=_("Jumlah data SISDMK diinput (dinyatakan daerah)"), min_value=0, required=False
    )
    obstacles = forms.CharField(
        label=_("7) Kendala pelaksanaan MPP Digital"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        max_length=5000,
    )
    suggestions = forms.CharField(
        label=_("8) Saran dan masukan"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        max_length=5000,
    )
    declared_population_applicants = bounded.IntegerField(
        label=_("Pemohon layanan kependudukan di luar platform (dinyatakan)"),
        min_value=0,
        required=False,
    )
    declared_health_applicants = bounded.IntegerField(
        label=_("Pemohon izin tenaga kesehatan di luar platform (dinyatakan)"),
        min_value=0,
        required=False,
    )
    declared_population_processed = bounded.IntegerField(
        label=_("Layanan kependudukan diproses di luar platform (dinyatakan)"),
        min_value=0,
        required=False,
    )
    declared_health_permits_issued = bounded.IntegerField(
        label=_("Izin tenaga kesehatan terbit di luar platform (dinyatakan)"),
        min_value=0,
        required=False,
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
