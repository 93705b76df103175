"""Work on the worker: producing an issued application's document, and resuming it."""

from __future__ import annotations

from django_tasks import task

from mpp.cases import services


@task()
def produce_document(application_id: int, actor_id: int | None = None) -> str | None:
    """Render and sign the document of an issued application (idempotent); its number."""
    document = services.produce_document(application_id, actor_id=actor_id)
    return document.number if document else None


@task()
def resume_issuing() -> int:
    """Enqueue again the documents of issued applications whose production was interrupted."""
    return services.resume_issuing()
