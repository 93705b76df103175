"""Nothing lost, nothing doubled: the worker and the web process SIGKILLed during forwards and sends.

Loopback only and bounded (it stops itself DRILL_SECONDS, 150 by default, after the set-up). On
its own PostgreSQL database (dropped and copied again from a migrated template with the demo data,
which the first run makes and keeps as ``<name>_tpl_<migrations>``) it:

1. starts the SP4N-LAPOR! and SMS simulators (``mpp.web.simulators``) in this process, each
   answering 0.5 s after it has recorded a message, so kills land between a provider's send
   and the "sent" mark;
2. serves the product with granian (as ``make demo``) and two ``db_worker`` processes, with
   short timeouts (tasks left RUNNING reclaimed after 5 s, sends left "sending" resumed after 3 s);
3. files COMPLAINTS complaints through ``POST /api/v1/complaints`` (a LAPOR-connected kab/kota,
   citizens with a phone: one forward and one SMS each), from four client threads that retry on a
   connection error as an app would;
4. meanwhile SIGKILLs a worker or the whole web server (its process group) at random moments and
   starts it again;
5. all along runs the scheduled sweeps every second (reclaim of tasks left running, due
   forwards, notification retries), as ``run_scheduler`` does, and waits until nothing is left;
6. compares the database with what the simulators received: every forward row must have been
   filed at LAPOR exactly once, every SMS delivery handed to a phone exactly once.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/mpp_drill_outbox python bench/drill_outbox.py

Exits non-zero unless 0 lost and 0 doubled. Output of a run: docs/operations.md.
"""

from __future__ import annotations

import datetime
import json
import os
import random
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

PORT = int(os.environ.get("BENCH_PORT", "8795"))
COMPLAINTS = int(os.environ.get("DRILL_COMPLAINTS", "80"))
SECONDS = float(os.environ.get("DRILL_SECONDS", "150"))
SEED = int(os.environ.get("DRILL_SEED", str(int(time.time()))))
WORKERS = 2
RETRIES = 400


def _migrations_fingerprint() -> str:
    import hashlib

    names = sorted(str(path.relative_to(ROOT)) for path in ROOT.glob("src/mpp/*/migrations/*.py"))
    return hashlib.sha256("\n".join(names).encode()).hexdigest()[:10]


def recreate_database(url: str) -> bool:
    """A fresh copy of a migrated template (made once per set of migrations); True if new."""
    import psycopg

    base, name = url.rsplit("/", 1)
    template = f"{name}_tpl_{_migrations_fingerprint()}"
    with psycopg.connect(f"{base}/postgres", autocommit=True) as connection:
        exists = connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [template]
        ).fetchone()
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if not exists:
            connection.execute(f'CREATE DATABASE "{name}"')
            return True
        connection.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
    return False


def save_template(url: str) -> None:
    import psycopg

    base, name = url.rsplit("/", 1)
    template = f"{name}_tpl_{_migrations_fingerprint()}"
    with psycopg.connect(f"{base}/postgres", autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{template}" TEMPLATE "{name}"')


class Processes:
    """The web server and the workers, each killed and started again on demand."""

    def __init__(self, env: dict[str, str]):
        self.env = env
        self.web: subprocess.Popen | None = None
        self.workers: list[subprocess.Popen | None] = [None] * WORKERS
        self.worker_ids = [""] * WORKERS
        self.generation = 0
        self.kills = {"web": 0, "worker": 0}
        self.lock = threading.Lock()

    def _start(self, command: list[str]) -> subprocess.Popen:
        return subprocess.Popen(  # noqa: S603 (our interpreter and granian, our arguments)
            command,
            cwd=ROOT,
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,  # the web server's workers die with it (killpg)
        )

    def start_web(self) -> None:
        granian = str(Path(sys.executable).parent / "granian")
        command = [granian, "--interface", "wsgi", "--host", "127.0.0.1", "--port", str(PORT)]
        command += ["--workers", "1", "--blocking-threads", "4", "--no-ws", "mpp.wsgi:application"]
        self.web = self._start(command)

    def start_worker(self, index: int) -> None:
        self.generation += 1
        worker_id = f"drill-{index}-{self.generation}"
        command = [sys.executable, "manage.py", "db_worker", "--no-startup-delay"]
        command += ["--interval", "0.1", "--worker-id", worker_id]
        self.workers[index] = self._start(command)
        self.worker_ids[index] = worker_id

    def kill(self, process: subprocess.Popen | None) -> None:
        if process is not None and process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=30)

    def kill_and_restart(self, what: str, rng: random.Random, busy_worker: str = "") -> None:
        with self.lock:
            if what == "web":
                self.kill(self.web)
                self.start_web()
            else:
                index = (
                    self.worker_ids.index(busy_worker)
                    if busy_worker in self.worker_ids
                    else rng.randrange(WORKERS)
                )
                self.kill(self.workers[index])
                time.sleep(rng.uniform(0, 0.5))
                self.start_worker(index)
            self.kills[what] += 1

    def stop(self) -> None:
        with self.lock:
            for process in [self.web, *self.workers]:
                self.kill(process)


def wait_for_web(seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{PORT}/healthz", timeout=5):
                return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.25)
    raise SystemExit("the web server did not start")


def post_complaint(token: str, body: dict) -> int:
    """POST once, retried on a connection error (the server was killed); the final status."""
    data = json.dumps(body).encode()
    for _ in range(RETRIES):
        request = urllib.request.Request(
            f"http://127.0.0.1:{PORT}/api/v1/complaints",
            data=data,
            headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=15) as answer:  # noqa: S310
                return answer.status
        except urllib.error.HTTPError as error:
            return error.code
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.25)
    return 0


def main() -> int:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        print("set DATABASE_URL to a PostgreSQL database of its own (it is dropped and created)")
        return 2
    started = time.monotonic()
    rng = random.Random(SEED)  # noqa: S311 (the moments of the kills, not a secret)
    fresh = recreate_database(url)

    from mpp.web.simulators import Simulator

    simulator = Simulator().start()
    simulator.delay = 0.5
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "PYTHONPATH": str(ROOT / "src"),
        "DJANGO_SETTINGS_MODULE": "mpp.settings",
        "LOG_LEVEL": "ERROR",
        "TASK_BACKEND": "django_tasks_db.DatabaseBackend",
        "MPP_LAPOR_CONNECTOR": "mpp.complaints.lapor.HttpConnector",
        "MPP_LAPOR_URL": f"{simulator.url}/lapor",
        "MPP_SMS_GATEWAY": "http",
        "MPP_SMS_HTTP_URL": f"{simulator.url}/sms",
        "MPP_TASK_TIMEOUT_SECONDS": "5",
        "MPP_TASK_DEFAULT_TIMEOUT": "30",
        "MPP_STALE_SENDING_SECONDS": "3",
        "MPP_LOST_PENDING_SECONDS": "3",
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
    }
    os.environ.update(env)
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connections
    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult

    from mpp.accounts import demo as accounts_demo
    from mpp.accounts.models import User
    from mpp.accounts.services import issue_token
    from mpp.catalog import demo as catalog_demo
    from mpp.complaints import demo as complaints_demo
    from mpp.complaints.models import Category, Complaint, Forward, LaporRegion
    from mpp.deadlines import reclaim, schedule
    from mpp.notifications.models import Delivery
    from mpp.tenancy.models import MPP, Agency

    if fresh:  # the first run migrates and loads the demo, then keeps a template copy
        call_command("migrate", verbosity=0)
        catalog_demo.load()
        accounts_demo.load()
        complaints_demo.load()
        connections.close_all()
        save_template(url)
    LaporRegion.objects.get_or_create(region_id="2171")
    batam = MPP.objects.get(slug="mpp-kota-batam")
    body = {
        "kind": "pengaduan",
        "about": "agency",
        "mpp": batam.pk,
        "agency": Agency.objects.get(slug="disdukcapil-batam").pk,
        "category": Category.objects.get(code="layanan-lambat", region=None).code,
        "title": "Antrean terlalu lama",
        "text": "Saya menunggu tiga jam di loket.",
    }
    tokens = []
    for index in range(COMPLAINTS):
        citizen = User.objects.create(
            username=f"drill-{index}",
            name=f"Warga Latihan {index}",
            nik=f"2171011508{index:06d}",
            phone=f"+62811{index:07d}",
        )
        tokens.append(issue_token(citizen)[1])
    before_complaints = set(Complaint.objects.values_list("pk", flat=True))

    processes = Processes(env)
    processes.start_web()
    for index in range(WORKERS):
        processes.start_worker(index)
    wait_for_web()
    print(
        f"seed {SEED}: {COMPLAINTS} complaints, {WORKERS} workers, set up in "
        f"{time.monotonic() - started:.0f} s"
    )

    filing_done = threading.Event()
    chaos_started = time.monotonic()

    # What run_scheduler does, every second from the start: reclaim tasks left running, enqueue
    # due forwards, retry deliveries (lost, failed or left "sending").
    sweeps = [
        schedule.Entry(path, every=datetime.timedelta(seconds=1))
        for path in (
            "mpp.deadlines.tasks.reclaim_stuck_tasks",
            "mpp.complaints.tasks.send_due_forwards",
            "mpp.notifications.tasks.retry_failed_notifications",
        )
    ]
    scheduler_stop = threading.Event()

    def scheduler() -> None:
        while not scheduler_stop.wait(1):
            for entry in sweeps:
                schedule.enqueue(entry)
        connections.close_all()

    scheduler_thread = threading.Thread(target=scheduler)
    scheduler_thread.start()

    busy = DBTaskResult.objects.filter(
        status="RUNNING",
        task_path__in=[
            "mpp.complaints.tasks.send_forward",
            "mpp.notifications.tasks.deliver_notification",
        ],
    )

    def chaos() -> None:
        stop_at = time.monotonic() + 60
        while time.monotonic() < stop_at and not (
            filing_done.is_set() and time.monotonic() > filed_at[0] + 5
        ):
            time.sleep(rng.uniform(0.8, 2.0))
            what = rng.choice(["web", "worker", "worker", "worker"])
            # The worker running a forward or a delivery is killed (after up to 1 s' wait for one).
            waited, running = time.monotonic() + 1, ""
            while what == "worker" and time.monotonic() < waited and not running:
                recent = timezone.now() - datetime.timedelta(seconds=0.3)
                ids = busy.filter(started_at__gt=recent).values_list("worker_ids", flat=True)
                running = next((worker_ids[-1] for worker_ids in ids if worker_ids), "")
                time.sleep(0 if running else 0.02)
            processes.kill_and_restart(what, rng, running)
        connections.close_all()

    filed_at = [float("inf")]
    chaos_thread = threading.Thread(target=chaos)
    chaos_thread.start()

    def file(index: int) -> int:
        time.sleep(rng.uniform(0.5, 2.5))  # the filing lasts about half a minute
        return post_complaint(tokens[index], body)

    with ThreadPoolExecutor(max_workers=4) as pool:
        statuses = list(pool.map(file, range(COMPLAINTS)))
    filed_at[0] = time.monotonic()
    filing_done.set()
    chaos_thread.join()
    print(
        f"filed: {statuses.count(201)} answered 201, {len(statuses) - statuses.count(201)} not "
        f"({sorted(set(statuses))}); kills: web {processes.kills['web']}, "
        f"worker {processes.kills['worker']}"
    )

    sms = Delivery.objects.filter(channel="sms")
    deadline = chaos_started + SECONDS
    while time.monotonic() < deadline:
        left = Forward.objects.exclude(status="sent").count() + sms.exclude(status="sent").count()
        if not left:
            break
        time.sleep(1)
    scheduler_stop.set()
    scheduler_thread.join()
    processes.stop()
    drained = time.monotonic()

    new_complaints = Complaint.objects.exclude(pk__in=before_complaints)
    forwards = dict(Forward.objects.values_list("idempotency_key", "status"))
    without_forward = new_complaints.filter(forward__isnull=True).count()
    filed_keys = set(simulator.lapor_by_key)
    stats = simulator.stats()
    forwards_lost = without_forward + sum(1 for key in forwards if key not in filed_keys)
    forwards_done = sum(
        1 for key, status in forwards.items() if status == "sent" and key in filed_keys
    )
    deliveries = dict(
        (f"mpp-{notification}-sms", status)
        for notification, status in sms.values_list("notification_id", "status")
    )
    sent_keys = set(simulator.sms_by_key)
    messages_lost = sum(1 for key in deliveries if key not in sent_keys)
    messages_sent = sum(
        1 for key, status in deliveries.items() if status == "sent" and key in sent_keys
    )
    resumed_forwards = Forward.objects.filter(attempts__gt=1).count()
    resumed_messages = sms.filter(attempts__gt=1).count()
    reclaimed = DBTaskResult.objects.filter(exception_class_path=reclaim.WORKER_LOST).count()
    not_marked = sum(1 for status in [*forwards.values(), *deliveries.values()] if status != "sent")
    print(
        f"complaints committed: {new_complaints.count()} for {COMPLAINTS} filed (a POST whose "
        "answer died with the web process and that the client sent again is a second complaint)"
    )
    print(
        f"forwards expected {len(forwards) + without_forward} / done {forwards_done} / "
        f"lost {forwards_lost} / doubled {stats['lapor_doubled']}"
    )
    print(
        f"messages expected {len(deliveries)} / sent {messages_sent} / lost {messages_lost} / "
        f"doubled {stats['sms_doubled']}"
    )
    print(
        f"tried more than once (a kill interrupted them): forwards {resumed_forwards}, "
        f"messages {resumed_messages}; tasks reclaimed from dead workers: {reclaimed}"
    )
    print(
        f"not marked sent at the end: {not_marked}; provider calls: {stats['posts']}; "
        f"drained {drained - filed_at[0]:.0f} s after the last complaint; "
        f"total {drained - started:.0f} s"
    )
    simulator.stop()
    ok = (
        forwards_lost == 0
        and messages_lost == 0
        and stats["lapor_doubled"] == 0
        and stats["sms_doubled"] == 0
        and not_marked == 0
    )
    print("OK: 0 lost, 0 doubled" if ok else "FAILED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
