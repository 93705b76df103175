"""Drill: stop the read replica under the mixed load; dashboards read the primary, no 5xx.

    python bench/drills/replica_stop.py    # beside `make cluster`, as root; about 100 s

Stops the streaming replica (pg_ctl stop -m fast) after DRILL_BEFORE seconds of load, starts it
again 30 s later; meanwhile the ministry's national dashboard (admin.kemenpanrb, through the
proxy) is fetched every second beside the load. Fails on any 5xx or unanswered request, on a
dashboard that is not 200, or when the replica has not caught up (cluster.sh lag) at the end.
"""

from __future__ import annotations

import time

from _drill import BASE, Probe, cluster, cluster_ok, report, run, status_of

DOWN_SECONDS = 30
DASHBOARD = "/kelola/dasbor/nasional/"


def main() -> None:
    from pages import log_in

    cookie = log_in(BASE, "admin.kemenpanrb", "Petugas-Demo-2026", staff=True)
    probe = Probe(lambda: status_of(f"{BASE}{DASHBOARD}", headers={"Cookie": cookie})[0], every=1)

    def fault() -> dict:
        cluster("kill", "pg-replica", "TERM")
        stopped = time.time()
        time.sleep(DOWN_SECONDS)
        cluster("start", "pg-replica")
        return {"stopped": stopped, "started": time.time()}

    figures, at = run("replica stop", fault, fault_seconds=DOWN_SECONDS)
    probe.stop()
    during = probe.between(figures["stopped"], figures["started"])
    after = probe.between(figures["started"] + 5, time.time())
    time.sleep(3)
    caught_up, lag = cluster_ok("lag")
    ok = figures["errors"] == 0 and set(during) <= {200} and set(after) <= {200} and caught_up
    report(
        "replica stop",
        figures,
        at,
        [
            ("replica away (s)", DOWN_SECONDS),
            ("dashboard while away", ", ".join(f"{k}: {v}" for k, v in sorted(during.items()))),
            ("dashboard after", ", ".join(f"{k}: {v}" for k, v in sorted(after.items()))),
            ("replication at the end", lag),
        ],
        ok,
        "dashboards answered from the primary; the replica caught up"
        if ok
        else "5xx, a dashboard not 200, or a replica behind its bound",
    )


if __name__ == "__main__":
    main()
