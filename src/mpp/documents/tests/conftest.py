from __future__ import annotations

import datetime

import pytest

from mpp.documents import services
from mpp.documents.tests.factories import PresenceFactory

HOLDER_NIK = "2171054708900003"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MPP_PUBLIC_BASE_URL = "https://mpp.example.go.id"


@pytest.fixture
def authority(db):
    return services.ensure_demo_authority()


@pytest.fixture
def presence(db):
    return PresenceFactory()


@pytest.fixture
def agency(presence, authority):
    services.ensure_signing_credential(presence.agency, authority=authority)
    return presence.agency


@pytest.fixture
def issue(agency):
    """Issue a practice permit for ``source_key`` (same defaults as a real SIP)."""

    def _issue(source_key: str = "test:1", **overrides):
        values = {
            "source_key": source_key,
            "source_obj": None,
            "title": "Surat Izin Praktik Dokter",
            "holder_name": "dr. Siti Rahmawati",
            "holder_nik": HOLDER_NIK,
            "issuer": agency,
            "context": {"details": [("Tempat praktik", "RSUD Embung Fatimah")]},
            "valid_until": datetime.date(2031, 11, 27),
        }
        values.update(overrides)
        return services.issue_document(**values)

    return _issue
