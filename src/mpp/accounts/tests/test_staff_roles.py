"""The staff roles page: managers grant and revoke roles inside their own scope."""

import pytest
from django.test import Client

from mpp.accounts.models import Invitation, RoleGrant, User
from mpp.audit.models import AuditAction, AuditEvent
from mpp.tenancy.models import MPP, Agency

from .helpers import invitation_path, login_staff

pytestmark = pytest.mark.django_db

URL = "/akun/kerja/peran/"


@pytest.fixture
def demo(request, demo_tenancy_once, settings, tmp_path):
    return demo_tenancy_once.for_test(request, settings, tmp_path)


def as_staff(client, username):
    user = User.objects.get(username=username)
    login_staff(client, user)
    return user


def ids(**slugs):
    found = {}
    for name, slug in slugs.items():
        model = MPP if name == "mpp" else Agency
        found[name] = model.objects.get(slug=slug).pk
    return found


def test_agency_admin_invites_an_officer_who_accepts_then_revokes_it(
    client, demo, mailoutbox, django_capture_on_commit_callbacks
):
    admin = as_staff(client, "admin.dukcapil")
    page = client.get(URL)
    assert page.status_code == 200
    body = page.content.decode()
    assert "petugas.dukcapil" in body
    assert "petugas.dinkes" not in body  # another agency's officer
    assert [c[0] for c in page.context["form"].fields["role"].choices] == ["", "officer"]

    data = {
        "name": "Petugas Baru",
        "email": "Petugas.Baru@contoh.go.id",
        "role": "officer",
        **ids(agency="disdukcapil-batam", mpp="mpp-kota-batam"),
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(URL, data, follow=True)
    assert response.redirect_chain[-1][0] == URL
    body = response.content.decode()
    assert "Undangan sebagai Petugas layanan telah dikirim ke petugas.baru@contoh.go.id" in body
    assert "Undangan yang belum diterima" in body and "Petugas Baru" in body
    assert not RoleGrant.objects.filter(role="officer", granted_by=admin).exists()
    assert mailoutbox[-1].to == ["petugas.baru@contoh.go.id"]
    path = invitation_path(mailoutbox)
    password = "Sandi-Petugas-Baru-2026"
    accepted = Client().post(
        path,
        {"username": "petugas.baru", "name": "Petugas Baru", "password": password,
         "password_again": password},
    )  # fmt: skip
    assert accepted.status_code == 302
    newcomer = User.objects.get(username="petugas.baru")
    grant = RoleGrant.objects.get(user=newcomer)
    assert (grant.role, grant.agency.slug, grant.mpp.slug, grant.granted_by) == (
        "officer",
        "disdukcapil-batam",
        "mpp-kota-batam",
        admin,
    )
    event = AuditEvent.objects.get(action=AuditAction.ROLE_GRANTED)
    assert (event.actor, event.target_id, event.data["user_id"]) == (
        admin,
        str(grant.pk),
        newcomer.pk,
    )
    assert "Undangan yang belum diterima" in client.get(URL).content.decode()
    assert (
        "petugas.baru@contoh.go.id"
        not in client.get(URL)
        .content.decode()
        .split("Undangan yang belum diterima")[1]
        .split("Peran yang berlaku")[0]
    )

    confirmation = client.get(f"{URL}{grant.pk}/cabut/").content.decode()
    assert "akan dicabut" in confirmation and "Ya, cabut peran" in confirmation
    response = client.post(f"{URL}{grant.pk}/cabut/")  # the old one-click form: only a redirect
    assert response.url == f"{URL}{grant.pk}/cabut/"
    grant.refresh_from_db()
    assert grant.revoked_at is None
    response = client.post(f"{URL}{grant.pk}/cabut/", {"confirmed": "1"}, follow=True)
    assert "telah dicabut" in response.content.decode()
    grant.refresh_from_db()
    assert grant.revoked_at is not None
    assert AuditEvent.objects.filter(action=AuditAction.ROLE_REVOKED, actor=admin).exists()


@pytest.mark.parametrize(
    ("actor", "data", "field", "message"),
    [
        (
            "admin.dukcapil",
            {"role": "officer", "agency": ("dinkes-batam",), "mpp": "mpp-kota-batam"},
            "agency",
            "Pilihan ini di luar cakupan Anda.",
        ),
        (
            "admin.dukcapil",
            {"role": "agency_admin", "agency": ("disdukcapil-batam",)},
            "role",
            "Anda tidak dapat memberikan peran ini.",
        ),
        (
            "pengelola.batam",
            {"role": "officer", "agency": ("dinkes-batam",)},
            "mpp",
            "Pilih MPP untuk peran ini.",
        ),
        (
            "pengelola.batam",
            {"role": "officer", "mpp": "mpp-kota-yogyakarta", "agency": ("dinkes-batam",)},
            "mpp",
            "Pilihan ini di luar cakupan Anda.",
        ),
        (
            "admin.batam",
            {"role": "regional_admin", "region": "3471"},
            "region",
            "Pilihan ini di luar cakupan Anda.",
        ),
        ("admin.batam", {"role": "regional_admin"}, "region", "Pilih kabupaten/kota"),
        ("admin.batam", {"role": "ministry_admin"}, "role", "Anda tidak dapat memberikan"),
        (
            "admin.batam",
            {
                "role": "officer",
                "email": "bukan-surel",
                "agency": ("dinkes-batam",),
                "mpp": "mpp-kota-batam",
            },
            "email",
            "Tulis alamat surel lengkap",
        ),
        ("admin.batam", {"role": ""}, "role", "Bidang ini tidak boleh kosong."),
    ],
)
def test_bad_input_is_refused_with_a_message(client, demo, actor, data, field, message):
    as_staff(client, actor)
    post = {"name": "Petugas Baru", "email": "petugas.baru@contoh.go.id"}
    for name, value in data.items():
        if name == "agency":
            post["agency"] = Agency.objects.get(slug=value[0]).pk
        elif name == "mpp":
            post["mpp"] = MPP.objects.get(slug=value).pk
        else:
            post[name] = value
    response = client.post(URL, post)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert message in " ".join(errors.get(field, [])), errors
    assert "Ada yang perlu diperbaiki" in response.content.decode()
    assert not Invitation.objects.exists()
    assert not AuditEvent.objects.filter(action=AuditAction.INVITATION_SENT).exists()


NEWCOMER = {"name": "Petugas Baru", "email": "petugas.baru@contoh.go.id"}


def test_officer_only_where_the_agency_serves(client, demo):
    as_staff(client, "admin.kemenpanrb")
    data = {**NEWCOMER, "role": "officer"}
    data |= ids(agency="disdukcapil-yogyakarta", mpp="mpp-kota-batam")
    response = client.post(URL, data)
    assert "tidak melayani di MPP yang dipilih" in response.content.decode()
    assert not Invitation.objects.exists()


def test_the_same_invitation_twice_is_sent_again_with_a_new_link(
    client, demo, mailoutbox, django_capture_on_commit_callbacks
):
    as_staff(client, "pengelola.batam")
    data = {**NEWCOMER, "role": "agency_admin"}
    data |= ids(agency="dinkes-batam", mpp="mpp-kota-batam")
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(URL, data).status_code == 302
        first = Invitation.objects.get().token_hash
        assert client.post(URL, data).status_code == 302
    assert Invitation.objects.get().token_hash != first
    assert len(mailoutbox) == 2
    assert Client().get(invitation_path(mailoutbox[:1])).status_code == 404


def test_regional_admin_invites_an_mpp_manager_and_ministry_a_regional_admin(client, demo):
    as_staff(client, "admin.batam")
    data = {**NEWCOMER, "role": "mpp_manager", **ids(mpp="mpp-kota-batam")}
    assert client.post(URL, data).status_code == 302
    client.logout()
    as_staff(client, "admin.kemenpanrb")
    data = {**NEWCOMER, "role": "regional_admin", "region": "3471"}
    assert client.post(URL, data).status_code == 302
    assert sorted(Invitation.objects.pending().values_list("role", flat=True)) == [
        "mpp_manager",
        "regional_admin",
    ]
    assert not RoleGrant.objects.filter(role="mpp_manager", granted_by__isnull=False).exists()


def test_grants_outside_ones_scope_cannot_be_revoked(client, demo):
    as_staff(client, "admin.dukcapil")
    other = RoleGrant.objects.get(user__username="petugas.dinkes")
    assert client.post(f"{URL}{other.pk}/cabut/").status_code == 404
    peer = RoleGrant.objects.get(user__username="admin.dukcapil")
    response = client.post(f"{URL}{peer.pk}/cabut/", follow=True)
    assert "Anda tidak dapat mencabut peran Anda sendiri." in response.content.decode()
    client.logout()
    as_staff(client, "pengelola.batam")
    manager_grant = RoleGrant.objects.get(user__username="pengelola.batam")
    admin_grant = RoleGrant.objects.get(user__username="admin.batam")
    assert client.post(f"{URL}{admin_grant.pk}/cabut/").status_code == 404
    assert RoleGrant.objects.get(pk=manager_grant.pk).revoked_at is None
    assert not AuditEvent.objects.filter(action=AuditAction.ROLE_REVOKED).exists()
    assert client.put(f"{URL}{peer.pk}/cabut/").status_code == 405


@pytest.mark.parametrize("username", ["petugas.dukcapil", "analis.kemenpanrb"])
def test_people_who_do_not_manage_staff_get_403(client, demo, username):
    as_staff(client, username)
    assert client.get(URL).status_code == 403
    grant = RoleGrant.objects.get(user__username="petugas.dinkes")
    assert client.post(f"{URL}{grant.pk}/cabut/").status_code == 403


def test_workspace_links_to_the_roles_page_for_managers_only(client, demo):
    as_staff(client, "admin.dukcapil")
    assert URL in client.get("/akun/kerja/").content.decode()
    client.logout()
    as_staff(client, "petugas.dukcapil")
    assert URL not in client.get("/akun/kerja/").content.decode()


def test_workspace_shows_only_the_users_own_scope(client, demo):
    as_staff(client, "petugas.dukcapil")
    body = client.get("/akun/kerja/").content.decode()
    assert "Dinas Kependudukan dan Pencatatan Sipil Kota Batam" in body
    assert "Dinas Kesehatan Kota Batam" not in body
    assert "Yogyakarta" not in body
    client.logout()
    as_staff(client, "petugas.yogya")
    body = client.get("/akun/kerja/").content.decode()
    assert "Kota Yogyakarta" in body
    assert "Batam" not in body
