"""Tokens, citizen registration and the caller's own account."""

from __future__ import annotations

import datetime

from django.contrib.auth import authenticate
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status
from pydantic import Field

from mpp.accounts import limits, services
from mpp.accounts.models import RoleGrant, User
from mpp.api.auth import BearerRequest, bearer
from mpp.api.problems import Problem, ProblemOut
from mpp.api.types import IdentityCheck
from mpp.integrations.selectors import registration_check_of

router = Router(tags=["akun"])


class TokenRequest(Schema):
    username: str = Field(max_length=150, description="NIK (warga) atau nama pengguna (petugas)")
    password: str = Field(max_length=256)
    otp: str | None = Field(
        default=None, max_length=12, description="Kode TOTP; wajib bagi petugas"
    )


class TokenOut(Schema):
    token: str
    expires_at: datetime.datetime


@router.post(
    "/auth/token",
    response={201: TokenOut, 400: ProblemOut, 401: ProblemOut, 422: ProblemOut, 429: ProblemOut},
    summary="Menerbitkan token bearer",
)
def create_token(request: HttpRequest, payload: TokenRequest) -> Status[TokenOut]:
    user = authenticate(request, username=payload.username, password=payload.password)
    if getattr(request, "axes_locked_out", False):
        title, detail, seconds = limits.lockout()
        raise Problem(429, title, detail, headers={"Retry-After": str(seconds)})
    if user is None:
        raise Problem(401, _("NIK/nama pengguna atau kata sandi salah."))
    if user.is_staff_member:
        if services.confirmed_totp_device(user) is None:
            raise Problem(
                403,
                _("Verifikasi dua langkah belum diatur."),
                _("Atur dulu verifikasi dua langkah melalui situs web."),
            )
        if not payload.otp:
            raise Problem(
                401,
                _("Kode verifikasi dua langkah wajib diisi."),
                errors={"otp": [_("Wajib diisi.")]},
            )
        device, result = services.verify_totp(user, payload.otp, request=request)
        if device is None:
            message = services.otp_message(result)
            if result == services.OtpResult.LOCKED:
                raise Problem(429, message)
            raise Problem(401, _("Kode verifikasi dua langkah salah."), errors={"otp": [message]})
    token, raw = services.issue_token(
        user, name="api", second_factor=user.is_staff_member, request=request
    )
    return Status(201, TokenOut(token=raw, expires_at=token.expires_at))


@router.delete(
    "/auth/token", auth=bearer, response={204: None}, summary="Mencabut token yang sedang dipakai"
)
def revoke_current_token(request: BearerRequest) -> Status[None]:
    services.revoke_token(request.auth.current_token, revoked_by=request.auth, request=request)
    return Status(204, None)


class CitizenIn(Schema):
    nik: str = Field(max_length=32)
    name: str = Field(max_length=150)
    birth_date: datetime.date
    email: str | None = Field(default=None, max_length=254)
    phone: str | None = Field(default=None, max_length=20)
    password: str = Field(max_length=256)
    privacy_consent: bool = Field(
        default=False,
        description="wajib `true`: pemohon menyetujui pemberitahuan privasi (`/akun/privasi/`)",
    )


class GrantOut(Schema):
    role: str
    role_label: str
    scope: str = Field(alias="scope_label")
    region: str | None = Field(alias="region_id")
    mpp: int | None = Field(alias="mpp_id")
    agency: int | None = Field(alias="agency_id")

    @staticmethod
    def resolve_role_label(grant: RoleGrant) -> str:
        return str(grant.get_role_display())


class MeOut(Schema):
    id: int
    name: str
    nik_masked: str | None
    email: str
    phone: str
    is_staff: bool = Field(alias="is_staff_member")
    roles: list[GrantOut] = Field(alias="active_grants")
    identity_check: IdentityCheck | None = Field(
        default=None,
        description=(
            "pemeriksaan NIK akun ke Dukcapil saat pendaftaran: `pending`, `matched` (cocok), "
            "`not_matched` (tidak cocok), `unavailable` (akan dicek ulang); `null` bila tidak "
            "ada pemeriksaan"
        ),
    )

    @staticmethod
    def resolve_identity_check(user: User) -> str | None:
        check = registration_check_of(user)
        return check.state if check else None

    @staticmethod
    def resolve_name(user: User) -> str:
        return user.name or user.username

    @staticmethod
    def resolve_nik_masked(user: User) -> str | None:
        return user.masked_nik or None


# The registration service names its errors as the web form does; the API names them as its body.
REGISTRATION_FIELDS = {"consent": "privacy_consent"}


class RegistrationAccepted(Schema):
    status: str = Field(description="selalu `accepted`")
    detail: str
    next: str = Field(description="langkah berikutnya: `POST /api/v1/auth/token`")


@router.post(
    "/citizens",
    response={202: RegistrationAccepted, 422: ProblemOut},
    summary="Mendaftarkan warga",
    description=(
        "Jawaban 202 sama untuk pendaftaran baru maupun NIK atau surel yang sudah terdaftar, "
        "agar tidak ada yang dapat menebak siapa yang terdaftar; pemilik akun yang sudah ada "
        "diberi tahu lewat surel. Langkah berikutnya: meminta token dengan NIK dan kata sandi."
    ),
)
def register_citizen(request: HttpRequest, payload: CitizenIn) -> Status[RegistrationAccepted]:
    registration = services.CitizenRegistration(
        nik=payload.nik.strip(),
        name=payload.name,
        birth_date=payload.birth_date,
        password=payload.password,
        email=payload.email or "",
        phone=(payload.phone or "").replace(" ", ""),
        consent=payload.privacy_consent,
    )
    try:
        services.register_citizen_without_oracle(registration, request=request)
    except services.RegistrationError as error:
        errors = {
            REGISTRATION_FIELDS.get(name, name): messages for name, messages in error.errors.items()
        }
        raise Problem(422, _("Data yang dikirim tidak sah."), errors=errors) from None
    return Status(
        202,
        RegistrationAccepted(
            status="accepted",
            detail=_(
                "Pendaftaran diterima. Masuk dengan NIK dan kata sandi Anda. Jika NIK atau "
                "surel ini sudah terdaftar, pemilik akunnya kami beri tahu lewat surel."
            ),
            next="/api/v1/auth/token",
        ),
    )


@router.get("/me", auth=bearer, response=MeOut, summary="Pemanggil beserta peran dan cakupannya")
def me(request: BearerRequest) -> User:
    return request.auth
