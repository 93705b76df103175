"""The one export helper: what a spreadsheet program or a browser receives."""

from __future__ import annotations

import csv
import io

from openpyxl import load_workbook

from mpp.documents import exports


def test_csv_opens_with_indonesian_names_and_empty_cells():
    body = exports.csv_bytes(
        ["Nama", "Jumlah"],
        [["Dinas Kependudukan dan Pencatatan Sipil", 3], ["Kantor Pertanahan", None]],
    )
    assert body.startswith("\ufeff".encode())  # spreadsheet programs then read UTF-8
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert rows == [
        ["Nama", "Jumlah"],
        ["Dinas Kependudukan dan Pencatatan Sipil", "3"],
        ["Kantor Pertanahan", ""],
    ]


def test_xlsx_keeps_numbers_as_numbers_with_a_bold_header_and_named_sheets():
    body = exports.xlsx_bytes(
        exports.Sheet(
            "Kepatuhan laporan pemantauan dan evaluasi 2026",
            [["Lokus", "Nilai"], ["Kota Batam", 87.5]],
            freeze="B2",
            decimal_format="0.000",
            decimals_from=2,
        ),
        exports.Sheet("Total", [["Lokus", 1]], bold_rows=frozenset()),
    )
    book = load_workbook(io.BytesIO(body))
    first, second = book.worksheets
    assert first.title == "Kepatuhan laporan pemantauan dan evaluasi 2026"[:31]  # the XLSX limit
    assert first["B2"].value == 87.5 and first["B2"].number_format == "0.000"
    assert first["A1"].font.bold and not first["A2"].font.bold
    assert first.freeze_panes == "B2"
    assert second.title == "Total" and not second["A1"].font.bold


def test_a_private_download_is_never_kept_by_a_shared_cache():
    private = exports.download(b"a", fmt="csv", filename="monev-1")
    public = exports.download(b"a", fmt="csv", filename="data-terbuka", private=False)
    assert private["Content-Disposition"] == 'attachment; filename="monev-1.csv"'
    assert private["Cache-Control"] == "private, no-store"
    assert "Cache-Control" not in public
    assert public["Content-Type"] == "text/csv; charset=utf-8"
