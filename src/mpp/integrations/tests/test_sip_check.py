"""A health-worker practice permit (SIP) asks SATUSEHAT SDMK on submission: the officer sees
"cocok / tidak cocok / tidak dapat dicek" with the IHS number and the STR's validity; a mismatch
holds the application with the reason for the applicant; SATUSEHAT down never blocks the
applicant, the sweep checks later, the circuit opens and closes, and fiktif positif still issues
the permit on day 5."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from mpp.accounts.models import Role
from mpp.accounts.tests.factories import staff
from mpp.accounts.tests.helpers import login_staff
from mpp.audit.models import AccessKind, AccessRecord
from mpp.cases import services as case_services
from mpp.cases.models import Application
from mpp.cases.tests.factories import (
    VALID_DATA,
    CitizenFactory,
    officer_for,
    pdf_upload,
    service_with,
)
from mpp.deadlines.services import sweep
from mpp.documents import services as document_services
from mpp.integrations import satusehat
from mpp.integrations.models import Breaker, Call, Outcome, Verification, VerificationState
from mpp.notifications.models import Notification

pytestmark = pytest.mark.django_db

SITI = "2171055204950001"  # a doctor with a lifetime STR
AGUS = "3171010202850001"  # a nurse with an STR valid until 30 June 2029
DEWI = "3471014101880002"  # a midwife whose STR lapsed on 31 March 2024
BUDI = "2171011508900003"  # not a health worker
BORN = {
    SITI: datetime.date(1995, 4, 12),
    AGUS: datetime.date(1985, 2, 2),
    DEWI: datetime.date(1988, 1, 1),
    BUDI: datetime.date(1990, 8, 15),
}


@pytest.fixture
def sip(batam_satusehat):
    """A SIP service of Batam: health permits, 5 working days, fiktif positif."""
    return service_with(category="perizinan_kesehatan", time_limit=5, auto_approve=True)


def apply(service, nik, django_capture_on_commit_callbacks, name="Siti Rahmawati"):
    citizen = CitizenFactory(nik=nik, name=name, birth_date=BORN[nik])
    application = case_services.start_application(applicant=citizen, service=service)
    case_services.update_draft(application, actor=citizen, data=VALID_DATA)
    case_services.attach_file(application, actor=citizen, field="dokumen", upload=pdf_upload())
    with django_capture_on_commit_callbacks(execute=True):
        case_services.submit_application(application, actor=citizen)
    application.refresh_from_db()
    return application


def check_line(client, service, application) -> str:
    login_staff(client, officer_for(service))
    page = client.get(reverse("cases:staff_detail", args=[application.pk])).content.decode()
    assert "Pemeriksaan SATUSEHAT SDMK" in page
    return page.split("Pemeriksaan SATUSEHAT SDMK", 1)[1].split("</dd>", 1)[0]


def citizen_page(client, application) -> str:
    client.force_login(application.applicant)
    return client.get(reverse("cases:detail", args=[application.pk])).content.decode()


def test_a_registered_doctor_is_matched_and_the_officer_sees_the_ihs_number_and_str(
    client, sip, django_capture_on_commit_callbacks
):
    application = apply(sip, SITI, django_capture_on_commit_callbacks)
    assert application.status == "submitted"
    line = check_line(client, sip, application)
    assert "cocok" in line and "tidak" not in line
    assert "nomor IHS 10009880728" in line
    assert "STR 3121100220145199 berlaku seumur hidup" in line
    # The look-up is in the citizen's access log; the call log has nothing personal.
    record = AccessRecord.objects.get(
        subject=application.applicant, kind=AccessKind.PRACTITIONER_CHECK
    )
    assert record.reference == application.tracking_number
    stored = repr(list(Call.objects.values()))
    for personal in (SITI, "Siti", "10009880728", "3121100220145199"):
        assert personal not in stored


def test_a_dated_str_shows_its_last_day(client, sip, django_capture_on_commit_callbacks):
    application = apply(sip, AGUS, django_capture_on_commit_callbacks, name="Agus Setiawan")
    assert "STR 3621100119001234 berlaku sampai 30 Juni 2029" in check_line(
        client, sip, application
    )


def test_a_nik_that_is_no_health_worker_holds_the_application_with_the_reason(
    client, sip, django_capture_on_commit_callbacks
):
    application = apply(sip, BUDI, django_capture_on_commit_callbacks, name="Budi Santoso")
    assert application.status == "revision_requested"
    assert application.due_at is None and application.remaining_working_days == 5  # paused
    page = citizen_page(client, application)
    assert "Permohonan ditahan" in page
    assert "NIK Anda tidak terdaftar sebagai tenaga kesehatan di SATUSEHAT SDMK" in page
    message = Notification.objects.get(
        recipient=application.applicant, kind="application.revision_requested"
    )
    assert "SATUSEHAT SDMK" in message.context["reason"]
    line = check_line(client, sip, application)
    assert "tidak cocok" in line and "tidak terdaftar sebagai tenaga kesehatan" in line

    # Sending it again asks again (still no health worker: held again).
    with django_capture_on_commit_callbacks(execute=True):
        case_services.resubmit_application(application, actor=application.applicant)
    application.refresh_from_db()
    assert application.status == "revision_requested"
    assert Verification.objects.get().attempts == 1  # a fresh check, not a retry


def test_an_expired_str_holds_the_application_naming_the_date(
    client, sip, django_capture_on_commit_callbacks
):
    application = apply(sip, DEWI, django_capture_on_commit_callbacks, name="Dewi Lestari")
    assert application.status == "revision_requested"
    page = citizen_page(client, application)
    assert "STR Anda yang tercatat di SATUSEHAT SDMK (3322100318004321) habis berlaku" in page
    assert "31 Maret 2024" in page
    assert "STR 3322100318004321 habis berlaku pada 31 Maret 2024" in check_line(
        client, sip, application
    )


def test_other_services_are_not_checked(client, batam_satusehat, partner):
    service = service_with()
    citizen = CitizenFactory(nik=SITI, birth_date=BORN[SITI])
    application = case_services.start_application(applicant=citizen, service=service)
    case_services.update_draft(application, actor=citizen, data=VALID_DATA)
    case_services.attach_file(application, actor=citizen, field="dokumen", upload=pdf_upload())
    case_services.submit_application(application, actor=citizen)
    assert not Verification.objects.exists() and not partner.sent


@pytest.mark.parametrize("mode", ["timeout", "500", "garbage"])
def test_satusehat_down_never_blocks_the_applicant_and_the_sweep_checks_later(
    client, sip, partner, moved_clock, django_capture_on_commit_callbacks, mode
):
    partner.mode = mode
    application = apply(sip, SITI, django_capture_on_commit_callbacks)
    assert application.status == "submitted"
    assert Verification.objects.get().state == VerificationState.UNAVAILABLE
    line = check_line(client, sip, application)
    assert "tidak dapat dicek" in line and "dicek ulang otomatis" in line
    assert "Permohonan ditahan" not in citizen_page(client, application)

    partner.mode = "simulator"
    with django_capture_on_commit_callbacks(execute=True):
        sweep(moved_clock.move(minutes=2))
    line = check_line(client, sip, application)
    assert "cocok" in line and "tidak" not in line and "10009880728" in line
    application.refresh_from_db()
    assert application.status == "submitted"


def test_the_circuit_opens_and_closes_while_applications_go_on(
    client, sip, partner, moved_clock, settings, django_capture_on_commit_callbacks
):
    settings.MPP_BREAKER_FAILURES = 2
    settings.MPP_BREAKER_COOLDOWN_SECONDS = 60
    settings.MPP_INTEGRATION_TRIES = 1
    partner.mode = "500"
    first = apply(sip, SITI, django_capture_on_commit_callbacks)
    second = apply(sip, AGUS, django_capture_on_commit_callbacks, name="Agus Setiawan")
    assert Breaker.objects.get().state == "open"
    sent = len(partner.sent)
    third = apply(sip, DEWI, django_capture_on_commit_callbacks, name="Dewi Lestari")
    assert len(partner.sent) == sent  # nobody called SATUSEHAT while open
    assert Call.objects.filter(outcome=Outcome.CIRCUIT_OPEN).exists()
    for application in (first, second, third):
        assert application.status == "submitted"
        assert "tidak dapat dicek" in check_line(client, sip, application)

    partner.mode = "simulator"
    with django_capture_on_commit_callbacks(execute=True):
        sweep(moved_clock.move(minutes=2))
    assert Breaker.objects.get().state == "closed"
    states = dict(Verification.objects.values_list("subject__nik", "state"))
    assert states == {
        SITI: VerificationState.MATCHED,
        AGUS: VerificationState.MATCHED,
        DEWI: VerificationState.NOT_MATCHED,
    }
    third.refresh_from_db()
    assert third.status == "revision_requested"  # held once the answer came


def test_on_day_five_the_permit_is_issued_even_while_satusehat_cannot_be_asked(
    sip, partner, django_capture_on_commit_callbacks
):
    authority = document_services.ensure_demo_authority()
    document_services.ensure_signing_credential(sip.agency, authority=authority)
    partner.mode = "timeout"
    application = apply(sip, SITI, django_capture_on_commit_callbacks)
    assert Verification.objects.get().state == VerificationState.UNAVAILABLE
    with django_capture_on_commit_callbacks(execute=True):
        sweep(application.due_at + datetime.timedelta(seconds=1))
    application = Application.objects.get(pk=application.pk)
    assert application.status == "issued" and application.auto_approved
    assert application.issued_document is not None


def test_the_health_page_shows_the_connector(client, batam_satusehat):
    login_staff(client, staff(Role.REGIONAL_ADMIN, region_id="2171"))
    page = client.get("/kelola/integrasi/").content.decode()
    assert "SATUSEHAT SDMK — data tenaga kesehatan" in page
    form = client.get(f"/kelola/integrasi/{satusehat.KEY}/2171/").content.decode()
    assert "Client ID (dari SATUSEHAT)" in form and satusehat.SIMULATOR_CLIENT_ID in form
    assert satusehat.SIMULATOR_CLIENT_SECRET not in form
