"""A third-party GeoReport v2 client library (``georeport``) reads our Open311 API as any city's."""

from __future__ import annotations

import pytest
from georeport import GeoReport

from mpp.accounts.tests.factories import load_demo
from mpp.complaints import demo as complaints_demo

from .factories import answered, submitted

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def city(live_server, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    load_demo()
    complaints_demo.load()
    return live_server.url + "/open311/v2"


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_the_client_lists_services_definitions_and_requests(city, fmt):
    client = GeoReport(city, jurisdiction="2171", output_format=fmt)
    open_one = submitted()
    closed = answered()

    services = client.get_service_list()
    codes = [service["service_code"] for service in services]
    assert "layanan-lambat" in codes and "sarana-rusak" in codes

    definition = client.get_service_definition("sarana-rusak")
    assert definition["service_code"] == "sarana-rusak"

    requests = client.get_service_requests()
    listed = {row["service_request_id"]: row for row in requests}
    assert {open_one.tracking_number, closed.tracking_number} <= set(listed)
    assert listed[closed.tracking_number]["agency_responsible"] == closed.agency.name

    only_open = client.get_service_requests(
        service_request_id=f"{open_one.tracking_number},{closed.tracking_number}"
    )
    assert len(only_open) == 2

    one = client.get_service_request(open_one.tracking_number)
    assert one["service_request_id"] == open_one.tracking_number
    assert one["status"] == "open"
