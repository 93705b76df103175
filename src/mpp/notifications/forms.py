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
