"""Small display helpers for catalog templates."""

from __future__ import annotations

import datetime
import json

from django import template
from django.utils.translation import get_language

register = template.Library()


@register.filter
def jam(value: datetime.time | None) -> str:
    """A clock time as ``08.00`` (Indonesian) or ``08:00`` (English)."""
    if value is None:
        return ""
    separator = ":" if (get_language() or "id").startswith("en") else "."
    return f"{value:%H}{separator}{value:%M}"


@register.filter
def is_list(value) -> bool:
    return isinstance(value, list)


@register.filter
def as_json(value) -> str:
    return json.dumps(value, ensure_ascii=False, indent=2)


@register.filter
def field_type_label(value: str) -> str:
    from mpp.catalog.form_schema import FIELD_TYPES

    return str(FIELD_TYPES.get(value, value))
