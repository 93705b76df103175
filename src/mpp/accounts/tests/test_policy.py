"""The tenancy rules with the demo data: who sees and may do what, each list in one query."""

import pytest

from mpp.accounts.models import Role, RoleGrant, User
from mpp.accounts.policy import PERMISSION_ROLES, Perm, can, can_grant, can_revoke, has_any
from mpp.accounts.selectors import agencies_for, mpps_for, role_grants_for, workplaces_for
from mpp.tenancy.models import MPP, Agency, AgencyPresence

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(request, demo_tenancy_once, settings, tmp_path):
    return demo_tenancy_once.for_test(request, settings, tmp_path)


def user(username: str) -> User:
    found = User.objects.get(username=username)
    found.active_grants  # noqa: B018 - load the grants before counting queries
    return found


def places(presences) -> set[tuple[str, str]]:
    return {(p.agency.slug, p.mpp.slug) for p in presences}


def presence(agency: str, mpp: str) -> AgencyPresence:
    return AgencyPresence.objects.select_related("mpp").get(agency__slug=agency, mpp__slug=mpp)


BATAM = "mpp-kota-batam"
YOGYA = "mpp-kota-yogyakarta"


def test_batam_dukcapil_officer_works_only_at_dukcapil_batam(demo, django_assert_num_queries):
    officer = user("petugas.dukcapil")
    with django_assert_num_queries(1):
        assert places(workplaces_for(officer)) == {("disdukcapil-batam", BATAM)}
    assert can(officer, Perm.VIEW_CASES, presence("disdukcapil-batam", BATAM))
    assert not can(officer, Perm.VIEW_CASES, presence("dinkes-batam", BATAM))
    assert not can(officer, Perm.VIEW_CASES, presence("disdukcapil-yogyakarta", YOGYA))
    assert not can(officer, Perm.MANAGE_SERVICES, presence("disdukcapil-batam", BATAM))
    assert not can(officer, Perm.VIEW_AUDIT)
    assert not has_any(officer, Perm.MANAGE_ROLES)


def test_yogyakarta_officer_sees_nothing_of_batam(demo, django_assert_num_queries):
    officer = user("petugas.yogya")
    with django_assert_num_queries(1):
        assert places(workplaces_for(officer)) == {("disdukcapil-yogyakarta", YOGYA)}
    batam = MPP.objects.get(slug=BATAM)
    assert not can(officer, Perm.VIEW_CASES, batam)
    for place in AgencyPresence.objects.filter(mpp=batam).select_related("mpp"):
        assert not can(officer, Perm.VIEW_CASES, place)
    with django_assert_num_queries(1):
        assert {a.slug for a in agencies_for(officer)} == {"disdukcapil-yogyakarta"}
    assert list(mpps_for(officer)) == []  # an officer runs no MPP


def test_agency_admin_sees_their_agency(demo, django_assert_num_queries):
    admin = user("admin.dukcapil")
    with django_assert_num_queries(1):
        assert places(workplaces_for(admin)) == {("disdukcapil-batam", BATAM)}
    agency = Agency.objects.get(slug="disdukcapil-batam")
    assert can(admin, Perm.MANAGE_SERVICES, agency)
    assert not can(admin, Perm.MANAGE_SERVICES, Agency.objects.get(slug="dinkes-batam"))
    assert not can(admin, Perm.MANAGE_MPP, MPP.objects.get(slug=BATAM))


def test_mpp_manager_sees_every_agency_at_their_mpp(demo, django_assert_num_queries):
    manager = user("pengelola.batam")
    batam_places = places(AgencyPresence.objects.filter(mpp__slug=BATAM))
    assert len(batam_places) >= 10
    with django_assert_num_queries(1):
        assert places(workplaces_for(manager)) == batam_places
    with django_assert_num_queries(1):
        assert [m.slug for m in mpps_for(manager)] == [BATAM]
    assert can(manager, Perm.MANAGE_MPP, MPP.objects.get(slug=BATAM))
    assert not can(manager, Perm.MANAGE_MPP, MPP.objects.get(slug=YOGYA))
    assert can(manager, Perm.MANAGE_SERVICES, Agency.objects.get(slug="dinkes-batam"))
    assert not can(manager, Perm.MANAGE_SERVICES, Agency.objects.get(slug="dinkes-yogyakarta"))


def test_regional_admin_sees_their_kab_kota(demo, django_assert_num_queries):
    admin = user("admin.batam")
    with django_assert_num_queries(1):
        seen = places(workplaces_for(admin))
    assert seen == places(AgencyPresence.objects.filter(mpp__region_id="2171"))
    assert all(mpp == BATAM for _, mpp in seen)
    assert can(admin, Perm.MANAGE_CALENDAR, MPP.objects.get(slug=BATAM))
    assert not can(admin, Perm.MANAGE_CALENDAR, MPP.objects.get(slug=YOGYA))
    assert not can(admin, Perm.VIEW_AUDIT)


@pytest.mark.parametrize("username", ["admin.kemenpanrb", "analis.kemenpanrb"])
def test_ministry_sees_aggregates_not_cases(demo, username, django_assert_num_queries):
    ministry = user(username)
    with django_assert_num_queries(0):
        assert list(workplaces_for(ministry)) == []
    assert can(ministry, Perm.VIEW_STATISTICS)
    for perm in (Perm.VIEW_CASES, Perm.OVERSEE_CASES, Perm.DECIDE_CASES, Perm.FILE_AT_COUNTER):
        assert not can(ministry, perm, MPP.objects.get(slug=YOGYA)), perm


def test_only_the_ministry_admin_reads_the_audit_log(demo):
    assert can(user("admin.kemenpanrb"), Perm.VIEW_AUDIT)
    for name in ["analis.kemenpanrb", "admin.batam", "pengelola.batam", "admin.dukcapil"]:
        assert not can(user(name), Perm.VIEW_AUDIT), name


def test_analyst_changes_nothing(demo):
    analyst = user("analis.kemenpanrb")
    for perm in [Perm.MANAGE_SERVICES, Perm.MANAGE_MPP, Perm.MANAGE_ROLES, Perm.MANAGE_CALENDAR]:
        assert not can(analyst, perm, MPP.objects.get(slug=BATAM)), perm


def test_survey_permissions(demo):
    batam, yogya = MPP.objects.get(slug=BATAM), MPP.objects.get(slug=YOGYA)
    manager = user("pengelola.batam")
    assert can(manager, Perm.MANAGE_SURVEYS, batam) and not can(manager, Perm.MANAGE_SURVEYS, yogya)
    assert can(user("admin.kemenpanrb"), Perm.MANAGE_SURVEYS, yogya)
    for name in ["analis.kemenpanrb", "admin.batam", "petugas.dukcapil"]:
        assert not can(user(name), Perm.MANAGE_SURVEYS, batam), name
    # U7 per officer: the agency admin and the MPP manager only, never the ministry.
    assert PERMISSION_ROLES[Perm.VIEW_OFFICER_SKM] == {Role.AGENCY_ADMIN, Role.MPP_MANAGER}
    assert can(manager, Perm.VIEW_OFFICER_SKM, batam)
    assert not can(user("admin.kemenpanrb"), Perm.VIEW_OFFICER_SKM, batam)


def test_anonymous_and_citizens_may_do_nothing(demo):
    from django.contrib.auth.models import AnonymousUser

    citizen = User.objects.get(nik="2171011508900003")
    for person in (AnonymousUser(), citizen):
        assert list(workplaces_for(person)) == []
        assert not can(person, Perm.VIEW_CASES, MPP.objects.get(slug=BATAM))


def test_revoked_grant_gives_nothing(demo):
    RoleGrant.objects.filter(user__username="petugas.dukcapil").update(
        revoked_at="2026-01-01T00:00Z"
    )
    assert list(workplaces_for(user("petugas.dukcapil"))) == []


# --- Who may grant what -------------------------------------------------------------------


def objs():
    return {
        "batam": MPP.objects.get(slug=BATAM),
        "yogya": MPP.objects.get(slug=YOGYA),
        "dukcapil": Agency.objects.get(slug="disdukcapil-batam"),
        "dinkes": Agency.objects.get(slug="dinkes-batam"),
        "dukcapil_yogya": Agency.objects.get(slug="disdukcapil-yogyakarta"),
    }


GRANT_CASES = [
    # actor, role, scope names, allowed
    ("admin.dukcapil", Role.OFFICER, {"agency": "dukcapil", "mpp": "batam"}, True),
    ("admin.dukcapil", Role.OFFICER, {"agency": "dinkes", "mpp": "batam"}, False),
    ("admin.dukcapil", Role.AGENCY_ADMIN, {"agency": "dukcapil"}, False),
    ("pengelola.batam", Role.OFFICER, {"agency": "dinkes", "mpp": "batam"}, True),
    ("pengelola.batam", Role.OFFICER, {"agency": "dukcapil_yogya", "mpp": "yogya"}, False),
    # An agency admin granted by an MPP manager runs the agency at that MPP only.
    ("pengelola.batam", Role.AGENCY_ADMIN, {"agency": "dinkes"}, False),
    ("pengelola.batam", Role.AGENCY_ADMIN, {"agency": "dinkes", "mpp": "batam"}, True),
    ("pengelola.batam", Role.AGENCY_ADMIN, {"agency": "dukcapil_yogya", "mpp": "yogya"}, False),
    ("pengelola.batam", Role.AGENCY_ADMIN, {"agency": "dukcapil_yogya"}, False),
    ("pengelola.batam", Role.MPP_MANAGER, {"mpp": "batam"}, False),
    ("admin.batam", Role.MPP_MANAGER, {"mpp": "batam"}, True),
    ("admin.batam", Role.MPP_MANAGER, {"mpp": "yogya"}, False),
    ("admin.batam", Role.AGENCY_ADMIN, {"agency": "dukcapil"}, False),
    ("admin.batam", Role.AGENCY_ADMIN, {"agency": "dukcapil", "mpp": "batam"}, True),
    ("admin.batam", Role.REGIONAL_ADMIN, {"region": "2171"}, True),
    ("admin.batam", Role.REGIONAL_ADMIN, {"region": "3471"}, False),
    ("admin.batam", Role.MINISTRY_ADMIN, {}, False),
    ("admin.kemenpanrb", Role.MINISTRY_ADMIN, {}, True),
    ("admin.kemenpanrb", Role.OFFICER, {"agency": "dukcapil_yogya", "mpp": "yogya"}, True),
    ("analis.kemenpanrb", Role.OFFICER, {"agency": "dukcapil", "mpp": "batam"}, False),
    ("petugas.dukcapil", Role.OFFICER, {"agency": "dukcapil", "mpp": "batam"}, False),
]


@pytest.mark.parametrize(("actor", "role", "scope", "allowed"), GRANT_CASES)
def test_can_grant(demo, actor, role, scope, allowed):
    from mpp.regions.models import Region

    found = objs()
    resolved = {
        name: Region.objects.get(code=value) if name == "region" else found[value]
        for name, value in scope.items()
    }
    assert can_grant(user(actor), role, **resolved) is allowed


def test_nobody_revokes_their_own_grant(demo):
    admin = user("admin.kemenpanrb")
    assert not can_revoke(admin, admin.active_grants[0])
    other = RoleGrant.objects.get(user__username="admin.batam")
    assert can_revoke(admin, other)


# The agency-wide agency admins lie outside an MPP manager's or a regional admin's scope (the
# agency may serve elsewhere too): only the ministry admin lists and revokes them.
ROLE_LISTS = {
    "admin.dukcapil": {"petugas.dukcapil", "admin.dukcapil"},
    "pengelola.batam": {"petugas.dukcapil", "petugas.dinkes", "pengelola.batam"},
    "admin.batam": {"petugas.dukcapil", "petugas.dinkes", "pengelola.batam", "admin.batam"},
    "petugas.dukcapil": set(),
    "analis.kemenpanrb": set(),
}


@pytest.mark.parametrize(("actor", "expected"), ROLE_LISTS.items())
def test_role_grants_listed_within_scope_in_one_query(
    demo, actor, expected, django_assert_max_num_queries
):
    manager = user(actor)
    with django_assert_max_num_queries(1):
        seen = {grant.user.username for grant in role_grants_for(manager)}
    assert seen == expected


def test_ministry_admin_lists_every_grant(demo, django_assert_num_queries):
    admin = user("admin.kemenpanrb")
    total = RoleGrant.objects.active().count()
    with django_assert_num_queries(1):
        assert len(list(role_grants_for(admin))) == total
