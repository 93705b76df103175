from __future__ import annotations

import segno
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_otp import login as otp_login

from mpp.accounts import selectors, services
from mpp.accounts.forms import LoginForm, OtpForm, RegistrationForm
from mpp.accounts.policy import Perm, can
from mpp.catalog.selectors import workplaces_for


def _safe_next(request, fallback: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, {request.get_host()}, request.is_secure()
    ):
        return target
    return fallback


def login_view(request):
    if request.user.is_authenticated:
        return redirect("accounts:profile")
    form = LoginForm(request, data=request.POST or None)
    if request.method == "POST" and form.is_valid():
        login(request, form.user, backend="mpp.accounts.backends.NikOrUsernameBackend")
        return redirect(_safe_next(request, reverse("accounts:profile")))
    return render(request, "accounts/login.html", {"form": form, "next": _safe_next(request, "")})


def locked_out(request, credentials=None, *args, **kwargs):
    return render(request, "accounts/locked_out.html", status=429)


@require_POST
def logout_view(request):
    logout(request)
    messages.success(request, _("Anda telah keluar."))
    return redirect("web:home")


def register(request):
    if request.user.is_authenticated:
        return redirect("accounts:profile")
    form = RegistrationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.register_citizen(form.registration, request=request)
        except services.RegistrationError as error:
            for field, field_errors in error.errors.items():
                for message in field_errors:
                    form.add_error(field, message)
        else:
            login(request, user, backend="mpp.accounts.backends.NikOrUsernameBackend")
            messages.success(request, _("Pendaftaran berhasil. Selamat datang di MPP Digital."))
            return redirect("accounts:profile")
    return render(request, "accounts/register.html", {"form": form})


@login_required
def profile(request):
    return render(
        request,
        "accounts/profile.html",
        {"grants": request.user.active_grants, "tokens": selectors.tokens_of(request.user)},
    )


@login_required
@require_POST
def revoke_token(request, token_id: int):
    token = get_object_or_404(selectors.tokens_of(request.user), pk=token_id)
    services.revoke_token(token, revoked_by=request.user, request=request)
    messages.success(request, _("Token API telah dicabut."))
    return redirect("accounts:profile")


@login_required
def otp_setup(request):
    if services.confirmed_totp_device(request.user) is not None and request.user.is_verified():
        return redirect("accounts:profile")
    if services.confirmed_totp_device(request.user) is not None:
        return redirect("accounts:otp_verify")
    device = services.start_totp_setup(request.user)
    form = OtpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if services.confirm_totp_setup(
            request.user, device, form.cleaned_data["code"], request=request
        ):
            otp_login(request, device)
            messages.success(request, _("Verifikasi dua langkah sudah aktif."))
            return redirect("accounts:backoffice")
        form.add_error(
            "code", _("Kode verifikasi salah atau sudah kedaluwarsa. Coba kode yang baru.")
        )
    qr_svg = segno.make(device.config_url, error="m").svg_inline(
        scale=4, title=_("Kode QR autentikator")
    )
    return render(
        request,
        "accounts/otp_setup.html",
        {"form": form, "qr_svg": qr_svg, "secret": selectors.totp_secret_base32(device)},
    )


@login_required
def otp_verify(request):
    if request.user.is_verified():
        return redirect(_safe_next(request, reverse("accounts:backoffice")))
    form = OtpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = services.verify_totp(request.user, form.cleaned_data["code"], request=request)
        if device is not None:
            otp_login(request, device)
            return redirect(_safe_next(request, reverse("accounts:backoffice")))
        form.add_error(
            "code", _("Kode verifikasi salah atau sudah kedaluwarsa. Coba kode yang baru.")
        )
    return render(
        request, "accounts/otp_verify.html", {"form": form, "next": _safe_next(request, "")}
    )


@login_required
def backoffice(request):
    if not request.user.is_staff_member:
        raise PermissionDenied
    return render(
        request,
        "accounts/backoffice.html",
        {
            "grants": request.user.active_grants,
            "workplaces": workplaces_for(request.user),
            "can_view_audit": can(request.user, Perm.VIEW_AUDIT),
        },
    )


@login_required
def audit_log(request):
    if not can(request.user, Perm.VIEW_AUDIT):
        raise PermissionDenied
    page = Paginator(selectors.audit_events(), 50).get_page(request.GET.get("page"))
    return render(
        request, "accounts/audit_log.html", {"page_obj": page, "events": page.object_list}
    )
