"""Every API list is one kind of page: a cursor, a page size with a maximum, and ``next`` links.

The list operations are found in the OpenAPI document, so a list added without paging (a bare
array, a silent ``[:100]``) fails here; each one is then walked on the demo data, page by page to
the end, and must give the rows of one large page, each exactly once.
"""

from __future__ import annotations

import datetime
import json
import re

import pytest
from django.test import Client
from django.utils import timezone

from mpp.accounts.models import User
from mpp.accounts.tests.factories import CitizenFactory
from mpp.accounts.tests.test_duties import _submitted, bearer, demo  # noqa: F401 - the demo fixture
from mpp.activities import demo as activities_demo
from mpp.activities import selectors as activity_selectors
from mpp.activities import services as activity_services
from mpp.api.paging import MAX_PAGE_SIZE
from mpp.api.v1 import api
from mpp.complaints import services as complaint_services
from mpp.complaints.models import About, Kind
from mpp.notifications.tests.factories import InboxMessageFactory
from mpp.queueing import demo as queueing_demo
from mpp.queueing import selectors as queue_selectors
from mpp.queueing import services as queue_services
from mpp.rooms import demo as rooms_demo
from mpp.rooms.models import Room
from mpp.rooms.tests.factories import ask
from mpp.tenancy.models import MPP

pytestmark = pytest.mark.django_db

CITIZEN = "2171011508900003"

# Answers that hold an array without being a list of their own, and why that array is bounded.
BOUNDED = {
    "GET /api/v1/applications/{application_id}": "the files, timeline and actions of one case",
    "GET /api/v1/complaints/{tracking_number}": "the messages of one complaint",
    "GET /api/v1/mpps/{mpp_id}": "the opening hours and agencies of one MPP",
    "GET /api/v1/services/{service_id}": "the form and standard of one service version",
    "GET /api/v1/me": "the caller's own role grants",
    "GET /api/v1/skm/ikm": "the elements of one questionnaire",
    "GET /api/v1/queue/mpps/{mpp_id}/statistics": "days of a range of at most 366, the MPP's "
    "counters, agencies and queues",
    "GET /api/v1/monitoring/periods/{period_id}/matrix": "one row per kab/kota of one period",
    "GET /api/v1/open-data/mpps/{mpp_id}": "the whole open data set of one MPP, like its CSV",
    "GET /api/v1/open-data/mpps/{mpp_id}/community": "one row per month of one MPP, like its CSV",
}


def _schema() -> dict:
    """The OpenAPI document as clients read it (JSON: status codes are text)."""
    return json.loads(json.dumps(api.get_openapi_schema()))


def _resolve(schema: dict, node: dict) -> dict:
    while "$ref" in node:
        node = schema["components"]["schemas"][node["$ref"].rsplit("/", 1)[1]]
    return node


def _ok_body(schema: dict, operation: dict) -> dict | None:
    for status in ("200", "201"):
        content = operation.get("responses", {}).get(status, {}).get("content", {})
        if "application/json" in content:
            return _resolve(schema, content["application/json"]["schema"])
    return None


def list_operations() -> dict[str, dict]:
    """ "GET path" → the operation, for every operation answering a page."""
    schema = _schema()
    found = {}
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            body = _ok_body(schema, operation)
            if method == "get" and body and {"items", "next"} <= set(body.get("properties", {})):
                found[f"GET {path}"] = operation
    return found


def test_every_answer_with_many_rows_is_a_page_with_a_bounded_size():
    schema = _schema()
    unpaged = []
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            name = f"{method.upper()} {path}"
            body = _ok_body(schema, operation)
            if body is None:
                continue
            if body.get("type") == "array":
                unpaged.append(name)
                continue
            properties = body.get("properties", {})
            if {"items", "next"} <= set(properties):
                parameters = {p["name"]: p for p in operation.get("parameters", [])}
                assert parameters["page_size"]["schema"]["maximum"] == MAX_PAGE_SIZE, name
                assert "cursor" in parameters, name
                assert {"next", "previous", "page_size"} <= set(body["required"]), name
            elif method == "get" and any(
                _resolve(schema, p).get("type") == "array" for p in properties.values()
            ):
                assert name in BOUNDED, f"{name} answers an array outside a page"
    assert unpaged == []
    assert len(list_operations()) == 15


def _monday_ahead() -> datetime.date:
    day = timezone.localdate() + datetime.timedelta(days=7)
    return day - datetime.timedelta(days=day.weekday())


def _lists(citizen: User) -> dict[str, tuple[str, dict, dict]]:
    """ "GET path" → (url, query, headers) on the demo data."""
    batam = MPP.objects.get(slug="mpp-kota-batam")
    queue = queue_selectors.bookable_queues().filter(mpp=batam).first()
    assert queue is not None, "the demo books a queue at Batam"
    as_citizen = bearer(citizen)
    manager = bearer(User.objects.get(username="pengelola.batam"))
    year = {"start": "2026-01-01", "end": "2026-12-31"}
    return {
        "GET /api/v1/applications": ("/api/v1/applications", {}, as_citizen),
        "GET /api/v1/mpps": ("/api/v1/mpps", {}, {}),
        "GET /api/v1/agencies": ("/api/v1/agencies", {}, {}),
        "GET /api/v1/services": ("/api/v1/services", {"region": "2171"}, {}),
        "GET /api/v1/complaints": ("/api/v1/complaints", {}, as_citizen),
        "GET /api/v1/me/messages": ("/api/v1/me/messages", {}, as_citizen),
        "GET /api/v1/queue/services": ("/api/v1/queue/services", {}, {}),
        "GET /api/v1/queue/services/{queue_id}/slots": (
            f"/api/v1/queue/services/{queue.pk}/slots",
            {"date": _monday_ahead().isoformat()},
            {},
        ),
        "GET /api/v1/queue/mpps/{mpp_id}/waits": (f"/api/v1/queue/mpps/{batam.pk}/waits", {}, {}),
        "GET /api/v1/me/queue/bookings": ("/api/v1/me/queue/bookings", {}, as_citizen),
        "GET /api/v1/skm/ikm/officers": (
            "/api/v1/skm/ikm/officers",
            {"unit": f"mpp:{batam.pk}", **year},
            manager,
        ),
        "GET /api/v1/activities": ("/api/v1/activities", {"region": "2171"}, {}),
        "GET /api/v1/me/activities/registrations": (
            "/api/v1/me/activities/registrations",
            {},
            as_citizen,
        ),
        "GET /api/v1/mpps/{mpp_id}/rooms": (f"/api/v1/mpps/{batam.pk}/rooms", {}, {}),
        "GET /api/v1/me/room-bookings": ("/api/v1/me/room-bookings", {}, as_citizen),
    }


def _walk(client: Client, url: str, query: dict, headers: dict, size: int) -> list[str]:
    """Every row of the list, following ``next`` from the first page to the last."""
    rows: list[str] = []
    answer = client.get(url, {**query, "page_size": size}, headers=headers)
    pages = 0
    while True:
        assert answer.status_code == 200, (url, answer.content[:300])
        body = answer.json()
        assert len(body["items"]) <= size and body["page_size"] == size
        rows += [json.dumps(item, sort_keys=True) for item in body["items"]]
        pages += 1
        assert pages <= 500, url
        if body["next"] is None:
            return rows
        assert body["items"], "a page with a next link holds rows"
        assert f"page_size={size}" in body["next"]
        answer = client.get(body["next"], headers=headers)


def _more_rows(citizen: User) -> None:
    """The demo queues, and messages, complaints and bookings of the demo citizen, so that each
    of their lists fills pages."""
    queueing_demo.load()
    InboxMessageFactory.create_batch(5, recipient=citizen)
    _submitted("dinkes-batam", CITIZEN)
    batam = MPP.objects.get(slug="mpp-kota-batam")
    for number in range(3):
        complaint_services.submit_complaint(
            complaint_services.Submission(
                kind=Kind.COMPLAINT,
                about=About.MPP,
                title=f"Antrean terlalu lama {number}",
                text="Saya menunggu tiga jam di loket.",
                mpp=batam,
            ),
            reporter=citizen,
            channel="api",
        )
    # Batam's month of activities and its two rooms (with the citizen's pending request), two
    # seats and a second request of the citizen's.
    activities_demo.load()
    rooms_demo.load()
    open_ones = activity_selectors.public_programme(mpp=batam).filter(
        registration_required=True, starts_at__gt=timezone.now() + datetime.timedelta(days=1)
    )
    for activity in open_ones.exclude(registrations__user=citizen)[:2]:
        activity_services.register(activity, user=citizen)
    ask(Room.objects.filter(mpp=batam).order_by("-capacity").last(), citizen, attendance=10)
    monday = _monday_ahead()
    queues = queue_selectors.bookable_queues().filter(mpp__slug="mpp-kota-batam")[:3]
    for queue in queues:
        slot = next(s for s in queue_services.availability(queue, monday) if s.bookable)
        queue_services.book(citizen, queue, monday, slot.starts)


def test_every_list_is_walked_to_its_end_without_loss_or_repetition(demo):  # noqa: F811
    citizen = User.objects.get(nik=CITIZEN)
    _more_rows(citizen)
    lists = _lists(citizen)
    assert set(lists) == set(list_operations()), "a list operation without a walk here"
    client = Client()
    lengths = {}
    for name, (url, query, headers) in lists.items():
        whole = _walk(client, url, query, headers, MAX_PAGE_SIZE)
        paged = _walk(client, url, query, headers, 1)
        assert paged == whole, name
        assert len(set(paged)) == len(paged), f"{name} repeats a row"
        lengths[name] = len(paged)
    # Each list spans several pages of 1 (the demo has no SKM answers naming an officer).
    assert {name for name, length in lengths.items() if length < 2} == {
        "GET /api/v1/skm/ikm/officers"
    }, lengths


# Values for the other required parameters of a list, so that only the page size is wrong.
REQUIRED = {"date": "2026-12-07", "unit": "national", "start": "2026-01-01", "end": "2026-12-31"}


@pytest.mark.parametrize("size", [0, MAX_PAGE_SIZE + 1])
def test_a_page_size_out_of_range_is_refused_naming_it(client, size):
    headers = bearer(CitizenFactory())
    for name, operation in list_operations().items():
        path = re.sub(r"\{[a-z_]+\}", "1", name.removeprefix("GET "))
        query = {
            parameter["name"]: REQUIRED[parameter["name"]]
            for parameter in operation.get("parameters", [])
            if parameter["in"] == "query" and parameter.get("required")
        }
        answer = client.get(path, {**query, "page_size": size}, headers=headers)
        assert answer.status_code == 422, name
        errors = answer.json()["errors"]
        assert [error["field"] for error in errors] == ["page_size"], name
        assert str(MAX_PAGE_SIZE if size else 1) in errors[0]["messages"][0], name
