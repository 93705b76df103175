"""What an operator's tools see: /readyz, /metrics, request ids in responses, logs and tasks."""

from __future__ import annotations

import io
import json
import logging
import re

import pytest
from django_tasks_db.models import DBTaskResult
from prometheus_client.parser import text_string_to_metric_families

from mpp import requestid
from mpp.deadlines import request_ids
from mpp.web.logging import JsonLines

pytestmark = pytest.mark.django_db


def scrape(client, **headers) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    response = client.get("/metrics", headers=headers)
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"].startswith("text/plain; version=")
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(response.content.decode())
        for sample in family.samples
    }


def value(samples, name: str, **labels: str) -> float:
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


def test_readyz_answers_ok_when_database_cache_and_store_answer(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "cache": "ok", "store": "ok"}
    assert client.get("/healthz").json() == {"status": "ok", "database": "ok"}


def test_readyz_answers_503_problem_when_the_cache_is_down(client, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:9/8",  # nothing listens there
        }
    }
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["checks"] == {"database": "ok", "cache": "unavailable", "store": "ok"}


def test_metrics_are_only_for_the_monitoring_system(client, settings):
    settings.MPP_METRICS_TOKEN = "rahasia-pemantauan"
    outsider = client.get("/metrics", REMOTE_ADDR="203.0.113.9")
    assert outsider.status_code == 403
    spoofed = client.get(
        "/metrics", REMOTE_ADDR="203.0.113.9", headers={"X-Forwarded-For": "127.0.0.1"}
    )
    assert spoofed.status_code == 403
    wrong = client.get(
        "/metrics", REMOTE_ADDR="203.0.113.9", headers={"Authorization": "Bearer salah"}
    )
    assert wrong.status_code == 403
    with_token = client.get(
        "/metrics",
        REMOTE_ADDR="203.0.113.9",
        headers={"Authorization": "Bearer rahasia-pemantauan"},
    )
    assert with_token.status_code == 200
    assert client.get("/metrics").status_code == 200  # from 127.0.0.1, the default


def test_request_series_move_with_each_request(client):
    before = scrape(client)
    client.get("/healthz")
    client.get("/healthz")
    client.get("/tidak-ada-halaman-ini/")
    after = scrape(client)
    labels = {"route": "/healthz", "method": "GET", "status": "200"}
    assert value(after, "mpp_http_requests_total", **labels) == (
        value(before, "mpp_http_requests_total", **labels) + 2
    )
    timed = {"route": "/healthz", "method": "GET"}
    assert value(after, "mpp_http_request_duration_seconds_count", **timed) == (
        value(before, "mpp_http_request_duration_seconds_count", **timed) + 2
    )
    unmatched = {"route": "unmatched", "method": "GET", "status": "404"}
    assert value(after, "mpp_http_requests_total", **unmatched) >= 1
    assert value(after, "mpp_database_up") == 1


def test_task_queue_depth_age_failures_and_sweeps_are_exposed(client, settings):
    from django.utils import timezone

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    from mpp.deadlines.tasks import sweep_deadlines

    sweep_deadlines.enqueue()
    sweep_deadlines.enqueue()
    now = timezone.now()
    DBTaskResult.objects.filter(pk=DBTaskResult.objects.first().pk).update(
        run_after=now - timezone.timedelta(minutes=10)
    )
    path = "mpp.deadlines.tasks.sweep_deadlines"
    samples = scrape(client)
    assert value(samples, "mpp_tasks_queued", task=path) == 2
    assert value(samples, "mpp_tasks_oldest_queued_age_seconds", task=path) >= 600

    DBTaskResult.objects.filter(task_path=path).update(
        status="SUCCESSFUL",
        started_at=now - timezone.timedelta(seconds=3),
        finished_at=now,
    )
    sweep_deadlines.enqueue()
    DBTaskResult.objects.filter(task_path=path, status="READY").update(status="FAILED")
    samples = scrape(client)
    assert value(samples, "mpp_tasks_queued", task=path) == 0
    assert value(samples, "mpp_tasks", task=path, status="FAILED") == 1
    assert value(samples, "mpp_sweep_last_duration_seconds", sweep=path) == pytest.approx(3)
    assert value(samples, "mpp_sweep_last_success_timestamp_seconds", sweep=path) == pytest.approx(
        now.timestamp()
    )


def test_connector_breakers_and_calls_are_exposed(client):
    from django.utils import timezone

    from mpp.integrations.models import Breaker, Call

    Breaker.objects.create(connector="dukcapil", region=None, state="open")
    Call.objects.create(
        at=timezone.now(), connector="dukcapil", operation="verify", outcome="error"
    )
    samples = scrape(client)
    assert value(samples, "mpp_connector_breakers", connector="dukcapil", state="open") == 1
    assert value(samples, "mpp_connector_recent_calls", connector="dukcapil", outcome="error") == 1


def test_the_request_id_is_taken_or_made_and_echoed(client):
    sent = client.get("/healthz", headers={"X-Request-ID": "lb-4f2a9c"})
    assert sent["X-Request-ID"] == "lb-4f2a9c"
    made = client.get("/healthz")
    assert re.fullmatch(r"[0-9a-f]{32}", made["X-Request-ID"])
    hostile = client.get("/healthz", headers={"X-Request-ID": "x\r\nEvil: 1 " + "a" * 300})
    assert re.fullmatch(r"[0-9a-f]{32}", hostile["X-Request-ID"])


def test_json_log_lines_carry_the_request_id_and_never_the_path(client):
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonLines("%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s"))
    handler.addFilter(requestid.RequestIdFilter())
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        client.get("/healthz?nik=2171011508900003", headers={"X-Request-ID": "req-77"})
        client.get("/tidak-ada/", headers={"X-Request-ID": "req-78"})
    finally:
        root.removeHandler(handler)
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    requests = [line for line in lines if line["name"] == "mpp.requests"]
    assert [(line["request_id"], line["status"]) for line in requests] == [
        ("req-77", 200),
        ("req-78", 404),
    ]
    assert "nik=" not in stream.getvalue()  # the route is logged, not the path and query


@pytest.mark.django_db(transaction=True)  # the worker closes its connection between tasks
def test_a_task_enqueued_during_a_request_carries_its_id_to_the_worker(settings):
    from django.core.management import call_command

    from mpp.deadlines.tasks import sweep_deadlines

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    with requestid.bound("req-task-1"):
        result = sweep_deadlines.enqueue()
    outside = sweep_deadlines.enqueue()
    assert DBTaskResult.objects.get(pk=result.id).args_kwargs["request_id"] == "req-task-1"
    assert "request_id" not in DBTaskResult.objects.get(pk=outside.id).args_kwargs

    seen: list[tuple[str, str]] = []

    class Remember(logging.Filter):
        def filter(self, record):
            seen.append((record.getMessage(), requestid.current()))
            return True

    worker_log = logging.getLogger(request_ids.__name__)
    remember = Remember()
    worker_log.addFilter(remember)
    try:
        call_command("db_worker", "--batch", "--interval", "0", verbosity=0)
    finally:
        worker_log.removeFilter(remember)
    assert [(message.split(":")[0], bound) for message, bound in seen] == [
        (f"task {result.id} started", "req-task-1"),
        (f"task {result.id} finished", "req-task-1"),
    ]
    assert DBTaskResult.objects.filter(status="SUCCESSFUL").count() == 2
    assert requestid.current() == ""
