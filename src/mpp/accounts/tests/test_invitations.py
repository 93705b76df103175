"""Staff roles only through an invitation accepted by the owner of the address (issue 22, item 1).

The probe: a citizen registers with the email a manager will later type, and the role lands on the
citizen's account. Here the role only exists once someone opens the emailed link and creates a
staff account (password, then TOTP), and never on an account found by its email.
"""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from mpp.accounts import services
from mpp.accounts.models import Invitation, Role, RoleGrant, User
from mpp.accounts.services import CitizenRegistration
from mpp.audit.models import AuditAction, AuditEvent
from mpp.tenancy.models import MPP, Agency

from .factories import PASSWORD, CitizenFactory, staff
from .helpers import current_code, invitation_path, login_staff

pytestmark = pytest.mark.django_db

ROLES_URL = "/akun/kerja/peran/"
INVITED = "rudi.hartono@contoh.go.id"
NEW_PASSWORD = "Sandi-Petugas-Baru-2026"
ATTACKER_NIK = "2171011508900004"  # not a demo citizen


@pytest.fixture
def demo(request, demo_tenancy_once, settings, tmp_path):
    return demo_tenancy_once.for_test(request, settings, tmp_path)


@pytest.fixture
def send(django_capture_on_commit_callbacks):
    """Run a write and the emails it sends after its commit."""

    def run(write, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return write(*args, **kwargs)

    return run


def citizen_registered_with(email: str) -> User:
    """The attacker of the probe: a citizen account registered with the address, never verified."""
    services.register_citizen_without_oracle(
        CitizenRegistration(
            nik=ATTACKER_NIK,
            name="Penyerang",
            birth_date=datetime.date(1990, 8, 15),
            password=PASSWORD,
            email=email,
            consent=True,
        )
    )
    return User.objects.get(nik=ATTACKER_NIK)


def signed_in_citizen(user: User) -> Client:
    client = Client()
    response = client.post("/akun/masuk/", {"username": user.nik, "password": PASSWORD})
    assert response.status_code == 302
    return client


def invite_by_role_admin(send, mailoutbox, *, email=INVITED) -> str:
    """The MPP manager of Batam invites a complaint-desk officer through the role admin page."""
    manager_client = Client()
    login_staff(manager_client, User.objects.get(username="pengelola.batam"))
    mpp = MPP.objects.get(slug="mpp-kota-batam")
    data = {"name": "Rudi Hartono", "email": email, "role": "complaint_desk", "mpp": mpp.pk}
    response = send(manager_client.post, ROLES_URL, data, follow=True)
    assert "Undangan sebagai Petugas pengaduan MPP telah dikirim" in response.content.decode()
    return invitation_path(mailoutbox)


def accept_with_new_account(path: str, username: str = "rudi.hartono") -> Client:
    client = Client()
    page = client.get(path)
    assert page.status_code == 200
    assert 'value="Rudi Hartono"' in page.content.decode()  # the name comes prefilled
    data = {
        "username": username,
        "name": "Rudi Hartono",
        "password": NEW_PASSWORD,
        "password_again": NEW_PASSWORD,
    }
    response = client.post(path, data)
    assert response.status_code == 302 and response["Location"] == "/akun/2fa/atur/"
    return client


def test_a_citizen_registered_with_the_invited_email_never_gets_the_role(demo, send, mailoutbox):
    citizen = citizen_registered_with(INVITED)
    path = invite_by_role_admin(send, mailoutbox)
    assert not RoleGrant.objects.filter(user=citizen).exists()  # nothing granted by the address

    # Even holding the link, the citizen's own account cannot take it.
    client = signed_in_citizen(citizen)
    page = client.get(path).content.decode()
    assert "membuat akun petugas tersendiri" in page and "Keluar dahulu" in page
    assert client.post(path).status_code == 200
    citizen.refresh_from_db()
    assert not citizen.is_staff_member
    assert Invitation.objects.get().accepted_at is None
    assert client.get("/akun/kerja/").status_code == 403


def test_the_owner_accepts_sets_password_and_totp_and_holds_the_role(demo, send, mailoutbox):
    citizen = citizen_registered_with(INVITED)
    path = invite_by_role_admin(send, mailoutbox)
    assert mailoutbox[-1].to == [INVITED]
    raw = path.split("/")[-2]
    assert not Invitation.objects.filter(token_hash=raw).exists()  # only the hash is stored

    client = accept_with_new_account(path)
    officer = User.objects.get(username="rudi.hartono")
    assert officer.pk != citizen.pk and officer.nik is None
    assert officer.email == INVITED and officer.email_is_verified
    assert officer.check_password(NEW_PASSWORD)
    grant = RoleGrant.objects.active().get(user=officer)
    assert grant.role == Role.COMPLAINT_DESK
    assert grant.granted_by == User.objects.get(username="pengelola.batam")
    assert not RoleGrant.objects.filter(user=citizen).exists()

    # Nothing but the TOTP set-up before the second factor.
    assert client.get("/akun/kerja/")["Location"] == "/akun/2fa/atur/"
    client.get("/akun/2fa/atur/")
    device = officer.totpdevice_set.get()
    response = client.post("/akun/2fa/atur/", {"code": current_code(device)})
    assert response["Location"] == "/akun/kerja/"
    assert "Pengaduan" in client.get("/akun/kerja/").content.decode()

    actions = list(
        AuditEvent.objects.filter(
            action__in=[AuditAction.INVITATION_SENT, AuditAction.INVITATION_ACCEPTED]
        )
        .order_by("id")
        .values_list("action", "actor__username")
    )
    assert actions == [
        (AuditAction.INVITATION_SENT, "pengelola.batam"),
        (AuditAction.INVITATION_ACCEPTED, "rudi.hartono"),
    ]
    assert INVITED not in str(list(AuditEvent.objects.values("summary", "data")))


def test_a_used_link_is_refused(demo, send, mailoutbox):
    path = invite_by_role_admin(send, mailoutbox)
    accept_with_new_account(path)
    again = Client().get(path)
    assert again.status_code == 410
    assert "sudah diterima dan tidak dapat dipakai lagi" in again.content.decode()
    data = {"username": "orang.lain", "name": "X", "password": NEW_PASSWORD,
            "password_again": NEW_PASSWORD}  # fmt: skip
    assert Client().post(path, data).status_code == 410
    assert not User.objects.filter(username="orang.lain").exists()
    assert RoleGrant.objects.filter(role=Role.COMPLAINT_DESK).count() == 1


def test_an_expired_link_is_refused_and_sending_again_makes_a_new_one(demo, send, mailoutbox):
    path = invite_by_role_admin(send, mailoutbox)
    invitation = Invitation.objects.get()
    Invitation.objects.filter(pk=invitation.pk).update(
        expires_at=timezone.now() - datetime.timedelta(minutes=1)
    )
    page = Client().get(path)
    assert page.status_code == 410 and "sudah kedaluwarsa" in page.content.decode()

    manager_client = Client()
    login_staff(manager_client, User.objects.get(username="pengelola.batam"))
    roles_page = manager_client.get(ROLES_URL).content.decode()
    assert INVITED in roles_page and "Kedaluwarsa" in roles_page
    send(manager_client.post, f"{ROLES_URL}undangan/{invitation.pk}/kirim-ulang/")
    new_path = invitation_path(mailoutbox)
    assert new_path != path
    assert Client().get(path).status_code == 404  # the old link no longer exists
    accept_with_new_account(new_path)
    assert RoleGrant.objects.filter(user__username="rudi.hartono").exists()


@pytest.mark.parametrize("change", ["one character", "cut short", "made up"])
def test_a_tampered_link_is_refused(demo, send, mailoutbox, change):
    path = invite_by_role_admin(send, mailoutbox)
    raw = path.split("/")[-2]
    tampered = {
        "one character": raw[:-1] + ("A" if raw[-1] != "A" else "B"),
        "cut short": raw[:20],
        "made up": "x" * 43,
    }[change]
    page = Client().get(f"/akun/undangan/{tampered}/")
    assert page.status_code == 404
    assert "tidak dikenal atau tidak utuh" in page.content.decode()
    assert Invitation.objects.get().accepted_at is None


def test_a_revoked_invitation_is_refused(demo, send, mailoutbox):
    path = invite_by_role_admin(send, mailoutbox)
    manager = User.objects.get(username="pengelola.batam")
    manager_client = Client()
    login_staff(manager_client, manager)
    invitation = Invitation.objects.get()
    response = manager_client.post(f"{ROLES_URL}undangan/{invitation.pk}/batalkan/", follow=True)
    assert "dibatalkan; tautannya tidak berlaku lagi" in response.content.decode()
    page = Client().get(path)
    assert page.status_code == 410 and "telah dibatalkan" in page.content.decode()
    assert AuditEvent.objects.filter(
        action=AuditAction.INVITATION_REVOKED, actor=manager, target_id=str(invitation.pk)
    ).exists()


def test_the_inviters_policy_is_checked_again_at_acceptance(demo, send, mailoutbox):
    path = invite_by_role_admin(send, mailoutbox)
    manager = User.objects.get(username="pengelola.batam")
    RoleGrant.objects.filter(user=manager).update(revoked_at=timezone.now())
    client = Client()
    data = {"username": "rudi.hartono", "name": "Rudi Hartono", "password": NEW_PASSWORD,
            "password_again": NEW_PASSWORD}  # fmt: skip
    response = client.post(path, data, follow=True)
    assert "tidak berwenang" in response.content.decode()
    assert not User.objects.filter(username="rudi.hartono").exists()  # nothing half-written
    assert not RoleGrant.objects.filter(role=Role.COMPLAINT_DESK).exists()


def test_a_staff_member_with_the_verified_address_accepts_onto_their_account(
    demo, send, mailoutbox
):
    dukcapil = Agency.objects.get(slug="disdukcapil-batam")
    officer = staff(Role.OFFICER, agency=dukcapil, mpp=MPP.objects.get(slug="mpp-kota-batam"))
    path = invite_by_role_admin(send, mailoutbox, email=officer.email.upper())
    client = Client()
    login_staff(client, officer)
    assert "Terima undangan untuk akun ini" in client.get(path).content.decode()
    response = client.post(path)
    assert response["Location"] == "/akun/kerja/"
    assert client.get("/akun/kerja/").status_code == 200  # still signed in, second factor kept
    assert sorted(
        RoleGrant.objects.active().filter(user=officer).values_list("role", flat=True)
    ) == [
        "complaint_desk",
        "officer",
    ]


def test_a_staff_member_whose_address_is_unverified_or_another_cannot(demo, send, mailoutbox):
    dukcapil = Agency.objects.get(slug="disdukcapil-batam")
    officer = staff(Role.OFFICER, agency=dukcapil, mpp=MPP.objects.get(slug="mpp-kota-batam"))
    User.objects.filter(pk=officer.pk).update(email=INVITED, email_verified_at=None)
    path = invite_by_role_admin(send, mailoutbox)
    client = Client()
    login_staff(client, officer)
    assert "Keluar dahulu" in client.get(path).content.decode()
    client.post(path)
    assert not RoleGrant.objects.filter(user=officer, role=Role.COMPLAINT_DESK).exists()


def test_a_citizen_with_a_verified_matching_address_still_cannot(demo, send, mailoutbox):
    citizen = CitizenFactory(nik=ATTACKER_NIK, email=INVITED)  # verified, but a citizen account
    path = invite_by_role_admin(send, mailoutbox)
    client = Client()
    client.force_login(citizen)
    client.post(path)
    assert not RoleGrant.objects.filter(user=citizen).exists()


def test_new_account_problems_are_shown_and_change_nothing(demo, send, mailoutbox):
    path = invite_by_role_admin(send, mailoutbox)
    client = Client()
    cases = [
        ({"username": "pengelola.batam"}, "username", "sudah dipakai"),
        ({"username": "2171011508900003"}, "username", "tidak hanya angka"),
        ({"username": "warga-abc"}, "username", "tidak diawali warga-"),
        ({"password_again": "lain"}, "password_again", "tidak sama"),
        ({"password": "12345", "password_again": "12345"}, "password", "terlalu pendek"),
    ]
    for change, field, message in cases:
        data = {"username": "rudi.hartono", "name": "Rudi Hartono", "password": NEW_PASSWORD,
                "password_again": NEW_PASSWORD, **change}  # fmt: skip
        response = client.post(path, data)
        assert response.status_code == 200
        assert message in " ".join(response.context["form"].errors.get(field, [])), change
    assert not User.objects.filter(username="rudi.hartono").exists()
    assert Invitation.objects.get().accepted_at is None
