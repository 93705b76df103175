from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from mpp.parsing import fields as bounded
from mpp.regions.models import CalendarOverride


class CalendarOverrideForm(forms.Form):
    """Shape only; the rules (years, duplicates, scope) live in services.add_override."""

    date = bounded.DateField(
        label=_("Tanggal"),
        # Browsers with a date picker send ISO dates; a plain text box may get 18/12/2026.
        input_formats=["%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y"],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"required": _("Isi tanggal."), "invalid": _("Tanggal tidak valid.")},
    )
    kind = forms.ChoiceField(
        label=_("Jenis hari"),
        choices=[
            (CalendarOverride.Kind.DAY_OFF, _("Hari libur (layanan tutup)")),
            (CalendarOverride.Kind.WORKING_DAY, _("Hari kerja (layanan buka)")),
        ],
        help_text=_("Hari kerja membatalkan hari libur atau cuti bersama pada tanggal itu."),
        error_messages={
            "required": _("Pilih jenis hari."),
            "invalid_choice": _("Pilih jenis hari: hari libur atau hari kerja."),
        },
    )
    reason = forms.CharField(
        label=_("Alasan"),
        max_length=200,
        help_text=_("Misalnya: Hari jadi Kota Batam, Keputusan Wali Kota Nomor 12 Tahun 2026."),
        error_messages={
            "required": _("Tuliskan alasannya, misalnya nomor surat keputusan."),
            "max_length": _("Alasan paling banyak 200 karakter."),
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.describe_fields()

    def full_clean(self):
        super().full_clean()
        self.describe_fields()

    def describe_fields(self) -> None:
        """Link each control to its hint and error text (field.html renders those ids)."""
        for name, field in self.fields.items():
            bound = self[name]
            ids = []
            if field.help_text:
                ids.append(f"{bound.auto_id}-hint")
            if self.is_bound and self.errors.get(name):
                ids.append(f"{bound.auto_id}-error")
                field.widget.attrs["aria-invalid"] = "true"
            if ids:
                field.widget.attrs["aria-describedby"] = " ".join(ids)
