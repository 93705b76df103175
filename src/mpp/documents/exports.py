"""One way to hand data over as a file: CSV, XLSX and PDF bytes, and the download response.

Every export of the platform (dashboard tables, monitoring matrices, the SKM processing table and
report, issued documents, open data) is written through these functions, so that each format is
written one way: CSV in UTF-8 with a byte-order mark (spreadsheet programs then read Indonesian
names correctly), XLSX with numbers as numbers, PDF with the project's static files reachable.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, HttpResponse

from mpp.documents.store import store_calls

CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
    "json": "application/json",
}


def csv_bytes(headers: Sequence[Any], rows: Iterable[Sequence[Any]]) -> bytes:
    """A header row and data rows as CSV; an empty value (None) is an empty cell."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(headers)
    for row in rows:
        writer.writerow(["" if value is None else value for value in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


@dataclass
class Sheet:
    """One worksheet: its rows (the first usually the header), which rows are bold (1-based),
    the cell to freeze panes at, and the number format of decimal cells from ``decimals_from``."""

    title: str
    rows: list[Sequence[Any]]
    bold_rows: frozenset[int] = field(default_factory=lambda: frozenset({1}))
    freeze: str | None = None
    decimal_format: str | None = None
    decimals_from: int = 1


def xlsx_bytes(*sheets: Sheet) -> bytes:
    from openpyxl import Workbook  # loaded on first use: it is large
    from openpyxl.styles import Font

    workbook = Workbook()
    for blank in list(workbook.worksheets):  # a new workbook starts with an empty sheet
        workbook.remove(blank)
    bold = Font(bold=True)
    for spec in sheets:
        sheet = workbook.create_sheet(title=str(spec.title)[:31] or "data")
        for row in spec.rows:
            sheet.append(list(row))
        for number in spec.bold_rows:
            for cell in sheet[number] if number <= sheet.max_row else ():
                cell.font = bold
        if spec.freeze:
            sheet.freeze_panes = spec.freeze
        if spec.decimal_format:
            for cells in sheet.iter_rows(min_row=spec.decimals_from):
                for cell in cells:
                    if isinstance(cell.value, float):
                        cell.number_format = spec.decimal_format
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def pdf_bytes(html: str) -> bytes:
    """An HTML page printed to PDF; relative addresses resolve against the project."""
    from weasyprint import HTML  # loaded on first use: it loads fonts and styles at import

    pdf: bytes = HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()
    return pdf


def download(body: bytes, *, fmt: str, filename: str, private: bool = True) -> HttpResponse:
    """``body`` as a file named ``filename`` (without extension) to save; a private file (the
    default) is never kept by a shared cache."""
    response = HttpResponse(body, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{filename}.{fmt}"'
    if private:
        response["Cache-Control"] = "private, no-store"
    return response


def stored_download(stored: FieldFile, *, fmt: str, filename: str) -> FileResponse:
    """A stored file we produced (an issued document) streamed as the private file ``filename``
    (without extension) to save; never kept by a shared cache."""
    with store_calls():  # FileResponse reads the size here: a store that is down says so now
        response = FileResponse(
            stored.open("rb"),
            content_type=CONTENT_TYPES[fmt],
            as_attachment=True,
            filename=f"{filename}.{fmt}",
        )
    response["Cache-Control"] = "private, no-store"
    return response
