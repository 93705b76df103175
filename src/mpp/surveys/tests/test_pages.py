"""The download gate, the kiosk page, and the manager's report, XLSX, PDF and follow-up."""

from __future__ import annotations

from io import BytesIO

import pytest
from openpyxl import load_workbook

from mpp.accounts.tests.helpers import login_staff
from mpp.devices.tests.factories import register_skm_kiosk, revoke
from mpp.surveys import services
from mpp.surveys.models import FollowUp, Improvement, Invitation, KioskDevice, Response

from .factories import answers, interval_passed, issued
from .test_api import manager_of

pytestmark = pytest.mark.django_db


def test_a_required_survey_comes_before_the_download_and_returns_to_it(
    client, service, citizen, officer, django_capture_on_commit_callbacks
):
    questionnaire = services.adopt_national(service=service)
    services.set_download_gate(questionnaire, True)
    with django_capture_on_commit_callbacks(execute=True):
        application = issued(service, citizen, officer)
    client.force_login(citizen, backend="mpp.accounts.backends.NikOrUsernameBackend")
    pdf_url = f"/permohonan/{application.pk}/dokumen.pdf"
    detour = client.get(pdf_url)
    invitation = Invitation.objects.get()
    assert detour.status_code == 302
    assert detour["Location"].startswith(f"/skm/undangan/{invitation.pk}/?lanjut=")
    answered = client.post(detour["Location"], {**answers(), "lanjut": pdf_url})
    assert answered.status_code == 302 and answered["Location"] == pdf_url
    download = client.get(pdf_url)
    assert download.status_code == 200 and download["Content-Type"] == "application/pdf"


def test_without_the_flag_the_download_is_never_held(
    client, service, citizen, officer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        application = issued(service, citizen, officer)
    client.force_login(citizen, backend="mpp.accounts.backends.NikOrUsernameBackend")
    assert client.get(f"/permohonan/{application.pk}/dokumen.pdf").status_code == 200


def test_only_a_service_questionnaire_can_be_required(service):
    national = services.ensure_national_default()
    with pytest.raises(services.SurveyError):
        services.set_download_gate(national, True)


def test_the_kiosk_page_takes_a_token_then_resets_after_each_response(client, service):
    _device, raw = register_skm_kiosk(mpp=service.mpp, service=service, name="Tablet", actor=None)
    assert "Token perangkat" in client.get("/skm/kios/").text
    assert client.post("/skm/kios/masuk/", {"token": "salah"}).status_code == 403
    client.post("/skm/kios/masuk/", {"token": raw})
    page = client.get("/skm/kios/")
    assert page.status_code == 200 and "Bagaimana pelayanan kami hari ini?" in page.text
    sent = client.post("/skm/kios/", answers())
    assert sent.status_code == 302 and "/skm/kios/terima-kasih/" in sent["Location"]
    fresh = client.get("/skm/kios/")
    assert "checked" not in fresh.text
    assert Response.objects.get().channel == "kiosk"
    revoke(KioskDevice.objects.get())
    refused = client.get("/skm/kios/")
    assert refused.status_code == 403 and "sudah dicabut" in refused.text


def test_the_kiosk_page_takes_more_answers_than_an_anonymous_client_may_post(client, service):
    device, raw = register_skm_kiosk(mpp=service.mpp, service=service, name="Tablet", actor=None)
    client.post("/skm/kios/masuk/", {"token": raw})
    sent = []
    for _ in range(35):
        sent.append(client.post("/skm/kios/", answers()).status_code)
        interval_passed(device)
    assert set(sent) == {302}
    assert Response.objects.count() == 35


def test_the_manager_reads_the_report_records_a_follow_up_and_downloads_files(client, service):
    device, _raw = register_skm_kiosk(mpp=service.mpp, service=service, name="Tablet", actor=None)
    services.submit_at_kiosk(device, services.Submission(answers(U1=4), "Tambah kursi."))
    interval_passed(device)
    services.submit_at_kiosk(device, services.Submission(answers(U1=2)))
    manager = manager_of(service.mpp)
    login_staff(client, manager)
    unit = f"mpp:{service.mpp_id}"
    page = client.get("/kelola/skm/laporan/", {"unit": unit})
    assert page.status_code == 200
    assert "Tambah kursi." in page.text and "<svg" in page.text and "<desc" in page.text
    response = Response.objects.exclude(suggestion="").get()
    done = client.post(
        f"/kelola/skm/saran/{response.pk}/tindak-lanjut/",
        {"unit": unit, "text": "Kursi tunggu ditambah 20 buah."},
    )
    assert done.status_code == 302
    assert FollowUp.objects.get().text == "Kursi tunggu ditambah 20 buah."
    client.post(
        "/kelola/skm/perbaikan/",
        {"unit": unit, "text": "Menambah loket.", "planned_for": "Januari 2027"},
    )
    assert Improvement.objects.get().unit == unit
    xlsx = client.get("/kelola/skm/laporan.xlsx", {"unit": unit})
    sheet = load_workbook(BytesIO(xlsx.content)).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    header = rows.index(["Responden", *[f"U{n}" for n in range(1, 10)]])
    assert rows[header + 1][:2] == [1, 4] and rows[header + 2][:2] == [2, 2]
    sums = next(row for row in rows if row[0] == "Σ nilai per unsur")
    assert sums[1] == 6
    ikm_row = next(row for row in rows if row[0] == "IKM")
    assert ikm_row[1] == pytest.approx(3.0)
    pdf = client.get("/kelola/skm/laporan.pdf", {"unit": unit})
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF-")


def test_weights_that_do_not_sum_to_one_are_shown_next_to_the_form(client, service):
    services.adopt_national(service=service)
    manager = manager_of(service.mpp)
    login_staff(client, manager)
    weights = {f"weight_U{n}": "0,111" for n in range(1, 10)}
    page = client.post("/kelola/skm/kuesioner/bobot/", {"unit": f"service:{service.pk}", **weights})
    assert page.status_code == 422 and "Jumlah bobot harus tepat 1" in page.text


def test_the_manager_registers_a_kiosk_and_sees_the_token_once(client, service):
    login_staff(client, manager_of(service.mpp))
    devices = f"/kelola/perangkat/{service.mpp.pk}/"
    page = client.post(
        devices, {"kind": "skm_kiosk", "name": "Tablet lantai 1", "choice": service.pk}
    )
    assert page.status_code == 200 and "<svg" in page.text and "mppd_" in page.text
    assert "mppd_" not in client.get(devices).text
    assert "Tablet lantai 1" in client.get("/kelola/skm/kios/").text
    empty = client.post(devices, {"kind": "skm_kiosk", "name": "", "choice": service.pk})
    assert empty.status_code == 400 and "Kesalahan" in empty.text
    no_service = client.post(devices, {"kind": "skm_kiosk", "name": "Tablet 2"})
    assert no_service.status_code == 400 and "Pilih layanan di MPP ini" in no_service.text
    assert KioskDevice.objects.count() == 1


def test_the_public_service_page_shows_the_latest_ikm(client, service):
    import datetime

    from mpp.surveys.models import DaySum

    last_year = datetime.date.today().year - 1
    for element, total in [("_respondents", 10)] + [(f"U{n}", 35) for n in range(1, 10)]:
        DaySum.objects.create(
            day=datetime.date(last_year, 11, 5),
            unit=f"service:{service.pk}",
            element=element,
            total=total,
            count=10,
        )
    page = client.get(f"/layanan/{service.pk}/")
    assert "Indeks Kepuasan Masyarakat" in page.text
    assert "87,50" in page.text and f"Triwulan 4 {last_year}" in page.text


def test_the_mobile_app_is_told_to_answer_first_then_downloads(
    client, service, citizen, officer, django_capture_on_commit_callbacks
):
    from mpp.accounts.services import issue_token

    services.set_download_gate(services.adopt_national(service=service), True)
    with django_capture_on_commit_callbacks(execute=True):
        application = issued(service, citizen, officer)
    _token, raw = issue_token(citizen)
    headers = {"Authorization": f"Bearer {raw}"}
    url = f"/api/v1/applications/{application.pk}/document"
    held = client.get(url, headers=headers)
    invitation = Invitation.objects.get()
    assert held.status_code == 409 and held.json()["type"] == "urn:mpp:problem:survey_required"
    assert f"/skm/undangan/{invitation.pk}/" in held["Link"]
    answered = client.post(
        "/api/v1/skm/responses",
        {"invitation": invitation.pk, "answers": answers()},
        content_type="application/json",
        headers=headers,
    )
    assert answered.status_code == 201
    assert client.get(url, headers=headers).status_code == 200
