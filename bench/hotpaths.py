"""The hot reads and writes, server-side, on a generated data set (``make bench``).

    make bench-data SCALE=small && make bench
    .venv/bin/python bench/hotpaths.py --requests 200            # p50/p95/p99 and queries
    .venv/bin/python bench/hotpaths.py --check --requests 0      # CI: query budgets only
    .venv/bin/python bench/hotpaths.py --only queue_call_next --waiting 5000  # issue 26's target
    BENCH_SHOW_SQL=200 BENCH_EXPLAIN=1 BENCH_PROFILE=var/prof .venv/bin/python bench/hotpaths.py --only …

Each path is requested in-process through Django's test client (middleware, queries, templates;
no network) against the database of ``make bench-data`` (``DATABASE_URL``, default
``mpp_bench_small``), with the public-page cache off so that every page is rendered. A path's
queries are counted on one request after the warm-up; writes (submit, an officer's action) use a
fresh object each time. ``bench/budgets.toml`` holds each path's query budget (enforced with
``--check``: a path over its budget, or without one, fails) and the p95 recorded for the record
(never enforced: the shared machine's times move). The last column is the part of a request
spent in its statements as the client waits for them (the database's work and the round trips):
what grows with the data, and what ``bench/extrapolate.py`` carries to a larger scale.
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import json
import os
import sys
import time
import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT))

from bench._common import percentile  # noqa: E402
from bench.data.base import BENCH_PEPPER  # noqa: E402

BUDGETS = ROOT / "bench" / "budgets.toml"


@dataclass
class HotPath:
    name: str
    label: str
    # Called before each request: returns (method, url, data, headers) for that request.
    request: Callable[[int], tuple[str, str, dict | None, dict]]
    # "anonymous", "citizen", "officer" (Dukcapil Batam), "dinkes", "api", "analyst", "regional",
    # "manager" (MPP Kota Batam), "kiosk" (the SKM tablet of MPP Kota Batam), "desk" (the
    # complaint desk of Kota Batam), "queue_kiosk" (the queue's ticket kiosk of MPP Kota Batam)
    client: str
    expect: int = 200
    # A context manager each request runs in (the kiosk's: the clock inside opening hours).
    around: Callable[[], contextlib.AbstractContextManager] = contextlib.nullcontext


def setup_django() -> None:
    url = os.environ.get("DATABASE_URL") or "postgres://postgres@127.0.0.1:5432/mpp_bench_small"
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("MPP_NIK_PEPPER", BENCH_PEPPER)
    os.environ["MPP_PUBLIC_CACHE_SECONDS"] = "0"
    # The national dashboard's shared sums are measured as a miss (every request reads them).
    os.environ["MPP_DASHBOARD_CACHE_SECONDS"] = "0"
    os.environ["TASK_BACKEND"] = "django_tasks.backends.dummy.DummyBackend"
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mpp.settings")
    import django

    django.setup()
    from django.conf import settings

    settings.ALLOWED_HOSTS = ["*"]
    settings.AXES_ENABLED = False
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_name = 'cases_application'"
        )
        if not cursor.fetchone()[0]:
            raise SystemExit(f"{url} has no schema: run make bench-data SCALE=small first")
        cursor.execute("SELECT count(*) FROM catalog_mpp")
        if cursor.fetchone()[0] < 100:
            raise SystemExit(f"{url} is not a generated data set: run make bench-data first")


def prepare(requests: int, waiting: int = 0) -> tuple[list[HotPath], dict]:
    """The paths, with the objects they need made beforehand (drafts, submitted applications)."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from mpp.accounts.models import User
    from mpp.accounts.services import issue_token
    from mpp.cases import services
    from mpp.cases.models import Application
    from mpp.catalog.models import Service
    from mpp.documents.uploads import blank_pdf

    officer = User.objects.get(username="petugas.dukcapil")
    dinkes = User.objects.get(username="petugas.dinkes")
    citizen = User.objects.get(username="warga-demo-0003")
    grant = officer.active_grants[0]
    unit = Application.objects.filter(agency_id=grant.agency_id, mpp_id=grant.mpp_id)
    runs = requests + 2  # warm-up and the counted request
    own = unit.filter(applicant=citizen).exclude(status="draft").order_by("-created_at").first()
    own = own or Application.objects.filter(applicant=citizen).exclude(status="draft").first()
    service = Service.objects.get(slug="batam-sip-dokter")
    answers = {
        "nama_pemohon": "Budi Santoso", "nik_pemohon": "2171011508900003",
        "telepon": "081234567890", "nomor_str": "3121100220145678",
        "nama_fasyankes": "Klinik Sehat Batam", "alamat_praktik": "Jl. Engku Putri No. 2",
        "urutan_sip": "1",
    }  # fmt: skip
    drafts = []
    pdf = blank_pdf()
    for _ in range(runs):
        draft = services.start_application(applicant=citizen, service=service)
        services.update_draft(draft, actor=citizen, data=answers)
        for field in ("str", "surat_tempat_praktik", "pasfoto"):
            services.attach_file(
                draft,
                actor=citizen,
                field=field,
                upload=SimpleUploadedFile("a.pdf", pdf, content_type="application/pdf"),
            )
        drafts.append(draft.pk)
    officer_token = issue_token(officer, second_factor=True)[1]
    citizen_token = issue_token(citizen)[1]
    page = (
        Service.objects.get(slug="batam-akta-kelahiran")
        if Service.objects.filter(slug="batam-akta-kelahiran").exists()
        else service
    )
    staff_one = unit.exclude(status="draft").order_by("-created_at").first()
    followed, desk_one, complaint_form, open311_post = complaint_requests(grant.mpp_id)

    def version_of(pk: int) -> int:
        return Application.objects.values_list("version", flat=True).get(pk=pk)

    def get(url: str, headers: dict | None = None):
        return lambda i: ("GET", url, None, headers or {})

    # The officer's second page (the cursor "next" gives), as a whole page and as htmx asks it.
    from mpp.cases import selectors as case_selectors
    from mpp.paging.keyset import keyset_page

    second = keyset_page(case_selectors.inbox(officer), order=case_selectors.INBOX_ORDER)
    page_two = f"/kelola/permohonan/?cursor={second.next_cursor or ''}"

    paths = [
        HotPath("home", "home /", get("/"), "anonymous"),
        HotPath(
            "search", "search /cari/?q=akta+kelahiran", get("/cari/?q=akta+kelahiran"), "anonymous"
        ),
        HotPath("service_list", "service list /layanan/", get("/layanan/"), "anonymous"),
        HotPath(
            "service_page", "service page /layanan/<id>/", get(f"/layanan/{page.pk}/"), "anonymous"
        ),
        HotPath("citizen_list", "citizen list /permohonan/", get("/permohonan/"), "citizen"),
        HotPath(
            "citizen_track", "track /permohonan/<id>/", get(f"/permohonan/{own.pk}/"), "citizen"
        ),
        HotPath(
            "submit",
            "submit (POST check page)",
            lambda i: ("POST", f"/permohonan/{drafts[i]}/periksa/", {"version": "0"}, {}),
            "citizen",
            302,
        ),
        HotPath(
            "officer_inbox",
            "officer inbox /kelola/permohonan/",
            get("/kelola/permohonan/"),
            "officer",
        ),
        HotPath("officer_inbox_page2", "officer inbox, page 2", get(page_two), "officer"),
        HotPath(
            "officer_inbox_page2_htmx",
            "officer inbox, page 2 (htmx: the results alone)",
            get(page_two, {"HX-Request": "true"}),
            "officer",
        ),
        HotPath(
            "officer_detail",
            "officer detail /kelola/permohonan/<id>/",
            get(f"/kelola/permohonan/{staff_one.pk}/"),
            "officer",
        ),
        HotPath(
            "officer_action",
            "officer action (claim, POST)",
            # Claims the applications the submit path has just submitted (Dinkes Kota Batam).
            lambda i: (
                "POST",
                f"/kelola/permohonan/{drafts[i]}/tindakan/",
                {"action": "claim", "version": str(version_of(drafts[i]))},
                {},
            ),
            "dinkes",
            302,
        ),
        HotPath(
            "api_applications_officer",
            "API GET /api/v1/applications (officer)",
            get("/api/v1/applications", {"Authorization": f"Bearer {officer_token}"}),
            "api",
        ),
        HotPath(
            "api_applications_citizen",
            "API GET /api/v1/applications (citizen)",
            get("/api/v1/applications", {"Authorization": f"Bearer {citizen_token}"}),
            "api",
        ),
        # Dashboards (issue 16): the daily facts of the two years, as each role sees them.
        HotPath(
            "dashboard_national",
            "dashboard, national (analyst)",
            get("/kelola/dasbor/nasional/"),
            "analyst",
        ),
        HotPath(
            "dashboard_region",
            "dashboard, Kota Batam (regional admin)",
            get("/kelola/dasbor/wilayah/2171/"),
            "regional",
        ),
        HotPath(
            "dashboard_mpp",
            "dashboard, MPP Kota Batam (manager)",
            get(f"/kelola/dasbor/mpp/{grant.mpp_id}/"),
            "manager",
        ),
        # Issue 26: the targets are for a year (twelve whole months, or one whole year).
        HotPath(
            "dashboard_national_year",
            "dashboard, national, this year (analyst)",
            get("/kelola/dasbor/nasional/?periode=tahun"),
            "analyst",
        ),
        HotPath(
            "dashboard_mpp_year",
            "dashboard, MPP Kota Batam, this year (manager)",
            get(f"/kelola/dasbor/mpp/{grant.mpp_id}/?periode=tahun"),
            "manager",
        ),
        HotPath("open_data", "open data /data-terbuka/", get("/data-terbuka/"), "anonymous"),
        # Complaints (issue 13): the rows of bench/data/complaints.py.
        HotPath(
            "complaints_public", "public complaints /pengaduan/", get("/pengaduan/"), "anonymous"
        ),
        HotPath(
            "open311_requests",
            "Open311 GET /open311/v2/requests.json?jurisdiction_id=2171",
            get("/open311/v2/requests.json?jurisdiction_id=2171"),
            "anonymous",
        ),
        HotPath(
            "complaint_follow",
            "follow a complaint /pengaduan/lacak/<token>/",
            get(f"/pengaduan/lacak/{followed.follow_token}/"),
            "anonymous",
        ),
        HotPath(
            "complaint_desk_inbox",
            "complaint desk inbox /kelola/pengaduan/",
            get("/kelola/pengaduan/"),
            "desk",
        ),
        HotPath(
            "complaint_desk_detail",
            "complaint desk detail /kelola/pengaduan/<id>/",
            get(f"/kelola/pengaduan/{desk_one.pk}/"),
            "desk",
        ),
        HotPath(
            "complaint_form",
            "complaint form (web, signed in) /pengaduan/baru/",
            get("/pengaduan/baru/"),
            "citizen",
        ),
        HotPath(
            "complaint_submit",
            "file a complaint (web, signed in, POST /pengaduan/baru/)",
            lambda i: ("POST", "/pengaduan/baru/", complaint_form(i), {}),
            "citizen",
            302,
        ),
        HotPath(
            "open311_create",
            "Open311 POST /open311/v2/requests.json (partner app, api_key)",
            lambda i: (
                "POST",
                "/open311/v2/requests.json",
                open311_post(i),
                {"REMOTE_ADDR": f"10.17.{i // 250}.{i % 250 + 1}"},
            ),
            "anonymous",
            201,
        ),
        HotPath(
            "api_services",
            "API GET /api/v1/services?region=2171",
            get("/api/v1/services?region=2171"),
            "api",
        ),
    ]
    paths += document_paths(citizen, citizen_token)
    paths += _survey_paths()
    paths += queue_paths(runs, officer, waiting)
    staff = {
        name: User.objects.get(username=username)
        for name, username in (
            ("analyst", "analis.kemenpanrb"), ("regional", "admin.batam"), ("manager", "pengelola.batam"),
            ("desk", "pengaduan.batam"),
        )
    }  # fmt: skip
    return paths, {"officer": officer, "citizen": citizen, "dinkes": dinkes, **staff}


def document_paths(citizen, citizen_token: str) -> list[HotPath]:
    """Issued documents and the inbox (issue 26): the rows of bench/data/documents.py and
    bench/data/notifications.py. The demo citizen's latest issued application with its document,
    that document's public verification page, and the citizen's messages (web and API)."""
    from mpp.cases.models import Application

    issued = (
        Application.objects.filter(
            applicant=citizen, status="issued", issued_document__isnull=False
        )
        .select_related("issued_document")
        .order_by("-id")
        .first()
    )
    if issued is None:
        raise SystemExit("no issued document of the demo citizen: run make bench-data again")
    code = issued.issued_document.verification_code

    def get(url: str, headers: dict | None = None):
        return lambda i: ("GET", url, None, headers or {})

    return [
        HotPath(
            "citizen_track_issued",
            "track an issued application /permohonan/<id>/ (with its document)",
            get(f"/permohonan/{issued.pk}/"),
            "citizen",
        ),
        HotPath(
            "document_verify",
            "document verification /verifikasi/<code>/",
            get(f"/verifikasi/{code}/"),
            "anonymous",
        ),
        HotPath("inbox", "citizen's messages /akun/pesan/", get("/akun/pesan/"), "citizen"),
        HotPath(
            "api_messages",
            "API GET /api/v1/me/messages (citizen)",
            get("/api/v1/me/messages", {"Authorization": f"Bearer {citizen_token}"}),
            "api",
        ),
    ]


def _survey_paths() -> list[HotPath]:
    """The SKM survey (issue 14): the kiosk's form and its POST (a new response each request, as
    the tablet sends it), the IKM API over a year, the public IKM block, the back-office report."""
    import datetime

    from django.db import connection
    from django.utils import timezone

    from mpp.accounts.models import User
    from mpp.accounts.services import issue_token
    from mpp.catalog.models import Service
    from mpp.surveys.models import Invitation, KioskDevice
    from mpp.tenancy.models import MPP

    batam = MPP.objects.get(slug="mpp-kota-batam")
    kiosk = KioskDevice.objects.select_related("service").get(
        device__token_hash=_sha256(DEMO_KIOSK)
    )
    service = Service.objects.filter(slug="batam-akta-kelahiran").first() or kiosk.service
    with connection.cursor() as cursor:
        cursor.execute("SELECT value::text FROM bench_state WHERE key = 'anchor'")
        row = cursor.fetchone()
    today = datetime.date.fromisoformat(row[0].strip('"')) if row else timezone.localdate()
    end = today - datetime.timedelta(days=1)
    year = f"start={end - datetime.timedelta(days=364)}&end={end}"
    analyst = User.objects.get(username="analis.kemenpanrb")
    bearer = {"Authorization": f"Bearer {issue_token(analyst, second_factor=True)[1]}"}

    def answers(i: int) -> dict:
        # Each request a different respondent: 2–4 on each element, a profile, no suggestion.
        return {f"U{n}": str(2 + (i * 7 + n * 3) % 3) for n in range(1, 10)}

    def get(url: str, headers: dict | None = None):
        return lambda i: ("GET", url, None, headers or {})

    profile = {"age_band": "30_39", "sex": "p", "education": "sma", "occupation": "swasta"}

    @contextlib.contextmanager
    def next_visitor():
        # The tablet records one answer per interval (issue 22): each request is the next
        # visitor's, after the interval (this reset is not counted with the request).
        KioskDevice.objects.filter(pk=kiosk.pk).update(last_answer_at=None)
        yield

    paths = [
        HotPath("skm_kiosk_form", "SKM kiosk form /skm/kios/", get("/skm/kios/"), "kiosk"),
        HotPath(
            "skm_kiosk_submit",
            "SKM kiosk answer (POST /skm/kios/)",
            lambda i: (
                "POST",
                "/skm/kios/",
                {"service": str(kiosk.service_id), **answers(i), "suggestion": "", **profile},
                {},
            ),
            "kiosk",
            302,
            around=next_visitor,
        ),
        HotPath(
            "api_skm_kiosk_submit",
            "API POST /api/v1/skm/responses (kiosk token)",
            lambda i: (
                "POST",
                "/api/v1/skm/responses",
                {"service": service.pk, "answers": {k: int(v) for k, v in answers(i).items()}},
                {"Authorization": f"Bearer {DEMO_KIOSK}", "Content-Type": "application/json"},
            ),
            "api",
            201,
            around=next_visitor,
        ),
        HotPath(
            "api_skm_ikm_region",
            "API GET /api/v1/skm/ikm?unit=region:2171 (a year)",
            get(f"/api/v1/skm/ikm?unit=region:2171&{year}", bearer),
            "api",
        ),
        HotPath(
            "api_skm_ikm_service",
            "API GET /api/v1/skm/ikm?unit=service:<id> (a year)",
            get(f"/api/v1/skm/ikm?unit=service:{service.pk}&{year}", bearer),
            "api",
        ),
        HotPath(
            "mpp_page",
            "MPP page /mpp/mpp-kota-batam/ (public IKM)",
            get(f"/mpp/{batam.slug}/"),
            "anonymous",
        ),
        HotPath(
            "skm_report",
            "SKM report /kelola/skm/laporan/ (MPP Batam, a year; manager)",
            get(f"/kelola/skm/laporan/?unit=mpp:{batam.pk}&{year}"),
            "manager",
        ),
        HotPath(
            "skm_officers",
            "SKM per officer /kelola/skm/petugas/ (MPP Batam, a year; manager)",
            get(f"/kelola/skm/petugas/?unit=mpp:{batam.pk}&{year}"),
            "manager",
        ),
    ]
    # The one-time link of an open invitation (generated ones have the token bench-skm-<id>).
    now = timezone.now()
    for invitation in Invitation.objects.filter(
        used_at__isnull=True, expires_at__gt=now + datetime.timedelta(hours=1), mpp=batam
    ).order_by("-id")[:50]:
        raw = f"bench-skm-{invitation.pk}"
        if invitation.token_hash == _sha256(raw):
            paths.append(
                HotPath(
                    "skm_link_form",
                    "SKM survey by link /skm/isi/<token>/ (open invitation)",
                    get(f"/skm/isi/{raw}/"),
                    "anonymous",
                )
            )
            break
    else:
        print(
            "  (no open generated invitation at MPP Kota Batam: skm_link_form left out)",
            file=sys.stderr,
        )
    return paths


DEMO_KIOSK = "skmk_demo-batam-kios-2026"


def _sha256(raw: str) -> str:
    import hashlib

    return hashlib.sha256(raw.encode()).hexdigest()


def queue_counter():
    """The demo counter 2 of MPP Kota Batam (Disdukcapil: KTP-el, KK, akta)."""
    from mpp.queueing.models import Counter

    return Counter.objects.select_related("mpp__region").get(mpp__slug="mpp-kota-batam", number=2)


def queue_paths(runs: int, officer, waiting: int = 0) -> list[HotPath]:
    """The queue at MPP Kota Batam (issue 14): call-next at the demo counter 2 (Disdukcapil: KTP-el,
    KK, akta), a walk-in number at the demo kiosk and its start page, the hall display's poll, the
    counter console, the booking page and a ticket's status page. With ``waiting``, that many wait
    for the counter while the paths run (``queue_data.deepen_line``; main() deletes them after)."""
    from unittest import mock

    from bench.data import queueing as queue_data
    from django.utils import timezone

    from mpp.queueing import selectors, services
    from mpp.queueing.models import ServiceQueue

    counter = queue_counter()
    mpp = counter.mpp
    # A fresh waiting ticket for every call (the generated line is of the anchor's day).
    queue_data.top_up_line(counter, runs + 60)
    if waiting:
        in_line = queue_data.deepen_line(counter, waiting)
        print(f"  {in_line:,} waiting for counter 2 at MPP Kota Batam", file=sys.stderr)
    kiosk_queue = ServiceQueue.objects.select_related("mpp__region").get(
        service__slug="batam-ktp-el-hilang"
    )
    # When the MPP is closed now, the kiosk's requests run at the next slot's time.
    moment = queue_data.open_moment(kiosk_queue, timezone.now())
    queue_data.make_room(kiosk_queue, runs + 2, moment or timezone.now())

    def clock():
        if moment is None:
            return contextlib.nullcontext()
        return mock.patch("django.utils.timezone.now", return_value=moment)

    def call_next(i: int):
        day = services.local_now(mpp).date()
        current = services.current_ticket(counter, day)
        if i > 0 and current is None:
            raise SystemExit("call-next: the previous request called nobody")
        if current is not None:  # the officer finishes the one at the counter (not timed)
            if current.status == "called":
                services.start(current, counter, officer=officer)
            services.finish(current, counter, officer=officer)
        return (
            "POST",
            f"/kelola/antrean/loket/{counter.pk}/tindakan/",
            {"action": "call_next"},
            {},
        )

    display = f"/antrean/layar/{mpp.slug}/panggilan/"

    def unchanged(i: int):
        return (
            "GET",
            display,
            None,
            {"If-None-Match": f'"{mpp.pk}-{selectors.last_call_id(mpp)}"'},
        )

    day = services.local_now(mpp).date()
    last = services.waiting_line(counter, day).reverse().first()
    booking_queue = ServiceQueue.objects.get(service__slug="batam-ktp-el-baru")
    return [
        HotPath("queue_call_next", "queue: call next (counter POST)", call_next, "officer", 302),
        HotPath(
            "queue_kiosk_take",
            "queue: kiosk walk-in number (POST)",
            lambda i: ("POST", "/antrean/anjungan/ambil/", {"queue": str(kiosk_queue.pk)}, {}),
            "queue_kiosk",
            302,
            around=clock,
        ),
        HotPath(
            "queue_kiosk_page",
            "queue: kiosk start page",
            lambda i: ("GET", "/antrean/anjungan/", None, {}),
            "queue_kiosk",
        ),
        HotPath(
            "queue_display",
            "queue: hall display poll (new call)",
            lambda i: ("GET", display, None, {}),
            "anonymous",
        ),
        HotPath("queue_display_304", "queue: hall display poll (304)", unchanged, "anonymous", 304),
        HotPath(
            "queue_console",
            "queue: counter console",
            lambda i: ("GET", f"/kelola/antrean/loket/{counter.pk}/", None, {}),
            "officer",
        ),
        HotPath(
            "queue_console_htmx",
            "queue: counter console (htmx: the part below the title)",
            lambda i: ("GET", f"/kelola/antrean/loket/{counter.pk}/", None, {"HX-Request": "true"}),
            "officer",
        ),
        HotPath(
            "queue_book_page",
            "queue: booking page (slots)",
            lambda i: ("GET", f"/antrean/pesan/{booking_queue.pk}/", None, {}),
            "citizen",
        ),
        HotPath(
            "queue_ticket_status",
            "queue: ticket status page",
            lambda i: ("GET", f"/antrean/tiket/{last.token}/", None, {}),
            "anonymous",
        ),
    ]


def clients(users: dict) -> dict:
    from django.test import Client

    from mpp.accounts.tests.helpers import login_staff

    anonymous, citizen, officer, dinkes, api = Client(), Client(), Client(), Client(), Client()
    citizen.force_login(users["citizen"], backend="mpp.accounts.backends.NikOrUsernameBackend")
    login_staff(officer, users["officer"])
    login_staff(dinkes, users["dinkes"])
    by_kind = {
        "anonymous": anonymous, "citizen": citizen, "officer": officer, "dinkes": dinkes, "api": api,
    }  # fmt: skip
    for kind in ("analyst", "regional", "manager", "desk"):
        by_kind[kind] = Client()
        login_staff(by_kind[kind], users[kind])
    # The SKM tablet at MPP Kota Batam: its device token typed once (the signed device cookie).
    by_kind["kiosk"] = Client()
    by_kind["kiosk"].post("/skm/kios/masuk/", {"token": DEMO_KIOSK})

    from mpp.queueing.demo import DEMO_KIOSK_TOKEN

    # The kiosk device: registered once with its token (kept in a signed cookie), as in the hall.
    by_kind["queue_kiosk"] = Client()
    by_kind["queue_kiosk"].post("/antrean/anjungan/", {"token": DEMO_KIOSK_TOKEN})
    return by_kind


def complaint_requests(mpp_id: int):
    """What the complaint paths need at MPP Kota Batam: a complaint with a thread to follow, one
    in the desk's hands to open, and the bodies of a web complaint and an Open311 request (each
    request files a new complaint)."""
    from django.db.models import Count

    from mpp.complaints.demo import DEMO_API_KEY
    from mpp.complaints.models import Category, Complaint
    from mpp.tenancy.models import Agency

    batam = Complaint.objects.filter(mpp_id=mpp_id)
    followed = batam.annotate(thread=Count("messages")).order_by("-thread", "-submitted_at").first()
    # The oldest complaint still in the desk's hands: a generated one (the write paths below add
    # newer ones on every run), so the count does not move between runs.
    desk_one = (
        batam.filter(status__in=("submitted", "postponed", "forwarded"))
        .order_by("submitted_at", "id")
        .first()
    )
    agency = Agency.objects.get(slug="disdukcapil-batam")
    category = Category.objects.get(code="layanan-lambat", region=None)

    def complaint_form(i: int) -> dict:
        return {
            "kind": "pengaduan", "about": "agency", "mpp": str(mpp_id), "agency": str(agency.pk),
            "category": str(category.pk), "title": f"Antrean perekaman KTP-el lama ({i})",
            "text": "Saya menunggu lebih dari dua jam di loket Dukcapil; nomor antrean tidak "
                    "bergerak dan tidak ada pengumuman.",
        }  # fmt: skip

    def open311_post(i: int) -> dict:
        return {
            "api_key": DEMO_API_KEY, "jurisdiction_id": "2171", "service_code": "sarana-rusak",
            "description": "Pendingin ruangan di ruang tunggu lantai 2 mati sejak pagi.",
            "address_string": "Lantai 2, MPP Kota Batam", "attribute[lantai]": "Lantai 2",
            "first_name": "Rina", "last_name": "Wijaya", "email": f"warga.bench.{i}@contoh.id",
        }  # fmt: skip

    return followed, desk_one, complaint_form, open311_post


def call(client, request: tuple):
    method, url, data, headers = request
    # REMOTE_ADDR is the connection's address, not a header: the Open311 partner requests come
    # from one address each (the anonymous-POST limit is 30 per address in 10 minutes).
    extra = {"REMOTE_ADDR": headers["REMOTE_ADDR"]} if "REMOTE_ADDR" in headers else {}
    headers = {k: v for k, v in headers.items() if k != "REMOTE_ADDR"}
    if method == "GET":
        return client.get(url, headers=headers, **extra)
    headers = dict(headers)
    content_type = headers.pop("Content-Type", None)
    if content_type:  # a JSON body (the API)
        return client.post(
            url, json.dumps(data), content_type=content_type, headers=headers, **extra
        )
    return client.post(url, data, headers=headers, **extra)


def explain(name: str, statements: list[tuple[str, object]], threshold_ms: float) -> None:
    """BENCH_EXPLAIN=MS: each read of the counted request that the database takes at least MS
    milliseconds to plan or to run, with its plan (``EXPLAIN (ANALYZE, BUFFERS)``, PostgreSQL)."""
    from django.db import connection

    for sql, params in statements:
        if not sql.lstrip().upper().startswith(("SELECT", "WITH")):
            continue
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS, FORMAT TEXT) " + sql, params)
            plan = [row[0] for row in cursor.fetchall()]
        planning, executing = (
            next((float(line.split(":")[1].split()[0]) for line in plan if label in line), 0.0)
            for label in ("Planning Time", "Execution Time")
        )
        if max(planning, executing) >= threshold_ms:
            print(
                f"\n  {name}: planned in {planning:.2f} ms, run in {executing:.2f} ms: {sql[:300]}",
                file=sys.stderr,
            )
            print("\n".join(f"    {line}" for line in plan), file=sys.stderr)


def measure(paths: list[HotPath], by_kind: dict, requests: int) -> list[dict]:
    from django.db import connection

    results = []
    for index, path in enumerate(paths):
        client = by_kind[path.client]
        with path.around():
            response = call(client, path.request(0))  # warm up: templates, connection
        if response.status_code != path.expect:
            raise SystemExit(f"{path.label}: {response.status_code}, expected {path.expect}")
        statements: list[str] = []
        with_params: list[tuple[str, object]] = []

        def count(run, sql, params, *rest, statements=statements, with_params=with_params):
            statements.append(sql)
            with_params.append((sql, params))
            return run(sql, params, *rest)

        request = path.request(1)
        with path.around(), connection.execute_wrapper(count):
            response = call(client, request)
        if response.status_code != path.expect:
            raise SystemExit(f"{path.label}: {response.status_code}, expected {path.expect}")
        timings, sql_timings = [], []
        # BENCH_PROFILE=DIR: the timed requests of each path under cProfile, DIR/<path>.prof
        # (read with `python -m pstats`); the timings then include the profiler's overhead.
        profiler = cProfile.Profile() if os.environ.get("BENCH_PROFILE") else None
        for i in range(requests):
            request = path.request(i + 2)
            spent = [0.0]

            def timed(run, sql, *rest, spent=spent):
                begun = time.perf_counter()
                try:
                    return run(sql, *rest)
                finally:
                    spent[0] += time.perf_counter() - begun

            with path.around(), connection.execute_wrapper(timed):
                started = time.perf_counter()
                if profiler is not None:
                    profiler.enable()
                call(client, request)
                if profiler is not None:
                    profiler.disable()
            timings.append((time.perf_counter() - started) * 1000)
            sql_timings.append(spent[0] * 1000)
        if profiler is not None:
            folder = Path(os.environ["BENCH_PROFILE"])
            folder.mkdir(parents=True, exist_ok=True)
            profiler.dump_stats(folder / f"{path.name}.prof")
        if os.environ.get("BENCH_EXPLAIN"):
            explain(path.name, with_params, float(os.environ["BENCH_EXPLAIN"]))
        if os.environ.get("BENCH_SHOW_SQL"):  # BENCH_SHOW_SQL=1 (160 characters a query) or =N
            width = (
                int(os.environ["BENCH_SHOW_SQL"]) if os.environ["BENCH_SHOW_SQL"].isdigit() else 0
            )
            width = width if width > 1 else 160
            print("\n".join(f"  {path.name}: {sql[:width]}" for sql in statements), file=sys.stderr)
        results.append(
            {
                "path": path,
                "queries": len(statements),
                "timings": timings,
                "sql_timings": sql_timings,
                "bytes": len(response.content),
            }
        )
        print(f"  {index + 1}/{len(paths)} {path.label}", file=sys.stderr, flush=True)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=200, help="timed requests per path")
    parser.add_argument("--check", action="store_true", help="fail on a query count over budget")
    parser.add_argument("--only", nargs="*", help="names of the paths to run")
    parser.add_argument(
        "--json", type=Path, help="also write the results here (for bench/extrapolate.py)"
    )
    parser.add_argument(
        "--waiting",
        type=int,
        default=0,
        help="tickets waiting for the queue paths' counter (added behind its line, deleted after)",
    )
    args = parser.parse_args()
    budgets = tomllib.loads(BUDGETS.read_text())
    setup_django()
    from django.db import connection

    try:
        paths, users = prepare(args.requests, args.waiting)
        if args.only:
            paths = [p for p in paths if p.name in args.only]
        results = measure(paths, clients(users), args.requests)
    finally:
        if args.waiting:
            from bench.data import queueing as queue_data

            left = queue_data.undo_deepen_line(queue_counter())
            if left:
                print(f"  {left} tickets of --waiting were called and stay", file=sys.stderr)
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM cases_application")
        applications = cursor.fetchone()[0]
    load = os.getloadavg()
    print(
        f"\n{connection.settings_dict['NAME']}: {applications:,} applications; "
        f"{args.requests} requests per path; load average {load[0]:.1f} {load[1]:.1f} {load[2]:.1f}\n"
    )
    print(
        "| path | queries (budget) | p50 | p95 | p99 | p95 budget (record) | bytes "
        "| of it SQL (p50) |"
    )
    print("| --- | --- | --- | --- | --- | --- | --- | --- |")
    failures = []
    for result in results:
        path, queries, timings = result["path"], result["queries"], result["timings"]
        budget = budgets.get(path.name, {})
        limit = budget.get("queries")
        if limit is None:
            failures.append(f"{path.name}: no query budget in bench/budgets.toml")
        elif queries > limit:
            failures.append(f"{path.name}: {queries} queries, budget {limit}")
        times = (
            f"{percentile(timings, 0.5):.1f} ms | {percentile(timings, 0.95):.1f} ms | "
            f"{percentile(timings, 0.99):.1f} ms"
            if timings
            else "— | — | —"
        )
        print(
            f"| {path.label} | {queries} ({limit}) | {times} | {budget.get('p95_ms', '—')} ms "
            f"| {result['bytes']:,} "
            f"| {percentile(result['sql_timings'], 0.5) if timings else 0:.1f} ms |"
        )
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(
            json.dumps(
                {
                    "database": connection.settings_dict["NAME"],
                    "applications": applications,
                    "requests": args.requests,
                    "waiting": args.waiting,
                    "load": [round(x, 1) for x in load],
                    "paths": [
                        {
                            "name": r["path"].name,
                            "label": r["path"].label,
                            "queries": r["queries"],
                            "p50": percentile(r["timings"], 0.5) if r["timings"] else None,
                            "p95": percentile(r["timings"], 0.95) if r["timings"] else None,
                            "p99": percentile(r["timings"], 0.99) if r["timings"] else None,
                            # The database's part (statements as the client waits for them).
                            "sql_p50": percentile(r["sql_timings"], 0.5)
                            if r["sql_timings"]
                            else None,
                            "bytes": r["bytes"],
                        }
                        for r in results
                    ],
                },
                indent=1,
            )
        )
    if failures:
        print("\nQuery budgets exceeded:\n  " + "\n  ".join(failures), file=sys.stderr)
        if args.check:
            raise SystemExit(1)
    elif args.check:
        print("\nAll query counts within bench/budgets.toml.")


if __name__ == "__main__":
    main()
