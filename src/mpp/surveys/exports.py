"""The regulation's processing table as XLSX and the printable report as PDF."""

from __future__ import annotations

from io import BytesIO

from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from mpp.surveys import ikm
from mpp.surveys.selectors import IkmResult


def processing_table(result: IkmResult, rows) -> bytes:
    """One row per respondent (U1..Un), then Σ per element, NRR, weighted NRR, IKM and ×25.

    Values are written unrounded (exact fractions as decimals); the sheet shows 3 decimals.
    """
    book = Workbook()
    sheet = book.active
    sheet.title = "SKM"
    codes = [element.code for element in result.elements]
    bold = Font(bold=True)
    sheet.append([_("Pengolahan SKM"), result.label])
    sheet.append([_("Periode"), result.start.isoformat(), result.end.isoformat()])
    sheet.append([])
    sheet.append([_("Responden"), *codes])
    for cell in sheet[sheet.max_row]:
        cell.font = bold
    for number, (_response, answers) in enumerate(rows, start=1):
        sheet.append([number, *[answers.get(code) for code in codes]])
    sheet.append([_("Σ nilai per unsur"), *[element.total for element in result.elements]])
    sheet.append([_("Jumlah jawaban"), *[element.count for element in result.elements]])
    sheet.append(
        [_("NRR per unsur"), *[None if e.nrr is None else float(e.nrr) for e in result.elements]]
    )
    sheet.append([_("Bobot"), *[float(e.weight) for e in result.elements]])
    sheet.append(
        [
            _("NRR tertimbang"),
            *[None if e.weighted is None else float(e.weighted) for e in result.elements],
        ]
    )
    sheet.append([_("IKM"), None if result.ikm is None else float(result.ikm)])
    sheet.append(
        [
            _("Nilai konversi (IKM × 25)"),
            None if result.converted is None else float(result.converted),
        ]
    )
    band = result.band
    sheet.append([_("Mutu pelayanan"), band.mutu if band else _("Belum tersedia")])
    sheet.append([_("Kinerja unit pelayanan"), band.kinerja if band else _("Belum tersedia")])
    for row in sheet.iter_rows(min_row=5):
        for cell in row[1:]:
            if isinstance(cell.value, float):
                cell.number_format = "0.000"
    output = BytesIO()
    book.save(output)
    return output.getvalue()


def report_pdf(context: dict) -> bytes:
    from weasyprint import HTML

    html = render_to_string("surveys/report_print.html", context)
    return HTML(string=html).write_pdf()


def two_decimals(value) -> str:
    return "" if value is None else str(ikm.rounded(value)).replace(".", ",")
