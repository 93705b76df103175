"""Every dashboard table as CSV or XLSX (the same rows the page shows)."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from django.http import HttpResponse
from django.utils.translation import gettext as _

from mpp.reporting.selectors import Cell, Table

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


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


def csv_bytes(headers: list[str], rows: list[list]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(headers)
    for row in rows:
        writer.writerow(["" if v is None else v for v in row])
    # UTF-8 with BOM: spreadsheet programs then read the Indonesian names correctly.
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def xlsx_bytes(title: str, headers: list[str], rows: list[list]) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31] or "data")
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def response(table: Table | PlainTable, fmt: str, name: str) -> HttpResponse:
    data = plain(table)
    if fmt == "csv":
        body, content_type = csv_bytes(data.headers, data.rows), "text/csv; charset=utf-8"
    else:
        body, content_type = xlsx_bytes(data.caption, data.headers, data.rows), XLSX
    result = HttpResponse(body, content_type=content_type)
    result["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return result
