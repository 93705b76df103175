"""Every write about accounts: registration, roles, two-factor devices and API tokens."""

from __future__ import annotations

import datetime
import re
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_otp.plugins.otp_totp.models import TOTPDevice

from mpp.accounts.models import ROLE_SCOPE_FIELDS, ApiToken, Role, RoleGrant, User, hash_token
from mpp.accounts.nik import validate_nik
from mpp.audit.models import AuditAction
from mpp.audit.services import record_event
from mpp.tenancy.models import AgencyPresence


@dataclass(frozen=True)
class CitizenRegistration:
    nik: str
    name: str
    birth_date: datetime.date
    password: str
    email: str = ""
    phone: str = ""


PHONE_PATTERN = re.compile(r"\+?[0-9]{8,20}")
# NUL and other C0 control characters: PostgreSQL refuses NUL in text, and none belongs in a name.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f]")


def nik_is_registered(nik: str) -> bool:
    """A full account (not a counter light record) already uses this NIK."""
    return User.objects.filter(nik=nik, is_light_record=False).exists()


def check_citizen_registration(data: CitizenRegistration) -> dict[str, list[str]]:
    """Every problem with a registration, by field (empty when it can be saved)."""
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
        if nik_is_registered(data.nik):
            add(
                "nik",
                ValidationError(NIK_TAKEN),
            )
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
    if (
        data.email
        and "email" not in errors
        and User.objects.filter(email__iexact=data.email, is_light_record=False).exists()
    ):
        add("email", ValidationError(EMAIL_TAKEN))
    try:
        if "\x00" in data.password:
            raise ValidationError(_("Kata sandi tidak boleh berisi karakter kendali."))
        validate_password(data.password, User(name=data.name, email=data.email, nik=data.nik))
    except ValidationError as error:
        add("password", error)
    return errors


NIK_TAKEN = gettext_lazy("NIK ini sudah terdaftar. Silakan masuk atau atur ulang kata sandi.")
EMAIL_TAKEN = gettext_lazy("Alamat surel ini sudah dipakai akun lain.")


def register_citizen_without_oracle(data: CitizenRegistration, *, request=None) -> User | None:
    """Register like :func:`register_citizen`, without telling a stranger whether the NIK or the
    email is already registered.

    Problems with the data itself still raise ``RegistrationError``. When the NIK or the email
    belongs to an account, nothing is created, the owner is told by email (someone may be trying
    their identity, or they forgot they have an account) and None is returned: the caller answers
    exactly as for a new account, whose next step is to log in.
    """
    errors = {
        field: kept
        for field, messages in check_citizen_registration(data).items()
        if (kept := [m for m in messages if m not in (str(NIK_TAKEN), str(EMAIL_TAKEN))])
    }
    if errors:
        raise RegistrationError(errors)
    owners = list(
        User.objects.filter(is_light_record=False, is_active=True).filter(
            models.Q(nik=data.nik) | models.Q(email__iexact=data.email.strip() or None)
        )
    )
    if not owners:
        try:
            return register_citizen(data, request=request)
        except RegistrationError:  # a concurrent registration of the same NIK won
            owners = list(User.objects.filter(nik=data.nik, is_light_record=False))
    for owner in owners:
        _warn_owner_of_registration_attempt(owner)
    return None


def _warn_owner_of_registration_attempt(owner: User) -> None:
    if not owner.email:
        return
    base = settings.MPP_PUBLIC_BASE_URL.rstrip("/")
    body = _(
        "Yth. %(name)s,\n\nSeseorang baru saja mencoba mendaftarkan akun baru di MPP Digital "
        "dengan NIK atau alamat surel yang sudah terhubung dengan akun Anda. Akun Anda tidak "
        "berubah.\n\nJika itu Anda, silakan masuk, atau atur ulang kata sandi di "
        "%(reset)s.\nJika bukan Anda, abaikan surel ini.\n\nMPP Digital"
    ) % {"name": owner.name or owner.username, "reset": f"{base}/akun/sandi/lupa/"}
    transaction.on_commit(
        lambda: send_mail(
            _("Percobaan pendaftaran dengan data akun Anda"),
            body,
            None,
            [owner.email],
            fail_silently=True,
        )
    )


class RegistrationError(Exception):
    def __init__(self, errors: dict[str, list[str]]):
        super().__init__("registration refused")
        self.errors = errors


@transaction.atomic
def register_citizen(data: CitizenRegistration, *, request=None) -> User:
    """Create a citizen account, or complete the light record an officer made at the counter."""
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
    record_event(AuditAction.CITIZEN_REGISTERED, actor=user, target=user, request=request)
    return user


def _citizen_username() -> str:
    return "warga-" + secrets.token_hex(6)


@transaction.atomic
def grant_role(
    user: User,
    role: Role,
    *,
    granted_by: User | None = None,
    region=None,
    mpp=None,
    agency=None,
    request=None,
) -> RoleGrant:
    scope = {"region": region, "mpp": mpp, "agency": agency}
    needed = ROLE_SCOPE_FIELDS[role]
    for field, value in scope.items():
        if (field in needed) != (value is not None):
            raise ValidationError(_("Cakupan peran tidak sesuai dengan jenis perannya."))
    if user.is_light_record or not user.is_active:
        raise ValidationError(_("Pengguna ini belum memiliki akun aktif."))
    if (
        role == Role.OFFICER
        and not AgencyPresence.objects.filter(agency=agency, mpp=mpp, is_active=True).exists()
    ):
        raise ValidationError(_("Instansi tersebut tidak melayani di MPP yang dipilih."))
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
    user.__dict__.pop("active_grants", None)
    return grant


@transaction.atomic
def revoke_role(grant: RoleGrant, *, revoked_by: User | None = None, request=None) -> RoleGrant:
    if grant.revoked_at is None:
        grant.revoked_at = timezone.now()
        grant.save(update_fields=["revoked_at"])
        record_event(
            AuditAction.ROLE_REVOKED,
            actor=revoked_by,
            target=grant,
            request=request,
            summary=f"{grant.get_role_display()} — {grant.scope_label}",
            data={"user_id": grant.user_id},
        )
    return grant


def confirmed_totp_device(user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def start_totp_setup(user: User) -> TOTPDevice:
    """The unconfirmed device whose secret the user is about to scan (reused until confirmed)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="default", confirmed=False)
    return device


@transaction.atomic
def confirm_totp_setup(user: User, device: TOTPDevice, code: str, *, request=None) -> bool:
    if not device.verify_token(code.strip()):
        record_event(AuditAction.OTP_FAILED, actor=user, target=user, request=request)
        return False
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    record_event(AuditAction.OTP_SETUP, actor=user, target=user, request=request)
    return True


def verify_totp(user: User, code: str, *, request=None) -> TOTPDevice | None:
    device = confirmed_totp_device(user)
    if device is not None and code and device.verify_token(code.strip()):
        return device
    record_event(AuditAction.OTP_FAILED, actor=user, target=user, request=request)
    return None


def token_lifetime(user: User) -> datetime.timedelta:
    hours = (
        settings.API_STAFF_TOKEN_LIFETIME_HOURS
        if user.is_staff_member
        else settings.API_TOKEN_LIFETIME_HOURS
    )
    return datetime.timedelta(hours=hours)


@transaction.atomic
def issue_token(user: User, *, name: str = "", request=None) -> tuple[ApiToken, str]:
    """Create a bearer token; returns the row and the raw value (shown once, never stored)."""
    raw = "mpp_" + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        key_hash=hash_token(raw),
        prefix=raw[4:12],
        name=name[:100],
        expires_at=timezone.now() + token_lifetime(user),
    )
    record_event(
        AuditAction.TOKEN_ISSUED, actor=user, target=token, request=request, summary=token.prefix
    )
    return token, raw


@transaction.atomic
def revoke_token(token: ApiToken, *, revoked_by: User | None = None, request=None) -> ApiToken:
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        record_event(
            AuditAction.TOKEN_REVOKED,
            actor=revoked_by,
            target=token,
            request=request,
            summary=token.prefix,
        )
    return token


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
