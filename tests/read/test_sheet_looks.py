"""Sheets only looked at (for a dataset's headers, for a look-alike warning) are not loaded.

A hand-kept workbook holds a sheet per month: each one is looked at for its headers and
named in a warning with its row count, but only the sheets read as datasets are parsed into
Arrow in full, and only they have their formulas scanned. A look holds the first rows only.
"""

from __future__ import annotations

import pytest

from cskpi.read import sources
from cskpi.read.inputs import read_workbook
from cskpi.read.sheets import HEADER_SEARCH_ROWS
from cskpi.read.sources import ExcelSource
from cskpi.rulebook.load import load_rulebook
from tests.conftest import COMPLAINT_HEADERS, D, complaint, write_workbook
from tests.months import rules_for


def _log(n: int, prefix: str) -> list[list[object]]:
    return [
        COMPLAINT_HEADERS,
        *(complaint(f"{prefix}{i}", D(2026, 10, 1 + i % 28)) for i in range(n)),
    ]


@pytest.fixture
def parses(monkeypatch) -> list[tuple[str, int | str | None]]:
    """Every parse as (sheet, rows asked: None for the whole sheet), and every formula scan
    as (sheet, "scan")."""
    seen: list[tuple[str, int | str | None]] = []
    real_parse, real_scan = ExcelSource._parse, sources.uncached_formulas

    def parse(self, name, reader, *head):
        seen.append((name, head[0] if head else None))
        return real_parse(self, name, reader, *head)

    def scan(path, name):
        seen.append((name, "scan"))
        return real_scan(path, name)

    monkeypatch.setattr(ExcelSource, "_parse", parse)
    monkeypatch.setattr(sources, "uncached_formulas", scan)
    return seen


@pytest.mark.parametrize("datasets", [("complaints",), ("complaints", "survey", "staff")])
def test_monthly_sheets_are_looked_at_not_loaded_and_named_with_their_row_count(
    tmp_path, parses, datasets
):
    """Every dataset found by name (the look-alike check looks), or two missing from the
    workbook (three sheets to look at for their headers, more than the datasets missing)."""
    rulebook = load_rulebook(rules_for(tmp_path, *datasets))
    path = write_workbook(
        tmp_path / "m.xlsx",
        {"投诉记录": _log(3, "C"), "1月": _log(45, "A"), "2月": _log(40, "B"), "说明": [["备注"]]},
    )
    data = read_workbook(path, rulebook)
    assert len(data.frames["complaints"]) == 3
    full = sorted(name for name, head in parses if head is None)
    looked = sorted(name for name, head in parses if head == HEADER_SEARCH_ROWS)
    scanned = sorted(name for name, head in parses if head == "scan")
    assert full == ["投诉记录"]
    assert looked == ["1月", "2月", "说明"]
    assert scanned == ["投诉记录"]  # a look reads no value: no formula scan
    said = {
        w.params["sheet"]: w.params["n"] for w in data.warnings if w.key.endswith("alike_sheet")
    }
    assert said == {"1月": 45, "2月": 40}  # the whole sheet's rows, past the 30 looked at


def test_a_sheet_found_by_its_headers_among_many_is_read_in_full(tmp_path, rulebook, parses):
    """Nine sheets for seven datasets missing: looked at. The look at 工作表1 holds 30 rows;
    the dataset read from it has all 45."""
    notes = {f"说明{i}": [["备注"]] for i in range(8)}
    path = write_workbook(tmp_path / "m.xlsx", {"工作表1": _log(45, "C"), **notes})
    data = read_workbook(path, rulebook)
    assert len(data.frames["complaints"]) == 45
    assert data.frames["complaints"]["complaint_id"].iloc[-1] == "C44"
    assert [w.params["sheet"] for w in data.warnings if w.key == "input.sheet_by_headers"] == [
        "工作表1"
    ]
    parsed = [head for name, head in parses if name == "工作表1" and head != "scan"]
    assert parsed == [HEADER_SEARCH_ROWS, None]  # looked at, then loaded as the dataset
    assert not [name for name, head in parses if name != "工作表1" and head is None]


def test_a_lone_sheet_found_by_its_headers_is_parsed_once(tmp_path, rulebook, parses):
    """A WPS 工作表1 and 工作表2 (fewer than the datasets missing): likely datasets, each
    parsed once in full, not looked at and parsed again."""
    path = write_workbook(tmp_path / "m.xlsx", {"工作表1": _log(45, "C"), "工作表2": []})
    data = read_workbook(path, rulebook)
    assert len(data.frames["complaints"]) == 45
    assert sorted((n, h) for n, h in parses if h != "scan") == [
        ("工作表1", None),
        ("工作表2", None),
    ]


def test_a_look_holds_the_head_and_the_whole_sheets_height(tmp_path):
    path = write_workbook(tmp_path / "m.xlsx", {"1月": _log(45, "A"), "2月": _log(2, "B")})
    source = ExcelSource(path)
    try:
        first, second = source.looks(["1月", "2月"], HEADER_SEARCH_ROWS)
        whole = source.sheet("1月")
    finally:
        source.close()
    assert (first.rows, first.height) == (HEADER_SEARCH_ROWS, 46)
    assert (second.rows, second.height) == (3, 3)
    assert first.head(HEADER_SEARCH_ROWS) == whole.head(HEADER_SEARCH_ROWS)
    assert first.columns == whole.columns and first.pending is None
