"""How dates, money and times are shown: ``27 November 2026``, ``Rp 10.000``, ``14.30 WIB``."""

from __future__ import annotations

import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.utils import timezone
from django.utils.translation import get_language

from mpp.regions.localtime import NATIONAL_ZONE_NAME
from mpp.regions.models import TIME_ZONE_ABBREVIATIONS

MONTHS_ID = (
    "Januari", "Februari", "Maret", "April", "Mei", "Juni",
    "Juli", "Agustus", "September", "Oktober", "November", "Desember",
)  # fmt: skip
MONTHS_EN = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip


def format_date(value: datetime.date | datetime.datetime | None) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    months = MONTHS_EN if (get_language() or "id").startswith("en") else MONTHS_ID
    return f"{value.day} {months[value.month - 1]} {value.year}"


def format_local_date(value: datetime.datetime | None, tz_name: str = NATIONAL_ZONE_NAME) -> str:
    """The day of a moment in the given zone (an activity at 23.30 WIT is on its WIT day)."""
    if value is None:
        return ""
    return format_date(_local(value, tz_name).date())


def format_datetime(value: datetime.datetime | None, tz_name: str = NATIONAL_ZONE_NAME) -> str:
    """A moment in the given zone, with its Indonesian abbreviation (WIB, WITA, WIT)."""
    if value is None:
        return ""
    return f"{format_local_date(value, tz_name)} {format_time(value, tz_name)}"


def format_time(value: datetime.datetime | None, tz_name: str = NATIONAL_ZONE_NAME) -> str:
    """The time of a moment in the given zone with its abbreviation: ``14.30 WIB``."""
    if value is None:
        return ""
    local = _local(value, tz_name)
    separator = ":" if (get_language() or "id").startswith("en") else "."
    return f"{local:%H}{separator}{local:%M} {TIME_ZONE_ABBREVIATIONS.get(tz_name, tz_name)}"


def _local(value: datetime.datetime, tz_name: str) -> datetime.datetime:
    """``value`` on the wall clock of ``tz_name`` (a naive value is taken as already local)."""
    return value.astimezone(ZoneInfo(tz_name)) if timezone.is_aware(value) else value


def format_rupiah(value: int | Decimal | None) -> str:
    if value is None:
        return ""
    amount = int(Decimal(value).quantize(Decimal(1)))
    return "Rp " + f"{amount:,}".replace(",", ".")
