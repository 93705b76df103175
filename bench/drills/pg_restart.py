"""Drill: restart the PostgreSQL primary under the mixed load; 503s, then recovery by itself.

    python bench/drills/pg_restart.py      # beside `make cluster`, as root; about 80 s

Stops the primary (pg_ctl stop -m fast: every connection cut) after DRILL_BEFORE seconds of load,
starts it 10 s later, and checks: while it is away the answers are 503 (the problem/"Layanan sedang
tidak tersedia" page), never 500; the errors end within 15 s of the start; the web nodes are the
same processes as before (nothing restarted them: connections are checked before reuse).
"""

from __future__ import annotations

import time

from _drill import cluster, report, run

DOWN_SECONDS = 10
RECOVERY_BOUND = 15


def fault() -> dict:
    nodes = {name: cluster("pid", name).strip() for name in ("web1", "web2")}
    cluster("kill", "pg-primary", "TERM")
    time.sleep(DOWN_SECONDS)
    cluster("start", "pg-primary")
    started = time.time()
    return {"nodes": nodes, "started": started}


def main() -> None:
    figures, at = run("PostgreSQL restart", fault, fault_seconds=DOWN_SECONDS)
    same = all(cluster("pid", name).strip() == pid for name, pid in figures["nodes"].items())
    late = [t for t in figures["error_times"] if t > figures["started"] + RECOVERY_BOUND]
    wrong = {kind: n for kind, n in figures["kinds"].items() if kind != "503"}
    ok = not late and not wrong and same
    report(
        "PostgreSQL primary restart",
        figures,
        at,
        [
            ("primary away (s)", DOWN_SECONDS),
            ("errors later than 15 s after the start", len(late)),
            ("answers other than 503 among the errors", sum(wrong.values())),
            ("web nodes restarted", "no" if same else "yes"),
        ],
        ok,
        "503 while the primary was away, recovered by itself"
        if ok
        else "500s or no answer, a late recovery, or restarted web nodes",
    )


if __name__ == "__main__":
    main()
