"""Monitoring and evaluation pages under /kelola/monev/."""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from mpp.accounts.policy import Perm, can
from mpp.cases.models import Application
from mpp.documents import exports as files
from mpp.monitoring import counting, exports, selectors, services
from mpp.monitoring.forms import NoteForm, PeriodForm, ReportForm, mark_asked
from mpp.monitoring.models import ITEMS
from mpp.monitoring.workflow import LOCUS, MINISTRY
from mpp.onboarding.models import OnboardingApplication
from mpp.regions.models import Region
from mpp.workflows.selectors import labelled_history


def _forbidden(request, message: str):
    return render(request, "web/forbidden.html", {"message": message}, status=403)


def _no_role(request):
    return _forbidden(request, _("Anda tidak memiliki peran untuk monitoring dan evaluasi."))


def _for_viewers(view):
    """A page for people with a monitoring role; anyone else is refused (403) with the reason."""

    @wraps(view)
    def page(request, *args, **kwargs):
        if not selectors.may_view(request.user):
            return _no_role(request)
        return view(request, *args, **kwargs)

    return page


def _report_or_404(request, pk: int):
    """The report, if this person may see it; 404 otherwise (a report beyond one's scope does
    not exist for one)."""
    report = selectors.report_for(request.user, pk)
    if report is None:
        raise Http404
    return report


@login_required
@_for_viewers
def period_list(request):
    ministry = selectors.is_ministry(request.user)
    reports = (
        [] if ministry else selectors.reports_for(request.user).select_related("period", "region")
    )
    return render(
        request,
        "monitoring/period_list.html",
        {
            "periods": selectors.periods_for(request.user),
            "reports": reports,
            "ministry": ministry,
            "may_open": can(request.user, Perm.REVIEW_MONITORING),
        },
    )


def phase_loci(phase: int):
    codes = OnboardingApplication.objects.filter(
        phase=phase, status__in=("designated", "agreement_signed", "active", "probation")
    ).values_list("region_id", flat=True)
    return Region.objects.filter(code__in=codes)


@login_required
def period_new(request):
    if not can(request.user, Perm.REVIEW_MONITORING):
        return _forbidden(request, _("Hanya admin kementerian yang dapat membuka periode laporan."))
    form = PeriodForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        regions = data["regions"] or phase_loci(data["phase"])
        try:
            period = services.open_period(
                actor=request.user, name=data["name"], phase=data["phase"],
                starts_on=data["starts_on"], ends_on=data["ends_on"], deadline=data["deadline"],
                regions=regions, items=data["items"], rubric=form.rubric(),
            )  # fmt: skip
        except services.MonitoringError as error:
            error.apply_to(form)
        else:
            messages.success(request, _("Periode %(name)s telah dibuka.") % {"name": period.name})
            return redirect("monitoring:period", pk=period.pk)
    return render(
        request, "monitoring/period_new.html", {"form": form}, status=400 if form.errors else 200
    )


@login_required
@_for_viewers
def period_detail(request, pk: int):
    period = selectors.period_for(request.user, pk)
    if period is None:
        raise Http404
    ministry = selectors.is_ministry(request.user)
    reports = None if ministry else selectors.reports_for(request.user)
    rows = selectors.matrix(period, reports)
    return render(
        request,
        "monitoring/period_detail.html",
        {
            "period": period,
            "rows": rows,
            "items": selectors.item_labels(period),
            "totals": selectors.national_totals(period) if ministry else None,
            "ministry": ministry,
            # translated once, not once per cell of a 514-row matrix
            "labels": {
                "draft": _("Draf"),
                "submitted": _("Dikirim"),
                "returned": _("Dikembalikan"),
                "accepted": _("Diterima"),
                "late": _("Terlambat"),
                "missing": _("Tidak menyampaikan"),
                "filled": _("ada"),
                "unfilled": _("belum"),
            },
        },
    )


EXPORTS = {"xlsx": exports.period_xlsx, "csv": exports.period_csv, "pdf": exports.period_pdf}


@login_required
@_for_viewers
def period_export(request, pk: int, fmt: str):
    period = selectors.period_for(request.user, pk)
    if period is None or fmt not in EXPORTS:
        raise Http404
    reports = None if selectors.is_ministry(request.user) else selectors.reports_for(request.user)
    body = EXPORTS[fmt](period, reports)
    return files.download(body, fmt=fmt, filename=f"monev-{period.pk}")


def _report_context(request, report, form=None, note_form=None, error=None):
    kinds = services.kinds_for(request.user, report)
    history = labelled_history(report)
    if form is None:
        form = ReportForm(initial={f: getattr(report, f) for f in ReportForm.base_fields})
    mark_asked(form, report.period.items)
    score, category = services.evaluate(report)
    return {
        "report": report,
        "period": report.period,
        "items": ITEMS,
        "filled": report.filled_items(),
        "form": form,
        "note_form": note_form or NoteForm(),
        "editable": LOCUS in kinds and report.status in services.EDITABLE,
        # Item 1 is fixed by uploading the SK, which only the regional admin may do.
        "may_upload_decree": can(request.user, Perm.APPLY_ONBOARDING, report.region),
        "reviewable": MINISTRY in kinds and report.status == "submitted",
        "history": history,
        "flags": selectors.flags(report),
        "error": error,
        "deadline_end": services.deadline_end(report),
        # A score is provisional while the ministry reviews a sent report; a draft or a returned
        # report has none yet (it may still change).
        "provisional_score": score if report.status == "submitted" else None,
        "provisional_category": category,
    }


@login_required
@_for_viewers
def report_detail(request, pk: int):
    report = _report_or_404(request, pk)
    if report.computed_at is None and report.status in services.EDITABLE:
        services.compute_figures(report)  # shown, saved with the draft or the submit
    return render(request, "monitoring/report.html", _report_context(request, report))


@login_required
@require_POST
@_for_viewers
def report_action(request, pk: int):
    report = _report_or_404(request, pk)
    action = request.POST.get("action", "")
    form = note_form = None
    try:
        if action == "recount":
            services.recount(report, actor=request.user)
            message = _("Butir 1–4 telah dihitung ulang dari data platform.")
        elif action in ("save", "submit"):
            form = ReportForm(request.POST)
            if not form.is_valid():
                raise services.MonitoringError(_("Periksa isian laporan."))
            if action == "save":
                services.save_draft(report, actor=request.user, data=form.cleaned_data)
                message = _("Draf laporan telah disimpan.")
            else:
                services.submit(report, actor=request.user, data=form.cleaned_data)
                message = (
                    _("Laporan telah dikirim, tetapi ditandai terlambat karena melewati batas.")
                    if report.is_late
                    else _("Laporan telah dikirim.")
                )
        elif action in ("return", "accept"):
            note_form = NoteForm(request.POST)
            note_form.is_valid()
            note = note_form.cleaned_data.get("note", "")
            if action == "return":
                services.return_report(report, actor=request.user, note=note)
                message = _("Laporan dikembalikan kepada lokus dengan catatan.")
            else:
                services.accept(report, actor=request.user, note=note)
                message = _("Laporan diterima.")
        else:
            raise services.MonitoringError(_("Tindakan ini tidak dikenal."))
    except services.MonitoringError as error:
        if form is not None and error.errors:
            error.apply_to(form)
        fresh = selectors.report_for(request.user, pk)
        if fresh is None:  # gone, or out of the caller's reach, since the action began
            raise Http404 from None
        if form is None:
            fresh.computed_at or services.compute_figures(fresh)
        context = _report_context(
            request, fresh, form=form, note_form=note_form, error=error.message
        )
        return render(request, "monitoring/report.html", context, status=error.status)
    messages.success(request, message)
    return redirect("monitoring:report", pk=report.pk)


@login_required
@_for_viewers
def report_pdf(request, pk: int):
    report = _report_or_404(request, pk)
    return files.download(
        exports.report_pdf(report),
        fmt="pdf",
        filename=f"monev-{report.period_id}-{report.region_id}",
    )


MEASURE_LABELS = {
    "population_applicants": _("Pemohon layanan kependudukan"),
    "health_applicants": _("Pemohon izin tenaga kesehatan"),
    "population_processed": _("Layanan kependudukan yang diproses"),
    "health_permits_issued": _("Izin tenaga kesehatan yang diterbitkan"),
}


@login_required
@_for_viewers
def report_breakdown(request, pk: int, measure: str):
    """The applications behind one figure: tracking number, service, status, dates; no names."""
    report = _report_or_404(request, pk)
    if measure not in counting.MEASURES:
        raise Http404
    period = report.period
    rows = (
        counting.measure_queryset(report.region, period.starts_on, period.ends_on, measure)
        .select_related("service")
        .only("tracking_number", "status", "submitted_at", "decided_at", "service__name")
        .order_by("submitted_at", "id")
    )
    total = rows.count()
    applicants = measure.endswith("_applicants")
    live = rows.values("applicant").distinct().count() if applicants else total
    snapshot = getattr(report, measure)
    return render(
        request,
        "monitoring/breakdown.html",
        {
            "report": report,
            "measure": measure,
            "label": MEASURE_LABELS[measure],
            "rows": rows[:500],
            "total": total,
            "applicants": applicants,
            "live": live,
            "snapshot": snapshot,
            "differs": snapshot is not None and snapshot != live,
            "status_labels": dict(Application._meta.get_field("status").choices or []),
        },
    )
