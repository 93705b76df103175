"""The one place that decides what a staff member may do, and on which scope.

A role is granted on a scope (agency at an MPP, agency, MPP, kab/kota, or national). ``can`` answers
for one object; ``scope_filter`` turns the same rules into a ``Q`` for list queries, so a list is one
SQL query whatever the number of rows. The user's grants are loaded once per request
(``User.active_grants``).
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum

from django.db.models import Q

from mpp.accounts.models import Role, RoleGrant
from mpp.tenancy.scope import Scope, Scoped


class Perm(StrEnum):
    WORK = "work"  # see and process an agency's back-office work at an MPP
    MANAGE_CATALOG = "manage_catalog"  # edit an agency's services and standards
    MANAGE_MPP = "manage_mpp"  # run an MPP: agencies, counters, calendars
    MANAGE_STAFF = "manage_staff"  # grant and revoke roles within one's scope
    MANAGE_CALENDAR = "manage_calendar"  # regional working-day overrides
    VIEW_AUDIT = "view_audit"  # read the security audit log
    VIEW_NATIONAL = "view_national"  # compare all regions
    REVOKE_DOCUMENT = "revoke_document"  # revoke a document issued by an agency


PERMISSION_ROLES: dict[Perm, frozenset[Role]] = {
    Perm.WORK: frozenset(Role),
    Perm.MANAGE_CATALOG: frozenset(
        {Role.AGENCY_ADMIN, Role.MPP_MANAGER, Role.REGIONAL_ADMIN, Role.MINISTRY_ADMIN}
    ),
    Perm.MANAGE_MPP: frozenset({Role.MPP_MANAGER, Role.REGIONAL_ADMIN, Role.MINISTRY_ADMIN}),
    Perm.MANAGE_STAFF: frozenset(
        {Role.AGENCY_ADMIN, Role.MPP_MANAGER, Role.REGIONAL_ADMIN, Role.MINISTRY_ADMIN}
    ),
    Perm.MANAGE_CALENDAR: frozenset({Role.REGIONAL_ADMIN, Role.MINISTRY_ADMIN}),
    Perm.VIEW_AUDIT: frozenset({Role.MINISTRY_ADMIN}),
    Perm.VIEW_NATIONAL: frozenset({Role.MINISTRY_ADMIN, Role.MINISTRY_ANALYST}),
    Perm.REVOKE_DOCUMENT: frozenset({Role.OFFICER, Role.AGENCY_ADMIN, Role.MINISTRY_ADMIN}),
}


def _covers(grant: RoleGrant, scope: Scope | None) -> bool:
    if grant.role in (Role.MINISTRY_ADMIN, Role.MINISTRY_ANALYST):
        return True
    if scope is None:
        return False
    if grant.role == Role.REGIONAL_ADMIN:
        return grant.region_id in scope.region_codes
    if grant.role == Role.MPP_MANAGER:
        return grant.mpp_id in scope.mpp_ids
    if grant.role == Role.AGENCY_ADMIN:
        return grant.agency_id == scope.agency_id
    if grant.role == Role.OFFICER:
        return grant.agency_id == scope.agency_id and grant.mpp_id in scope.mpp_ids
    return False


def grants_for(user, perm: Perm) -> list[RoleGrant]:
    if not getattr(user, "is_authenticated", False):
        return []
    roles = PERMISSION_ROLES[perm]
    return [grant for grant in user.active_grants if grant.role in roles]


def can(user, perm: Perm, obj: Scoped | None = None) -> bool:
    """May ``user`` exercise ``perm`` on ``obj`` (or anywhere, when ``obj`` is None and the role is national)?"""
    grants = grants_for(user, perm)
    if not grants:
        return False
    scope = obj.policy_scope() if obj is not None else None
    return any(_covers(grant, scope) for grant in grants)


def has_any(user, perm: Perm) -> bool:
    """Does ``user`` hold ``perm`` on at least one scope (to show a menu entry, say)?"""
    return bool(grants_for(user, perm))


def scope_filter(
    user,
    perm: Perm,
    *,
    agency: str | None,
    mpp: str | None,
    region: str | None,
) -> Q:
    """A ``Q`` selecting the rows ``user`` may see with ``perm``.

    ``agency``, ``mpp`` and ``region`` are the lookup paths from the queried model to the agency id,
    MPP id and kab/kota code; ``None`` where the model has no such link (then grants that need it
    match nothing). A user with no matching grant gets a ``Q`` that matches nothing.
    """
    nothing = Q(pk__in=[])
    result = nothing
    for grant in grants_for(user, perm):
        if grant.role in (Role.MINISTRY_ADMIN, Role.MINISTRY_ANALYST):
            return Q()
        term: Q | None = None
        if grant.role == Role.REGIONAL_ADMIN and region:
            term = Q(**{region: grant.region_id})
        elif grant.role == Role.MPP_MANAGER and mpp:
            term = Q(**{mpp: grant.mpp_id})
        elif grant.role == Role.AGENCY_ADMIN and agency:
            term = Q(**{agency: grant.agency_id})
        elif grant.role == Role.OFFICER and agency and mpp:
            term = Q(**{agency: grant.agency_id, mpp: grant.mpp_id})
        if term is not None:
            result = term if result is nothing else result | term
    return result


def roles_of(user) -> Iterable[Role]:
    return [Role(grant.role) for grant in getattr(user, "active_grants", [])]


# --- Granting staff roles -------------------------------------------------------------------
# Which roles each managing role may grant (and revoke), always inside its own scope.
GRANTABLE_ROLES: dict[Role, frozenset[Role]] = {
    Role.AGENCY_ADMIN: frozenset({Role.OFFICER}),
    Role.MPP_MANAGER: frozenset({Role.OFFICER, Role.AGENCY_ADMIN}),
    Role.REGIONAL_ADMIN: frozenset(
        {Role.OFFICER, Role.AGENCY_ADMIN, Role.MPP_MANAGER, Role.REGIONAL_ADMIN}
    ),
    Role.MINISTRY_ADMIN: frozenset(Role),
}


def grantable_roles(user) -> list[Role]:
    """Roles ``user`` may grant somewhere (to fill a form's choices), in the order of ``Role``."""
    roles: set[Role] = set()
    for grant in grants_for(user, Perm.MANAGE_STAFF):
        roles |= GRANTABLE_ROLES.get(Role(grant.role), frozenset())
    return [role for role in Role if role in roles]


def _grant_covers(grant: RoleGrant, role: Role, region, mpp, agency) -> bool:
    """Does the manager's ``grant`` cover a new ``role`` on region/mpp/agency (model instances)?"""
    if role not in GRANTABLE_ROLES.get(Role(grant.role), frozenset()):
        return False
    if grant.role == Role.MINISTRY_ADMIN:
        return True
    if grant.role == Role.REGIONAL_ADMIN:
        code = grant.region_id
        if role in (Role.OFFICER, Role.MPP_MANAGER):
            return mpp is not None and mpp.region_id == code
        if role == Role.AGENCY_ADMIN:
            return agency is not None and code in agency.policy_scope().region_codes
        if role == Role.REGIONAL_ADMIN:
            return region is not None and region.pk == code
        return False
    if grant.role == Role.MPP_MANAGER:
        if role == Role.OFFICER:
            return mpp is not None and mpp.pk == grant.mpp_id
        if role == Role.AGENCY_ADMIN:
            return agency is not None and grant.mpp_id in agency.policy_scope().mpp_ids
        return False
    if grant.role == Role.AGENCY_ADMIN:
        return role == Role.OFFICER and agency is not None and agency.pk == grant.agency_id
    return False


def can_grant(user, role: Role, *, region=None, mpp=None, agency=None) -> bool:
    """May ``user`` grant (or revoke) ``role`` on this scope?

    An agency admin grants officers of their agency; an MPP manager grants officers at their MPP and
    agency admins of agencies serving there; a regional admin grants any role inside their kab/kota;
    the ministry admin grants anything. Whether the scope itself makes sense (an officer's agency
    serving at that MPP) is checked by ``services.grant_role``.
    """
    return any(
        _grant_covers(grant, Role(role), region, mpp, agency)
        for grant in grants_for(user, Perm.MANAGE_STAFF)
    )


def can_revoke(user, grant: RoleGrant) -> bool:
    """May ``user`` revoke ``grant``? The same rule as granting it; never one's own grant."""
    if grant.user_id == getattr(user, "pk", None):
        return False
    return can_grant(user, grant.role, region=grant.region, mpp=grant.mpp, agency=grant.agency)
