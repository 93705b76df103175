"""Drill: restart the PostgreSQL primary under the mixed load; 503s, then recovery by itself.

    python bench/drills/pg_restart.py      # beside `make cluster`, as root; about 80 s

Stops the primary (pg_ctl stop -m fast: every connection cut) after DRILL_BEFORE seconds of load,
starts it 10 s later, and checks: while it is away the answers are 503 (the problem/"Layanan sedang
tidak tersedia" page), never 500; the errors end within 15 s of the start; the web nodes are the
same processes as before (nothing restarted them: connections are checked before reuse); and the
leading scheduler enqueues again by itself (its next sweep of every minute within 90 s of the
start: before, it wrote "could not enqueue" until it was restarted).
"""

from __future__ import annotations

import time

from _drill import cluster, database, report, run, schedule

DOWN_SECONDS = 10
RECOVERY_BOUND = 15
SCHEDULER_BOUND = 90  # the sweeps of every minute, plus 30 s


def fault() -> dict:
    nodes = {name: cluster("pid", name).strip() for name in ("web1", "web2")}
    cluster("kill", "pg-primary", "TERM")
    time.sleep(DOWN_SECONDS)
    cluster("start", "pg-primary")
    started = time.time()
    with database() as connection:
        restarted_at = connection.execute("SELECT now()").fetchone()[0]
    return {"nodes": nodes, "started": started, "restarted_at": restarted_at}


def first_sweep_after(restarted_at, until: float) -> float | None:
    """Seconds from the start of the primary to the first sweep the scheduler enqueued after it
    (None if none came before ``until``)."""
    sweeps = list(schedule())
    while True:
        with database() as connection:
            first = connection.execute(
                "SELECT min(enqueued_at) FROM django_tasks_database_dbtaskresult "
                "WHERE enqueued_at > %s AND task_path = ANY(%s)",
                [restarted_at, sweeps],
            ).fetchone()[0]
        if first is not None:
            return (first - restarted_at).total_seconds()
        if time.time() > until:
            return None
        time.sleep(2)


def main() -> None:
    figures, at = run("PostgreSQL restart", fault, fault_seconds=DOWN_SECONDS)
    same = all(cluster("pid", name).strip() == pid for name, pid in figures["nodes"].items())
    late = [t for t in figures["error_times"] if t > figures["started"] + RECOVERY_BOUND]
    wrong = {kind: n for kind, n in figures["kinds"].items() if kind != "503"}
    sweep = first_sweep_after(figures["restarted_at"], figures["started"] + SCHEDULER_BOUND)
    ok = not late and not wrong and same and sweep is not None
    report(
        "PostgreSQL primary restart",
        figures,
        at,
        [
            ("primary away (s)", DOWN_SECONDS),
            ("errors later than 15 s after the start", len(late)),
            ("answers other than 503 among the errors", sum(wrong.values())),
            ("web nodes restarted", "no" if same else "yes"),
            (
                "first sweep enqueued after the start",
                f"{sweep:.0f} s" if sweep is not None else f"none within {SCHEDULER_BOUND} s",
            ),
        ],
        ok,
        "503 while the primary was away, recovered by itself (web nodes and scheduler)"
        if ok
        else "500s or no answer, a late recovery, restarted web nodes or a scheduler that "
        "enqueues nothing",
    )


if __name__ == "__main__":
    main()
