"""Every write of monitoring and evaluation, transactional; refusals change nothing."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from mpp.accounts.models import Role, RoleGrant
from mpp.accounts.policy import Perm, can
from mpp.errors import ServiceError
from mpp.monitoring import counting
from mpp.monitoring.models import (
    ALL_ITEMS,
    DEFAULT_RUBRIC,
    ITEMS,
    LocusReport,
    ReportingPeriod,
    is_late,
)
from mpp.monitoring.models import deadline_end as _deadline_end
from mpp.monitoring.workflow import LOCUS, MINISTRY
from mpp.notifications.models import Notification
from mpp.notifications.services import notify
from mpp.onboarding import selectors as onboarding_selectors
from mpp.regions import calendar
from mpp.workflows import services as workflow_services
from mpp.workflows.definitions import SYSTEM
from mpp.workflows.errors import WorkflowError, refusal_status

EDITABLE = ("draft", "returned")


class MonitoringError(ServiceError):
    """A refused monitoring write (403: refused by the policy; nothing changed)."""

    default_status = 400


# --- Rubric and periods -------------------------------------------------------------------------


def rubric_problems(rubric: dict) -> list[str]:
    problems = []
    weights = rubric.get("weights", {})
    try:
        total = sum((Decimal(str(v)) for v in weights.values()), Decimal(0))
    except ArithmeticError:
        return [_("Bobot harus berupa angka.")]
    if any(Decimal(str(v)) < 0 for v in weights.values()):
        problems.append(_("Bobot tidak boleh negatif."))
    if total != 100:
        problems.append(
            _("Jumlah bobot butir harus 100%%; sekarang %(total)s%%.")
            % {"total": f"{total.normalize():f}"}
        )
    limits = rubric.get("thresholds", {})
    try:
        prima, baik, cukup = (Decimal(str(limits[k])) for k in ("prima", "baik", "cukup"))
    except (KeyError, ArithmeticError):
        return [*problems, _("Isi batas nilai kategori prima, baik, dan cukup.")]
    if not (100 >= prima > baik > cukup > 0):
        problems.append(
            _("Batas kategori harus menurun: prima > baik > cukup > 0, paling tinggi 100.")
        )
    return problems


@transaction.atomic
def open_period(
    *,
    actor,
    name: str,
    phase: int,
    starts_on: datetime.date,
    ends_on: datetime.date,
    deadline: datetime.date,
    regions,
    items=None,
    rubric: dict | None = None,
    reminder_days: int = 3,
) -> ReportingPeriod:
    if not can(actor, Perm.REVIEW_MONITORING):
        raise MonitoringError(_("Hanya admin kementerian yang dapat membuka periode laporan."))
    rubric = rubric or DEFAULT_RUBRIC
    problems = rubric_problems(rubric)
    if problems:
        raise MonitoringError(problems[0], {"__all__": problems})
    if ends_on < starts_on:
        message = _("Tanggal akhir data tidak boleh sebelum tanggal awal.")
        raise MonitoringError(message, {"ends_on": [message]})
    regions = list(regions)
    if not regions:
        message = _("Pilih paling sedikit satu lokus.")
        raise MonitoringError(message, {"regions": [message]})
    items = sorted({int(i) for i in (items or ALL_ITEMS)} & set(ALL_ITEMS))
    period = ReportingPeriod.objects.create(
        name=name, phase=phase, starts_on=starts_on, ends_on=ends_on, deadline=deadline,
        items=items, rubric=rubric, reminder_days=reminder_days, created_by=actor,
    )  # fmt: skip
    LocusReport.objects.bulk_create(
        [
            LocusReport(period=period, region=region, status="draft", **clock(region, deadline))
            for region in regions
        ]
    )
    return period


def clock(region, deadline: datetime.date) -> dict:
    """The report's deadline clock: running until 23.59 local time of ``region`` on ``deadline``."""
    return {"due_at": _deadline_end(region, deadline), "breached_at": None}


# --- A locus fills in its report ----------------------------------------------------------------


# Who acts on a report, by the permission that makes them so.
ACTOR_PERMISSIONS = {LOCUS: Perm.SUBMIT_MONITORING, MINISTRY: Perm.REVIEW_MONITORING}


def kinds_for(user, report: LocusReport) -> set[str]:
    return {kind for kind, perm in ACTOR_PERMISSIONS.items() if can(user, perm, report)}


def _editable_by(report: LocusReport, actor) -> None:
    if LOCUS not in kinds_for(actor, report):
        raise MonitoringError(
            _("Laporan ini diisi oleh admin daerah atau pengelola MPP lokusnya."), status=403
        )
    if report.status not in EDITABLE:
        raise MonitoringError(_("Laporan yang sudah dikirim tidak dapat diubah lagi."))


def compute_figures(report: LocusReport) -> LocusReport:
    """Snapshot items 1–4 on the report row (the decree in force and the counted figures)."""
    period = report.period
    figures, rule = counting.compute(report.region, period.starts_on, period.ends_on)
    for key, value in figures.items():
        setattr(report, key, value)
    report.counting_rule = rule
    report.computed_at = timezone.now()
    report.decree = onboarding_selectors.current_decree(report.region_id)
    return report


TEXT_FIELDS = (
    "acceleration_efforts",
    "ikd_sisdmk_efforts",
    "obstacles",
    "suggestions",
    "community_engagement",
)
NUMBER_FIELDS = (
    "ikd_activations",
    "sisdmk_entries",
    "declared_population_applicants",
    "declared_health_applicants",
    "declared_population_processed",
    "declared_health_permits_issued",
)


def _write_answers(report: LocusReport, data: dict) -> None:
    """Copy the answers the locus gave (texts trimmed) onto the report; a field left out of
    ``data`` keeps its value."""
    for key in TEXT_FIELDS:
        if key in data:
            setattr(report, key, (data[key] or "").strip())
    for key in NUMBER_FIELDS:
        if key in data:
            setattr(report, key, data[key])


@transaction.atomic
def save_draft(report: LocusReport, *, actor, data: dict) -> LocusReport:
    _editable_by(report, actor)
    _write_answers(report, data)
    if report.computed_at is None:
        compute_figures(report)
    report.save()
    return report


@transaction.atomic
def recount(report: LocusReport, *, actor) -> LocusReport:
    """Count items 1–4 again from the platform now (the locus asks for it, on a draft or a
    returned report). Saving or sending never recounts by itself: what the locus saw is what it
    sends, and a correction of one text item leaves the figures as they were."""
    _editable_by(report, actor)
    compute_figures(report)
    report.save()
    return report


ITEM_FIELD = {5: "acceleration_efforts", 6: "ikd_sisdmk_efforts", 7: "obstacles", 8: "suggestions"}


def missing_items(report: LocusReport) -> list[int]:
    filled = report.filled_items()
    return [item for item in report.period.items if not filled[item]]


def deadline_end(report: LocusReport) -> datetime.datetime:
    """23.59 local time of the locus on the period's deadline day (the report's clock)."""
    return report.due_at or _deadline_end(report.region, report.period.deadline)


@transaction.atomic
def submit(
    report: LocusReport,
    *,
    actor,
    data: dict | None = None,
    now: datetime.datetime | None = None,
) -> LocusReport:
    """Send the report: every item of the period must be answered; after the deadline (23.59
    local time of the locus) it is accepted for review but marked late. The first send stops the
    report's clock; a report sent again after a return keeps the lateness of its first send."""
    _editable_by(report, actor)
    if data:
        _write_answers(report, data)
    if report.computed_at is None:
        compute_figures(report)
    else:
        # Item 1 follows the decree in force (the locus may have uploaded its SK meanwhile);
        # items 2–4 keep the figures the locus saw until it asks for a recount.
        report.decree = onboarding_selectors.current_decree(report.region_id)
    missing = missing_items(report)
    if missing:
        names = "; ".join(f"{item}) {ITEMS[item]}" for item in missing)
        message = _("Laporan belum dapat dikirim. Butir yang belum diisi: %(items)s.") % {
            "items": names
        }
        errors = {
            ITEM_FIELD[item]: [_("Butir ini wajib diisi.")]
            for item in missing
            if item in ITEM_FIELD
        }
        if 1 in missing:
            errors["__all__"] = [
                _("Butir 1: unggah SK Pengelola MPP Digital yang berlaku lebih dahulu.")
            ]
        raise MonitoringError(message, errors)
    now = now or timezone.now()
    first = report.first_submitted_at or now
    due = deadline_end(report)
    late = is_late(due, first, now)
    changes = {
        field: getattr(report, field)
        for field in (
            *TEXT_FIELDS, *NUMBER_FIELDS, "population_applicants", "health_applicants",
            "population_processed", "health_permits_issued", "citizen_accounts",
            "inapas_accounts", "satusehat_verified", "community_figures", "counting_rule",
            "computed_at", "decree",
        )
    }  # fmt: skip
    changes.update(
        first_submitted_at=first, submitted_at=now, is_late=late, due_at=due,
        clock_stopped_at=report.clock_stopped_at or first,
        breached_at=report.breached_at or (now if late else None),
    )  # fmt: skip
    try:
        workflow_services.apply_action(
            report, "submit", actor_user=actor, actor_kinds={LOCUS}, changes=changes,
            data={"late": late},
        )  # fmt: skip
    except WorkflowError as error:
        raise MonitoringError(error.message, status=refusal_status(error, 400)) from None
    return report


def evaluate(report: LocusReport) -> tuple[Decimal, str]:
    """The evaluation score (0–100) and category from the period's rubric."""
    rubric = report.period.rubric or DEFAULT_RUBRIC
    filled = report.filled_items()
    score = sum(
        (Decimal(str(w)) for item, w in rubric["weights"].items() if filled.get(int(item))),
        Decimal(0),
    )
    if report.is_late:
        score -= Decimal(str(rubric.get("late_penalty", 0)))
    score = max(score, Decimal(0))
    limits = rubric["thresholds"]
    if score >= Decimal(str(limits["prima"])):
        category = LocusReport.Category.PRIMA
    elif score >= Decimal(str(limits["baik"])):
        category = LocusReport.Category.BAIK
    elif score >= Decimal(str(limits["cukup"])):
        category = LocusReport.Category.CUKUP
    else:
        category = LocusReport.Category.KURANG
    return round(score, 2), category


def _locus_people(report: LocusReport):
    grants = RoleGrant.objects.active().filter(
        role__in=(Role.REGIONAL_ADMIN, Role.MPP_MANAGER)
    ).filter(region_id=report.region_id) | RoleGrant.objects.active().filter(
        role=Role.MPP_MANAGER, mpp__region_id=report.region_id
    )
    seen = set()
    for grant in grants.select_related("user"):
        if grant.user_id not in seen and grant.user.is_active:
            seen.add(grant.user_id)
            yield grant.user


@transaction.atomic
def return_report(report: LocusReport, *, actor, note: str) -> LocusReport:
    """Send the report back to the locus with a note; the locus is told by the hook
    :func:`mpp.monitoring.hooks.tell_locus_returned` once this commits."""
    try:
        workflow_services.apply_action(
            report, "return", actor_user=actor, actor_kinds=kinds_for(actor, report) & {MINISTRY},
            note=note, changes={"review_note": (note or "").strip()},
        )  # fmt: skip
    except WorkflowError as error:
        raise MonitoringError(
            error.message, {"note": [error.message]}, status=refusal_status(error, 400)
        ) from None
    return report


def tell_locus(report: LocusReport, kind: str, context: dict, *, since=None) -> int:
    """Notify each person of the locus of ``kind`` about ``report``; a person already told of it
    since ``since`` is skipped, so a retried hook never tells anyone twice."""
    link = reverse("monitoring:report", args=[report.pk])
    told = set()
    if since is not None:
        told = set(
            Notification.objects.filter(kind=kind, link=link, created_at__gte=since).values_list(
                "recipient_id", flat=True
            )
        )
    sent = 0
    for user in _locus_people(report):
        if user.pk in told:
            continue
        notify(user, kind, context, link=link)
        sent += 1
    return sent


@transaction.atomic
def accept(report: LocusReport, *, actor, note: str = "") -> LocusReport:
    missing = missing_items(report)
    if missing and MINISTRY in kinds_for(actor, report):
        names = "; ".join(f"{item}) {ITEMS[item]}" for item in missing)
        raise MonitoringError(
            _(
                "Laporan belum lengkap dan tidak dapat diterima. Butir yang belum ada: %(items)s. "
                "Kembalikan laporan kepada lokus dengan catatan."
            )
            % {"items": names}
        )
    score, category = evaluate(report)
    try:
        workflow_services.apply_action(
            report, "accept", actor_user=actor, actor_kinds=kinds_for(actor, report) & {MINISTRY},
            note=note, changes={"accepted_at": timezone.now(), "score": score, "category": category},
        )  # fmt: skip
    except WorkflowError as error:
        raise MonitoringError(error.message, status=refusal_status(error, 400)) from None
    return report


# --- Reminders (a step of the one deadline sweep) -------------------------------------------------


def send_reminders(now: datetime.datetime | None = None) -> int:
    """Remind the people of each locus whose report is not sent yet, ``reminder_days`` before the
    deadline counted in the locus's own days (WIB, WITA, WIT); once per report (idempotent)."""
    now = now or timezone.now()
    sent = 0
    reports = LocusReport.objects.filter(
        status__in=EDITABLE,
        reminded_at__isnull=True,
        clock_stopped_at__isnull=True,
        due_at__gte=now,
    ).select_related("period", "region")
    for report in reports:
        today = now.astimezone(calendar.region_zone(report.region)).date()
        if (report.period.deadline - today).days > report.period.reminder_days:
            continue
        with transaction.atomic():
            updated = LocusReport.objects.filter(pk=report.pk, reminded_at__isnull=True).update(
                reminded_at=now
            )
            if not updated:
                continue
            sent += tell_locus(
                report,
                "monitoring.reminder",
                {
                    "period_name": report.period.name,
                    "region_name": report.region.name,
                    "deadline": report.period.deadline,
                },
            )
    return sent


def sweep_step(now: datetime.datetime) -> dict[str, int]:
    """The monitoring step of the deadline sweep (after it flagged unsent reports past due)."""
    return {"reminded": send_reminders(now)}


def system_accept(report: LocusReport) -> None:  # used by the demo loader only
    workflow_services.apply_action(
        report, "accept", actor_user=None, actor_kinds={SYSTEM},
        changes=dict(zip(("score", "category"), evaluate(report), strict=True))
        | {"accepted_at": timezone.now()},
    )  # fmt: skip
