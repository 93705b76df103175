"""UU 27/2022 basics: the privacy notice at registration, consent with its version, data export."""

from __future__ import annotations

import json

import pytest

from mpp.accounts.models import PrivacyConsent, User
from mpp.accounts.services import PRIVACY_NOTICE_VERSION
from mpp.audit.models import AccessKind
from mpp.audit.services import record_access

from .factories import CITIZEN_NIK, PASSWORD

pytestmark = pytest.mark.django_db

FORM = {
    "nik": CITIZEN_NIK,
    "name": "Budi Santoso",
    "birth_date": "1990-08-15",
    "password": PASSWORD,
}


def test_registration_shows_the_notice_and_needs_consent(client):
    page = client.get("/akun/daftar/").content.decode()
    for part in (
        "Pemberitahuan privasi",
        "UU 27/2022",
        "Berapa lama disimpan",
        "Hak Anda",
        "Kontak",
    ):
        assert part in page
    response = client.post("/akun/daftar/", FORM)
    assert "centang persetujuan" in response.content.decode()
    assert not User.objects.exists()


def test_consent_is_recorded_with_the_notice_version(client):
    client.post("/akun/daftar/", {**FORM, "consent": "on"})
    consent = PrivacyConsent.objects.get(user__nik=CITIZEN_NIK)
    assert consent.notice_version == PRIVACY_NOTICE_VERSION
    assert PRIVACY_NOTICE_VERSION in client.get("/akun/privasi/").content.decode()


def test_the_citizen_downloads_all_their_data(client):
    client.post("/akun/daftar/", {**FORM, "consent": "on"})
    client.post("/akun/masuk/", {"username": CITIZEN_NIK, "password": PASSWORD})
    user = User.objects.get(nik=CITIZEN_NIK)
    officer = User.objects.create_user(username="petugas.x", name="Petugas X", password=PASSWORD)
    record_access(
        viewer=officer,
        subject_id=user.pk,
        role="officer",
        agency_name="Disdukcapil Kota Batam",
        kind=AccessKind.ANSWERS,
        reference="2171-261127-0001",
    )
    response = client.get("/akun/data-saya.json")
    assert response["Content-Disposition"] == 'attachment; filename="data-saya.json"'
    body = json.loads(response.content)
    assert body["account"]["items"][0]["values"]["NIK"] == CITIZEN_NIK
    assert body["privacy_consents"]["items"][0]["title"] == f"Versi {PRIVACY_NOTICE_VERSION}"
    assert body["access_log"]["items"][0]["title"].startswith("Petugas X")
    page = client.get("/akun/data-saya/").content.decode()
    assert "Budi Santoso" in page and "Petugas X" in page and "WIB" in page


def test_the_export_needs_a_login(client):
    assert client.get("/akun/data-saya.json").status_code == 302
