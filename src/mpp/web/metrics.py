"""``/metrics``: what an operator's Prometheus scrapes (docs/operations.md, "Metrics and alerts").

Two kinds of series:

- **per process**, counted as requests pass (:class:`MetricsMiddleware`): requests by route, method
  and status, and their latency. Under granian's several workers set ``PROMETHEUS_MULTIPROC_DIR``
  (an empty directory per node, emptied when the web unit starts): every worker writes its counts
  there and any worker's ``/metrics`` shows the node's sum.
- **read from the database at scrape time** (:class:`DatabaseCollector`), the same from any node:
  the task queue's depth and age (django-tasks-db's table), failed tasks, the last run of each
  sweep, the connectors' circuit breakers and recent calls, and the replica's lag.

The page is for the monitoring system only: from ``MPP_METRICS_ALLOWED_IPS`` (the direct peer's
address; 127.0.0.1 by default) or with ``Authorization: Bearer`` ``MPP_METRICS_TOKEN``.
"""

from __future__ import annotations

import hmac
import ipaddress
import logging
import os
import time
from collections.abc import Callable, Iterator
from typing import Any

from django.conf import settings
from django.db import connections
from django.db.models import Count, Max, Min
from django.db.utils import DatabaseError
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from mpp import requestid
from mpp.integrations import selectors as integrations

logger = logging.getLogger(__name__)
request_log = logging.getLogger("mpp.requests")

REQUESTS = Counter(
    "mpp_http_requests",
    "HTTP requests answered, by route pattern, method and status.",
    ["route", "method", "status"],
)
LATENCY = Histogram(
    "mpp_http_request_duration_seconds",
    "Time from the request reaching Django to its answer, by route pattern.",
    ["route", "method"],
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
# Methods outside this list are counted as "other" (a client may send any word).
METHODS = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"}


def route_of(request: HttpRequest) -> str:
    """The URL pattern that answered (``permohonan/<int:pk>/``), never the path itself: bounded
    in number, and free of ids and codes."""
    match = getattr(request, "resolver_match", None)
    if match is None:
        return "unmatched"
    return "/" + str(match.route)


class MetricsMiddleware:
    """Count and time every request; log one line per request (route, status, time, request id)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        response = self.get_response(request)
        elapsed = time.perf_counter() - started
        route = route_of(request)
        method = request.method if request.method in METHODS else "other"
        REQUESTS.labels(route, method, str(response.status_code)).inc()
        LATENCY.labels(route, method).observe(elapsed)
        request_log.info(
            "%s %s %s %.0f ms",
            method,
            route,
            response.status_code,
            elapsed * 1000,
            extra={"route": route, "status": response.status_code, "ms": round(elapsed * 1000)},
        )
        return response


class RequestIdMiddleware:
    """Bind the request id (``X-Request-ID`` if acceptable, else a new one) for the request's log
    lines and tasks, and echo it in the response."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request_id = requestid.accepted_or_new(request.headers.get(requestid.HEADER))
        # Bound until the response is closed (``request_finished`` clears it), so that Django's
        # own line for a failed request, written after the middleware, carries it too.
        requestid.bind(request_id)
        response = self.get_response(request)
        response[requestid.HEADER] = request_id
        return response


class DatabaseCollector(Collector):
    """Series read from the database at each scrape (a handful of grouped queries)."""

    def collect(self) -> Iterator[GaugeMetricFamily]:
        try:
            yield from self._tasks()
            yield from self._connectors()
        except DatabaseError as error:
            logger.warning("metrics: database not read (%s)", type(error).__name__)
            up = GaugeMetricFamily("mpp_database_up", "1 when /metrics could read the database.")
            up.add_metric([], 0)
            yield up
            return
        up = GaugeMetricFamily("mpp_database_up", "1 when /metrics could read the database.")
        up.add_metric([], 1)
        yield up
        yield from self._replica_lag()

    def _tasks(self) -> Iterator[GaugeMetricFamily]:
        from django_tasks_db.models import DBTaskResult

        now = timezone.now()
        queued = GaugeMetricFamily(
            "mpp_tasks_queued", "Tasks waiting for a worker, by task.", labels=["task"]
        )
        oldest = GaugeMetricFamily(
            "mpp_tasks_oldest_queued_age_seconds",
            "Age of the oldest task waiting whose time has come, by task.",
            labels=["task"],
        )
        waiting = (
            DBTaskResult.objects.filter(status="READY")
            .order_by()
            .values_list("task_path")
            .annotate(n=Count("pk"), first=Min("run_after"))
        )
        for task, n, first in waiting:
            queued.add_metric([task], n)
            oldest.add_metric([task], max(0.0, (now - first).total_seconds()) if first else 0.0)
        yield queued
        yield oldest
        by_status = GaugeMetricFamily(
            "mpp_tasks",
            "Task rows by task and status (FAILED rows only grow until they are pruned: alert on "
            "their increase).",
            labels=["task", "status"],
        )
        rows = (
            DBTaskResult.objects.exclude(status="READY")
            .order_by()
            .values_list("task_path", "status")
            .annotate(n=Count("pk"))
        )
        for task, status, n in rows:
            by_status.add_metric([task, status], n)
        yield by_status
        yield from self._sweeps(DBTaskResult)

    def _sweeps(self, model: Any) -> Iterator[GaugeMetricFamily]:
        paths = list(settings.MPP_SCHEDULE)
        last = GaugeMetricFamily(
            "mpp_sweep_last_success_timestamp_seconds",
            "When each scheduled sweep last finished successfully (Unix time).",
            labels=["sweep"],
        )
        duration = GaugeMetricFamily(
            "mpp_sweep_last_duration_seconds",
            "How long each scheduled sweep's last successful run took.",
            labels=["sweep"],
        )
        newest = (
            model.objects.filter(task_path__in=paths, status="SUCCESSFUL")
            .order_by()
            .values("task_path")
            .annotate(at=Max("finished_at"))
        )
        finished = {row["task_path"]: row["at"] for row in newest if row["at"]}
        runs = (
            model.objects.filter(
                task_path__in=list(finished), finished_at__in=list(finished.values())
            )
            .order_by()
            .values_list("task_path", "started_at", "finished_at")
        )
        for task, started_at, finished_at in runs:
            if finished.pop(task, None) != finished_at:
                continue  # another sweep's run that finished at the same instant, or a second one
            last.add_metric([task], finished_at.timestamp())
            if started_at:
                duration.add_metric([task], (finished_at - started_at).total_seconds())
        yield last
        yield duration

    def _connectors(self) -> Iterator[GaugeMetricFamily]:
        breakers = GaugeMetricFamily(
            "mpp_connector_breakers",
            "Region configurations of each connector by circuit breaker state.",
            labels=["connector", "state"],
        )
        for (connector, state), n in integrations.breaker_counts().items():
            breakers.add_metric([connector, state], n)
        yield breakers
        calls = GaugeMetricFamily(
            "mpp_connector_recent_calls",
            "Calls to outside systems in the last 15 minutes, by connector and outcome.",
            labels=["connector", "outcome"],
        )
        for (connector, outcome), n in integrations.recent_call_counts().items():
            calls.add_metric([connector, outcome], n)
        yield calls

    def _replica_lag(self) -> Iterator[GaugeMetricFamily]:
        if "replica" not in settings.DATABASES:
            return
        replica = connections["replica"]
        if replica.vendor != "postgresql":
            return
        lag = GaugeMetricFamily(
            "mpp_replica_lag_seconds",
            "How far the read replica (dashboards, exports) is behind the primary; 0 when it has "
            "replayed everything it received.",
        )
        try:
            with replica.cursor() as cursor:
                cursor.execute(
                    "SELECT CASE WHEN NOT pg_is_in_recovery() THEN 0"
                    " WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0"
                    " ELSE EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp()) END"
                )
                value = cursor.fetchone()[0]
        except DatabaseError as error:
            logger.warning("metrics: replica not read (%s)", type(error).__name__)
            return
        lag.add_metric([], float(value or 0))
        yield lag


def _registry() -> CollectorRegistry:
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
    else:
        registry = REGISTRY
    return registry


def allowed(request: HttpRequest) -> bool:
    """From an allowed address (the direct peer; never X-Forwarded-For) or with the token."""
    token = settings.MPP_METRICS_TOKEN
    sent = request.headers.get("Authorization", "")
    if token and hmac.compare_digest(sent.encode(), f"Bearer {token}".encode()):
        return True
    try:
        peer = ipaddress.ip_address(request.META.get("REMOTE_ADDR", ""))
    except ValueError:
        return False
    return any(peer in network for network in settings.MPP_METRICS_ALLOWED_NETWORKS)


@never_cache
def metrics(request: HttpRequest) -> HttpResponse:
    if not allowed(request):
        return HttpResponse("forbidden\n", status=403, content_type="text/plain")
    registry = _registry()
    extra = CollectorRegistry(auto_describe=False)
    extra.register(DatabaseCollector())
    body = generate_latest(registry) + generate_latest(extra)
    return HttpResponse(body, content_type=CONTENT_TYPE_LATEST)
