"""The optional item "Keterlibatan warga": the public space's daily facts of the locus's MPPs in the
period's window, stored with items 2–4, shown on the report and in its PDF, never required."""

from __future__ import annotations

import datetime
import io

import pytest
from pypdf import PdfReader

from mpp.accounts.tests.helpers import login_staff
from mpp.monitoring import services
from mpp.monitoring.tests.test_monitoring import demo, period  # noqa: F401
from mpp.reporting.facts import FactKey, Unit, bump_many
from mpp.tenancy.models import MPP

pytestmark = pytest.mark.django_db


def test_community_engagement_comes_from_the_facts_of_the_window(client, demo):  # noqa: F811
    batam_mpp = MPP.objects.filter(region_id="2171").first()
    unit = Unit("2171", batam_mpp.pk, None, None)
    inside, edge = datetime.date(2026, 10, 14), datetime.date(2026, 10, 31)
    bump_many(
        {
            FactKey(inside, unit, "activities.held"): 3,
            FactKey(edge, unit, "activities.held"): 1,
            FactKey(inside, unit, "activities.registrations"): 45,
            FactKey(inside, unit, "activities.attended"): 38,
            FactKey(inside, unit, "rooms.bookings_approved"): 2,
            FactKey(inside, unit, "rooms.groups_served"): 2,
            # Outside the window, and another kab/kota: not this report's.
            FactKey(datetime.date(2026, 11, 1), unit, "activities.held"): 9,
            FactKey(inside, Unit("3471", None, None, None), "activities.held"): 7,
        }
    )
    report = period(demo).reports.get(region_id="2171")
    services.save_draft(
        report, actor=demo["batam"], data={"community_engagement": "Kelas UMKM tiap Sabtu."}
    )
    report.refresh_from_db()
    assert report.community_figures == {
        "activities_held": 4,
        "activity_registrations": 45,
        "activity_attendance": 38,
        "rooms_approved": 2,
        "groups_served": 2,
    }
    assert "community" in report.counting_rule
    # Optional: the item is not among those a report must answer.
    assert "community_engagement" not in services.ITEM_FIELD.values()

    login_staff(client, demo["batam"])
    page = client.get(f"/kelola/monev/laporan/{report.pk}/").content.decode()
    section = page.split("Keterlibatan warga (butir opsional)", 1)[1]
    assert "Peserta kegiatan hadir</dt><dd>38" in section
    assert "Kelompok masyarakat baru dilayani</dt><dd>2" in section
    pdf = client.get(f"/kelola/monev/laporan/{report.pk}/laporan.pdf").content
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert "Keterlibatan warga" in text and "Kelas UMKM tiap Sabtu." in text
