"""Pilot history: the 2023 first-phase report with the 21 loci (deadline 28 July 2023).

Twelve reports accepted (one of them, Kota Surakarta, sent late on 2 August 2023), five submitted
and waiting, Kota Batam returned with the ministry's notes (the demo regional admin can correct and
resend it), the rest never sent (flagged missing). States are written directly: this is history.
"""

from __future__ import annotations

import datetime
import zoneinfo

from mpp.monitoring.models import DEFAULT_RUBRIC, LocusReport, ReportingPeriod
from mpp.monitoring.services import evaluate
from mpp.onboarding.selectors import current_decree
from mpp.regions.data import PILOT_LOCI
from mpp.regions.models import Region

JAKARTA = zoneinfo.ZoneInfo("Asia/Jakarta")
NAME = "Laporan pelaksanaan MPP Digital tahap pertama 2023"
ACCEPTED = ("3510", "3302", "3329", "3315", "6306", "6201", "3520", "1605", "3314", "3523", "1171")
LATE = "3372"  # Kota Surakarta: sent on 2 August 2023, accepted, marked late
SUBMITTED = ("1375", "7471", "3371", "1872", "3576")
RETURNED = "2171"  # Kota Batam


def _fill(report: LocusReport, seed: int) -> None:
    report.decree = current_decree(report.region_id) if report.region_id == "2171" else None
    report.population_applicants = 120 + seed * 17
    report.health_applicants = 8 + seed
    report.population_processed = 100 + seed * 15
    report.health_permits_issued = 5 + seed
    report.counting_rule = {"demo": "riwayat 2023 (angka contoh)"}
    report.computed_at = datetime.datetime(2023, 7, 25, 9, 0, tzinfo=JAKARTA)
    report.acceleration_efforts = "Sosialisasi MPP Digital di kecamatan dan media sosial pemda."
    report.ikd_sisdmk_efforts = (
        "Jemput bola aktivasi IKD di sekolah dan kantor; pendampingan SISDMK."
    )
    report.ikd_activations = 300 + seed * 20
    report.obstacles = "Jaringan internet di beberapa kecamatan belum stabil."
    report.suggestions = "Pelatihan lanjutan bagi operator instansi."


def load() -> None:
    if ReportingPeriod.objects.filter(name=NAME).exists():
        return
    period = ReportingPeriod.objects.create(
        name=NAME,
        phase=1,
        starts_on=datetime.date(2023, 6, 12),
        ends_on=datetime.date(2023, 7, 21),
        deadline=datetime.date(2023, 7, 28),
        items=list(range(1, 9)),
        rubric=DEFAULT_RUBRIC,
    )
    for seed, code in enumerate(PILOT_LOCI):
        region = Region.objects.filter(code=code).first()
        if region is None:
            continue
        report = LocusReport(period=period, region=region, status="draft")
        if code in (*ACCEPTED, LATE, *SUBMITTED, RETURNED):
            _fill(report, seed)
            sent = datetime.datetime(2023, 7, 26, 14, 0, tzinfo=JAKARTA)
            if code == LATE:
                sent = datetime.datetime(2023, 8, 2, 10, 0, tzinfo=JAKARTA)
                report.is_late = True
            report.first_submitted_at = report.submitted_at = sent
            if code == RETURNED:
                report.status = "returned"
                report.review_note = (
                    "Butir 3 belum memisahkan layanan kependudukan dan layanan lain; mohon "
                    "lengkapi butir 7 dengan kendala per instansi."
                )
            elif code in SUBMITTED:
                report.status = "submitted"
            else:
                report.status = "accepted"
                report.accepted_at = datetime.datetime(2023, 8, 7, 10, 0, tzinfo=JAKARTA)
        report.save()
        if report.status == "accepted":
            report.score, report.category = evaluate(report)
            report.save(update_fields=["score", "category"])
