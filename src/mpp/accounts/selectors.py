from __future__ import annotations

import base64

from django.db.models import Q, QuerySet
from django_otp.plugins.otp_totp.models import TOTPDevice

from mpp.accounts.models import ApiToken, Role, RoleGrant, User
from mpp.accounts.policy import Perm, scope_filter
from mpp.audit.models import AuditEvent
from mpp.tenancy.models import MPP, Agency, AgencyPresence


def tokens_of(user: User) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=user).order_by("-created_at")


def totp_secret_base32(device: TOTPDevice) -> str:
    """The secret as people type it into an authenticator app, in groups of four."""
    secret = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


AUDIT_ORDER = ("-at", "-id")  # newest first (keyset pager)


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


# --- The tenancy tree as the policy lets a user see it ---------------------------------------


def workplaces_for(user, perm: Perm = Perm.WORK) -> QuerySet[AgencyPresence]:
    """Agency-at-MPP units the user may work in with ``perm`` (one query)."""
    return (
        AgencyPresence.objects.filter(is_active=True)
        .filter(scope_filter(user, perm, agency="agency_id", mpp="mpp_id", region="mpp__region_id"))
        .select_related("agency", "mpp", "mpp__region")
        .order_by("mpp__name", "agency__name")
    )


def agencies_for(user, perm: Perm = Perm.WORK) -> QuerySet[Agency]:
    """Agencies the user may see in the back office with ``perm`` (one query)."""
    visible = AgencyPresence.objects.filter(
        scope_filter(user, perm, agency="agency_id", mpp="mpp_id", region="mpp__region_id")
    ).values("agency_id")
    return Agency.objects.filter(pk__in=visible).select_related("region").order_by("name")


def mpps_for(user, perm: Perm = Perm.MANAGE_MPP) -> QuerySet[MPP]:
    """MPPs the user may run with ``perm`` (one query)."""
    visible = AgencyPresence.objects.filter(
        scope_filter(user, perm, agency="agency_id", mpp="mpp_id", region="mpp__region_id")
    ).values("mpp_id")
    direct = scope_filter(user, perm, agency=None, mpp="pk", region="region_id")
    return (
        MPP.objects.filter(direct | Q(pk__in=visible))
        .select_related("region")
        .order_by("region_id", "name")
    )
