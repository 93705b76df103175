"""The SP4N-LAPOR! connector: a plugin that forwards a complaint and reads back its status.

``settings.MPP_LAPOR_CONNECTOR`` names the class (dotted path). The default writes one row per
complaint to :class:`~mpp.complaints.models.LaporOutbox` (no network here); a relay takes it to the
national system. The idempotency key (``mpp:<tracking number>``) is unique, so a complaint is never
forwarded twice whatever retries happen, and a complaint that came *from* LAPOR (it carries the key
already) is not sent back.
"""

from __future__ import annotations

from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string

from mpp.complaints.models import Complaint, LaporOutbox


class LaporConnector(Protocol):
    def forward(self, complaint: Complaint, key: str) -> None: ...

    def status(self, complaint: Complaint) -> str: ...


class OutboxConnector:
    """The default: the national system's copy is a row in the outbox table."""

    def forward(self, complaint: Complaint, key: str) -> None:
        LaporOutbox.objects.get_or_create(
            idempotency_key=key,
            defaults={
                "complaint": complaint,
                "payload": {
                    "tracking_number": complaint.tracking_number,
                    "kind": complaint.kind,
                    "title": complaint.title,
                    "text": complaint.text,
                    "region": complaint.region_id,
                    "anonymous": complaint.is_anonymous,
                    "confidential": complaint.is_confidential,
                },
            },
        )

    def status(self, complaint: Complaint) -> str:
        row = LaporOutbox.objects.filter(complaint=complaint).first()
        return row.remote_status if row else ""


def connector() -> LaporConnector:
    path = getattr(settings, "MPP_LAPOR_CONNECTOR", "mpp.complaints.lapor.OutboxConnector")
    return import_string(path)()


def idempotency_key(complaint: Complaint) -> str:
    return f"mpp:{complaint.tracking_number}"
