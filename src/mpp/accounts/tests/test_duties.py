"""Separation of duties on the demo tenancy: the generated policy matrix and each probe finding."""

from __future__ import annotations

import datetime
import itertools

import pytest
from django.utils import timezone

from mpp.accounts import services as account_services
from mpp.accounts.models import ApiToken, Role, RoleGrant, User
from mpp.accounts.policy import PERMISSION_ROLES, Perm, can, scope_filter
from mpp.audit.models import AccessRecord
from mpp.cases import services as case_services
from mpp.cases.models import Application
from mpp.catalog.models import Service
from mpp.tenancy.models import AgencyPresence

from .factories import PASSWORD
from .helpers import login_staff

pytestmark = pytest.mark.django_db

STAFF = [
    "petugas.dukcapil",
    "petugas.dinkes",
    "admin.dukcapil",
    "admin.dinkes",
    "pengelola.batam",
    "admin.batam",
    "petugas.yogya",
    "admin.kemenpanrb",
    "analis.kemenpanrb",
]
OVERSIGHT = ["analis.kemenpanrb", "admin.kemenpanrb", "admin.batam", "pengelola.batam"]
PATHS = {"agency": "agency_id", "mpp": "mpp_id", "region": "mpp__region_id"}


@pytest.fixture
def demo(request, demo_tenancy_once, settings, tmp_path):
    """The demo (loaded once per module, root ``conftest.py``) and three submitted applications."""
    demo_tenancy_once.for_test(request, settings, tmp_path)
    return {
        "dukcapil": _submitted("disdukcapil-batam", "2171011508900003"),
        "dinkes": _submitted("dinkes-batam", "2171011508900003"),
        "yogya": _submitted("disdukcapil-yogyakarta", "2171055204950001"),
    }


def _submitted(agency_slug: str, nik: str) -> Application:
    """A submitted application to a service of ``agency_slug`` (answers stored as typed)."""
    service = (
        Service.objects.published()
        .filter(agency__slug=agency_slug)
        .select_related("current_version", "mpp__region")
        .first()
    )
    assert service is not None, agency_slug
    applicant = User.objects.get(nik=nik)
    now = timezone.now()
    return Application.objects.create(
        tracking_number=case_services.next_tracking_number(service.mpp.region, now),
        service=service,
        service_version=service.current_version,
        applicant=applicant,
        mpp=service.mpp,
        agency=service.agency,
        status="submitted",
        submitted_at=now,
        due_at=now + datetime.timedelta(days=3),
        data={"catatan": "isian pribadi"},
    )


def staff(username: str) -> User:
    return User.objects.get(username=username)


def bearer(user: User, *, second_factor: bool = True) -> dict[str, str]:
    _token, raw = account_services.issue_token(user, second_factor=second_factor)
    return {"Authorization": f"Bearer {raw}"}


# --- (a) one table, two uses ---------------------------------------------------------------


def test_can_agrees_with_the_scoped_queryset_for_every_role_permission_and_object(demo):
    """For every demo role × permission × object in the same/another agency, MPP and region."""
    presences = list(AgencyPresence.objects.select_related("mpp", "agency"))
    applications = list(demo.values())
    checked = granted = 0
    for username, perm in itertools.product(STAFF, Perm):
        user = staff(username)
        where = scope_filter(user, perm, **PATHS)
        for application in applications:
            in_list = Application.objects.filter(where, pk=application.pk).exists()
            assert can(user, perm, application) is in_list, (username, perm, application)
            granted += in_list
            checked += 1
        visible = set(AgencyPresence.objects.filter(where).values_list("pk", flat=True))
        for presence in presences:
            assert can(user, perm, presence) is (presence.pk in visible), (username, perm)
    assert checked == len(STAFF) * len(Perm) * len(applications)
    assert granted > 0  # the matrix exercises allowed cells, not only refusals


# Who holds which case permission on the Batam Disdukcapil application (same agency and MPP),
# Batam Dinas Kesehatan (same MPP, other agency) and Yogyakarta (other region). Written out here,
# independently of the policy table, so a change to that table fails this test.
EXPECTED_CASES = {
    "petugas.dukcapil": {"dukcapil": {"view", "decide", "assign", "counter"}},
    "petugas.dinkes": {"dinkes": {"view", "decide", "assign", "counter"}},
    "admin.dukcapil": {"dukcapil": {"view", "assign"}},
    "admin.dinkes": {"dinkes": {"view", "assign"}},
    "pengelola.batam": {"dukcapil": {"oversee"}, "dinkes": {"oversee"}},
    "admin.batam": {"dukcapil": {"oversee"}, "dinkes": {"oversee"}},
    "petugas.yogya": {"yogya": {"view", "decide", "assign", "counter"}},
    "admin.kemenpanrb": {},
    "analis.kemenpanrb": {},
}
CASE_PERMS = {
    "view": Perm.VIEW_CASES,
    "decide": Perm.DECIDE_CASES,
    "assign": Perm.ASSIGN_CASES,
    "counter": Perm.FILE_AT_COUNTER,
    "oversee": Perm.OVERSEE_CASES,
}


@pytest.mark.parametrize("username", STAFF)
def test_case_permissions_per_demo_role(demo, username):
    user = staff(username)
    for key, application in demo.items():
        held = {name for name, perm in CASE_PERMS.items() if can(user, perm, application)}
        assert held == EXPECTED_CASES[username].get(key, set()), (username, key)


def test_only_officers_decide():
    assert PERMISSION_ROLES[Perm.DECIDE_CASES] == {Role.OFFICER}


# --- Done when: oversight roles never claim, decide or issue (API) -----------------------------


@pytest.mark.parametrize("username", OVERSIGHT)
@pytest.mark.parametrize("action", ["claim", "approve", "reject", "issue"])
def test_oversight_roles_cannot_act_through_the_api(client, demo, username, action):
    application = demo["dukcapil"]
    headers = bearer(staff(username))
    response = client.post(
        f"/api/v1/applications/{application.pk}/actions",
        {"action": action, "version": application.version, "note": "x"},
        content_type="application/json",
        headers=headers,
    )
    # 403 (refused by the policy), 404, or 409 for an action this service's workflow lacks.
    assert response.status_code in (403, 404, 409)
    application.refresh_from_db()
    assert application.status == "submitted" and application.issued_document_id is None


@pytest.mark.parametrize("username", OVERSIGHT)
def test_oversight_roles_cannot_act_through_the_web(client, demo, username):
    application = demo["dukcapil"]
    login_staff(client, staff(username))
    url = f"/kelola/permohonan/{application.pk}/tindakan/"
    client.post(url, {"action": "claim", "version": application.version})
    application.refresh_from_db()
    assert application.status == "submitted"
    page = client.get(f"/kelola/permohonan/{application.pk}/")
    if page.status_code == 200:
        body = page.content.decode()
        assert "Tangani permohonan ini" not in body
        assert "isian pribadi" not in body  # masked: no answers


def test_managers_see_status_without_answers_through_the_api(client, demo):
    application = demo["dukcapil"]
    for username in ("pengelola.batam", "admin.batam"):
        body = client.get(
            f"/api/v1/applications/{application.pk}", headers=bearer(staff(username))
        ).json()
        assert body["status"] == "submitted" and body["data"] == {} and body["files"] == []
        assert body["actions"] == []
    assert not AccessRecord.objects.exists()


# --- Probe findings --------------------------------------------------------------------------


def test_a_token_from_before_a_grant_carries_no_staff_power(client, demo):
    citizen = User.objects.get(nik="2171055204950001")
    token = client.post(
        "/api/v1/auth/token",
        {"username": "2171055204950001", "password": "Warga-Demo-2026"},
        content_type="application/json",
    ).json()["token"]
    headers = {"Authorization": f"Bearer {token}"}
    dukcapil = demo["dukcapil"]
    account_services.grant_role(
        citizen,
        Role.OFFICER,
        granted_by=staff("admin.dukcapil"),
        agency=dukcapil.agency,
        mpp=dukcapil.mpp,
    )
    # The grant revoked the old token; a token without TOTP never carried staff power anyway.
    assert client.get("/api/v1/applications", headers=headers).status_code == 401
    assert not ApiToken.objects.usable().filter(user=citizen).exists()
    no_totp = bearer(citizen, second_factor=False)
    listed = client.get("/api/v1/applications", headers=no_totp).json()["items"]
    assert {row["id"] for row in listed} == {demo["yogya"].pk}  # only their own
    assert client.get(f"/api/v1/applications/{dukcapil.pk}", headers=no_totp).status_code == 404
    claim = client.post(
        f"/api/v1/applications/{dukcapil.pk}/actions",
        {"action": "claim", "version": 1},
        content_type="application/json",
        headers=no_totp,
    )
    assert claim.status_code == 404


def test_grant_and_revoke_and_password_reset_end_sessions(client, demo):
    officer = staff("petugas.dinkes")
    login_staff(client, officer)
    assert client.get("/akun/kerja/").status_code == 200
    headers = bearer(officer)
    grant = RoleGrant.objects.get(user=officer)
    account_services.revoke_role(grant, revoked_by=staff("admin.dinkes"))
    assert client.get("/akun/kerja/").status_code == 302  # the session was ended
    assert client.get("/api/v1/me", headers=headers).status_code == 401


def test_changing_the_password_ends_other_sessions_and_tokens(client, demo):
    from django.test import Client

    citizen = User.objects.get(nik="2171011508900003")
    other = Client()
    other.force_login(citizen, backend="mpp.accounts.backends.NikOrUsernameBackend")
    headers = bearer(citizen, second_factor=False)
    client.force_login(citizen, backend="mpp.accounts.backends.NikOrUsernameBackend")
    response = client.post(
        "/akun/sandi/ubah/",
        {
            "old_password": "Warga-Demo-2026",
            "new_password1": PASSWORD,
            "new_password2": PASSWORD,
        },
    )
    assert response.status_code == 302
    assert client.get("/akun/profil/").status_code == 200  # this session stays
    assert other.get("/akun/profil/").status_code == 302
    assert client.get("/api/v1/me", headers=headers).status_code == 401


@pytest.mark.parametrize("granter", ["pengelola.batam", "admin.batam"])
def test_out_of_scope_and_self_grants_are_refused(demo, granter):
    from django.core.exceptions import ValidationError

    manager = staff(granter)
    yogya_agency = demo["yogya"].agency
    newcomer = User.objects.create_user(username="orang.baru", name="Orang Baru", password=PASSWORD)
    with pytest.raises(ValidationError):  # an agency admin of an agency serving elsewhere too
        account_services.grant_role(
            newcomer, Role.AGENCY_ADMIN, granted_by=manager, agency=demo["dukcapil"].agency
        )
    with pytest.raises(ValidationError):
        account_services.grant_role(
            newcomer,
            Role.AGENCY_ADMIN,
            granted_by=manager,
            agency=yogya_agency,
            mpp=demo["yogya"].mpp,
        )
    with pytest.raises(ValidationError):  # to themselves
        account_services.grant_role(
            manager,
            Role.AGENCY_ADMIN,
            granted_by=manager,
            agency=demo["dukcapil"].agency,
            mpp=demo["dukcapil"].mpp,
        )
    grant = account_services.grant_role(
        newcomer,
        Role.AGENCY_ADMIN,
        granted_by=manager,
        agency=demo["dukcapil"].agency,
        mpp=demo["dukcapil"].mpp,
    )
    # That admin cannot then grant an officer at MPP Yogyakarta.
    with pytest.raises(ValidationError):
        account_services.grant_role(
            staff("petugas.dinkes"),
            Role.OFFICER,
            granted_by=User.objects.get(pk=grant.user_id),
            agency=demo["dukcapil"].agency,
            mpp=demo["yogya"].mpp,
        )


def test_an_officer_never_decides_their_own_application(client, demo):
    officer = staff("petugas.dukcapil")
    own = _submitted("disdukcapil-batam", "2171011508900003")
    Application.objects.filter(pk=own.pk).update(applicant=officer)
    own.refresh_from_db()
    headers = bearer(officer)
    response = client.post(
        f"/api/v1/applications/{own.pk}/actions",
        {"action": "claim", "version": own.version},
        content_type="application/json",
        headers=headers,
    )
    assert response.status_code == 403
    login_staff(client, officer)
    inbox = client.get("/kelola/permohonan/").content.decode()
    assert "Bukan untuk Anda tangani" in inbox


def test_the_counter_never_shows_the_registered_name_and_is_limited(client, demo):
    yogya = staff("petugas.yogya")
    service = demo["yogya"].service
    application = case_services.file_at_counter(
        officer=yogya,
        service=service,
        walk_in=case_services.WalkIn(
            nik="2171011508900003", birth_date=datetime.date(1990, 8, 15), name="siapa saja"
        ),
    )
    login_staff(client, yogya)
    page = client.get(f"/kelola/permohonan/{application.pk}/").content.decode()
    assert "Budi Santoso" not in page and "siapa saja" in page
    citizen = User.objects.get(nik="2171011508900003")
    assert application.applicant == citizen
    assert AccessRecord.objects.filter(subject=citizen, kind="counter_filing").exists()
    for _attempt in range(case_services.COUNTER_LOOKUPS_PER_HOUR - 1):
        case_services.file_at_counter(
            officer=yogya,
            service=service,
            walk_in=case_services.WalkIn(
                nik="3471014101900001", birth_date=datetime.date(1990, 1, 1), name="Warga"
            ),
        )
    with pytest.raises(case_services.ApplicationError):
        case_services.file_at_counter(
            officer=yogya,
            service=service,
            walk_in=case_services.WalkIn(
                nik="3471014101900001", birth_date=datetime.date(1990, 1, 1), name="Warga"
            ),
        )


def test_a_counter_light_record_username_reveals_nothing_of_the_nik(demo):
    import hashlib

    nik = "3471014101900001"
    application = case_services.file_at_counter(
        officer=staff("petugas.yogya"),
        service=demo["yogya"].service,
        walk_in=case_services.WalkIn(nik=nik, birth_date=datetime.date(1990, 1, 1), name="Ani"),
    )
    username = application.applicant.username
    assert application.applicant.is_light_record
    assert hashlib.sha256(nik.encode()).hexdigest()[:12] not in username
    assert nik not in username and nik[-4:] not in username


@pytest.mark.parametrize("username", ["admin.kemenpanrb", "analis.kemenpanrb"])
def test_national_roles_list_and_detail_agree(client, demo, username):
    headers = bearer(staff(username))
    listed = client.get("/api/v1/applications", headers=headers).json()["items"]
    for row in listed:
        assert client.get(f"/api/v1/applications/{row['id']}", headers=headers).status_code == 200
    assert (
        client.get(f"/api/v1/applications/{demo['dukcapil'].pk}", headers=headers).status_code
        == 404
    )


def test_a_citizen_with_a_role_keeps_their_own_applications_in_the_api(client, demo):
    citizen = User.objects.get(nik="2171055204950001")
    account_services.grant_role(
        citizen,
        Role.OFFICER,
        granted_by=staff("admin.dukcapil"),
        agency=demo["dukcapil"].agency,
        mpp=demo["dukcapil"].mpp,
    )
    listed = client.get("/api/v1/applications", headers=bearer(citizen)).json()["items"]
    assert demo["yogya"].pk in {row["id"] for row in listed}
    assert demo["dukcapil"].pk in {row["id"] for row in listed}


def test_drafts_are_invisible_to_staff_until_submitted(client, demo):
    draft = demo["dukcapil"]
    Application.objects.filter(pk=draft.pk).update(status="draft")
    headers = bearer(staff("petugas.dukcapil"))
    assert client.get(f"/api/v1/applications/{draft.pk}", headers=headers).status_code == 404
    login_staff(client, staff("petugas.dukcapil"))
    assert client.get(f"/kelola/permohonan/{draft.pk}/").status_code == 404


def test_an_officer_api_read_appears_in_the_citizen_list(client, demo):
    application = demo["dukcapil"]
    headers = bearer(staff("petugas.dukcapil"))
    assert client.get(f"/api/v1/applications/{application.pk}", headers=headers).status_code == 200
    record = AccessRecord.objects.get()
    assert (record.kind, record.channel, record.viewer_role) == ("answers", "api", "officer")
    client.force_login(application.applicant, backend="mpp.accounts.backends.NikOrUsernameBackend")
    page = client.get(f"/permohonan/{application.pk}/").content.decode()
    assert "Siapa yang melihat data saya" in page
    assert record.viewer_name in page and application.agency.name in page
    assert record.viewer_name in client.get("/akun/profil/").content.decode()
