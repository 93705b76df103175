"""Scheduled work of documents: finishing documents a crashed worker left pending."""

from __future__ import annotations

from django_tasks import task

from mpp.documents import services


@task()
def finish_pending_documents() -> int:
    return services.finish_pending_documents()
