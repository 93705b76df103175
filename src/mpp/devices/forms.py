from __future__ import annotations

from django import forms
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from mpp.devices.models import DeviceKind


class RegisterForm(forms.Form):
    kind = forms.ChoiceField(label=_("Jenis perangkat"), choices=DeviceKind.choices)
    name = forms.CharField(
        label=_("Nama perangkat"),
        max_length=100,
        help_text=_("Misalnya: Anjungan pintu utama, Layar ruang tunggu, Kios SKM pintu keluar."),
    )
    choice = forms.ChoiceField(label=_("Layanan"), required=False)

    def __init__(
        self,
        data: QueryDict | None = None,
        *,
        choice_label: StrOrPromise = "",
        choices: list[tuple[str, str]] | tuple[()] = (),
    ) -> None:
        super().__init__(data)
        field = self.fields["choice"]
        if choices and isinstance(field, forms.ChoiceField):
            field.label = choice_label
            field.choices = [("", "—"), *choices]
        else:
            del self.fields["choice"]


class PairingTokenForm(forms.Form):
    token = forms.CharField(label=_("Token perangkat"), max_length=200)
