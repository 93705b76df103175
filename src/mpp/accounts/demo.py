"""Demo accounts for every role (README lists them). Never loaded outside the demo."""

from __future__ import annotations

import datetime

from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from mpp.accounts.models import Role, RoleGrant, User
from mpp.tenancy.models import MPP, Agency

# RFC 6238's test secret ("12345678901234567890"), base32 GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ: demo only.
DEMO_TOTP_KEY_HEX = "3132333435363738393031323334353637383930"
DEMO_TOTP_SECRET_BASE32 = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"  # noqa: S105
DEMO_STAFF_PASSWORD = "Petugas-Demo-2026"  # noqa: S105
DEMO_CITIZEN_PASSWORD = "Warga-Demo-2026"  # noqa: S105

CITIZENS = [
    # NIK, name, birth date (the NIK's date; women have 40 added to the day)
    ("2171011508900003", "Budi Santoso", datetime.date(1990, 8, 15)),
    ("2171055204950001", "Siti Rahmawati", datetime.date(1995, 4, 12)),
]

STAFF = [
    # username, name, role, agency slug, MPP slug, region code
    ("petugas.dukcapil", "Rina Marlina", Role.OFFICER, "disdukcapil-batam", "mpp-kota-batam", None),
    ("petugas.dinkes", "dr. Andi Pratama", Role.OFFICER, "dinkes-batam", "mpp-kota-batam", None),
    ("admin.dukcapil", "Hendra Wijaya", Role.AGENCY_ADMIN, "disdukcapil-batam", None, None),
    ("admin.dinkes", "Maya Sari", Role.AGENCY_ADMIN, "dinkes-batam", None, None),
    ("pengelola.batam", "Yusuf Hamdani", Role.MPP_MANAGER, None, "mpp-kota-batam", None),
    ("admin.batam", "Dewi Lestari", Role.REGIONAL_ADMIN, None, None, "2171"),
    (
        "petugas.yogya",
        "Wahyu Nugroho",
        Role.OFFICER,
        "disdukcapil-yogyakarta",
        "mpp-kota-yogyakarta",
        None,
    ),
    ("admin.kemenpanrb", "Ratna Kusuma", Role.MINISTRY_ADMIN, None, None, None),
    ("analis.kemenpanrb", "Fajar Ramadhan", Role.MINISTRY_ANALYST, None, None, None),
]


def load() -> None:
    for nik, name, birth_date in CITIZENS:
        user, created = User.objects.get_or_create(
            nik=nik,
            defaults={"username": f"warga-demo-{nik[-4:]}", "name": name, "birth_date": birth_date},
        )
        if created:
            user.set_password(DEMO_CITIZEN_PASSWORD)
            user.email = f"warga{nik[-4:]}@contoh.id"
            user.email_verified_at = timezone.now()
            user.save()
    for username, name, role, agency_slug, mpp_slug, region_code in STAFF:
        user = demo_staff(username, name)
        scope = {
            "agency": Agency.objects.get(slug=agency_slug) if agency_slug else None,
            "mpp": MPP.objects.get(slug=mpp_slug) if mpp_slug else None,
            "region_id": region_code,
        }
        demo_grant(user, role, **scope)


def demo_grant(user: User, role: str, **scope: object) -> None:
    """Grant ``role`` on ``scope`` unless an active grant says so already (the demo loads twice)."""
    if not RoleGrant.objects.active().filter(user=user, role=role, **scope).exists():
        RoleGrant.objects.create(user=user, role=role, **scope)


def demo_staff(username: str, name: str) -> User:
    """A demo staff account (kept when it exists): the demo password, a verified address and the
    demo TOTP device, so it signs in with the code ``make totp`` prints. Other apps' demo data
    creates its staff through this."""
    user, created = User.objects.get_or_create(username=username, defaults={"name": name})
    if created:
        user.set_password(DEMO_STAFF_PASSWORD)
        user.email = f"{username}@contoh.go.id"
        user.email_verified_at = timezone.now()
        user.save()
    TOTPDevice.objects.get_or_create(
        user=user, defaults={"name": "demo", "key": DEMO_TOTP_KEY_HEX, "confirmed": True}
    )
    return user
