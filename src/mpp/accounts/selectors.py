from __future__ import annotations

import base64

from django.db.models import QuerySet
from django_otp.plugins.otp_totp.models import TOTPDevice

from mpp.accounts.models import ApiToken, User
from mpp.audit.models import AuditEvent


def tokens_of(user: User) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=user).order_by("-created_at")


def totp_secret_base32(device: TOTPDevice) -> str:
    """The secret as people type it into an authenticator app, in groups of four."""
    secret = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def audit_events() -> QuerySet[AuditEvent]:
    return AuditEvent.objects.select_related("actor").order_by("-at", "-id")
