"""What PostgreSQL does with a later inbox page: ordered index scans that stop, no sort of every
open row after the cursor (run on PostgreSQL only; the plan is behaviour a DBA sees)."""

from __future__ import annotations

import datetime
import json
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from mpp.cases import selectors
from mpp.cases.models import Application
from mpp.cases.tests.factories import CitizenFactory, officer_for, service_with
from mpp.paging.keyset import keyset_page

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="a PostgreSQL plan"),
]
START = datetime.datetime(2026, 11, 2, 17, tzinfo=datetime.UTC)


def fill(service, citizen, n: int) -> None:
    """``n`` open applications of one unit, their deadlines at the end of a few working days
    (many share one), and as many of another unit, so the unit's rows are a range of the index."""
    other: Any = service_with()
    version = service.current_version
    Application.objects.bulk_create(
        Application(
            tracking_number=f"2171-261102-{i:05d}",
            service=service if i % 2 else other,
            service_version=version if i % 2 else other.current_version,
            applicant=citizen,
            mpp=service.mpp if i % 2 else other.mpp,
            agency=service.agency if i % 2 else other.agency,
            status="submitted",
            submitted_at=START,
            due_at=START + datetime.timedelta(days=i % 20),
        )
        for i in range(2 * n)
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE cases_application")


def plan_nodes(sql: str) -> list[dict]:
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}")
        (plan,) = cursor.fetchone()
    plan = json.loads(plan) if isinstance(plan, str) else plan
    nodes: list[dict] = []
    stack: list[tuple[dict, list[str]]] = [(plan[0]["Plan"], [])]
    while stack:
        node, above = stack.pop()
        node["above"] = above
        nodes.append(node)
        stack += [(child, [*above, node["Node Type"]]) for child in node.get("Plans", [])]
    return nodes


def test_a_later_inbox_page_is_read_by_index_scans_that_stop_not_a_sort_of_the_rest():
    service, citizen = service_with(), CitizenFactory()
    fill(service, citizen, 3000)
    officer = officer_for(service)
    rows = selectors.inbox(officer)
    first = keyset_page(rows, order=selectors.INBOX_ORDER)
    with CaptureQueriesContext(connection) as captured:
        second = keyset_page(rows, order=selectors.INBOX_ORDER, cursor=first.next_cursor)
    (sql,) = [q["sql"] for q in captured.captured_queries]
    assert len(second.rows) == 25 and not {r.pk for r in first.rows} & {r.pk for r in second.rows}
    nodes = plan_nodes(sql)
    # The scans that find the page's rows by deadline (the chosen rows are then read by id).
    ranges = [
        n
        for n in nodes
        if n.get("Relation Name") == "cases_application"
        and "due_at" in n.get("Index Cond", "") + n.get("Recheck Cond", "") + n.get("Filter", "")
    ]
    assert {n["Node Type"] for n in ranges} <= {"Index Scan", "Index Only Scan"}, ranges
    # Each an ordered index scan that the Limit right above it stops: nothing sorts what it reads.
    assert len(ranges) == 2 and all(n["above"][-1] == "Limit" for n in ranges)


def test_the_later_pages_read_as_ranges_hold_every_row_once_in_order_both_ways():
    service, citizen = service_with(), CitizenFactory()
    fill(service, citizen, 120)
    rows = selectors.inbox(officer_for(service))
    expected = list(rows.values_list("pk", flat=True))  # the selector's order: deadline, newest
    page = keyset_page(rows, order=selectors.INBOX_ORDER, size=7)
    seen = [r.pk for r in page.rows]
    while page.next_cursor:
        page = keyset_page(rows, order=selectors.INBOX_ORDER, cursor=page.next_cursor, size=7)
        seen += [r.pk for r in page.rows]
    assert seen == expected and len(expected) == 120
    last, back = [r.pk for r in page.rows], []
    while page.previous_cursor:
        page = keyset_page(rows, order=selectors.INBOX_ORDER, cursor=page.previous_cursor, size=7)
        back = [r.pk for r in page.rows] + back
    assert back + last == expected
