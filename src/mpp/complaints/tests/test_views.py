"""The pages: submitting (account and guest), following, rating, the public list, the back office,
and consultation answers on the service page."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from mpp.accounts.tests.helpers import login_staff
from mpp.catalog.models import Service
from mpp.complaints import services
from mpp.complaints.models import Complaint, Kind
from mpp.complaints.workflow import AGENCY
from mpp.notifications.models import OutboxMessage
from mpp.tenancy.models import MPP

from .factories import answered, citizen, desk, forwarded, officer, submitted, web_form

pytestmark = pytest.mark.django_db


def test_a_citizen_submits_and_is_sent_to_the_follow_page(client, demo):
    client.force_login(citizen())
    response = client.post("/pengaduan/baru/", web_form())
    complaint = Complaint.objects.get(title="AC ruang tunggu mati")
    assert response.status_code == 302
    assert response["Location"] == f"/pengaduan/lacak/{complaint.follow_token}/"
    page = client.get(response["Location"])
    assert complaint.tracking_number in page.content.decode()


def test_an_empty_text_is_answered_next_to_the_field(client, demo):
    client.force_login(citizen())
    before = Complaint.objects.count()
    response = client.post("/pengaduan/baru/", web_form(text=""))
    assert response.status_code == 200
    assert "Tuliskan isi pengaduan Anda." in response.content.decode()
    assert Complaint.objects.count() == before


def test_a_guest_confirms_a_code_then_submits(client, demo):
    assert client.get("/pengaduan/baru/")["Location"] == "/pengaduan/konfirmasi/"
    client.post("/pengaduan/konfirmasi/", {"address": "+6281234567890"})
    code = re.search(r"\d{6}", OutboxMessage.objects.get().text).group()
    wrong = client.post(
        "/pengaduan/konfirmasi/", {"code": "000000" if code != "000000" else "111111"}
    )
    assert "Kode salah." in wrong.content.decode()
    assert client.post("/pengaduan/konfirmasi/", {"code": code})["Location"] == "/pengaduan/baru/"
    response = client.post("/pengaduan/baru/", web_form(is_anonymous="on", reporter_name="Tamu"))
    assert response.status_code == 302
    complaint = Complaint.objects.get(title="AC ruang tunggu mati")
    assert complaint.reporter is None and complaint.is_anonymous
    # the code is spent: a second submission asks for a new confirmation
    assert client.get("/pengaduan/baru/")["Location"] == "/pengaduan/konfirmasi/"


def test_the_public_list_hides_confidential_complaints_and_anonymous_reporters(client, demo):
    answered(title="Loket lambat", is_anonymous=True, reporter_name="Budi Rahasia")
    submitted(title="Urusan pribadi", is_confidential=True)
    page = client.get("/pengaduan/").content.decode()
    assert "Loket lambat" in page and "Urusan pribadi" not in page and "Budi Rahasia" not in page
    assert "Loket lambat" not in client.get("/pengaduan/", {"status": "closed"}).content.decode()
    assert "Loket lambat" in client.get("/pengaduan/", {"q": "lambat"}).content.decode()


def test_the_reporter_rates_the_answer_from_the_follow_page(client, demo):
    complaint = answered()
    url = f"/pengaduan/lacak/{complaint.follow_token}/"
    assert "Nilai tanggapan instansi" in client.get(url).content.decode()
    answer = client.post(url + "nilai/", {"rating": "5", "comment": "Terima kasih"}, follow=True)
    assert "Terima kasih atas penilaian Anda." in answer.content.decode()
    complaint.refresh_from_db()
    assert complaint.rating == 5
    again = client.post(url + "nilai/", {"rating": "4"}, follow=True)  # refused: said, not a 500
    assert again.status_code == 200
    complaint.refresh_from_db()
    assert complaint.rating == 5


def test_the_desk_cannot_take_the_agencys_action_and_nothing_changes(client, demo):
    complaint = forwarded()
    login_staff(client, desk())
    answer = client.post(
        f"/kelola/pengaduan/{complaint.pk}/tindakan/",
        {"action": "respond", "version": complaint.version, "note": "Jawaban meja layanan"},
    )
    assert answer.status_code == 403
    complaint.refresh_from_db()
    assert complaint.status == "forwarded"


def test_the_desk_verifies_from_the_back_office(client, demo):
    complaint = submitted()
    login_staff(client, desk())
    page = client.get("/kelola/pengaduan/?daftar=verifikasi").content.decode()
    assert complaint.tracking_number in page
    client.post(
        f"/kelola/pengaduan/{complaint.pk}/tindakan/",
        {"action": "verify", "version": complaint.version, "agency": complaint.agency_id},
    )
    complaint.refresh_from_db()
    assert complaint.status == "forwarded"


def test_a_useful_consultation_answer_appears_on_the_service_page(
    client, demo, django_capture_on_commit_callbacks
):
    service = Service.objects.published().filter(mpp__slug="mpp-kota-batam").first()
    complaint = forwarded(
        kind=Kind.CONSULTATION,
        about="service",
        service=service,
        agency=None,
        title="Apakah perlu surat pengantar RT?",
        category=None,
    )
    url = reverse("catalog:service_detail", args=[service.pk])
    assert "Apakah perlu surat pengantar RT?" not in client.get(url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):  # the cached page is renewed
        services.take_action(
            complaint, "respond", user=officer(), kinds={AGENCY}, note="Tidak perlu.", useful=True
        )
    page = client.get(url).content.decode()
    assert "Apakah perlu surat pengantar RT?" in page and "Tidak perlu." in page


def test_the_public_filter_offers_the_agencies_of_the_chosen_mpp_only(client, demo):
    from mpp.tenancy.models import Agency

    complaint = answered(title="Loket lambat")
    mpp = MPP.objects.get(pk=complaint.mpp_id)
    present = set(
        Agency.objects.filter(presences__mpp=mpp, presences__is_active=True).values_list(
            "name", flat=True
        )
    )
    elsewhere = set(Agency.objects.exclude(presences__mpp=mpp).values_list("name", flat=True))
    assert present and elsewhere
    page = client.get("/pengaduan/").content.decode()
    assert "Pilih MPP terlebih dahulu" in page
    assert not any(f">{name}</option>" in page for name in present | elsewhere)
    page = client.get("/pengaduan/", {"mpp": mpp.pk}).content.decode()
    assert all(f">{name}</option>" in page for name in present)
    assert not any(f">{name}</option>" in page for name in elsewhere - present)
    # An agency named in a link without its MPP still filters.
    assert complaint.agency_id is not None
    page = client.get("/pengaduan/", {"agency": complaint.agency_id}).content.decode()
    assert "Loket lambat" in page
    other = Agency.objects.exclude(pk=complaint.agency_id).first()
    assert "Loket lambat" not in client.get("/pengaduan/", {"agency": other.pk}).content.decode()


def test_the_form_offers_the_agencies_and_services_of_the_chosen_mpp(client, demo):
    from mpp.tenancy.models import Agency

    client.force_login(citizen())
    batam = MPP.objects.get(slug="mpp-kota-batam")
    at_batam = set(
        Agency.objects.filter(presences__mpp=batam, presences__is_active=True).values_list(
            "name", flat=True
        )
    )
    elsewhere = set(Agency.objects.exclude(presences__mpp=batam).values_list("name", flat=True))
    other_service = Service.objects.published().exclude(mpp=batam).first()
    assert at_batam and elsewhere and other_service
    page = client.get("/pengaduan/baru/").content.decode()
    assert "Tampilkan instansi dan layanan" in page
    assert not any(f">{name}</option>" in page for name in at_batam | elsewhere)
    # Without JavaScript: choosing the MPP shows its agencies and services and keeps the text.
    before = Complaint.objects.count()
    response = client.post(
        "/pengaduan/baru/",
        {"pilih_mpp": "1", "mpp": batam.pk, "title": "AC ruang tunggu mati", "kind": "pengaduan"},
    )
    page = response.content.decode()
    assert response.status_code == 200 and Complaint.objects.count() == before
    assert all(f">{name}</option>" in page for name in at_batam)
    assert not any(f">{name}</option>" in page for name in elsewhere - at_batam)
    assert f'<option value="{other_service.pk}"' not in page
    assert Service.objects.published().filter(mpp=batam).count() > 1
    assert all(
        f'<option value="{pk}"' in page
        for pk in Service.objects.published().filter(mpp=batam).values_list("pk", flat=True)
    )
    assert 'value="AC ruang tunggu mati"' in page
    assert "Tuliskan isi pengaduan Anda." not in page  # not judged yet
    # A service of another MPP is refused with the form's message.
    response = client.post("/pengaduan/baru/", web_form(service=other_service.pk))
    assert response.status_code == 200 and Complaint.objects.count() == before


def test_issuing_and_revoking_an_api_key_is_in_the_audit_log_by_the_clients_name(client, demo):
    from mpp.accounts.models import User
    from mpp.audit.models import AuditAction, AuditEvent
    from mpp.complaints.models import IntegrationClient

    login_staff(client, User.objects.get(username="admin.batam"))
    page = client.post("/kelola/pengaduan/integrasi/", {"name": "Aplikasi Kelurahan"})
    assert page.status_code == 200
    key = IntegrationClient.objects.get(name="Aplikasi Kelurahan")
    client.post(f"/kelola/pengaduan/integrasi/{key.pk}/cabut/")
    summaries = AuditEvent.objects.filter(action__startswith="integration_key").values_list(
        "action", "summary"
    )
    assert set(summaries) == {
        (AuditAction.INTEGRATION_KEY_ISSUED, "Aplikasi Kelurahan"),
        (AuditAction.INTEGRATION_KEY_REVOKED, "Aplikasi Kelurahan"),
    }


def test_the_reporter_closes_an_answered_complaint_from_the_follow_page(client, demo):
    from mpp.workflows.models import TransitionRecord

    reporter = citizen()
    complaint = answered(reporter=reporter)
    client.force_login(reporter)
    response = client.post(
        f"/pengaduan/lacak/{complaint.follow_token}/tindakan/", {"action": "close", "note": ""}
    )
    assert response.status_code == 302
    complaint.refresh_from_db()
    assert complaint.status == "closed"
    record = TransitionRecord.objects.get(
        workflow="complaint", object_id=str(complaint.pk), action="close"
    )
    assert record.actor_id == reporter.pk  # the account that closed it, not anonymous


def test_the_desk_page_reads_the_thread_once_however_long_it_is(demo, client):
    """The conversation is read in one query and its times need no other: the desk page of a
    complaint with a thread asked for the messages twice and for the kab/kota once more."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from mpp.complaints.models import Message

    from .factories import answered, desk

    login_staff(client, desk())
    complaint = answered()
    url = f"/kelola/pengaduan/{complaint.pk}/"
    client.get(url)
    with CaptureQueriesContext(connection) as short:
        page = client.get(url)
    assert "Kami menambah satu loket mulai besok." in page.content.decode()
    for n in range(3):
        Message.objects.create(
            complaint=complaint, author_kind="reporter", text=f"Balasan pelapor ke-{n + 1}"
        )
    with CaptureQueriesContext(connection) as long:
        page = client.get(url)
    assert "Balasan pelapor ke-3" in page.content.decode()
    threads = [q["sql"] for q in long.captured_queries if '"complaints_message"' in q["sql"]]
    assert len(threads) == 1
    assert len(long.captured_queries) == len(short.captured_queries)
