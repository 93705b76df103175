"""The one place that decides what a staff member may do, and on which scope.

A permission names what it lets a person do (see ``PERMISSION_ROLES``, the one table). A role is
granted on a scope whose shape is fixed per role (``ROLE_SCOPE_FIELDS`` in the models: an agency at an
MPP, an agency, an MPP, a kab/kota, or the nation). ``can`` answers for one object and ``scope_filter``
turns the same rule into a ``Q`` for list queries; both read the grant's scope through
``_grant_scope``, so a role's reach is written once. The user's grants are loaded once per request
(``User.active_grants``). A bearer token issued without the second factor carries no staff power.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from django.contrib.auth.models import AnonymousUser
from django.db.models import Q

from mpp.accounts.models import SCOPE_FIELDS, Role, RoleGrant, User
from mpp.tenancy.scope import Scope, Scoped

if TYPE_CHECKING:
    from mpp.regions.models import Region
    from mpp.tenancy.models import MPP, Agency

# Whoever asks: a signed-in account, or nobody (``request.user`` before sign-in).
Principal = User | AnonymousUser


class Perm(StrEnum):
    VIEW_CASES = "view_cases"  # open applications with personal data: answers, files, issued PDF
    DECIDE_CASES = (
        "decide_cases"  # claim, request revision, approve, reject, issue, revoke a document
    )
    ASSIGN_CASES = "assign_cases"  # hand an application to an officer of the unit
    FILE_AT_COUNTER = "file_at_counter"  # file and fill in an application for a walk-in citizen
    OVERSEE_CASES = "oversee_cases"  # status, deadlines and timeline with masked identity
    MANAGE_SERVICES = "manage_services"  # edit an agency's services and standards
    MANAGE_MPP = "manage_mpp"  # run an MPP: agencies, counters
    MANAGE_CALENDAR = "manage_calendar"  # regional working-day overrides
    MANAGE_ROLES = "manage_roles"  # grant and revoke roles within one's scope
    VIEW_STATISTICS = "view_statistics"  # aggregates only, never personal data
    VIEW_AUDIT = "view_audit"  # read the security audit log
    MANAGE_SURVEYS = "manage_surveys"  # SKM questionnaires, kiosks, follow-ups and reports
    VIEW_OFFICER_SKM = "view_officer_skm"  # SKM element U7 per officer who served
    MANAGE_QUEUE = "manage_queue"  # set up an MPP's queue: counters, quotas, kiosks, no-show rule
    SERVE_QUEUE = "serve_queue"  # work a counter: check in, call, serve, transfer tickets
    MANAGE_SEARCH = "manage_search"  # keep the national search synonym table
    APPLY_ONBOARDING = "apply_onboarding"  # apply for onboarding, upload agreement and SK Pengelola
    MANAGE_ONBOARDING = "manage_onboarding"  # score, designate, return, grant access, probation
    VIEW_ONBOARDING = "view_onboarding"  # read onboarding applications and decrees (no changes)
    SUBMIT_MONITORING = "submit_monitoring"  # fill in and submit the locus' monitoring report
    REVIEW_MONITORING = "review_monitoring"  # open periods, return or accept reports, rubrics
    VIEW_MONITORING = "view_monitoring"  # compliance matrix, totals, exports (aggregates)
    HANDLE_COMPLAINTS = "handle_complaints"  # the MPP's complaint desk: verify, refer, forward
    RESPOND_COMPLAINTS = "respond_complaints"  # answer complaints forwarded to one's agency
    OVERSEE_COMPLAINTS = "oversee_complaints"  # escalations and statistics, reporter masked
    MANAGE_INTEGRATIONS = (
        "manage_integrations"  # Open311 API keys; connectors (Dukcapil) and their health page
    )
    MANAGE_ACTIVITIES = "manage_activities"  # publish an MPP's activities, see and scan attendance
    MANAGE_DEVICES = "manage_devices"  # register, rotate and revoke an MPP's kiosks and displays
    MANAGE_ROOMS = "manage_rooms"  # an MPP's bookable rooms; decide and cancel their bookings
    ASSIST_VISITORS = "assist_visitors"  # the hall: today's requests for assistance, mark them met


# The one table: which roles hold each permission (on the scope of their grant).
PERMISSION_ROLES: dict[Perm, frozenset[Role]] = {
    Perm.VIEW_CASES: frozenset({Role.OFFICER, Role.AGENCY_ADMIN}),
    Perm.DECIDE_CASES: frozenset({Role.OFFICER}),
    Perm.ASSIGN_CASES: frozenset({Role.OFFICER, Role.AGENCY_ADMIN}),
    Perm.FILE_AT_COUNTER: frozenset({Role.OFFICER}),
    Perm.OVERSEE_CASES: frozenset({Role.MPP_MANAGER, Role.REGIONAL_ADMIN}),
    Perm.MANAGE_SERVICES: frozenset(
        {Role.AGENCY_ADMIN, Role.MPP_MANAGER, Role.REGIONAL_ADMIN, Role.MINISTRY_ADMIN}
    ),
    Perm.MANAGE_MPP: frozenset({Role.MPP_MANAGER, Role.REGIONAL_ADMIN, Role.MINISTRY_ADMIN}),
    Perm.MANAGE_CALENDAR: frozenset({Role.REGIONAL_ADMIN, Role.MINISTRY_ADMIN}),
    Perm.MANAGE_ROLES: frozenset(
        {Role.AGENCY_ADMIN, Role.MPP_MANAGER, Role.REGIONAL_ADMIN, Role.MINISTRY_ADMIN}
    ),
    Perm.VIEW_STATISTICS: frozenset(
        {Role.MPP_MANAGER, Role.REGIONAL_ADMIN, Role.MINISTRY_ADMIN, Role.MINISTRY_ANALYST}
    ),
    Perm.VIEW_AUDIT: frozenset({Role.MINISTRY_ADMIN}),
    Perm.MANAGE_SURVEYS: frozenset({Role.MPP_MANAGER, Role.AGENCY_ADMIN, Role.MINISTRY_ADMIN}),
    Perm.VIEW_OFFICER_SKM: frozenset({Role.AGENCY_ADMIN, Role.MPP_MANAGER}),
    Perm.MANAGE_QUEUE: frozenset({Role.MPP_MANAGER, Role.AGENCY_ADMIN}),
    Perm.SERVE_QUEUE: frozenset({Role.OFFICER}),
    Perm.MANAGE_SEARCH: frozenset({Role.MINISTRY_ADMIN}),
    Perm.APPLY_ONBOARDING: frozenset({Role.REGIONAL_ADMIN, Role.REGION_CONTACT}),
    Perm.MANAGE_ONBOARDING: frozenset({Role.MINISTRY_ADMIN}),
    Perm.VIEW_ONBOARDING: frozenset(
        {Role.REGIONAL_ADMIN, Role.REGION_CONTACT, Role.MINISTRY_ADMIN, Role.MINISTRY_ANALYST}
    ),
    Perm.SUBMIT_MONITORING: frozenset({Role.REGIONAL_ADMIN, Role.MPP_MANAGER}),
    Perm.REVIEW_MONITORING: frozenset({Role.MINISTRY_ADMIN}),
    Perm.VIEW_MONITORING: frozenset(
        {Role.REGIONAL_ADMIN, Role.MPP_MANAGER, Role.MINISTRY_ADMIN, Role.MINISTRY_ANALYST}
    ),
    Perm.HANDLE_COMPLAINTS: frozenset({Role.COMPLAINT_DESK}),
    Perm.RESPOND_COMPLAINTS: frozenset({Role.OFFICER, Role.AGENCY_ADMIN}),
    Perm.OVERSEE_COMPLAINTS: frozenset({Role.MPP_MANAGER, Role.REGIONAL_ADMIN}),
    Perm.MANAGE_INTEGRATIONS: frozenset({Role.REGIONAL_ADMIN, Role.MINISTRY_ADMIN}),
    Perm.MANAGE_DEVICES: frozenset({Role.MPP_MANAGER, Role.REGIONAL_ADMIN}),
    Perm.MANAGE_ROOMS: frozenset({Role.MPP_MANAGER}),
    Perm.ASSIST_VISITORS: frozenset({Role.MPP_MANAGER}),
    # The agency admin only on its own agency's activities (an activity without an agency has no
    # agency in its scope, so an agency grant never covers it).
    Perm.MANAGE_ACTIVITIES: frozenset({Role.MPP_MANAGER, Role.AGENCY_ADMIN}),
}


def _grant_scope(grant: RoleGrant) -> dict[str, object]:
    """The grant's scope as {"region"|"mpp"|"agency": id}; empty for a national role.

    The role fixes which fields are set (``ROLE_SCOPE_FIELDS``, plus the optional narrowing), so
    this one reading is the whole of each role's reach for ``can`` and ``scope_filter`` alike.
    """
    return {
        name: getattr(grant, f"{name}_id")
        for name in SCOPE_FIELDS
        if getattr(grant, f"{name}_id") is not None
    }


def _scope_values(scope: Scope, name: str) -> frozenset[Any]:
    """The object's ids for one scope field ("region", "mpp" or "agency")."""
    if name == "region":
        return scope.region_codes
    if name == "mpp":
        return scope.mpp_ids
    return frozenset() if scope.agency_id is None else frozenset({scope.agency_id})


def _covers(grant: RoleGrant, scope: Scope | None) -> bool:
    wanted = _grant_scope(grant)
    if not wanted:
        return True
    if scope is None:
        return False
    return all(value in _scope_values(scope, name) for name, value in wanted.items())


def _term(grant: RoleGrant, paths: dict[str, str | None]) -> Q | None:
    """The ``Q`` for the rows ``grant`` covers, or None when the model lacks a link it needs."""
    lookups: dict[str, Any] = {}
    for name, value in _grant_scope(grant).items():
        path = paths.get(name)
        if path is None:
            return None
        lookups[path] = value
    return Q(**lookups)


def staff_power(user: User) -> bool:
    """False for a request made with an API token issued without the second factor."""
    token = getattr(user, "current_token", None)
    return token is None or token.second_factor


def grants_for(user: Principal, perm: Perm) -> list[RoleGrant]:
    if (
        isinstance(user, AnonymousUser)
        or not getattr(user, "is_authenticated", False)
        or not staff_power(user)
    ):
        return []
    return _reach(user)[perm]


def _reach(user: User) -> dict[Perm, list[RoleGrant]]:
    """The user's grants under each permission, worked out once per request (the user object lives
    for one request; the menu alone asks for some twenty permissions) and again whenever
    ``active_grants`` is reloaded (``end_sessions`` drops it)."""
    grants = user.active_grants
    kept: tuple[list[RoleGrant], dict[Perm, list[RoleGrant]]] | None = user.__dict__.get(
        "_policy_reach"
    )
    if kept is None or kept[0] is not grants:
        roles_of_grants = [(grant, grant.role) for grant in grants]
        by_perm = {
            perm: [grant for grant, role in roles_of_grants if role in roles]
            for perm, roles in PERMISSION_ROLES.items()
        }
        kept = (grants, by_perm)
        user.__dict__["_policy_reach"] = kept
    return kept[1]


def can(user: Principal, perm: Perm, obj: Scoped | None = None) -> bool:
    """May ``user`` exercise ``perm`` on ``obj`` (or anywhere, when ``obj`` is None and the role is national)?"""
    grants = grants_for(user, perm)
    if not grants:
        return False
    scope = obj.policy_scope() if obj is not None else None
    return any(_covers(grant, scope) for grant in grants)


def covering_grant(user: Principal, perm: Perm, obj: Scoped) -> RoleGrant | None:
    """The first grant through which ``user`` holds ``perm`` on ``obj`` (to record the role used)."""
    grants = grants_for(user, perm)
    scope = obj.policy_scope() if grants else None
    return next((grant for grant in grants if _covers(grant, scope)), None)


def has_any(user: Principal, perm: Perm) -> bool:
    """Does ``user`` hold ``perm`` on at least one scope (to show a menu entry, say)?"""
    return bool(grants_for(user, perm))


NOTHING = Q(pk__in=[])


def scope_filter(
    user: Principal,
    perm: Perm,
    *,
    agency: str | None,
    mpp: str | None,
    region: str | None,
) -> Q:
    """A ``Q`` selecting the rows ``user`` may see with ``perm``.

    ``agency``, ``mpp`` and ``region`` are the lookup paths from the queried model to the agency id,
    MPP id and kab/kota code; ``None`` where the model has no such link (then grants that need it
    match nothing). A user with no matching grant gets a ``Q`` that matches nothing; a national
    grant gives ``Q(pk__isnull=False)``, never an empty ``Q`` (which vanishes when OR-ed).
    """
    paths = {"agency": agency, "mpp": mpp, "region": region}
    result = NOTHING
    for grant in grants_for(user, perm):
        term = _term(grant, paths)
        if term is None:
            continue
        if not term:
            return Q(pk__isnull=False)
        result = term if result is NOTHING else result | term
    return result


def scope_filter_any(
    user: Principal,
    perms: Iterable[Perm],
    *,
    agency: str | None,
    mpp: str | None,
    region: str | None,
) -> Q:
    """The rows ``user`` may see with at least one of ``perms`` (``scope_filter`` OR-ed)."""
    result = NOTHING
    for perm in perms:
        term = scope_filter(user, perm, agency=agency, mpp=mpp, region=region)
        if term != NOTHING:
            result = term if result == NOTHING else result | term
    return result


def roles_of(user: Principal) -> Iterable[Role]:
    return [Role(grant.role) for grant in getattr(user, "active_grants", [])]


# --- Granting staff roles -------------------------------------------------------------------
# Which roles each managing role may grant (and revoke), always inside its own scope.
GRANTABLE_ROLES: dict[Role, frozenset[Role]] = {
    Role.AGENCY_ADMIN: frozenset({Role.OFFICER}),
    Role.MPP_MANAGER: frozenset({Role.OFFICER, Role.AGENCY_ADMIN, Role.COMPLAINT_DESK}),
    Role.REGIONAL_ADMIN: frozenset(
        {
            Role.OFFICER,
            Role.AGENCY_ADMIN,
            Role.MPP_MANAGER,
            Role.REGIONAL_ADMIN,
            Role.COMPLAINT_DESK,
        }
    ),
    Role.MINISTRY_ADMIN: frozenset(Role),
}


def grantable_roles(user: Principal) -> list[Role]:
    """Roles ``user`` may grant somewhere (to fill a form's choices), in the order of ``Role``."""
    roles: set[Role] = set()
    for grant in grants_for(user, Perm.MANAGE_ROLES):
        roles |= GRANTABLE_ROLES.get(Role(grant.role), frozenset())
    return [role for role in Role if role in roles]


def _declared(
    region: Region | None, mpp: MPP | None, agency: Agency | None
) -> dict[str, set[Any] | None]:
    """What a new grant on region/mpp/agency reaches per scope field (None: every value)."""
    regions: set[Any] | None
    if region is not None:
        regions = {region.pk}
    elif mpp is not None:
        regions = {mpp.region_id}
    else:
        regions = None
    return {
        "region": regions,
        "mpp": {mpp.pk} if mpp is not None else None,
        "agency": {agency.pk} if agency is not None else None,
    }


def _grant_covers(
    grant: RoleGrant, role: Role, region: Region | None, mpp: MPP | None, agency: Agency | None
) -> bool:
    """Does the manager's ``grant`` allow a new ``role`` whose whole reach lies inside its own?"""
    if role not in GRANTABLE_ROLES.get(Role(grant.role), frozenset()):
        return False
    reach = _declared(region, mpp, agency)
    return all(
        (ids := reach[name]) is not None and ids <= {value}
        for name, value in _grant_scope(grant).items()
    )


def can_grant(
    user: Principal,
    role: Role,
    *,
    grantee: User | None = None,
    region: Region | None = None,
    mpp: MPP | None = None,
    agency: Agency | None = None,
) -> bool:
    """May ``user`` grant (or revoke) ``role`` on this scope, to ``grantee``?

    The new grant's reach must lie inside one of the manager's own grants: an agency admin grants
    officers of their agency (at their MPP when their grant names one); an MPP manager grants
    officers and agency admins at their MPP only; a regional admin grants roles on MPPs or on their
    kab/kota; the ministry admin grants anything. Nobody grants to themselves. Whether the scope
    itself makes sense (the agency serving at that MPP) is checked by ``services.grant_role``.
    """
    if grantee is not None and grantee.pk == getattr(user, "pk", None):
        return False
    return any(
        _grant_covers(grant, Role(role), region, mpp, agency)
        for grant in grants_for(user, Perm.MANAGE_ROLES)
    )


def can_revoke(user: Principal, grant: RoleGrant) -> bool:
    """May ``user`` revoke ``grant``? The same rule as granting it; never one's own grant."""
    return can_grant(
        user,
        Role(grant.role),
        grantee=grant.user,
        region=grant.region,
        mpp=grant.mpp,
        agency=grant.agency,
    )
