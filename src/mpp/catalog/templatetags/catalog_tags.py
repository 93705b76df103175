"""Small display helpers for catalog templates."""

from __future__ import annotations

import datetime
import json

from django import template
from django.utils.translation import get_language

from mpp.catalog.models import Category

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


_CATEGORY_LABELS = dict(Category.choices)


@register.filter
def category_label(value: str) -> str:
    """The label of a service category; a dictionary look-up, cheaper than get_category_display()
    (which rebuilds the choice dictionary, hashing every lazy label, on each call)."""
    return str(_CATEGORY_LABELS.get(value, value))


@register.filter
def tel_href(phone: str) -> str:
    """``tel:`` link of a phone number as written (``(0778) 123-456`` → ``tel:+62778123456``)."""
    digits = "".join(ch for ch in str(phone or "") if ch.isdigit() or ch == "+")
    if digits.startswith("0"):
        digits = "+62" + digits[1:]
    return f"tel:{digits}"


@register.simple_tag
def map_href(latitude, longitude) -> str:
    """The place on OpenStreetMap (no key, no script: an ordinary link)."""
    return (
        f"https://www.openstreetmap.org/?mlat={latitude}&mlon={longitude}"
        f"#map=17/{latitude}/{longitude}"
    )
