"""NIKs matched only as keyed digests; the client address behind a trusted proxy."""

from __future__ import annotations

import hashlib
from typing import Any

import pytest
from axes.models import AccessAttempt
from django.test import RequestFactory

from mpp.accounts.nik import nik_digest
from mpp.accounts.tests.factories import CITIZEN_NIK, CitizenFactory
from mpp.audit.models import AuditEvent
from mpp.audit.services import client_ip


@pytest.mark.django_db
def test_lockout_entry_holds_no_recoverable_nik(client, settings):
    settings.MPP_NIK_PEPPER = "a-secret-pepper-of-the-test-deployment-0123456789"
    CitizenFactory()
    client.post("/akun/masuk/", {"username": CITIZEN_NIK, "password": "salah-sekali"})
    stored = AccessAttempt.objects.get().username
    assert CITIZEN_NIK not in stored
    assert hashlib.sha256(CITIZEN_NIK.encode()).hexdigest()[:16] not in stored
    # Without the pepper, trying every candidate NIK finds nothing; with it, the NIK matches.
    assert stored.endswith(nik_digest(CITIZEN_NIK)[:32])
    settings.MPP_NIK_PEPPER = "another-pepper"
    assert not stored.endswith(nik_digest(CITIZEN_NIK)[:32])


def _request(remote: str, forwarded: str | None = None):
    extra: dict[str, Any] = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


def test_forwarded_for_is_ignored_without_trusted_proxies(settings):
    settings.TRUSTED_PROXIES = []
    assert client_ip(_request("203.0.113.9", "198.51.100.1")) == "203.0.113.9"


def test_forwarded_for_is_read_from_a_trusted_proxy_only(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/8", "192.0.2.1"]
    assert client_ip(_request("10.1.2.3", "198.51.100.7")) == "198.51.100.7"
    # The client prepends a forged hop: the nearest untrusted hop is still the real client.
    assert client_ip(_request("10.1.2.3", "1.2.3.4, 198.51.100.7, 192.0.2.1")) == "198.51.100.7"
    assert client_ip(_request("203.0.113.9", "198.51.100.7")) == "203.0.113.9"
    assert client_ip(_request("10.1.2.3", "bukan-ip")) == "10.1.2.3"


@pytest.mark.django_db
def test_lockouts_and_audit_use_the_client_behind_the_proxy(client, settings):
    settings.TRUSTED_PROXIES = ["127.0.0.1"]
    settings.AXES_FAILURE_LIMIT = 2
    user = CitizenFactory()
    for _ in range(2):
        client.post(
            "/akun/masuk/",
            {"username": CITIZEN_NIK, "password": "salah-sekali"},
            HTTP_X_FORWARDED_FOR="198.51.100.7",
        )
    assert AccessAttempt.objects.get().ip_address == "198.51.100.7"
    # Another client behind the same proxy is not locked out by the first one's failures.
    response = client.post(
        "/akun/masuk/",
        {"username": CITIZEN_NIK, "password": "Kata-Sandi-Kuat-2026"},
        HTTP_X_FORWARDED_FOR="198.51.100.8",
    )
    assert response.status_code == 302
    event = AuditEvent.objects.filter(actor=user).latest("pk")
    assert event.ip_address == "198.51.100.8"


@pytest.mark.django_db
def test_migration_rekeys_old_plain_hashes():
    from importlib import import_module

    from axes.models import AccessFailureLog
    from django.apps import apps

    migration = import_module("mpp.accounts.migrations.0003_nik_keyed_digests")
    old = "warga-" + hashlib.sha256(CITIZEN_NIK.encode()).hexdigest()[:12]
    user = CitizenFactory(username=old)
    AccessAttempt.objects.create(username="nik:" + "0" * 16, failures_since_start=1)
    AccessFailureLog.objects.create(username="petugas.a", ip_address="127.0.0.1")
    migration.forwards(apps, None)
    user.refresh_from_db()
    assert user.username == "warga-" + nik_digest(CITIZEN_NIK)[:16]
    assert not AccessAttempt.objects.exists()
    assert AccessFailureLog.objects.filter(username="petugas.a").exists()
