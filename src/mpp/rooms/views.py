"""Pages of room bookings: the public rooms and a request (/ruang/), the requester's and the
manager's page of one booking (/ruang/peminjaman/), the manager's rooms (/kelola/ruang/)."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from mpp.accounts.policy import Perm, can, has_any
from mpp.paging.keyset import page_for_request
from mpp.rooms import selectors, services
from mpp.rooms.forms import CancelForm, DeactivateForm, DecisionForm, RequestForm, RoomForm
from mpp.rooms.models import Booking, Room
from mpp.rooms.services import RoomError
from mpp.rooms.workflow import ROOM_BOOKING, STATUS_LABELS
from mpp.tenancy.models import MPP
from mpp.workflows.selectors import timeline
from mpp.workflows.services import available_actions

# How far ahead a room's page lists the times it is taken.
TAKEN_AHEAD = datetime.timedelta(days=60)
DECISIONS = ("approve", "approve_with_conditions", "decline")
LABELS = {t.action: t.label for t in ROOM_BOOKING.transitions}


def rooms(request: HttpRequest) -> HttpResponse:
    page, query = page_for_request(
        request, selectors.public_rooms(), order=("mpp_id", "name", "id"), size=25
    )
    return render(request, "rooms/rooms.html", {"page": page, "pager_query": query})


def _room_page(request: HttpRequest, room: Room, form: RequestForm, status: int = 200):
    now = timezone.now()
    return render(
        request,
        "rooms/room.html",
        {
            "room": room,
            "form": form,
            "hours": selectors.weekly_hours(room.mpp),
            "taken": selectors.taken(room, now, now + TAKEN_AHEAD)[:100],
            "timezone": room.mpp.region.timezone,
        },
        status=status,
    )


@never_cache
def room(request: HttpRequest, pk: int) -> HttpResponse:
    """A room with its capacity, facilities, hours, house rules and taken times; the request."""
    found = selectors.public_room(pk)
    if found is None:
        raise Http404
    if request.method != "POST":
        return _room_page(request, found, RequestForm())
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    form = RequestForm(request.POST)
    if not form.is_valid():
        return _room_page(request, found, form, status=400)
    data = {k: v for k, v in form.cleaned_data.items() if k != "accept_rules"}
    try:
        booking = services.request_booking(found, services.Request(**data), actor=request.user)
    except RoomError as error:
        error.apply_to(form)
        return _room_page(request, found, form, status=error.status or 400)
    messages.success(
        request, _("Permohonan peminjaman telah dikirim. Pengelola MPP akan memutuskannya.")
    )
    return redirect("rooms:booking", pk=booking.pk)


@login_required
def mine(request: HttpRequest) -> HttpResponse:
    page, query = page_for_request(
        request, selectors.bookings_of(request.user), order=("-requested_at", "-id"), size=20
    )
    return render(request, "rooms/mine.html", {"page": page, "pager_query": query})


def _booking_or_404(request: HttpRequest, pk: int) -> Booking:
    booking = selectors.visible_booking(request.user, pk)
    if booking is None:
        raise Http404
    return booking


def _booking_page(request, booking: Booking, *, forms=None, status: int = 200) -> HttpResponse:
    kinds = services.kinds_for(request.user, booking)
    actions = {t.action for t in available_actions(booking, kinds)}
    forms = forms or {}
    version = {"version": booking.version}
    return render(
        request,
        "rooms/booking.html",
        {
            "booking": booking,
            "is_manager": "manager" in kinds,
            "decisions": [
                (t, forms.get(t.action) or DecisionForm(initial=version, action=t.action))
                for t in ROOM_BOOKING.transitions
                if t.action in DECISIONS and t.action in actions
            ],
            "can_withdraw": "withdraw" in actions,
            "cancel_form": forms.get("cancel") or CancelForm() if "cancel" in actions else None,
            "timezone": booking.region.timezone,
            "history": [
                (record, LABELS.get(record.action, record.action))
                for record in timeline(booking)[:50]
            ],
        },
        status=status,
    )


@never_cache
@login_required
def booking(request: HttpRequest, pk: int) -> HttpResponse:
    return _booking_page(request, _booking_or_404(request, pk))


@login_required
@require_POST
def booking_action(request: HttpRequest, pk: int) -> HttpResponse:
    booking = _booking_or_404(request, pk)
    action = request.POST.get("action", "")
    form: DecisionForm | CancelForm | None = None
    try:
        if action in DECISIONS:
            form = DecisionForm(request.POST, action=action)
            if not form.is_valid():
                raise RoomError(_("Periksa isian keputusan."))
            services.decide(
                booking, action, actor=request.user, note=form.cleaned_data["note"],
                version=form.cleaned_data["version"],
            )  # fmt: skip
            message = _("Keputusan telah disimpan dan pemohon telah diberi tahu.")
        elif action == "withdraw":
            services.withdraw(booking, actor=request.user)
            message = _("Permohonan peminjaman telah ditarik.")
        elif action == "cancel":
            form = CancelForm(request.POST)
            if not form.is_valid():
                raise RoomError(_("Tuliskan alasan pembatalan."))
            services.cancel(booking, actor=request.user, reason=form.cleaned_data["note"])
            message = _("Peminjaman telah dibatalkan dan pihak lain telah diberi tahu.")
        else:
            raise RoomError(_("Tindakan ini tidak dikenal."))
    except RoomError as error:
        if error.status == 403:
            raise PermissionDenied from None
        if form is not None:
            error.apply_to(form)
        fresh = _booking_or_404(request, pk)
        return _booking_page(
            request, fresh, forms={action: form} if form is not None else None,
            status=error.status or 400,
        )  # fmt: skip
    messages.success(request, message)
    return redirect("rooms:booking", pk=booking.pk)


# --- The manager's pages ------------------------------------------------------------------------


@login_required
def manage_home(request: HttpRequest) -> HttpResponse:
    if not has_any(request.user, Perm.MANAGE_ROOMS):
        raise PermissionDenied
    mpps = list(selectors.managed_mpps(request.user)[:200])
    if len(mpps) == 1:
        return redirect("rooms:manage", mpp_id=mpps[0].pk)
    return render(request, "rooms/manage_home.html", {"mpps": mpps})


def _manage_page(request, mpp: MPP, form: RoomForm, status: int = 200) -> HttpResponse:
    wanted = request.GET.get("status", "")
    if wanted not in ROOM_BOOKING.states:
        wanted = ""
    page, query = page_for_request(
        request, selectors.bookings_at(mpp, status=wanted), order=("-requested_at", "-id"), size=20
    )
    return render(
        request,
        "rooms/manage.html",
        {
            "mpp": mpp,
            "rooms": selectors.rooms_of(mpp)[:200],
            "form": form,
            "page": page,
            "pager_query": query,
            "status": wanted,
            "status_choices": [(s, STATUS_LABELS[s]) for s in ROOM_BOOKING.states],
        },
        status=status,
    )


@never_cache
@login_required
def manage(request: HttpRequest, mpp_id: int) -> HttpResponse:
    """The MPP's rooms (and adding one) and its bookings, pending first when filtered."""
    mpp = get_object_or_404(MPP.objects.select_related("region"), pk=mpp_id)
    if not can(request.user, Perm.MANAGE_ROOMS, mpp):
        raise PermissionDenied
    form = RoomForm(request.POST or None)
    if request.method != "POST":
        return _manage_page(request, mpp, form)
    if not form.is_valid():
        return _manage_page(request, mpp, form, status=400)
    try:
        services.add_room(mpp, services.RoomData(**form.cleaned_data), actor=request.user)
    except RoomError as error:
        error.apply_to(form)
        return _manage_page(request, mpp, form, status=error.status or 400)
    messages.success(request, _("Ruang telah ditambahkan."))
    return redirect("rooms:manage", mpp_id=mpp.pk)


def _managed_room_page(
    request: HttpRequest, room: Room, form: RoomForm, off: DeactivateForm, status: int = 200
) -> HttpResponse:
    return render(
        request,
        "rooms/manage_room.html",
        {"room": room, "mpp": room.mpp, "form": form, "off_form": off},
        status=status,
    )


@never_cache
@login_required
def manage_room(request: HttpRequest, pk: int) -> HttpResponse:
    """The manager edits a room, takes it out of use (declining its pending requests with the
    reason) or back into use."""
    room = get_object_or_404(Room.objects.select_related("mpp__region"), pk=pk)
    if not can(request.user, Perm.MANAGE_ROOMS, room.mpp):
        raise PermissionDenied
    initial = {
        f: getattr(room, f) for f in ("name", "kind", "capacity", "facilities", "house_rules")
    }
    action = request.POST.get("action", "") if request.method == "POST" else ""
    form = RoomForm(request.POST if action == "save" else None, initial=initial)
    off = DeactivateForm(request.POST if action == "deactivate" else None)
    if request.method != "POST":
        return _managed_room_page(request, room, form, off)
    if action not in ("save", "deactivate", "activate"):
        messages.error(request, _("Tindakan ini tidak dikenal."))
        return _managed_room_page(request, room, form, off, status=400)
    try:
        if action == "save":
            if not form.is_valid():
                return _managed_room_page(request, room, form, off, status=400)
            services.update_room(room, services.RoomData(**form.cleaned_data), actor=request.user)
            message = _("Perubahan ruang telah disimpan.")
        elif action == "deactivate":
            if not off.is_valid():
                return _managed_room_page(request, room, form, off, status=400)
            services.set_room_active(
                room, False, actor=request.user, reason=off.cleaned_data["reason"]
            )
            message = _(
                "Ruang tidak lagi dapat dipinjam. Permohonan yang menunggu telah ditolak dan "
                "pemohonnya diberi tahu."
            )
        else:
            services.set_room_active(room, True, actor=request.user)
            message = _("Ruang dapat dipinjam kembali.")
    except RoomError as error:
        if error.status == 403:
            raise PermissionDenied from None
        error.apply_to(off if action == "deactivate" else form)
        return _managed_room_page(request, room, form, off, status=error.status or 400)
    messages.success(request, message)
    return redirect("rooms:manage_room", pk=room.pk)
