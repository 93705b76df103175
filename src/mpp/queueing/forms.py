from __future__ import annotations

from typing import TYPE_CHECKING

from django import forms
from django.utils.translation import gettext_lazy as _

from mpp.parsing import fields as bounded
from mpp.queueing.models import AssistanceKind, Counter, PriorityGroup, QueueRules, ServiceQueue

if TYPE_CHECKING:
    from django.utils.functional import _StrOrPromise


def _within(value: int, low: int, high: int, message: _StrOrPromise) -> int:
    """The number of a setup field when it lies from ``low`` to ``high``; else ``message``."""
    if value < low or value > high:
        raise forms.ValidationError(message)
    return value


class ServiceQueueForm(forms.ModelForm):
    # A field no other row of the same MPP may share, and what to say next to it when one does.
    unique_in_mpp = ("prefix", _("Huruf ini sudah dipakai layanan lain di MPP ini."))

    class Meta:
        formfield_callback = bounded.formfield
        model = ServiceQueue
        fields = [
            "prefix",
            "slot_minutes",
            "online_per_slot",
            "walk_in_per_slot",
            "online_per_day",
            "walk_in_per_day",
            "is_active",
        ]

    def clean_prefix(self):
        prefix = self.cleaned_data["prefix"].strip().upper()
        if not prefix.isalpha():
            raise forms.ValidationError(_("Gunakan satu atau dua huruf, misalnya A."))
        return prefix

    def clean_slot_minutes(self):
        minutes = self.cleaned_data["slot_minutes"]
        return _within(minutes, 5, 240, _("Lama slot antara 5 dan 240 menit."))


class CounterForm(forms.ModelForm):
    unique_in_mpp = ("number", _("Nomor loket ini sudah dipakai di MPP ini."))

    class Meta:
        formfield_callback = bounded.formfield
        model = Counter
        fields = ["number", "name", "agency", "queues", "is_active"]
        widgets = {"queues": forms.CheckboxSelectMultiple}
        field_classes = {"queues": bounded.ModelMultipleChoiceField}

    def __init__(self, *args, agencies, queues, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = agencies
        self.fields["agency"].label = _("Instansi")
        self.fields["queues"].queryset = queues
        self.fields["queues"].label = _("Layanan yang dilayani")
        self.fields["number"].min_value = 1

    def clean(self):
        data = super().clean()
        agency, queues = data.get("agency"), data.get("queues")
        if agency and queues and any(queue.agency_id != agency.pk for queue in queues):
            self.add_error("queues", _("Loket hanya melayani layanan instansinya sendiri."))
        return data


class RulesForm(forms.ModelForm):
    class Meta:
        formfield_callback = bounded.formfield
        model = QueueRules
        fields = [
            "no_show_limit",
            "no_show_days",
            "grace_minutes",
            "booking_days_ahead",
            "max_services",
        ]

    def clean_no_show_days(self):
        days = self.cleaned_data["no_show_days"]
        return _within(days, 1, 365, _("Jangka waktu antara 1 dan 365 hari."))

    def clean_booking_days_ahead(self):
        days = self.cleaned_data["booking_days_ahead"]
        return _within(days, 1, 90, _("Antara 1 dan 90 hari."))

    def clean_max_services(self):
        count = self.cleaned_data["max_services"]
        return _within(count, 1, 5, _("Antara 1 dan 5 layanan."))


class KioskTokenForm(forms.Form):
    token = forms.CharField(
        label=_("Token anjungan"),
        max_length=200,
        help_text=_("Token diberikan pengelola MPP saat anjungan didaftarkan."),
    )


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Kode pemesanan"),
        max_length=200,
        help_text=_("Pindai kode QR pemesanan atau ketik 8 huruf/angka kodenya."),
    )
    priority_group = forms.ChoiceField(
        label=_("Kelompok prioritas"), choices=PriorityGroup.choices, required=False
    )
    assistance = forms.MultipleChoiceField(
        label=_("Pendampingan yang diperlukan"),
        choices=AssistanceKind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Petugas akan menemui warga; tiket masuk jalur prioritas."),
        error_messages={"invalid_choice": _("Pilihan pendampingan tidak dikenal.")},
    )


class AssistanceForm(forms.Form):
    """The help a visitor asks for when booking online: the kinds and a short note."""

    assistance = forms.MultipleChoiceField(
        label=_("Pendampingan yang Anda perlukan"),
        choices=AssistanceKind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Petugas MPP akan menemui Anda dan nomor Anda masuk jalur prioritas. Kosongkan bila "
            "tidak perlu."
        ),
        error_messages={"invalid_choice": _("Pilihan pendampingan tidak dikenal.")},
    )
    assistance_note = forms.CharField(
        label=_("Catatan untuk petugas"),
        required=False,
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            'Paling banyak 300 karakter, misalnya "datang dengan kursi roda sendiri". Hanya '
            "dibaca petugas MPP ini."
        ),
    )


class ResolveAssistanceForm(forms.Form):
    outcome = forms.ChoiceField(
        choices=[("met", _("Terpenuhi")), ("unmet", _("Tidak dapat dipenuhi"))]
    )
    reason = forms.CharField(label=_("Alasan"), required=False, max_length=300)
