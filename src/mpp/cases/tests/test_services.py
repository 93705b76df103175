"""The application services: drafts, uploads, submission with working-day deadlines, actions."""

from __future__ import annotations

import datetime
import re
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from mpp.accounts.models import Role
from mpp.accounts.tests.factories import staff
from mpp.audit.models import AuditEvent
from mpp.cases import selectors, services
from mpp.cases.models import Application, ApplicationDocument
from mpp.cases.tests.factories import (
    VALID_DATA,
    CitizenFactory,
    officer_for,
    pdf_upload,
    service_with,
)
from mpp.catalog import services as catalog_services
from mpp.catalog.models import ServiceVersion
from mpp.deadlines import services as clock
from mpp.notifications.models import Notification
from mpp.regions.models import CalendarOverride
from mpp.workflows.errors import ActionNotAllowed, NoteRequired, StaleVersion
from mpp.workflows.selectors import timeline

WIB = ZoneInfo("Asia/Jakarta")
pytestmark = pytest.mark.django_db


def at(monkeypatch, *args):
    moment = datetime.datetime(*args, tzinfo=WIB)
    monkeypatch.setattr("django.utils.timezone.now", lambda: moment)
    return moment


def end_of(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(23, 59, 59, 999999), tzinfo=WIB)


def swept(moment) -> dict[str, int]:
    """The deadline sweep's figures for applications."""
    report = clock.sweep(moment)
    return {"breached": report.breached["cases.application"], **report.steps["cases.application"]}


def filled(service, citizen, **data) -> Application:
    application = services.start_application(applicant=citizen, service=service)
    services.update_draft(application, actor=citizen, data={**VALID_DATA, **data})
    services.attach_file(application, actor=citizen, field="dokumen", upload=pdf_upload())
    return application


def test_tracking_number_is_region_local_date_and_daily_sequence(monkeypatch, service, citizen):
    at(monkeypatch, 2026, 11, 27, 23, 30)  # 23:30 WIB is already 28 Nov in UTC+8, still 27 Nov here
    first = services.start_application(applicant=citizen, service=service)
    second = services.start_application(applicant=citizen, service=service)
    assert first.tracking_number == "2171-261127-0001"
    assert second.tracking_number == "2171-261127-0002"
    at(monkeypatch, 2026, 11, 28, 8, 0)
    assert services.start_application(applicant=citizen, service=service).tracking_number == (
        "2171-261128-0001"
    )


def test_draft_keeps_what_was_typed_even_when_invalid(service, citizen):
    application = services.start_application(applicant=citizen, service=service)
    errors = services.update_draft(
        application, actor=citizen, data={"nama_lengkap": "Budi", "nik": "12345"}
    )
    assert "nik" in errors and "nama_lengkap" not in errors
    application.refresh_from_db()
    assert application.data == {"nama_lengkap": "Budi", "nik": "12345"}


def test_incomplete_application_is_refused_per_field_and_stays_draft(service, citizen):
    application = services.start_application(applicant=citizen, service=service)
    services.update_draft(application, actor=citizen, data={"nama_lengkap": "Budi"})
    with pytest.raises(services.ApplicationError) as error:
        services.submit_application(application, actor=citizen)
    assert set(error.value.errors) == {"nik", "jenis", "dokumen"}
    application.refresh_from_db()
    assert application.status == "draft" and application.submitted_at is None


def test_upload_is_checked_by_content_not_by_name(service, citizen):
    application = services.start_application(applicant=citizen, service=service)
    renamed_exe = pdf_upload("surat.pdf", b"MZ\x90\x00" + b"\x00" * 100)
    with pytest.raises(services.ApplicationError) as error:
        services.attach_file(application, actor=citizen, field="dokumen", upload=renamed_exe)
    assert "Jenis berkas tidak diterima" in error.value.errors["dokumen"][0]
    with pytest.raises(services.ApplicationError):
        services.attach_file(
            application, actor=citizen, field="dokumen", upload=pdf_upload(content=b"")
        )
    assert not ApplicationDocument.objects.exists()


def test_upload_path_is_random_and_never_holds_the_nik(service, citizen):
    application = services.start_application(applicant=citizen, service=service)
    document = services.attach_file(
        application, actor=citizen, field="dokumen", upload=pdf_upload("ktp 2171011508900003.pdf")
    )
    assert "2171011508900003" not in document.file.name
    assert "2171011508900003" not in document.original_name
    assert re.match(r"applications/\d{4}/\d{2}/[\w-]{32}\.pdf$", document.file.name)
    assert document.content_type == "application/pdf"


def test_a_forged_file_reference_does_not_count(service, citizen):
    other = filled(service, CitizenFactory())
    application = services.start_application(applicant=citizen, service=service)
    services.update_draft(application, actor=citizen, data=VALID_DATA)
    application.data["dokumen"] = other.data["dokumen"]
    with pytest.raises(services.ApplicationError) as error:
        services.check_complete(application)
    assert "dokumen" in error.value.errors


def test_submission_is_due_at_end_of_nth_working_day_after_local_date(
    monkeypatch, service, citizen, django_capture_on_commit_callbacks
):
    application = filled(service, citizen)
    at(monkeypatch, 2026, 11, 27, 16, 0)  # Friday
    with django_capture_on_commit_callbacks(execute=True):
        services.submit_application(application, actor=citizen)
    application.refresh_from_db()
    assert application.status == "submitted"
    assert application.due_at == end_of(datetime.date(2026, 12, 2))  # Mon, Tue, Wed
    assert Notification.objects.filter(recipient=citizen, kind="application.submitted").exists()


def test_a_regional_day_off_moves_the_deadline(monkeypatch, service, citizen):
    CalendarOverride.objects.create(
        region_id="2171", date=datetime.date(2026, 12, 1), kind=CalendarOverride.Kind.DAY_OFF
    )
    application = filled(service, citizen)
    at(monkeypatch, 2026, 11, 27, 16, 0)
    services.submit_application(application, actor=citizen)
    assert application.due_at == end_of(datetime.date(2026, 12, 3))


def test_revision_pauses_the_clock_and_resubmission_resumes_it(monkeypatch, service, citizen):
    officer = officer_for(service)
    application = filled(service, citizen)
    at(monkeypatch, 2026, 11, 30, 9, 0)  # Monday → due Thursday 3 December
    services.submit_application(application, actor=citizen)
    services.claim_application(application, actor=officer)
    at(monkeypatch, 2026, 12, 1, 10, 0)
    with pytest.raises(NoteRequired):
        services.request_revision(application, actor=officer, note="  ")
    services.request_revision(application, actor=officer, note="Pindaian KTP buram.")
    application.refresh_from_db()
    assert application.status == "revision_requested"
    assert application.due_at is None and application.remaining_working_days == 2
    services.attach_file(application, actor=citizen, field="dokumen", upload=pdf_upload("baru.pdf"))
    at(monkeypatch, 2026, 12, 4, 15, 0)  # Friday → 2 working days: Mon 7, Tue 8
    services.resubmit_application(application, actor=citizen)
    application.refresh_from_db()
    assert application.status == "in_review"
    assert application.due_at == end_of(datetime.date(2026, 12, 8))
    assert application.remaining_working_days is None
    assert [r.action for r in timeline(application)] == [
        "submit",
        "claim",
        "request_revision",
        "resubmit",
    ]


def test_stale_version_changes_nothing(service, citizen):
    officer = officer_for(service)
    other = officer_for(service)
    application = filled(service, citizen)
    services.submit_application(application, actor=citizen)
    loaded = Application.objects.get(pk=application.pk)
    services.claim_application(application, actor=officer, expected_version=1)
    with pytest.raises(StaleVersion):
        services.reject_application(loaded, actor=other, note="Tidak lengkap", expected_version=1)
    application.refresh_from_db()
    assert application.status == "in_review" and application.assigned_to == officer


def test_citizen_cannot_take_officer_actions_and_cannot_withdraw_after_decision(service, citizen):
    officer = officer_for(service)
    application = filled(service, citizen)
    services.submit_application(application, actor=citizen)
    with pytest.raises(ActionNotAllowed):
        services.claim_application(application, actor=citizen)
    services.claim_application(application, actor=officer)
    services.approve_application(application, actor=officer)
    with pytest.raises(ActionNotAllowed):
        services.withdraw_application(application, actor=citizen)


def test_withdraw_before_decision(service, citizen):
    application = filled(service, citizen)
    services.submit_application(application, actor=citizen)
    services.withdraw_application(application, actor=citizen)
    application.refresh_from_db()
    assert application.status == "withdrawn" and application.clock_stopped_at is not None
    later = timezone.now() + datetime.timedelta(days=365)
    assert not Application.objects.breached(later).exists()  # a stopped clock is never late


def test_officer_of_another_agency_cannot_act(service, citizen):
    stranger = officer_for(service_with())
    application = filled(service, citizen)
    services.submit_application(application, actor=citizen)
    with pytest.raises(ActionNotAllowed):
        services.claim_application(application, actor=stranger)


def test_approve_and_issue_produces_one_signed_document(
    service, citizen, signing, django_capture_on_commit_callbacks
):
    officer = officer_for(service)
    application = filled(service, citizen)
    services.submit_application(application, actor=citizen)
    services.claim_application(application, actor=officer)
    services.approve_application(application, actor=officer)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.issue_application(application, actor=officer)
    application.refresh_from_db()
    assert application.status == "issued" and application.is_being_issued  # before the commit
    for callback in callbacks:
        callback()
    application.refresh_from_db()
    document = application.issued_document
    assert application.status == "issued" and not application.is_being_issued
    assert document.status == "valid" and document.holder_nik == citizen.nik
    assert document.file.read(5) == b"%PDF-"
    message = Notification.objects.get(recipient=citizen, kind="application.issued")
    assert message.context["document_number"] == document.number
    with pytest.raises(ActionNotAllowed):
        services.issue_application(application, actor=officer)


def test_skip_approval_services_issue_straight_from_review(citizen):
    service = service_with(skip_approval=True)
    officer = officer_for(service)
    from mpp.documents import services as document_services

    document_services.ensure_signing_credential(
        service.agency, authority=document_services.ensure_demo_authority()
    )
    application = filled(service, citizen)
    services.submit_application(application, actor=citizen)
    services.claim_application(application, actor=officer)
    with pytest.raises(ActionNotAllowed):
        services.approve_application(application, actor=officer)
    services.issue_application(application, actor=officer)
    assert application.status == "issued"


def test_sweep_approves_and_issues_fiktif_positif_once(
    monkeypatch, citizen, django_capture_on_commit_callbacks
):
    service = service_with(auto_approve=True, time_limit=5)
    from mpp.documents import services as document_services

    document_services.ensure_signing_credential(
        service.agency, authority=document_services.ensure_demo_authority()
    )
    ordinary = service_with(time_limit=1)
    application = filled(service, citizen)
    late = filled(ordinary, citizen)
    at(monkeypatch, 2026, 11, 30, 9, 0)
    services.submit_application(application, actor=citizen)
    services.submit_application(late, actor=citizen)
    assert application.due_at == end_of(datetime.date(2026, 12, 7))
    evening = datetime.datetime(2026, 12, 7, 23, 0, tzinfo=WIB)
    before = swept(evening)
    assert (before["auto_approved"], before["breached"]) == (0, 1)  # the 1-day service is late
    application.refresh_from_db()
    assert application.status == "submitted"
    moment = at(monkeypatch, 2026, 12, 8, 0, 0, 1)
    with django_capture_on_commit_callbacks(execute=True):
        result = swept(moment)
    assert (result["auto_approved"], result["issued"], result["breached"]) == (1, 1, 0)
    application.refresh_from_db()
    late.refresh_from_db()
    assert application.status == "issued" and application.issued_document.status == "valid"
    assert late.status == "submitted" and late.breached_at == evening
    assert Application.objects.breached(moment).filter(pk=late.pk).exists()
    records = list(timeline(application))
    assert [r.action for r in records][-2:] == ["auto_approve", "issue"]
    assert records[-2].actor is None and "fiktif positif" in records[-2].note
    again = swept(moment)
    assert (again["auto_approved"], again["issued"], again["breached"]) == (0, 0, 0)
    assert len(list(timeline(application))) == len(records)


def test_counter_filing_creates_a_light_record_once(service):
    officer = officer_for(service)
    walk_in = services.WalkIn(
        nik="2171015205850002", birth_date=datetime.date(1985, 5, 12), name="Siti Aminah"
    )
    application = services.file_at_counter(officer=officer, service=service, walk_in=walk_in)
    assert application.channel == "counter" and application.filed_by == officer
    applicant = application.applicant
    assert applicant.is_light_record and not applicant.has_usable_password()
    again = services.file_at_counter(officer=officer, service=service, walk_in=walk_in)
    assert again.applicant == applicant
    assert AuditEvent.objects.filter(action="application_filed_at_counter").count() == 2
    services.update_draft(application, actor=officer, data=VALID_DATA)
    services.attach_file(application, actor=officer, field="dokumen", upload=pdf_upload())
    services.submit_application(application, actor=officer)
    assert application.status == "submitted"


def test_counter_filing_checks_nik_against_birth_date(service):
    officer = officer_for(service)
    with pytest.raises(services.ApplicationError) as error:
        services.file_at_counter(
            officer=officer,
            service=service,
            walk_in=services.WalkIn(
                nik="2171015205850002", birth_date=datetime.date(1985, 5, 13), name="Siti"
            ),
        )
    assert "nik" in error.value.errors


def test_selectors_scope_citizens_and_officers(service, citizen):
    officer = officer_for(service)
    stranger_officer = officer_for(service_with())
    mine = filled(service, citizen)
    services.submit_application(mine, actor=citizen)
    other = CitizenFactory()
    from django.http import Http404

    with pytest.raises(Http404):
        selectors.application_for_citizen(other, mine.pk)
    assert list(selectors.inbox(officer)) == [mine]
    assert list(selectors.inbox(stranger_officer)) == []
    with pytest.raises(Http404):
        selectors.application_for_staff(stranger_officer, mine.pk)


def test_due_today_and_tomorrow_counts(monkeypatch, service, citizen):
    officer = officer_for(service)
    today = filled(service, citizen)
    at(monkeypatch, 2026, 11, 30, 9, 0)
    services.submit_application(today, actor=citizen)  # due Thu 3 Dec
    counts = selectors.due_counts(officer, now=datetime.datetime(2026, 12, 3, 8, tzinfo=WIB))
    assert counts == {"today": 1, "tomorrow": 0, "overdue": 0}
    counts = selectors.due_counts(officer, now=datetime.datetime(2026, 12, 2, 8, tzinfo=WIB))
    assert counts["tomorrow"] == 1
    counts = selectors.due_counts(officer, now=datetime.datetime(2026, 12, 4, 8, tzinfo=WIB))
    assert counts["overdue"] == 1
    assert timezone.now()


def test_assign_to_a_colleague_of_the_unit_only(service, citizen):
    officer = officer_for(service)
    colleague = officer_for(service)
    outsider = officer_for(service_with())
    application = filled(service, citizen)
    services.submit_application(application, actor=citizen)
    with pytest.raises(services.ApplicationError) as error:
        services.claim_application(application, actor=officer, assignee=outsider)
    assert "assignee" in error.value.errors
    services.claim_application(application, actor=officer, assignee=colleague)
    application.refresh_from_db()
    assert application.assigned_to == colleague and application.status == "in_review"
    assert list(timeline(application))[-1].action == "assign"
    assert list(selectors.colleagues(application)) == sorted(
        [officer, colleague], key=lambda user: user.name
    )


def test_officer_cannot_fill_in_or_submit_an_online_application(service, citizen):
    officer = officer_for(service)
    application = services.start_application(applicant=citizen, service=service)
    with pytest.raises(services.ApplicationError):
        services.update_draft(application, actor=officer, data={"nama_lengkap": "X"})
    services.update_draft(application, actor=citizen, data=VALID_DATA)
    services.attach_file(application, actor=citizen, field="dokumen", upload=pdf_upload())
    with pytest.raises(services.ApplicationError):
        services.submit_application(application, actor=officer)
    assert Application.objects.get(pk=application.pk).status == "draft"


def test_a_failure_while_signing_leaves_the_decision_and_the_retry_issues_one_document(
    monkeypatch, service, citizen, signing, django_capture_on_commit_callbacks
):
    from mpp.documents import signing as document_signing
    from mpp.documents.models import IssuedDocument

    officer = officer_for(service)
    application = filled(service, citizen)
    services.submit_application(application, actor=citizen)
    services.claim_application(application, actor=officer)
    services.approve_application(application, actor=officer)
    real_sign = document_signing.sign_pdf

    def crash(*args, **kwargs):
        raise RuntimeError("worker restarted")

    monkeypatch.setattr(document_signing, "sign_pdf", crash)
    with django_capture_on_commit_callbacks(execute=True):
        services.issue_application(application, actor=officer)
    application.refresh_from_db()
    assert application.status == "issued" and application.is_being_issued
    assert IssuedDocument.objects.get().status == "pending"
    monkeypatch.setattr(document_signing, "sign_pdf", real_sign)
    assert services.resume_issuing(older_than=datetime.timedelta(0)) == 1
    application.refresh_from_db()
    document = IssuedDocument.objects.get()
    assert application.issued_document == document and document.status == "valid"
    assert services.resume_issuing(older_than=datetime.timedelta(0)) == 0


def test_sweep_command_runs_the_task_as_of_a_moment(monkeypatch, service, citizen):
    from io import StringIO

    from django.core.management import CommandError, call_command

    application = filled(service, citizen)
    at(monkeypatch, 2026, 11, 30, 9, 0)
    services.submit_application(application, actor=citizen)  # due Thu 3 December
    out = StringIO()
    call_command("sweep_deadlines", "--now", "2026-12-04T08:00:00+07:00", stdout=out)
    assert "cases.application: breached=1 " in out.getvalue()
    again = StringIO()
    call_command("sweep_deadlines", "--now", "2026-12-04T08:00:00+07:00", stdout=again)
    assert "cases.application: breached=0 " in again.getvalue()
    with pytest.raises(CommandError):
        call_command("sweep_deadlines", "--now", "2026-12-04T08:00:00")


def test_an_application_keeps_the_version_it_was_filed_under(service, citizen):
    earlier = filled(service, citizen)
    services.submit_application(earlier, actor=citizen)
    admin = staff(Role.AGENCY_ADMIN, agency=service.agency)
    draft = catalog_services.start_draft(service, actor=admin)
    catalog_services.update_draft(draft, actor=admin, content={"time_limit": 10, "fee": 5000})
    catalog_services.publish_draft(draft, actor=admin)

    earlier.refresh_from_db()
    assert earlier.service_version.number == 1
    assert earlier.service_version.time_limit == 3
    assert earlier.service_version.status == ServiceVersion.Status.PUBLISHED
    service.refresh_from_db()
    later = services.start_application(applicant=citizen, service=service)
    assert later.service_version.number == 2 and later.service_version.fee == 5000
