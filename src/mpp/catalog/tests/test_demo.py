"""The demo catalog: Batam has at least 40 complete, published services; loading twice changes nothing."""

from __future__ import annotations

import pytest

from mpp.catalog import demo
from mpp.catalog.form_schema import definition_problems
from mpp.catalog.models import Service, ServiceVersion
from mpp.catalog.services import publication_problems
from mpp.tenancy.models import OpeningHours

pytestmark = pytest.mark.django_db


def test_demo_is_complete_and_idempotent(client):
    demo.load()
    snapshot = sorted(
        ServiceVersion.objects.values_list("pk", "service_id", "status", "updated_at")
    )
    demo.load()
    assert (
        sorted(ServiceVersion.objects.values_list("pk", "service_id", "status", "updated_at"))
        == snapshot
    )
    batam = (
        Service.objects.published()
        .filter(mpp__slug="mpp-kota-batam")
        .select_related("current_version")
    )
    assert batam.count() >= 40
    assert batam.values("agency").distinct().count() == 13
    for service in batam:
        version = service.current_version
        assert publication_problems(version) == {}, service.slug
        assert definition_problems(version.form_definition) == [], service.slug
        for name in ServiceVersion.INTERNAL_FIELDS:
            assert getattr(version, name), (service.slug, name)
    adminduk = batam.filter(category="kependudukan")
    assert adminduk.count() >= 9 and all(s.current_version.fee == 0 for s in adminduk)
    sip = batam.filter(category="perizinan_kesehatan")
    assert sip.count() == 6
    assert all(s.current_version.auto_approve and s.current_version.time_limit == 5 for s in sip)
    assert Service.objects.templates().count() == 15
    assert OpeningHours.objects.filter(mpp__slug="mpp-kota-batam").count() == 5
    assert Service.objects.published().filter(mpp__slug="mpp-kota-yogyakarta").count() >= 3
    api = client.get("/api/v1/services", {"region": "2171", "page_size": 100}).json()
    assert len(api["items"]) == batam.count() and api["next"] is None
