"""Drill: kill -9 the scheduler that leads, under the mixed load; the other takes over, and no
sweep is enqueued twice at once.

    python bench/drills/scheduler_kill.py  # beside `make cluster`, as root; about 4 minutes

Both cluster nodes run `run_scheduler`; one holds the PostgreSQL advisory lock and enqueues the
sweeps of MPP_SCHEDULE, the other waits for the lock. The drill watches the sweeps enqueued (the
task rows) for DRILL_BEFORE (default 90) seconds, SIGKILLs the leader (the scheduler whose log
shows the latest enqueue), watches DRILL_AFTER (default 150) more seconds, then starts it again.

- doubled: two enqueues of one sweep less than half its interval apart (two leaders at once),
  except the new leader's first round (it enqueues every sweep when it takes over: early, which an
  idempotent sweep allows); overlapping: a sweep started before its previous run finished;
- takeover: from the kill to the next enqueue of the sweep that runs every minute; it must come
  within its interval plus 30 s.
"""

from __future__ import annotations

import os
import re

from _drill import VAR, cluster, database, report, run, schedule

os.environ.setdefault("DRILL_BEFORE", "90")
os.environ.setdefault("DRILL_AFTER", "150")
BEFORE = float(os.environ["DRILL_BEFORE"])
AFTER = float(os.environ["DRILL_AFTER"])


def leader() -> str:
    """The scheduler whose log has the latest "enqueued" line (sched1 if neither has one)."""
    latest = {}
    for name in ("sched1", "sched2"):
        path = VAR / "log" / f"{name}.log"
        lines = [
            line for line in path.read_text(errors="replace").splitlines() if "enqueued" in line
        ]
        latest[name] = lines[-1] if lines else ""
    stamp = re.compile(r"\d{4}-\d\d-\d\d[ T]\d\d:\d\d:\d\d")
    found = {n: stamp.search(line).group(0) for n, line in latest.items() if stamp.search(line)}
    return max(found, key=found.get) if found else "sched1"


def main() -> None:
    sweeps = schedule()
    with database() as connection:
        since = connection.execute("SELECT now()").fetchone()[0]
    killed: dict = {}

    def fault() -> dict:
        killed["name"] = leader()
        cluster("kill", killed["name"], "KILL")
        with database() as connection:
            killed["at"] = connection.execute("SELECT now()").fetchone()[0]
        return {}

    figures, at = run("scheduler leader kill -9", fault, before=BEFORE, after=AFTER)
    cluster("start", killed["name"])
    with database() as connection:
        rows = connection.execute(
            "SELECT task_path, enqueued_at, started_at, finished_at "
            "FROM django_tasks_database_dbtaskresult "
            "WHERE enqueued_at >= %s AND task_path = ANY(%s) ORDER BY enqueued_at",
            [since, list(sweeps)],
        ).fetchall()
    doubled = overlapping = 0
    by_path: dict[str, list] = {}
    for path, enqueued, started, finished in rows:
        times = by_path.setdefault(path, [])
        # The new leader enqueues every sweep when it takes over: early, allowed (idempotent).
        takeover_enqueue = enqueued > killed["at"] and all(t <= killed["at"] for t, _, _ in times)
        gap = (enqueued - times[-1][0]).total_seconds() if times else None
        if gap is not None and not takeover_enqueue and gap < sweeps[path] / 2:
            doubled += 1
        if times and started and times[-1][2] and started < times[-1][2]:
            overlapping += 1
        times.append((enqueued, started, finished))
    shortest = min(sweeps, key=sweeps.get)
    after_kill = [t for t, _, _ in by_path.get(shortest, []) if t > killed["at"]]
    takeover = (after_kill[0] - killed["at"]).total_seconds() if after_kill else None
    in_time = takeover is not None and takeover <= sweeps[shortest] + 30
    ok = doubled == 0 and overlapping == 0 and in_time
    name = shortest.rsplit(".", 1)[-1]
    took = f"{takeover:.0f} s" if takeover is not None else "none"
    report(
        "scheduler leader kill -9",
        figures,
        at,
        [
            ("leader killed", killed["name"]),
            ("sweeps enqueued", len(rows)),
            ("sweeps enqueued twice in one interval (two leaders)", doubled),
            ("sweeps running twice at once", overlapping),
            (f"takeover ({name}, every {sweeps[shortest]} s)", took),
        ],
        ok,
        "the follower took over; no sweep twice at once"
        if ok
        else "a sweep enqueued twice at once (two leaders), or no takeover in time",
    )


if __name__ == "__main__":
    main()
