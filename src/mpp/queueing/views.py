"""Queue pages: booking (/antrean/...), the kiosk, the ticket status page, the hall display and
the back office (/kelola/antrean/...): set-up, statistics and the counter console."""

from __future__ import annotations

import datetime

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseNotModified
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_time
from django.utils.formats import localize
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from mpp.accounts.policy import Perm, can, has_any
from mpp.accounts.requests import AuthenticatedRequest
from mpp.catalog import public_cache
from mpp.catalog.models import Service
from mpp.devices import auth as device_auth
from mpp.devices.models import Device, DeviceKind
from mpp.fragments import render_page
from mpp.parsing import parse_date, parse_id
from mpp.queueing import forms, selectors, services
from mpp.queueing.models import (
    AssistanceKind,
    Counter,
    PriorityGroup,
    QueueRules,
    ServiceQueue,
    Ticket,
)
from mpp.queueing.services import QueueError
from mpp.queueing.workflow import KIOSK, OFFICER, STATUS_LABELS
from mpp.regions.calendar import OfficeHours, RegionCalendar
from mpp.tenancy.models import Agency


def _qr(url: str, title: str) -> str:
    return segno.make(url, error="m").svg_inline(scale=4, title=title)


def _status_url(request, ticket) -> str:
    return request.build_absolute_uri(reverse("queueing:ticket", args=[ticket.token]))


def _open_days(queue: ServiceQueue, now) -> tuple[list[datetime.date], OfficeHours, RegionCalendar]:
    """The days one may book, with the queue's hours and the calendar they were read from (the
    slots of the chosen day are cut from the same, without reading them again)."""
    today = services.local_now(queue.mpp, now).date()
    days_ahead = services.rules_of(queue.mpp).booking_days_ahead
    hours = services.queue_hours(queue)
    last = today + datetime.timedelta(days=days_ahead)
    calendar = RegionCalendar(queue.mpp.region, today, last)  # one query for the whole range
    days = [
        day
        for offset in range(days_ahead + 1)
        if services.open_intervals(
            queue, day := today + datetime.timedelta(days=offset), hours, calendar
        )
    ]
    return days, hours, calendar


# --- Citizens: booking -----------------------------------------------------------------------


def start(request: HttpRequest) -> HttpResponse:
    queues = selectors.bookable_queues()
    return render(request, "queueing/start.html", {"queues": queues})


def _parsed(parse, value: str | None):
    """``parse_time`` of what a person sent; None for a malformed or impossible value (25:00),
    which Django's parser raises on."""
    try:
        return parse(value or "")
    except ValueError:
        return None


def _slot_page(request, queue, *, ticket=None, template="queueing/book.html"):
    now = timezone.now()
    days, hours, calendar = _open_days(queue, now)
    chosen = parse_date(request.POST.get("date") or request.GET.get("tanggal")) or (
        days[0] if days else None
    )
    errors: dict[str, str] = {}
    # Help is asked for with a new booking; a rescheduled one keeps what it asked for.
    help_form = forms.AssistanceForm(request.POST or None) if ticket is None else None
    if request.method == "POST":
        starts = _parsed(parse_time, request.POST.get("slot"))
        if help_form is not None and not help_form.is_valid():
            errors["assistance"] = _("Periksa pilihan pendampingan.")
        elif chosen is None:
            errors["date"] = _("Pilih tanggal.")
        elif starts is None:
            errors["slot"] = _("Pilih salah satu slot.")
        else:
            try:
                if ticket is None:
                    assert help_form is not None  # a new booking always has the form
                    ticket = services.book(
                        request.user,
                        queue,
                        chosen,
                        starts,
                        assistance=help_form.cleaned_data["assistance"],
                        assistance_note=help_form.cleaned_data["assistance_note"],
                    )
                    messages.success(request, _("Pemesanan antrean berhasil."))
                else:
                    ticket = services.reschedule(ticket, chosen, starts, user=request.user)
                    messages.success(request, _("Jadwal pemesanan sudah diubah."))
                return redirect("queueing:booking", pk=ticket.pk)
            except QueueError as error:
                if help_form is not None and error.field in help_form.fields:
                    error.apply_to(help_form)
                    errors["assistance"] = _("Periksa pilihan pendampingan.")
                else:
                    errors[error.field or "slot"] = error.message
    slots = services.availability(queue, chosen, now, hours, calendar) if chosen else []
    status = 400 if errors else 200
    return render(
        request,
        template,
        {
            "queue": queue,
            "ticket": ticket,
            "days": days,
            "chosen": chosen,
            "slots": slots,
            "errors": errors,
            "help_form": help_form,
        },
        status=status,
    )


@login_required
def book(request: AuthenticatedRequest, queue_id: int) -> HttpResponse:
    queue = get_object_or_404(selectors.bookable_queues(), pk=queue_id)
    return _slot_page(request, queue)


@login_required
def my_bookings(request: AuthenticatedRequest) -> HttpResponse:
    return render(
        request,
        "queueing/my_bookings.html",
        {"tickets": selectors.bookings_of(request.user)[:50], "labels": STATUS_LABELS},
    )


@login_required
def booking(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """The booking as a ticket a person can act on: where (address), when (in the MPP's zone),
    until when the place is kept (grace), and what to bring (the service's requirements)."""
    ticket = selectors.booking_of(request.user, pk)
    zone = services.zone_of(ticket.mpp)
    grace = services.rules_of(ticket.mpp).grace_minutes
    starts = ticket.slot_moment(zone)
    version = ticket.service.current_version
    visit = selectors.visit_of(ticket)
    return render(
        request,
        "queueing/booking.html",
        {
            "ticket": ticket,
            "visit": visit,
            "addable": selectors.addable_queues(ticket, visit) if ticket.status == "booked" else [],
            "label": STATUS_LABELS[ticket.status],
            "qr_svg": _qr(_status_url(request, ticket), _("Kode QR pemesanan")),
            "zone": zone,
            "zone_name": ticket.mpp.region.timezone_abbreviation,
            "grace": grace,
            # Written here in the MPP's own zone: a template's time filter would use the server's.
            "latest": f"{starts + datetime.timedelta(minutes=grace):%H.%M}" if starts else "",
            "requirements": version.display_requirements if version else [],
            "assistance": selectors.assistance_of([ticket]).get(ticket.pk, []),
        },
    )


@login_required
@require_POST
def add_service(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """The citizen adds a further service to the booking's visit (the same number leads on)."""
    ticket = selectors.booking_of(request.user, pk)
    queue_id = parse_id(request.POST.get("queue"))
    queue = (
        ServiceQueue.objects.filter(mpp_id=ticket.mpp_id, pk=queue_id).first()
        if queue_id is not None
        else None
    )
    try:
        if queue is None:
            raise QueueError(_("Pilih layanan yang ditambahkan."), "then")
        services.add_service(ticket, queue, user=request.user)
    except QueueError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("%(service)s ditambahkan ke kunjungan ini dengan nomor antrean yang sama.")
            % {"service": queue.service.name},
        )
    return redirect("queueing:booking", pk=ticket.pk)


@login_required
def cancel_booking(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    ticket = selectors.booking_of(request.user, pk)
    if request.method == "POST":
        try:
            services.cancel(ticket, user=request.user)
        except QueueError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request, _("Pemesanan dibatalkan. Tempatnya kini dapat dipakai warga lain.")
            )
        return redirect("queueing:booking", pk=ticket.pk)
    return render(request, "queueing/cancel.html", {"ticket": ticket})


@login_required
def reschedule(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    ticket = selectors.booking_of(request.user, pk)
    if ticket.status != "booked":
        messages.error(request, _("Pemesanan ini tidak dapat diubah lagi."))
        return redirect("queueing:booking", pk=ticket.pk)
    return _slot_page(request, ticket.queue, ticket=ticket, template="queueing/reschedule.html")


# --- The public ticket status page -----------------------------------------------------------


@never_cache
def ticket_status(request: HttpRequest, token: str) -> HttpResponse:
    ticket = selectors.ticket_by_token(token)
    guess = selectors.estimate(ticket.queue, ticket=ticket)
    return render(
        request,
        "queueing/ticket.html",
        {
            "ticket": ticket,
            "label": STATUS_LABELS[ticket.status],
            "estimate": guess,
            "visit": selectors.visit_of(ticket),
            "assistance": selectors.assistance_of([ticket]).get(ticket.pk, []),
        },
    )


# --- The kiosk -----------------------------------------------------------------------------


def _kiosk(request) -> Device | None:
    """The registered queue kiosk the request comes from (``mpp.devices.auth``), or None."""
    return device_auth.device_of(request, DeviceKind.QUEUE_KIOSK)


def _waiting_label(estimate: selectors.Estimate) -> str:
    """A kiosk button's line ("3 orang menunggu · ± 15 menit"), written here once per service:
    two plural blocks of the template for each of an MPP's 42 services were a fifth of the page."""
    waiting = ngettext(
        "%(waiting)s orang menunggu", "%(waiting)s orang menunggu", estimate.ahead
    ) % {"waiting": localize(estimate.ahead)}
    minutes = ngettext("± %(minutes)s menit", "± %(minutes)s menit", estimate.minutes) % {
        "minutes": localize(estimate.minutes)
    }
    return f"{waiting} · {minutes}"


def _kiosk_page(request, kiosk, *, error: str = "", status: int = 200, code_form=None):
    queues, limit = selectors.kiosk_queues(kiosk.mpp)
    guesses = selectors.estimates(kiosk.mpp, queues)
    rows = [(queue, _waiting_label(guesses[queue.pk])) for queue in queues]
    further_choices = range(2, limit + 1) if len(queues) > 1 else ()
    return render(
        request,
        "queueing/kiosk.html",
        {
            "kiosk": kiosk,
            "rows": rows,
            # The services as options, rendered once for the visit form's selects (one per
            # service a number may hold: at an MPP of 42 services, 126 options rendered as 42).
            "queue_options": render_to_string("queueing/_kiosk_queue_options.html", {"rows": rows})
            if further_choices
            else "",
            "further_choices": further_choices,
            "priority_groups": PriorityGroup.choices,
            "assistance_kinds": AssistanceKind.choices,
            "error": error,
            "code_form": code_form or forms.CodeForm(),
        },
        status=status,
    )


@never_cache
def kiosk(request: HttpRequest) -> HttpResponseBase:
    """The kiosk's page; on a device not paired yet, the form to type the device's token (the
    same cookie the pairing link sets, ``mpp.devices.auth``)."""
    if request.method == "POST" and "token" in request.POST:
        form = forms.KioskTokenForm(request.POST)
        paired = device_auth.pair_typed_token(
            request, DeviceKind.QUEUE_KIOSK, form, reverse("queueing:kiosk")
        )
        if paired is None:
            return render(request, "queueing/kiosk_register.html", {"form": form}, status=400)
        return paired
    recognition = device_auth.recognise(request, DeviceKind.QUEUE_KIOSK)
    if recognition.device is None:
        # A cookie that no longer works (token rotated, device revoked) says why.
        problem = recognition.problem.message if recognition.problem else ""
        return render(
            request,
            "queueing/kiosk_register.html",
            {"form": forms.KioskTokenForm(), "problem": problem},
            status=403 if problem else 200,
        )
    return _kiosk_page(request, recognition.device)


@require_POST
def kiosk_take(request: HttpRequest) -> HttpResponse:
    device = _kiosk(request)
    if device is None:
        raise PermissionDenied
    queue_id = parse_id(request.POST.get("queue"))
    queue = (
        ServiceQueue.objects.filter(mpp=device.mpp, pk=queue_id).first()
        if queue_id is not None
        else None
    )
    then = _further_queues(device.mpp, request.POST.getlist("then"))
    if queue is None or then is None:
        return _kiosk_page(request, device, error=_("Pilih layanan."), status=400)
    try:
        ticket = services.issue_walk_in(
            device,
            queue,
            then=then,
            priority_group=request.POST.get("priority_group", ""),
            assistance=request.POST.getlist("assistance"),
        )
    except QueueError as error:
        return _kiosk_page(request, device, error=error.message, status=error.status)
    return redirect("queueing:kiosk_ticket", token=ticket.token)


def _further_queues(mpp, values: list[str]) -> list[ServiceQueue] | None:
    """The further services of a visit as chosen (empty choices left out), in the visitor's
    order; None when one is not a service of ``mpp``. No query when none was chosen."""
    parsed = [parse_id(value) for value in values if value]
    ids = [pk for pk in parsed if pk is not None]
    if len(ids) != len(parsed):
        return None
    if not ids:
        return []
    found = {
        queue.pk: queue
        for queue in ServiceQueue.objects.filter(mpp=mpp, pk__in=ids).select_related(
            "service", "mpp__region"
        )
    }
    if any(pk not in found for pk in ids):
        return None
    return [found[pk] for pk in ids]


@require_POST
def kiosk_check_in(request: HttpRequest) -> HttpResponse:
    device = _kiosk(request)
    if device is None:
        raise PermissionDenied
    form = forms.CodeForm(request.POST)
    if not form.is_valid():
        return _kiosk_page(
            request, device, error=_("Ketik kode pemesanan."), status=400, code_form=form
        )
    try:
        ticket = services.find_booking(device.mpp, form.cleaned_data["code"])
        services.check_in(
            ticket,
            user=None,
            kinds=(KIOSK,),
            priority_group=form.cleaned_data["priority_group"],
            assistance=form.cleaned_data["assistance"],
        )
    except QueueError as error:
        return _kiosk_page(
            request, device, error=error.message, status=error.status, code_form=form
        )
    return redirect("queueing:kiosk_ticket", token=ticket.token)


@never_cache
def kiosk_ticket(request: HttpRequest, token: str) -> HttpResponse:
    device = _kiosk(request)
    if device is None:
        raise PermissionDenied
    ticket = selectors.ticket_by_token(token)
    if ticket.mpp_id != device.mpp_id:
        raise PermissionDenied
    return render(
        request,
        "queueing/receipt.html",
        {
            "ticket": ticket,
            "estimate": selectors.estimate(ticket.queue, ticket=ticket),
            "qr_svg": _qr(_status_url(request, ticket), _("Kode QR untuk memantau antrean")),
            "zone": services.zone_of(ticket.mpp),
            "assistance": selectors.assistance_of([ticket]).get(ticket.pk, []),
        },
    )


# --- The hall display ------------------------------------------------------------------------


def _display_seen(request, mpp) -> None:
    """A paired hall display is marked as seen (``mpp.devices``: at most one write a minute), so
    the manager's device list tells whether the screen is on. The display shows only ticket
    numbers: anyone may still watch it by slug, without a device (no query then)."""
    device_auth.device_of(request, DeviceKind.HALL_DISPLAY)


def display(request: HttpRequest, slug: str) -> HttpResponse:
    mpp = selectors.display_mpp(slug)
    _display_seen(request, mpp)
    return render(
        request,
        "queueing/display.html",
        {"mpp": mpp, "calls": selectors.latest_calls(mpp), "last_id": selectors.last_call_id(mpp)},
    )


@require_GET
def display_calls(request: HttpRequest, slug: str) -> HttpResponse:
    """The calls fragment the display polls; 304 while nothing new was called (one indexed query)."""
    mpp = selectors.display_mpp(slug)
    _display_seen(request, mpp)
    last_id = selectors.last_call_id(mpp)
    etag = f'"{mpp.pk}-{last_id}"'
    if request.headers.get("If-None-Match") == etag:
        response: HttpResponse = HttpResponseNotModified()
    else:
        response = render(
            request,
            "queueing/_calls.html",
            {"mpp": mpp, "calls": selectors.latest_calls(mpp), "last_id": last_id},
        )
    response["ETag"] = etag
    response["Cache-Control"] = "no-cache"
    return response


# --- Back office: set-up -------------------------------------------------------------------


def _require(request, *perms):
    if not any(has_any(request.user, perm) for perm in perms):
        raise PermissionDenied


def manage_home(request):
    _require(request, Perm.MANAGE_QUEUE, Perm.SERVE_QUEUE, Perm.VIEW_STATISTICS)
    return render(
        request,
        "queueing/manage_home.html",
        {
            "mpps": selectors.manageable_mpps(request.user),
            "counters": selectors.counters_for_officer(request.user),
        },
    )


def _managed(request, mpp_id):
    _require(request, Perm.MANAGE_QUEUE)
    return selectors.manageable_mpp(request.user, mpp_id)


def manage_mpp(request, mpp_id):
    mpp = _managed(request, mpp_id)
    queues = {queue.service_id: queue for queue in selectors.queues_managed(request.user, mpp)}
    from django.db.models import Q

    from mpp.accounts.policy import scope_filter

    services_here = (
        Service.objects.published()
        .filter(mpp=mpp)
        .filter(scope_filter(request.user, Perm.MANAGE_QUEUE, **selectors.PATHS) | Q(pk__in=[]))
        .select_related("agency")
        .order_by("agency__name", "name")
    )
    return render(
        request,
        "queueing/manage_mpp.html",
        {
            "mpp": mpp,
            "rows": [(service, queues.get(service.pk)) for service in services_here],
            "counters": selectors.counters_managed(request.user, mpp),
            "whole": selectors.manages_whole_mpp(request.user, mpp),
            "rules": services.rules_of(mpp),
            "waits": selectors.waits_now(mpp),
        },
    )


def _setup_form(request, template: str, context: dict, saved: str, *, public: bool = False):
    """A setup form of one MPP (``context["form"]``): saved and back to the MPP's page, or shown
    again (400).

    A form's ``unique_in_mpp`` names a field whose value no other row of the MPP may have (a
    queue's letter, a counter's number) and what to say next to it when one does; ``public`` when
    the saved setting shows on a public page (its cache is marked changed).
    """
    form, mpp = context["form"], context["mpp"]
    posted = request.method == "POST" and form.is_valid()
    if posted and _free_in_mpp(form, mpp, getattr(form, "unique_in_mpp", None)):
        form.save()
        if public:
            public_cache.changed()
        messages.success(request, saved)
        return redirect("queueing:manage_mpp", mpp_id=mpp.pk)
    return render(request, template, context, status=400 if form.errors else 200)


def _free_in_mpp(form, mpp, unique: tuple[str, str] | None) -> bool:
    """Whether no other row of ``mpp`` has the form's value of the ``unique`` field (say so if one does)."""
    if unique is None:
        return True
    field, taken = unique
    others = type(form.instance).objects.filter(mpp=mpp, **{field: form.cleaned_data[field]})
    if others.exclude(pk=form.instance.pk).exists():
        form.add_error(field, taken)
        return False
    return True


def manage_service(request, mpp_id, service_id):
    mpp = _managed(request, mpp_id)
    service = get_object_or_404(Service.objects.published().filter(mpp=mpp), pk=service_id)
    if not can(request.user, Perm.MANAGE_QUEUE, service):
        raise PermissionDenied
    instance = ServiceQueue.objects.filter(service=service).first() or ServiceQueue(
        service=service, mpp=mpp, agency=service.agency
    )
    form = forms.ServiceQueueForm(request.POST or None, instance=instance)
    context = {"mpp": mpp, "service": service, "form": form}
    saved = _("Pengaturan antrean layanan disimpan.")
    # public: the service page's "Pesan nomor antrean" section
    return _setup_form(request, "queueing/manage_service.html", context, saved, public=True)


def manage_counter(request, mpp_id, pk=None):
    mpp = _managed(request, mpp_id)
    instance = (
        get_object_or_404(selectors.counters_managed(request.user, mpp), pk=pk)
        if pk
        else Counter(mpp=mpp)
    )
    agencies = Agency.objects.filter(
        pk__in=selectors.queues_managed(request.user, mpp).values("agency_id")
    )
    form = forms.CounterForm(
        request.POST or None,
        instance=instance,
        agencies=agencies,
        queues=selectors.queues_managed(request.user, mpp),
    )
    context = {"mpp": mpp, "form": form, "counter": instance if pk else None}
    return _setup_form(request, "queueing/manage_counter.html", context, _("Loket disimpan."))


def _whole(request, mpp_id):
    mpp = _managed(request, mpp_id)
    if not selectors.manages_whole_mpp(request.user, mpp):
        raise PermissionDenied
    return mpp


def manage_rules(request, mpp_id):
    mpp = _whole(request, mpp_id)
    instance = QueueRules.objects.filter(mpp=mpp).first() or QueueRules(mpp=mpp)
    form = forms.RulesForm(request.POST or None, instance=instance)
    context = {"mpp": mpp, "form": form}
    return _setup_form(
        request, "queueing/manage_rules.html", context, _("Aturan antrean disimpan.")
    )


def statistics(request, mpp_id):
    _require(request, Perm.MANAGE_QUEUE, Perm.VIEW_STATISTICS)
    from mpp.tenancy.models import MPP

    mpp = get_object_or_404(MPP.objects.select_related("region"), pk=mpp_id)
    if not selectors.can_view_statistics(request.user, mpp):
        raise PermissionDenied
    today = services.local_now(mpp).date()
    end = parse_date(request.GET.get("sampai")) or today
    start_day = parse_date(request.GET.get("dari")) or end - datetime.timedelta(days=6)
    if start_day > end or (end - start_day).days > 92:
        start_day, end = end - datetime.timedelta(days=6), end
        messages.info(
            request, _("Rentang tanggal paling panjang 92 hari; ditampilkan 7 hari terakhir.")
        )
    return render(
        request,
        "queueing/statistics.html",
        {
            "mpp": mpp,
            "start": start_day,
            "end": end,
            "stats": selectors.statistics(request.user, mpp, start_day, end),
            "waits": selectors.waits_now(mpp),
        },
    )


# --- Back office: the counter console ------------------------------------------------------------


def console(request, pk):
    _require(request, Perm.SERVE_QUEUE)
    counter = selectors.counter_for_officer(request.user, pk)
    day = services.local_now(counter.mpp).date()
    current = services.current_ticket(counter, day)
    waiting, waiting_count = selectors.line_head(counter, day)
    # The requests are read only when the current ticket or one waiting asked for help.
    helped = selectors.assistance_of([t for t in [current, *waiting] if t and t.has_assistance])
    # With htmx (an action sent in the background, the line's refresh) the part below the title
    # comes back alone.
    return render_page(
        request,
        "queueing/console.html",
        "queueing/_console_live.html",
        {
            "counter": counter,
            "current": current,
            "current_label": STATUS_LABELS[current.status] if current else "",
            # A counter serves its own agency's queues only: they open and close together.
            "is_open": services.today_at(counter.mpp, counter.agency_id).open_interval is not None,
            "waiting": waiting,
            "waiting_count": waiting_count,
            "skipped": counter_skipped(counter, day),
            "other_counters": Counter.objects.filter(mpp=counter.mpp, is_active=True).exclude(
                pk=counter.pk
            ),
            "other_queues": ServiceQueue.objects.filter(
                mpp=counter.mpp, is_active=True
            ).select_related("service"),
            "code_form": forms.CodeForm(),
            "priority_groups": PriorityGroup.choices,
            "current_help": helped.get(current.pk, []) if current else [],
            "waiting_help": helped,
        },
    )


def counter_skipped(counter: Counter, day: datetime.date) -> QuerySet[Ticket]:
    from mpp.queueing.models import Ticket

    return Ticket.objects.filter(counter=counter, date=day, status="skipped").order_by(
        "-called_at"
    )[:10]


@require_POST
def console_action(request, pk):
    _require(request, Perm.SERVE_QUEUE)
    counter = selectors.counter_for_officer(request.user, pk, for_page=False)
    action = request.POST.get("action", "")
    officer = request.user
    ticket = None
    if request.POST.get("ticket"):
        ticket = selectors.ticket_at_counter(counter, parse_id(request.POST["ticket"]))
        if not can(officer, Perm.SERVE_QUEUE, ticket) and not can(
            officer, Perm.SERVE_QUEUE, counter
        ):
            raise PermissionDenied
    try:
        if action == "call_next":
            called = services.call_next(counter, officer=officer)
            if called is None:
                messages.info(request, _("Tidak ada warga yang menunggu untuk loket ini."))
            else:
                messages.success(request, _("Memanggil %(code)s.") % {"code": called.code})
        elif action == "check_in":
            form = forms.CodeForm(request.POST)
            if not form.is_valid():
                raise QueueError(_("Ketik kode pemesanan."), "code")
            found = services.find_booking(counter.mpp, form.cleaned_data["code"])
            services.check_in(
                found,
                user=officer,
                kinds=(OFFICER,),
                counter=counter,
                priority_group=form.cleaned_data["priority_group"],
                assistance=form.cleaned_data["assistance"],
            )
            messages.success(
                request, _("%(code)s sudah lapor hadir dan masuk antrean.") % {"code": found.code}
            )
        elif action == "cancel":
            found = services.find_booking(counter.mpp, request.POST.get("code", ""))
            services.cancel_at_counter(found, counter, officer=officer)
            messages.success(
                request,
                _("Pemesanan %(code)s dibatalkan; tempatnya kembali tersedia.")
                % {"code": found.code},
            )
        elif ticket is None:
            raise QueueError(_("Tindakan ini tidak dikenal."))
        elif action == "recall":
            services.recall(ticket, counter, officer=officer)
        elif action == "skip":
            services.skip(ticket, counter, officer=officer)
        elif action == "requeue":
            services.requeue(ticket, counter, officer=officer)
        elif action == "no_show":
            services.record_no_show(ticket, counter, officer=officer)
        elif action == "start":
            services.start(ticket, counter, officer=officer)
        elif action == "finish":
            finished_service = ticket.service.name
            services.finish(
                ticket,
                counter,
                officer=officer,
                application_ref=request.POST.get("application_ref", ""),
            )
            if ticket.status == "waiting":  # a visit of several services moves on
                messages.success(
                    request,
                    _("%(service)s untuk %(code)s selesai; tiket masuk antrean %(next)s.")
                    % {
                        "service": finished_service,
                        "code": ticket.code,
                        "next": ticket.queue.service.name,
                    },
                )
            else:
                messages.success(request, _("Layanan %(code)s selesai.") % {"code": ticket.code})
        elif action == "transfer":
            to_counter = Counter.objects.filter(
                mpp=counter.mpp, pk=parse_id(request.POST.get("to_counter"))
            ).first()
            to_queue = ServiceQueue.objects.filter(
                mpp=counter.mpp, pk=parse_id(request.POST.get("to_queue"))
            ).first()
            services.transfer(
                ticket, counter, officer=officer, to_counter=to_counter, to_queue=to_queue
            )
            messages.success(request, _("%(code)s dialihkan.") % {"code": ticket.code})
        elif action == "link":
            services.link_application(
                ticket, counter, request.POST.get("application_ref", ""), officer=officer
            )
            messages.success(request, _("Permohonan dikaitkan dengan kunjungan ini."))
        else:
            raise QueueError(_("Tindakan ini tidak dikenal."))
    except QueueError as error:
        _console_error(request, error)
    return redirect("queueing:console", pk=counter.pk)


def _console_error(request, error: QueueError) -> None:
    """A refusal by the policy is 403 (nothing changed); anything else is a message on the console
    (a 409 there means the ticket changed under the officer)."""
    if error.status == 403:
        raise PermissionDenied(error.message)
    messages.error(request, error.message)


@require_POST
def console_move(request, pk):
    """Move today's booking made for the wrong service to the right one (by its booking code)."""
    _require(request, Perm.SERVE_QUEUE)
    counter = selectors.counter_for_officer(request.user, pk)
    try:
        ticket = services.find_booking(counter.mpp, request.POST.get("code", ""))
        to_queue = ServiceQueue.objects.filter(
            mpp=counter.mpp, pk=parse_id(request.POST.get("to_queue"))
        ).first()
        if to_queue is None:
            raise QueueError(_("Pilih layanan tujuan."), "to")
        moved = services.move_service(ticket, to_queue, officer=request.user, counter=counter)
        messages.success(
            request,
            _("Pemesanan dipindahkan ke %(service)s dengan nomor %(code)s.")
            % {"service": to_queue.service.name, "code": moved.code},
        )
    except QueueError as error:
        _console_error(request, error)
    return redirect("queueing:console", pk=counter.pk)


# --- Back office: assistance (pendampingan) ------------------------------------------------------


def assistance_home(request):
    """The hall staff's MPPs; straight to the list when there is one."""
    _require(request, Perm.ASSIST_VISITORS)
    mpps = list(selectors.assistance_mpps(request.user))
    if len(mpps) == 1:
        return redirect("queueing:assistance", mpp_id=mpps[0].pk)
    return render(request, "queueing/assistance_home.html", {"mpps": mpps})


def assistance(request, mpp_id):
    """Today's requests for help at one MPP (open ones first), to meet them in the hall."""
    _require(request, Perm.ASSIST_VISITORS)
    mpp = selectors.assistance_mpp(request.user, mpp_id)
    day = services.local_now(mpp).date()
    return render(
        request,
        "queueing/assistance.html",
        {
            "mpp": mpp,
            "day": day,
            "requests": [
                (ticket, STATUS_LABELS[ticket.status], rows)
                for ticket, rows in selectors.assistance_today(mpp, day)
            ],
            "form": forms.ResolveAssistanceForm(),
        },
    )


def _back_to(request, row) -> str:
    """Where the form came from (the console or the hall list), else the hall list."""
    target = request.POST.get("next", "")
    if target.startswith("/kelola/") and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}
    ):
        return target
    return reverse("queueing:assistance", kwargs={"mpp_id": row.mpp_id})


@require_POST
def assistance_resolve(request, pk):
    """Mark one request met, or unmet with the reason (hall staff or the serving officer)."""
    _require(request, Perm.ASSIST_VISITORS, Perm.SERVE_QUEUE)
    row = selectors.assistance_request(pk)
    form = forms.ResolveAssistanceForm(request.POST)
    try:
        if not form.is_valid():
            raise QueueError(_("Pilih terpenuhi atau tidak dapat dipenuhi."), "outcome")
        met = form.cleaned_data["outcome"] == "met"
        services.resolve_assistance(row, met, user=request.user, reason=form.cleaned_data["reason"])
    except QueueError as error:
        _console_error(request, error)
    else:
        message = (
            _("Pendampingan %(kind)s untuk %(code)s terpenuhi.")
            if met
            else _("Pendampingan %(kind)s untuk %(code)s dicatat tidak dapat dipenuhi.")
        )
        messages.success(
            request, message % {"kind": row.get_kind_display(), "code": row.ticket.code}
        )
    return redirect(_back_to(request, row))
