"""Issue 11, item 8: the citizen edits their contact details; tokens live on a developer page."""

from __future__ import annotations

import pytest

from mpp.audit.models import AuditAction, AuditEvent
from mpp.cases.tests.factories import CitizenFactory

pytestmark = pytest.mark.django_db


def test_a_citizen_changes_email_and_phone(client):
    citizen = CitizenFactory()
    client.force_login(citizen, backend="mpp.accounts.backends.NikOrUsernameBackend")
    profile = client.get("/akun/profil/").content.decode()
    for link in ("/akun/profil/ubah/", "/akun/sandi/ubah/", "/akun/pengembang/", "/permohonan/"):
        assert f'href="{link}' in profile
    assert "Token API" not in profile
    response = client.post("/akun/profil/ubah/", {"email": "bukan-surel", "phone": "08x"})
    body = response.content.decode()
    assert response.status_code == 200 and "Ada yang perlu diperbaiki" in body
    assert "nama@contoh.id" in body and "8 sampai 15 digit" in body
    response = client.post(
        "/akun/profil/ubah/", {"email": "Budi@Contoh.ID", "phone": "0812-3456-7890"}
    )
    assert response.url == "/akun/profil/"
    citizen.refresh_from_db()
    assert (citizen.email, citizen.phone) == ("budi@contoh.id", "081234567890")
    assert AuditEvent.objects.filter(action=AuditAction.CONTACT_CHANGED, actor=citizen).exists()
    assert "Untuk pengembang" in client.get("/akun/pengembang/").content.decode()
