"""Session id rotation at the TOTP step, no-store on private pages, one-line 403 logs."""

from __future__ import annotations

import logging

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from mpp.accounts.models import Role
from mpp.accounts.tests.factories import CITIZEN_NIK, PASSWORD, CitizenFactory, staff

pytestmark = pytest.mark.django_db


def _code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def test_session_id_changes_when_the_second_factor_is_passed(client, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    officer = staff(Role.MINISTRY_ADMIN, username="admin.pusat")
    device = TOTPDevice.objects.create(user=officer, name="x", confirmed=True)
    client.post("/akun/masuk/", {"username": "admin.pusat", "password": PASSWORD})
    before = client.cookies["sessionid"].value
    response = client.post("/akun/2fa/verifikasi/", {"code": _code(device)})
    assert response.status_code == 302
    after = client.cookies["sessionid"].value
    assert after != before
    assert client.get("/akun/kerja/").status_code == 200


def test_private_pages_are_not_stored_and_public_ones_may_be(client):
    CitizenFactory()
    assert "no-store" not in client.get("/").get("Cache-Control", "")
    client.post("/akun/masuk/", {"username": CITIZEN_NIK, "password": PASSWORD})
    for path in ["/akun/profil/", "/permohonan/", "/"]:
        cache_control = client.get(path)["Cache-Control"]
        assert "no-store" in cache_control and "private" in cache_control
        assert "public" not in cache_control and "max-age=" not in cache_control


def test_a_refusal_is_logged_as_one_line(client, caplog):
    CitizenFactory()
    client.post("/akun/masuk/", {"username": CITIZEN_NIK, "password": PASSWORD})
    # The console handler the LOGGING setting installs (pytest adds its own handlers beside it).
    handler = next(
        h
        for h in logging.getLogger().handlers
        if isinstance(h, logging.StreamHandler) and h.filters
    )
    with caplog.at_level(logging.WARNING, logger="django.request"):
        assert client.get("/akun/kerja/").status_code == 403
    records = [r for r in caplog.records if r.name == "django.request"]
    # Django attaches the PermissionDenied traceback; the console handler's filter drops it.
    assert records and records[-1].exc_info is None
    lines = handler.format(records[-1]).splitlines()
    assert len(lines) == 1 and "Forbidden" in lines[0]
