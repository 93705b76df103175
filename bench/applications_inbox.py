"""Benchmark: the officer inbox, the citizen's list and submission with N applications in PostgreSQL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/mpp_bench_applications \\
        .venv/bin/python bench/applications_inbox.py --applications 1000000 --requests 200

The database named in DATABASE_URL is created if missing, migrated, loaded with the demo catalog and
accounts, and filled (once per N) with N applications over the Batam services and 100,000 citizens,
by SQL (``generate_series``). One in ten goes to Dinas Kesehatan at MPP Batam, the unit of the demo
officer ``petugas.dinkes``, so at 1,000,000 that officer's unit holds 100,000 applications. Older
applications (created more than 20 days ago) are finished; recent ones are open — like a real
archive. The demo citizen (2171011508900003) has about 30.

Each page is then requested in-process with Django's test client (middleware, queries and template
rendering; no network) and p50/p95/max server times are printed with the number of SQL queries of a
request. Submission is measured as the POST of the check-your-answers page for prepared complete
drafts (files attached beforehand: file transfer excluded); notification delivery is left to the
worker (a dummy task backend), as in production. Use your own database name.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from _common import percentile, start_django_on_postgres  # noqa: E402

CITIZENS = 100_000
BENCH_PREFIX = "B"  # tracking numbers of benchmark rows: 2171-B0000001


def units() -> tuple[list[tuple], list[tuple]]:
    """(service, version, mpp, agency) of Dinkes Batam and of the other Batam agencies."""
    from mpp.catalog.models import Service

    rows = list(
        Service.objects.published()
        .filter(mpp__slug="mpp-kota-batam")
        .order_by("id")
        .values_list("id", "current_version_id", "mpp_id", "agency_id", "agency__slug")
    )
    dinkes = [row[:4] for row in rows if row[4] == "dinkes-batam"]
    others = [row[:4] for row in rows if row[4] != "dinkes-batam"]
    return dinkes, others


def fill(count: int) -> None:
    from django.db import connection, transaction

    from mpp.accounts.models import User
    from mpp.cases.models import Application

    marker = f"2171-{BENCH_PREFIX}"
    present = Application.objects.filter(tracking_number__startswith=marker).count()
    if present == count:
        print(f"{count} benchmark applications already present")
        return
    started = time.perf_counter()
    dinkes, others = units()
    budi = User.objects.get(nik="2171011508900003").pk
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "DELETE FROM cases_application WHERE tracking_number LIKE %s", [marker + "%"]
        )
        if not User.objects.filter(username="bench-warga-1").exists():
            cursor.execute(
                """
                INSERT INTO accounts_user (password, is_superuser, username, first_name, last_name,
                    email, is_staff, is_active, date_joined, name, phone, is_light_record,
                    session_stamp)
                SELECT '!', false, 'bench-warga-' || i, '', '', '', false, true, now(),
                       'Warga Uji ' || i, '', false, ''
                FROM generate_series(1, %s) AS i
                """,
                [CITIZENS],
            )
        cursor.execute(
            "SELECT min(id), max(id) FROM accounts_user WHERE username LIKE 'bench-warga-%%'"
        )
        first_citizen, last_citizen = cursor.fetchone()
        cursor.execute("SELECT setseed(0.2026)")
        cursor.execute(
            """
            WITH picked AS (
                SELECT i,
                       CASE WHEN i %% 10 = 0 THEN (%(dk_s)s::bigint[])[1 + i / 10 %% %(dk_n)s]
                            ELSE (%(ot_s)s::bigint[])[1 + i %% %(ot_n)s] END AS service_id,
                       CASE WHEN i %% 10 = 0 THEN (%(dk_v)s::bigint[])[1 + i / 10 %% %(dk_n)s]
                            ELSE (%(ot_v)s::bigint[])[1 + i %% %(ot_n)s] END AS version_id,
                       CASE WHEN i %% 10 = 0 THEN (%(dk_a)s::bigint[])[1 + i / 10 %% %(dk_n)s]
                            ELSE (%(ot_a)s::bigint[])[1 + i %% %(ot_n)s] END AS agency_id,
                       CASE WHEN i %% 33333 = 0 THEN %(budi)s
                            ELSE %(c0)s + (i::bigint * 7919) %% (%(c1)s - %(c0)s + 1) END AS applicant_id,
                       now() - random() * interval '730 days' AS created,
                       random() AS r
                FROM generate_series(1, %(n)s) AS i
            ), staged AS (
                SELECT *, CASE
                    WHEN r < 0.02 THEN 'draft'
                    WHEN created > now() - interval '20 days' THEN
                        (ARRAY['submitted','in_review','in_review','revision_requested','approved'])
                        [1 + floor(r * 1000)::int %% 5]
                    ELSE (ARRAY['issued','issued','issued','issued','issued','issued','issued',
                                'issued','rejected','withdrawn'])[1 + floor(r * 1000)::int %% 10]
                    END AS status
                FROM picked
            )
            INSERT INTO cases_application (status, version, tracking_number, service_id,
                service_version_id, applicant_id, mpp_id, agency_id, channel, data, created_at,
                updated_at, submitted_at, due_at, remaining_working_days, decided_at,
                auto_approved, assigned_to_id, clock_unit, clock_paused_at, clock_stopped_at,
                counter_name)
            SELECT status, CASE WHEN status = 'draft' THEN 0 ELSE 3 END,
                   '2171-' || %(prefix)s || lpad(i::text, 7, '0'), service_id, version_id,
                   applicant_id, %(mpp)s, agency_id,
                   CASE WHEN i %% 4 = 0 THEN 'counter' ELSE 'online' END, '{}'::jsonb,
                   created, created,
                   CASE WHEN status = 'draft' THEN NULL ELSE created + interval '1 hour' END,
                   CASE WHEN status IN ('draft', 'revision_requested') THEN NULL
                        ELSE date_trunc('day', created + interval '8 days') - interval '1 microsecond'
                   END,
                   CASE WHEN status = 'revision_requested' THEN 2 END,
                   CASE WHEN status IN ('issued','rejected','withdrawn') THEN created + interval '3 days' END,
                   false, NULL,
                   CASE WHEN status = 'draft' THEN '' ELSE 'working_days' END,
                   CASE WHEN status = 'revision_requested' THEN created + interval '2 days' END,
                   CASE WHEN status IN ('issued','rejected','withdrawn') THEN created + interval '3 days' END,
                   ''
            FROM staged
            """,
            {
                "n": count,
                "prefix": BENCH_PREFIX,
                "mpp": dinkes[0][2],
                "budi": budi,
                "c0": first_citizen,
                "c1": last_citizen,
                "dk_s": [r[0] for r in dinkes],
                "dk_v": [r[1] for r in dinkes],
                "dk_a": [r[3] for r in dinkes],
                "dk_n": len(dinkes),
                "ot_s": [r[0] for r in others],
                "ot_v": [r[1] for r in others],
                "ot_a": [r[3] for r in others],
                "ot_n": len(others),
            },
        )
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE cases_application")
    print(f"filled {count} applications in {time.perf_counter() - started:.0f} s")


def timed(client, url, params, requests, **headers):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url, params, headers=headers)  # warm up (connection, templates)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params, headers=headers)
    count = len(queries.captured_queries)  # read now: later requests reset the connection's log
    assert response.status_code == 200, (url, response.status_code)
    timings = []
    for _ in range(requests):
        start = time.perf_counter()
        client.get(url, params, headers=headers)
        timings.append((time.perf_counter() - start) * 1000)
    return count, timings


def report(label, queries, timings):
    print(
        f"{label:40} {queries:>8} {statistics.median(timings):>8.1f} "
        f"{percentile(timings, 0.95):>8.1f} {max(timings):>8.1f}"
    )


def measure(requests: int, submissions: int) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test import Client

    from mpp.accounts.models import User
    from mpp.accounts.services import issue_token
    from mpp.accounts.tests.helpers import login_staff
    from mpp.cases import services
    from mpp.cases.models import Application
    from mpp.catalog.models import Service

    officer = User.objects.get(username="petugas.dinkes")
    citizen = User.objects.get(nik="2171011508900003")
    staff_client, citizen_client, api = Client(), Client(), Client()
    login_staff(staff_client, officer)
    citizen_client.force_login(citizen, backend="mpp.accounts.backends.NikOrUsernameBackend")
    officer_token = issue_token(officer)[1]
    citizen_token = issue_token(citizen)[1]
    sip = Service.objects.get(slug="batam-sip-dokter")
    unit = Application.objects.filter(agency=officer.active_grants[0].agency_id, mpp=sip.mpp_id)
    print(
        f"\nofficer's unit: {unit.count()} applications, open: {unit.filter(status__in=('submitted', 'in_review', 'revision_requested', 'approved')).count()}"
    )
    print(f"citizen's applications: {Application.objects.filter(applicant=citizen).count()}")
    print(f"\n{'page':40} {'queries':>8} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}")
    pages = [
        ("inbox, open, page 1", "/kelola/permohonan/", {}),
        ("inbox, status in_review", "/kelola/permohonan/", {"status": "in_review"}),
        ("inbox, status issued (archive)", "/kelola/permohonan/", {"status": "issued"}),
        ("inbox, due today", "/kelola/permohonan/", {"due": "today"}),
        ("inbox, overdue", "/kelola/permohonan/", {"due": "overdue"}),
        (
            "inbox, service + counter",
            "/kelola/permohonan/",
            {"service": str(sip.pk), "channel": "counter"},
        ),
        ("inbox, assigned to me", "/kelola/permohonan/", {"mine": "on"}),
    ]
    # Later pages: the cursor that following "next" gives (the second page of the open queue, and
    # a page of the archive), read after the cursor as the officer would.
    for label, params in (
        ("inbox, open, page 2", {}),
        ("inbox, status issued, page 2", {"status": "issued"}),
    ):
        first = staff_client.get("/kelola/permohonan/", params)
        cursor = first.context["page"].next_cursor
        if cursor:
            pages.append((label, "/kelola/permohonan/", {**params, "cursor": cursor}))
    for label, url, params in pages:
        report(label, *timed(staff_client, url, params, requests))
    report("citizen list /permohonan/", *timed(citizen_client, "/permohonan/", {}, requests))
    report(
        "API officer list",
        *timed(api, "/api/v1/applications", {}, requests, Authorization=f"Bearer {officer_token}"),
    )
    report(
        "API citizen list",
        *timed(api, "/api/v1/applications", {}, requests, Authorization=f"Bearer {citizen_token}"),
    )
    if not submissions:
        return
    drafts = []
    for _ in range(submissions):
        draft = services.start_application(applicant=citizen, service=sip)
        services.update_draft(
            draft,
            actor=citizen,
            data={
                "nama_pemohon": "Budi Santoso", "nik_pemohon": "2171011508900003",
                "telepon": "081234567890", "nomor_str": "3121100220145678",
                "nama_fasyankes": "Klinik Sehat Batam", "alamat_praktik": "Jl. Engku Putri No. 2",
                "urutan_sip": "1",
            },
        )  # fmt: skip
        for field in ("str", "surat_tempat_praktik", "pasfoto"):
            services.attach_file(
                draft,
                actor=citizen,
                field=field,
                upload=SimpleUploadedFile("a.pdf", b"%PDF-1.4\n%%EOF\n"),
            )
        drafts.append(draft)
    timings = []
    for draft in drafts:
        start = time.perf_counter()
        response = citizen_client.post(f"/permohonan/{draft.pk}/periksa/", {"version": "0"})
        timings.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 302, response.status_code
    report(f"submission (POST check page), n={submissions}", 0, timings)
    Application.objects.filter(pk__in=[d.pk for d in drafts]).delete()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--applications", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=200, help="requests per page")
    parser.add_argument("--submissions", type=int, default=200)
    args = parser.parse_args()
    start_django_on_postgres("mpp-bench-applications-")
    fill(args.applications)
    measure(args.requests, args.submissions)


if __name__ == "__main__":
    main()
