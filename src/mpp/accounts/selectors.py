from __future__ import annotations

import base64

from django.db.models import Q, QuerySet
from django_otp.plugins.otp_totp.models import TOTPDevice

from mpp.accounts.models import ApiToken, Role, RoleGrant, User
from mpp.accounts.policy import Perm, scope_filter
from mpp.audit.models import AuditEvent
from mpp.tenancy.models import AgencyPresence


def tokens_of(user: User) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=user).order_by("-created_at")


def totp_secret_base32(device: TOTPDevice) -> str:
    """The secret as people type it into an authenticator app, in groups of four."""
    secret = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def audit_events() -> QuerySet[AuditEvent]:
    return AuditEvent.objects.select_related("actor").order_by("-at", "-id")


def role_grants_for(user) -> QuerySet[RoleGrant]:
    """Active role grants inside the scope where ``user`` manages staff (one query).

    Officers and MPP managers are placed by their MPP, agency admins by their agency (its home
    kab/kota or an MPP where it serves), regional admins by their kab/kota; the ministry sees all.
    """
    serving_here = AgencyPresence.objects.filter(
        scope_filter(user, Perm.MANAGE_STAFF, agency=None, mpp="mpp_id", region="mpp__region_id"),
        is_active=True,
    ).values("agency_id")
    by_place = scope_filter(
        user, Perm.MANAGE_STAFF, agency="agency_id", mpp="mpp_id", region="mpp__region_id"
    )
    by_region = scope_filter(user, Perm.MANAGE_STAFF, agency=None, mpp=None, region="region_id")
    by_agency_home = scope_filter(
        user, Perm.MANAGE_STAFF, agency=None, mpp=None, region="agency__region_id"
    )
    if not by_place or not by_region:
        visible = Q()  # a national role: an empty Q would vanish from an OR, so say it plainly
    else:
        visible = (
            by_place
            | by_region
            | (Q(role=Role.AGENCY_ADMIN) & (by_agency_home | Q(agency_id__in=serving_here)))
        )
    return (
        RoleGrant.objects.active()
        .filter(visible)
        .select_related("user", "region", "mpp", "mpp__region", "agency", "granted_by")
        .order_by("role", "user__name", "pk")
    )
