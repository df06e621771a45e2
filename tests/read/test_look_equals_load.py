"""A sheet only looked at says what the same sheet loaded in full says.

A look (ExcelSource.looks) parses the head only and takes the row count from calamine's
``total_height``; the look-alike and found-by-headers warnings print that count and match
headers in that head. So for every shape of sheet (blank rows above the header, formatted
empty rows below the data, a table starting in column C, hidden and very hidden sheets,
an empty sheet, more rows than are looked at) and every workbook format, the look's first
rows, height and visibility must be the full load's.
"""

from __future__ import annotations

import re

from openpyxl import Workbook
from openpyxl.styles import PatternFill
from typer.testing import CliRunner

from cskpi.cli import app as cli
from cskpi.read.sheets import HEADER_SEARCH_ROWS
from cskpi.read.sources import ExcelSource
from tests.conftest import COMPLAINT_HEADERS, D, complaint
from tests.months import rules_for

runner = CliRunner()
YELLOW = PatternFill("solid", fgColor="FFFF00")

# sheet -> (blank rows above, first column, data rows, formatted empty rows below, state)
SHAPES = {
    "投诉记录": (0, 0, 3, 0, "visible"),
    "旧投诉": (2, 0, 40, 10, "visible"),  # 43 rows tall: blank, blank, header, 40 records
    "1月": (0, 2, 5, 0, "hidden"),
    "2月": (31, 0, 1, 0, "visible"),  # the header below the rows looked at
    "备份": (0, 0, 35, 3, "veryHidden"),
    "空白": (0, 0, -1, 5, "visible"),  # nothing but formatting
}


def _book(path):
    book = Workbook()
    book.remove(book.active)
    for name, (above, left, n, below, state) in SHAPES.items():
        ws = book.create_sheet(name)
        rows = [] if n < 0 else [COMPLAINT_HEADERS, *_records(n, name)]
        for r, row in enumerate(rows, start=above + 1):
            for c, value in enumerate(row, start=left + 1):
                ws.cell(r, c, value)
        for r in range(above + len(rows) + 1, above + len(rows) + below + 1):
            ws.cell(r, left + 2).fill = YELLOW
        ws.sheet_state = state
    book.save(path)
    return path


def _records(n: int, prefix: str) -> list[list[object]]:
    done = D(2026, 10, 20)
    return [complaint(f"{prefix}{i}", D(2026, 10, 1 + i % 28), None, done, done) for i in range(n)]


def test_every_sheet_looked_at_is_the_sheet_loaded(tmp_path):
    path = _book(tmp_path / "m.xlsx")
    source = ExcelSource(path)
    try:
        names = list(SHAPES)
        looks = source.looks(names, HEADER_SEARCH_ROWS)
        for name, look in zip(names, looks, strict=True):
            whole = source.sheet(name)
            assert look.head(HEADER_SEARCH_ROWS) == whole.head(HEADER_SEARCH_ROWS), name
            assert (look.height, look.visible) == (whole.rows, whole.visible), name
    finally:
        source.close()
    heights = {name: look.height for name, look in zip(names, looks, strict=True)}
    # blank rows above count, formatted empty rows below do not
    assert heights == {"投诉记录": 4, "旧投诉": 43, "1月": 6, "2月": 33, "备份": 36, "空白": 0}


def test_the_look_alike_warnings_count_each_sheet_whole(tmp_path):
    path = _book(tmp_path / "m.xlsx")
    rules = str(rules_for(tmp_path, "complaints"))
    result = runner.invoke(
        cli.app,
        ["evaluate", str(path), "--no-history", "--period", "2026-10", "-r", rules, "--lang", "en"],
    )
    assert result.exit_code == 0, result.output
    said = dict(re.findall(r"sheet '([^']+)' \((\d+) rows\)", result.stderr.replace("\n", " ")))
    # the sheet's height less one, as before looks: 旧投诉's 2 blank rows above count; 2月's
    # header is below the rows looked at (not a look-alike); 空白 holds nothing
    assert said == {"旧投诉": "42", "1月": "5", "备份": "35"}
