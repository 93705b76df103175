"""Work on the worker: producing an issued application's document, and the deadline sweep."""

from __future__ import annotations

import datetime

from django_tasks import task

from mpp.cases import services


@task()
def produce_document(application_id: int, actor_id: int | None = None) -> str | None:
    """Render and sign the document of an issued application (idempotent); its number."""
    document = services.produce_document(application_id, actor_id=actor_id)
    return document.number if document else None


@task()
def sweep_deadlines(now: str | None = None) -> dict[str, int]:
    """Flag breaches; approve and issue fiktif-positif applications whose deadline passed.

    ``now`` (ISO 8601, aware) lets a test or an operator run the sweep as of another moment.
    """
    moment = datetime.datetime.fromisoformat(now) if now else None
    result = services.sweep_deadlines(moment)
    return {
        "breached": result.breached,
        "auto_approved": result.auto_approved,
        "issued": result.issued,
        "failed": result.failed,
        "skipped": result.skipped,
    }


@task()
def resume_issuing() -> int:
    """Enqueue again the documents of issued applications whose production was interrupted."""
    return services.resume_issuing()
