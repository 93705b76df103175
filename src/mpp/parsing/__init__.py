"""The one safe reading of numbers, ids and dates a person or client sends.

Query parameters, form values a view reads itself and path fragments arrive as text. Read them
here, never with ``int()``, ``float()``, ``Decimal()`` or ``date.fromisoformat()`` in a view: each
function answers ``None`` for anything malformed or out of range (a non-numeric id, 10**30, NaN,
``inf``, 31 February, year 9999), so the caller answers with a message or a 400/404 instead of a
server error. The bounds are the database's and the calendar arithmetic's:

- an id fits a 64-bit column (SQLite and PostgreSQL ``bigint``);
- an integer fits PostgreSQL's ``integer`` (2**31 - 1), the narrowest column a count is kept in;
- a date lies between 1900 and 2100, so that a period, a week or "the day after" never leaves the
  range Python's ``date`` can hold.

Forms use the fields in :mod:`mpp.parsing.fields`, which apply the same bounds.
"""

from __future__ import annotations

import datetime
import math
from decimal import Decimal, InvalidOperation

from django.utils.dateparse import parse_date as _django_parse_date
from django.utils.dateparse import parse_datetime as _django_parse_datetime

LARGEST_ID = 2**63 - 1
LARGEST_INTEGER = 2**31 - 1
EARLIEST_DATE = datetime.date(1900, 1, 1)
LATEST_DATE = datetime.date(2100, 12, 31)
# Longer text is not a number anyone meant (and int() of 100,000 digits costs CPU).
_LONGEST_NUMBER = 40


def _text(value) -> str:
    if value is None:
        return ""
    return str(value).strip()


def parse_int(value, *, minimum: int = 0, maximum: int = LARGEST_INTEGER) -> int | None:
    """A whole number written in ASCII digits (optionally signed) within [minimum, maximum]."""
    text = _text(value)
    digits = text[1:] if text[:1] in "+-" else text
    if not digits or len(text) > _LONGEST_NUMBER or not (digits.isascii() and digits.isdigit()):
        return None
    number = int(text)
    return number if minimum <= number <= maximum else None


def parse_id(value) -> int | None:
    """A database id: ASCII digits, 1 to 2**63 - 1; None for anything else."""
    return parse_int(value, minimum=1, maximum=LARGEST_ID)


def in_date_range(day: datetime.date) -> bool:
    return EARLIEST_DATE <= day <= LATEST_DATE


def parse_date(value) -> datetime.date | None:
    """An ISO date (YYYY-MM-DD) that exists and lies between 1900 and 2100."""
    try:
        day = _django_parse_date(_text(value)[:_LONGEST_NUMBER])
    except ValueError:  # a well-formed impossible date: 2026-02-30
        return None
    return day if day is not None and in_date_range(day) else None


def parse_datetime(value) -> datetime.datetime | None:
    """An ISO 8601 date and time (with or without zone) whose date lies between 1900 and 2100."""
    try:
        moment = _django_parse_datetime(_text(value)[:_LONGEST_NUMBER])
    except ValueError:
        return None
    return moment if moment is not None and in_date_range(moment.date()) else None


def parse_decimal(value, *, minimum=None, maximum=None) -> Decimal | None:
    """A finite decimal number (never NaN or infinity) within the bounds given."""
    text = _text(value)
    if not text or len(text) > _LONGEST_NUMBER:
        return None
    try:
        number = Decimal(text)
    except InvalidOperation:
        return None
    if not number.is_finite():
        return None
    if (minimum is not None and number < minimum) or (maximum is not None and number > maximum):
        return None
    return number


def finite_float(value) -> float | None:
    """A finite float (never NaN or infinity, 1e999 included); None for anything else."""
    number = parse_decimal(value)
    if number is None:
        return None
    result = float(number)
    return result if math.isfinite(result) else None
