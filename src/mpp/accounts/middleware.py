"""Staff reach nothing before they have set up and passed TOTP two-factor authentication."""

from __future__ import annotations

from django.shortcuts import redirect
from django.urls import reverse

from mpp.accounts.services import confirmed_totp_device

# Paths a staff member may open before the second factor: the 2FA pages themselves and the basics.
OPEN_PREFIXES = ("/akun/2fa/", "/akun/keluar/", "/i18n/", "/static/", "/healthz", "/api/")


class StaffTwoFactorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
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
