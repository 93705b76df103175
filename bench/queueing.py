"""Benchmark: call-next with 5,000 tickets waiting at one MPP, and the hall display for 50 screens.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/mpp_bench_queue \\
        .venv/bin/python bench/queueing.py --waiting 5000 --calls 300 --screens 50 --seconds 30

1. Call-next: the demo queue of MPP Kota Batam is filled (by bulk insert) with ``--waiting`` tickets
   waiting today over its services (one in ten a priority ticket, half checked-in bookings); counter 2
   (serving three services) then calls ``--calls`` times through ``services.call_next`` — the real
   ``SELECT ... FOR UPDATE SKIP LOCKED`` and workflow transition with its history row and the call
   event. After each timed call the ticket is put back in line (untimed) so the line stays full.
2. The display: one granian WSGI process (1 worker, 4 blocking threads, as ``make run``) serves
   ``--screens`` clients, each polling the calls fragment every 2 s with its ETag (304 while nothing
   changed), while a counter calls a new number every 3 s. Printed: request p50/p95 and how long
   after a call every screen shows it (p50/p95/max).
"""

from __future__ import annotations

import argparse
import datetime
import os
import secrets
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from _common import percentile, start_django_on_postgres  # noqa: E402

PORT = 8765


def fill(waiting: int):
    from mpp.queueing import demo, services
    from mpp.queueing.models import Lane, Ticket

    loaded = demo.load()
    mpp, queues = loaded["mpp"], list(loaded["queues"].values())
    now = services.local_now(mpp)
    day = now.date()
    Ticket.objects.filter(mpp=mpp, date=day, code__contains="-B").delete()  # a rerun starts afresh
    existing = 0
    rows = []
    for index in range(existing, waiting):
        queue = queues[index % 3]
        rows.append(
            Ticket(
                mpp=mpp, agency_id=queue.agency_id, service_id=queue.service_id, queue=queue,
                channel="walk_in" if index % 2 else "online", priority=index % 10 == 0,
                priority_group="lansia" if index % 10 == 0 else "", date=day, number=10_000 + index,
                code=f"{queue.prefix}-B{index:05d}", booking_code=secrets.token_hex(4).upper()[:8] + f"{index}"[-4:],
                token=secrets.token_urlsafe(32), lane=Lane.WALK_IN if index % 2 else Lane.BOOKED,
                line_at=now - datetime.timedelta(seconds=waiting - index), checked_in_at=now,
                status="waiting",
            )
        )  # fmt: skip
    Ticket.objects.bulk_create(rows, batch_size=2000)
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE queueing_ticket")
    return mpp, queues


def bench_call_next(mpp, calls: int) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from mpp.accounts.models import User
    from mpp.queueing import selectors, services
    from mpp.queueing.models import Counter, Ticket

    officer = User.objects.get(username="petugas.dukcapil")
    # The counter as the console's request reads it (its MPP and region, its queues prefetched).
    counter = selectors.counter_for_officer(officer, Counter.objects.get(mpp=mpp, number=2).pk)
    Ticket.objects.filter(counter=counter, status__in=("called", "serving")).update(
        status="waiting", counter=None
    )
    waiting = Ticket.objects.filter(
        mpp=mpp, status="waiting", queue__in=counter.queues.all()
    ).count()
    times = []
    queries = 0
    for _ in range(calls):
        with CaptureQueriesContext(connection) as captured:
            start = time.perf_counter()
            ticket = services.call_next(counter, officer=officer)
            times.append((time.perf_counter() - start) * 1000)
        queries = len(captured)
        Ticket.objects.filter(pk=ticket.pk).update(
            status="waiting", counter=None, version=ticket.version
        )
    sys.stdout.flush()
    print(f"call-next, {waiting} waiting for counter 2 ({calls} calls, {queries} queries each):")
    print(
        f"  p50 {percentile(times, 0.5):.1f} ms  p95 {percentile(times, 0.95):.1f} ms  max {max(times):.1f} ms"
    )


def bench_display(mpp, screens: int, seconds: int) -> None:
    from django.db import close_old_connections

    from mpp.accounts.models import User
    from mpp.queueing import services
    from mpp.queueing.models import Counter, Ticket

    env = dict(os.environ, DJANGO_SETTINGS_MODULE="mpp.settings", ALLOWED_HOSTS="*", DEBUG="0")
    env.setdefault("SECRET_KEY", "bench-" + secrets.token_hex(16))
    server = subprocess.Popen(  # noqa: S603
        [str(Path(sys.executable).parent / "granian"), "--interface", "wsgi", "--host", "127.0.0.1",
         "--port", str(PORT), "--workers", "1", "--blocking-threads", "4", "--no-ws", "mpp.wsgi:application"],
        cwd=ROOT / "src", env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    url = f"http://127.0.0.1:{PORT}/antrean/layar/{mpp.slug}/panggilan/"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(url, timeout=2).read()
                break
            except OSError:
                time.sleep(0.2)
        latencies: list[float] = []
        seen_after: list[float] = []
        calls: dict[str, float] = {}
        stop = time.monotonic() + seconds
        lock = threading.Lock()

        def screen(index: int) -> None:
            etag, known = None, None
            time.sleep(2 * index / screens)  # screens switched on at different moments
            while time.monotonic() < stop:
                request = urllib.request.Request(
                    url, headers={"If-None-Match": etag} if etag else {}
                )
                start = time.perf_counter()
                try:
                    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
                        body = response.read().decode()
                        etag = response.headers.get("ETag")
                except urllib.error.HTTPError as error:
                    body = None if error.code == 304 else ""
                elapsed = time.perf_counter() - start
                with lock:
                    latencies.append(elapsed * 1000)
                if body:
                    code = (
                        body.split('data-code="', 1)[1].split('"', 1)[0]
                        if 'data-code="' in body
                        else None
                    )
                    if code and code != known:
                        with lock:
                            if code in calls:
                                seen_after.append(time.monotonic() - calls[code])
                        known = code
                time.sleep(2)

        threads = [threading.Thread(target=screen, args=(i,)) for i in range(screens)]
        for thread in threads:
            thread.start()
        counter = Counter.objects.get(mpp=mpp, number=2)
        officer = User.objects.get(username="petugas.dukcapil")
        time.sleep(3)
        made = 0
        while time.monotonic() < stop - 3:
            Ticket.objects.filter(counter=counter, status="called").update(
                status="waiting", counter=None
            )
            ticket = services.call_next(counter, officer=officer)
            calls[ticket.code] = time.monotonic()
            made += 1
            time.sleep(3)
        for thread in threads:
            thread.join()
        close_old_connections()
        print(
            f"display: {screens} screens polling every 2 s on one granian process for {seconds} s, {made} calls:"
        )
        print(
            f"  {len(latencies)} requests ({len(latencies) / seconds:.0f}/s): p50 {percentile(latencies, 0.5):.1f} ms  p95 {percentile(latencies, 0.95):.1f} ms"
        )
        if seen_after:
            print(
                f"  a call reached every screen after p50 {percentile(seen_after, 0.5):.2f} s  p95 {percentile(seen_after, 0.95):.2f} s  max {max(seen_after):.2f} s ({len(seen_after)} sightings)"
            )
    finally:
        server.terminate()
        server.wait(timeout=10)


def bench_fragment(mpp, requests: int = 300) -> None:
    """The display's poll answered in process (Django test client): the CPU cost of one screen."""
    from django.test import Client

    client = Client()
    url = f"/antrean/layar/{mpp.slug}/panggilan/"
    etag = client.get(url)["ETag"]
    for label, headers in (
        ("changed (200)", {}),
        ("unchanged (304)", {"HTTP_IF_NONE_MATCH": etag}),
    ):
        times = []
        for _ in range(requests):
            start = time.perf_counter()
            client.get(url, **headers)
            times.append((time.perf_counter() - start) * 1000)
        print(
            f"display poll in process, {label}: p50 {percentile(times, 0.5):.1f} ms  p95 {percentile(times, 0.95):.1f} ms"
        )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--waiting", type=int, default=5000)
    parser.add_argument("--calls", type=int, default=300)
    parser.add_argument("--screens", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=30)
    parser.add_argument(
        "--only", default="call,fragment,display", help="comma-separated parts to run"
    )
    args = parser.parse_args()
    parts = set(args.only.split(","))
    start_django_on_postgres("mpp-bench-queue-")
    mpp, _queues = fill(args.waiting)
    if "call" in parts:
        bench_call_next(mpp, args.calls)
    if "fragment" in parts:
        bench_fragment(mpp)
    if "display" in parts:
        bench_display(mpp, args.screens, args.seconds)


if __name__ == "__main__":
    main()
