"""Open311 GeoReport v2 at /open311/v2/: every endpoint in JSON and XML, and every error case."""

from __future__ import annotations

import datetime
from xml.etree import ElementTree
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from mpp.complaints.demo import DEMO_API_KEY
from mpp.complaints.models import Complaint

from .factories import answered, submitted

pytestmark = pytest.mark.django_db
BASE = "/open311/v2"
FORMATS = ["json", "xml"]


def parse(response, fmt):
    if fmt == "json":
        assert response["Content-Type"] == "application/json"
        return response.json()
    assert response["Content-Type"].startswith("text/xml")
    return ElementTree.fromstring(response.content)  # noqa: S314 - our own response


def errors_of(response, fmt):
    body = parse(response, fmt)
    if fmt == "json":
        return [(e["code"], e["description"]) for e in body]
    assert body.tag == "errors"
    return [(int(e.findtext("code")), e.findtext("description")) for e in body.findall("error")]


def post_request(client, fmt, **fields):
    data = {
        "api_key": DEMO_API_KEY,
        "jurisdiction_id": "2171",
        "service_code": "layanan-lambat",
        "description": "Loket KTP-el tutup sebelum jam layanan berakhir.",
        "first_name": "Budi",
        "last_name": "Santoso",
        "email": "budi@contoh.id",
    }
    data.update(fields)
    data = {k: v for k, v in data.items() if v is not None}
    return client.post(f"{BASE}/requests.{fmt}", data)


@pytest.mark.parametrize("fmt", FORMATS)
def test_discovery_names_the_specification_and_both_formats(client, demo, fmt):
    response = client.get(f"{BASE}/discovery.{fmt}")
    assert response.status_code == 200
    body = parse(response, fmt)
    if fmt == "json":
        endpoint = body["endpoints"][0]
        assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
        assert endpoint["formats"] == ["application/json", "text/xml"]
        assert endpoint["url"].endswith("/open311/v2")
    else:
        assert body.tag == "discovery"
        endpoint = body.find("endpoints/endpoint")
        assert endpoint.findtext("specification") == "http://wiki.open311.org/GeoReport_v2"
        assert [f.text for f in endpoint.findall("formats/format")] == [
            "application/json",
            "text/xml",
        ]


@pytest.mark.parametrize("fmt", FORMATS)
def test_services_of_a_jurisdiction(client, demo, fmt):
    response = client.get(f"{BASE}/services.{fmt}", {"jurisdiction_id": "2171"})
    assert response.status_code == 200
    body = parse(response, fmt)
    if fmt == "json":
        codes = {s["service_code"] for s in body}
        assert all(s["type"] == "realtime" and s["metadata"] is True for s in body)
    else:
        assert body.tag == "services"
        codes = {s.findtext("service_code") for s in body.findall("service")}
    assert {"layanan-lambat", "sarana-rusak", "informasi-layanan"} <= codes


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize(
    ("params", "status"),
    [({}, 400), ({"jurisdiction_id": "9999"}, 404), ({"jurisdiction_id": "abc"}, 404)],
)
def test_services_need_a_known_jurisdiction(client, demo, fmt, params, status):
    response = client.get(f"{BASE}/services.{fmt}", params)
    assert response.status_code == status
    assert errors_of(response, fmt)[0][0] == status


@pytest.mark.parametrize("fmt", FORMATS)
def test_service_definition_lists_attributes_with_values(client, demo, fmt):
    response = client.get(f"{BASE}/services/sarana-rusak.{fmt}", {"jurisdiction_id": "2171"})
    assert response.status_code == 200
    body = parse(response, fmt)
    if fmt == "json":
        assert body["service_code"] == "sarana-rusak"
        codes = [a["code"] for a in body["attributes"]]
        anonim = next(a for a in body["attributes"] if a["code"] == "anonim")
        assert [v["key"] for v in anonim["values"]] == ["false", "true"]
    else:
        assert body.tag == "service_definition"
        codes = [a.findtext("code") for a in body.findall("attributes/attribute")]
        anonim = body.findall("attributes/attribute")[1]
        assert [v.findtext("key") for v in anonim.findall("values/value")] == ["false", "true"]
    assert codes == ["lantai", "anonim", "rahasia"]


@pytest.mark.parametrize("fmt", FORMATS)
def test_unknown_service_definition_is_404(client, demo, fmt):
    response = client.get(f"{BASE}/services/tidak-ada.{fmt}", {"jurisdiction_id": "2171"})
    assert response.status_code == 404
    assert "tidak-ada" in errors_of(response, fmt)[0][1]


@pytest.mark.parametrize("fmt", FORMATS)
def test_post_request_creates_a_complaint_and_answers_its_id_and_token(client, demo, fmt):
    before = Complaint.objects.count()
    response = post_request(client, fmt, lat="1.130000", long="104.053000")
    assert response.status_code == 201
    body = parse(response, fmt)
    if fmt == "json":
        request_id, token = body[0]["service_request_id"], body[0]["token"]
    else:
        assert body.tag == "service_requests"
        request_id = body.find("request").findtext("service_request_id")
        token = body.find("request").findtext("token")
    complaint = Complaint.objects.get(tracking_number=request_id)
    assert Complaint.objects.count() == before + 1
    assert str(complaint.token) == token
    assert complaint.channel == "open311" and complaint.status == "submitted"
    assert complaint.reporter_name == "Budi Santoso" and not complaint.is_anonymous
    assert complaint.due_at is not None


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize(
    ("fields", "status", "says"),
    [
        ({"api_key": None}, 403, "api_key"),
        ({"api_key": "salah"}, 403, "api_key"),
        ({"jurisdiction_id": "3471"}, 403, "jurisdiction"),  # the demo key is Batam's
        ({"jurisdiction_id": "9999"}, 404, "jurisdiction_id"),
        ({"service_code": "tidak-ada"}, 404, "service_code"),
        ({"service_code": ""}, 400, "service_code"),
        ({"description": ""}, 400, "description"),
        ({"description": "x" * 4001}, 400, "4000"),
        ({"service_code": "sarana-rusak"}, 400, "location"),
        ({"lat": "utara", "long": "104"}, 400, "lat"),
        ({"lat": "95", "long": "104"}, 400, "range"),
    ],
)
def test_bad_posts_are_refused_and_store_nothing(client, demo, fmt, fields, status, says):
    before = Complaint.objects.count()
    response = post_request(client, fmt, **fields)
    assert response.status_code == status
    code, description = errors_of(response, fmt)[0]
    assert code == status and says in description
    assert Complaint.objects.count() == before


def test_a_category_that_needs_a_location_takes_an_address(client, demo):
    response = post_request(client, "json", service_code="sarana-rusak", address_string="Lantai 2")
    assert response.status_code == 201


def test_a_revoked_key_is_refused(client, demo):
    from mpp.complaints.models import IntegrationClient

    IntegrationClient.objects.update(revoked_at=timezone.now())
    assert post_request(client, "json").status_code == 403


def _ids(response, fmt):
    body = parse(response, fmt)
    if fmt == "json":
        return [r["service_request_id"] for r in body]
    assert body.tag == "service_requests"
    return [r.findtext("service_request_id") for r in body.findall("request")]


@pytest.mark.parametrize("fmt", FORMATS)
def test_get_requests_lists_public_ones_with_status_and_deadline(client, demo, fmt):
    open_one = submitted()
    closed = answered()
    Complaint.objects.filter(pk=closed.pk).update(status="closed")
    secret = submitted(is_confidential=True)
    anonymous = submitted(is_anonymous=True, reporter_name="Rahasia Sekali")
    response = client.get(f"{BASE}/requests.{fmt}", {"jurisdiction_id": "2171"})
    assert response.status_code == 200
    ids = _ids(response, fmt)
    assert open_one.tracking_number in ids and closed.tracking_number in ids
    assert anonymous.tracking_number in ids
    assert secret.tracking_number not in ids
    assert b"Rahasia Sekali" not in response.content and b"Budi" not in response.content
    if fmt == "json":
        row = next(
            r for r in response.json() if r["service_request_id"] == open_one.tracking_number
        )
        assert row["status"] == "open"
        assert row["agency_responsible"] == open_one.agency.name
        wib = open_one.due_at.astimezone(ZoneInfo("Asia/Jakarta"))
        assert row["expected_datetime"] == wib.isoformat(timespec="seconds")
        assert row["expected_datetime"].endswith("23:59:59+07:00")
        done = next(r for r in response.json() if r["service_request_id"] == closed.tracking_number)
        assert done["status"] == "closed"
        assert done["status_notes"] == "Kami menambah satu loket mulai besok."


@pytest.mark.parametrize("fmt", FORMATS)
def test_get_requests_filters(client, demo, fmt):
    slow = submitted()
    info = submitted(category=_category("informasi-layanan"), kind="informasi")
    closed = answered()
    Complaint.objects.filter(pk=closed.pk).update(status="closed")
    old = submitted()
    Complaint.objects.filter(pk=old.pk).update(
        submitted_at=timezone.now() - datetime.timedelta(days=120)
    )
    url = f"{BASE}/requests.{fmt}"
    base = {"jurisdiction_id": "2171"}

    by_code = _ids(client.get(url, base | {"service_code": "informasi-layanan"}), fmt)
    assert by_code == [info.tracking_number]
    by_status = _ids(client.get(url, base | {"status": "closed"}), fmt)
    assert by_status == [closed.tracking_number]
    assert old.tracking_number not in _ids(client.get(url, base), fmt)  # the last 90 days
    start = (timezone.now() - datetime.timedelta(days=125)).isoformat()
    end = (timezone.now() - datetime.timedelta(days=100)).isoformat()
    assert _ids(client.get(url, base | {"start_date": start, "end_date": end}), fmt) == [
        old.tracking_number
    ]
    # service_request_id overrides every other filter (even the date range)
    listed = _ids(
        client.get(
            url,
            base
            | {
                "service_request_id": f"{old.tracking_number},{slow.tracking_number}",
                "status": "closed",
            },
        ),
        fmt,
    )
    assert set(listed) == {old.tracking_number, slow.tracking_number}


def _category(code):
    from mpp.complaints.models import Category

    return Category.objects.get(code=code, region=None)


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize(
    ("params", "status"),
    [
        ({"start_date": "kemarin"}, 400),
        ({"start_date": "2026-01-01T00:00:00"}, 400),  # no zone
        ({"start_date": "2026-01-01T00:00:00Z", "end_date": "2026-06-01T00:00:00Z"}, 400),
        ({"start_date": "2026-06-01T00:00:00Z", "end_date": "2026-01-01T00:00:00Z"}, 400),
        ({"status": "pending"}, 400),
        ({"service_code": "tidak-ada"}, 404),
        ({"jurisdiction_id": ""}, 400),
        ({"jurisdiction_id": "0000"}, 404),
    ],
)
def test_get_requests_errors(client, demo, fmt, params, status):
    response = client.get(f"{BASE}/requests.{fmt}", {"jurisdiction_id": "2171"} | params)
    assert response.status_code == status
    assert errors_of(response, fmt)[0][0] == status


def test_get_requests_returns_at_most_1000(client, demo, monkeypatch):
    from mpp.complaints import open311

    monkeypatch.setattr(open311, "MAX_RESULTS", 2)
    for _ in range(3):
        submitted()
    assert len(client.get(f"{BASE}/requests.json", {"jurisdiction_id": "2171"}).json()) == 2


@pytest.mark.parametrize("fmt", FORMATS)
def test_get_one_request(client, demo, fmt):
    complaint = submitted()
    response = client.get(
        f"{BASE}/requests/{complaint.tracking_number}.{fmt}", {"jurisdiction_id": "2171"}
    )
    assert response.status_code == 200
    assert _ids(response, fmt) == [complaint.tracking_number]


@pytest.mark.parametrize("fmt", FORMATS)
def test_one_confidential_or_unknown_request_is_404(client, demo, fmt):
    secret = submitted(is_confidential=True)
    for request_id in (secret.tracking_number, "ADU-2171-000000-XXXXXX"):
        response = client.get(f"{BASE}/requests/{request_id}.{fmt}", {"jurisdiction_id": "2171"})
        assert response.status_code == 404
        assert errors_of(response, fmt)[0][0] == 404
    other = client.get(
        f"{BASE}/requests/{submitted().tracking_number}.{fmt}", {"jurisdiction_id": "3471"}
    )
    assert other.status_code == 404


@pytest.mark.parametrize("fmt", FORMATS)
def test_token_answers_the_request_id(client, demo, fmt):
    complaint = submitted()
    response = client.get(f"{BASE}/tokens/{complaint.token}.{fmt}")
    assert response.status_code == 200
    assert _ids(response, fmt) == [complaint.tracking_number]
    for bad in ("bukan-token", "00000000-0000-0000-0000-000000000000"):
        missing = client.get(f"{BASE}/tokens/{bad}.{fmt}")
        assert missing.status_code == 404
        assert errors_of(missing, fmt)[0][0] == 404


def test_a_partner_with_a_valid_key_is_not_limited_as_anonymous(client, demo):
    """A partner server files for many reporters from one address; a wrong key stays limited."""
    answers = [post_request(client, "json").status_code for _ in range(35)]
    assert set(answers) == {201}
    assert Complaint.objects.filter(channel="open311").count() >= 35
    guessed = [post_request(client, "json", api_key="o311_wrong").status_code for _ in range(35)]
    assert guessed[0] == 403 and guessed[-1] == 429
