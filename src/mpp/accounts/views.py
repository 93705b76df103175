from __future__ import annotations

import time
from dataclasses import asdict
from typing import Any
from urllib.parse import urlencode

import segno
from django.contrib import messages
from django.contrib.auth import authenticate, login, logout, update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm, SetPasswordForm
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from mpp.accounts import limits, oidc, selectors, services, sign_in_reasons
from mpp.accounts.extensions import profile_sections
from mpp.accounts.forms import (
    ContactForm,
    LoginForm,
    MppNetworkForm,
    OidcCreateForm,
    OidcLinkForm,
    OtpForm,
    RegistrationForm,
    RoleGrantForm,
    StaffAccountForm,
)
from mpp.accounts.menu import menu_for
from mpp.accounts.models import Invitation, Role, User
from mpp.accounts.policy import Perm, Principal, can, can_grant, can_revoke, has_any
from mpp.accounts.requests import AuthenticatedRequest
from mpp.accounts.selectors import workplaces_for
from mpp.audit.models import AuditAction
from mpp.audit.services import record_event
from mpp.errors import problem_response
from mpp.paging.keyset import page_for_request


def _safe_next(request: HttpRequest, fallback: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    return _safe_target(request, target) or fallback


def _safe_target(request: HttpRequest, target: str) -> str:
    """``target`` when it is a page of this site, else empty."""
    if target and url_has_allowed_host_and_scheme(
        target, {request.get_host()}, request.is_secure()
    ):
        return target
    return ""


def login_view(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("accounts:profile")
    form = LoginForm(request, data=request.POST or None)
    if request.method == "POST" and form.is_valid() and form.user is not None:
        login(request, form.user, backend="mpp.accounts.backends.NikOrUsernameBackend")
        # A citizen lands on their applications (the profile holds settings, not the work).
        home = "accounts:backoffice" if form.user.is_staff_member else "cases:mine"
        return redirect(_safe_next(request, reverse(home)))
    next_path = _safe_next(request, "")
    cfg = oidc.config()
    response = render(
        request,
        "accounts/login.html",
        {
            "form": form,
            "next": next_path,
            "reason": sign_in_reasons.reason_for(next_path),
            "oidc_label": oidc.button_label() if cfg else "",
        },
    )
    if cfg is not None:  # the button's form redirects to the provider (django-csp's update)
        response._csp_update = {"form-action": oidc.form_action_origins(cfg)}  # type: ignore[attr-defined]
    return response


# --- Sign-in with an OpenID provider (INApas / IKD; mpp.accounts.oidc) -----------------------

OIDC_FLOW = "mpp_oidc_flow"  # state, nonce, PKCE verifier and next page of the sign-in under way
OIDC_PENDING = "mpp_oidc_pending"  # the identity of a first sign-in, until linked or created


def _oidc_config() -> oidc.Config:
    cfg = oidc.config()
    if cfg is None:
        raise Http404
    return cfg


def _oidc_refused(request: HttpRequest, failure: oidc.OidcFailure) -> HttpResponse:
    """Back to the sign-in page with the reason; a refusal counts as a failed sign-in."""
    oidc.log_refusal(failure.kind)
    limits.record_failure(request, "login")
    request.session.pop(OIDC_PENDING, None)
    messages.error(request, failure.message)
    return redirect("accounts:login")


def _oidc_signed_in(request: HttpRequest, user: User, next_path: str) -> HttpResponse:
    request.session.pop(OIDC_PENDING, None)
    login(request, user, backend="mpp.accounts.backends.NikOrUsernameBackend")
    home = "accounts:backoffice" if user.is_staff_member else "cases:mine"
    return redirect(_safe_target(request, next_path) or reverse(home))


@require_POST
def oidc_start(request: HttpRequest) -> HttpResponse:
    """Send the browser to the provider, remembering in the session what must come back."""
    cfg = _oidc_config()
    if request.user.is_authenticated:
        return redirect("accounts:profile")
    try:
        url, flow = oidc.begin(cfg)
    except oidc.OidcFailure as failure:
        return _oidc_refused(request, failure)
    flow["next"] = _safe_next(request, "")
    request.session[OIDC_FLOW] = flow
    return redirect(url)


def oidc_callback(request: HttpRequest) -> HttpResponse:
    """The provider's answer: signed in, or on to linking (password) or creating the account."""
    cfg = _oidc_config()
    flow = request.session.pop(OIDC_FLOW, None)  # an answer is taken once
    params = {name: str(request.GET.get(name, "")) for name in ("state", "code", "error", "iss")}
    try:
        identity = oidc.finish(cfg, flow, params)
        outcome = services.account_for_identity(identity)
    except oidc.OidcFailure as failure:
        return _oidc_refused(request, failure)
    next_path = str((flow or {}).get("next", ""))
    if isinstance(outcome, User):
        return _oidc_signed_in(request, outcome, next_path)
    request.session[OIDC_PENDING] = {
        "identity": asdict(identity),
        "next": next_path,
        "until": int(time.time()) + oidc.FLOW_SECONDS,
    }
    return redirect("accounts:oidc_continue")


def oidc_continue(request: HttpRequest) -> HttpResponse:
    """A first sign-in: prove the account that holds the NIK (password), or agree to the privacy
    notice and have an account created."""
    _oidc_config()
    pending = request.session.get(OIDC_PENDING)
    if not isinstance(pending, dict) or int(pending.get("until", 0)) < time.time():
        return _oidc_refused(request, oidc.OidcFailure(oidc.Failure.STATE))
    identity = oidc.Identity(**pending["identity"])
    next_path = str(pending.get("next", ""))
    holder = services.account_holding(identity)
    data = request.POST if request.method == "POST" else None
    form: OidcLinkForm | OidcCreateForm
    try:
        # Decided afresh on each request: an account registered meanwhile is linked, not doubled.
        if holder is not None:
            form = OidcLinkForm(data)
            if form.is_valid():
                verdict = limits.check(request, "login", [holder.nik or ""], count=False)
                if verdict is not None:
                    form.add_error(None, limits.refusal(verdict)[1])
                else:
                    user = authenticate(
                        request, username=holder.nik, password=form.cleaned_data["password"]
                    )
                    if isinstance(user, User) and user.pk == holder.pk:
                        services.link_identity(user, identity, request=request)
                        return _oidc_signed_in(request, user, next_path)
                    form.add_error(
                        "password", _("Kata sandi salah. Periksa kembali lalu coba lagi.")
                    )
        else:
            form = OidcCreateForm(data)
            if form.is_valid():
                try:
                    user = services.create_account_for_identity(
                        identity, consent=form.cleaned_data["consent"], request=request
                    )
                except services.OidcAccountError as error:
                    error.apply_to(form)
                else:
                    return _oidc_signed_in(request, user, next_path)
    except oidc.OidcFailure as failure:
        return _oidc_refused(request, failure)
    return render(
        request,
        "accounts/oidc_continue.html",
        {
            "form": form,
            "linking": isinstance(form, OidcLinkForm),
            "masked_nik": holder.masked_nik if holder is not None else "",
            "provider": oidc.button_label(),
        },
    )


def _second_factor_passed(request: HttpRequest, device: TOTPDevice) -> None:
    # A new session id once the second factor is passed: an id seen before it (on a shared
    # computer, in a proxy log) never carries the verified session.
    request.session.cycle_key()
    otp_login(request, device)


def locked_out(
    request: HttpRequest, credentials: dict[str, Any] | None = None, *args: Any, **kwargs: Any
) -> HttpResponse:
    """django-axes' answer while one account is locked from one address (AXES_LOCKOUT_PARAMETERS):
    the same account from another address, or after a password reset, is not locked."""
    title, detail, seconds = limits.lockout()
    response: HttpResponse
    if request.path.startswith("/api/"):
        response = problem_response(request, 429, title, detail)
    else:
        response = render(
            request, "accounts/locked_out.html", {"title": title, "message": detail}, status=429
        )
    response["Retry-After"] = str(seconds)
    return response


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """Django's reset confirmation, recording the reset in the audit log."""

    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")

    def form_valid(self, form: SetPasswordForm[User]) -> HttpResponse:
        response = super().form_valid(form)
        record_event(
            AuditAction.PASSWORD_RESET, actor=form.user, target=form.user, request=self.request
        )
        services.end_sessions(form.user, reason="password_reset", request=self.request)
        services.clear_lockouts(form.user)
        return response


class PasswordChangeView(auth_views.PasswordChangeView):
    """Change one's password: every other session and every API token of the account ends."""

    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:profile")

    def form_valid(self, form: PasswordChangeForm) -> HttpResponse:
        response = super().form_valid(form)
        user = form.user
        record_event(AuditAction.PASSWORD_CHANGED, actor=user, target=user, request=self.request)
        services.end_sessions(
            user, reason="password_changed", request=self.request, keep_current=True
        )
        messages.success(
            self.request,
            _("Kata sandi diubah. Sesi lain dan semua token API akun ini telah diakhiri."),
        )
        return response


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    logout(request)
    messages.success(request, _("Anda telah keluar."))
    return redirect("web:home")


def register(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("accounts:profile")
    form = RegistrationForm(request.POST or None)
    # Where the person was going (a service's form): kept through registration, the email
    # verification link and the login that follows.
    next_path = _safe_next(request, "")
    reason = sign_in_reasons.reason_for(next_path)
    if reason is None:
        next_path = ""
    if request.method == "POST" and form.is_valid():
        # The same answer whether the NIK or email was free or taken (the owner is told by email),
        # and no automatic login, which would itself tell the two apart.
        try:
            services.register_citizen_without_oracle(
                form.registration, request=request, next_path=next_path
            )
        except services.RegistrationError as error:
            error.apply_to(form)
        else:
            received = reverse("accounts:register_received")
            if next_path:
                received += "?" + urlencode({"next": next_path})
            return redirect(received)
    return render(
        request, "accounts/register.html", {"form": form, "next": next_path, "reason": reason}
    )


def _next_context(request: HttpRequest) -> dict[str, Any]:
    """``next`` (a local path with a sign-in reason, else empty), its reason and the login URL
    that leads there."""
    next_path = _safe_target(request, request.GET.get("next", ""))
    reason = sign_in_reasons.reason_for(next_path)
    if reason is None:
        return {"next": "", "reason": None, "login_url": reverse("accounts:login")}
    login_url = reverse("accounts:login") + "?" + urlencode({"next": next_path})
    return {"next": next_path, "reason": reason, "login_url": login_url}


def register_received(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/register_received.html", _next_context(request))


@login_required
def profile(request: AuthenticatedRequest) -> HttpResponse:
    return render(
        request,
        "accounts/profile.html",
        {
            "grants": request.user.active_grants,
            "access_log": selectors.access_groups(request.user),
            "identity_verified": selectors.identity_verified_by_provider(request.user),
            "sections": profile_sections.render(request.user),
        },
    )


@login_required
@require_POST
def resend_verification(request: AuthenticatedRequest) -> HttpResponse:
    if request.user.email_is_verified or not request.user.email:
        return redirect("accounts:profile")
    if services.request_email_verification(request.user):
        messages.success(
            request,
            _("Tautan verifikasi dikirim ke %(email)s. Periksa kotak masuk dan folder spam.")
            % {"email": request.user.email},
        )
    else:
        messages.error(
            request,
            _(
                "Tautan verifikasi baru saja dikirim. Tunggu beberapa menit sebelum meminta lagi, "
                "dan periksa folder spam."
            ),
        )
    return redirect("accounts:profile")


def verify_email(request: HttpRequest, token: str) -> HttpResponse:
    result = services.verify_email(token, viewer=request.user, request=request)
    ok = result in (services.EmailVerification.OK, services.EmailVerification.USED)
    return render(
        request,
        "accounts/verify_email.html",
        {
            "ok": ok,
            "message": services.EMAIL_VERIFICATION_MESSAGES[result],
            **_next_context(request),
        },
        status=200 if ok else 400,
    )


@login_required
def developer(request: AuthenticatedRequest) -> HttpResponse:
    """API tokens, apart from the citizen's everyday account page."""
    return render(request, "accounts/developer.html", {"tokens": selectors.tokens_of(request.user)})


@login_required
@require_http_methods(["GET", "POST"])
def profile_edit(request: AuthenticatedRequest) -> HttpResponse:
    """Change one's email address and telephone number (name, NIK and birth date come from the
    NIK registration and are corrected at the Dukcapil counter)."""
    form = ContactForm(
        request.POST or None, initial={"email": request.user.email, "phone": request.user.phone}
    )
    if request.method == "POST" and form.is_valid():
        services.update_contact(
            request.user,
            email=form.cleaned_data["email"],
            phone=form.cleaned_data["phone"],
            request=request,
        )
        messages.success(request, _("Surel dan nomor telepon disimpan."))
        return redirect("accounts:profile")
    return render(request, "accounts/profile_edit.html", {"form": form})


def privacy_notice(request: HttpRequest) -> HttpResponse:
    return render(
        request, "accounts/privacy_notice.html", {"version": services.PRIVACY_NOTICE_VERSION}
    )


@login_required
@require_POST
def revoke_token(request: AuthenticatedRequest, token_id: int) -> HttpResponse:
    token = get_object_or_404(selectors.tokens_of(request.user), pk=token_id)
    services.revoke_token(token, revoked_by=request.user, request=request)
    messages.success(request, _("Token API telah dicabut."))
    return redirect("accounts:developer")


@login_required
def otp_setup(request: AuthenticatedRequest) -> HttpResponse:
    if services.confirmed_totp_device(request.user) is not None and request.user.is_verified():
        return redirect("accounts:profile")
    if services.confirmed_totp_device(request.user) is not None:
        return redirect("accounts:otp_verify")
    device = services.start_totp_setup(request.user)
    form = OtpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        result = services.confirm_totp_setup(
            request.user, device, form.cleaned_data["code"], request=request
        )
        if result == services.OtpResult.OK:
            _second_factor_passed(request, device)
            messages.success(request, _("Verifikasi dua langkah sudah aktif."))
            return redirect("accounts:backoffice")
        form.add_error("code", services.otp_message(result))
    qr_svg = segno.make(device.config_url, error="m").svg_inline(
        scale=4, title=_("Kode QR autentikator")
    )
    return render(
        request,
        "accounts/otp_setup.html",
        {"form": form, "qr_svg": qr_svg, "secret": selectors.totp_secret_base32(device)},
    )


@login_required
def otp_verify(request: AuthenticatedRequest) -> HttpResponse:
    if request.user.is_verified():
        return redirect(_safe_next(request, reverse("accounts:backoffice")))
    form = OtpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device, result = services.verify_totp(
            request.user, form.cleaned_data["code"], request=request
        )
        if device is not None:
            _second_factor_passed(request, device)
            return redirect(_safe_next(request, reverse("accounts:backoffice")))
        form.add_error("code", services.otp_message(result))
    return render(
        request, "accounts/otp_verify.html", {"form": form, "next": _safe_next(request, "")}
    )


@login_required
def backoffice(request: AuthenticatedRequest) -> HttpResponse:
    if not request.user.is_staff_member:
        raise PermissionDenied
    return render(
        request,
        "accounts/backoffice.html",
        {
            "grants": request.user.active_grants,
            "workplaces": workplaces_for(request.user),
            "menu": menu_for(request.user),
        },
    )


@login_required
def audit_log(request: AuthenticatedRequest) -> HttpResponse:
    if not can(request.user, Perm.VIEW_AUDIT):
        raise PermissionDenied
    page, query = page_for_request(
        request, selectors.audit_events(), order=selectors.AUDIT_ORDER, size=50
    )
    return render(
        request,
        "accounts/audit_log.html",
        {"page": page, "query": query, "events": selectors.audit_rows(page.rows)},
    )


@login_required
def staff_roles(request: AuthenticatedRequest) -> HttpResponse:
    """Role grants within the manager's scope, and the form to grant one."""
    if not has_any(request.user, Perm.MANAGE_ROLES):
        raise PermissionDenied
    form = RoleGrantForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            invitation = services.invite(
                inviter=request.user,
                role=form.cleaned_data["role"],
                email=form.cleaned_data["email"],
                name=form.cleaned_data["name"],
                request=request,
                **form.scope,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _(
                    "Undangan sebagai %(role)s telah dikirim ke %(email)s. Peran berlaku setelah "
                    "undangan diterima."
                )
                % {"role": invitation.get_role_display(), "email": invitation.email},
            )
            return redirect("accounts:staff_roles")
    page = Paginator(selectors.role_grants_for(request.user), 50).get_page(request.GET.get("page"))
    rows = [(grant, can_revoke(request.user, grant)) for grant in page.object_list]
    invitations = [
        (invitation, _may_handle_invitation(request.user, invitation))
        for invitation in selectors.open_invitations_for(request.user)[:100]
    ]
    return render(
        request,
        "accounts/staff_roles.html",
        {"form": form, "rows": rows, "page_obj": page, "invitations": invitations},
    )


def _may_handle_invitation(user: Principal, invitation: Invitation) -> bool:
    return can_grant(user, Role(invitation.role), **invitation.scope)


@login_required
@require_POST
def invitation_action(
    request: AuthenticatedRequest, invitation_id: int, action: str
) -> HttpResponse:
    """Send an open invitation again (a new link) or revoke it."""
    if not has_any(request.user, Perm.MANAGE_ROLES):
        raise PermissionDenied
    invitation = get_object_or_404(selectors.open_invitations_for(request.user), pk=invitation_id)
    if not _may_handle_invitation(request.user, invitation):
        raise PermissionDenied
    if action == "resend":
        try:
            services.resend_invitation(invitation, actor=request.user, request=request)
        except services.InvitationError as error:
            messages.error(request, error.message)
        except ValidationError as error:
            messages.error(request, getattr(error, "message", None) or " ".join(error.messages))
        else:
            messages.success(
                request,
                _("Undangan dikirim ulang ke %(email)s dengan tautan baru.")
                % {"email": invitation.email},
            )
    else:
        services.revoke_invitation(invitation, actor=request.user, request=request)
        messages.success(
            request,
            _("Undangan untuk %(email)s dibatalkan; tautannya tidak berlaku lagi.")
            % {"email": invitation.email},
        )
    return redirect("accounts:staff_roles")


@require_http_methods(["GET", "POST"])
def invitation(request: HttpRequest, token: str) -> HttpResponse:
    """The page the invitation link opens: create the staff account (or, for the signed-in staff
    member the invitation may go to, accept onto that account)."""
    found = services.invitation_for_token(token)
    state = services.invitation_state(found)
    if state is not None or found is None:
        state = state or services.InvitationState.UNKNOWN
        status = 404 if state == services.InvitationState.UNKNOWN else 410
        return render(
            request,
            "accounts/invitation.html",
            {"problem": services.INVITATION_MESSAGES[state]},
            status=status,
        )
    user = request.user
    # The signed-in staff account the invitation may be accepted onto, if any.
    existing = user if isinstance(user, User) and services.may_accept_onto(user, found) else None
    if user.is_authenticated and existing is None:
        return render(request, "accounts/invitation.html", {"invitation": found, "signed_in": True})
    form = (
        None
        if existing is not None
        else StaffAccountForm(request.POST or None, initial={"name": found.name})
    )
    if request.method == "POST" and (form is None or form.is_valid()):
        try:
            grant = services.accept_invitation(
                found,
                user=existing,
                account=None if form is None else form.account,
                request=request,
            )
        except services.InvitationError as error:
            if form is not None and error.errors:
                error.apply_to(form)
            else:
                messages.error(request, error.message)
                return redirect("accounts:invitation", token=token)
        else:
            if existing is not None:
                existing.refresh_from_db()
                update_session_auth_hash(request, existing)
                messages.success(request, _("Undangan diterima. Peran baru sudah berlaku."))
                return redirect("accounts:backoffice")
            login(request, grant.user, backend="mpp.accounts.backends.NikOrUsernameBackend")
            messages.success(
                request,
                _(
                    "Akun petugas Anda sudah dibuat. Langkah terakhir: aktifkan verifikasi dua langkah."
                ),
            )
            return redirect("accounts:otp_setup")
    return render(
        request,
        "accounts/invitation.html",
        {"invitation": found, "form": form, "onto_existing": existing is not None},
    )


@login_required
@require_http_methods(["GET", "POST"])
def revoke_role(request: AuthenticatedRequest, grant_id: int) -> HttpResponse:
    """GET: the confirmation (what will happen); POST with ``confirmed``: revoke. A POST without
    it (an old page's one-click button) only leads to the confirmation."""
    if not has_any(request.user, Perm.MANAGE_ROLES):
        raise PermissionDenied
    grant = get_object_or_404(selectors.role_grants_for(request.user), pk=grant_id)
    if grant.user_id == request.user.pk:
        messages.error(request, _("Anda tidak dapat mencabut peran Anda sendiri."))
        return redirect("accounts:staff_roles")
    if not can_revoke(request.user, grant):
        raise PermissionDenied
    if request.method == "GET":
        return render(request, "accounts/revoke_role.html", {"grant": grant})
    if request.POST.get("confirmed") != "1":
        return redirect("accounts:revoke_role", grant_id=grant.pk)
    services.revoke_role(grant, revoked_by=request.user, request=request)
    messages.success(
        request,
        _("Peran %(role)s milik %(name)s telah dicabut.")
        % {"role": grant.get_role_display(), "name": grant.user},
    )
    return redirect("accounts:staff_roles")


@login_required
def mpp_networks(request: AuthenticatedRequest) -> HttpResponse:
    """The MPP's own networks, whose addresses get higher anonymous limits (docs/limits.md)."""
    if not has_any(request.user, Perm.MANAGE_MPP):
        raise PermissionDenied
    form = MppNetworkForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.add_mpp_network(
                request.user, data["mpp"], data["network"], data["label"], request=request
            )
        except services.NetworkError as error:
            form.add_error("network", error.message)
        else:
            messages.success(request, _("Jaringan MPP didaftarkan."))
            return redirect("accounts:mpp_networks")
    rows = selectors.mpp_networks_for(request.user)
    return render(request, "accounts/mpp_networks.html", {"form": form, "rows": rows})


@require_POST
@login_required
def mpp_network_remove(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    if not has_any(request.user, Perm.MANAGE_MPP):
        raise PermissionDenied
    row = get_object_or_404(selectors.mpp_networks_for(request.user), pk=pk)
    services.remove_mpp_network(request.user, row, request=request)
    messages.success(request, _("Jaringan MPP dihapus."))
    return redirect("accounts:mpp_networks")
