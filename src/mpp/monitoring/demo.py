"""Pilot history: the 2023 first-phase report with the 21 loci (deadline 28 July 2023).

Twelve reports accepted (one of them, Kota Surakarta, sent late on 2 August 2023), five submitted
and waiting, Kota Batam returned with the ministry's notes (the demo regional admin can correct and
resend it), the rest never sent (flagged missing). States are written directly with their timeline
(submitted, returned, accepted) and each reporting locus' SK Pengelola: this is history.
"""

from __future__ import annotations

import datetime

from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile

from mpp.documents.uploads import blank_pdf
from mpp.monitoring.models import DEFAULT_RUBRIC, LocusReport, ReportingPeriod, is_late
from mpp.monitoring.services import clock, deadline_end, evaluate
from mpp.onboarding.models import ManagerDecree
from mpp.onboarding.selectors import current_decree
from mpp.regions.data import PILOT_LOCI
from mpp.regions.localtime import NATIONAL_ZONE
from mpp.regions.models import Region
from mpp.workflows.models import TransitionRecord

JAKARTA = NATIONAL_ZONE
NAME = "Laporan pelaksanaan MPP Digital tahap pertama 2023"
ACCEPTED = ("3510", "3302", "3329", "3315", "6306", "6201", "3520", "1605", "3314", "3523", "1171")
LATE = "3372"  # Kota Surakarta: sent on 2 August 2023, accepted, marked late
SUBMITTED = ("1375", "7471", "3371", "1872", "3576")
RETURNED = "2171"  # Kota Batam
RETURNED_AT = datetime.datetime(2023, 7, 31, 10, 0, tzinfo=JAKARTA)
# The ministry asks for what the locus can change: the texts of items 5–8 and a recount of 2–4.
RETURN_NOTE = (
    "Butir 7: mohon uraikan kendala per instansi. Butir 6: sebutkan jumlah aktivasi IKD per "
    "kecamatan. Hitung ulang butir 2–4 sebelum mengirim kembali."
)


def _decree(region) -> ManagerDecree | None:
    """The locus' SK Pengelola: Batam's comes from the onboarding demo; every other locus that
    reported in 2023 had one too (item 1), recorded here as history."""
    decree = current_decree(region.code)
    if decree is not None or region.code == "2171":
        return decree
    decree = ManagerDecree(
        region=region,
        number=f"KPTS/{region.code}/MPP/VII/2023",
        decree_date=datetime.date(2023, 7, 3),
        signatory=f"Kepala daerah {region.name}",
        valid_until=datetime.date(2027, 12, 31),
        sha256="",
        uploaded_at=datetime.datetime(2023, 7, 4, 9, 0, tzinfo=JAKARTA),
    )
    decree.document.save("sk", ContentFile(blank_pdf()), save=False)
    decree.save()
    return decree


def _history(
    report: LocusReport, steps: list[tuple[str, str, str, datetime.datetime, str]]
) -> None:
    """The report's timeline as it happened (states are written directly: this is history)."""
    kind = ContentType.objects.get_for_model(LocusReport)
    for version, (action, before, after, at, note) in enumerate(steps, start=1):
        TransitionRecord.objects.create(
            content_type=kind, object_id=str(report.pk), workflow="monitoring_report",
            action=action, from_state=before, to_state=after, version=version,
            actor_kind="ministry" if action in ("return", "accept") else "locus",
            note=note, at=at, region_id=report.region_id,
        )  # fmt: skip
    LocusReport.objects.filter(pk=report.pk).update(version=len(steps))


def _fill(report: LocusReport, seed: int) -> None:
    report.decree = _decree(report.region)
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
        report = LocusReport(
            period=period, region=region, status="draft", **clock(region, period.deadline)
        )
        if code in (*ACCEPTED, LATE, *SUBMITTED, RETURNED):
            _fill(report, seed)
            sent = datetime.datetime(2023, 7, 26, 14, 0, tzinfo=JAKARTA)
            if code == LATE:
                sent = datetime.datetime(2023, 8, 2, 10, 0, tzinfo=JAKARTA)
            report.first_submitted_at = report.submitted_at = report.clock_stopped_at = sent
            report.is_late = is_late(deadline_end(report), sent, sent)
            report.breached_at = sent if report.is_late else None
            if code == RETURNED:
                report.status = "returned"
                report.review_note = RETURN_NOTE
            elif code in SUBMITTED:
                report.status = "submitted"
            else:
                report.status = "accepted"
                report.accepted_at = datetime.datetime(2023, 8, 7, 10, 0, tzinfo=JAKARTA)
        report.save()
        if report.status == "accepted":
            report.score, report.category = evaluate(report)
            report.save(update_fields=["score", "category"])
        if report.submitted_at is not None:
            steps = [("submit", "draft", "submitted", report.submitted_at, "")]
            if report.status == "returned":
                steps.append(("return", "submitted", "returned", RETURNED_AT, RETURN_NOTE))
            elif report.accepted_at is not None:
                steps.append(("accept", "submitted", "accepted", report.accepted_at, ""))
            _history(report, steps)
