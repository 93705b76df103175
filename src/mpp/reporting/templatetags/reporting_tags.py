"""Formatting of dashboard numbers: counts, percentages and averages in the active language."""

from __future__ import annotations

from django import template
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from mpp.reporting.charts import fmt

register = template.Library()


def _format(indicator, value) -> str:
    if value is None:
        return "—"
    if indicator.kind == "count":
        return fmt(value)
    unit = _unit_label(indicator)
    text = fmt(value, 1)
    return f"{text}{unit}" if unit == "%" else f"{text} {unit}".strip()


_UNIT_LABELS: dict[tuple[str, str], str] = {}


def _unit_label(indicator) -> str:
    """The indicator's unit in the active language, translated once per process and language
    (a national table formats thousands of cells)."""
    key = (indicator.key, get_language() or "")
    if key not in _UNIT_LABELS:
        _UNIT_LABELS[key] = str(indicator.unit_label)
    return _UNIT_LABELS[key]


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


@register.simple_tag
def row_cells(row) -> SafeString:
    """A table row's number cells as HTML, built here rather than by a template loop: the
    national ranking has some 340 rows of eight cells, and Django's template engine spent more
    time on them than the queries of the page."""
    parts = []
    for cell in row.cells:
        text: str = escape(cell_value(cell))
        if cell.url and cell.value:
            text = f'<a href="{escape(cell.url)}">{text}</a>'
        parts.append(f'<td class="number">{text}</td>')
    return mark_safe("".join(parts))  # every value above is escaped
