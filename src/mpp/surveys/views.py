"""Survey pages: the citizen's survey (one-time link or in-app), the kiosk, and the back office
under /kelola/skm/ (questionnaires, kiosks, IKM report, XLSX/PDF, follow-ups)."""

from __future__ import annotations

import datetime
import zoneinfo

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from mpp.accounts.policy import Perm, has_any
from mpp.accounts.requests import AuthenticatedRequest
from mpp.audit.services import client_ip
from mpp.catalog.models import Service
from mpp.devices import auth as device_auth
from mpp.devices.models import DeviceKind
from mpp.documents.exports import download
from mpp.parsing import parse_date, parse_id
from mpp.surveys import charts, exports, selectors, services
from mpp.surveys.models import (
    AgeBand,
    Education,
    Invitation,
    KioskDevice,
    Occupation,
    Questionnaire,
    Sex,
)
from mpp.surveys.services import KioskRefused, Submission, SurveyError
from mpp.surveys.units import BadUnit, Unit, parse_unit
from mpp.tenancy.scope import Scope

PROFILE_CHOICES = (
    ("age_band", gettext_lazy("Usia"), AgeBand.choices),
    ("sex", gettext_lazy("Jenis kelamin"), Sex.choices),
    ("education", gettext_lazy("Pendidikan terakhir"), Education.choices),
    ("occupation", gettext_lazy("Pekerjaan utama"), Occupation.choices),
)


# --- Respondents --------------------------------------------------------------------------------


def _submission(request) -> Submission:
    post = request.POST
    return Submission(
        answers={key: value for key, value in post.items() if key.startswith("U")},
        suggestion=post.get("suggestion", ""),
        profile={name: post.get(name, "") for name, _label, _c in PROFILE_CHOICES},
    )


def _form_context(version, submission=None, errors=None) -> dict:
    chosen = submission.answers if submission else {}
    profile = submission.profile if submission else {}
    return {
        "version": version,
        "elements": [
            {
                **element,
                "choices": list(enumerate(element["answers"], start=1)),
                "chosen": str(chosen.get(element["code"], "")),
                "errors": (errors or {}).get(element["code"], []),
            }
            for element in version.elements
        ],
        "profile_fields": [
            {
                "name": name,
                "label": label,
                "choices": choices,
                "chosen": profile.get(name, ""),
                "errors": (errors or {}).get(name, []),
            }
            for name, label, choices in PROFILE_CHOICES
        ],
        "suggestion": submission.suggestion if submission else "",
        "errors": errors or {},
    }


def _version_for(invitation: Invitation):
    return services.questionnaire_for(
        service_id=invitation.service_id, mpp_id=invitation.mpp_id, agency_id=invitation.agency_id
    ).current_version


def _survey_page(request, invitation: Invitation, *, next_url: str = ""):
    version = _version_for(invitation)
    context = {"invitation": invitation, "next_url": next_url}
    if request.method == "POST":
        submission = _submission(request)
        try:
            services.submit_for_invitation(invitation, submission)
        except SurveyError as error:
            if error.code in ("used", "expired"):
                return render(
                    request, "surveys/closed.html", {"message": error.message}, status=409
                )
            context |= _form_context(version, submission, error.errors)
            return render(request, "surveys/answer.html", context, status=422)
        messages.success(request, _("Terima kasih, jawaban survei Anda sudah kami terima."))
        if next_url:
            return redirect(next_url)
        return render(request, "surveys/thanks.html", {})
    context |= _form_context(version)
    return render(request, "surveys/answer.html", context)


def answer_by_link(request: HttpRequest, token: str) -> HttpResponse:
    """The one-time link from the email/SMS; works without signing in."""
    try:
        invitation = services.invitation_for_token(token)
    except SurveyError as error:
        status = 404 if error.code == "not_found" else 409
        return render(request, "surveys/closed.html", {"message": error.message}, status=status)
    return _survey_page(request, invitation)


@login_required
def answer_invitation(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """In-app: the signed-in citizen's own invitation (the download gate sends them here)."""
    invitation = get_object_or_404(Invitation, pk=pk, citizen=request.user)
    next_url = request.GET.get("lanjut", "") or request.POST.get("lanjut", "")
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = ""
    if not invitation.is_open:
        if next_url:
            return redirect(next_url)
        return render(
            request,
            "surveys/closed.html",
            {"message": _("Survei ini sudah diisi atau masa pengisiannya berakhir.")},
            status=409,
        )
    return _survey_page(request, invitation, next_url=next_url)


@login_required
def my_invitations(request: AuthenticatedRequest) -> HttpResponse:
    return render(
        request,
        "surveys/mine.html",
        {"invitations": selectors.open_invitations_of(request.user)},
    )


# --- Kiosk --------------------------------------------------------------------------------------


def _kiosk_of(request) -> tuple[KioskDevice | None, str]:
    """The SKM kiosk the request comes from (``mpp.devices.auth``), or why it is refused."""
    recognition = device_auth.recognise(request, DeviceKind.SKM_KIOSK)
    if recognition.device is None:
        return None, recognition.problem.message if recognition.problem else ""
    return recognition.device.skm_kiosk, ""


def kiosk(request: HttpRequest) -> HttpResponse:
    """The counter tablet: big buttons, anonymous, fresh after each response."""
    device, problem = _kiosk_of(request)
    if device is None:
        response = render(
            request,
            "surveys/kiosk_login.html",
            {"problem": problem},
            # An answer posted without a registered device is refused; the page itself is open.
            status=403 if problem or request.method == "POST" else 200,
        )
        if problem:
            device_auth.forget(response)
        return response
    service = device.service
    chosen = request.POST.get("service") or request.GET.get("layanan")
    chosen_id = parse_id(chosen)
    if chosen_id:
        service = Service.objects.filter(pk=chosen_id, mpp=device.mpp).first() or service
    version = services.questionnaire_for(
        service_id=service.pk, mpp_id=service.mpp_id, agency_id=service.agency_id
    ).current_version
    context = {"device": device, "service": service, "kiosk": True}
    if request.method == "POST":
        submission = _submission(request)
        try:
            services.submit_at_kiosk(
                device, submission, service=service, client_ip=client_ip(request)
            )
        except KioskRefused as error:
            # A fresh form under the notice: the next visitor starts from nothing.
            context |= _form_context(version) | {"refused": error.message}
            response = render(
                request,
                "surveys/kiosk.html",
                context,
                status=429 if error.code == "too_soon" else 403,
            )
            if error.retry_after:
                response["Retry-After"] = str(error.retry_after)
            return response
        except SurveyError as error:
            context |= _form_context(version, submission, error.errors)
            return render(request, "surveys/kiosk.html", context, status=422)
        return redirect(f"{reverse('surveys:kiosk_thanks')}?layanan={service.pk}")
    context |= _form_context(version)
    return render(request, "surveys/kiosk.html", context)


def kiosk_thanks(request: HttpRequest) -> HttpResponse:
    device, _problem = _kiosk_of(request)
    if device is None:
        return redirect("surveys:kiosk")
    service = request.GET.get("layanan", "")
    return render(
        request,
        "surveys/kiosk_thanks.html",
        {"device": device, "service": parse_id(service) or ""},
    )


@require_POST
def kiosk_login(request: HttpRequest) -> HttpResponse:
    """The tablet typed its device token (when the pairing link's QR cannot be scanned): the
    same signed cookie the pairing link sets."""
    found = device_auth.with_token(request.POST.get("token", ""), DeviceKind.SKM_KIOSK)
    if found.device is None:
        return render(
            request,
            "surveys/kiosk_login.html",
            {"problem": found.problem.message if found.problem else "", "invalid": True},
            status=403,
        )
    response = redirect("surveys:kiosk")
    device_auth.remember(response, found.device, request)
    return response


# --- Back office --------------------------------------------------------------------------------


def _staff(request) -> None:
    if not (
        has_any(request.user, Perm.MANAGE_SURVEYS) or has_any(request.user, Perm.VIEW_STATISTICS)
    ):
        raise PermissionDenied


def _date(value: str | None, default: datetime.date) -> datetime.date:
    return parse_date(value) or default


def _period(request) -> tuple[datetime.date, datetime.date, str]:
    today = timezone.localdate()
    start = _date(request.GET.get("start"), datetime.date(today.year, 1, 1))
    end = _date(request.GET.get("end"), today)
    if end < start:
        return (
            start,
            start,
            _("Tanggal akhir tidak boleh sebelum tanggal awal; periode dibuat satu hari."),
        )
    return start, end, ""


def _unit(request, *, manage: bool = False) -> tuple[Unit, str, Scope]:
    _staff(request)
    try:
        unit = parse_unit(request.GET.get("unit") or request.POST.get("unit") or "")
        label, scope = unit.resolve()
    except BadUnit:
        raise Http404 from None
    allowed = (
        selectors.may_manage(request.user, scope)
        if manage
        else selectors.may_read(request.user, scope)
    )
    if not allowed:
        raise Http404
    return unit, label, scope


@login_required
def manage_index(request: AuthenticatedRequest) -> HttpResponse:
    _staff(request)
    today = timezone.localdate()
    return render(
        request,
        "surveys/manage_index.html",
        {
            "units": selectors.unit_choices(request.user),
            "start": datetime.date(today.year, 1, 1),
            "end": today,
            "can_kiosks": selectors.kiosk_mpps(request.user).exists(),
        },
    )


@login_required
def report(request: AuthenticatedRequest) -> HttpResponse:
    unit, label, scope = _unit(request)
    start, end, warning = _period(request)
    result = selectors.compute_ikm(unit, label, start, end)
    trend = selectors.trend(unit, label, end.year)
    overview, overview_height = charts.bars([(e.code, e.nrr) for e in result.elements], 4)
    element_charts = []
    for index, element in enumerate(result.elements):
        values = [(name, period.elements[index].nrr) for name, period in trend]
        element_bars, height = charts.bars(values, 4)
        element_charts.append(
            {"element": element, "bars": element_bars, "height": height, "values": values}
        )
    trend_bars, trend_height = charts.bars(
        [(name, period.converted) for name, period in trend], 100
    )
    suggestions = selectors.suggestions_of(unit, start, end)[:100]
    query = f"unit={unit.key}&start={start.isoformat()}&end={end.isoformat()}"
    return render(
        request,
        "surveys/report.html",
        {
            "result": result,
            "unit": unit,
            "warning": warning,
            "overview": overview,
            "overview_height": overview_height,
            "element_charts": element_charts,
            "trend": trend,
            "trend_bars": trend_bars,
            "trend_height": trend_height,
            "suggestions": suggestions,
            "improvements": selectors.improvements_of(unit),
            "can_manage": selectors.may_manage(request.user, scope),
            "can_officers": selectors.may_read_officers(request.user, scope),
            "report_query": query,
            "chart_width": charts.WIDTH,
        },
    )


@login_required
def report_xlsx(request: AuthenticatedRequest) -> HttpResponse:
    unit, label, _scope = _unit(request)
    start, end, _warning = _period(request)
    result = selectors.compute_ikm(unit, label, start, end)
    content = exports.processing_table(result, selectors.answer_table(unit, start, end))
    return download(content, fmt="xlsx", filename=f"skm-{start}-{end}")


@login_required
def report_pdf(request: AuthenticatedRequest) -> HttpResponse:
    unit, label, _scope = _unit(request)
    start, end, _warning = _period(request)
    result = selectors.compute_ikm(unit, label, start, end)
    overview, height = charts.bars([(e.code, e.nrr) for e in result.elements], 4)
    content = exports.report_pdf(
        {
            "result": result,
            "overview": overview,
            "overview_height": height,
            "chart_width": charts.WIDTH,
            "improvements": selectors.improvements_of(unit),
        }
    )
    return download(content, fmt="pdf", filename=f"laporan-skm-{start}-{end}")


@login_required
def officers(request: AuthenticatedRequest) -> HttpResponse:
    unit, label, _scope = _unit(request)
    start, end, _warning = _period(request)
    rows = selectors.officers_of(request.user, unit, start, end)
    if rows is None:
        raise Http404
    return render(
        request,
        "surveys/officers.html",
        {"rows": rows, "label": label, "start": start, "end": end, "unit": unit},
    )


def _back_to_report(request, unit: Unit):
    query = request.POST.get("query", "")
    if not query.startswith("unit=") or len(query) > 200:
        query = f"unit={unit.key}"
    return redirect(f"{reverse('surveys:report')}?{query}")


@login_required
@require_POST
def follow_up(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    unit, _label, _scope = _unit(request, manage=True)
    response = get_object_or_404(
        selectors.responses_of(unit, datetime.date.min, datetime.date.max).exclude(suggestion=""),
        pk=pk,
    )
    try:
        services.record_follow_up(response, request.POST.get("text", ""), actor=request.user)
        messages.success(request, _("Tindak lanjut saran sudah dicatat."))
    except SurveyError as error:
        messages.error(request, error.message)
    return _back_to_report(request, unit)


@login_required
@require_POST
def improvement(request: AuthenticatedRequest) -> HttpResponse:
    unit, _label, _scope = _unit(request, manage=True)
    try:
        services.plan_improvement(
            unit,
            request.POST.get("text", ""),
            planned_for=request.POST.get("planned_for", ""),
            actor=request.user,
        )
        messages.success(request, _("Rencana perbaikan sudah dicatat dan diumumkan bersama IKM."))
    except SurveyError as error:
        messages.error(request, error.message)
    return _back_to_report(request, unit)


@login_required
def questionnaire(request: AuthenticatedRequest) -> HttpResponse:
    unit, label, scope = _unit(request)
    found = _questionnaire_of(unit)
    applied = found or services.ensure_national_default()
    return render(
        request,
        "surveys/questionnaire.html",
        {
            "unit": unit,
            "label": label,
            "own": found,
            "applied": applied,
            "version": applied.current_version,
            "can_manage": selectors.may_manage(request.user, scope)
            and (unit.kind != "national" or has_any(request.user, Perm.MANAGE_SURVEYS)),
            "errors": {},
        },
    )


def _questionnaire_of(unit: Unit) -> Questionnaire | None:
    lookup = {"national": {"mpp": None, "agency": None, "service": None}}
    if unit.kind == "national":
        return Questionnaire.objects.filter(**lookup["national"]).first()
    if unit.kind == "mpp":
        return Questionnaire.objects.filter(mpp_id=int(unit.id), agency=None, service=None).first()
    if unit.kind == "presence":
        agency, mpp = (int(part) for part in unit.id.split("@"))
        return Questionnaire.objects.filter(mpp_id=mpp, agency_id=agency, service=None).first()
    if unit.kind == "service":
        return Questionnaire.objects.filter(service_id=int(unit.id)).first()
    return None


def _unit_objects(unit: Unit) -> dict:
    from mpp.tenancy.models import MPP, Agency

    if unit.kind == "mpp":
        return {"mpp": MPP.objects.get(pk=int(unit.id))}
    if unit.kind == "presence":
        agency, mpp = (int(part) for part in unit.id.split("@"))
        return {"mpp": MPP.objects.get(pk=mpp), "agency": Agency.objects.get(pk=agency)}
    if unit.kind == "service":
        return {"service": Service.objects.get(pk=int(unit.id))}
    raise Http404


@login_required
@require_POST
def questionnaire_adopt(request: AuthenticatedRequest) -> HttpResponse:
    unit, _label, _scope = _unit(request, manage=True)
    services.adopt_national(**_unit_objects(unit), actor=request.user)
    messages.success(request, _("Kuesioner nasional sudah diadopsi untuk unit ini."))
    return redirect(f"{reverse('surveys:questionnaire')}?unit={unit.key}")


@login_required
@require_POST
def questionnaire_weights(request: AuthenticatedRequest) -> HttpResponse:
    unit, label, _scope = _unit(request, manage=True)
    own = _questionnaire_of(unit)
    if own is None or (unit.kind == "national" and not has_any(request.user, Perm.MANAGE_SURVEYS)):
        raise Http404
    version = services.published_version(own)
    elements = [
        {
            **element,
            "weight": request.POST.get(f"weight_{element['code']}", "").strip().replace(",", "."),
        }
        for element in version.elements
    ]
    try:
        services.publish_version(
            own,
            elements,
            actor=request.user,
            ask_suggestion=version.ask_suggestion,
            ask_profile=version.ask_profile,
        )
    except SurveyError as error:
        return render(
            request,
            "surveys/questionnaire.html",
            {
                "unit": unit,
                "label": label,
                "own": own,
                "applied": own,
                "version": version,
                "can_manage": True,
                "errors": error.errors,
                "posted": {e["code"]: e["weight"] for e in elements},
            },
            status=422,
        )
    if unit.kind == "service":
        services.set_download_gate(own, request.POST.get("required_before_download") == "on")
    messages.success(request, _("Versi baru kuesioner sudah diterbitkan."))
    return redirect(f"{reverse('surveys:questionnaire')}?unit={unit.key}")


@login_required
def kiosks(request: AuthenticatedRequest) -> HttpResponse:
    _staff(request)
    mpps = list(selectors.kiosk_mpps(request.user))
    if not mpps:
        raise PermissionDenied
    context = {
        "activities": selectors.kiosk_activity(selectors.kiosks_for(request.user), timezone.now()),
        # Registering, rotating and revoking are the devices page's (one per MPP).
        "mpps": mpps,
        "burst_answers": selectors.BURST_ANSWERS,
        "burst_minutes": int(selectors.BURST_WINDOW.total_seconds() // 60),
    }
    return render(request, "surveys/kiosks.html", context)


def _int(value) -> int:
    return parse_id(value) or 0


def _managed_device(request, pk: int) -> KioskDevice:
    _staff(request)
    return get_object_or_404(selectors.kiosks_for(request.user), pk=pk)


def _local_moment(value: str, zone: str) -> datetime.datetime | None:
    """A ``datetime-local`` value read in the MPP's zone (WIB/WITA/WIT), or None."""
    try:
        moment = datetime.datetime.fromisoformat((value or "").strip()[:19])
    except ValueError:
        return None
    if moment.tzinfo is not None or not 2000 <= moment.year <= 2100:
        return None
    return moment.replace(tzinfo=zoneinfo.ZoneInfo(zone))


def _device_page(request, device: KioskDevice, *, status: int = 200, **extra):
    activity = selectors.kiosk_activity([device], timezone.now())[0]
    zone = device.mpp.region.timezone
    burst = activity.bursts[-1] if activity.bursts else None
    local = zoneinfo.ZoneInfo(zone)
    context = {
        "device": device,
        "activity": activity,
        "zone": zone,
        "zone_name": device.mpp.region.timezone_abbreviation,
        "networks_text": "\n".join(device.networks),
        "interval_text": device.min_interval_seconds or "",
        "default_interval": settings.SKM_KIOSK_MIN_INTERVAL_SECONDS,
        "voids": device.voids.select_related("voided_by")[:20],
        "errors": {},
        # The void form starts on the latest burst (from its first answer to just after its last).
        "void_start": burst.start.astimezone(local).strftime("%Y-%m-%dT%H:%M") if burst else "",
        "void_end": (burst.end + datetime.timedelta(minutes=1))
        .astimezone(local)
        .strftime("%Y-%m-%dT%H:%M")
        if burst
        else "",
        "burst_answers": selectors.BURST_ANSWERS,
        "burst_minutes": int(selectors.BURST_WINDOW.total_seconds() // 60),
    }
    return render(request, "surveys/kiosk_device.html", context | extra, status=status)


@login_required
def kiosk_device(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """One device: its activity and bursts, its networks and interval, voiding a period."""
    device = _managed_device(request, pk)
    if request.method == "POST":
        try:
            services.configure_kiosk(
                device,
                networks=request.POST.get("networks", ""),
                min_interval=request.POST.get("min_interval", ""),
                actor=request.user,
                request=request,
            )
        except SurveyError as error:
            return _device_page(
                request,
                device,
                status=422,
                errors=error.errors,
                networks_text=request.POST.get("networks", ""),
                interval_text=request.POST.get("min_interval", ""),
            )
        messages.success(request, _("Pengaturan perangkat kios sudah disimpan."))
        return redirect("surveys:kiosk_device", pk=device.pk)
    return _device_page(request, device)


def _void_confirm(request, device, start, end, period: dict, errors: dict | None = None):
    return render(
        request,
        "surveys/kiosk_void_confirm.html",
        {
            "device": device,
            "start": start,
            "end": end,
            "zone": device.mpp.region.timezone,
            "count": selectors.voidable_count(device, start, end),
            "errors": errors or {},
            **period,
        },
        status=422 if errors else 200,
    )


@login_required
@require_POST
def kiosk_void(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Void a period of the device's answers: first the count to confirm, then with a reason."""
    device = _managed_device(request, pk)
    zone = device.mpp.region.timezone
    start_text, end_text = request.POST.get("start", ""), request.POST.get("end", "")
    start, end = _local_moment(start_text, zone), _local_moment(end_text, zone)
    period = {"void_start": start_text[:19], "void_end": end_text[:19]}
    try:
        services.check_void_period(start, end)
        if request.POST.get("confirm") != "1":
            return _void_confirm(request, device, start, end, period)
        record = services.void_kiosk_answers(
            device,
            start=start,
            end=end,
            reason=request.POST.get("reason", ""),
            actor=request.user,
            request=request,
        )
    except SurveyError as error:
        if "reason" in error.errors:
            return _void_confirm(request, device, start, end, period, error.errors)
        return _device_page(request, device, status=422, void_errors=error.errors, **period)
    messages.success(
        request,
        _("%(count)s jawaban perangkat %(name)s dibatalkan; IKM sudah dihitung ulang.")
        % {"count": record.responses, "name": device.name},
    )
    return redirect("surveys:kiosk_device", pk=device.pk)
