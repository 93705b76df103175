"""Drill: restart Redis (the shared cache) under the mixed load; no 5xx.

    python bench/drills/redis_restart.py   # beside `make cluster`, as root; about 70 s

Stops Redis after DRILL_BEFORE seconds of load, starts it again 5 s later (empty: it keeps
nothing), and fails on any 5xx or unanswered request: while the cache is away, pages render without
it and the rate limits count nothing (they are a defence, not a service).
"""

from __future__ import annotations

import time

from _drill import cluster, report, run

DOWN_SECONDS = 5


def fault() -> dict:
    cluster("kill", "redis", "TERM")
    time.sleep(DOWN_SECONDS)
    cluster("start", "redis")
    return {}


def main() -> None:
    figures, at = run("Redis restart", fault, fault_seconds=DOWN_SECONDS)
    ok = figures["errors"] == 0
    report(
        "Redis restart",
        figures,
        at,
        [("Redis away (s)", DOWN_SECONDS)],
        ok,
        "no 5xx while the cache was away"
        if ok
        else "5xx or unanswered requests while Redis was away",
    )


if __name__ == "__main__":
    main()
