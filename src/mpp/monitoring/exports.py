"""Exports of a reporting period (XLSX, CSV, PDF) and the PDF of one locus' report."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from mpp.documents import exports
from mpp.monitoring import selectors
from mpp.monitoring.models import ITEMS, LocusReport, ReportingPeriod

STATUS_LABELS = {
    "draft": gettext_lazy("Draf"),
    "submitted": gettext_lazy("Dikirim"),
    "returned": gettext_lazy("Dikembalikan"),
    "accepted": gettext_lazy("Diterima"),
}
CATEGORY_LABELS = dict(LocusReport.Category.choices)


def labelled(rows: list[dict]) -> list[dict]:
    """The matrix rows with the status and category a person reads, never their keys."""
    return [
        {
            **row,
            "status_label": str(STATUS_LABELS[row["status"]]),
            "category_label": str(CATEGORY_LABELS.get(row["category"], "")),
        }
        for row in rows
    ]


def _header(period: ReportingPeriod) -> list[str]:
    return [
        _("Kode"), _("Kabupaten/kota"), _("Status"), _("Terlambat"), _("Tidak menyampaikan"),
        *[f"{item}) {ITEMS[item]}" for item in period.items],
        _("Pemohon kependudukan"), _("Pemohon izin nakes"), _("Kependudukan diproses"),
        _("Izin nakes terbit"), _("Skor"), _("Kategori"),
    ]  # fmt: skip


def rows(period: ReportingPeriod, reports=None) -> list[list]:
    out = []
    for row in selectors.matrix(period, reports):
        out.append(
            [
                row["region_id"],
                row["region__name"],
                str(STATUS_LABELS[row["status"]]),
                _("ya") if row["is_late"] else _("tidak"),
                _("ya") if row["missing"] else _("tidak"),
                *[_("ada") if filled else _("belum") for _item, filled in row["items"]],
                row["population_applicants"],
                row["health_applicants"],
                row["population_processed"],
                row["health_permits_issued"],
                float(row["score"]) if row["score"] is not None else None,
                str(CATEGORY_LABELS.get(row["category"], "")),
            ]
        )
    return out


def period_csv(period: ReportingPeriod, reports=None) -> bytes:
    return exports.csv_bytes(_header(period), rows(period, reports))


def period_xlsx(period: ReportingPeriod, reports=None) -> bytes:
    matrix = exports.Sheet(_("Kepatuhan"), [_header(period), *rows(period, reports)], freeze="C2")
    totals: list[Sequence[Any]] = []
    figures = selectors.national_totals(period)
    for key, label in (
        ("population_applicants", _("Pemohon layanan kependudukan")),
        ("health_applicants", _("Pemohon izin tenaga kesehatan")),
        ("population_processed", _("Layanan kependudukan diproses")),
        ("health_permits_issued", _("Izin tenaga kesehatan diterbitkan")),
        ("loci", _("Jumlah lokus")),
        ("accepted", _("Laporan diterima")),
        ("submitted", _("Laporan menunggu penelaahan")),
        ("returned", _("Laporan dikembalikan")),
        ("draft", _("Belum dikirim")),
        ("late", _("Terlambat")),
    ):
        totals.append([str(label), figures[key] or 0])
    return exports.xlsx_bytes(
        matrix, exports.Sheet(_("Total nasional"), totals, bold_rows=frozenset())
    )


def period_pdf(period: ReportingPeriod, reports=None) -> bytes:
    with translation.override("id"):
        html = render_to_string(
            "monitoring/pdf/period.html",
            {
                "period": period,
                "rows": labelled(selectors.matrix(period, reports)),
                "items": selectors.item_labels(period),
                "totals": selectors.national_totals(period),
            },
        )
    return exports.pdf_bytes(html)


def report_pdf(report: LocusReport) -> bytes:
    with translation.override("id"):
        html = render_to_string(
            "monitoring/pdf/report.html",
            {
                "report": report,
                "period": report.period,
                "items": ITEMS,
                "status_label": STATUS_LABELS[report.status],
            },
        )
    return exports.pdf_bytes(html)
