"""Item 6 beside what the locus declares: the share of the region's citizens who signed in with
INApas/IKD and the SIP applications verified against SATUSEHAT, counted from the platform."""

from __future__ import annotations

import datetime
import io

import pytest
from pypdf import PdfReader

from mpp.accounts.models import OidcIdentity, User
from mpp.accounts.tests.helpers import login_staff
from mpp.integrations.models import Verification
from mpp.monitoring import exports, services
from mpp.monitoring.tests.test_monitoring import WIB, application, demo, period  # noqa: F401

pytestmark = pytest.mark.django_db
INSIDE = datetime.datetime(2026, 10, 15, 10, tzinfo=WIB)
BEFORE = datetime.datetime(2026, 9, 1, 10, tzinfo=WIB)
AFTER = datetime.datetime(2026, 11, 5, 10, tzinfo=WIB)


def citizen(nik: str, joined=BEFORE, linked=None) -> User:
    user = User.objects.create(username=f"w-{nik}", name="Warga", nik=nik, date_joined=joined)
    if linked is not None:
        OidcIdentity.objects.create(
            user=user, issuer="https://inapas.example", subject=nik, linked_at=linked
        )
    return user


def check(subject: User, state: str, checked_at, connector: str = "satusehat") -> None:
    Verification.objects.create(
        subject=subject,
        connector=connector,
        purpose=f"sip:{subject.pk}:{checked_at:%m%d}:{state}",
        state=state,
        checked_at=checked_at,
    )


def test_item_6_counts_inapas_sign_ins_and_satusehat_checks(client, demo):  # noqa: F811
    User.objects.filter(nik__startswith="2171").update(date_joined=BEFORE)
    already = User.objects.filter(nik__startswith="2171").count()
    citizen("2171010101800001", linked=INSIDE)  # signed in with INApas in the window
    citizen("2171010101800002", linked=BEFORE)  # before it: still counts (by the end)
    citizen("2171010101800003", linked=AFTER)  # only after the window: not yet
    citizen("2171010101800004", joined=AFTER)  # an account made after the window
    citizen("3471010101800005", linked=INSIDE)  # another kab/kota's NIK

    sip = application("perizinan_kesehatan", "submitted", submitted=INSIDE)
    check(sip.applicant, "matched", INSIDE)  # counted
    check(sip.applicant, "matched", AFTER)  # outside the window
    check(sip.applicant, "not_matched", INSIDE)  # not verified
    check(sip.applicant, "matched", INSIDE, connector="dukcapil.nik")  # not SATUSEHAT
    other = application("kependudukan", "submitted", submitted=INSIDE)
    check(other.applicant, "matched", INSIDE)  # not a SIP applicant

    report = period(demo).reports.get(region_id="2171")
    services.save_draft(report, actor=demo["batam"], data={"ikd_activations": "40"})
    report.refresh_from_db()
    assert report.citizen_accounts == already + 3
    assert report.inapas_accounts == 2
    assert report.satusehat_verified == 1

    login_staff(client, demo["batam"])
    page = client.get(f"/kelola/monev/laporan/{report.pk}/").content.decode()
    section = page.split("Butir 6: IKD dan SISDMK menurut data platform", 1)[1]
    share = f"{100 * 2 / (already + 3):.1f}".replace(".", ",")
    assert f"{share}% (2 dari {already + 3} akun warga)" in section
    assert "Aktivasi IKD (dinyatakan daerah): 40" in section
    assert "Permohonan SIP terverifikasi SATUSEHAT</dt><dd>1" in section
    assert "Cara penghitungan: akun warga adalah akun dengan NIK" in section

    # The PDF the region files carries the same figures.
    text = " ".join(
        page.extract_text() for page in PdfReader(io.BytesIO(exports.report_pdf(report))).pages
    )
    assert "Butir 6: IKD dan SISDMK menurut data platform" in text
    assert f"{share}% (2 dari {already + 3} akun warga)" in text
    assert "Aktivasi IKD (dinyatakan daerah): 40" in text
