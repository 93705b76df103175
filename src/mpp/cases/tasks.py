"""Work on the worker: producing an issued application's document, and resuming it."""

from __future__ import annotations

from django_tasks import task

from mpp.cases import services


@task()
def produce_document(
    application_id: int, actor_id: int | None = None, public_base_url: str = ""
) -> str | None:
    """Render and sign the document of an issued application (idempotent); its number.

    ``public_base_url`` is the product's address captured when the officer issued (the worker has
    no request); the QR code and the printed verification link use it."""
    document = services.produce_document(
        application_id, actor_id=actor_id, public_base_url=public_base_url
    )
    return document.number if document else None


@task()
def resume_issuing() -> int:
    """Enqueue again the documents of issued applications whose production was interrupted."""
    return services.resume_issuing()
