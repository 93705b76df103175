"""Formatting of dashboard numbers: counts, percentages and averages in the active language."""

from __future__ import annotations

from django import template
from django.utils.translation import gettext as _

from mpp.reporting.charts import fmt

register = template.Library()


def _format(indicator, value) -> str:
    if value is None:
        return "—"
    if indicator.kind == "count":
        return fmt(value)
    unit = str(indicator.unit_label)
    text = fmt(value, 1)
    return f"{text}{unit}" if unit == "%" else f"{text} {unit}".strip()


@register.filter
def cell_value(cell) -> str:
    return _format(cell.indicator, cell.value)


@register.filter
def cell_previous(cell) -> str:
    return _format(cell.indicator, cell.previous)


@register.filter
def cell_delta(cell) -> str:
    delta = cell.delta
    if delta is None:
        return ""
    sign = "+" if delta > 0 else ("−" if delta < 0 else "±")
    decimals = 0 if cell.indicator.kind == "count" else 1
    text = fmt(abs(delta), decimals)
    if cell.indicator.kind == "ratio":
        return _("%(value)s poin") % {"value": f"{sign}{text}"}
    return f"{sign}{text}"


@register.filter
def number(value, decimals=0) -> str:
    return fmt(value, int(decimals))
