from __future__ import annotations

import pytest

from mpp.cases.tests.factories import CitizenFactory, officer_for, service_with


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MPP_PUBLIC_BASE_URL = "https://mpp.example.go.id"


@pytest.fixture
def service(db):
    return service_with()


@pytest.fixture
def citizen(db):
    return CitizenFactory()


@pytest.fixture
def officer(service):
    return officer_for(service)
