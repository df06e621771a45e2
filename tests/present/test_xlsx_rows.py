"""RowsSheet writes the cells xlsxwriter's own calls write: read back, nothing differs."""

from __future__ import annotations

import openpyxl
import pytest
import xlsxwriter

from cskpi.present.xlsxrows import Column, RowsSheet

TEXTS = ["王芳", "=SUM(A1:A2)", "_x0041_ literal", "a\tb", "  spaced  ", "", "达标"]
NUMBERS = [0.1 + 0.2, 6, -3.5e-7, float("nan"), None, 1e20, 12345678901234567]


def _workbook(path, fast: bool) -> None:
    book = xlsxwriter.Workbook(
        str(path), {"strings_to_formulas": False, "strings_to_numbers": False}
    )
    red = book.add_format({"bg_color": "#FFC7CE", "num_format": "0.0%", "border": 1})
    plain = book.add_format({"border": 1})
    ws = book.add_worksheet("rows", worksheet_class=RowsSheet if fast else None)
    ws.write_string(0, 0, "头", plain)
    ws.write_string(0, 1, "数", plain)
    formats = [red if i % 2 else plain for i in range(len(NUMBERS))]
    if fast:
        ws.write_body(1, [Column(TEXTS, plain), Column(NUMBERS, formats)])
    else:
        for i, (text, number) in enumerate(zip(TEXTS, NUMBERS, strict=True), start=1):
            if text:
                ws.write_string(i, 0, text, plain)
            else:  # RowsSheet writes no empty string: a blank, which filters with the blanks
                ws.write_blank(i, 0, None, plain)
            if number is None or number != number:  # blank, as RowsSheet writes NaN
                ws.write_blank(i, 1, None, formats[i - 1])
            else:
                ws.write_number(i, 1, number, formats[i - 1])
    ws.autofilter(0, 0, len(TEXTS), 1)
    book.close()


def _cells(path) -> list[tuple]:
    ws = openpyxl.load_workbook(path)["rows"]
    return [
        (
            c.coordinate,
            c.value,
            c.data_type,
            c.number_format,
            c.fill.fgColor.rgb,
            c.border.left.style,
        )
        for row in ws.iter_rows()
        for c in row
    ] + [("dimensions", ws.dimensions, ws.auto_filter.ref)]


def test_the_same_cells_as_xlsxwriters_calls(tmp_path):
    _workbook(tmp_path / "api.xlsx", fast=False)
    _workbook(tmp_path / "fast.xlsx", fast=True)
    fast = _cells(tmp_path / "fast.xlsx")
    assert fast == _cells(tmp_path / "api.xlsx")
    values = {coordinate: value for coordinate, value, *_rest in fast[:-1]}
    assert values["A3"] == "=SUM(A1:A2)"  # text, never a formula
    assert values["A4"] == "_x0041_ literal" and values["A5"] == "a\tb"
    assert values["B2"] == pytest.approx(0.3) and values["B7"] == 1e20
    assert values["B8"] == 12345678901234570  # 16 digits, as write_number keeps
    assert values["B5"] is None and values["A7"] is None  # NaN and "" are blank cells
    assert fast[-1] == ("dimensions", "A1:B8", "A1:B8")


def test_a_body_column_of_the_wrong_length_is_refused(tmp_path):
    book = xlsxwriter.Workbook(str(tmp_path / "x.xlsx"))
    ws = book.add_worksheet("rows", worksheet_class=RowsSheet)
    with pytest.raises(ValueError, match="every row"):
        ws.write_body(1, [Column(["a", "b"], book.add_format()), Column([1], book.add_format())])
    book.close()
