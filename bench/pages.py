"""Benchmark: the public pages, the API reads and two logged-in pages under load, in production set-up.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/mpp_bench_pages \\
        .venv/bin/python bench/pages.py --duration 10

Starts what production runs (``MPP_ENV=production`` with a generated ``SECRET_KEY``,
``ALLOWED_HOSTS=127.0.0.1``, PostgreSQL with the demo data in its own database, persistent
connections, granian with two workers, listening on the loopback only) and loads every page with
``wrk -t2 -c16`` for ``--duration`` seconds (Debian: ``apt-get install wrk``; without it a Python
load generator with the same concurrency sends ``--requests`` requests per page). ``/healthz`` (one
query, no template) is measured before and after the pages; each page's throughput is printed as a
ratio to their mean. With ``--cache both`` (the default) the server is started twice: with the
public-page cache off and on (a ``redis-server`` on a spare port when one is installed, otherwise
each worker's local memory). The citizen and the officer log in as the demo accounts (the officer
with the demo TOTP secret from README.md). Use your own database name.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import hmac
import http.client
import http.cookiejar
import json
import os
import re
import secrets
import shutil
import signal
import struct
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from _common import ensure_database, percentile  # noqa: E402

DEMO_TOTP_SECRET = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"  # noqa: S105 - the demo-only secret in README.md
CITIZEN = ("2171011508900003", "Warga-Demo-2026")
OFFICER = ("petugas.dukcapil", "Petugas-Demo-2026")
PYTHON = sys.executable


def totp(secret: str, at: float) -> str:
    """RFC 6238 code (SHA-1, 30 s, 6 digits), as an authenticator app shows it."""
    key = base64.b32decode(secret)
    digest = hmac.new(key, struct.pack(">Q", int(at // 30)), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    return f"{(struct.unpack('>I', digest[offset : offset + 4])[0] & 0x7FFFFFFF) % 1_000_000:06d}"


def prepare(env: dict) -> None:
    for command in (["migrate", "--noinput"], ["load_demo"], ["collectstatic", "--noinput"]):
        subprocess.run(  # noqa: S603 - our own manage.py
            [PYTHON, str(ROOT / "manage.py"), *command],
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
        )


def start_server(env: dict, port: int) -> subprocess.Popen:
    granian = Path(PYTHON).with_name("granian")
    server = subprocess.Popen(  # noqa: S603 - granian from the same virtualenv
        [
            str(granian),
            "--interface",
            "wsgi",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--workers",
            "2",
            "--blocking-threads",
            "4",
            "--no-ws",
            "--log-level",
            "warning",
            "mpp.wsgi:application",
        ],
        env=env,
        cwd=ROOT,
        start_new_session=True,
    )
    for _ in range(120):
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2):
                return server
        except OSError:
            time.sleep(0.5)
    stop(server)
    raise SystemExit("granian did not answer /healthz within 60 s")


def stop(process: subprocess.Popen) -> None:
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=15)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        os.killpg(process.pid, signal.SIGKILL)


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def _form_post(opener, base: str, path: str, fields: dict) -> str:
    """Load ``path``, post ``fields`` with its CSRF token; return the Location of the redirect."""
    with opener.open(base + path) as page:
        html = page.read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    body = urllib.parse.urlencode({"csrfmiddlewaretoken": token, **fields}).encode()
    try:
        opener.open(urllib.request.Request(base + path, data=body))  # noqa: S310 - loopback
    except urllib.error.HTTPError as error:
        if error.code in (301, 302, 303):
            return error.headers["Location"]
        raise
    raise SystemExit(f"POST {path} did not redirect (wrong credentials or code?)")


def log_in(base: str, username: str, password: str, *, staff: bool) -> str:
    """The Cookie header of a fresh session of a demo account."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), NoRedirect)
    _form_post(opener, base, "/akun/masuk/", {"username": username, "password": password})
    if staff:
        for _attempt in range(2):
            location = _form_post(
                opener, base, "/akun/2fa/verifikasi/", {"code": totp(DEMO_TOTP_SECRET, time.time())}
            )
            if "2fa" not in location:
                break
            # django-otp refuses a code used before: wait for the next 30-second step.
            time.sleep(31 - time.time() % 30)
        else:
            raise SystemExit("the demo TOTP code was refused")
    return "; ".join(f"{cookie.name}={cookie.value}" for cookie in jar)


def run_wrk(url: str, duration: int, connections: int, cookie: str) -> dict:
    command = ["wrk", "-t2", f"-c{connections}", f"-d{duration}s", "--latency", url]
    if cookie:
        command[1:1] = ["-H", f"Cookie: {cookie}"]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout  # noqa: S603
    units = {"us": 0.001, "ms": 1.0, "s": 1000.0}

    def latency(label: str) -> float:
        value, unit = re.search(rf"^\s+{label}%\s+([\d.]+)(us|ms|s)\s*$", output, re.M).groups()
        return float(value) * units[unit]

    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    socket_errors = re.search(r"Socket errors: (.*)", output)
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        "p50": latency("50"),
        "p99": latency("99"),
        "bad": int(errors.group(1)) if errors else 0,
        "note": socket_errors.group(1) if socket_errors else "",
    }


def run_python(url: str, requests: int, connections: int, cookie: str) -> dict:
    """A keep-alive load generator: ``connections`` threads share ``requests`` GETs."""
    parsed = urllib.parse.urlsplit(url)
    target = parsed.path + (f"?{parsed.query}" if parsed.query else "")
    headers = {"Cookie": cookie} if cookie else {}
    latencies: list[float] = []
    bad = [0]
    remaining = [requests]
    lock = threading.Lock()

    def worker() -> None:
        connection = http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=30)
        while True:
            with lock:
                if remaining[0] == 0:
                    break
                remaining[0] -= 1
            started = time.perf_counter()
            connection.request("GET", target, headers=headers)
            response = connection.getresponse()
            response.read()
            elapsed = (time.perf_counter() - started) * 1000
            with lock:
                latencies.append(elapsed)
                bad[0] += response.status >= 400
        connection.close()

    threads = [threading.Thread(target=worker) for _ in range(connections)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - started
    return {
        "rps": len(latencies) / wall,
        "p50": percentile(latencies, 0.50),
        "p99": percentile(latencies, 0.99),
        "bad": bad[0],
        "note": "",
    }


def measure(base: str, pages: list[tuple[str, str, str]], args) -> list[tuple[str, dict]]:
    load = run_wrk if shutil.which("wrk") and not args.python_client else None
    results = []
    for label, path, cookie in pages:
        url = base + path
        run_python(url, 50, 4, cookie)  # warm-up: templates compiled, connections open
        if load:
            result = load(url, args.duration, args.connections, cookie)
        else:
            result = run_python(url, args.requests, args.connections, cookie)
        results.append((label, result))
        print(f"  {label}: {result['rps']:.0f}/s", file=sys.stderr, flush=True)
    return results


def start_redis() -> subprocess.Popen | None:
    server = shutil.which("redis-server")
    if not server:
        return None
    port = 6390 + secrets.randbelow(100)
    process = subprocess.Popen(  # noqa: S603
        [server, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
        start_new_session=True,
    )
    time.sleep(0.5)
    process.url = f"redis://127.0.0.1:{port}/0"
    return process


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=int, default=10, help="seconds per page (wrk)")
    parser.add_argument("--requests", type=int, default=2000, help="requests per page (no wrk)")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--port", type=int, default=8897)
    parser.add_argument("--cache", choices=["off", "on", "both"], default="both")
    parser.add_argument("--python-client", action="store_true", help="do not use wrk")
    args = parser.parse_args()
    if not shutil.which("wrk") and not args.python_client:
        print(
            "wrk not found (Debian: apt-get install wrk); using the Python load generator",
            file=sys.stderr,
        )

    database = os.environ.get("DATABASE_URL", "")
    if not database.startswith("postgres"):
        raise SystemExit("set DATABASE_URL to a PostgreSQL database of the benchmark's own")
    ensure_database(database)
    static_root = tempfile.mkdtemp(prefix="mpp-bench-static-")
    env = {
        **os.environ,
        "MPP_ENV": "production",
        "SECRET_KEY": secrets.token_urlsafe(64),
        # Fixed, so that the NIK digests stored by an earlier run still match (bench data only).
        "MPP_NIK_PEPPER": "bench-only-pepper-not-for-any-real-installation",
        "ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": database,
        "DATABASE_CONN_MAX_AGE": "600",
        "STATIC_ROOT": static_root,
        # Plain HTTP on the loopback: no redirect to HTTPS, cookies sent without TLS.
        "SECURE_SSL_REDIRECT": "false",
        "SECURE_COOKIES": "false",
        "SECURE_HSTS_SECONDS": "0",
        "LOG_LEVEL": "WARNING",
        "PYTHONPATH": str(ROOT / "src"),
    }
    prepare(env)
    base = f"http://127.0.0.1:{args.port}"
    modes = ["off", "on"] if args.cache == "both" else [args.cache]
    redis = start_redis() if "on" in modes else None
    tables = []
    try:
        for mode in modes:
            run_env = {**env, "MPP_PUBLIC_CACHE_SECONDS": "0" if mode == "off" else "300"}
            if mode == "on" and redis is not None:
                run_env["CACHE_URL"] = redis.url
            server = start_server(run_env, args.port)
            try:
                services = json.load(
                    urllib.request.urlopen(f"{base}/api/v1/services?region=2171&q=akta+kelahiran")  # noqa: S310
                )["items"]
                service_id = services[0]["id"]
                citizen = log_in(base, *CITIZEN, staff=False)
                officer = log_in(base, *OFFICER, staff=True)
                pages = [
                    ("/", "/", ""),
                    ("/mpp/", "/mpp/", ""),
                    ("/layanan/", "/layanan/", ""),
                    ("/cari/?q=akta+kelahiran", "/cari/?q=akta+kelahiran", ""),
                    (f"/layanan/{service_id}/", f"/layanan/{service_id}/", ""),
                    ("GET /api/v1/services?region=2171", "/api/v1/services?region=2171", ""),
                    (f"GET /api/v1/services/{service_id}", f"/api/v1/services/{service_id}", ""),
                    ("/permohonan/ (citizen)", "/permohonan/", citizen),
                    ("/kelola/permohonan/ (officer)", "/kelola/permohonan/", officer),
                ]
                print(f"cache {mode}:", file=sys.stderr)
                before = measure(base, [("/healthz", "/healthz", "")], args)[0][1]
                results = measure(base, pages, args)
                after = measure(base, [("/healthz", "/healthz", "")], args)[0][1]
            finally:
                stop(server)
            tables.append((mode, before, after, results))
    finally:
        if redis is not None:
            stop(redis)
        shutil.rmtree(static_root, ignore_errors=True)

    client = "wrk -t2" if shutil.which("wrk") and not args.python_client else "python client"
    for mode, before, after, results in tables:
        health = (before["rps"] + after["rps"]) / 2
        print(
            f"\npublic-page cache {mode}; {client}, {args.connections} connections; "
            f"/healthz {before['rps']:.0f}/s before, {after['rps']:.0f}/s after "
            f"(p50 {before['p50']:.1f} ms, p99 {before['p99']:.1f} ms)\n"
        )
        print("| page | requests/s | p50 | p99 | ratio to /healthz | errors |")
        print("| --- | --- | --- | --- | --- | --- |")
        for label, r in results:
            errors = r["bad"] or ""
            if r["note"]:
                errors = f"{errors} {r['note']}".strip()
            print(
                f"| `{label}` | {r['rps']:.0f} | {r['p50']:.1f} ms | {r['p99']:.1f} ms "
                f"| {r['rps'] / health:.2f} | {errors} |"
            )


if __name__ == "__main__":
    main()
