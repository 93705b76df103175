from __future__ import annotations

import datetime

from django import forms
from django.utils.translation import gettext_lazy as _

from mpp.parsing import fields as bounded
from mpp.rooms.models import Room

# Half hours a booking may start or end on (the MPP's opening hours narrow them further).
HALF_HOURS = [datetime.time(hour, minute) for hour in range(6, 23) for minute in (0, 30)][
    :-1
]  # 06.00 to 22.30
TIME_CHOICES = [(t.strftime("%H:%M"), t.strftime("%H.%M")) for t in HALF_HOURS]


def _time(value: str) -> datetime.time:
    return datetime.time.fromisoformat(value)


def _time_field(label) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(label=label, choices=TIME_CHOICES, coerce=_time)


def _text(
    label, *, required: bool = True, rows: int = 3, max_length: int = 2000
) -> forms.CharField:
    return forms.CharField(
        label=label, required=required, max_length=max_length,
        widget=forms.Textarea(attrs={"rows": rows}),
    )  # fmt: skip


class RequestForm(forms.Form):
    group_name = forms.CharField(
        label=_("Nama komunitas, sekolah atau kelompok warga"), max_length=200
    )
    title = forms.CharField(label=_("Nama kegiatan"), max_length=200)
    purpose = _text(_("Tujuan dan susunan kegiatan"))
    attendance = bounded.IntegerField(label=_("Perkiraan jumlah peserta"), min_value=1)
    day = bounded.DateField(label=_("Tanggal"), widget=forms.DateInput(attrs={"type": "date"}))
    starts = _time_field(_("Mulai"))
    ends = _time_field(_("Selesai"))
    is_public = forms.BooleanField(
        label=_("Kegiatan terbuka untuk umum (ditampilkan dalam agenda kegiatan MPP)"),
        required=False,
    )
    accept_rules = forms.BooleanField(
        label=_("Kami telah membaca dan akan menaati tata tertib ruang ini"), required=True
    )


class RoomForm(forms.Form):
    name = forms.CharField(label=_("Nama ruang"), max_length=150)
    kind = forms.ChoiceField(label=_("Jenis ruang"), choices=Room.Kind.choices)
    capacity = bounded.IntegerField(label=_("Kapasitas (orang)"), min_value=1)
    facilities = _text(_("Fasilitas (satu per baris)"), required=False, rows=4)
    house_rules = _text(_("Tata tertib"), required=False, rows=4)


NOTE_LABELS = {
    "approve": _("Catatan untuk pemohon"),
    "approve_with_conditions": _("Syarat yang harus dipenuhi pemohon"),
    "decline": _("Alasan penolakan"),
}


class DecisionForm(forms.Form):
    """One decision of the manager, drawn beside the others: its fields carry the action as
    prefix, so that each form's ids are its own."""

    note = _text(_("Catatan"), required=False)
    version = bounded.IntegerField(min_value=0, widget=forms.HiddenInput)

    def __init__(self, *args, action: str, **kwargs) -> None:
        kwargs["prefix"] = action
        super().__init__(*args, **kwargs)
        self.fields["note"].label = NOTE_LABELS[action]
        self.fields["note"].required = action != "approve"


class DeactivateForm(forms.Form):
    reason = _text(_("Alasan ruang tidak dapat dipinjam"))


class CancelForm(forms.Form):
    note = _text(_("Alasan pembatalan"))
