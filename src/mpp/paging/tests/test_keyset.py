"""The keyset pager: every row once, in order, both ways; bad cursors refused; fixed queries."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from mpp.accounts.models import Role
from mpp.accounts.services import issue_token
from mpp.accounts.tests.factories import staff
from mpp.accounts.tests.helpers import login_staff
from mpp.audit.models import AuditEvent
from mpp.cases.models import Application
from mpp.cases.tests.factories import CitizenFactory, officer_for, service_with
from mpp.paging.keyset import BadCursor, _encode, keyset_page, sequence_page

pytestmark = pytest.mark.django_db
START = datetime.datetime(2026, 11, 2, 8, tzinfo=datetime.UTC)


def many(service, citizen, n: int, *, due_every: int = 3) -> list[Application]:
    """``n`` submitted applications: creation times with ties, some without a deadline."""
    version = service.current_version
    return Application.objects.bulk_create(
        Application(
            tracking_number=f"2171-261102-{i:04d}",
            service=service,
            service_version=version,
            applicant=citizen,
            mpp=service.mpp,
            agency=service.agency,
            status="submitted",
            created_at=START + datetime.timedelta(minutes=i // 2),
            submitted_at=START,
            due_at=None if i % due_every == 0 else START + datetime.timedelta(hours=i % 7),
        )
        for i in range(n)
    )


def walk(rows, order, size):
    """All pages forward, then all pages back from the last one."""
    forward, page = [], keyset_page(rows, order=order, size=size)
    forward.append(page)
    while page.next_cursor:
        page = keyset_page(rows, order=order, cursor=page.next_cursor, size=size)
        forward.append(page)
    backward = [page]
    while page.previous_cursor:
        page = keyset_page(rows, order=order, cursor=page.previous_cursor, size=size)
        backward.append(page)
    return forward, backward


@pytest.mark.parametrize(
    "order", [("-created_at", "-id"), ("due_at?", "-id"), ("created_at", "id")]
)
def test_pages_hold_every_row_once_in_order_both_ways(order):
    service, citizen = service_with(), CitizenFactory()
    many(service, citizen, 23)
    rows = Application.objects.all()
    expected = list(rows.order_by(*_orm_order(order)).values_list("pk", flat=True))
    forward, backward = walk(rows, order, 5)
    assert [r.pk for page in forward for r in page.rows] == expected
    assert [[r.pk for r in p.rows] for p in reversed(backward)] == [
        [r.pk for r in p.rows] for p in forward
    ]
    assert not forward[0].has_previous and not forward[-1].has_next
    assert [len(p.rows) for p in forward] == [5, 5, 5, 5, 3]


def _orm_order(order):
    from django.db.models import F

    return [F(spec[:-1]).asc(nulls_last=True) if spec.endswith("?") else spec for spec in order]


@pytest.mark.parametrize(
    "cursor",
    [
        "garbage",
        "%%%",
        "x" * 1000,
        _encode(["2026-11-02T08:00:00+00:00"], True),  # too few values
        _encode(["not a date", 1], True),
        _encode(["2026-11-02T08:00:00+00:00", 10**30], True),  # out of range
        _encode([None, 1], True),  # a null where the key is not nullable
        _encode([{"a": 1}, 1], True),
    ],
)
def test_a_cursor_the_pager_did_not_make_is_refused(cursor):
    with pytest.raises(BadCursor):
        keyset_page(Application.objects.all(), order=("-created_at", "-id"), cursor=cursor)


def test_any_page_or_cursor_value_answers_a_page_or_400_never_500(client):
    service, citizen = service_with(), CitizenFactory()
    many(service, citizen, 30)
    client.force_login(citizen, backend="mpp.accounts.backends.NikOrUsernameBackend")
    url = reverse("cases:mine")
    assert client.get(url, {"page": "99999999999999999999"}).status_code == 200
    assert client.get(url, {"cursor": "garbage"}).status_code == 400
    assert client.get(url, {"cursor": _encode(["x", 1], True)}).status_code == 400


def test_the_citizen_list_pages_with_the_same_queries_at_any_depth(
    client, django_assert_num_queries
):
    service, citizen = service_with(), CitizenFactory()
    many(service, citizen, 80)
    client.force_login(citizen, backend="mpp.accounts.backends.NikOrUsernameBackend")
    url = reverse("cases:mine")
    first = client.get(url)
    numbers = _listed(first)
    cursor = first.context["page"].next_cursor
    with django_assert_num_queries(_queries(client, url)):
        second = client.get(url, {"cursor": cursor})
    deeper = second
    for _ in range(2):
        deeper = client.get(url, {"cursor": deeper.context["page"].next_cursor})
    with django_assert_num_queries(_queries(client, url)):
        client.get(url, {"cursor": deeper.context["page"].previous_cursor})
    assert len(numbers) == 25 and not set(numbers) & set(_listed(second))


def _queries(client, url, table: str = "cases_application") -> int:
    """How many queries the page costs; none of them counts the rows of the listed table."""
    with CaptureQueriesContext(connection) as captured:
        client.get(url)
    sql = [query["sql"] for query in captured.captured_queries]
    assert not [query for query in sql if "COUNT(" in query and f'"{table}"' in query]
    return len(sql)


def _listed(response) -> list[str]:
    return [a.tracking_number for a in response.context["applications"]]


def test_the_inbox_pages_by_deadline_with_the_same_queries_on_every_page(client):
    service, citizen = service_with(), CitizenFactory()
    many(service, citizen, 60)
    login_staff(client, officer_for(service))
    url = reverse("cases:inbox")
    response = client.get(url)
    seen, sizes = _listed(response), set()
    while cursor := response.context["page"].next_cursor:
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url, {"cursor": cursor})
        sizes.add(len(captured.captured_queries))
        seen += _listed(response)
    # Every page costs the same, plus one query on the page where deadlines give way to none.
    assert max(sizes) - min(sizes) <= 1
    assert len(seen) == len(set(seen)) == 60
    ordered = [Application.objects.get(tracking_number=number).due_at for number in seen]
    with_deadline = [due for due in ordered if due is not None]
    assert ordered == sorted(with_deadline) + [None] * (60 - len(with_deadline))


def test_the_audit_log_pages_without_counting(client, django_assert_num_queries):
    admin = staff(Role.MINISTRY_ADMIN)
    AuditEvent.objects.bulk_create(
        AuditEvent(action="login", actor=admin, summary=f"peristiwa {i}") for i in range(120)
    )
    login_staff(client, admin)
    url = reverse("accounts:audit_log")
    first = client.get(url)
    assert first.status_code == 200
    count = _queries(client, url, "audit_auditevent")
    page = first.context["page"]
    with django_assert_num_queries(count):
        second = client.get(url, {"cursor": page.next_cursor})
    assert len(second.context["events"]) == 50
    assert not {r.event.pk for r in first.context["events"]} & {
        r.event.pk for r in second.context["events"]
    }


def test_the_api_list_links_the_next_page_and_refuses_a_bad_cursor(client):
    service, citizen = service_with(), CitizenFactory()
    many(service, citizen, 30)
    _token, secret = issue_token(citizen, name="uji")
    headers = {"Authorization": f"Bearer {secret}"}
    first = client.get("/api/v1/applications", {"status": "submitted"}, headers=headers)
    assert first.status_code == 200 and len(first.json()["items"]) == 25
    link = first["Link"]
    assert link.startswith("</api/v1/applications?") and 'rel="next"' in link
    assert "status=submitted" in link
    assert first.json()["next"] == link[1 : link.index(">")]
    second = client.get(first.json()["next"], headers=headers)
    assert len(second.json()["items"]) == 5 and 'rel="prev"' in second["Link"]
    assert second.json()["next"] is None and second.json()["previous"]
    ids = [row["id"] for row in first.json()["items"] + second.json()["items"]]
    assert len(set(ids)) == 30
    bad = client.get("/api/v1/applications", {"cursor": "garbage"}, headers=headers)
    assert bad.status_code == 400
    assert [error["field"] for error in bad.json()["errors"]] == ["cursor"]


def test_a_list_computed_in_python_is_paged_with_the_same_cursors():
    rows = [{"name": name, "id": number} for number, name in enumerate("dcbaedcba")]
    key = lambda row: (row["name"], row["id"])  # noqa: E731
    seen, cursor = [], None
    while True:
        page = sequence_page(rows, key=key, cursor=cursor, size=2)
        assert len(page.rows) <= 2 and page.previous_cursor is None
        seen += page.rows
        if not page.has_next:
            break
        cursor = page.next_cursor
    assert seen == sorted(rows, key=key)
    assert sequence_page([], key=key, cursor=cursor, size=2).rows == []
    for bad in (
        "garbage",
        _encode([1, 2, 3], True),
        _encode([1, 2], True),
        _encode(["a", 1], False),
    ):
        with pytest.raises(BadCursor):
            sequence_page(rows, key=key, cursor=bad, size=2)
