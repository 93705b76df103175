"""The citizen's data export (issue 23, finding 6): answers under their questions, statuses as
words, and every kind of the person's data — applications, complaints, queue bookings, messages
and who looked at them."""

from __future__ import annotations

import datetime
import json

import pytest

from mpp.cases import services as case_services
from mpp.cases.tests.factories import VALID_DATA, CitizenFactory, pdf_upload, service_with
from mpp.complaints import services as complaint_services
from mpp.complaints.models import About, Kind
from mpp.notifications.models import InboxMessage
from mpp.queueing.models import Ticket
from mpp.queueing.tests.conftest import make_queue

pytestmark = pytest.mark.django_db


@pytest.fixture
def held(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    citizen = CitizenFactory()
    service = service_with()
    application = case_services.start_application(applicant=citizen, service=service)
    case_services.update_draft(application, actor=citizen, data=VALID_DATA)
    case_services.attach_file(
        application, actor=citizen, field="dokumen", upload=pdf_upload("akta-lama.pdf")
    )
    case_services.submit_application(application, actor=citizen)
    complaint_services.submit_complaint(
        complaint_services.Submission(
            kind=Kind.COMPLAINT,
            about=About.AGENCY,
            title="Antrean terlalu lama",
            text="Saya menunggu tiga jam di loket.",
            mpp=service.mpp,
            agency=service.agency,
        ),
        reporter=citizen,
        channel="web",
    )
    queue = make_queue(service)
    Ticket.objects.create(
        mpp=service.mpp,
        agency=service.agency,
        service=service,
        queue=queue,
        channel="online",
        date=datetime.date(2026, 12, 10),
        number=7,
        code="A007",
        slot_starts=datetime.time(9),
        slot_ends=datetime.time(9, 30),
        citizen=citizen,
        booking_code="QK4M2ZX7",
        token="t" * 43,
    )
    InboxMessage.objects.create(
        recipient=citizen, kind="application.submitted", subject="Permohonan diterima", body="Isi"
    )
    return citizen, application


def test_the_readable_export_has_labels_statuses_and_every_kind_of_data(client, held):
    citizen, application = held
    client.force_login(citizen, backend="mpp.accounts.backends.NikOrUsernameBackend")
    page = client.get("/akun/data-saya/").content.decode()
    for expected in (
        application.tracking_number,
        "Diajukan",  # the application's status as a word (it was blank)
        "Nama lengkap",  # the question, not its key
        "Budi Santoso",
        "akta-lama.pdf",  # an upload by its name, not its id
        "Pengaduan dan konsultasi",
        "Antrean terlalu lama",
        "Menunggu verifikasi",
        "Pemesanan antrean",
        "A007",
        "Dipesan",
        "10 Desember 2026",
        "Pesan di kotak masuk",
        "Permohonan diterima",
    ):
        assert expected in page, expected
    for raw in ("nama_lengkap", ">submitted<", ">online<", ">dokumen<"):
        assert raw not in page, raw


def test_the_json_export_holds_the_same_sections_with_labels(client, held):
    citizen, _application = held
    client.force_login(citizen, backend="mpp.accounts.backends.NikOrUsernameBackend")
    body = json.loads(client.get("/akun/data-saya.json").content)
    assert set(body) >= {"account", "applications", "complaints", "queue_bookings", "messages"}
    (item,) = body["applications"]["items"]
    assert item["values"]["Status"] == "Diajukan"
    assert item["values"]["Nama lengkap"] == "Budi Santoso"
    assert body["complaints"]["items"][0]["values"]["Status"] == "Menunggu verifikasi"
    assert body["queue_bookings"]["items"][0]["values"]["Status"] == "Dipesan"
    assert body["account"]["items"][0]["values"]["NIK"] == citizen.nik
