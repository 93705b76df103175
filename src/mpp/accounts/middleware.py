"""Staff reach nothing before they have set up and passed TOTP two-factor authentication."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponseBase
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.middleware import OTPMiddleware

from mpp.accounts.access import access_of
from mpp.accounts.services import confirmed_totp_device

# Paths a staff member may open before the second factor: the 2FA pages themselves and the basics.
GetResponse = Callable[[HttpRequest], HttpResponseBase]

OPEN_PREFIXES = (
    "/akun/2fa/",
    "/akun/keluar/",
    "/i18n/",
    "/static/",
    "/healthz",
    "/readyz",
    "/metrics",
    "/api/",
)


class AccessMiddleware(OTPMiddleware):
    """django-otp's middleware, with the device that passed the second factor and the user's role
    grants read in one cache round trip (``mpp.accounts.access``) instead of two queries."""

    def _verify_user_sync(self, request: HttpRequest, user: Any) -> Any:
        self._init_user_fields(user)  # type: ignore[no-untyped-call]
        if user.is_authenticated:
            access = access_of(user)
            persistent_id = request.session.get(DEVICE_ID_SESSION_KEY)
            device = None
            if persistent_id:
                device = access.devices.get(self._normalize_persistent_id(persistent_id))
            user.otp_device = self._finalize_device(  # type: ignore[no-untyped-call]
                request, user, device
            )
        return user


class StaffTwoFactorMiddleware:
    def __init__(self, get_response: GetResponse) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        user = request.user
        if (
            user.is_authenticated
            and not request.path.startswith(OPEN_PREFIXES)
            and user.is_staff_member
            and not user.is_verified()
        ):
            if confirmed_totp_device(user) is None:
                return redirect(reverse("accounts:otp_setup"))
            return redirect(reverse("accounts:otp_verify") + "?next=" + request.path)
        return self.get_response(request)


class PrivatePagesNotStoredMiddleware:
    """Pages answered to a signed-in person are never stored by the browser or a proxy.

    The back button on a shared computer after logging out must not show someone's applications,
    and a proxy must never serve them to another person.
    """

    def __init__(self, get_response: GetResponse) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        if getattr(request, "user", None) is not None and request.user.is_authenticated:
            patch_cache_control(response, private=True, no_store=True)
            if response.has_header("Cache-Control"):
                response["Cache-Control"] = ", ".join(
                    part
                    for part in response["Cache-Control"].split(", ")
                    if not part.startswith(("public", "max-age", "s-maxage"))
                )
        return response
