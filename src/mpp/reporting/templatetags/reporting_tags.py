"""Formatting of dashboard numbers: counts, percentages and averages in the active language."""

from __future__ import annotations

from django import template
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from mpp.reporting.charts import fmt, number_formatter

register = template.Library()


def _format(indicator, value) -> str:
    if value is None:
        return "—"
    if indicator.kind == "count":
        return fmt(value)
    return _with_unit(fmt(value, 1), _unit_label(indicator))


def _with_unit(text: str, unit: str) -> str:
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
def table_rows(table) -> SafeString:
    """A dashboard table's body rows as HTML: the row's header cell (a link to its own dashboard
    when it has one), then a number cell per indicator, linked to the list behind it. Built
    here in one pass rather than by a template loop with a filter per cell: the national page's
    two tables hold some 1,500 cells, and the template engine with Django's number formatting
    per cell took longer than the page's queries."""
    number = number_formatter()
    # Per column: a count, or the escaped unit after one decimal.
    columns = [
        None if indicator.kind == "count" else escape(_unit_label(indicator))
        for indicator in table.columns
    ]
    lines = []
    for row in table.rows:
        label = escape(row.label)
        parts = [
            f'<tr><th scope="row"><a href="{escape(row.url)}">{label}</a></th>'
            if row.url
            else f'<tr><th scope="row">{label}</th>'
        ]
        for cell, unit in zip(row.cells, columns, strict=True):
            value = cell.value
            if value is None:
                text = "—"
            elif unit is None:
                text = number(value)
            else:
                text = _with_unit(number(value, 1), unit)
            if cell.url and value:
                text = f'<a href="{escape(cell.url)}">{text}</a>'
            parts.append(f'<td class="number">{text}</td>')
        parts.append("</tr>")
        lines.append("".join(parts))
    return mark_safe("\n".join(lines))  # every text above is escaped or a formatted number
