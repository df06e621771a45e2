"""A formula with no saved result is never read as a blank, whichever dataset sheet holds it.

The scan for such formulas runs after the sheet parses and is waited for only after the
columns are typed (RawSheet.error_cells). Two dataset sheets are parsed two at a time in a
small workbook and in turn in a big one (``PARALLEL_CELLS`` 0): either way the run stops
with exit 3 naming the cell, and a dataset that says ``bad_values: skip`` leaves that row
out and counts it.
"""

from __future__ import annotations

import pytest
import yaml
from openpyxl import Workbook
from typer.testing import CliRunner

from cskpi.cli import app as cli
from cskpi.read import sources
from cskpi.read.inputs import read_workbook
from cskpi.rulebook.load import load_rulebook
from tests.conftest import COMPLAINT_HEADERS, SURVEY_HEADERS
from tests.months import rules_for

runner = CliRunner()

# where the formula goes: sheet -> (row, column letter, header, the formula)
FORMULAS = {
    "投诉记录": (3, "E", "承诺期限", "=DATE(2026,10,9)"),
    "客户满意度": (4, "D", "到达速度", "=2+3"),
}
DATASET = {"投诉记录": "complaints", "客户满意度": "survey"}
SHEET_NAMES = {"投诉记录": "Sheet1", "客户满意度": "Sheet2"}


def _book(folder, where: str, renamed: str = ""):
    """Three complaints and three survey answers; one cell of sheet ``where`` a formula.
    ``renamed``: the sheets are found by their headers as Sheet1 and Sheet2, "alone" (each
    loaded at once) or beside a 说明 sheet (all three looked at first, then two loaded)."""
    book = Workbook()
    complaints = book.active
    complaints.title = "投诉记录"
    complaints.append(COMPLAINT_HEADERS)
    for i in range(1, 4):
        complaints.append(
            [f"C{i}", f"2026-10-0{i}", "一组", "王芳", "2026-10-06", None, "描述", "张三", "1"]
        )
    survey = book.create_sheet("客户满意度")
    survey.append(SURVEY_HEADERS)
    for i in range(1, 4):
        survey.append([f"S{i}", f"2026-10-0{i}", "一组", 5, 5, 5, 5])
    row, letter, _header, formula = FORMULAS[where]
    book[where][f"{letter}{row}"] = formula  # openpyxl saves no result for it
    if renamed:
        complaints.title, survey.title = SHEET_NAMES["投诉记录"], SHEET_NAMES["客户满意度"]
    if renamed == "beside a note":
        book.create_sheet("说明").append(["备注"])
    path = folder / "formula.xlsx"
    book.save(path)
    return path


@pytest.fixture(params=["parallel", "in turn"])
def parallel(request, monkeypatch) -> str:
    if request.param == "in turn":
        monkeypatch.setattr(sources, "PARALLEL_CELLS", 0)
    return request.param


@pytest.fixture
def parses_seen(monkeypatch) -> list[str]:
    """The threads the sheets were parsed on (the pool's, or the main thread)."""
    import threading

    seen: list[str] = []
    real = sources.ExcelSource._parse

    def parse(self, name, reader, *head):
        seen.append(threading.current_thread().name.split("_")[0])
        return real(self, name, reader, *head)

    monkeypatch.setattr(sources.ExcelSource, "_parse", parse)
    return seen


@pytest.mark.parametrize("renamed", ["", "alone", "beside a note"])
@pytest.mark.parametrize("where", list(FORMULAS))
def test_an_uncached_formula_in_either_sheet_exits_3_naming_its_cell(
    tmp_path, where, renamed, parallel, parses_seen
):
    path = _book(tmp_path, where, renamed)
    rules = str(rules_for(tmp_path, "complaints", "survey"))
    result = runner.invoke(
        cli.app,
        ["evaluate", str(path), "--no-history", "--period", "2026-10", "-r", rules, "--lang", "en"],
    )
    assert result.exit_code == 3, result.output
    row, letter, header, _formula = FORMULAS[where]
    sheet = SHEET_NAMES[where] if renamed else where
    assert (
        f"{path}, sheet '{sheet}', row {row}, column {letter} ('{header}'): "
        "a formula with no saved result (open and save the workbook in Excel)."
    ) in result.stderr.replace("\n", " ")
    pool = "cskpi-sheet" if parallel == "parallel" else "MainThread"
    looks = [pool] * 3 if renamed == "beside a note" else []  # all three looked at first
    assert parses_seen == [*looks, pool, pool]


@pytest.mark.parametrize("where", list(FORMULAS))
def test_a_dataset_that_skips_bad_values_leaves_the_formula_row_out_and_counts_it(
    tmp_path, where, parallel
):
    path = _book(tmp_path, where)
    rules_path = rules_for(tmp_path, "complaints", "survey")
    data = yaml.safe_load(rules_path.read_text("utf-8"))
    data["datasets"][DATASET[where]]["bad_values"] = "skip"
    rules_path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    read = read_workbook(path, load_rulebook(rules_path))
    assert read.skipped == {DATASET[where]: 1}
    row = FORMULAS[where][0]
    for dataset, frame in read.frames.items():
        kept = [2, 3, 4] if dataset != DATASET[where] else [r for r in (2, 3, 4) if r != row]
        assert list(frame["_row"]) == kept, dataset
