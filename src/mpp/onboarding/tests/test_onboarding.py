"""Region onboarding through the four stages, the rubric, probation, and the SK Pengelola."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from mpp.accounts.models import Invitation, Role, RoleGrant, User
from mpp.accounts.tests.helpers import invitation_path, login_staff
from mpp.documents.uploads import blank_pdf
from mpp.onboarding import selectors, services
from mpp.onboarding.models import ManagerDecree, OnboardingApplication, ReadinessRubric
from mpp.regions.models import Region
from mpp.tenancy.models import MPP

pytestmark = pytest.mark.django_db

DENPASAR = "5171"  # a region with no MPP on the platform


@pytest.fixture
def demo(request, demo_tenancy_once, settings, tmp_path):
    demo_tenancy_once.for_test(request, settings, tmp_path)
    return {
        "ministry": User.objects.get(username="admin.kemenpanrb"),
        "analyst": User.objects.get(username="analis.kemenpanrb"),
        "batam_admin": User.objects.get(username="admin.batam"),
    }


def pdf(name="surat.pdf"):
    return SimpleUploadedFile(name, blank_pdf(), content_type="application/pdf")


def png(name="foto.png"):
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "white").save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


FORM = {
    "region": DENPASAR,
    "contact_name": "Made Wirawan",
    "contact_email": "admin.denpasar@contoh.go.id",
    "manager_name": "Ni Luh Sari",
    "manager_email": "pengelola.denpasar@contoh.go.id",
    "bandwidth_mbps": "50",
    "devices": "20",
    "trained_staff": "10",
    "has_physical_mpp": "1",
    "hosting": "cloud",
    "budget": "500000000",
}


def apply_publicly(client, **files):
    data = {
        **FORM,
        "letter": files.get("letter") or pdf(),
        "urgency_study": files.get("study") or pdf(),
    }
    return client.post("/lokus/ajukan/", data)


def test_public_form_applies_for_a_region_not_on_the_platform(client, demo):
    response = apply_publicly(client)
    assert response.status_code == 200
    application = OnboardingApplication.objects.get(region_id=DENPASAR)
    assert application.status == "submitted"
    assert application.applicant is None
    # 25*0.5 + 15 + 20 + 15 + 15 + 10 with the default rubric
    assert float(application.score) == 87.5
    assert application.due_at > application.submitted_at
    assert application.reference in response.content.decode()


def test_public_form_refuses_a_file_that_is_not_a_pdf_or_image(client, demo):
    fake = SimpleUploadedFile("surat.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    response = apply_publicly(client, letter=fake)
    assert response.status_code == 400
    assert "Jenis berkas tidak diterima; unggah berkas PDF, PNG, JPEG." in response.content.decode()
    assert not OnboardingApplication.objects.exists()


def test_public_form_refuses_a_region_already_on_the_platform(client, demo):
    response = client.post(
        "/lokus/ajukan/", {**FORM, "region": "2171", "letter": pdf(), "urgency_study": pdf()}
    )
    assert response.status_code == 400
    assert "sudah memiliki MPP di platform" in response.content.decode()
    assert not OnboardingApplication.objects.exists()


def _submitted(client) -> OnboardingApplication:
    apply_publicly(client)
    return OnboardingApplication.objects.get(region_id=DENPASAR)


def test_a_region_is_onboarded_through_every_stage_to_access(
    client, demo, django_capture_on_commit_callbacks
):
    application = _submitted(client)
    ministry = demo["ministry"]
    login_staff(client, ministry)
    url = f"/kelola/penerapan/{application.pk}/tindakan/"

    # Stage skipped: granting access straight away is refused, nothing changes.
    response = client.post(url, {"action": "grant_access"})
    assert response.status_code == 400
    assert "Tahap tidak boleh dilompati" in response.content.decode()
    application.refresh_from_db()
    assert application.status == "submitted"
    assert not MPP.objects.filter(region_id=DENPASAR).exists()

    # The phase is a deliberate choice: none is assumed (it once defaulted to 1).
    response = client.post(url, {"action": "designate"})
    assert response.status_code == 400
    assert "Pilih tahap penetapan lokus." in response.content.decode()
    assert client.post(url, {"action": "designate", "phase": "3"}).status_code == 400
    application.refresh_from_db()
    assert (application.status, application.phase) == ("submitted", None)

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url, {"action": "designate", "phase": "1"}).status_code == 302
    application.refresh_from_db()
    assert (application.status, application.phase) == ("designated", 1)

    # The agreement is uploaded by the region, whose admin exists only after access: designation
    # invites the contact the region named to act for it in onboarding (issue 23). Nothing is
    # granted until the owner of the address accepts; the ministry cannot upload for the region.
    invitation = Invitation.objects.pending().get(
        email=FORM["contact_email"], role=Role.REGION_CONTACT
    )
    assert (invitation.region_id, invitation.invited_by) == (DENPASAR, ministry)
    assert not RoleGrant.objects.filter(role=Role.REGION_CONTACT).exists()
    response = client.post(url, {"action": "upload_agreement", "agreement": pdf()})
    assert response.status_code == 403
    assert "diunggah oleh daerah" in response.content.decode()
    application.refresh_from_db()
    assert application.status == "designated"

    path = invitation_path([m for m in mail.outbox if m.to == [FORM["contact_email"]]])
    region_client = client.__class__()
    data = {"username": "made.wirawan", "name": "Made Wirawan", "password": "Sandi-Daerah-2026",
            "password_again": "Sandi-Daerah-2026"}  # fmt: skip
    assert region_client.post(path, data).status_code == 302
    contact = User.objects.get(username="made.wirawan")
    login_staff(region_client, contact)
    page = region_client.get(f"/kelola/penerapan/{application.pk}/").content.decode()
    assert "Perjanjian penerapan bertanda tangan" in page  # the upload form, for the region
    assert (
        region_client.post(url, {"action": "upload_agreement", "agreement": png()}).status_code
        == 302
    )
    application.refresh_from_db()
    assert application.status == "agreement_signed" and application.agreement

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url, {"action": "grant_access"}).status_code == 302
    application.refresh_from_db()
    assert application.status == "active" and application.access_granted_at
    mpp = MPP.objects.get(region_id=DENPASAR)
    assert mpp.is_active
    # The manager is invited, not granted: no account is made or found by the address.
    assert not User.objects.filter(email=FORM["manager_email"]).exists()
    invitation = Invitation.objects.pending().get(email=FORM["manager_email"])
    assert (invitation.role, invitation.mpp, invitation.invited_by) == (
        Role.MPP_MANAGER, mpp, ministry,
    )  # fmt: skip
    assert sorted(m.to[0] for m in mail.outbox if "/akun/undangan/" in m.body) == sorted(
        [FORM["contact_email"], FORM["manager_email"]]
    )
    # The link opens the page where the manager creates their staff account.
    page = client.__class__().get(invitation_path(mail.outbox))
    assert page.status_code == 200
    # The public page now lists the locus in phase 1 with a map marker.
    public = client.get("/lokus/").content.decode()
    assert "Kota Denpasar" in public and "Tahap 1" in public and "<circle" in public


def test_return_needs_a_reason_and_the_region_resubmits(client, demo):
    application = _submitted(client)
    login_staff(client, demo["ministry"])
    url = f"/kelola/penerapan/{application.pk}/tindakan/"
    response = client.post(url, {"action": "return", "reason": ""})
    assert response.status_code == 400
    application.refresh_from_db()
    assert application.status == "submitted"
    client.post(url, {"action": "return", "reason": "Kajian urgensi belum ditandatangani."})
    application.refresh_from_db()
    assert application.status == "returned"
    assert application.return_reason == "Kajian urgensi belum ditandatangani."


def test_probation_reason_is_recorded_and_shown_to_the_region(client, demo):
    from mpp.onboarding import demo as onboarding_demo

    onboarding_demo.load()
    batam = OnboardingApplication.objects.get(region_id="2171")
    services.change_standing(
        batam, actor=demo["ministry"], action="probation",
        reason="Laporan monev tidak disampaikan dua periode.",
    )  # fmt: skip
    login_staff(client, demo["batam_admin"])
    page = client.get(f"/kelola/penerapan/{batam.pk}/").content.decode()
    assert "Masa pembinaan" in page and "tidak disampaikan dua periode" in page
    with pytest.raises(services.OnboardingError):
        services.change_standing(batam, actor=demo["ministry"], action="revoke", reason="")
    batam.refresh_from_db()
    assert batam.status == "probation"


def test_rubric_weights_must_add_up_to_100(client, demo):
    login_staff(client, demo["ministry"])
    data = {"name": "Rubrik 2026", "w_bandwidth": "30", "w_devices": "15", "w_trained_staff": "20",
            "w_physical_mpp": "15", "w_hosting": "15", "w_budget": "10"}  # fmt: skip
    response = client.post("/kelola/penerapan/rubrik/", data)
    assert response.status_code == 400
    assert "Jumlah bobot harus 100%; sekarang 105%." in response.content.decode()
    assert not ReadinessRubric.objects.filter(name="Rubrik 2026").exists()
    data["w_bandwidth"] = "25"
    assert client.post("/kelola/penerapan/rubrik/", data).status_code == 302
    assert services.active_rubric().name == "Rubrik 2026"


def test_analyst_reads_but_cannot_act(client, demo):
    application = _submitted(client)
    login_staff(client, demo["analyst"])
    assert client.get(f"/kelola/penerapan/{application.pk}/").status_code == 200
    response = client.post(
        f"/kelola/penerapan/{application.pk}/tindakan/", {"action": "designate", "phase": "1"}
    )
    assert response.status_code == 403  # refused by the policy (issue 22), not bad input
    application.refresh_from_db()
    assert application.status == "submitted"


def test_decree_grants_the_managers_named_and_replaces_the_old_one(client, demo):
    from mpp.onboarding import demo as onboarding_demo

    onboarding_demo.load()
    old = ManagerDecree.objects.get(region_id="2171")
    mpp = MPP.objects.get(slug="mpp-kota-batam")
    login_staff(client, demo["batam_admin"])
    data = {
        "number": "KPTS/45/2026", "decree_date": "2026-11-02", "signatory": "Wali Kota Batam",
        "valid_until": "2028-12-31", "appointee_name": "Rudi Hartono",
        "appointee_email": "rudi@contoh.go.id", "appointee_position": "Koordinator MPP Digital",
        "appointee_mpp": str(mpp.pk),
    }  # fmt: skip
    response = client.post("/kelola/penerapan/sk/", {**data, "document": png()})
    assert response.status_code == 400
    assert "Jenis berkas tidak diterima; unggah berkas PDF." in response.content.decode()
    assert ManagerDecree.objects.count() == 1

    assert client.post("/kelola/penerapan/sk/", {**data, "document": pdf()}).status_code == 302
    new = ManagerDecree.objects.exclude(pk=old.pk).get()
    old.refresh_from_db()
    assert old.replaced_by == new and old.replaced_at
    invitation = new.appointees.get().invitation
    assert (invitation.email, invitation.role, invitation.mpp) == (
        "rudi@contoh.go.id", Role.MPP_MANAGER, mpp,
    )  # fmt: skip
    assert invitation.invited_by == demo["batam_admin"] and invitation.is_pending
    assert selectors.current_decree("2171") == new
    login_staff(client, demo["ministry"])
    page = client.get("/kelola/penerapan/sk/").content.decode()
    assert "KPTS/45/2026" in page and "KPTS/123/HK/VII/2023 diganti KPTS/45/2026" in page


def test_expired_decree_is_not_valid(demo):
    region = Region.objects.get(code="2171")
    decree = ManagerDecree(region=region, number="x", decree_date=datetime.date(2020, 1, 1),
                           signatory="y", valid_until=datetime.date(2021, 1, 1))  # fmt: skip
    assert not decree.is_valid_on(datetime.date(2026, 1, 1))
