"""The regulation's processing table as XLSX and the printable report as PDF."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from mpp.documents.exports import Sheet, pdf_bytes, xlsx_bytes
from mpp.surveys import ikm
from mpp.surveys.selectors import IkmResult


def processing_table(result: IkmResult, rows) -> bytes:
    """One row per respondent (U1..Un), then Σ per element, NRR, weighted NRR, IKM and ×25.

    Values are written unrounded (exact fractions as decimals); the sheet shows 3 decimals.
    """
    codes = [element.code for element in result.elements]
    sheet: list[Sequence[Any]] = [
        [_("Pengolahan SKM"), result.label],
        [_("Periode"), result.start.isoformat(), result.end.isoformat()],
        [],
        [_("Responden"), *codes],
    ]
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
    # Respondent numbers and labels are in the first column; every decimal shows 3 places.
    return xlsx_bytes(
        Sheet("SKM", sheet, bold_rows=frozenset({4}), decimal_format="0.000", decimals_from=5)
    )


def report_pdf(context: dict) -> bytes:
    return pdf_bytes(render_to_string("surveys/report_print.html", context))


def two_decimals(value) -> str:
    return "" if value is None else str(ikm.rounded(value)).replace(".", ",")
