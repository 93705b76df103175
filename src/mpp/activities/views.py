"""The public programme (/kegiatan/, /mpp/<slug>/kegiatan/ and its .ics), the ticket, the door
scanner (/kegiatan/pintu/) and the organiser's pages (/kelola/kegiatan/)."""

from __future__ import annotations

from typing import Any

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from mpp.accounts.policy import Perm, can, has_any
from mpp.catalog.public_cache import public_page
from mpp.devices import auth as device_auth
from mpp.devices.forms import PairingTokenForm
from mpp.devices.models import Device, DeviceKind
from mpp.notifications.guests import CONFIRMED, SENT, guest_of, guest_step
from mpp.paging.keyset import page_for_request
from mpp.regions import localtime
from mpp.tenancy.models import MPP

from . import forms, ical, selectors, services
from .models import Activity, Registration
from .services import ActivityError
from .workflow import ATTENDED, REGISTERED, WAITLISTED

GUEST_SESSION_KEY = "activity_guest"
PAGE_SIZE = 20


def _mpp(slug: str) -> MPP:
    mpp = MPP.objects.select_related("region").filter(slug=slug, is_active=True).first()
    if mpp is None:
        raise Http404
    return mpp


def _refusal(request: HttpRequest, error: ActivityError) -> None:
    if error.status == 403:
        raise PermissionDenied(error.message)
    messages.error(request, error.message)


# --- Public programme ----------------------------------------------------------------------------


@public_page
def programme(request: HttpRequest) -> HttpResponse:
    form = forms.ProgrammeFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    rows = selectors.public_programme(
        region=filters.get("region", ""),
        category=filters.get("category", ""),
        start=filters.get("start"),
        end=filters.get("end"),
    )
    page, query = page_for_request(request, rows, order=("starts_at", "id"), size=PAGE_SIZE)
    return render(
        request,
        "activities/programme.html",
        {"form": form, "page": page, "pager_query": query, "activities": page.rows},
    )


@public_page
def mpp_programme(request: HttpRequest, slug: str) -> HttpResponse:
    mpp = _mpp(slug)
    rows = selectors.public_programme(mpp=mpp)
    page, query = page_for_request(request, rows, order=("starts_at", "id"), size=PAGE_SIZE)
    now = timezone.now()
    others = selectors.other_public_events(mpp, start=now, end=now + selectors.FEED_AHEAD)
    return render(
        request,
        "activities/mpp_programme.html",
        {
            "mpp": mpp,
            "page": page,
            "pager_query": query,
            "activities": page.rows,
            "others": others,
            "feed_url": request.build_absolute_uri(reverse("activities:feed", args=[mpp.slug])),
        },
    )


@public_page
def feed(request: HttpRequest, slug: str) -> HttpResponse:
    mpp = _mpp(slug)
    activities = list(selectors.feed_activities(mpp))
    body = ical.calendar(
        _("Kegiatan %(mpp)s") % {"mpp": mpp.name},
        activities,
        host=request.get_host().split(":")[0],
        url_of={
            a.pk: request.build_absolute_uri(reverse("activities:detail", args=[a.pk]))
            for a in activities
        },
        stamp=timezone.now(),
    )
    # No Content-Disposition: the public cache keeps the body and its type only.
    return HttpResponse(body, content_type="text/calendar; charset=utf-8")


def detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One activity with the seats left (not cached: the count moves with every registration)."""
    activity = selectors.public_activity(pk)
    if activity is None:
        raise Http404
    mine = selectors.my_registrations(request.user).filter(activity=activity).first()
    return render(
        request,
        "activities/detail.html",
        {
            "activity": activity,
            "seats": selectors.seats(activity),
            "mine": mine,
            "mine_link": services.ticket_link(mine) if mine else "",
            "open": activity.registration_required and activity.starts_at > timezone.now(),
        },
    )


def register(request: HttpRequest, pk: int) -> HttpResponse:
    """Register: an account holder confirms; a guest first confirms a contact with a code."""
    activity = selectors.public_activity(pk)
    if activity is None:
        raise Http404
    signed_in = request.user.is_authenticated
    guest = None if signed_in else guest_of(request, GUEST_SESSION_KEY)
    step = None
    if not signed_in and guest is None:
        step = guest_step(request, session_key=GUEST_SESSION_KEY, purpose=_("pendaftaran kegiatan"))
        if step.outcome == SENT:
            messages.info(request, _("Kode konfirmasi telah dikirim. Masukkan kode itu di bawah."))
            return redirect("activities:register", pk=pk)
        if step.outcome == CONFIRMED:
            return redirect("activities:register", pk=pk)
    elif request.method == "POST" and "confirm" in request.POST:
        try:
            registration = services.register(
                activity, user=request.user, guest=guest, language=get_language() or "id"
            )
        except ActivityError as error:
            _refusal(request, error)
        else:
            request.session.pop(GUEST_SESSION_KEY, None)
            if registration.status == WAITLISTED:
                messages.info(request, _("Kuota penuh: Anda masuk daftar tunggu."))
            else:
                messages.success(request, _("Pendaftaran berhasil. Ini tiket Anda."))
            return redirect(services.ticket_link(registration))
    return render(
        request,
        "activities/register.html",
        {
            "activity": activity,
            "seats": selectors.seats(activity),
            "step": step,
            "guest": guest,
        },
    )


# --- The ticket ----------------------------------------------------------------------------------


def _ticket(code: str) -> Registration:
    registration = selectors.registration_by_code(code)
    if registration is None:
        raise Http404
    return registration


def _door_device(request: HttpRequest, registration: Registration) -> Device | None:
    device = device_auth.device_of(request, DeviceKind.DOOR_SCANNER)
    if device is not None and device.mpp_id == registration.activity.mpp_id:
        return device
    return None


def ticket(request: HttpRequest, code: str) -> HttpResponse:
    """The ticket with its QR code. Opened by a door scanner of the MPP or by the organiser, the
    same page offers to record the holder's attendance."""
    registration = _ticket(code)
    activity = registration.activity
    device = _door_device(request, registration)
    organiser = can(request.user, Perm.MANAGE_ACTIVITIES, activity)
    url = request.build_absolute_uri(reverse("activities:ticket", args=[code]))
    ended = activity.ends_at <= timezone.now()
    return render(
        request,
        "activities/ticket.html",
        {
            "registration": registration,
            "activity": activity,
            "code": code,
            "qr": segno.make(url, error="m").svg_inline(
                scale=5, title=_("Kode QR tiket %(number)s") % {"number": registration.number}
            ),
            "at_door": device is not None or organiser,
            "may_cancel": device is None
            and registration.status in (REGISTERED, WAITLISTED)
            and activity.starts_at > timezone.now(),
            "may_rate": device is None
            and ended
            and registration.status == ATTENDED
            and registration.satisfaction is None,
            "rating_form": forms.SatisfactionForm(),
        },
    )


@require_POST
def ticket_cancel(request: HttpRequest, code: str) -> HttpResponse:
    registration = _ticket(code)
    try:
        services.cancel_registration(registration, user=request.user, holder=True)
    except ActivityError as error:
        _refusal(request, error)
    else:
        messages.success(
            request, _("Pendaftaran Anda dibatalkan. Terima kasih telah memberi tahu.")
        )
    return redirect("activities:ticket", code=code)


@require_POST
def ticket_check_in(request: HttpRequest, code: str) -> HttpResponse:
    registration = _ticket(code)
    try:
        services.check_in(
            registration, device=_door_device(request, registration), user=request.user
        )
    except ActivityError as error:
        _refusal(request, error)
    else:
        messages.success(
            request, _("Tiket %(number)s tercatat hadir.") % {"number": registration.number}
        )
    if device_auth.device_of(request, DeviceKind.DOOR_SCANNER) is not None:
        return redirect("activities:door")
    return redirect("activities:ticket", code=code)


@require_POST
def ticket_rate(request: HttpRequest, code: str) -> HttpResponse:
    registration = _ticket(code)
    form = forms.SatisfactionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Pilih salah satu nilai 1 sampai 4."))
    else:
        try:
            services.answer_satisfaction(registration, form.cleaned_data["score"])
        except ActivityError as error:
            _refusal(request, error)
        else:
            messages.success(request, _("Terima kasih atas penilaian Anda."))
    return redirect("activities:ticket", code=code)


# --- The door scanner (a device of the MPP) ------------------------------------------------------


def _checked_in(
    request: HttpRequest,
    form: forms.TicketNumberForm,
    registration: Registration | None,
    **by: Any,
) -> bool:
    """Record the typed ticket's attendance (``by``: the door ``device`` or the organiser
    ``user``); a refusal is shown at the number field."""
    if registration is None:
        form.add_error("number", _("Tiket dengan nomor ini tidak ditemukan."))
        return False
    try:
        services.check_in(registration, **by)
    except ActivityError as error:
        form.add_error("number", error.message)
        return False
    messages.success(
        request, _("Tiket %(number)s tercatat hadir.") % {"number": registration.number}
    )
    return True


def door(request: HttpRequest) -> HttpResponseBase:
    """The door scanner's page: today's activities of its MPP and the ticket number to type when
    the QR code cannot be read (a paired phone's camera opens the ticket link itself)."""
    if request.method == "POST" and "token" in request.POST:
        token_form = PairingTokenForm(request.POST)
        paired = device_auth.pair_typed_token(
            request, DeviceKind.DOOR_SCANNER, token_form, reverse("activities:door")
        )
        if paired is None:
            return render(request, "activities/door_pair.html", {"form": token_form}, status=400)
        return paired
    recognition = device_auth.recognise(request, DeviceKind.DOOR_SCANNER)
    device = recognition.device
    if device is None:
        problem = recognition.problem.message if recognition.problem else ""
        return render(
            request,
            "activities/door_pair.html",
            {"form": PairingTokenForm(), "problem": problem},
            status=403 if problem else 200,
        )
    form = forms.TicketNumberForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        registration = selectors.registration_by_number(
            form.cleaned_data["number"], activity__mpp_id=device.mpp_id
        )
        if _checked_in(request, form, registration, device=device):
            return redirect("activities:door")
    return render(
        request,
        "activities/door.html",
        {"device": device, "form": form, "today": selectors.today_at(device.mpp)},
    )


# --- The organiser -------------------------------------------------------------------------------


def _managed(request: HttpRequest, pk: int) -> Activity:
    activity = selectors.managed_activity(request.user, pk)
    if activity is None:
        if Activity.objects.filter(pk=pk).exists():
            raise PermissionDenied
        raise Http404
    return activity


@login_required
def manage_home(request: HttpRequest) -> HttpResponse:
    if not has_any(request.user, Perm.MANAGE_ACTIVITIES):
        raise PermissionDenied
    rows = selectors.managed_activities(request.user)
    page, query = page_for_request(request, rows, order=("-starts_at", "-id"), size=PAGE_SIZE)
    return render(
        request,
        "activities/manage_home.html",
        {
            "page": page,
            "pager_query": query,
            "activities": page.rows,
            "mpps": selectors.managed_mpps(request.user),
        },
    )


@login_required
def manage_new(request: HttpRequest, mpp_id: int) -> HttpResponse:
    mpp = selectors.managed_mpps(request.user).filter(pk=mpp_id).first()
    if mpp is None:
        raise PermissionDenied
    form = forms.ActivityForm(request.POST or None, mpp=mpp)
    if request.method == "POST" and form.is_valid():
        try:
            activity = services.publish_activity(request.user, mpp, form.activity_data())
        except ActivityError as error:
            if error.status == 403:
                raise PermissionDenied(error.message) from None
            error.apply_to(form)
        else:
            messages.success(request, _("Kegiatan diterbitkan."))
            return redirect("activities:manage_detail", pk=activity.pk)
    return render(request, "activities/manage_form.html", {"form": form, "mpp": mpp})


@login_required
def manage_edit(request: HttpRequest, pk: int) -> HttpResponse:
    activity = _managed(request, pk)
    form = forms.ActivityForm(
        request.POST or None, mpp=activity.mpp, initial=forms.ActivityForm.initial_for(activity)
    )
    form.fields["agency"].disabled = True
    if request.method == "POST" and form.is_valid():
        try:
            services.update_activity(request.user, activity, form.activity_data())
        except ActivityError as error:
            if error.status == 403:
                raise PermissionDenied(error.message) from None
            error.apply_to(form)
        else:
            messages.success(request, _("Perubahan kegiatan disimpan."))
            return redirect("activities:manage_detail", pk=activity.pk)
    return render(
        request,
        "activities/manage_form.html",
        {"form": form, "mpp": activity.mpp, "activity": activity},
    )


@login_required
def manage_detail(request: HttpRequest, pk: int) -> HttpResponse:
    activity = _managed(request, pk)
    form = forms.TicketNumberForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        registration = selectors.registration_by_number(
            form.cleaned_data["number"], activity=activity
        )
        if _checked_in(request, form, registration, user=request.user):
            return redirect("activities:manage_detail", pk=pk)
    return render(
        request,
        "activities/manage_detail.html",
        {
            "activity": activity,
            "figures": selectors.attendance(activity),
            "registrations": selectors.registrations_for(activity),
            "form": form,
            "zone": localtime.zone_name_of(activity.mpp.region),
        },
    )


@login_required
@require_POST
def manage_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    activity = _managed(request, pk)
    try:
        services.cancel_activity(request.user, activity)
    except ActivityError as error:
        _refusal(request, error)
    else:
        messages.success(request, _("Kegiatan dibatalkan."))
    return redirect("activities:manage_detail", pk=pk)
