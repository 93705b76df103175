"""Every dashboard table as CSV or XLSX (the same rows the page shows)."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpResponse
from django.utils.translation import gettext as _

from mpp.documents import exports
from mpp.reporting.selectors import Cell, Table


@dataclass
class PlainTable:
    name: str
    caption: str
    headers: list[str]
    rows: list[list]


def _number(cell: Cell):
    if cell.value is None:
        return None
    if cell.indicator.kind == "count":
        return int(cell.value)
    return round(cell.value, 1)


def _label(indicator) -> str:
    unit = str(indicator.unit_label)
    return f"{indicator.label} ({unit})" if unit else str(indicator.label)


def plain(table: Table | PlainTable) -> PlainTable:
    if isinstance(table, PlainTable):
        return table
    headers = [str(table.first_column), *(_label(i) for i in table.columns)]
    rows = [[row.label, *(_number(c) for c in row.cells)] for row in table.rows]
    return PlainTable(table.name, str(table.caption), headers, rows)


def summary_table(cells: list[Cell], period, previous) -> PlainTable:
    rows = []
    for cell in cells:
        rows.append(
            [
                _label(cell.indicator),
                _number(cell),
                None if cell.previous is None else _number(Cell(cell.indicator, cell.previous)),
            ]
        )
    return PlainTable(
        "ringkasan",
        _("Ringkasan"),
        [
            _("Indikator"),
            _("%(start)s s.d. %(end)s") % {"start": period.start, "end": period.end},
            _("%(start)s s.d. %(end)s") % {"start": previous.start, "end": previous.end},
        ],
        rows,
    )


def response(table: Table | PlainTable, fmt: str, name: str) -> HttpResponse:
    data = plain(table)
    if fmt == "csv":
        body = exports.csv_bytes(data.headers, data.rows)
    else:
        body = exports.xlsx_bytes(exports.Sheet(data.caption, [data.headers, *data.rows]))
    return exports.download(body, fmt=fmt, filename=name)
