"""Writing to the audit log. Callers pass no personal data: ids and short labels only."""

from __future__ import annotations

import ipaddress
from functools import cache
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models
from django.http import HttpRequest

from mpp.audit.models import AccessRecord, AuditAction, AuditEvent

if TYPE_CHECKING:
    from mpp.accounts.models import User


@cache
def _trusted_proxies(
    setting: tuple[str, ...],
) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    return tuple(ipaddress.ip_network(item, strict=False) for item in setting)


def _is_trusted(address: str) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in _trusted_proxies(tuple(settings.TRUSTED_PROXIES)))


def client_ip(request: HttpRequest | None) -> str | None:
    """The client's address: ``REMOTE_ADDR``, or behind a trusted proxy the nearest address in
    ``X-Forwarded-For`` that is not one of the trusted proxies.

    ``X-Forwarded-For`` is read only when the connection comes from a proxy in ``TRUSTED_PROXIES``:
    anyone else could write any address there and escape lockouts and rate limits.
    """
    if request is None:
        return None
    remote: str | None = request.META.get("REMOTE_ADDR") or None
    if remote is None or not _is_trusted(remote):
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    for address in reversed([part for part in forwarded if part]):
        if _is_trusted(address):
            continue
        try:
            return str(ipaddress.ip_address(address))
        except ValueError:
            return remote  # a malformed hop: trust nothing beyond our own proxy
    return remote


def axes_client_ip(request: HttpRequest) -> str | None:
    """django-axes' client address (AXES_CLIENT_IP_CALLABLE)."""
    return client_ip(request)


def record_event(
    action: AuditAction,
    *,
    actor: User | None = None,
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
    viewer: User,
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


def record_system_access(
    *, subject_id: int, source: str, kind: str, reference: str = "", channel: str = "system"
) -> AccessRecord:
    """Record a look-up of a citizen's data by the platform itself in an outside registry (a
    Dukcapil NIK check, say), shown to the citizen beside the staff reads."""
    return AccessRecord.objects.create(
        subject_id=subject_id,
        viewer=None,
        viewer_name=source[:150],
        viewer_role="",
        agency_name="",
        kind=kind,
        reference=reference[:40],
        channel=channel,
    )
