import json

import pytest
from django.db import connection

from mpp.accounts.models import Role, User
from mpp.accounts.tests.factories import CITIZEN_NIK, PASSWORD, CitizenFactory, load_demo, staff
from mpp.accounts.tests.helpers import login_staff
from mpp.audit.models import AuditAction, AuditEvent
from mpp.audit.services import record_event

pytestmark = pytest.mark.django_db


def test_events_are_append_only():
    event = record_event(AuditAction.LOGIN, summary="x")
    event.summary = "diubah"
    with pytest.raises(TypeError):
        event.save()
    with pytest.raises(TypeError):
        event.delete()
    with pytest.raises(TypeError):
        AuditEvent.objects.filter(pk=event.pk).update(summary="diubah")
    with pytest.raises(TypeError):
        AuditEvent.objects.all().delete()
    assert AuditEvent.objects.get(pk=event.pk).summary == "x"


def test_client_ip_is_recorded(rf):
    request = rf.get("/", REMOTE_ADDR="10.1.2.3")
    assert record_event(AuditAction.LOGOUT, request=request).ip_address == "10.1.2.3"


def test_security_events_across_a_session_never_contain_a_nik(client, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    # Citizen registers, logs in and out, fails to log in, logs in.
    client.post(
        "/akun/daftar/",
        {
            "nik": CITIZEN_NIK,
            "name": "Budi Santoso",
            "birth_date": "1990-08-15",
            "password": PASSWORD,
            "consent": "on",
        },
    )
    client.post("/akun/masuk/", {"username": CITIZEN_NIK, "password": PASSWORD})
    client.post("/akun/keluar/")
    client.post("/akun/masuk/", {"username": CITIZEN_NIK, "password": "salah-sekali-1"})
    client.post("/akun/masuk/", {"username": CITIZEN_NIK, "password": PASSWORD})
    # API token issued and revoked.
    token = client.post(
        "/api/v1/auth/token",
        {"username": CITIZEN_NIK, "password": PASSWORD},
        content_type="application/json",
    ).json()["token"]
    client.delete("/api/v1/auth/token", HTTP_AUTHORIZATION=f"Bearer {token}")
    # Staff: wrong OTP, then roles granted and revoked.
    from mpp.accounts import services

    admin = staff(Role.MINISTRY_ADMIN, username="admin.pusat")
    services.verify_totp(admin, "000000")
    citizen = User.objects.get(nik=CITIZEN_NIK)
    grant = services.grant_role(citizen, Role.MINISTRY_ANALYST, granted_by=admin)
    services.revoke_role(grant, revoked_by=admin)

    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {
        AuditAction.CITIZEN_REGISTERED,
        AuditAction.LOGIN,
        AuditAction.LOGOUT,
        AuditAction.LOGIN_FAILED,
        AuditAction.TOKEN_ISSUED,
        AuditAction.TOKEN_REVOKED,
        AuditAction.OTP_FAILED,
        AuditAction.ROLE_GRANTED,
        AuditAction.ROLE_REVOKED,
    } <= actions
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM audit_auditevent")
        rows = cursor.fetchall()
    assert CITIZEN_NIK not in json.dumps(rows, default=str)
    assert token not in json.dumps(rows, default=str)


@pytest.fixture
def demo():
    return load_demo()


def test_audit_log_is_for_the_ministry_admin_only(client, demo):
    record_event(AuditAction.LOGIN_FAILED, summary="percobaan")
    for username in [
        "analis.kemenpanrb",
        "admin.batam",
        "pengelola.batam",
        "admin.dukcapil",
        "petugas.dukcapil",
    ]:
        login_staff(client, User.objects.get(username=username))
        assert client.get("/akun/kerja/audit/").status_code == 403, username
        client.logout()
    citizen = CitizenFactory(nik="2171055204950002")
    client.force_login(citizen)
    assert client.get("/akun/kerja/audit/").status_code == 403
    client.logout()
    assert client.get("/akun/kerja/audit/")["Location"].startswith("/akun/masuk/")

    login_staff(client, User.objects.get(username="admin.kemenpanrb"))
    response = client.get("/akun/kerja/audit/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "Gagal masuk" in body
    assert "Jejak audit keamanan" in client.get("/akun/kerja/").content.decode()
