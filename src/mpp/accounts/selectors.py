from __future__ import annotations

import base64
import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django_otp.plugins.otp_totp.models import TOTPDevice

from mpp.accounts import privacy
from mpp.accounts.models import ApiToken, Invitation, OidcIdentity, RoleGrant, User
from mpp.accounts.policy import Perm, Principal, scope_filter, scope_filter_any
from mpp.audit.models import AuditEvent
from mpp.regions.localtime import NATIONAL_ZONE
from mpp.tenancy.models import MPP, Agency, AgencyPresence, MppNetwork


def tokens_of(user: User) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=user).order_by("-created_at")


def totp_secret_base32(device: TOTPDevice) -> str:
    """The secret as people type it into an authenticator app, in groups of four."""
    secret = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


AUDIT_ORDER = ("-at", "-id")  # newest first (keyset pager)


def audit_events() -> QuerySet[AuditEvent]:
    return AuditEvent.objects.select_related("actor").order_by("-at", "-id")


@dataclass(frozen=True)
class AuditRow:
    """One audit event as the audit view shows it: no citizen's name or address (the viewer is a
    ministry role, which sees no personal data; ``privacy.account_label``)."""

    event: AuditEvent
    actor: str
    target: str
    ip: str


def audit_rows(events: Iterable[AuditEvent]) -> list[AuditRow]:
    """The events with their actor and target labelled by ``privacy``: staff by username, citizens
    by pseudonym; the IP of staff actors only (two queries for a page: the events, the staff)."""
    events = list(events)
    user_type = User._meta.label_lower
    ids = {e.actor_id for e in events if e.actor_id} | {
        int(e.target_id) for e in events if e.target_type == user_type and e.target_id.isdigit()
    }
    accounts = {
        row["pk"]: row
        for row in User.objects.filter(pk__in=ids).values("pk", "username", "is_superuser")
    }
    staff = set(RoleGrant.objects.filter(user_id__in=ids).values_list("user_id", flat=True)) | {
        pk for pk, row in accounts.items() if row["is_superuser"]
    }

    def label(pk: int | None) -> str:
        if pk is None or pk not in accounts:
            return ""
        return privacy.account_label(pk, username=accounts[pk]["username"], staff=pk in staff)

    rows = []
    for event in events:
        target = (
            label(int(event.target_id))
            if event.target_type == user_type and event.target_id.isdigit()
            else ""
        )
        rows.append(
            AuditRow(
                event=event,
                actor=label(event.actor_id),
                target="" if event.target_id == str(event.actor_id) else target,
                ip=privacy.audit_ip(
                    event.ip_address,
                    staff_actor=event.actor_id in staff,
                    known_actor=event.actor_id is not None,
                ),
            )
        )
    return rows


def role_grants_for(user: Principal) -> QuerySet[RoleGrant]:
    """Active role grants inside the scope where ``user`` manages roles (one query).

    The same rule as ``policy.can_revoke``: a grant is listed when its declared scope lies inside one
    of the user's ``MANAGE_ROLES`` grants (a grant's kab/kota is its own or its MPP's).
    """
    return (
        RoleGrant.objects.active()
        .filter(_managed_scopes(user))
        .select_related("user", "region", "mpp", "mpp__region", "agency", "granted_by")
        .order_by("role", "user__name", "pk")
    )


def _managed_scopes(user: Principal) -> Q:
    """Rows (grants, invitations) whose declared scope lies inside one of the user's
    ``MANAGE_ROLES`` grants: a row's kab/kota is its own or its MPP's."""
    declared = {"agency": "agency_id", "mpp": "mpp_id"}
    return scope_filter(user, Perm.MANAGE_ROLES, region="region_id", **declared) | scope_filter(
        user, Perm.MANAGE_ROLES, region="mpp__region_id", **declared
    )


def open_invitations_for(user: Principal) -> QuerySet[Invitation]:
    """Invitations not yet accepted nor revoked (pending or expired) in the user's managed scope."""
    return (
        Invitation.objects.filter(accepted_at__isnull=True, revoked_at__isnull=True)
        .filter(_managed_scopes(user))
        .select_related("region", "mpp", "mpp__region", "agency", "invited_by")
        .order_by("-sent_at", "-id")
    )


# --- The tenancy tree as the policy lets a user see it ---------------------------------------

# Permissions that let a person see an agency-at-MPP unit's cases (fully or masked).
CASE_PERMS = (Perm.VIEW_CASES, Perm.OVERSEE_CASES)


def workplaces_for(user: Principal, *perms: Perm) -> QuerySet[AgencyPresence]:
    """Agency-at-MPP units the user may work in with any of ``perms`` (default: see their cases)."""
    where = scope_filter_any(
        user, perms or CASE_PERMS, agency="agency_id", mpp="mpp_id", region="mpp__region_id"
    )
    return (
        AgencyPresence.objects.filter(is_active=True)
        .filter(where)
        .select_related("agency", "mpp", "mpp__region")
        .order_by("mpp__name", "agency__name")
    )


def agencies_for(user: Principal, perm: Perm = Perm.VIEW_CASES) -> QuerySet[Agency]:
    """Agencies the user may see in the back office with ``perm`` (one query)."""
    visible = AgencyPresence.objects.filter(
        scope_filter(user, perm, agency="agency_id", mpp="mpp_id", region="mpp__region_id")
    ).values("agency_id")
    return Agency.objects.filter(pk__in=visible).select_related("region").order_by("name")


def mpps_for(user: Principal, perm: Perm = Perm.MANAGE_MPP) -> QuerySet[MPP]:
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


def mpp_networks_for(user: Principal) -> QuerySet[MppNetwork]:
    """The registered networks of the MPPs ``user`` runs (Perm.MANAGE_MPP)."""
    return MppNetwork.objects.filter(mpp__in=mpps_for(user, Perm.MANAGE_MPP)).select_related("mpp")


# --- What a citizen reads about who looked at their data ---------------------------------------


@dataclass(frozen=True)
class AccessGroup:
    """The looks of one officer at one kind of the citizen's data (one application) on one day."""

    viewer_name: str
    role: str  # the role's label, never its key
    agency_name: str
    what: str  # the kind's label
    reference: str
    day: datetime.date
    count: int
    first: datetime.datetime
    last: datetime.datetime


def access_groups(
    user: User, application_id: int | None = None, limit: int = 50
) -> list[AccessGroup]:
    """Who looked at ``user``'s data, grouped by officer, role, agency, what and day with a count
    (a page reload is a new record; the citizen reads one line for it), newest first."""
    from django.db.models import Count, Max, Min
    from django.db.models.functions import TruncDate

    from mpp.accounts.models import Role
    from mpp.audit.models import AccessKind
    from mpp.audit.selectors import access_log_of

    rows = (
        access_log_of(user, application_id)
        .annotate(day=TruncDate("at", tzinfo=NATIONAL_ZONE))  # the times show their zone
        .values("viewer_name", "viewer_role", "agency_name", "kind", "reference", "day")
        .annotate(count=Count("id"), first=Min("at"), last=Max("at"))
        .order_by("-last")[:limit]
    )
    roles, kinds = dict(Role.choices), dict(AccessKind.choices)
    return [
        AccessGroup(
            viewer_name=row["viewer_name"],
            role=str(roles.get(row["viewer_role"], "")),
            agency_name=row["agency_name"],
            what=str(kinds.get(row["kind"], "")),
            reference=row["reference"],
            day=row["day"],
            count=row["count"],
            first=row["first"],
            last=row["last"],
        )
        for row in rows
    ]


def identity_verified_by_provider(user: User) -> bool:
    """Whether an OpenID provider (INApas/IKD) vouched for the account's NIK: the account was
    created by a sign-in with it, or linked to it after its owner proved the password."""
    return bool(OidcIdentity.objects.filter(user=user).exists())
