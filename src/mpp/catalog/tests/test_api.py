"""The public catalog API: lists, filters, the service standard and form, problems for bad input."""

from __future__ import annotations

import pytest

from mpp.catalog.tests.factories import (
    AgencyPresenceFactory,
    MPPFactory,
    PublishedServiceFactory,
    region,
)
from mpp.tenancy.models import OpeningHours

pytestmark = pytest.mark.django_db


@pytest.fixture
def service():
    presence = AgencyPresenceFactory(counters="Loket 1")
    OpeningHours.objects.create(mpp=presence.mpp, weekday=4, opens="08:00", closes="16:00")
    return PublishedServiceFactory(presence=presence, name="Penerbitan akta kelahiran")


def test_mpps_list_and_detail(service, client):
    MPPFactory(region=region("3471"))
    body = client.get("/api/v1/mpps", {"region": "2171"}).json()
    assert len(body["items"]) == 1 and body["next"] is None
    mpp = body["items"][0]
    assert mpp["region"]["code"] == "2171" and mpp["region"]["timezone"] == "Asia/Jakarta"
    assert mpp["opening_hours"] == [
        {"weekday": 4, "weekday_name": "Jumat", "opens": "08:00", "closes": "16:00", "note": ""}
    ]
    detail = client.get(f"/api/v1/mpps/{service.mpp_id}").json()
    assert detail["agencies"][0]["counters"] == "Loket 1"
    assert detail["service_count"] == 1


def test_agencies_filtered_by_mpp(service, client):
    AgencyPresenceFactory()
    body = client.get("/api/v1/agencies", {"mpp": service.mpp_id}).json()
    assert [a["id"] for a in body["items"]] == [service.agency_id]
    assert body["items"][0]["mpp_ids"] == [service.mpp_id]


def test_service_detail_has_standard_and_form_definition(service, client):
    body = client.get(f"/api/v1/services/{service.pk}").json()
    version = body["current_version"]
    assert body["accepts_applications"] is True
    assert version["number"] == 1
    assert version["requirements"] == ["KTP-el asli", "Kartu Keluarga"]
    assert version["time_limit"] == 3 and version["time_limit_unit"] == "working_days"
    assert version["fee"] == 0
    assert version["channel"] == "both"
    fields = {f["name"]: f for f in version["form"]}
    assert fields["jenis"]["choices"][0] == {"value": "baru", "label": "Baru"}
    assert fields["dokumen"]["file_types"] == ["application/pdf", "image/jpeg"]
    assert fields["dokumen"]["max_bytes"] == 2 * 1024 * 1024
    assert fields["alasan"]["visible_if"] == {"field": "jenis", "value": "ganti"}
    assert [f["order"] for f in version["form"]] == [1, 2, 3, 4, 5]


def test_services_filters(service, client):
    PublishedServiceFactory(name="Paspor", category="keimigrasian", fee=650000, channel="online")

    def ids(**params):
        return [s["id"] for s in client.get("/api/v1/services", params).json()["items"]]

    assert ids(mpp=service.mpp_id) == [service.pk]
    assert ids(agency=service.agency_id) == [service.pk]
    assert ids(category="kependudukan") == [service.pk]
    assert ids(free="true", region="2171") == [service.pk]
    assert ids(q="akta kelahiran") == [service.pk]
    assert len(ids(channel="online")) == 2
    assert ids(region="3471") == []


def test_pagination(service, client):
    PublishedServiceFactory.create_batch(4, presence=AgencyPresenceFactory())
    body = client.get("/api/v1/services", {"page_size": 2}).json()
    seen = [s["id"] for s in body["items"]]
    while body["next"]:
        assert "page_size=2" in body["next"]
        body = client.get(body["next"]).json()
        assert len(body["items"]) <= 2
        seen += [s["id"] for s in body["items"]]
    assert len(seen) == len(set(seen)) == 5


@pytest.mark.parametrize(
    "params",
    [{"mpp": "abc"}, {"region": "21"}, {"category": "hiburan"}, {"channel": "pos"},
     {"page_size": 0}, {"page_size": 1000}, {"agency": "-1"}],
)  # fmt: skip
def test_bad_filters_are_422_problems(params, client):
    response = client.get("/api/v1/services", params)
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["errors"][0]["field"] == next(iter(params))


def test_unknown_ids_are_404_problems(client):
    for url in ["/api/v1/services/424242", "/api/v1/mpps/424242"]:
        response = client.get(url)
        assert response.status_code == 404
        assert response["Content-Type"] == "application/problem+json"


def test_catalog_is_in_the_openapi_document(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    for path in ["/api/v1/mpps", "/api/v1/mpps/{mpp_id}", "/api/v1/agencies", "/api/v1/services",
                 "/api/v1/services/{service_id}"]:  # fmt: skip
        assert "get" in paths[path]


def _queries(client, url: str, params: dict | None = None) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        assert client.get(url, params or {}).status_code == 200
    return len(queries)


@pytest.mark.parametrize(
    ("url", "params"),
    [
        ("/api/v1/services", {"page_size": 100}),
        ("/api/v1/services", {"q": "layanan", "page_size": 100}),
        ("/api/v1/mpps", {"page_size": 100}),
        ("/api/v1/agencies", {"page_size": 100}),
    ],
)
def test_lists_are_serialised_without_a_query_per_item(url, params, service, client, settings):
    settings.MPP_PUBLIC_CACHE_SECONDS = 0
    client.get(url, params)  # warm the search synonym table (cached until it changes)
    one = _queries(client, url, params)
    for _ in range(4):
        presence = AgencyPresenceFactory()
        OpeningHours.objects.create(mpp=presence.mpp, weekday=0, opens="08:00", closes="15:00")
        PublishedServiceFactory(presence=presence, name="Layanan uji lain")
    assert len(client.get(url, params).json()["items"]) == 5
    assert _queries(client, url, params) == one


def test_details_take_a_fixed_number_of_queries(service, client, settings):
    settings.MPP_PUBLIC_CACHE_SECONDS = 0
    assert _queries(client, f"/api/v1/services/{service.pk}") == 1
    assert _queries(client, f"/api/v1/mpps/{service.mpp_id}") == 4


def test_catalog_reads_carry_an_etag_and_answer_304(service, client):
    detail = client.get(f"/api/v1/services/{service.pk}")["ETag"]
    for url in (f"/api/v1/services/{service.pk}", "/api/v1/services", "/api/v1/mpps"):
        first = client.get(url)
        assert first["ETag"] and "public" in first["Cache-Control"]
        again = client.get(url, headers={"if-none-match": first["ETag"]})
        assert again.status_code == 304 and again.content == b""
    service.agency.name = "Instansi Baru"
    service.agency.save()
    changed = client.get(f"/api/v1/services/{service.pk}", headers={"if-none-match": detail})
    assert changed.status_code == 200 and changed.json()["agency"]["name"] == "Instansi Baru"
