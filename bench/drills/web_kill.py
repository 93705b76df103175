"""Drill: kill -9 one web node under the mixed load; HAProxy takes it out, then back.

    python bench/drills/web_kill.py        # beside `make cluster`, as root; about 80 s

SIGKILLs web1 (granian and its workers) after DRILL_BEFORE seconds of load, starts it again 20 s
later (as systemd's Restart=always would), and checks that the errors stay inside the few seconds
HAProxy needs to see the node gone (two failed checks 1 s apart; a request whose connection is
refused goes to the other node) and that web1 is back in rotation at the end.
"""

from __future__ import annotations

import time

from _drill import cluster, report, run, status_of

DOWN_SECONDS = 20
WINDOW_BOUND = 5


def fault() -> dict:
    cluster("kill", "web1", "KILL")
    killed = time.time()
    time.sleep(DOWN_SECONDS)
    cluster("start", "web1")
    return {"restarted_after": round(time.time() - killed, 1)}


def main() -> None:
    figures, at = run("web node kill -9", fault, fault_seconds=DOWN_SECONDS + 5)
    stats = status_of("http://127.0.0.1:18085/;csv")[1].decode()
    web1 = next(
        (line.split(",")[17] for line in stats.splitlines() if line.startswith("web,web1,")), "?"
    )
    late = [t for t in figures["error_times"] if t > at + WINDOW_BOUND]
    ok = len(late) == 0 and web1 == "UP"
    report(
        "web node kill -9",
        figures,
        at,
        [
            ("web1 restarted after (s)", figures["restarted_after"]),
            ("web1 in HAProxy at the end", web1),
        ],
        ok,
        f"errors only within {WINDOW_BOUND} s of the kill and web1 back in rotation"
        if ok
        else f"{len(late)} errors later than {WINDOW_BOUND} s after the kill, or web1 {web1}",
    )


if __name__ == "__main__":
    main()
