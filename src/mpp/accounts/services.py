"""Every write about accounts: registration, roles, two-factor devices and API tokens."""

from __future__ import annotations

import datetime
import re
import secrets
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.hashers import make_password
from django.contrib.auth.password_validation import validate_password
from django.core import signing
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, models, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from mpp.accounts.emails import mail_invitation
from mpp.accounts.extensions import registration_checks
from mpp.accounts.models import (
    ROLE_OPTIONAL_SCOPE_FIELDS,
    ROLE_SCOPE_FIELDS,
    ApiToken,
    Invitation,
    OidcIdentity,
    PrivacyConsent,
    Role,
    RoleGrant,
    User,
)
from mpp.accounts.nik import validate_nik
from mpp.accounts.oidc import Failure, Identity, OidcFailure
from mpp.accounts.policy import Principal, can_grant
from mpp.accounts.tasks import send_email_verification, warn_owner_of_registration_attempt
from mpp.accounts.tokens import hash_token
from mpp.audit.models import AuditAction
from mpp.audit.services import record_event
from mpp.errors import ServiceError
from mpp.tenancy.models import AgencyPresence

if TYPE_CHECKING:
    from mpp.regions.models import Region
    from mpp.tenancy.models import MPP, Agency, MppNetwork


@dataclass(frozen=True)
class CitizenRegistration:
    nik: str
    name: str
    birth_date: datetime.date
    password: str
    email: str = ""
    phone: str = ""
    consent: bool = False  # agreed to the privacy notice of PRIVACY_NOTICE_VERSION


# Bump when the text of accounts/privacy_notice.html changes: consents record the version agreed to.
PRIVACY_NOTICE_VERSION = "2026-12"

PHONE_PATTERN = re.compile(r"\+?[0-9]{8,20}")
# NUL and other C0 control characters: PostgreSQL refuses NUL in text, and none belongs in a name.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f]")


def nik_is_registered(nik: str) -> bool:
    """A full account (not a counter light record) already uses this NIK."""
    return User.objects.filter(nik=nik, is_light_record=False).exists()


def registration_data_problems(data: CitizenRegistration) -> dict[str, list[str]]:
    """The problems with the registration data itself, by field: none of them depends on which
    accounts exist, so they can be shown to anyone without revealing who is registered."""
    errors: dict[str, list[str]] = {}

    def add(field: str, error: ValidationError) -> None:
        errors.setdefault(field, []).extend(error.messages)

    if not data.name.strip():
        add("name", ValidationError(_("Isi nama lengkap sesuai KTP-el.")))
    elif CONTROL_CHARACTERS.search(data.name):
        add("name", ValidationError(_("Nama tidak boleh berisi karakter kendali.")))
    today = timezone.localdate()
    if data.birth_date > today:
        add("birth_date", ValidationError(_("Tanggal lahir tidak boleh di masa depan.")))
    try:
        validate_nik(data.nik, None)
    except ValidationError as error:
        add("nik", error)
    else:
        try:
            validate_nik(data.nik, data.birth_date)
        except ValidationError as error:
            add("birth_date", error)
    if data.email:
        try:
            if CONTROL_CHARACTERS.search(data.email):
                raise ValidationError("control character")
            validate_email(data.email)
        except ValidationError:
            add("email", ValidationError(_("Alamat surel tidak sah.")))
    if data.phone and not PHONE_PATTERN.fullmatch(data.phone):
        add(
            "phone",
            ValidationError(
                _("Nomor telepon hanya boleh berisi angka, 8–20 digit, boleh diawali +.")
            ),
        )
    try:
        if "\x00" in data.password:
            raise ValidationError(_("Kata sandi tidak boleh berisi karakter kendali."))
        validate_password(data.password, User(name=data.name, email=data.email, nik=data.nik))
    except ValidationError as error:
        add("password", error)
    if not data.consent:
        add(
            "consent",
            ValidationError(
                _("Baca pemberitahuan privasi dan centang persetujuan untuk mendaftar.")
            ),
        )
    return errors


def check_citizen_registration(data: CitizenRegistration) -> dict[str, list[str]]:
    """Every problem with a registration, by field (empty when it can be saved), including a NIK
    or email already taken. Only for :func:`register_citizen`: what a stranger is shown comes from
    :func:`registration_data_problems`."""
    errors = registration_data_problems(data)
    if "nik" not in errors and nik_is_registered(data.nik):
        errors.setdefault("nik", []).append(str(NIK_TAKEN))
    if (
        data.email
        and "email" not in errors
        and User.objects.filter(email__iexact=data.email, is_light_record=False).exists()
    ):
        errors.setdefault("email", []).append(str(EMAIL_TAKEN))
    return errors


NIK_TAKEN = gettext_lazy("NIK ini sudah terdaftar. Silakan masuk atau atur ulang kata sandi.")
EMAIL_TAKEN = gettext_lazy("Alamat surel ini sudah dipakai akun lain.")


def register_citizen_without_oracle(
    data: CitizenRegistration, *, request: HttpRequest | None = None, next_path: str = ""
) -> User | None:
    """Register like :func:`register_citizen`, without telling a stranger whether the NIK or the
    email is already registered.

    Problems with the data itself still raise ``RegistrationError``. When the NIK or the email
    belongs to an account, nothing is created, the owner is told by email (someone may be trying
    their identity, or they forgot they have an account) and None is returned: the caller answers
    exactly as for a new account, whose next step is to log in.
    """
    errors = registration_data_problems(data)
    if errors:
        raise RegistrationError(errors)
    owners = list(
        User.objects.filter(is_light_record=False, is_active=True).filter(
            models.Q(nik=data.nik) | models.Q(email__iexact=data.email.strip() or None)
        )
    )
    if not owners:
        try:
            return register_citizen(data, request=request, next_path=next_path)
        except RegistrationError:  # a concurrent registration of the same NIK won
            owners = list(User.objects.filter(nik=data.nik, is_light_record=False))
    # Hash the password as a new account would, so the answer takes as long either way.
    make_password(data.password)
    for owner in owners:
        _warn_owner_of_registration_attempt(owner)
    return None


def _warn_owner_of_registration_attempt(owner: User) -> None:
    if owner.email:
        transaction.on_commit(lambda: warn_owner_of_registration_attempt.enqueue(owner.pk))


class RegistrationError(ServiceError):
    def __init__(self, errors: dict[str, list[str]]) -> None:
        super().__init__("", errors)


@transaction.atomic
def register_citizen(
    data: CitizenRegistration, *, request: HttpRequest | None = None, next_path: str = ""
) -> User:
    """Create a citizen account, or complete the light record an officer made at the counter.
    ``next_path`` (a local page, such as a service's form) is where the verification link leads
    on."""
    errors = check_citizen_registration(data)
    if errors:
        raise RegistrationError(errors)
    user = User.objects.filter(nik=data.nik, is_light_record=True).first() or User(
        username=_citizen_username()
    )
    user.nik = data.nik
    user.name = data.name.strip()
    user.birth_date = data.birth_date
    user.email = data.email.strip()
    user.phone = data.phone.strip()
    user.is_light_record = False
    user.set_password(data.password)
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError:
        raise RegistrationError(
            {"nik": [_("NIK ini sudah terdaftar. Silakan masuk atau atur ulang kata sandi.")]}
        ) from None
    PrivacyConsent.objects.create(user=user, notice_version=PRIVACY_NOTICE_VERSION)
    record_event(AuditAction.CITIZEN_REGISTERED, actor=user, target=user, request=request)
    request_email_verification(user, next_path=next_path)
    registration_checks.run(user)
    return user


def _citizen_username() -> str:
    """Random, so a username says nothing about the NIK behind it."""
    return "warga-" + secrets.token_hex(6)


@transaction.atomic
def citizen_for_counter(*, nik: str, name: str, birth_date: datetime.date, phone: str = "") -> User:
    """The account holding ``nik``, or a new light record (no password, cannot log in yet).

    The only place outside registration that creates a user. The caller shows nothing of an existing
    account: the counter officer learns only what they typed.
    """
    user = User.objects.filter(nik=nik).first()
    if user is not None:
        return user
    user = User(
        username=_citizen_username(),
        nik=nik,
        name=name.strip()[:150],
        birth_date=birth_date,
        phone=(phone or "").strip()[:20],
        is_light_record=True,
    )
    user.set_unusable_password()
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError:  # filed for the same NIK at the same moment at another counter
        return User.objects.get(nik=nik)
    return user


@transaction.atomic
def grant_role(
    user: User,
    role: Role,
    *,
    granted_by: User | None = None,
    region: Region | None = None,
    mpp: MPP | None = None,
    agency: Agency | None = None,
    request: HttpRequest | None = None,
) -> RoleGrant:
    """Give ``user`` the role on the scope. Only an accepted :class:`Invitation` (and the demo and
    test data) calls it: a role is never given to an account found by its email."""
    scope = {"region": region, "mpp": mpp, "agency": agency}
    if user.is_light_record or not user.is_active:
        raise ValidationError(_("Pengguna ini belum memiliki akun aktif."))
    _check_grant(role, scope, granted_by=granted_by, grantee=user)
    if RoleGrant.objects.active().filter(user=user, role=role, **scope).exists():
        raise ValidationError(
            _("Pengguna ini sudah memegang peran tersebut pada cakupan yang sama.")
        )
    grant = RoleGrant.objects.create(user=user, role=role, granted_by=granted_by, **scope)
    record_event(
        AuditAction.ROLE_GRANTED,
        actor=granted_by,
        target=grant,
        request=request,
        summary=f"{grant.get_role_display()} — {grant.scope_label}",
        data={"user_id": user.pk},
    )
    end_sessions(user, reason="role_granted", request=request)
    return grant


def _check_grant(
    role: Role, scope: dict[str, Any], *, granted_by: User | None, grantee: User | None = None
) -> None:
    """Refuse a grant whose scope does not fit the role, lies outside ``granted_by``'s policy, or
    names an agency that does not serve at the MPP."""
    needed = ROLE_SCOPE_FIELDS[role]
    optional = ROLE_OPTIONAL_SCOPE_FIELDS.get(role, frozenset())
    for field, value in scope.items():
        if field not in optional and (field in needed) != (value is not None):
            raise ValidationError(_("Cakupan peran tidak sesuai dengan jenis perannya."))
    if granted_by is not None and not can_grant(granted_by, role, grantee=grantee, **scope):
        if grantee is not None and granted_by.pk == grantee.pk:
            raise ValidationError(_("Anda tidak dapat memberikan peran kepada diri sendiri."))
        raise ValidationError(_("Anda tidak berwenang memberikan peran ini pada cakupan tersebut."))
    agency, mpp = scope.get("agency"), scope.get("mpp")
    if (
        agency is not None
        and mpp is not None
        and not AgencyPresence.objects.filter(agency=agency, mpp=mpp, is_active=True).exists()
    ):
        raise ValidationError(_("Instansi tersebut tidak melayani di MPP yang dipilih."))


def _stamp_revoked(
    row: RoleGrant | ApiToken | Invitation,
    action: AuditAction,
    summary: str,
    *,
    actor: User | None,
    request: HttpRequest | None,
    data: dict[str, Any] | None = None,
) -> None:
    """Revoke a grant, token or invitation: the moment is kept (the row stays, for the audit
    trail and for what it was) and the revocation is recorded. One already revoked stays as it
    was (nothing written, nothing recorded)."""
    if row.revoked_at is not None:
        return
    row.revoked_at = timezone.now()
    row.save(update_fields=["revoked_at"])
    record_event(action, actor=actor, target=row, request=request, summary=summary, data=data)


@transaction.atomic
def revoke_role(
    grant: RoleGrant, *, revoked_by: User | None = None, request: HttpRequest | None = None
) -> RoleGrant:
    if grant.revoked_at is None:
        summary = f"{grant.get_role_display()} — {grant.scope_label}"
        data = {"user_id": grant.user_id}
        _stamp_revoked(
            grant, AuditAction.ROLE_REVOKED, summary, actor=revoked_by, request=request, data=data
        )
        end_sessions(grant.user, reason="role_revoked", request=request)
    return grant


@transaction.atomic
def end_sessions(
    user: User, *, reason: str, request: HttpRequest | None = None, keep_current: bool = False
) -> int:
    """End every web session and revoke every API token of ``user`` (returns tokens revoked).

    Called when what the user may do changes (a role granted or revoked) or when their password is
    reset or changed, so nothing issued before keeps the old power. With ``keep_current`` the
    session of ``request`` stays signed in (the user changed their own password).
    """
    revoked = ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    user.session_stamp = secrets.token_hex(16)
    User.objects.filter(pk=user.pk).update(session_stamp=user.session_stamp)
    user.__dict__.pop("active_grants", None)
    if keep_current and request is not None and request.user.pk == user.pk:
        update_session_auth_hash(request, user)
    record_event(
        AuditAction.SESSIONS_ENDED,
        target=user,
        request=request,
        summary=reason,
        data={"tokens_revoked": revoked},
    )
    return revoked


def confirmed_totp_device(user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def start_totp_setup(user: User) -> TOTPDevice:
    """The unconfirmed device whose secret the user is about to scan (reused until confirmed)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="default", confirmed=False)
    return device


class OtpResult(StrEnum):
    OK = "ok"
    WRONG = "wrong"  # "Kode salah"
    REUSED = "reused"  # a code already used: wait for the next one
    LOCKED = "locked"  # the real limit of wrong codes in a row was reached


OTP_MESSAGES = {
    OtpResult.WRONG: gettext_lazy("Kode salah."),
    OtpResult.REUSED: gettext_lazy("Kode ini sudah dipakai, tunggu kode berikutnya."),
    OtpResult.LOCKED: gettext_lazy(
        "Terlalu banyak kode yang salah. Demi keamanan, coba lagi setelah %(minutes)d menit."
    ),
}


def otp_message(result: OtpResult) -> str:
    """What to tell the person about a refused code, in their language."""
    return str(OTP_MESSAGES[result]) % {"minutes": settings.OTP_LOCKOUT_MINUTES}


def _otp_locked(device: TOTPDevice) -> bool:
    if device.throttling_failure_count < settings.OTP_FAILURE_LIMIT:
        return False
    since = device.throttling_failure_timestamp
    window = datetime.timedelta(minutes=settings.OTP_LOCKOUT_MINUTES)
    return since is not None and timezone.now() - since < window


def _already_used(device: TOTPDevice, code: str) -> bool:
    """Is ``code`` right for a time step that was already spent (so it cannot be used again)?"""
    try:
        token = int(code)
    except ValueError:
        return False
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, drift=0)
    now = totp.t() + device.drift
    for step in range(now - device.tolerance, now + device.tolerance + 1):
        if step <= device.last_t:
            totp.time = step * device.step + device.t0
            if totp.token() == token:
                return True
    return False


def check_totp(
    user: User, device: TOTPDevice, code: str, *, request: HttpRequest | None = None
) -> OtpResult:
    """Verify ``code`` on ``device``: right, wrong, already used, or refused at the limit."""
    if _otp_locked(device):
        return OtpResult.LOCKED
    code = (code or "").strip()
    if code and device.verify_token(code):
        return OtpResult.OK
    record_event(AuditAction.OTP_FAILED, actor=user, target=user, request=request)
    device.refresh_from_db(fields=["throttling_failure_count", "throttling_failure_timestamp"])
    if _otp_locked(device):
        return OtpResult.LOCKED
    return OtpResult.REUSED if _already_used(device, code) else OtpResult.WRONG


@transaction.atomic
def confirm_totp_setup(
    user: User, device: TOTPDevice, code: str, *, request: HttpRequest | None = None
) -> OtpResult:
    result = check_totp(user, device, code, request=request)
    if result != OtpResult.OK:
        return result
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    record_event(AuditAction.OTP_SETUP, actor=user, target=user, request=request)
    return result


def verify_totp(
    user: User, code: str, *, request: HttpRequest | None = None
) -> tuple[TOTPDevice | None, OtpResult]:
    """The confirmed device when ``code`` is right, with the result either way."""
    device = confirmed_totp_device(user)
    if device is None:
        record_event(AuditAction.OTP_FAILED, actor=user, target=user, request=request)
        return None, OtpResult.WRONG
    result = check_totp(user, device, code, request=request)
    return (device if result == OtpResult.OK else None), result


def token_lifetime(user: User) -> datetime.timedelta:
    hours = (
        settings.API_STAFF_TOKEN_LIFETIME_HOURS
        if user.is_staff_member
        else settings.API_TOKEN_LIFETIME_HOURS
    )
    return datetime.timedelta(hours=hours)


@transaction.atomic
def issue_token(
    user: User, *, name: str = "", second_factor: bool = False, request: HttpRequest | None = None
) -> tuple[ApiToken, str]:
    """Create a bearer token; returns the row and the raw value (shown once, never stored).

    Only a token issued after a verified TOTP code (``second_factor``) carries staff roles.
    """
    raw = "mpp_" + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        key_hash=hash_token(raw),
        prefix=raw[4:12],
        name=name[:100],
        second_factor=second_factor,
        expires_at=timezone.now() + token_lifetime(user),
    )
    record_event(
        AuditAction.TOKEN_ISSUED, actor=user, target=token, request=request, summary=token.prefix
    )
    return token, raw


@transaction.atomic
def revoke_token(
    token: ApiToken, *, revoked_by: User | None = None, request: HttpRequest | None = None
) -> ApiToken:
    _stamp_revoked(
        token, AuditAction.TOKEN_REVOKED, token.prefix, actor=revoked_by, request=request
    )
    return token


def user_for_request_token(request: HttpRequest, raw: str) -> User | None:
    """:func:`user_for_token`, asked once per request: the rate limit of anonymous posts and the
    API's authentication both need the answer, and it is a query and a millisecond of CPU."""
    kept: tuple[str, User | None] | None = getattr(request, "_mpp_bearer", None)
    if kept is not None and kept[0] == raw:
        return kept[1]
    user = user_for_token(raw)
    request._mpp_bearer = (raw, user)  # type: ignore[attr-defined]
    return user


def user_for_token(raw: str) -> User | None:
    """The active user behind a usable bearer token, or None."""
    token = (
        ApiToken.objects.usable().select_related("user").filter(key_hash=hash_token(raw)).first()
    )
    if token is None or not token.user.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 300:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    token.user.current_token = token
    return token.user


@transaction.atomic
def update_contact(
    user: User, *, email: str, phone: str, request: HttpRequest | None = None
) -> User:
    """Change one's email address and telephone number (recorded, without the values)."""
    email = (email or "").strip().lower()
    changed = email != user.email.lower()
    user.email = email
    user.phone = (phone or "").strip()
    if changed:
        user.email_verified_at = None  # a new address counts for nothing until its owner confirms
    user.save(update_fields=["email", "phone", "email_verified_at"])
    record_event(AuditAction.CONTACT_CHANGED, actor=user, target=user, request=request)
    if changed and email:
        request_email_verification(user)
    return user


def clear_lockouts(user: User) -> None:
    """After a password reset, django-axes' lockouts of the account (from every address) end: the
    reset link is the owner's way back in, whatever a stranger tried."""
    from axes.utils import reset as axes_reset

    from mpp.accounts.backends import axes_username

    for identifier in {user.nik, user.username} - {None, ""}:
        axes_reset(username=axes_username(None, {"username": identifier}))


# --- MPP networks (higher anonymous limits from an MPP's own addresses) ------------------------


class NetworkError(ServiceError):
    """A refused MPP network (the message for the ``network`` field)."""


def add_mpp_network(
    actor: User, mpp: MPP, network: str, label: str = "", *, request: HttpRequest | None = None
) -> MppNetwork:
    """Register one of ``mpp``'s own networks (CIDR, IPv4 or IPv6); MANAGE_MPP on the MPP."""
    import ipaddress

    from mpp.accounts import limits
    from mpp.accounts.policy import Perm, can
    from mpp.tenancy.models import MppNetwork

    if not can(actor, Perm.MANAGE_MPP, mpp):
        raise PermissionDenied
    try:
        parsed = ipaddress.ip_network(network.strip(), strict=False)
    except ValueError:
        raise NetworkError(
            _("Tuliskan jaringan dalam bentuk CIDR, misalnya 203.0.113.0/28.")
        ) from None
    if parsed.num_addresses > 2 ** (32 - 22 if parsed.version == 4 else 128 - 48):
        raise NetworkError(
            _("Jaringan terlalu luas: paling luas /22 untuk IPv4 atau /48 untuk IPv6.")
        )
    row, _created = MppNetwork.objects.get_or_create(
        mpp=mpp, network=str(parsed), defaults={"label": label.strip()[:100]}
    )
    record_event(
        AuditAction.MPP_NETWORK_CHANGED,
        actor=actor,
        target=mpp,
        request=request,
        data={"network": str(parsed), "added": True},
    )
    transaction.on_commit(limits.networks_changed)
    limits.networks_changed()
    return row


def remove_mpp_network(actor: User, row: MppNetwork, *, request: HttpRequest | None = None) -> None:
    from mpp.accounts import limits
    from mpp.accounts.policy import Perm, can

    if not can(actor, Perm.MANAGE_MPP, row.mpp):
        raise PermissionDenied
    network = row.network
    row.delete()
    record_event(
        AuditAction.MPP_NETWORK_CHANGED,
        actor=actor,
        target=row.mpp,
        request=request,
        data={"network": network, "added": False},
    )
    transaction.on_commit(limits.networks_changed)
    limits.networks_changed()


# --- Email verification ------------------------------------------------------------------------

EMAIL_VERIFICATION_SALT = "mpp.accounts.email-verification"


def email_verification_token(user: User) -> str:
    """A signed token for the user's current address (no row stored): it verifies that address
    only, within ``EMAIL_VERIFICATION_HOURS``, and only while it is still unverified."""
    return signing.dumps({"u": user.pk, "e": user.email.lower()}, salt=EMAIL_VERIFICATION_SALT)


def request_email_verification(user: User, *, next_path: str = "") -> bool:
    """Send the verification link to the user's address, at most once per
    ``EMAIL_VERIFICATION_RESEND_SECONDS`` for one address (a new address may be sent at once), and
    at most
    ``EMAIL_VERIFICATION_SENDS_PER_DAY`` times a day per account; the link is built in the task,
    so no token sits in the task queue. Returns whether it is sent.
    """
    if not user.email or user.email_is_verified:
        return False
    wait_key = f"email-verify:wait:{user.pk}:{hash_token(user.email.lower())[:16]}"
    if not cache.add(wait_key, 1, settings.EMAIL_VERIFICATION_RESEND_SECONDS):
        return False
    day_key = f"email-verify:day:{user.pk}"
    cache.add(day_key, 0, 24 * 60 * 60)
    if cache.incr(day_key) > settings.EMAIL_VERIFICATION_SENDS_PER_DAY:
        return False
    transaction.on_commit(lambda: send_email_verification.enqueue(user.pk, next_path), robust=True)
    return True


class EmailVerification(StrEnum):
    OK = "ok"
    EXPIRED = "expired"
    INVALID = "invalid"  # tampered, or for an address the account no longer has
    USED = "used"
    OTHER_USER = "other_user"


EMAIL_VERIFICATION_MESSAGES = {
    EmailVerification.OK: gettext_lazy("Alamat surel Anda telah diverifikasi. Terima kasih."),
    EmailVerification.EXPIRED: gettext_lazy(
        "Tautan verifikasi ini sudah kedaluwarsa. Masuk, lalu kirim ulang tautan dari halaman "
        "Akun saya."
    ),
    EmailVerification.INVALID: gettext_lazy(
        "Tautan verifikasi ini tidak sah atau bukan untuk alamat surel akun saat ini. Kirim ulang "
        "tautan dari halaman Akun saya."
    ),
    EmailVerification.USED: gettext_lazy(
        "Tautan verifikasi ini sudah dipakai; alamat surel ini sudah terverifikasi."
    ),
    EmailVerification.OTHER_USER: gettext_lazy(
        "Tautan verifikasi ini untuk akun lain. Keluar dahulu, lalu buka tautan ini lagi."
    ),
}


@transaction.atomic
def verify_email(
    token: str, *, viewer: Principal | None = None, request: HttpRequest | None = None
) -> EmailVerification:
    """Mark the address in ``token`` verified, once; ``viewer`` is who opened the link."""
    try:
        data = signing.loads(
            token,
            salt=EMAIL_VERIFICATION_SALT,
            max_age=datetime.timedelta(hours=settings.EMAIL_VERIFICATION_HOURS),
        )
    except signing.SignatureExpired:
        return EmailVerification.EXPIRED
    except signing.BadSignature:
        return EmailVerification.INVALID
    if not isinstance(data, dict) or not isinstance(data.get("u"), int):
        return EmailVerification.INVALID
    user = User.objects.select_for_update().filter(pk=data["u"], is_active=True).first()
    if user is None or not user.email or user.email.lower() != data.get("e"):
        return EmailVerification.INVALID
    if viewer is not None and viewer.is_authenticated and viewer.pk != user.pk:
        return EmailVerification.OTHER_USER
    if user.email_verified_at is not None:
        return EmailVerification.USED
    user.email_verified_at = timezone.now()
    user.save(update_fields=["email_verified_at"])
    record_event(AuditAction.EMAIL_VERIFIED, actor=user, target=user, request=request)
    return EmailVerification.OK


# --- Staff invitations -------------------------------------------------------------------------


class InvitationError(ServiceError):
    """An invitation that cannot be used or accepted, with the message for the person."""


class InvitationState(StrEnum):
    UNKNOWN = "unknown"
    EXPIRED = "expired"
    REVOKED = "revoked"
    USED = "used"


INVITATION_MESSAGES = {
    InvitationState.UNKNOWN: gettext_lazy(
        "Tautan undangan ini tidak dikenal atau tidak utuh. Salin tautan lengkap dari surel "
        "undangan, atau minta pengirim mengirim ulang undangan."
    ),
    InvitationState.EXPIRED: gettext_lazy(
        "Undangan ini sudah kedaluwarsa. Minta pengirim undangan untuk mengirimkannya ulang."
    ),
    InvitationState.REVOKED: gettext_lazy(
        "Undangan ini telah dibatalkan oleh pengirimnya. Hubungi pengirim bila Anda memerlukannya."
    ),
    InvitationState.USED: gettext_lazy(
        "Undangan ini sudah diterima dan tidak dapat dipakai lagi. Silakan masuk dengan akun "
        "petugas Anda."
    ),
}


def invitation_state(invitation: Invitation | None) -> InvitationState | None:
    """Why ``invitation`` cannot be accepted, or None when it can."""
    if invitation is None:
        return InvitationState.UNKNOWN
    if invitation.accepted_at is not None:
        return InvitationState.USED
    if invitation.revoked_at is not None:
        return InvitationState.REVOKED
    if invitation.expires_at <= timezone.now():
        return InvitationState.EXPIRED
    return None


def invitation_for_token(raw: str) -> Invitation | None:
    if not raw or len(raw) > 100:
        return None
    return (
        Invitation.objects.select_related("region", "mpp", "mpp__region", "agency", "invited_by")
        .filter(token_hash=hash_token(raw))
        .first()
    )


def _invitation_summary(invitation: Invitation) -> str:
    return f"{invitation.get_role_display()} — {invitation.scope_label}"


def _record_invitation(
    action: AuditAction,
    invitation: Invitation,
    *,
    actor: User,
    request: HttpRequest | None,
    data: dict[str, Any] | None = None,
) -> None:
    """An invitation's event in the audit log, named by its role and scope (never the address)."""
    summary = _invitation_summary(invitation)
    record_event(
        action, actor=actor, target=invitation, request=request, summary=summary, data=data
    )


def _send_invitation(invitation: Invitation, *, request: HttpRequest | None = None) -> None:
    """A new token for ``invitation`` (the old link stops working) and the email carrying it.

    The raw token lives only in this request and in the email: the mail is sent after the commit
    in-process, never through the task queue, whose rows would store it.
    """
    raw = secrets.token_urlsafe(32)
    now = timezone.now()
    invitation.token_hash = hash_token(raw)
    invitation.sent_at = now
    invitation.expires_at = now + datetime.timedelta(days=settings.INVITATION_LIFETIME_DAYS)
    invitation.save(update_fields=["token_hash", "sent_at", "expires_at"])
    invitation_id = invitation.pk
    transaction.on_commit(lambda: mail_invitation(invitation_id, raw), robust=True)


@transaction.atomic
def invite(
    *,
    inviter: User,
    role: Role,
    email: str,
    name: str,
    region: Region | None = None,
    mpp: MPP | None = None,
    agency: Agency | None = None,
    request: HttpRequest | None = None,
) -> Invitation:
    """Offer ``role`` on the scope to whoever owns ``email``: nothing is granted until the owner
    opens the link and accepts (:func:`accept_invitation`). The same pending offer to the same
    address is sent again with a new link instead of twice."""
    role = Role(role)
    email = (email or "").strip().lower()
    try:
        if CONTROL_CHARACTERS.search(email):
            raise ValidationError("control character")
        validate_email(email)
    except ValidationError:
        raise ValidationError({"email": [_("Alamat surel tidak sah.")]}) from None
    name = (name or "").strip()
    if not name or CONTROL_CHARACTERS.search(name):
        raise ValidationError({"name": [_("Isi nama orang yang diundang.")]})
    scope = {"region": region, "mpp": mpp, "agency": agency}
    _check_grant(role, scope, granted_by=inviter)
    invitation = (
        Invitation.objects.pending()
        .select_for_update()
        .filter(email__iexact=email, role=role, **scope)
        .first()
    )
    if invitation is None:
        invitation = Invitation.objects.create(
            role=role,
            email=email,
            name=name[:150],
            invited_by=inviter,
            token_hash=hash_token(secrets.token_urlsafe(32)),  # replaced by _send_invitation
            expires_at=timezone.now(),
            **scope,
        )
    _send_invitation(invitation, request=request)
    _record_invitation(AuditAction.INVITATION_SENT, invitation, actor=inviter, request=request)
    return invitation


@transaction.atomic
def resend_invitation(
    invitation: Invitation, *, actor: User, request: HttpRequest | None = None
) -> Invitation:
    """A new link for a pending or expired invitation (the old link stops working)."""
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.accepted_at is not None or invitation.revoked_at is not None:
        state = invitation_state(invitation)  # used or revoked
        if state is not None:
            raise InvitationError(str(INVITATION_MESSAGES[state]))
    _check_grant(Role(invitation.role), invitation.scope, granted_by=actor)
    _send_invitation(invitation, request=request)
    resent = {"resent": True}
    _record_invitation(
        AuditAction.INVITATION_SENT, invitation, actor=actor, request=request, data=resent
    )
    return invitation


@transaction.atomic
def revoke_invitation(
    invitation: Invitation, *, actor: User, request: HttpRequest | None = None
) -> Invitation:
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.accepted_at is None and invitation.revoked_at is None:
        summary = _invitation_summary(invitation)
        _stamp_revoked(
            invitation, AuditAction.INVITATION_REVOKED, summary, actor=actor, request=request
        )
    return invitation


@dataclass(frozen=True)
class StaffAccount:
    username: str
    name: str
    password: str


USERNAME_PATTERN = re.compile(r"[a-z0-9][a-z0-9._-]{2,149}")


def staff_account_problems(data: StaffAccount) -> dict[str, list[str]]:
    """What is wrong with a new staff account's username, name and password, by field."""
    errors: dict[str, list[str]] = {}
    username = data.username.strip().lower()
    if (
        not USERNAME_PATTERN.fullmatch(username)
        or username.isdigit()
        or username.startswith("warga-")
    ):
        errors["username"] = [
            _(
                "Nama pengguna 3–150 karakter: huruf kecil, angka, titik, garis bawah atau tanda "
                "hubung, tidak hanya angka, dan tidak diawali warga-."
            )
        ]
    elif User.objects.filter(username__iexact=username).exists():
        errors["username"] = [_("Nama pengguna ini sudah dipakai. Pilih yang lain.")]
    if not data.name.strip() or CONTROL_CHARACTERS.search(data.name):
        errors["name"] = [_("Isi nama lengkap Anda.")]
    try:
        if "\x00" in data.password:
            raise ValidationError(_("Kata sandi tidak boleh berisi karakter kendali."))
        validate_password(data.password, User(username=username, name=data.name))
    except ValidationError as error:
        errors["password"] = list(error.messages)
    return errors


def may_accept_onto(user: Principal, invitation: Invitation) -> bool:
    """An existing account may take the invitation only when it is already a staff account (with
    its second factor) whose verified address is the invited one: never a citizen account."""
    return bool(
        isinstance(user, User)
        and user.is_authenticated
        and user.is_staff_member
        and user.email_is_verified
        and user.email.lower() == invitation.email.lower()
    )


@transaction.atomic
def accept_invitation(
    invitation: Invitation,
    *,
    account: StaffAccount | None = None,
    user: User | None = None,
    request: HttpRequest | None = None,
) -> RoleGrant:
    """The owner of the invited address accepts: either a new staff account from ``account``
    (its address is the invited one, verified by this very link) or the signed-in staff ``user``
    allowed by :func:`may_accept_onto`. The role is granted by the inviter, whose policy must
    still allow it now."""
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    state = invitation_state(invitation)
    if state is not None:
        raise InvitationError(str(INVITATION_MESSAGES[state]))
    inviter = invitation.invited_by
    if inviter is None or not inviter.is_active:
        raise InvitationError(
            _(
                "Pengirim undangan ini tidak lagi berwenang. Minta undangan baru dari pengelola Anda."
            )
        )
    if user is not None:
        if not may_accept_onto(user, invitation):
            raise InvitationError(
                _(
                    "Undangan ini membuat akun petugas tersendiri dan tidak dapat dipasang pada "
                    "akun ini. Keluar dahulu, lalu buka tautan undangan lagi."
                )
            )
    else:
        if account is None:
            raise InvitationError(_("Lengkapi data akun petugas Anda."))
        errors = staff_account_problems(account)
        if errors:
            raise InvitationError(_("Ada yang perlu diperbaiki."), errors)
        user = User(
            username=account.username.strip().lower(),
            name=account.name.strip(),
            email=invitation.email,
            email_verified_at=timezone.now(),
        )
        user.set_password(account.password)
        try:
            with transaction.atomic():
                user.save()
        except IntegrityError:
            message = _("Nama pengguna ini sudah dipakai. Pilih yang lain.")
            raise InvitationError(message, {"username": [message]}) from None
    inviter.__dict__.pop("active_grants", None)  # the inviter's grants as they are now
    try:
        grant = grant_role(
            user, Role(invitation.role), granted_by=inviter, request=request, **invitation.scope
        )
    except ValidationError as error:
        raise InvitationError(" ".join(error.messages)) from None
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.grant = grant
    invitation.save(update_fields=["accepted_at", "accepted_by", "grant"])
    _record_invitation(AuditAction.INVITATION_ACCEPTED, invitation, actor=user, request=request)
    return grant


# --- Sign-in with an OpenID provider (INApas / IKD) ------------------------------------------


class OidcStep(StrEnum):
    """What a first sign-in with the provider needs before the person is in."""

    LINK = "link"  # an account holds the NIK: its owner proves it with the password
    CREATE = "create"  # no account yet (or only a counter's light record): agree and create


def _checked_account(user: User, identity: Identity) -> User:
    if user.nik != identity.nik:
        raise OidcFailure(Failure.NIK_CHANGED)
    if not user.is_active:
        raise OidcFailure(Failure.INACTIVE)
    return user


def account_for_identity(identity: Identity) -> User | OidcStep:
    """The account this identity signs in to, or the step a first sign-in takes.

    An account is reached through its linked identity only (issuer and subject), never through
    the NIK alone: the provider vouching for a NIK does not prove the person owns the account that
    holds it, so an account with that NIK is linked only after its password (``link_identity``).
    """
    link = (
        OidcIdentity.objects.filter(issuer=identity.issuer, subject=identity.subject)
        .select_related("user")
        .first()
    )
    if link is not None:
        user = _checked_account(link.user, identity)
        OidcIdentity.objects.filter(pk=link.pk).update(last_login_at=timezone.now())
        return user
    holder = User.objects.filter(nik=identity.nik).first()
    if holder is None or holder.is_light_record:
        return OidcStep.CREATE
    return OidcStep.LINK


def account_holding(identity: Identity) -> User | None:
    """The account (not a light record) that holds the identity's NIK."""
    return User.objects.filter(nik=identity.nik, is_light_record=False).first()


@transaction.atomic
def link_identity(user: User, identity: Identity, *, request: HttpRequest | None = None) -> User:
    """Link ``identity`` to ``user``, whose owner has just proved the account with its password."""
    user = _checked_account(user, identity)
    if OidcIdentity.objects.filter(user=user, issuer=identity.issuer).exists():
        raise OidcFailure(Failure.ALREADY_LINKED)
    try:
        with transaction.atomic():
            OidcIdentity.objects.create(
                user=user,
                issuer=identity.issuer,
                subject=identity.subject,
                last_login_at=timezone.now(),
            )
    except IntegrityError:  # the same identity linked a moment ago (another tab)
        raise OidcFailure(Failure.ALREADY_LINKED) from None
    record_event(AuditAction.IDENTITY_LINKED, actor=user, target=user, request=request)
    return user


class OidcAccountError(ServiceError):
    pass


def _birth_date_from(identity: Identity) -> datetime.date | None:
    """The provider's birth date when it is a date that agrees with the NIK, else none."""
    try:
        birth_date = datetime.date.fromisoformat(identity.birthdate)
        validate_nik(identity.nik, birth_date)
    except (ValueError, ValidationError):
        return None
    return birth_date


@transaction.atomic
def create_account_for_identity(
    identity: Identity, *, consent: bool, request: HttpRequest | None = None
) -> User:
    """A citizen account for a person the provider vouched for, marked "identitas terverifikasi"
    by its identity; a counter's light record with the NIK becomes that account. No password:
    the person signs in with the provider (or sets a password through the reset link later)."""
    if not consent:
        raise OidcAccountError(
            errors={"consent": [_("Setujui pemberitahuan privasi untuk membuat akun.")]}
        )
    user = User.objects.select_for_update().filter(nik=identity.nik).first()
    if user is not None and not user.is_light_record:
        raise OidcFailure(Failure.ALREADY_LINKED)
    if user is None:
        user = User(username=_citizen_username(), nik=identity.nik)
        user.set_unusable_password()
    user.name = identity.name.strip() or user.name or _("Warga")
    user.birth_date = _birth_date_from(identity) or user.birth_date
    user.is_light_record = False
    try:
        with transaction.atomic():
            user.save()
            OidcIdentity.objects.create(
                user=user,
                issuer=identity.issuer,
                subject=identity.subject,
                created_account=True,
                last_login_at=timezone.now(),
            )
    except IntegrityError:  # the same NIK or identity registered a moment ago
        raise OidcFailure(Failure.ALREADY_LINKED) from None
    PrivacyConsent.objects.create(user=user, notice_version=PRIVACY_NOTICE_VERSION)
    record_event(
        AuditAction.CITIZEN_REGISTERED,
        actor=user,
        target=user,
        request=request,
        data={"identity": "oidc"},
    )
    return user
