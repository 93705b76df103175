"""Mixed load test in the production set-up, driven by Locust headless (``make bench-load``).

    make bench-data SCALE=small
    .venv/bin/python bench/mixed_load.py --duration 300 --users 48            # the 5-minute run
    .venv/bin/python bench/mixed_load.py --steps 8,16,32,64 --step-seconds 30  # latency vs load

Starts what production runs on the generated database (``DATABASE_URL``, default
``mpp_bench_small``): granian (``--workers``, default 4 as in ``deploy/systemd/mpp-web.service``,
4 blocking threads), ``manage.py db_worker`` for the tasks, PostgreSQL with persistent
connections (``DATABASE_CONN_MAX_AGE=600``), ``MPP_ENV=production`` with the cache in Redis as
``deploy/systemd/mpp.env.example`` sets it (``CACHE_URL``: a ``redis-server`` started on a spare
loopback port; ``--cache memory`` keeps each worker's own memory instead). Signs in demo citizens
and officers of MPP Kota Batam (TOTP from the demo secret) and SKM kiosk tablets (the demo kiosk's
token and the generated ``skmk_bench-<mpp id>`` of the busiest MPPs), then runs Locust
(``bench/locustfile.py``, the mix is written there) for: the one-query ceiling (``/healthz``,
``HealthUser``), each ``--steps`` user count for ``--step-seconds`` (the latency-against-load
curve), the main mixed run of ``--duration`` seconds with ``--users`` people, and the ceiling
again. Prints a Markdown report, writes ``var/bench/load.json`` and the SVG plot (``--plot``).
"""

from __future__ import annotations

import argparse
import base64
import csv
import hashlib
import json
import os
import resource
import secrets
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT))

from bench.data.base import BENCH_PEPPER  # noqa: E402
from pages import log_in, start_redis, stop  # noqa: E402

PYTHON = sys.executable
BIN = Path(PYTHON).parent
CITIZENS = [("2171011508900003", "Warga-Demo-2026"), ("2171055204950001", "Warga-Demo-2026")]
STAFF_PASSWORD = "Petugas-Demo-2026"  # noqa: S105 - the demo password in README.md
# mpp.integrations.crypto's key when MPP_INTEGRATION_KEYS is empty, from the development SECRET_KEY
# that make bench-data runs with.
INTEGRATION_KEY = base64.urlsafe_b64encode(
    hashlib.sha256(b"mpp-integrations:insecure-development-key-do-not-use-in-production").digest()
).decode()


def server_env(database: str, collect: bool = True) -> dict:
    # Kept between runs: collectstatic compresses every file the first time (minutes here).
    static_root = ROOT / "var" / "bench" / "static"
    static_root.mkdir(parents=True, exist_ok=True)
    env = {
        **os.environ,
        "MPP_ENV": "production",
        "SECRET_KEY": secrets.token_urlsafe(64),
        "MPP_NIK_PEPPER": BENCH_PEPPER,
        # Production requires the connector keys; the generated data (the demo connectors of Kota
        # Batam) was sealed under the one derived from the development SECRET_KEY.
        "MPP_INTEGRATION_KEYS": INTEGRATION_KEY,
        "ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": database,
        "DATABASE_CONN_MAX_AGE": "600",
        "STATIC_ROOT": str(static_root),
        "MEDIA_ROOT": tempfile.mkdtemp(prefix="mpp-bench-media-"),
        "SECURE_SSL_REDIRECT": "false",
        "SECURE_COOKIES": "false",
        "SECURE_HSTS_SECONDS": "0",
        # As behind the reverse proxy in production: the client address comes in X-Forwarded-For.
        "TRUSTED_PROXIES": "127.0.0.1",
        "LOG_LEVEL": "WARNING",
        "PYTHONPATH": str(ROOT / "src"),
    }
    if collect or not (static_root / "staticfiles.json").exists():
        subprocess.run(  # noqa: S603
            [PYTHON, str(ROOT / "manage.py"), "collectstatic", "--noinput"],
            env=env, check=True, stdout=subprocess.DEVNULL,
        )  # fmt: skip
    return env


def start(env: dict, port: int, workers: int, threads: int = 4) -> list[subprocess.Popen]:
    web = subprocess.Popen(  # noqa: S603
        [str(BIN / "granian"), "--interface", "wsgi", "--host", "127.0.0.1", "--port", str(port),
         "--workers", str(workers), "--blocking-threads", str(threads), "--no-ws", "--log-level", "warning",
         "mpp.wsgi:application"],
        env=env, cwd=ROOT, start_new_session=True,
    )  # fmt: skip
    worker = subprocess.Popen(  # noqa: S603
        [PYTHON, str(ROOT / "manage.py"), "db_worker"],
        env=env, cwd=ROOT, start_new_session=True, stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip
    for _ in range(120):
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2):
                return [web, worker]
        except OSError:
            time.sleep(0.5)
    for process in (web, worker):
        stop(process)
    raise SystemExit("granian did not answer /healthz within 60 s")


def fixture(base: str, env: dict, officers: int) -> dict:
    """Sign in; collect the ids the users need; the JSON given to the locustfile."""
    os.environ.update({k: env[k] for k in ("DATABASE_URL", "MPP_NIK_PEPPER")})
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mpp.settings")
    import django

    django.setup()
    from django.conf import settings

    from mpp.accounts.models import User
    from mpp.cases.models import Application
    from mpp.catalog.models import Service
    from mpp.documents.uploads import blank_pdf

    dukcapil = User.objects.get(username="petugas.dukcapil")
    grant = dukcapil.active_grants[0]
    unit = Application.objects.filter(agency_id=grant.agency_id, mpp_id=grant.mpp_id)
    names = ["petugas.dukcapil"] + [
        f"petugas.{grant.agency_id}.{grant.mpp_id}.{n}" for n in range(1, officers)
    ]
    citizens = []
    for nik, password in CITIZENS:
        cookie = log_in(base, nik, password, staff=False)
        request = urllib.request.Request(  # noqa: S310
            f"{base}/api/v1/auth/token",
            data=json.dumps({"username": nik, "password": password}).encode(),
            headers={"Content-Type": "application/json"},
        )
        token = json.load(urllib.request.urlopen(request))["token"]  # noqa: S310
        user = User.objects.get(nik=nik)
        own = list(
            Application.objects.filter(applicant=user).exclude(status="draft")
            .values_list("pk", flat=True)[:50]
        )  # fmt: skip
        citizens.append({"cookie": cookie, "token": token, "applications": own})
    staff = []
    for name in names:
        staff.append({"cookie": log_in(base, name, STAFF_PASSWORD, staff=True)})
    sip = Service.objects.get(slug="batam-sip-dokter")
    complaints = complaint_fixture(base, grant.mpp_id)
    services = list(Service.objects.published().order_by("?").values_list("pk", flat=True)[:2000])
    return {
        "citizens": citizens,
        "officers": staff,
        "services": services,
        "regions": list(
            Service.objects.published().values_list("mpp__region_id", flat=True).distinct()
        ),
        "unit_applications": list(
            unit.exclude(status="draft").order_by("-created_at").values_list("pk", flat=True)[:500]
        ),
        "claimable": list(
            unit.filter(status="submitted").order_by("created_at").values_list("pk", flat=True)
        ),
        "apply": {
            "service": sip.pk,
            "data": {
                "nama_pemohon": "Budi Santoso",
                "nik_pemohon": "2171011508900003",
                "telepon": "081234567890",
                "nomor_str": "3121100220145678",
                "nama_fasyankes": "Klinik Sehat Batam",
                "alamat_praktik": "Jl. Engku Putri No. 2",
                "urutan_sip": "1",
            },
            "files": ["str", "surat_tempat_praktik", "pasfoto"],
        },
        "pdf_hex": blank_pdf().hex(),
        "kiosks": [kiosk_log_in(base, token) for token in kiosk_tokens()],
        "kiosk_interval": settings.SKM_KIOSK_MIN_INTERVAL_SECONDS,
        **complaints,
        "queue": queue_fixture(base),
    }


def queue_fixture(base: str) -> dict:
    """The kiosk registered with its demo token (its cookie), the Disdukcapil counters of Kota
    Batam with citizens waiting today, and room in the kiosk's walk-in quotas for the run."""
    import http.cookiejar

    from bench.data import queueing as queue_data
    from django.utils import timezone
    from pages import NoRedirect, _form_post

    from mpp.queueing.demo import DEMO_KIOSK_TOKEN
    from mpp.queueing.models import Counter, ServiceQueue

    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), NoRedirect)
    _form_post(opener, base, "/antrean/anjungan/", {"token": DEMO_KIOSK_TOKEN})
    counters = list(
        Counter.objects.select_related("mpp__region")
        .filter(mpp__slug="mpp-kota-batam", agency__slug="disdukcapil-batam", is_active=True)
        .order_by("number")
    )
    for counter in counters:
        queue_data.top_up_line(counter, 1000)
    queues = list(
        ServiceQueue.objects.select_related("mpp__region").filter(
            mpp__slug="mpp-kota-batam", agency__slug="disdukcapil-batam", is_active=True
        )
    )
    for queue in queues:
        queue_data.make_room(queue, 2000, timezone.now())
    return {
        "kiosk_cookie": "; ".join(f"{cookie.name}={cookie.value}" for cookie in jar),
        "counters": [counter.pk for counter in counters],
        "kiosk_queues": [queue.pk for queue in queues],
        "display": "mpp-kota-batam",
    }


def kiosk_log_in(base: str, token: str) -> str:
    """The Cookie header of an SKM tablet signed in with its device token (``/skm/kios/masuk/``)."""
    import http.cookiejar
    import re
    import urllib.parse

    from pages import NoRedirect

    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), NoRedirect)
    with opener.open(f"{base}/skm/kios/") as page:
        csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.read().decode())
    body = urllib.parse.urlencode({"csrfmiddlewaretoken": csrf.group(1), "token": token})
    try:
        opener.open(urllib.request.Request(f"{base}/skm/kios/masuk/", data=body.encode()))  # noqa: S310
    except urllib.error.HTTPError as error:
        if error.code != 302:
            raise
    cookies = "; ".join(f"{cookie.name}={cookie.value}" for cookie in jar)
    if "mpp_device=" not in cookies:
        raise SystemExit(f"the SKM kiosk token {token[:12]}… was refused")
    return cookies


KIOSKS_PER_RUN = 6  # more than the mix's tablets at 64 people (about three)


def kiosk_tokens(limit: int = 2 * KIOSKS_PER_RUN) -> list[str]:
    """The demo kiosk of MPP Kota Batam and the generated kiosks of other MPPs: one per simulated
    tablet (the mix has about three at 64 people), since a kiosk takes one answer per
    ``SKM_KIOSK_MIN_INTERVAL_SECONDS`` and refuses the next sooner (429)."""
    from mpp.accounts.tokens import hash_token
    from mpp.devices.models import Device, DeviceKind
    from mpp.surveys.demo import DEMO_KIOSK_TOKEN

    kiosks = Device.objects.filter(kind=DeviceKind.SKM_KIOSK, revoked_at=None)
    tokens = [DEMO_KIOSK_TOKEN]
    for pk in kiosks.order_by("mpp_id").values_list("mpp_id", flat=True)[: limit * 2]:
        raw = f"skmk_bench-{pk}"
        if len(tokens) < limit and kiosks.filter(token_hash=hash_token(raw)).exists():
            tokens.append(raw)
    return tokens


def complaint_fixture(base: str, mpp_id: int) -> dict:
    """The complaint desk's session, complaints to open and follow, and the bodies of a new
    complaint (mobile app) and of an Open311 request (the demo partner key of Kota Batam)."""
    from mpp.complaints.demo import DEMO_API_KEY, DESK_USERNAME
    from mpp.complaints.models import Complaint
    from mpp.tenancy.models import Agency

    batam = Complaint.objects.filter(mpp_id=mpp_id)
    dukcapil = Agency.objects.get(slug="disdukcapil-batam")
    text = "Antrean perekaman KTP-el di loket Dukcapil lebih dari dua jam tanpa pengumuman."
    return {
        "desks": [{"cookie": log_in(base, DESK_USERNAME, STAFF_PASSWORD, staff=True)}],
        "desk_complaints": list(
            batam.order_by("-submitted_at").values_list("pk", flat=True)[:200]
        ),
        "follow_tokens": list(
            Complaint.objects.order_by("-submitted_at").values_list("follow_token", flat=True)[
                :1000
            ]
        ),
        "complaint": {
            "api": {
                "kind": "pengaduan", "about": "agency", "mpp": mpp_id, "agency": dukcapil.pk,
                "category": "layanan-lambat", "title": "Antrean KTP-el terlalu lama", "text": text,
            },
            "open311": {
                "api_key": DEMO_API_KEY, "jurisdiction_id": "2171",
                "service_code": "layanan-lambat", "description": text,
            },
        },
    }  # fmt: skip


def _tree(pid: int) -> list[int]:
    """``pid`` and every process below it (granian's workers), from /proc."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        parent = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(parent, []).append(int(entry.name))
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        todo.extend(children.get(current, []))
    return found


def server_cpu(pid: int) -> float:
    """CPU seconds (user + system) used so far by the web server ``pid`` and its workers."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for member in _tree(pid):
        try:
            fields = Path(f"/proc/{member}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / ticks


def postgres_cpu() -> float:
    """CPU seconds used so far by the PostgreSQL server's processes (the backends of every
    connection, the checkpointer, autovacuum…); a backend that ended between two readings takes
    its seconds with it, so a difference is a lower bound (the web workers keep theirs open)."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            head, tail = (entry / "stat").read_text().rsplit(")", 1)
        except OSError:
            continue
        if head.endswith("(postgres"):
            fields = tail.split()
            total += int(fields[11]) + int(fields[12])
    return total / ticks


def machine_cpu() -> float:
    """CPU seconds the whole machine has been busy (every core; ``/proc/stat``, idle and I/O wait
    left out)."""
    fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:9]]
    user, nice, system, _idle, _iowait, irq, softirq, steal = fields
    return (user + nice + system + irq + softirq + steal) / os.sysconf("SC_CLK_TCK")


_KIOSK_RUNS = [0]


def _next_kiosks() -> int:
    """Where the next Locust run's tablets start among the kiosks of the fixture."""
    _KIOSK_RUNS[0] += 1
    return (_KIOSK_RUNS[0] - 1) * KIOSKS_PER_RUN


def locust(
    base: str, classes: list[str], users: int, seconds: int, path: Path, server: int | None = None
) -> dict:
    """One headless Locust run; the aggregated figures, Locust's own CPU use and, with the web
    server's pid, the server's CPU per request (granian and its workers: Python, no PostgreSQL)."""
    prefix = tempfile.mktemp(prefix="mpp-locust-")  # noqa: S306 - Locust writes the files
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    server_before = server_cpu(server) if server else 0.0
    db_before, machine_before = postgres_cpu(), machine_cpu()
    started = time.monotonic()
    subprocess.run(  # noqa: S603
        [str(BIN / "locust"), "-f", str(ROOT / "bench" / "locustfile.py"), "--headless",
         "--host", base, "-u", str(users), "-r", str(max(1, users)), "-t", f"{seconds}s",
         "--csv", prefix, "--only-summary", "--loglevel", "ERROR", *classes],
        env={**os.environ, "BENCH_LOAD_FIXTURE": str(path), "BENCH_KIOSK_OFFSET": str(_next_kiosks())},
        check=False,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    wall = time.monotonic() - started
    db_seconds, machine_seconds = postgres_cpu() - db_before, machine_cpu() - machine_before
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    rows = list(csv.DictReader(open(f"{prefix}_stats.csv")))  # noqa: SIM115
    failures = [
        {"name": f["Name"], "error": f["Error"][:200], "count": int(f["Occurrences"])}
        for f in csv.DictReader(open(f"{prefix}_failures.csv"))  # noqa: SIM115
    ]
    for suffix in ("_stats.csv", "_stats_history.csv", "_failures.csv", "_exceptions.csv"):
        Path(prefix + suffix).unlink(missing_ok=True)
    by_name = {}
    for row in rows:
        by_name[row["Name"]] = {
            "requests": int(row["Request Count"]),
            "failures": int(row["Failure Count"]),
            "rps": float(row["Requests/s"]),
            "p50": float(row["50%"]),
            "p95": float(row["95%"]),
            "p99": float(row["99%"]),
        }
    total = by_name.pop("Aggregated")
    server_ms = (
        (server_cpu(server) - server_before) * 1000 / max(1, total["requests"]) if server else None
    )
    requests = max(1, total["requests"])
    return {
        "users": users, "seconds": seconds, "total": total, "by_name": by_name, "failures": failures,
        "locust_cpu_share": cpu / wall, "loadavg": os.getloadavg(), "server_cpu_ms": server_ms,
        "db_cpu_ms": db_seconds * 1000 / requests, "machine_cpu_ms": machine_seconds * 1000 / requests,
        "machine_busy": machine_seconds / wall,
    }  # fmt: skip


def profile(server: int, seconds: int, out: Path) -> list[tuple[subprocess.Popen, Path]]:
    """py-spy sampling the web server's workers for ``seconds``, 50 samples a second without
    stopping them (idle threads left out). A ``.txt`` path gets the collapsed stacks (one line per
    stack and its count, for ``bench/mix_profile.py``) of every worker, joined by
    :func:`join_profiles`: each simulated person keeps one connection, so one worker serves the
    people it happened to get and its shares of the views are theirs, not the mix's. Any other
    path gets the flame graph (SVG) of the first worker."""
    workers = [pid for pid in _tree(server) if pid != server] or [server]
    if out.suffix != ".txt":
        workers = workers[:1]
    started = []
    for number, pid in enumerate(workers):
        part = out.with_suffix(f".{number}.txt") if out.suffix == ".txt" else out
        process = subprocess.Popen(  # noqa: S603
            [str(BIN / "py-spy"), "record", "--pid", str(pid), "--nonblocking", "--rate", "50",
             "--duration", str(seconds), "--format", "raw" if out.suffix == ".txt" else "flamegraph",
             "--output", str(part)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        started.append((process, part))
    return started


def join_profiles(profilers: list[tuple[subprocess.Popen, Path]], out: Path) -> None:
    """Wait for every py-spy (or stop one that is behind on a busy machine: it writes what it
    has), then join the workers' stacks into ``out``."""
    for process, _part in profilers:
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            process.send_signal(signal.SIGINT)
            process.wait(timeout=60)
    if out.suffix == ".txt":
        parts = [part for _process, part in profilers if part.exists()]
        out.write_text("".join(part.read_text() for part in parts))
        for part in parts:
            part.unlink()


MIX = [
    "Visitor",
    "Citizen",
    "Officer",
    "ApiClient",
    "SurveyKiosk",
    "ComplaintCitizen",
    "ComplaintDesk",
    "QueueKiosk",
    "CounterOfficer",
]


def svg_plot(points: list[dict], ceiling: float, path: Path) -> None:
    """Latency (p50, p95, p99) against throughput, one point per user count; dependency-free SVG."""
    width, height, left, bottom, top, right = 640, 400, 64, 48, 24, 24
    xs = [p["total"]["rps"] for p in points] + [ceiling]
    ys = [p["total"]["p99"] for p in points]
    x_max = max(xs) * 1.1 or 1
    y_max = max([*ys, 200]) * 1.1

    def x(v: float) -> float:
        return left + v / x_max * (width - left - right)

    def y(v: float) -> float:
        return height - bottom - v / y_max * (height - top - bottom)

    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" font-family="sans-serif" font-size="12">',
        "<title>Latency against throughput, mixed load</title>",
        f'<rect width="{width}" height="{height}" fill="#fff"/>',
        f'<line x1="{left}" y1="{y(0)}" x2="{width - right}" y2="{y(0)}" stroke="#000"/>',
        f'<line x1="{left}" y1="{y(0)}" x2="{left}" y2="{top}" stroke="#000"/>',
    ]
    for i in range(6):
        value = y_max / 5 * i
        out.append(f'<text x="{left - 6}" y="{y(value) + 4}" text-anchor="end">{value:.0f}</text>')
        out.append(
            f'<line x1="{left}" y1="{y(value)}" x2="{width - right}" y2="{y(value)}" stroke="#eee"/>'
        )
        value = x_max / 5 * i
        out.append(
            f'<text x="{x(value)}" y="{height - bottom + 16}" text-anchor="middle">{value:.0f}</text>'
        )
    out.append(
        f'<text x="{(left + width) / 2}" y="{height - 8}" text-anchor="middle">requests/s (mixed load; labels: simulated people)</text>'
    )
    out.append(
        f'<text x="14" y="{(top + height) / 2}" transform="rotate(-90 14 {(top + height) / 2})" text-anchor="middle">latency (ms)</text>'
    )
    out.append(
        f'<line x1="{left}" y1="{y(200)}" x2="{width - right}" y2="{y(200)}" stroke="#c00" stroke-dasharray="4 4"/>'
    )
    out.append(
        f'<text x="{width - right}" y="{y(200) - 4}" text-anchor="end" fill="#c00">p95 target 200 ms</text>'
    )
    out.append(
        f'<line x1="{x(ceiling)}" y1="{y(0)}" x2="{x(ceiling)}" y2="{top}" stroke="#888" stroke-dasharray="2 4"/>'
    )
    out.append(
        f'<text x="{x(ceiling) - 4}" y="{top + 12}" text-anchor="end" fill="#555">/healthz ceiling {ceiling:.0f}/s</text>'
    )
    for key, colour in (("p50", "#1b6"), ("p95", "#e80"), ("p99", "#c00")):
        line = " ".join(f"{x(p['total']['rps']):.1f},{y(p['total'][key]):.1f}" for p in points)
        out.append(f'<polyline points="{line}" fill="none" stroke="{colour}" stroke-width="2"/>')
        for p in points:
            out.append(
                f'<circle cx="{x(p["total"]["rps"]):.1f}" cy="{y(p["total"][key]):.1f}" r="3" fill="{colour}"/>'
            )
    for p in points:
        out.append(
            f'<text x="{x(p["total"]["rps"]):.1f}" y="{y(p["total"]["p99"]) - 8:.1f}" text-anchor="middle" fill="#555">{p["users"]}</text>'
        )
    for i, (key, colour) in enumerate((("p50", "#1b6"), ("p95", "#e80"), ("p99", "#c00"))):
        out.append(
            f'<rect x="{left + 12}" y="{top + 8 + i * 16}" width="10" height="10" fill="{colour}"/>'
        )
        out.append(f'<text x="{left + 28}" y="{top + 17 + i * 16}">{key}</text>')
    out.append("</svg>")
    path.write_text("\n".join(out) + "\n")


def _ms(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f} ms"


def report(result: dict) -> None:
    health = (
        result["ceiling_before"]["total"]["rps"] + result["ceiling_after"]["total"]["rps"]
    ) / 2
    print(f"\n{result['database']}: {result['applications']:,} applications; granian --workers "
          f"{result['workers']} --blocking-threads {result.get('threads', 4)}, cache {result.get('cache', 'memory')}; /healthz ceiling {result['ceiling_before']['total']['rps']:.0f}/s "
          f"before, {result['ceiling_after']['total']['rps']:.0f}/s after (mean {health:.0f}/s)\n")  # fmt: skip
    print(
        "| run | people | requests/s | ratio to /healthz | p50 | p95 | p99 | errors | load avg "
        "| Locust CPU | web CPU per request | database CPU per request | machine CPU per request "
        "| machine busy |"
    )
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    runs = [("ceiling (/healthz)", result["ceiling_before"])]
    runs += [(f"step {s['users']}", s) for s in result["steps"]]
    if result.get("main"):
        runs.append((f"main ({result['main']['seconds']} s)", result["main"]))
    runs.append(("ceiling again", result["ceiling_after"]))
    for label, run in runs:
        t = run["total"]
        print(f"| {label} | {run['users']} | {t['rps']:.0f} | {t['rps'] / health:.2f} | {t['p50']:.0f} ms "
              f"| {t['p95']:.0f} ms | {t['p99']:.0f} ms | {t['failures']} of {t['requests']} "
              f"| {run['loadavg'][0]:.1f} | {run['locust_cpu_share']:.0%} of a core "
              f"| {_ms(run.get('server_cpu_ms'))} | {_ms(run.get('db_cpu_ms'))} "
              f"| {_ms(run.get('machine_cpu_ms'))} | {run.get('machine_busy', 0):.2f} of {os.cpu_count()} cores |")  # fmt: skip
    main = result.get("main") or (result["steps"][-1] if result["steps"] else None)
    if main:
        print(f"\nPer request type ({'main run' if result.get('main') else 'last step'}):\n")
        print("| request | share | requests/s | p50 | p95 | p99 | errors |")
        print("| --- | --- | --- | --- | --- | --- | --- |")
        total = main["total"]["requests"] or 1
        for name, r in sorted(main["by_name"].items(), key=lambda item: -item[1]["requests"]):
            print(f"| {name} | {r['requests'] / total:.0%} | {r['rps']:.1f} | {r['p50']:.0f} ms "
                  f"| {r['p95']:.0f} ms | {r['p99']:.0f} ms | {r['failures']} |")  # fmt: skip
    for label, run in runs:
        for failure in run.get("failures", []):
            print(f"- {label}: {failure['name']}: {failure['error']} ({failure['count']}×)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=int, default=300, help="main run seconds (0: none)")
    parser.add_argument("--users", type=int, default=48, help="people in the main run")
    parser.add_argument("--steps", default="8,16,32,64", help="people per step (empty: none)")
    parser.add_argument("--step-seconds", type=int, default=30)
    parser.add_argument("--ceiling-seconds", type=int, default=20)
    parser.add_argument("--ceiling-users", type=int, default=16)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument(
        "--threads", type=int, default=4, help="granian's blocking threads per worker"
    )
    parser.add_argument(
        "--officers", type=int, default=3, help="officer sessions of Dukcapil Batam"
    )
    parser.add_argument("--port", type=int, default=8917)
    parser.add_argument(
        "--cache",
        choices=["redis", "memory"],
        default="redis",
        help="shared cache as in production (redis) or each worker's memory",
    )
    parser.add_argument("--plot", type=Path, default=ROOT / "docs" / "performance-load.svg")
    parser.add_argument(
        "--keep-static",
        action="store_true",
        help="reuse the static files collected by an earlier run (collectstatic takes minutes)",
    )
    parser.add_argument(
        "--profile",
        type=Path,
        help="profile the web workers during the main run (py-spy record): a .txt path gets every "
        "worker's stacks (read them with bench/mix_profile.py), an .svg the first one's flame graph",
    )
    args = parser.parse_args()
    database = (
        os.environ.get("DATABASE_URL") or "postgres://postgres@127.0.0.1:5432/mpp_bench_small"
    )
    env = server_env(database, collect=not args.keep_static)
    redis = start_redis() if args.cache == "redis" else None
    if args.cache == "redis" and redis is None:
        raise SystemExit("redis-server is not installed: use --cache memory")
    if redis is not None:
        env["CACHE_URL"] = redis.url
    base = f"http://127.0.0.1:{args.port}"
    processes = start(env, args.port, args.workers, args.threads)
    fixture_path = Path(tempfile.mktemp(prefix="mpp-load-", suffix=".json"))  # noqa: S306
    try:
        data = fixture(base, env, args.officers)
        fixture_path.write_text(json.dumps(data))
        from mpp.cases.models import Application

        result = {
            "database": database.rsplit("/", 1)[1],
            "applications": Application.objects.count(),
            "workers": args.workers,
            "threads": args.threads,
            "cache": args.cache,
            "started": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        }
        print("ceiling …", file=sys.stderr, flush=True)
        server = processes[0].pid
        result["ceiling_before"] = locust(
            base, ["HealthUser"], args.ceiling_users, args.ceiling_seconds, fixture_path, server
        )
        result["steps"] = []
        for users in [int(s) for s in args.steps.split(",") if s]:
            print(f"step {users} …", file=sys.stderr, flush=True)
            result["steps"].append(
                locust(base, MIX, users, args.step_seconds, fixture_path, server)
            )
        if args.duration:
            print(f"main {args.users} × {args.duration} s …", file=sys.stderr, flush=True)
            profilers = profile(server, args.duration, args.profile) if args.profile else []
            result["main"] = locust(base, MIX, args.users, args.duration, fixture_path, server)
            if args.profile:
                join_profiles(profilers, args.profile)
        print("ceiling again …", file=sys.stderr, flush=True)
        result["ceiling_after"] = locust(
            base, ["HealthUser"], args.ceiling_users, args.ceiling_seconds, fixture_path, server
        )
    finally:
        for process in processes:
            stop(process)
        if redis is not None:
            stop(redis)
        fixture_path.unlink(missing_ok=True)
    out = ROOT / "var" / "bench"
    out.mkdir(parents=True, exist_ok=True)
    (out / "load.json").write_text(json.dumps(result, indent=2))
    if result["steps"]:
        ceiling = (
            result["ceiling_before"]["total"]["rps"] + result["ceiling_after"]["total"]["rps"]
        ) / 2
        svg_plot(result["steps"], ceiling, args.plot)
    report(result)


if __name__ == "__main__":
    main()
