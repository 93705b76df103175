"""Citizens (one for every three applications, each living in one MPP's kab/kota) and officers.

Citizens get a valid-looking NIK of their kab/kota (stored as the product stores it, the
digits) and an unusable password. Every unit (an agency at an MPP) gets two officers with the
``officer`` role, the demo staff password and the demo TOTP secret (README.md), so a load test can
sign in as any of them; the demo officers of Kota Batam join their own units.
"""

from __future__ import annotations

import datetime

from bench.data.base import Context

FIRST = [
    "Budi",
    "Siti",
    "Agus",
    "Dewi",
    "Rina",
    "Andi",
    "Putri",
    "Eko",
    "Sri",
    "Joko",
    "Wahyu",
    "Ratna",
    "Hendra",
    "Maya",
    "Yusuf",
    "Fajar",
    "Indah",
    "Rudi",
    "Lestari",
    "Bayu",
    "Nur",
    "Ahmad",
    "Fitri",
    "Dimas",
    "Ayu",
    "Rizky",
    "Wulan",
    "Arif",
    "Dian",
    "Bambang",
    "Yuni",
    "Teguh",
]
LAST = [
    "Santoso",
    "Rahmawati",
    "Wijaya",
    "Pratama",
    "Lestari",
    "Hidayat",
    "Saputra",
    "Kusuma",
    "Nugroho",
    "Sari",
    "Hamdani",
    "Ramadhan",
    "Siregar",
    "Nasution",
    "Harahap",
    "Simanjuntak",
    "Purba",
    "Gunawan",
    "Setiawan",
    "Susanto",
    "Hakim",
]
OFFICERS_PER_UNIT = 2


def citizens_for(applications: int) -> int:
    return max(100, applications // 3)


def _nik(region: str, local: int, rng) -> str:
    """``PP KK CC DDMMYY SSSS``: kecamatan and serial encode ``local`` (unique per kab/kota)."""
    day = rng.randint(1, 28) + (40 if rng.random() < 0.5 else 0)
    month, year = rng.randint(1, 12), rng.randint(50, 105) % 100
    return f"{region}{1 + local // 9999:02d}{day:02d}{month:02d}{year:02d}{1 + local % 9999:04d}"


def generate(ctx: Context) -> None:
    from django.contrib.auth.hashers import make_password
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from mpp.accounts.demo import DEMO_STAFF_PASSWORD, DEMO_TOTP_KEY_HEX
    from mpp.accounts.models import RoleGrant, User

    rng = ctx.rng("accounts")
    mpps = ctx.facts["mpps"]
    weights = ctx.facts["mpp_weights"]
    total = citizens_for(ctx.applications)
    joined = ctx.anchor - datetime.timedelta(days=760)
    first_user = ctx.next_id("accounts_user")

    # Citizens: a block of consecutive ids per MPP, sized by the MPP's share of applications.
    blocks: dict[int, tuple[int, int]] = {}
    start = first_user
    previous = 0.0
    for mpp, cumulative in zip(mpps, weights, strict=True):
        share = (cumulative - previous) / weights[-1]
        previous = cumulative
        size = max(5, round(total * share))
        blocks[mpp.pk] = (start, start + size)
        start += size
    citizen_end = start

    def citizens():
        for mpp in mpps:
            low, high = blocks[mpp.pk]
            for local, pk in enumerate(range(low, high)):
                name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
                nik = _nik(mpp.region_id, local, rng)
                yield (pk, "!", False, f"bench-warga-{pk}", "", "", "", False, True, joined,
                       name, nik, None, "", False, "")  # fmt: skip

    columns = ["id", "password", "is_superuser", "username", "first_name", "last_name", "email",
               "is_staff", "is_active", "date_joined", "name", "nik", "birth_date", "phone",
               "is_light_record", "session_stamp"]  # fmt: skip
    ctx.copy(User, columns, citizens(), total=citizen_end - first_user, label="citizens")

    # Officers: two per unit (agency at an MPP); the demo officers of Batam are in their units.
    password = make_password(DEMO_STAFF_PASSWORD)
    units = sorted({(s.agency_id, s.mpp_id) for ss in ctx.facts["services"].values() for s in ss})
    officers: dict[tuple[int, int], list[int]] = {}
    for grant in RoleGrant.objects.active().filter(role="officer", mpp__isnull=False):
        officers.setdefault((grant.agency_id, grant.mpp_id), []).append(grant.user_id)
    new_officers = []
    pk = citizen_end
    for unit in units:
        for n in range(OFFICERS_PER_UNIT):
            new_officers.append((pk, unit, n))
            officers.setdefault(unit, []).append(pk)
            pk += 1
    ctx.copy(
        User,
        columns,
        (
            (pk, password, False, f"petugas.{unit[0]}.{unit[1]}.{n + 1}", "", "", "", False, True,
             joined, f"{rng.choice(FIRST)} {rng.choice(LAST)}", None, None, "", False, "")
            for pk, unit, n in new_officers
        ),
        total=len(new_officers),
        label="officers",
    )  # fmt: skip
    ctx.copy(
        RoleGrant,
        ["user_id", "role", "region_id", "mpp_id", "agency_id", "granted_by_id", "granted_at",
         "revoked_at"],
        ((pk, "officer", None, unit[1], unit[0], None, joined, None)
         for pk, unit, _n in new_officers),
        total=len(new_officers),
        label="role grants",
    )  # fmt: skip
    ctx.copy(
        TOTPDevice,
        ["user_id", "name", "confirmed", "key", "step", "t0", "digits", "tolerance", "drift",
         "last_t", "throttling_failure_count", "created_at"],
        ((pk, "Aplikasi autentikator", True, DEMO_TOTP_KEY_HEX, 30, 0, 6, 1, 0, -1, 0, joined)
         for pk, _unit, _n in new_officers),
        total=len(new_officers),
        label="TOTP devices",
    )  # fmt: skip
    ctx.facts["citizen_blocks"] = blocks
    ctx.facts["officers"] = officers
    ctx.facts["demo_citizen"] = User.objects.get(username="warga-demo-0003").pk
    ctx.state["citizen_blocks"] = {str(pk): list(block) for pk, block in blocks.items()}


def remember(ctx: Context) -> None:
    """Rebuild what :func:`generate` leaves for later modules, on an existing data set (``--add``)."""
    from mpp.accounts.models import RoleGrant, User

    ctx.facts["citizen_blocks"] = {
        int(pk): tuple(block) for pk, block in ctx.state["citizen_blocks"].items()
    }
    officers: dict[tuple[int, int], list[int]] = {}
    grants = RoleGrant.objects.active().filter(role="officer", mpp__isnull=False).order_by("id")
    for agency, mpp, user in grants.values_list("agency_id", "mpp_id", "user_id"):
        officers.setdefault((agency, mpp), []).append(user)
    ctx.facts["officers"] = officers
    ctx.facts["demo_citizen"] = User.objects.get(username="warga-demo-0003").pk
