"""Storing a notification's template context as JSON without losing dates, moments and amounts.

The context is rendered later, in a worker and in the recipient's language, so values are kept
typed (a ``date`` stays a date and ``|tanggal`` formats it in that language) instead of being
formatted by the caller.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.utils import timezone

_TAG = "$type"


def encode(context: Mapping[str, Any]) -> dict[str, Any]:
    """JSON-ready copy of ``context``; raises ``TypeError`` for values that cannot be kept."""
    return {str(key): _encode(value, str(key)) for key, value in context.items()}


def decode(data: Mapping[str, Any]) -> dict[str, Any]:
    return {key: _decode(value) for key, value in data.items()}


def _encode(value: Any, path: str) -> Any:
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, datetime.datetime):
        if timezone.is_naive(value):
            raise TypeError(f"notification context {path!r}: datetimes must be timezone-aware")
        return {_TAG: "datetime", "value": value.isoformat()}
    if isinstance(value, datetime.date):
        return {_TAG: "date", "value": value.isoformat()}
    if isinstance(value, Decimal):
        return {_TAG: "decimal", "value": str(value)}
    if isinstance(value, list | tuple):
        return [_encode(item, f"{path}[{index}]") for index, item in enumerate(value)]
    if isinstance(value, Mapping):
        return {str(key): _encode(item, f"{path}.{key}") for key, item in value.items()}
    # str() of a lazy translation or a model would freeze the language or leak a whole object.
    raise TypeError(
        f"notification context {path!r}: {type(value).__name__} cannot be stored; "
        "pass str, int, float, bool, Decimal, date, aware datetime, lists or dicts"
    )


def _decode(value: Any) -> Any:
    if isinstance(value, list):
        return [_decode(item) for item in value]
    if isinstance(value, dict):
        kind = value.get(_TAG)
        if kind == "datetime":
            return datetime.datetime.fromisoformat(value["value"])
        if kind == "date":
            return datetime.date.fromisoformat(value["value"])
        if kind == "decimal":
            return Decimal(value["value"])
        return {key: _decode(item) for key, item in value.items()}
    return value
