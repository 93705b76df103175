"""An email address counts only once its owner opened the signed, expiring, single-use link."""

from __future__ import annotations

import time
from unittest import mock

import pytest
from django.test import Client

from mpp.accounts import services
from mpp.accounts.models import User

from .factories import CITIZEN_NIK, CitizenFactory
from .test_registration import form

pytestmark = pytest.mark.django_db


@pytest.fixture
def registered(client, mailoutbox, django_capture_on_commit_callbacks):
    """A citizen registered on the web, and the verification email it got."""
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post("/akun/daftar/", form(email="budi@contoh.id")).status_code == 302
    user = User.objects.get(nik=CITIZEN_NIK)
    assert not user.email_is_verified
    assert [m.to for m in mailoutbox] == [["budi@contoh.id"]]
    return user


def link(mails) -> str:
    from .helpers import verification_path

    return verification_path(mails)


def test_the_link_verifies_once(registered, mailoutbox):
    path = link(mailoutbox)
    page = Client().get(path)
    assert page.status_code == 200
    assert "telah diverifikasi" in page.content.decode()
    registered.refresh_from_db()
    assert registered.email_is_verified
    again = Client().get(path).content.decode()
    assert "sudah dipakai" in again


def test_an_expired_link_is_refused(registered, settings):
    settings.EMAIL_VERIFICATION_HOURS = 48
    with mock.patch("django.core.signing.time.time", return_value=time.time() - 49 * 3600):
        token = services.email_verification_token(registered)
    page = Client().get(f"/akun/surel/verifikasi/{token}/")
    assert page.status_code == 400 and "kedaluwarsa" in page.content.decode()
    registered.refresh_from_db()
    assert not registered.email_is_verified


def test_a_tampered_link_is_refused(registered, mailoutbox):
    path = link(mailoutbox)
    token = path.split("/")[-2]
    forged = token.replace(token[2], "x" if token[2] != "x" else "y", 1)
    page = Client().get(f"/akun/surel/verifikasi/{forged}/")
    assert page.status_code == 400 and "tidak sah" in page.content.decode()
    registered.refresh_from_db()
    assert not registered.email_is_verified


def test_a_link_for_another_user_verifies_nobody(registered, mailoutbox):
    other = CitizenFactory(nik="2171055204950001", email="siti@contoh.id", email_verified_at=None)
    client = Client()
    client.force_login(other)
    page = client.get(link(mailoutbox))
    assert page.status_code == 400 and "untuk akun lain" in page.content.decode()
    registered.refresh_from_db()
    other.refresh_from_db()
    assert not registered.email_is_verified and not other.email_is_verified


def test_changing_the_address_unverifies_it_and_sends_a_new_link(
    registered, mailoutbox, django_capture_on_commit_callbacks
):
    old_path = link(mailoutbox)
    Client().get(old_path)
    client = Client()
    client.force_login(registered)
    assert "Terverifikasi" in client.get("/akun/profil/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/akun/profil/ubah/", {"email": "budi.baru@contoh.id", "phone": ""})
    registered.refresh_from_db()
    assert registered.email == "budi.baru@contoh.id" and not registered.email_is_verified
    assert mailoutbox[-1].to == ["budi.baru@contoh.id"]
    assert "Belum diverifikasi" in client.get("/akun/profil/").content.decode()
    assert "tidak sah" in Client().get(old_path).content.decode()  # for the old address
    Client().get(link(mailoutbox))
    registered.refresh_from_db()
    assert registered.email_is_verified


def test_resending_is_limited(registered, mailoutbox, django_capture_on_commit_callbacks):
    client = Client()
    client.force_login(registered)
    profile = client.get("/akun/profil/").content.decode()
    assert "Belum diverifikasi" in profile and "Kirim ulang tautan verifikasi" in profile
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/akun/surel/kirim-ulang/", follow=True)
    assert "baru saja dikirim" in response.content.decode()  # the registration's mail is recent
    assert len(mailoutbox) == 1
    from django.core.cache import cache

    cache.clear()  # the waiting time has passed
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/akun/surel/kirim-ulang/", follow=True)
    assert "Tautan verifikasi dikirim" in response.content.decode()
    assert len(mailoutbox) == 2


def test_api_registration_sends_the_link_too(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    body = {
        "nik": CITIZEN_NIK, "name": "Budi Santoso", "birth_date": "1990-08-15",
        "email": "budi@contoh.id", "password": "Kata-Sandi-Kuat-2026", "privacy_consent": True,
    }  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/api/v1/citizens", body, content_type="application/json")
    assert response.status_code == 202
    assert [m.to for m in mailoutbox] == [["budi@contoh.id"]]
    Client().get(link(mailoutbox))
    assert User.objects.get(nik=CITIZEN_NIK).email_is_verified


def test_a_taken_address_gets_no_link_only_the_owners_warning(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    CitizenFactory(nik="2171055204950001", email="budi@contoh.id")
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/akun/daftar/", form(email="budi@contoh.id"))
    assert len(mailoutbox) == 1 and "/akun/surel/verifikasi/" not in mailoutbox[0].body
