"""A granian worker killed under load: no retried request is lost and the server keeps serving.

Loopback only and bounded: it serves the product on PostgreSQL with two workers and
``--respawn-failed-workers`` (as ``make demo`` and ``deploy/systemd/mpp-web.service`` do), sends
REQUESTS requests from a few threads (each retried on a connection error, as a client or a load
balancer would), SIGKILLs one worker a third of the way through, and checks that every request got
its 200 in the end, that a respawned worker replaced the dead one and that the server still answers.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/mpp_bench python bench/worker_kill.py

Exits non-zero when a request was lost or the server stopped. Figures: docs/operations.md.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import ensure_database

ROOT = Path(__file__).resolve().parent.parent
PORT = int(os.environ.get("BENCH_PORT", "8791"))
REQUESTS = int(os.environ.get("BENCH_REQUESTS", "300"))
PATHS = ["/healthz", "/api/v1/services?limit=5", "/layanan/"]
RETRIES = 40


def _children(pid: int) -> list[int]:
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        text = (task / "children").read_text().split()
        found.extend(int(child) for child in text)
    return found


def _get(path: str) -> tuple[int, int]:
    """The final status of ``path`` and how many connection errors were retried."""
    retried = 0
    for _ in range(RETRIES):
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{PORT}{path}", timeout=10) as answer:
                return answer.status, retried
        except urllib.error.HTTPError as error:
            return error.code, retried
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            retried += 1
            time.sleep(0.25)
    return 0, retried


def main() -> int:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        print("set DATABASE_URL to a PostgreSQL database (it is created and migrated)")
        return 2
    ensure_database(url)
    env = {**os.environ, "DATABASE_URL": url, "PYTHONPATH": str(ROOT / "src")}
    python = sys.executable
    subprocess.run(  # noqa: S603 (our own interpreter and arguments)
        [python, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True
    )
    granian = str(Path(python).parent / "granian")
    command = [granian, "--interface", "wsgi", "--host", "127.0.0.1", "--port", str(PORT)]
    command += ["--workers", "2", "--blocking-threads", "2", "--respawn-failed-workers"]
    command += ["--respawn-interval", "0.5", "--no-ws", "mpp.wsgi:application"]
    server = subprocess.Popen(  # noqa: S603 (our own granian and arguments)
        command,
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        for _ in range(120):
            if _get("/healthz")[0] == 200:
                break
            time.sleep(0.5)
        workers_before = _children(server.pid)
        killed: list[int] = []

        def request(index: int) -> tuple[int, int]:
            if index == REQUESTS // 3 and not killed:
                victim = _children(server.pid)[0]
                os.kill(victim, signal.SIGKILL)
                killed.append(victim)
            result = _get(PATHS[index % len(PATHS)])
            return result

        started = time.monotonic()
        with ThreadPoolExecutor(max_workers=4) as pool:
            results = list(pool.map(request, range(REQUESTS)))
        elapsed = time.monotonic() - started
        lost = [index for index, (status, _) in enumerate(results) if status != 200]
        retried = sum(count for _, count in results)
        after = _get("/healthz")[0]
        workers_after = _children(server.pid)
        alive = server.poll() is None
        print(f"requests: {REQUESTS} in {elapsed:.1f} s, killed worker {killed}")
        print(f"workers before {workers_before}, after {workers_after}")
        print(f"connection errors retried: {retried}; requests without a 200: {len(lost)}")
        print(f"server alive after the kill: {alive}; /healthz afterwards: {after}")
        ok = not lost and alive and after == 200 and len(workers_after) == len(workers_before)
        print("OK" if ok else "FAILED")
        return 0 if ok else 1
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()


if __name__ == "__main__":
    sys.exit(main())
