"""The probe's attack on onboarding's two grant paths (issue 22, finding 1): a citizen registered
with the email a region will name never gets the role; the rightful owner accepts the link."""

from __future__ import annotations

import pytest
from django.core import mail
from django.test import Client

from mpp.accounts.models import Invitation, Role, RoleGrant, User
from mpp.accounts.tests.helpers import invitation_path, login_staff
from mpp.accounts.tests.test_invitations import (
    accept_with_new_account,
    citizen_registered_with,
    signed_in_citizen,
)
from mpp.onboarding import demo as onboarding_demo
from mpp.onboarding import services
from mpp.regions.models import Region
from mpp.tenancy.models import MPP

from .test_onboarding import demo, pdf  # noqa: F401 - the demo fixture

pytestmark = pytest.mark.django_db

APPOINTEE = "rudi@contoh.go.id"


def _the_citizen_cannot_and_the_owner_can(citizen, path, *, role, inviter, **scope):
    assert not RoleGrant.objects.filter(user=citizen).exists()
    client = signed_in_citizen(citizen)
    assert "Keluar dahulu" in client.get(path).content.decode()
    client.post(path)
    assert not RoleGrant.objects.filter(user=citizen).exists()

    accept_with_new_account(path)
    owner = User.objects.get(username="rudi.hartono")
    grant = RoleGrant.objects.active().get(user=owner)
    assert (grant.role, grant.granted_by) == (role, inviter)
    assert all(getattr(grant, field) == value for field, value in scope.items())
    assert not RoleGrant.objects.filter(user=citizen).exists()


def test_sk_pengelola_appointee_is_invited_never_granted_to_a_citizen_with_the_address(
    client,
    demo,  # noqa: F811
    django_capture_on_commit_callbacks,
):
    onboarding_demo.load()
    citizen = citizen_registered_with(APPOINTEE)
    mpp = MPP.objects.get(slug="mpp-kota-batam")
    login_staff(client, demo["batam_admin"])
    data = {
        "number": "KPTS/45/2026", "decree_date": "2026-11-02", "signatory": "Wali Kota Batam",
        "valid_until": "2028-12-31", "appointee_name": "Rudi Hartono",
        "appointee_email": APPOINTEE, "appointee_position": "Koordinator MPP Digital",
        "appointee_mpp": str(mpp.pk), "document": pdf(),
    }  # fmt: skip
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post("/kelola/penerapan/sk/", data).status_code == 302
    assert [m.to for m in mail.outbox if "/akun/undangan/" in m.body] == [[APPOINTEE]]
    _the_citizen_cannot_and_the_owner_can(
        citizen, invitation_path(mail.outbox), role=Role.MPP_MANAGER, inviter=demo["batam_admin"],
        mpp=mpp,
    )  # fmt: skip


def test_stage_four_contact_is_invited_never_granted_to_a_citizen_with_the_address(
    demo,  # noqa: F811
    django_capture_on_commit_callbacks,
):
    region = Region.objects.get(code="5171")
    application = onboarding_demo._application(region, "agreement_signed", phase=2)
    application.manager_email = APPOINTEE
    application.manager_name = "Rudi Hartono"
    application.save()
    citizen = citizen_registered_with(APPOINTEE)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.grant_access(application, actor=demo["ministry"])
    assert Invitation.objects.pending().filter(email=APPOINTEE).count() == 1
    assert Invitation.objects.pending().filter(role=Role.REGIONAL_ADMIN, region=region).exists()
    _the_citizen_cannot_and_the_owner_can(
        citizen, invitation_path([m for m in mail.outbox if m.to == [APPOINTEE]]),
        role=Role.MPP_MANAGER, inviter=demo["ministry"], mpp=MPP.objects.get(region=region),
    )  # fmt: skip
    assert Client().get("/akun/kerja/").status_code == 302
