"""The complaint lifecycle: verification, forwarding, answers, replies, closing and escalation."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from mpp.accounts.models import User
from mpp.audit.models import AccessRecord, AuditEvent
from mpp.complaints import selectors, services
from mpp.complaints.models import (
    ClockKind,
    Complaint,
    ComplaintClock,
    Escalation,
    Forward,
    Kind,
    LaporOutbox,
    LaporRegion,
    TimeLimits,
)
from mpp.complaints.workflow import AGENCY, DESK, REPORTER
from mpp.deadlines.services import sweep
from mpp.notifications import contacts
from mpp.notifications.models import Notification, OutboxMessage
from mpp.regions import calendar
from mpp.tenancy.models import Agency
from mpp.workflows.errors import ActionNotAllowed, NoteRequired
from mpp.workflows.models import TransitionRecord

from .factories import answered, citizen, desk, forwarded, officer, submitted

pytestmark = pytest.mark.django_db


def test_submission_starts_the_verification_clock_of_3_working_days(
    demo, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        complaint = submitted(reporter=citizen())
    assert complaint.status == "submitted"
    assert complaint.due_at == calendar.due_at(complaint.region, complaint.submitted_at, 3)
    assert complaint.resolve_by == calendar.due_at_calendar_days(
        complaint.region, complaint.submitted_at, 60
    )
    assert complaint.tracking_number.startswith("ADU-2171-")
    received = Notification.objects.get(recipient=citizen(), kind="complaint.received")
    assert received.link == f"/pengaduan/lacak/{complaint.follow_token}/"


def test_day_counts_are_data_per_region(demo):
    TimeLimits.objects.create(region_id="2171", verify_working_days=1, respond_working_days=2)
    complaint = submitted()
    assert complaint.due_at == calendar.due_at(complaint.region, complaint.submitted_at, 1)
    complaint = services.take_action(complaint, "verify", user=desk(), kinds={DESK})
    assert complaint.due_at == calendar.due_at(complaint.region, complaint.forwarded_at, 2)


@pytest.mark.parametrize(
    ("field", "value", "says"),
    [
        ("text", "", "isi pengaduan"),
        ("text", "x" * 4001, "4.000"),
        ("title", " ", "judul"),
    ],
)
def test_bad_submissions_store_nothing(demo, field, value, says):
    with pytest.raises(services.ComplaintError) as error:
        submitted(**{field: value})
    assert says in error.value.errors[field][0].lower()
    assert (
        not Complaint.objects.filter(channel="api")
        .exclude(title="Antrean KTP-el terlalu lama")
        .exists()
    )


def test_a_category_that_needs_a_location_refuses_none(demo):
    from mpp.complaints.models import Category

    with pytest.raises(services.ComplaintError) as error:
        submitted(category=Category.objects.get(code="sarana-rusak", region=None))
    assert "lokasi" in error.value.errors["address"][0]
    complaint = submitted(
        category=Category.objects.get(code="sarana-rusak", region=None), address="Lantai 2, toilet"
    )
    assert complaint.address == "Lantai 2, toilet"


def _png() -> bytes:
    output = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(output, format="PNG")
    return output.getvalue()


def test_attachments_are_checked_by_content(demo):
    fake = SimpleUploadedFile("foto.png", b"<html><script>alert(1)</script></html>")
    with pytest.raises(services.ComplaintError) as error:
        submitted(attachments=[fake])
    assert "Jenis berkas tidak diterima" in error.value.errors["attachments"][0]
    bad_png = SimpleUploadedFile("foto.png", b"\x89PNG\r\n\x1a\n" + b"0" * 100)
    with pytest.raises(services.ComplaintError):
        submitted(attachments=[bad_png])
    complaint = submitted(attachments=[SimpleUploadedFile("foto.png", _png())])
    assert complaint.attachments.get().content_type == "image/png"


def test_a_guest_needs_a_confirmed_code(demo):
    with pytest.raises(services.ComplaintError) as error:
        services.submit_complaint(
            services.Submission(**_guest_submission()), reporter=None, guest=None, channel="web"
        )
    assert "code" in error.value.errors
    confirmation = contacts.send_guest_code("+6281234567890", purpose="pengaduan")
    sms = OutboxMessage.objects.get(to="+6281234567890")
    code = sms.text.split(": ")[1][:6]
    with pytest.raises(contacts.ContactCodeError):
        contacts.confirm_guest_code(confirmation.pk, "000000" if code != "000000" else "111111")
    confirmation = contacts.confirm_guest_code(confirmation.pk, code)
    complaint = services.submit_complaint(
        services.Submission(**_guest_submission()), guest=confirmation, channel="web"
    )
    assert complaint.reporter is None and complaint.reporter_phone == "+6281234567890"
    with pytest.raises(services.ComplaintError):  # a code is used once
        services.submit_complaint(
            services.Submission(**_guest_submission()), guest=confirmation, channel="web"
        )


def _guest_submission() -> dict:
    from mpp.tenancy.models import MPP

    return {
        "kind": Kind.ASPIRATION,
        "about": "mpp",
        "title": "Ruang tunggu",
        "text": "Mohon tambah kursi.",
        "mpp": MPP.objects.get(slug="mpp-kota-batam"),
    }


def test_the_desk_verifies_and_forwards_with_a_new_clock(demo):
    complaint = submitted()
    complaint = services.take_action(complaint, "verify", user=desk(), kinds={DESK})
    assert complaint.status == "forwarded"
    assert complaint.due_at == calendar.due_at(complaint.region, complaint.forwarded_at, 5)
    record = TransitionRecord.objects.filter(workflow="complaint").last()
    assert (record.action, record.actor, record.agency_id) == (
        "verify",
        desk(),
        complaint.agency_id,
    )


def test_only_the_desk_verifies(demo):
    complaint = submitted()
    assert selectors.actor_kinds(officer(), complaint) == set()  # not yet forwarded
    with pytest.raises(ActionNotAllowed):
        services.take_action(complaint, "verify", user=officer(), kinds={AGENCY})


def test_postpone_pauses_the_clock_until_the_reporter_answers(
    demo, django_capture_on_commit_callbacks
):
    complaint = submitted(reporter=citizen())
    with pytest.raises(NoteRequired):
        services.take_action(complaint, "postpone", user=desk(), kinds={DESK})
    complaint.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        complaint = services.take_action(
            complaint, "postpone", user=desk(), kinds={DESK}, note="Di loket mana?"
        )
    assert complaint.due_at is None and complaint.remaining_working_days is not None
    assert Notification.objects.filter(kind="complaint.postponed").exists()
    complaint = services.take_action(
        complaint, "supplement", user=citizen(), kinds={REPORTER}, note="Loket 3."
    )
    assert complaint.status == "submitted" and complaint.due_at is not None


def test_refer_and_archive_end_the_case_with_the_reason(demo):
    referred = services.take_action(
        submitted(), "refer", user=desk(), kinds={DESK}, note="BPJS Kesehatan Cabang Batam"
    )
    assert referred.status == "referred" and referred.referred_to == "BPJS Kesehatan Cabang Batam"
    archived = services.take_action(
        submitted(), "archive", user=desk(), kinds={DESK}, note="Isi tidak dapat dipahami"
    )
    assert archived.status == "archived" and archived.clock_stopped_at is not None


def test_reassignment_moves_the_case_to_another_agency_at_the_mpp(demo):
    complaint = forwarded()
    dinkes = Agency.objects.get(slug="dinkes-batam")
    complaint = services.take_action(
        complaint, "reassign", user=desk(), kinds={DESK}, note="Urusan izin praktik", agency=dinkes
    )
    assert complaint.agency == dinkes
    yogya = Agency.objects.get(slug="disdukcapil-yogyakarta")
    with pytest.raises(services.ComplaintError):
        services.take_action(
            complaint, "reassign", user=desk(), kinds={DESK}, note="x", agency=yogya
        )


def test_the_agency_answers_and_the_reporter_has_10_days(demo, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        complaint = answered(reporter=citizen())
    assert complaint.status == "answered" and complaint.answered_on_time is True
    assert complaint.reply_until == calendar.due_at_calendar_days(
        complaint.region, complaint.answered_at, 10
    )
    assert Notification.objects.filter(kind="complaint.answered", recipient=citizen()).exists()
    reopened = services.take_action(
        complaint, "reopen", user=citizen(), kinds={REPORTER}, note="Loket masih tutup."
    )
    assert reopened.status == "forwarded" and reopened.due_at is not None


def test_a_reply_after_the_window_is_refused_and_changes_nothing(demo):
    complaint = answered()
    ComplaintClock.objects.filter(complaint=complaint, kind=ClockKind.REPLY).update(
        due_at=timezone.now() - datetime.timedelta(minutes=1)
    )
    complaint.refresh_from_db()
    with pytest.raises(services.ComplaintError) as error:
        services.take_action(complaint, "reopen", user=None, kinds={REPORTER}, note="Masih.")
    assert "berakhir" in error.value.message
    complaint.refresh_from_db()
    assert complaint.status == "answered" and complaint.messages.count() == 1


def test_the_sweep_closes_answered_complaints_after_the_window(demo):
    complaint = answered()
    report = sweep(now=complaint.reply_until + datetime.timedelta(seconds=1))
    assert report.steps["complaints.complaintclock"]["closed"] == 1
    complaint.refresh_from_db()
    assert complaint.status == "closed" and complaint.closed_at is not None
    assert complaint.skm_subject()["agency_id"] == complaint.agency_id


def test_information_requests_get_10_working_days_extendable_once_by_7(demo):
    from mpp.complaints.models import Category

    complaint = forwarded(
        kind=Kind.INFORMATION, category=Category.objects.get(code="informasi-layanan", region=None)
    )
    assert complaint.due_at == calendar.due_at(complaint.region, complaint.forwarded_at, 10)
    with pytest.raises(NoteRequired):
        services.take_action(complaint, "extend", user=officer(), kinds={AGENCY})
    complaint.refresh_from_db()
    before = complaint.due_at
    complaint = services.take_action(
        complaint, "extend", user=officer(), kinds={AGENCY}, note="Data di arsip pusat"
    )
    assert complaint.due_at == calendar.due_at(complaint.region, before, 7)
    with pytest.raises(ActionNotAllowed):
        services.take_action(complaint, "extend", user=officer(), kinds={AGENCY}, note="lagi")
    with pytest.raises(ActionNotAllowed):  # ordinary complaints cannot be extended
        services.take_action(forwarded(), "extend", user=officer(), kinds={AGENCY}, note="x")


def test_overdue_complaints_escalate_to_the_manager_then_the_regional_admin(
    demo, django_capture_on_commit_callbacks
):
    complaint = submitted()
    link = f"/kelola/pengaduan/{complaint.pk}/"
    late = complaint.due_at + datetime.timedelta(hours=1)
    with django_capture_on_commit_callbacks(execute=True):
        sweep(now=late)
    complaint.refresh_from_db()
    assert complaint.escalation_level == 1 and complaint.breached_at is not None
    manager = User.objects.get(username="pengelola.batam")
    assert Notification.objects.filter(recipient=manager, link=link).count() == 1
    sweep(now=late)  # idempotent
    assert Escalation.objects.filter(complaint=complaint).count() == 1
    later = calendar.due_at(complaint.region, complaint.due_at, 2) + datetime.timedelta(hours=1)
    with django_capture_on_commit_callbacks(execute=True):
        sweep(now=later)
    complaint.refresh_from_db()
    assert complaint.escalation_level == 2
    admin = User.objects.get(username="admin.batam")
    assert Notification.objects.filter(recipient=admin, link=link).count() == 1
    assert list(Escalation.objects.filter(complaint=complaint).values_list("level", flat=True)) == [
        1,
        2,
    ]
    assert complaint in selectors.complaints_for_staff(manager).breached(later)


def test_rating_once_between_1_and_5(demo):
    complaint = answered()
    with pytest.raises(services.ComplaintError):
        services.rate_response(complaint, rating=6)
    services.rate_response(complaint, rating=4, comment="Cepat ditanggapi")
    with pytest.raises(services.ComplaintError):
        services.rate_response(complaint, rating=5)
    complaint.refresh_from_db()
    assert (complaint.rating, complaint.rating_comment) == (4, "Cepat ditanggapi")


def test_a_region_connected_to_lapor_forwards_each_complaint_once(
    demo, django_capture_on_commit_callbacks
):
    LaporRegion.objects.create(region_id="2171")
    with django_capture_on_commit_callbacks(execute=True):
        complaint = submitted()
    assert complaint.lapor_key == f"mpp:{complaint.tracking_number}"
    forward = Forward.objects.get(complaint=complaint)
    assert forward.status == "sent"
    services.send_forward(forward.pk)  # a second run sends nothing new
    assert LaporOutbox.objects.filter(complaint=complaint).count() == 1
    assert LaporOutbox.objects.get().payload["tracking_number"] == complaint.tracking_number


def test_staff_reads_of_the_reporter_are_recorded_and_anonymity_holds(demo):
    complaint = forwarded(reporter=citizen())
    shown = selectors.read_reporter(officer(), complaint, channel="web")
    assert shown["name"] == citizen().name
    record = AccessRecord.objects.get(subject=citizen())
    assert record.reference == complaint.tracking_number and record.viewer == officer()
    hidden = forwarded(is_anonymous=True, reporter_name="Tamu")
    assert selectors.read_reporter(officer(), hidden, channel="web") is None
    assert selectors.read_reporter(desk(), hidden, channel="web")["name"] == "Tamu"
    assert AuditEvent.objects.filter(action="complaint_reporter_viewed").count() == 1
    manager = User.objects.get(username="pengelola.batam")
    assert selectors.read_reporter(manager, complaint, channel="web") is None


def test_statistics_per_agency(demo):
    answered()
    late = forwarded()
    Complaint.objects.filter(pk=late.pk).update(due_at=timezone.now() - datetime.timedelta(days=1))
    late.refresh_from_db()
    services.take_action(late, "respond", user=officer(), kinds={AGENCY}, note="Maaf terlambat.")
    manager = User.objects.get(username="pengelola.batam")
    rows = {row["agency__name"]: row for row in selectors.statistics_per_agency(manager)}
    dukcapil = rows[Agency.objects.get(slug="disdukcapil-batam").name]
    assert dukcapil["answered"] == 2 and dukcapil["on_time"] == 1 and dukcapil["on_time_rate"] == 50


def test_daily_facts_count_received_answered_and_escalated(
    demo, django_capture_on_commit_callbacks
):
    from mpp.reporting.facts import complaints as complaint_facts
    from mpp.reporting.facts import read

    dinkes = Agency.objects.get(slug="dinkes-batam")  # the demo complaint is Dukcapil's
    with django_capture_on_commit_callbacks(execute=True):
        answered(agency=dinkes)
        late = submitted(agency=dinkes)
    with django_capture_on_commit_callbacks(execute=True):
        sweep(now=late.due_at + datetime.timedelta(hours=1))
    today = timezone.localdate()
    span = (today - datetime.timedelta(days=1), today + datetime.timedelta(days=1))

    def of_dinkes(facts):
        return {k: v for k, v in facts.items() if k.unit.agency == dinkes.pk}

    stored = of_dinkes(read(*span, [m.key for m in complaint_facts.METRICS]))
    totals = {key.metric: value for key, value in stored.items()}
    assert totals == {
        "complaints.received": 2,
        "complaints.answered": 1,
        "complaints.answered_on_time": 1,
        "complaints.escalated": 1,
    }
    assert of_dinkes(complaint_facts.source.recompute(*span)) == stored
