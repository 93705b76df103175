"""Wires the queue to the applications app (siblings that may not import each other): the counter
console links a visit to an application by tracking number and learns where it lives."""

from __future__ import annotations

from mpp.cases.models import Application
from mpp.queueing.registry import ApplicationAt


def application_at(reference: str) -> ApplicationAt | None:
    row = (
        Application.objects.exclude(status="draft")
        .filter(tracking_number=reference)
        .values_list("mpp_id", "agency_id")
        .first()
    )
    return ApplicationAt(mpp_id=row[0], agency_id=row[1]) if row else None
