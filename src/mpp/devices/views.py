"""The manager's page of an MPP's devices (/kelola/perangkat/) and the pairing link a device opens."""

from __future__ import annotations

import datetime

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django_stubs_ext import StrOrPromise

from mpp.accounts.models import User
from mpp.accounts.policy import Perm, can, has_any
from mpp.devices import auth, selectors, services
from mpp.devices.forms import RegisterForm
from mpp.devices.kinds import KINDS, plug_of
from mpp.devices.models import Device, DeviceKind
from mpp.devices.services import Credentials, DeviceError
from mpp.errors import ServiceError
from mpp.tenancy.models import MPP

# A hall display polls for calls every few seconds: not seen for this long, its screen is
# probably off (or its browser stopped), which the manager sees on the list.
DISPLAY_ALIVE = datetime.timedelta(minutes=3)


def _actor(request: HttpRequest) -> User:
    """The signed-in manager; the services check the policy for them (None would be the platform,
    so nobody else may reach them)."""
    if not isinstance(request.user, User):
        raise PermissionDenied
    return request.user


def _managed(request: HttpRequest, mpp_id: int) -> MPP:
    """The MPP of the page; a manager of another MPP is refused (403), as the policy says."""
    mpp = get_object_or_404(MPP.objects.select_related("region"), pk=mpp_id)
    if not can(request.user, Perm.MANAGE_DEVICES, mpp):
        raise PermissionDenied
    return mpp


@login_required
def home(request: HttpRequest) -> HttpResponse:
    if not has_any(request.user, Perm.MANAGE_DEVICES):
        raise PermissionDenied
    mpps = list(selectors.managed_mpps(request.user)[:200])
    if len(mpps) == 1:
        return redirect("devices:manage", mpp_id=mpps[0].pk)
    return render(request, "devices/home.html", {"mpps": mpps})


def _choices(mpp: MPP) -> tuple[StrOrPromise, list[tuple[str, str]]]:
    """The one choice a kind needs at registration (the SKM kiosk's service), if any."""
    for _kind, plug in KINDS.items():
        if plug.choices is not None:
            return plug.choice_label, plug.choices(mpp)
    return "", []


def _list(request: HttpRequest, mpp: MPP, form: RegisterForm, status: int = 200) -> HttpResponse:
    now = timezone.now()
    rows = [
        (
            device,
            device.kind == DeviceKind.HALL_DISPLAY and device.seen_within(DISPLAY_ALIVE, now),
        )
        for device in selectors.devices_of(mpp)
    ]
    return render(
        request,
        "devices/manage.html",
        {"mpp": mpp, "rows": rows, "form": form, "kinds": DeviceKind},
        status=status,
    )


def _credentials(request: HttpRequest, credentials: Credentials, *, rotated: bool) -> HttpResponse:
    url = request.build_absolute_uri(reverse("devices:pair", args=[credentials.pairing_code]))
    return render(
        request,
        "devices/credentials.html",
        {
            "device": credentials.device,
            "token": credentials.token,
            "pairing_url": url,
            "qr": segno.make(url, error="m").svg_inline(scale=4, title=credentials.device.name),
            "rotated": rotated,
            "valid_hours": int(services.PAIRING_VALID.total_seconds() // 3600),
        },
    )


@never_cache
@login_required
def manage(request: HttpRequest, mpp_id: int) -> HttpResponse:
    """Every device of the MPP with its kind, last seen and state; registering a new one."""
    mpp = _managed(request, mpp_id)
    label, choices = _choices(mpp)
    form = RegisterForm(request.POST or None, choice_label=label, choices=choices)
    if request.method != "POST":
        return _list(request, mpp, form)
    if not form.is_valid():
        return _list(request, mpp, form, status=400)
    try:
        credentials = services.register_device(
            mpp,
            form.cleaned_data["kind"],
            form.cleaned_data["name"],
            actor=_actor(request),
            choice=form.cleaned_data.get("choice") or "",
            request=request,
        )
    except ServiceError as error:
        error.apply_to(form)
        return _list(request, mpp, form, status=400)
    return _credentials(request, credentials, rotated=False)


def _device(request: HttpRequest, mpp_id: int, pk: int) -> Device:
    mpp = _managed(request, mpp_id)
    return get_object_or_404(selectors.devices_of(mpp), pk=pk)


@never_cache
@login_required
@require_POST
def rotate(request: HttpRequest, mpp_id: int, pk: int) -> HttpResponse:
    device = _device(request, mpp_id, pk)
    try:
        credentials = services.rotate_device(device, actor=_actor(request), request=request)
    except DeviceError as error:
        messages.error(request, error.message)
        return redirect("devices:manage", mpp_id=mpp_id)
    return _credentials(request, credentials, rotated=True)


@login_required
@require_POST
def revoke(request: HttpRequest, mpp_id: int, pk: int) -> HttpResponse:
    device = _device(request, mpp_id, pk)
    services.revoke_device(device, actor=_actor(request), request=request)
    messages.success(request, _("Perangkat %(name)s sudah dicabut.") % {"name": device.name})
    return redirect("devices:manage", mpp_id=mpp_id)


@never_cache
def pair(request: HttpRequest, code: str) -> HttpResponse:
    """The one-time pairing link, opened on the device: a button (a link preview that fetches
    the page uses nothing up); pressed, the device keeps its signed cookie and opens its page."""
    if request.method != "POST":
        return render(request, "devices/pair.html", {"code": code})
    try:
        device = services.pair_device(code)
    except DeviceError as error:
        return render(
            request, "devices/pair.html", {"problem": error.message}, status=error.status or 400
        )
    plug = plug_of(device.kind)
    response = redirect(plug.start_url(device) if plug else "/")
    auth.remember(response, device, request)
    return response
