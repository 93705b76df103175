"""The preferences page: language and channels, refused when the account lacks the address."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from mpp.notifications.models import NotificationPreference
from mpp.notifications.tests.factories import RecipientFactory

pytestmark = pytest.mark.django_db

URL = reverse("notifications:preferences")


def login(client, **fields):
    user = RecipientFactory(**fields)
    client.force_login(user)
    return user


def checked(html: str, name: str) -> bool:
    [tag] = re.findall(rf'<input type="checkbox" name="{name}"[^>]*>', html)
    return " checked" in tag


def test_defaults_are_shown_before_anything_is_saved(client):
    login(client)
    html = client.get(URL).content.decode()
    assert '<option value="id" selected>' in html
    assert checked(html, "email_enabled")
    assert checked(html, "sms_enabled")
    assert not checked(html, "whatsapp_enabled")


def test_saving_preferences(client):
    user = login(client)
    response = client.post(
        URL, {"language": "en", "whatsapp_enabled": "on", "sms_enabled": ""}, follow=True
    )
    assert "Pengaturan pemberitahuan sudah disimpan." in response.content.decode()
    preference = NotificationPreference.objects.get(user=user)
    assert (
        preference.language,
        preference.email_enabled,
        preference.sms_enabled,
        preference.whatsapp_enabled,
    ) == ("en", False, False, True)


@pytest.mark.parametrize(
    ("account", "data", "field", "message"),
    [
        ({}, {"language": "fr"}, "language", "Pilih Bahasa Indonesia atau English."),
        ({}, {}, "language", "Pilih bahasa pesan."),
        (
            {"phone": ""},
            {"language": "id", "sms_enabled": "on"},
            "sms_enabled",
            "belum mempunyai nomor telepon",
        ),
        (
            {"phone": ""},
            {"language": "id", "whatsapp_enabled": "on"},
            "whatsapp_enabled",
            "belum mempunyai nomor telepon",
        ),
        (
            {"email": ""},
            {"language": "id", "email_enabled": "on"},
            "email_enabled",
            "belum mempunyai alamat surel",
        ),
    ],
)
def test_invalid_preferences_are_refused_per_field_and_nothing_is_saved(
    client, account, data, field, message
):
    login(client, **account)
    response = client.post(URL, data)
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert "Ada yang perlu diperbaiki" in response.content.decode()
    assert not NotificationPreference.objects.exists()


def test_a_channel_without_an_address_is_shown_off_with_a_hint(client):
    user = login(client, phone="")
    NotificationPreference.objects.create(user=user, sms_enabled=True, whatsapp_enabled=True)
    html = client.get(URL).content.decode()
    assert not checked(html, "sms_enabled")
    assert not checked(html, "whatsapp_enabled")
    assert checked(html, "email_enabled")
    assert "Akun Anda belum mempunyai nomor telepon." in html


def test_preferences_need_a_login(client):
    assert client.get(URL).status_code == 302
