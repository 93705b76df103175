from __future__ import annotations

from django import forms
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from mpp.accounts.models import User
from mpp.notifications.base import Channel
from mpp.notifications.models import Language, NotificationPreference


class PreferenceForm(forms.Form):
    language = forms.ChoiceField(
        label=_("Bahasa pesan"),
        choices=Language.choices,
        help_text=_(
            "Bahasa surel, SMS, WhatsApp, dan kotak pesan. Bahasa tampilan situs dipilih "
            "di bagian atas halaman."
        ),
        error_messages={
            "invalid_choice": _("Pilih Bahasa Indonesia atau English."),
            "required": _("Pilih bahasa pesan."),
        },
    )
    email_enabled = forms.BooleanField(label=_("Kirim lewat surel"), required=False)
    sms_enabled = forms.BooleanField(label=_("Kirim lewat SMS"), required=False)
    whatsapp_enabled = forms.BooleanField(label=_("Kirim lewat WhatsApp"), required=False)

    @classmethod
    def for_user(
        cls, user: User, preference: NotificationPreference, data: QueryDict | None = None
    ) -> PreferenceForm:
        """A channel the account has no address for is shown off, whatever was stored."""
        initial = {
            "language": preference.language,
            "email_enabled": preference.allows(Channel.EMAIL) and bool(user.email),
            "sms_enabled": preference.allows(Channel.SMS) and bool(user.phone),
            "whatsapp_enabled": preference.allows(Channel.WHATSAPP) and bool(user.phone),
        }
        form = cls(data, initial=initial)
        if not user.email:
            form.fields["email_enabled"].help_text = _("Akun Anda belum mempunyai alamat surel.")
        if not user.phone:
            for name in ("sms_enabled", "whatsapp_enabled"):
                form.fields[name].help_text = _("Akun Anda belum mempunyai nomor telepon.")
        return form


class GuestContactForm(forms.Form):
    """A guest's email address or phone number, to confirm with a one-time code."""

    address = forms.CharField(
        label=_("Alamat surel atau nomor telepon"),
        max_length=254,
        help_text=_("Kami mengirim kode konfirmasi ke alamat ini."),
    )

    def clean_address(self) -> str:
        value = str(self.cleaned_data["address"]).strip()
        digits = value.replace("+", "").replace(" ", "")
        if "@" in value:
            forms.EmailField().clean(value)
            return value
        if not digits.isdigit() or not 9 <= len(digits) <= 15:
            raise forms.ValidationError(_("Tuliskan alamat surel atau nomor telepon yang sah."))
        return value


class GuestCodeForm(forms.Form):
    code = forms.CharField(label=_("Kode konfirmasi"), max_length=6, min_length=6)
