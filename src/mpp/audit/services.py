"""Writing to the audit log. Callers pass no personal data: ids and short labels only."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.http import HttpRequest

from mpp.audit.models import AccessRecord, AuditAction, AuditEvent


def client_ip(request: HttpRequest | None) -> str | None:
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


def record_event(
    action: AuditAction,
    *,
    actor=None,
    target: models.Model | None = None,
    summary: str = "",
    request: HttpRequest | None = None,
    data: dict[str, Any] | None = None,
) -> AuditEvent:
    if actor is not None and not getattr(actor, "pk", None):
        actor = None
    return AuditEvent.objects.create(
        action=action,
        actor=actor,
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        summary=summary[:255],
        ip_address=client_ip(request),
        data=data or {},
    )


def record_access(
    *,
    viewer,
    subject_id: int,
    role: str,
    agency_name: str,
    kind: str,
    application: models.Model | None = None,
    reference: str = "",
    channel: str = "web",
) -> AccessRecord:
    """Record one staff look at a citizen's personal data (shown to the citizen)."""
    return AccessRecord.objects.create(
        subject_id=subject_id,
        viewer=viewer,
        viewer_name=(viewer.name or viewer.username)[:150],
        viewer_role=role,
        agency_name=agency_name[:200],
        kind=kind,
        application_id=application.pk if application is not None else None,
        reference=reference[:40],
        channel=channel,
    )
