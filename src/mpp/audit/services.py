"""Writing to the audit log. Callers pass no personal data: ids and short labels only."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.http import HttpRequest

from mpp.audit.models import AuditAction, AuditEvent


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
