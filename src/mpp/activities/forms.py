from __future__ import annotations

import datetime
from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from mpp.parsing import fields as bounded
from mpp.regions import localtime
from mpp.regions.models import Region
from mpp.tenancy.models import MPP, Agency

from .models import Category
from .services import SATISFACTION_SCORES, ActivityData

SATISFACTION_LABELS = {
    1: _("Tidak puas"),
    2: _("Kurang puas"),
    3: _("Puas"),
    4: _("Sangat puas"),
}


class ProgrammeFilterForm(forms.Form):
    """The national programme's filters (GET): kab/kota, category and a range of days."""

    region = forms.ChoiceField(label=_("Kabupaten/kota"), required=False)
    category = forms.ChoiceField(
        label=_("Kategori"),
        required=False,
        choices=[("", _("Semua kategori")), *Category.choices],
    )
    start = bounded.DateField(
        label=_("Dari tanggal"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    end = bounded.DateField(
        label=_("Sampai tanggal"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        regions = (
            Region.objects.filter(mpps__is_active=True)
            .distinct()
            .order_by("name")
            .values_list("code", "name")
        )
        cast(forms.ChoiceField, self.fields["region"]).choices = [
            ("", _("Semua kabupaten/kota")),
            *regions,
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            self.add_error("end", _("Tanggal akhir tidak boleh sebelum tanggal awal."))
        return data

    def select_fields(self) -> list[dict[str, Any]]:
        """The selects as plain data, written out in the template (hundreds of kab/kota)."""
        return [
            {
                "field": self[name],
                "choices": [(str(v), label) for v, label in self._choices(name)],
                "selected": str(self.data.get(name, "")),
            }
            for name in ("region", "category")
        ]

    def _choices(self, name: str) -> list[tuple[Any, Any]]:
        choices = cast(list[tuple[Any, Any]], cast(forms.ChoiceField, self.fields[name]).choices)
        return choices


class ActivityForm(forms.Form):
    title = forms.CharField(label=_("Judul"), max_length=200)
    description = forms.CharField(
        label=_("Keterangan"), widget=forms.Textarea(attrs={"rows": 5}), max_length=5000
    )
    organiser = forms.CharField(label=_("Penyelenggara"), max_length=200)
    category = forms.ChoiceField(label=_("Kategori"), choices=Category.choices)
    agency = forms.ModelChoiceField(
        label=_("Instansi penyelenggara"),
        queryset=Agency.objects.none(),
        required=False,
        empty_label=_("Pengelola MPP"),
        help_text=_("Pilih instansi bila kegiatan ini milik instansi tersebut."),
    )
    place = forms.CharField(
        label=_("Tempat di MPP"), max_length=200, help_text=_("Misalnya Aula lantai 2.")
    )
    day = bounded.DateField(label=_("Tanggal"), widget=forms.DateInput(attrs={"type": "date"}))
    start_time = forms.TimeField(
        label=_("Jam mulai"), widget=forms.TimeInput(attrs={"type": "time"})
    )
    end_time = forms.TimeField(
        label=_("Jam selesai"), widget=forms.TimeInput(attrs={"type": "time"})
    )
    capacity = bounded.IntegerField(label=_("Kapasitas (orang)"), min_value=1, max_value=100_000)
    registration_required = forms.BooleanField(
        label=_("Peserta perlu mendaftar"), required=False, initial=True
    )
    accessibility = forms.CharField(
        label=_("Catatan aksesibilitas"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Misalnya: jalur landai, juru bahasa isyarat, kursi roda tersedia."),
    )

    def __init__(self, *args: Any, mpp: MPP, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.mpp = mpp
        cast(forms.ModelChoiceField, self.fields["agency"]).queryset = (
            Agency.objects.filter(presences__mpp=mpp, presences__is_active=True)
            .distinct()
            .order_by("name")
        )
        zone = localtime.zone_name_of(mpp.region)
        self.fields["start_time"].help_text = _("Waktu setempat (%(zone)s).") % {
            "zone": mpp.region.timezone_abbreviation
        }
        self.zone_name = zone

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if (
            data.get("start_time")
            and data.get("end_time")
            and data["end_time"] <= data["start_time"]
        ):
            self.add_error("end_time", _("Jam selesai harus sesudah jam mulai."))
        return data

    def activity_data(self) -> ActivityData:
        data = self.cleaned_data
        zone = localtime.zone_of(self.mpp.region)
        day: datetime.date = data["day"]
        return ActivityData(
            title=data["title"].strip(),
            description=data["description"].strip(),
            organiser=data["organiser"].strip(),
            category=data["category"],
            place=data["place"].strip(),
            starts_at=datetime.datetime.combine(day, data["start_time"], zone),
            ends_at=datetime.datetime.combine(day, data["end_time"], zone),
            capacity=data["capacity"],
            registration_required=data["registration_required"],
            accessibility=data["accessibility"].strip(),
            agency=data.get("agency"),
        )

    @staticmethod
    def initial_for(activity: Any) -> dict[str, Any]:
        zone = localtime.zone_of(activity.mpp.region)
        start, end = activity.starts_at.astimezone(zone), activity.ends_at.astimezone(zone)
        return {
            "title": activity.title,
            "description": activity.description,
            "organiser": activity.organiser,
            "category": activity.category,
            "agency": activity.agency_id,
            "place": activity.place,
            "day": start.date(),
            "start_time": start.time().replace(second=0, microsecond=0),
            "end_time": end.time().replace(second=0, microsecond=0),
            "capacity": activity.capacity,
            "registration_required": activity.registration_required,
            "accessibility": activity.accessibility,
        }


class TicketNumberForm(forms.Form):
    number = forms.CharField(
        label=_("Nomor tiket"),
        max_length=12,
        help_text=_("Tertulis di bawah kode QR tiket, misalnya K7F3Q2XH."),
    )


class SatisfactionForm(forms.Form):
    score = forms.TypedChoiceField(
        label=_("Seberapa puas Anda dengan kegiatan ini?"),
        coerce=int,
        choices=[
            (score, f"{score} – {SATISFACTION_LABELS[score]}") for score in SATISFACTION_SCORES
        ],
        widget=forms.RadioSelect,
    )
