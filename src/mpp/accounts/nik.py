"""NIK (Nomor Induk Kependudukan) validation.

A NIK is 16 digits ``PP KK CC DDMMYY SSSS``: province, kab/kota and kecamatan of first registration,
birth date (40 is added to the day for women) and a serial from 0001. The two-digit year does not say
the century, so the birth date the person gives must agree with it.
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
from dataclasses import dataclass
from functools import cache

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from mpp.regions.data import read_provinces, read_regencies


@cache
def _known_codes() -> tuple[frozenset[str], frozenset[str]]:
    provinces = frozenset(row["code"] for row in read_provinces())
    regencies = frozenset(row["code"] for row in read_regencies())
    return provinces, regencies


@dataclass(frozen=True)
class NikFacts:
    province_code: str
    region_code: str
    district_code: str
    day: int
    month: int
    year_2digit: int
    female: bool
    serial: str


def normalize_nik(value: object) -> str:
    """A NIK as typed (``2171 0115 0890 0003``, ``2171-0115-0890-0003``) without its separators;
    anything else is left for :func:`parse_nik` to explain."""
    return "".join(ch for ch in str(value or "") if ch not in " \t-._").strip()


def parse_nik(value: str) -> NikFacts:
    """Return what a NIK says, or raise ValidationError naming the part that is wrong."""
    nik = (value or "").strip()
    if not nik.isdigit() or not nik.isascii():
        raise ValidationError(_("NIK hanya boleh berisi angka."), code="nik_digits")
    if len(nik) != 16:
        raise ValidationError(
            _("NIK harus 16 digit; yang Anda masukkan %(count)d digit.") % {"count": len(nik)},
            code="nik_length",
        )
    provinces, regencies = _known_codes()
    if nik[:2] not in provinces:
        raise ValidationError(
            _("Dua digit pertama NIK (%(code)s) bukan kode provinsi yang dikenal.")
            % {"code": nik[:2]},
            code="nik_province",
        )
    if nik[:4] not in regencies:
        raise ValidationError(
            _("Digit ketiga dan keempat NIK (%(code)s) bukan kode kabupaten/kota yang dikenal.")
            % {"code": nik[:4]},
            code="nik_region",
        )
    day, month, year = int(nik[6:8]), int(nik[8:10]), int(nik[10:12])
    female = day > 40
    if female:
        day -= 40
    # 2000 is a leap year, so 29 February is accepted here; the birth date check settles the century.
    try:
        datetime.date(2000, month, day)
    except ValueError:
        raise ValidationError(
            _("Digit ketujuh sampai kedua belas NIK bukan tanggal lahir yang sah."), code="nik_date"
        ) from None
    if nik[12:] == "0000":
        raise ValidationError(_("Empat digit terakhir NIK tidak boleh 0000."), code="nik_serial")
    return NikFacts(nik[:2], nik[:4], nik[:6], day, month, year, female, nik[12:])


def validate_nik(value: str, birth_date: datetime.date | None = None) -> NikFacts:
    """Validate a NIK and, when given, check that the birth date agrees with it."""
    facts = parse_nik(value)
    if birth_date is not None and (
        birth_date.day != facts.day
        or birth_date.month != facts.month
        or birth_date.year % 100 != facts.year_2digit
    ):
        raise ValidationError(
            _("Tanggal lahir tidak sesuai dengan tanggal lahir yang tercantum dalam NIK."),
            code="nik_birth_date",
        )
    return facts


def mask_nik(value: str | None) -> str:
    """Show a NIK as ``2171********0003`` (region and serial only)."""
    if not value:
        return ""
    return value[:4] + "*" * 8 + value[12:]


def nik_digest(nik: str) -> str:
    """A keyed digest of a NIK for matching it where it must not be stored (lockouts, labels).

    A plain hash of a NIK is recovered by trying every plausible NIK (region codes x birth dates x
    low serials is under a million candidates); an HMAC under a secret pepper cannot be, unless the
    pepper leaks too. ``MPP_NIK_PEPPER`` is required in production; see docs/operations.md for
    rotating it.
    """
    from django.conf import settings

    key = settings.MPP_NIK_PEPPER.encode()
    return hmac.new(key, nik.encode(), hashlib.sha256).hexdigest()
