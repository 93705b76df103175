"""Tokens, citizen registration and the caller's own account."""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib.auth import authenticate
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status
from pydantic import Field

from mpp.accounts import limits, services
from mpp.accounts.models import User
from mpp.api.auth import ApiRequest, BearerToken
from mpp.api.problems import Problem, ProblemOut

router = Router(tags=["akun"])
bearer = BearerToken()


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
def create_token(request: HttpRequest, payload: TokenRequest) -> Status[dict[str, Any]]:
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
    return Status(201, {"token": raw, "expires_at": token.expires_at})


@router.delete(
    "/auth/token", auth=bearer, response={204: None}, summary="Mencabut token yang sedang dipakai"
)
def revoke_current_token(request: ApiRequest) -> Status[None]:
    token = request.auth.current_token  # set by the bearer authentication
    if token is not None:
        services.revoke_token(token, revoked_by=request.auth, request=request)
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
    scope: str
    region: str | None
    mpp: int | None
    agency: int | None


class MeOut(Schema):
    id: int
    name: str
    nik_masked: str | None
    email: str
    phone: str
    is_staff: bool
    roles: list[GrantOut]


def _me(user: User) -> dict[str, Any]:
    return {
        "id": user.pk,
        "name": user.name or user.username,
        "nik_masked": user.masked_nik or None,
        "email": user.email,
        "phone": user.phone,
        "is_staff": user.is_staff_member,
        "roles": [
            {
                "role": grant.role,
                "role_label": str(grant.get_role_display()),
                "scope": grant.scope_label,
                "region": grant.region_id,
                "mpp": grant.mpp_id,
                "agency": grant.agency_id,
            }
            for grant in user.active_grants
        ],
    }


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
def register_citizen(request: HttpRequest, payload: CitizenIn) -> Status[dict[str, Any]]:
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
        raise Problem(422, _("Data yang dikirim tidak sah."), errors=error.errors) from None
    return Status(
        202,
        {
            "status": "accepted",
            "detail": _(
                "Pendaftaran diterima. Masuk dengan NIK dan kata sandi Anda. Jika NIK atau "
                "surel ini sudah terdaftar, pemilik akunnya kami beri tahu lewat surel."
            ),
            "next": "/api/v1/auth/token",
        },
    )


@router.get("/me", auth=bearer, response=MeOut, summary="Pemanggil beserta peran dan cakupannya")
def me(request: ApiRequest) -> dict[str, Any]:
    return _me(request.auth)
