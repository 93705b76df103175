"""Benchmark: keyset pages at any depth and the deadline sweep, with N applications in PostgreSQL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/mpp_bench_keyset \\
        .venv/bin/python bench/keyset_pages.py --applications 1000000 --requests 100

Fills the database like ``bench/applications_inbox.py`` (same rows), adds N audit events, then
times (in-process test client, p50/p95/max and queries per request) the officer inbox, the
citizen's list, the audit log and the API list on their first page and on a page deep in the list
(a cursor at row ``--depth``), and finally the deadline sweep: the breach flags over ``--due``
applications whose deadline has passed, then the whole sweep with ``--auto`` fiktif-positif
applications due (approved and issued one by one; the document task goes to a dummy backend).
The sweep rewrites rows of the archive: run it last.
"""

from __future__ import annotations

import argparse
import datetime
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from _common import start_django_on_postgres  # noqa: E402
from applications_inbox import fill, report, timed  # noqa: E402


def fill_audit(count: int) -> None:
    from django.db import connection

    from mpp.audit.models import AuditEvent

    if AuditEvent.objects.filter(action="bench").count() >= count:
        print(f"{count} benchmark audit events already present")
        return
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO audit_auditevent (at, action, target_type, target_id, summary, data)
            SELECT now() - (i || ' seconds')::interval, 'bench', '', '', 'peristiwa ' || i, '{}'
            FROM generate_series(1, %s) AS i
            """,
            [count],
        )
        cursor.execute("VACUUM ANALYZE audit_auditevent")
    print(f"filled {count} audit events in {time.perf_counter() - started:.0f} s")


def deep_cursor(queryset, order, depth: int) -> str:
    """A "next" cursor pointing ``depth`` rows into the list (what following links would give)."""
    from mpp.paging.keyset import _encode, _Key

    keys = [_Key.parse(spec) for spec in order]
    row = queryset.order_by(*(key.order(True) for key in keys))[depth : depth + 1].get()
    return _encode([getattr(row, key.field) for key in keys], True)


def measure(requests: int, depth: int, due: int, auto: int) -> None:
    from django.db.models import Count
    from django.test import Client
    from django.utils import timezone

    from mpp.accounts import selectors as account_selectors
    from mpp.accounts.models import User
    from mpp.accounts.services import issue_token
    from mpp.accounts.tests.helpers import login_staff
    from mpp.cases import selectors
    from mpp.cases.models import Application
    from mpp.deadlines import services as clock
    from mpp.deadlines.registry import SweepRegistry
    from mpp.documents import services as document_services

    document_services.create_demo_pki()  # automatic issuing takes its transition

    officer = User.objects.get(username="petugas.dinkes")
    citizen = User.objects.get(nik="2171011508900003")
    admin = User.objects.get(username="admin.kemenpanrb")
    staff_client, citizen_client, admin_client, api = Client(), Client(), Client(), Client()
    login_staff(staff_client, officer)
    login_staff(admin_client, admin)
    citizen_client.force_login(citizen, backend="mpp.accounts.backends.NikOrUsernameBackend")
    token = issue_token(officer)[1]
    busiest = (
        Application.objects.values("applicant")
        .order_by()
        .annotate(n=Count("id"))
        .order_by("-n")
        .first()
    )
    inbox_all = selectors.inbox(officer, selectors.InboxFilters(status="issued"))
    inbox_open = selectors.inbox(officer)
    open_depth = min(depth, max(inbox_open.count() - 30, 0))
    archive_depth = min(depth, max(inbox_all.count() - 30, 0))
    audit_depth = min(depth * 10, max(account_selectors.audit_events().count() - 60, 0))
    print(f"\ninbox open rows: {inbox_open.count()}, issued rows: {inbox_all.count()}")
    print(f"\n{'page':48} {'queries':>8} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}")
    pages = [
        ("inbox, open, first page", staff_client, "/kelola/permohonan/", {}),
        (
            f"inbox, open, row {open_depth}",
            staff_client,
            "/kelola/permohonan/",
            {"cursor": deep_cursor(inbox_open, selectors.INBOX_ORDER, open_depth)},
        ),
        (
            f"inbox, issued (archive), row {archive_depth}",
            staff_client,
            "/kelola/permohonan/",
            {
                "status": "issued",
                "cursor": deep_cursor(inbox_all, selectors.INBOX_ORDER, archive_depth),
            },
        ),
        ("citizen list, first page", citizen_client, "/permohonan/", {}),
        ("audit log, first page", admin_client, "/akun/kerja/audit/", {}),
        (
            f"audit log, row {audit_depth}",
            admin_client,
            "/akun/kerja/audit/",
            {
                "cursor": deep_cursor(
                    account_selectors.audit_events(), account_selectors.AUDIT_ORDER, audit_depth
                )
            },
        ),
    ]
    for label, client, url, params in pages:
        report(label, *timed(client, url, params, requests))
    report(
        f"API officer list, archive row {archive_depth}",
        *timed(
            api,
            "/api/v1/applications",
            {
                "status": "issued",
                "cursor": deep_cursor(inbox_all, selectors.INBOX_ORDER, archive_depth),
            },
            requests,
            Authorization=f"Bearer {token}",
        ),
    )
    print(f"(busiest citizen holds {busiest['n']} applications)")

    # The sweep: `due` applications whose deadline passed an hour ago, running clocks in review
    # (taken from the archive of services without fiktif positif, so the flags are measured).
    now = timezone.now()
    late = list(
        Application.objects.exclude(status="draft")
        .filter(service_version__auto_approve=False)
        .values_list("pk", flat=True)[:due]
    )
    Application.objects.filter(pk__in=late).update(
        status="in_review",
        due_at=now - datetime.timedelta(hours=1),
        breached_at=None,
        clock_stopped_at=None,
        clock_paused_at=None,
        clock_unit="working_days",
    )
    flags_only = SweepRegistry()
    flags_only.register(Application)
    started = time.perf_counter()
    result = clock.sweep(now, registry=flags_only)
    elapsed = time.perf_counter() - started
    print(f"\nbreach flags over {len(late)} due applications: {elapsed:.1f} s, {result.breached}")
    fiktif = list(
        Application.objects.filter(
            service_version__auto_approve=True, status__in=("submitted", "in_review")
        ).values_list("pk", flat=True)[:auto]
    )
    Application.objects.filter(pk__in=fiktif).update(due_at=now - datetime.timedelta(hours=1))
    started = time.perf_counter()
    result = clock.sweep(now)
    elapsed = time.perf_counter() - started
    print(
        f"whole sweep with {len(fiktif)} fiktif-positif applications due: {elapsed:.1f} s, "
        f"{result.breached} {result.steps}"
    )
    started = time.perf_counter()
    again = clock.sweep(now)
    print(f"second sweep: {time.perf_counter() - started:.2f} s, {again.breached} {again.steps}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--applications", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=100, help="requests per page")
    parser.add_argument("--depth", type=int, default=50_000, help="row of the deep pages")
    parser.add_argument("--due", type=int, default=100_000, help="due applications to sweep")
    parser.add_argument("--auto", type=int, default=1_000, help="fiktif-positif ones due")
    args = parser.parse_args()
    start_django_on_postgres("mpp-bench-keyset-")
    fill(args.applications)
    fill_audit(args.applications)
    measure(args.requests, args.depth, args.due, args.auto)


if __name__ == "__main__":
    main()
