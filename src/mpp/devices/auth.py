"""How a request proves it comes from a registered device: one way for every kind.

A browser device (kiosk, display) carries the signed cookie the one-time pairing link set; an API
client sends its token as ``Authorization: Bearer``. Both name the device by its token's digest,
so rotating the token ends both. The answer is kept on the request: the rate-limit middleware and
the view that serves the device read the device once. A recognised device is marked as seen
(``services.touch``: at most one write a minute).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core import signing
from django.http import HttpRequest, HttpResponseBase, HttpResponseRedirect

from mpp.accounts.tokens import hash_token
from mpp.devices import services
from mpp.devices.kinds import plug_of
from mpp.devices.models import Device
from mpp.devices.services import DeviceError

COOKIE = "mpp_device"
SALT = "mpp.devices.pairing"
COOKIE_MAX_AGE = 365 * 24 * 3600
MAX_TOKEN_LENGTH = 200


@dataclass(frozen=True)
class Recognition:
    """The device a request comes from, or why it is refused (``problem``; empty: no device)."""

    device: Device | None
    problem: DeviceError | None = None


def _digest_of(request: HttpRequest) -> str:
    scheme, _sep, raw = request.headers.get("Authorization", "").partition(" ")
    raw = raw.strip()
    if scheme.lower() == "bearer" and raw.startswith(services.BEARER_PREFIXES):
        return hash_token(raw) if len(raw) <= MAX_TOKEN_LENGTH else ""
    try:
        return str(request.get_signed_cookie(COOKIE, default="", salt=SALT))
    except signing.BadSignature:
        return ""


def _lookup(token_hash: str, kind: str) -> Recognition:
    plug = plug_of(kind)
    device = (
        Device.objects.select_related("mpp__region", *(plug.related if plug else ()))
        .filter(token_hash=token_hash, kind=kind)
        .first()
    )
    problem = services.refusal(device)
    return Recognition(None, problem) if problem else Recognition(device)


def recognise(request: HttpRequest, kind: str) -> Recognition:
    """The device of ``kind`` the request comes from (read once per request)."""
    cache: dict[str, Recognition] = request.__dict__.setdefault("_mpp_devices", {})
    if kind in cache:
        return cache[kind]
    digest = _digest_of(request)
    found = _lookup(digest, kind) if digest else Recognition(None)
    if found.device is not None:
        services.touch(found.device)
    cache[kind] = found
    return found


def device_of(request: HttpRequest, kind: str) -> Device | None:
    return recognise(request, kind).device


def with_token(raw: str, kind: str) -> Recognition:
    """The device of ``kind`` a typed token names (the kiosk's own "enter the token" form)."""
    raw = (raw or "").strip()
    if not raw or len(raw) > MAX_TOKEN_LENGTH:
        return Recognition(None, services.refusal(None))
    found = _lookup(hash_token(raw), kind)
    if found.device is not None:
        services.touch(found.device)
    return found


def remember(response: HttpResponseBase, device: Device, request: HttpRequest) -> None:
    """Set the device's signed cookie on ``response`` (after pairing or a typed token)."""
    response.set_signed_cookie(
        COOKIE,
        device.token_hash,
        salt=SALT,
        max_age=COOKIE_MAX_AGE,
        httponly=True,
        samesite="Lax",
        secure=request.is_secure(),
    )


def pair_typed_token(
    request: HttpRequest, kind: str, form: Any, start_url: str
) -> HttpResponseBase | None:
    """A device's own "enter the token" form (``form`` has a ``token`` field): a redirect to
    ``start_url`` that keeps the device's cookie, or None with the refusal on the form."""
    found = with_token(request.POST.get("token", ""), kind)
    if found.device is None:
        form.is_valid()
        form.add_error("token", found.problem.message if found.problem else "")
        return None
    response = HttpResponseRedirect(start_url)
    remember(response, found.device, request)
    return response


def forget(response: HttpResponseBase) -> None:
    response.delete_cookie(COOKIE)
