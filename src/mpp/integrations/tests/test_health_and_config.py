"""The connectors' configuration (secrets write-only, sealed, rotatable) and health page, as the
regional admin (their kab/kota) and the national admin (all) see them."""

from __future__ import annotations

import datetime

import pytest
from cryptography.fernet import Fernet
from django.core.management import call_command

from mpp.accounts.models import Role
from mpp.accounts.tests.factories import staff
from mpp.accounts.tests.helpers import login_staff
from mpp.audit.models import AuditAction, AuditEvent
from mpp.integrations import crypto
from mpp.integrations.models import Call, ConnectorConfig, Outcome
from mpp.integrations.services import connection_for

pytestmark = pytest.mark.django_db

URL = "/kelola/integrasi/dukcapil.nik/2171/"
SECRET = "rahasia-pks-batam-123"


@pytest.fixture
def batam_admin(client):
    admin = staff(Role.REGIONAL_ADMIN, region_id="2171")
    login_staff(client, admin)
    return admin


def configure(client, **overrides):
    data = {
        "enabled": "on",
        "endpoint": "https://dukcapil.contoh.go.id/api/",
        "user_id": "mpp-batam",
        "password": SECRET,
        "threshold": "90",
    }
    data.update(overrides)
    return client.post(URL, data)


def test_a_regional_admin_configures_dukcapil_and_the_secret_is_never_shown_back(
    client, batam_admin
):
    assert configure(client).status_code == 302
    config = ConnectorConfig.objects.get()
    assert config.region_id == "2171" and config.enabled
    assert SECRET not in config.sealed_secrets  # sealed at rest
    assert connection_for("dukcapil.nik", "2171").option("password") == SECRET
    page = client.get(URL).content.decode()
    assert SECRET not in page and "mpp-batam" in page
    assert "Kosongkan untuk mempertahankan" in page
    event = AuditEvent.objects.get(action=AuditAction.INTEGRATION_CONFIGURED)
    assert SECRET not in event.summary

    # Saving again without typing the password keeps the stored one.
    assert configure(client, password="", user_id="mpp-batam-2").status_code == 302
    connection = connection_for("dukcapil.nik", "2171")
    assert connection.option("password") == SECRET
    assert connection.option("user_id") == "mpp-batam-2"


def test_an_enabled_connector_needs_its_credentials(client, batam_admin):
    response = configure(client, password="", user_id="")
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"user_id", "password"}
    assert "Wajib diisi untuk konektor yang aktif." in response.content.decode()
    assert not ConnectorConfig.objects.exists()


def test_a_regional_admin_cannot_configure_another_region_nor_the_national_default(
    client, batam_admin
):
    assert client.post("/kelola/integrasi/dukcapil.nik/3471/", {}).status_code == 403
    assert client.get("/kelola/integrasi/dukcapil.nik/nasional/").status_code == 403
    assert client.get("/kelola/integrasi/tidak.ada/2171/").status_code == 404
    assert client.get("/kelola/integrasi/dukcapil.nik/9999/").status_code == 404
    assert not ConnectorConfig.objects.exists()


def test_other_roles_do_not_see_the_integrations(client):
    login_staff(client, staff(Role.MINISTRY_ANALYST))
    assert client.get("/kelola/integrasi/").status_code == 403
    assert client.get(URL).status_code == 403


def test_secrets_survive_a_key_rotation(settings):
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.MPP_INTEGRATION_KEYS = [old]
    config = ConnectorConfig.objects.create(
        connector="dukcapil.nik", region_id="2171", sealed_secrets=crypto.seal({"password": "x"})
    )
    settings.MPP_INTEGRATION_KEYS = [new, old]
    call_command("rotate_integration_secrets", stdout=open("/dev/null", "w"))  # noqa: SIM115
    settings.MPP_INTEGRATION_KEYS = [new]
    config.refresh_from_db()
    assert crypto.unseal(config.sealed_secrets) == {"password": "x"}


def calls(connector_region, outcomes_and_latencies, at):
    for outcome, latency in outcomes_and_latencies:
        Call.objects.create(
            at=at,
            connector="dukcapil.nik",
            region_id=connector_region,
            operation="verify_nik",
            outcome=outcome,
            latency_ms=latency,
        )


def test_the_health_page_shows_state_latency_and_error_rate_of_the_admins_regions(
    client, batam_admin
):
    from django.utils import timezone

    now = timezone.now()
    for region in ("2171", "3471"):
        ConnectorConfig.objects.create(connector="dukcapil.nik", region_id=region, enabled=True)
    ok = [(Outcome.OK, ms) for ms in range(10, 200, 10)]  # 19 calls, 10…190 ms
    calls("2171", [*ok, (Outcome.TIMEOUT, 5000)], now)
    calls("2171", [(Outcome.ERROR, 1)] * 50, now - datetime.timedelta(hours=25))  # too old
    calls("3471", [(Outcome.ERROR, 1)], now)

    page = client.get("/kelola/integrasi/").content.decode()
    assert "Kota Batam" in page and "Kota Yogyakarta" not in page
    assert "100 ms / 190 ms" in page  # p50 / p95
    assert "5% dari 20 panggilan" in page

    national = staff(Role.MINISTRY_ADMIN)
    login_staff(client, national)
    page = client.get("/kelola/integrasi/").content.decode()
    assert "Kota Batam" in page and "Kota Yogyakarta" in page
    assert "bawaan nasional" in page
