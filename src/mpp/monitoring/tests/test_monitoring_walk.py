"""Monitoring walked as a region and the ministry would (issue 23): a correction keeps the figures
unless the locus recounts; what the region is asked to fix it can fix; a returned report carries no
score; an incomplete report cannot be accepted; the history tells what happened; no enum key is
shown; the list behind a figure explains a difference."""

from __future__ import annotations

import datetime
import io
import re

import pytest
from pypdf import PdfReader

from mpp.accounts.tests.helpers import login_staff
from mpp.monitoring import demo as monitoring_demo
from mpp.monitoring import exports, services
from mpp.monitoring.models import LocusReport

from .test_monitoring import TEXTS, WIB, application, demo, period  # noqa: F401

pytestmark = pytest.mark.django_db
INSIDE = datetime.datetime(2026, 10, 15, 10, tzinfo=WIB)


def _action(client, report, **data):
    return client.post(f"/kelola/monev/laporan/{report.pk}/tindakan/", data)


def test_a_correction_keeps_the_figures_and_only_a_recount_changes_them(client, demo):  # noqa: F811
    application("perizinan_kesehatan", "issued", submitted=INSIDE, decided=INSIDE)
    report = period(demo).reports.get(region_id="2171")
    login_staff(client, demo["batam"])
    assert _action(client, report, action="submit", **TEXTS).status_code == 302
    report.refresh_from_db()
    assert report.health_permits_issued == 1
    ministry = client.__class__()
    login_staff(ministry, demo["ministry"])
    assert _action(ministry, report, action="return", note="Butir 7 per instansi.").status_code
    # Meanwhile another permit is issued; the region corrects one text item and resends.
    application("perizinan_kesehatan", "issued", submitted=INSIDE, decided=INSIDE)
    corrected = {**TEXTS, "obstacles": "Jaringan di Kecamatan Belakang Padang belum stabil."}
    assert _action(client, report, action="submit", **corrected).status_code == 302
    report.refresh_from_db()
    assert report.status == "submitted" and report.health_permits_issued == 1
    assert report.population_applicants is not None
    # Only when the locus asks is the figure counted again.
    assert _action(ministry, report, action="return", note="Hitung ulang.").status_code == 302
    assert _action(client, report, action="recount").status_code == 302
    report.refresh_from_db()
    assert report.health_permits_issued == 2


def test_items_5_to_8_are_not_marked_optional_and_a_returned_report_has_no_score(client, demo):  # noqa: F811
    report = period(demo).reports.get(region_id="2171")
    login_staff(client, demo["batam"])
    page = client.get(f"/kelola/monev/laporan/{report.pk}/").content.decode()
    for label in ("5) Upaya percepatan", "7) Kendala pelaksanaan", "8) Saran dan masukan"):
        start = page.index(label)
        assert "(opsional)" not in page[start : page.index("</label>", start)], label
    assert "Hitung ulang butir 1–4" in page
    services.submit(report, actor=demo["batam"], data=TEXTS)
    services.return_report(report, actor=demo["ministry"], note="Lengkapi butir 6.")
    page = client.get(f"/kelola/monev/laporan/{report.pk}/").content.decode()
    assert "prima" not in page.lower() and "100,00" not in page
    assert "Dinilai setelah laporan dikirim." in page


def test_the_history_shows_the_send_and_the_return(client, demo):  # noqa: F811
    report = period(demo).reports.get(region_id="2171")
    services.submit(report, actor=demo["batam"], data=TEXTS)
    services.return_report(report, actor=demo["ministry"], note="Lengkapi butir 6.")
    login_staff(client, demo["batam"])
    page = client.get(f"/kelola/monev/laporan/{report.pk}/").content.decode()
    history = page[page.index('id="riwayat"') :]
    assert "Belum ada tindakan" not in history
    assert "Kirim laporan" in history and "Lengkapi butir 6." in history


def test_the_demo_history_has_a_timeline_and_an_sk_for_every_report_sent(client, demo):  # noqa: F811
    monitoring_demo.load()
    sent = LocusReport.objects.filter(period__name=monitoring_demo.NAME, submitted_at__isnull=False)
    assert sent.count() == 18 and not sent.filter(decree__isnull=True).exists()
    batam = sent.get(region_id="2171")
    login_staff(client, demo["batam"])
    page = client.get(f"/kelola/monev/laporan/{batam.pk}/").content.decode()
    history = page[page.index('id="riwayat"') :]
    assert "Kirim laporan" in history and "Kembalikan untuk diperbaiki" in history
    # The ministry's note asks only for what the region can change (texts, a recount).
    assert not re.search(r"Butir [1-4]\b(?! sebelum)", batam.review_note.replace("2–4", ""))


def test_an_incomplete_report_cannot_be_accepted(client, demo):  # noqa: F811
    report = period(demo).reports.get(region_id="2171")
    services.submit(report, actor=demo["batam"], data=TEXTS)
    LocusReport.objects.filter(pk=report.pk).update(decree=None)  # e.g. sent before the rule
    login_staff(client, demo["ministry"])
    response = _action(client, report, action="accept", note="")
    assert response.status_code == 400
    assert "1) SK Pengelola MPP Digital" in response.content.decode()
    report.refresh_from_db()
    assert report.status == "submitted" and report.score is None


def test_exports_show_labels_never_status_or_category_keys(demo):  # noqa: F811
    report = period(demo).reports.get(region_id="2171")
    services.submit(report, actor=demo["batam"], data=TEXTS)
    services.accept(report, actor=demo["ministry"])
    report.refresh_from_db()
    text = "".join(
        page.extract_text() for page in PdfReader(io.BytesIO(exports.report_pdf(report))).pages
    )
    assert "Diterima" in text and "accepted" not in text
    text = "".join(
        page.extract_text()
        for page in PdfReader(io.BytesIO(exports.period_pdf(report.period))).pages
    )
    assert "Diterima" in text and "accepted" not in text and "Prima" in text
    csv = exports.period_csv(report.period).decode("utf-8-sig")
    assert ",Prima" in csv and ",prima" not in csv and ",accepted" not in csv


def test_the_list_behind_a_figure_explains_a_difference(client, demo):  # noqa: F811
    application("perizinan_kesehatan", "issued", submitted=INSIDE, decided=INSIDE)
    report = period(demo).reports.get(region_id="2171")
    services.save_draft(report, actor=demo["batam"], data={})
    application("perizinan_kesehatan", "issued", submitted=INSIDE, decided=INSIDE)
    login_staff(client, demo["ministry"])
    page = client.get(f"/kelola/monev/laporan/{report.pk}/rincian/health_permits_issued/")
    body = page.content.decode()
    assert "Angka pada laporan: 1" in body and "2 permohonan dihitung" in body
    assert "berbeda dari data saat ini" in body


def test_item_1_is_fixed_by_whoever_may_upload_the_sk(client, demo):  # noqa: F811
    """The ministry may return a report for item 1 (no SK in force), which the region fixes by
    uploading its SK Pengelola: the page links the upload for the regional admin, who may do it,
    and tells the MPP manager, who may fill the report but not upload an SK (the upload page
    refuses them), who does it instead of sending them to a refusal."""
    from mpp.onboarding.models import ManagerDecree

    ManagerDecree.objects.filter(region_id="2171").delete()
    report = period(demo).reports.get(region_id="2171")
    login_staff(client, demo["manager"])
    page = client.get(f"/kelola/monev/laporan/{report.pk}/").content.decode()
    assert "Belum ada SK Pengelola yang berlaku." in page
    assert 'href="/kelola/penerapan/sk/"' not in page
    assert "Unggah SK" not in page
    assert "diunggah oleh admin kabupaten/kota" in page
    assert client.get("/kelola/penerapan/sk/").status_code == 403
    login_staff(client, demo["batam"])
    page = client.get(f"/kelola/monev/laporan/{report.pk}/").content.decode()
    assert 'href="/kelola/penerapan/sk/"' in page and "Unggah SK" in page
    assert client.get("/kelola/penerapan/sk/").status_code == 200
