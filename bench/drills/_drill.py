"""What every cluster drill shares: the mixed load through the proxy, probes, the figures table.

A drill (``bench/drills/<name>.py``, run as root beside ``make cluster``) runs by itself and stops
by itself: it starts the mixed load (``bench/locustfile.py``, Locust headless) against HAProxy
(http://127.0.0.1:18080), lets it settle for ``DRILL_BEFORE`` seconds, does its fault (through
``deploy/cluster/cluster.sh kill|start``), keeps the load for ``DRILL_AFTER`` seconds, and prints:

- requests and errors of the load (answers 5xx and requests without an answer; the 409 of a closed
  queue kiosk and the 429 of a rate limit are answers a person reads, not errors);
- the error window: seconds from the first error to the last (0 if none);
- its own figures (tasks lost or doubled, what a probe saw) and a verdict; the exit status is 0
  only if the verdict is OK.

Sessions and ids for the load come from ``bench/mixed_load.py``'s fixture (demo accounts signed in
through the proxy), kept in ``var/cluster/drills/fixture.json`` for an hour.
"""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
VAR = Path(os.environ.get("MPP_CLUSTER_DIR", ROOT / "var" / "cluster"))
CLUSTER = ROOT / "deploy" / "cluster" / "cluster.sh"
BASE = "http://127.0.0.1:18080"
USERS = int(os.environ.get("DRILL_USERS", "12"))
BEFORE = float(os.environ.get("DRILL_BEFORE", "20"))
AFTER = float(os.environ.get("DRILL_AFTER", "40"))
BIN = Path(sys.executable).parent
sys.path[:0] = [str(ROOT / "bench"), str(ROOT / "src"), str(ROOT)]


def cluster_env() -> dict[str, str]:
    values = {}
    for line in (VAR / "mpp.env").read_text().splitlines():
        if line and not line.startswith("#") and "=" in line:
            key, value = line.split("=", 1)
            values[key] = value
    return values


def schedule() -> dict[str, int]:
    """MPP_SCHEDULE of the cluster's settings: task path → seconds."""
    os.environ.update(cluster_env())
    os.environ["DJANGO_SETTINGS_MODULE"] = "mpp.settings"
    import django

    django.setup()
    from django.conf import settings

    return dict(settings.MPP_SCHEDULE)


def cluster(*args: str, check: bool = True) -> str:
    """``deploy/cluster/cluster.sh ARGS`` (kill, start, pid, lag); its output."""
    done = subprocess.run(  # noqa: S603
        [str(CLUSTER), *args], capture_output=True, text=True, check=False
    )
    if check and done.returncode:
        raise SystemExit(f"cluster.sh {' '.join(args)}: {done.stdout}{done.stderr}")
    return done.stdout


def cluster_ok(*args: str) -> tuple[bool, str]:
    """``cluster.sh ARGS`` succeeded? and its output (e.g. ``lag``: within its bound?)."""
    done = subprocess.run(  # noqa: S603
        [str(CLUSTER), *args], capture_output=True, text=True, check=False
    )
    return done.returncode == 0, (done.stdout + done.stderr).strip()


def status_of(url: str, *, method: str = "GET", headers: dict | None = None, data: bytes | None = None,
              timeout: float = 10) -> tuple[int, bytes]:  # fmt: skip
    """HTTP status (0 for a connection error) and body."""
    request = urllib.request.Request(url, data=data, method=method, headers=headers or {})  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()
    except (OSError, TimeoutError):
        return 0, b""


def require_cluster() -> None:
    if status_of(f"{BASE}/healthz")[0] != 200:
        raise SystemExit(
            "the cluster does not answer on http://127.0.0.1:18080/healthz: make cluster"
        )


def database(alias: str = "default"):
    """A psycopg connection to the primary (or the replica)."""
    import psycopg

    env = cluster_env()
    url = env["DATABASE_URL"] if alias == "default" else env["DATABASE_REPLICA_URL"]
    return psycopg.connect(url, autocommit=True)


def fixture() -> Path:
    """The locustfile's fixture, made through the proxy with the cluster's environment."""
    path = VAR / "drills" / "fixture.json"
    if path.exists() and time.time() - path.stat().st_mtime < 3600:
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    env = cluster_env()
    os.environ.update(env)
    os.environ["DJANGO_SETTINGS_MODULE"] = "mpp.settings"
    from mixed_load import fixture as make_fixture

    data = make_fixture(BASE, env, 1)
    path.write_text(json.dumps(data))
    return path


class Load:
    """The mixed load (Locust headless, every class of the mix) for ``seconds`` through the proxy."""

    def __init__(self, seconds: float, users: int = USERS):
        from mixed_load import MIX

        self.prefix = tempfile.mktemp(prefix="mpp-drill-")  # noqa: S306 - Locust writes the files
        self.errors_file = Path(f"{self.prefix}_errors.txt")
        self.errors_file.touch()
        self.process = subprocess.Popen(  # noqa: S603
            [str(BIN / "locust"), "-f", str(ROOT / "bench" / "drills" / "_locust.py"), "--headless",
             "--host", BASE, "-u", str(users), "-r", str(users), "-t", f"{int(seconds)}s",
             "--csv", self.prefix, "--only-summary", "--loglevel", "ERROR", "--stop-timeout", "10",
             *MIX],
            env={**os.environ, "BENCH_LOAD_FIXTURE": str(fixture()),
                 "DRILL_ERRORS_FILE": str(self.errors_file)},
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip

    def result(self) -> dict[str, Any]:
        """Requests, server errors (5xx and no answer: the 409/429 answers of the mix are not
        errors), the seconds with an error and the errors by status."""
        self.process.wait()
        total = next(
            row for row in csv.DictReader(open(f"{self.prefix}_stats.csv"))  # noqa: SIM115
            if row["Name"] == "Aggregated"
        )  # fmt: skip
        errors = [line.split(" ", 2) for line in self.errors_file.read_text().splitlines()]
        for suffix in ("_stats.csv", "_stats_history.csv", "_failures.csv", "_exceptions.csv",
                       "_errors.txt"):  # fmt: skip
            Path(self.prefix + suffix).unlink(missing_ok=True)
        kinds = Counter("no answer" if status == "0" else status for _, status, _ in errors)
        return {
            "requests": int(total["Request Count"]),
            "errors": len(errors),
            "error_times": [float(at) for at, _, _ in errors],
            "kinds": dict(kinds),
        }


@dataclass
class Probe:
    """Calls ``call`` every ``every`` seconds in a thread; records (time, status)."""

    call: Callable[[], int]
    every: float = 0.5
    seen: list[tuple[float, int]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            self.seen.append((time.time(), self.call()))
            self._stop.wait(self.every)

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()

    def between(self, start: float, end: float) -> Counter[int]:
        return Counter(status for at, status in self.seen if start <= at < end)


def window(times: list[float]) -> float:
    """Seconds from the first error to the last (0 when there was none)."""
    return round(max(times) - min(times), 1) if times else 0.0


def run(name: str, fault: Callable[[], dict[str, Any]], *, before: float = BEFORE,
        after: float = AFTER, fault_seconds: float = 0) -> tuple[dict[str, Any], float]:  # fmt: skip
    """The load around one fault; the load's figures and the moment of the fault."""
    require_cluster()
    fixture()
    print(f"{name}: {USERS} users through HAProxy for {before + fault_seconds + after:.0f} s; "
          f"the fault after {before:.0f} s (load average {os.getloadavg()[0]:.1f}, 2 cores shared)")  # fmt: skip
    load = Load(before + fault_seconds + after)
    time.sleep(before)
    at = time.time()
    extra = fault()
    figures = load.result()
    figures.update(extra)
    return figures, at


def report(name: str, figures: dict[str, Any], fault_at: float, rows: list[tuple[str, Any]],
           ok: bool, verdict: str) -> None:  # fmt: skip
    times = figures["error_times"]
    first = f"{min(times) - fault_at:+.1f} s" if times else "—"
    table = [
        ("requests", figures["requests"]),
        ("errors", figures["errors"]),
        ("error window (s)", window(times)),
        ("first error after the fault", first),
        ("errors by kind", ", ".join(f"{k}: {v}" for k, v in sorted(figures["kinds"].items())) or "—"),
        *rows,
    ]  # fmt: skip
    width = max(len(label) for label, _ in table)
    print(f"\n| {name} | |\n| --- | --- |")
    for label, value in table:
        print(f"| {label.ljust(width)} | {value} |")
    print(f"\n{'OK' if ok else 'FAIL'}: {verdict}")
    sys.exit(0 if ok else 1)
