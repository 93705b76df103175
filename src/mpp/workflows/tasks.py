"""Scheduled work of the workflow engine: retrying hooks that failed after their commit."""

from __future__ import annotations

from django_tasks import task

from mpp.workflows import services


@task()
def retry_failed_hooks() -> dict[str, int]:
    result = services.retry_failed_hooks()
    return {"succeeded": result.succeeded, "failed": result.failed}
