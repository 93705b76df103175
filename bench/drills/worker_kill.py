"""Drill: kill -9 a task worker while it runs a task, under the mixed load; every task once.

    python bench/drills/worker_kill.py     # beside `make cluster`, as root; 3–8 minutes

Files DRILL_COMPLAINTS (30) complaints of Kota Batam (connected to SP4N-LAPOR!: one forward and
one SMS each, to the cluster's simulators) through the proxy while the mixed load runs; meanwhile,
whenever a worker holds a RUNNING task, SIGKILLs that worker (at most DRILL_KILLS, 5) and starts
it again a second later (as systemd would). Then waits until every forward and SMS delivery made
since the start is sent (the sweeps of both schedulers reclaim the killed workers' tasks after
MPP_TASK_TIMEOUT_SECONDS) and compares with what the simulators received: 0 lost, 0 doubled.
"""

from __future__ import annotations

import json
import os
import threading
import time
import urllib.request

from _drill import BASE, cluster, cluster_env, database, report, run, status_of

COMPLAINTS = int(os.environ.get("DRILL_COMPLAINTS", "30"))
KILLS = int(os.environ.get("DRILL_KILLS", "5"))
DRAIN_SECONDS = int(os.environ.get("DRILL_DRAIN_SECONDS", "480"))
SIMULATORS = "http://127.0.0.1:18071/stats"
# The hand-offs whose every send the simulators count (re-queued after MPP_TASK_TIMEOUT_SECONDS).
OUTBOX_TASKS = ["mpp.complaints.tasks.send_forward", "mpp.notifications.tasks.deliver_notification"]


def setup() -> tuple[dict, list[str]]:
    """Kota Batam connected to LAPOR; COMPLAINTS citizens with a phone and an API token each."""
    os.environ.update(cluster_env())
    os.environ["DJANGO_SETTINGS_MODULE"] = "mpp.settings"
    import django

    django.setup()
    from mpp.accounts.models import User
    from mpp.accounts.services import issue_token
    from mpp.complaints.models import Category, LaporRegion
    from mpp.tenancy.models import MPP, Agency

    LaporRegion.objects.get_or_create(region_id="2171")
    body = {
        "kind": "pengaduan",
        "about": "agency",
        "mpp": MPP.objects.get(slug="mpp-kota-batam").pk,
        "agency": Agency.objects.get(slug="disdukcapil-batam").pk,
        "category": Category.objects.get(code="layanan-lambat", region=None).code,
        "title": "Antrean terlalu lama",
        "text": "Saya menunggu tiga jam di loket.",
    }
    stamp = int(time.time()) % 100000
    tokens = []
    for index in range(COMPLAINTS):
        citizen = User.objects.create(
            username=f"drill-worker-{stamp}-{index}",
            name=f"Warga Latihan {index}",
            nik=f"21710{stamp:05d}{index:06d}",
            phone=f"+62812{stamp % 1000:03d}{index:05d}",
        )
        tokens.append(issue_token(citizen)[1])
    return body, tokens


def file_complaints(body: dict, tokens: list[str], answers: list[int]) -> None:
    for token in tokens:
        status, _ = status_of(
            f"{BASE}/api/v1/complaints",
            method="POST",
            data=json.dumps(body).encode(),
            headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
        )
        answers.append(status)
        time.sleep(0.5)


def running_worker() -> str | None:
    """The cluster worker (worker1/worker2) running a forward or an SMS, if one is."""
    with database() as connection:
        row = connection.execute(
            "SELECT worker_ids ->> -1 FROM django_tasks_database_dbtaskresult "
            "WHERE status = 'RUNNING' AND task_path = ANY(%s) ORDER BY started_at DESC LIMIT 1",
            [OUTBOX_TASKS],
        ).fetchone()
    return row[0] if row and row[0] in ("worker1", "worker2") else None


def orphans(kills: list[tuple[str, float]]) -> int:
    """Forwards and SMS tasks still RUNNING under a worker id since before it was killed."""
    count = 0
    with database() as connection:
        for name, at in kills:
            count += connection.execute(
                "SELECT count(*) FROM django_tasks_database_dbtaskresult WHERE status = 'RUNNING' "
                "AND worker_ids ->> -1 = %s AND started_at <= to_timestamp(%s) "
                "AND task_path = ANY(%s)", [name, at, OUTBOX_TASKS]
            ).fetchone()[0]  # fmt: skip
    return count


def outstanding(since) -> tuple[int, int, int, int]:
    """(forwards, forwards not sent, SMS deliveries to send, of them not sent) since ``since``;
    a delivery "skipped" (no phone, channel off) is not one to send."""
    with database() as connection:
        forwards = connection.execute(
            "SELECT count(*), count(*) FILTER (WHERE status <> 'sent') FROM complaints_forward "
            "WHERE created_at >= %s", [since]
        ).fetchone()  # fmt: skip
        deliveries = connection.execute(
            "SELECT count(*), count(*) FILTER (WHERE status <> 'sent') FROM notifications_delivery "
            "WHERE channel = 'sms' AND status <> 'skipped' AND created_at >= %s", [since]
        ).fetchone()  # fmt: skip
    return forwards[0], forwards[1], deliveries[0], deliveries[1]


def simulator_stats() -> dict:
    with urllib.request.urlopen(SIMULATORS, timeout=5) as response:
        return json.load(response)


def main() -> None:
    body, tokens = setup()
    with database() as connection:
        since = connection.execute("SELECT now()").fetchone()[0]
    before = simulator_stats()
    answers: list[int] = []
    kills: list[tuple[str, float]] = []

    def fault() -> dict:
        filer = threading.Thread(target=file_complaints, args=(body, tokens, answers))
        filer.start()
        while filer.is_alive() or (len(kills) < KILLS and time.time() - started < 40):
            worker = running_worker() if len(kills) < KILLS else None
            if worker:
                kills.append((worker, time.time()))
                cluster("kill", worker, "KILL")
                time.sleep(1)
                cluster("start", worker)
            time.sleep(0.2)
        filer.join()
        return {}

    started = time.time()
    figures, at = run("task worker kill -9", fault, fault_seconds=COMPLAINTS * 0.6)
    drained_at = time.time() + DRAIN_SECONDS
    while time.time() < drained_at:
        forwards, forwards_left, deliveries, deliveries_left = outstanding(since)
        left_running = orphans(kills)
        if not forwards_left and not deliveries_left and not left_running:
            break
        time.sleep(5)
    drain = round(
        time.time() - (at + COMPLAINTS * 0.6 + float(os.environ.get("DRILL_AFTER", "40")))
    )
    after = simulator_stats()
    filed = after["lapor_filed"] - before["lapor_filed"]
    sms = after["sms_sent"] - before["sms_sent"]
    doubled = (after["lapor_doubled"] - before["lapor_doubled"]) + (
        after["sms_doubled"] - before["sms_doubled"]
    )
    lost = (
        forwards_left + deliveries_left + left_running
        + max(0, forwards - filed) + max(0, deliveries - sms)
    )  # fmt: skip
    with database() as connection:
        reclaimed = connection.execute(
            "SELECT count(*) FROM django_tasks_database_dbtaskresult WHERE enqueued_at >= %s "
            "AND exception_class_path LIKE %s", [since, "%WorkerLost%"]
        ).fetchone()[0]  # fmt: skip
    ok = lost == 0 and doubled == 0 and len(kills) > 0
    report(
        "task worker kill -9",
        figures,
        at,
        [
            (
                "complaints filed by the drill",
                f"{answers.count(201)} answered 201 of {len(answers)}",
            ),
            ("workers killed mid-task", f"{len(kills)} ({', '.join(n for n, _ in kills) or '—'})"),
            ("tasks reclaimed from dead workers (re-queued)", reclaimed),
            ("tasks still RUNNING under a killed worker at the end", left_running),
            ("forwards made / filed at LAPOR", f"{forwards} / {filed}"),
            ("SMS deliveries to send / received", f"{deliveries} / {sms}"),
            ("tasks lost", lost),
            ("tasks doubled", doubled),
            ("drained after the load (s)", drain),
        ],
        ok,
        "every task finished, every forward and SMS sent exactly once"
        if ok
        else "lost or doubled tasks (or no kill)",
    )


if __name__ == "__main__":
    main()
