"""Sheets parsed two at a time give exactly what one at a time gives, in the order asked."""

from __future__ import annotations

import threading

from cskpi.read import sources
from cskpi.read.archive import sheet_cells
from cskpi.read.sources import ExcelSource
from tests.conftest import COMPLAINT_HEADERS, SURVEY_HEADERS, D, complaint, write_workbook


def test_parallel_sheets_equal_sequential_ones(tmp_path):
    path = write_workbook(
        tmp_path / "m.xlsx",
        {
            "投诉记录": [
                COMPLAINT_HEADERS,
                *(complaint(f"C{i}", D(2026, 10, 1 + i)) for i in range(9)),
            ],
            "客户满意度": [SURVEY_HEADERS, ["S1", D(2026, 10, 2), "一组", 5, 4, "#N/A", 3]],
            "说明": [["这一页不是数据"]],
        },
    )
    source = ExcelSource(path)
    try:
        names = ["客户满意度", "投诉记录", "说明"]
        together = source.sheets(names)
        one_by_one = [source.sheet(name) for name in names]
    finally:
        source.close()
    assert [raw.name for raw in together] == names
    for a, b in zip(together, one_by_one, strict=True):
        assert (a.rows, a.columns, a.error_cells()) == (b.rows, b.columns, b.error_cells())
        assert a.head(20) == b.head(20)
    assert together[1].head(2)[1][0] == "C0"


def _threads_used(source: ExcelSource, names: list[str]) -> set[str]:
    seen: set[str] = set()
    real = source._parse

    def spy(name, reader, *head):
        seen.add(threading.current_thread().name.split("_")[0])
        return real(name, reader, *head)

    source._parse = spy  # type: ignore[method-assign]
    source.sheets(names)
    return seen


def test_a_workbook_too_big_to_parse_two_sheets_at_once_is_parsed_in_turn(tmp_path, monkeypatch):
    rows = [COMPLAINT_HEADERS, *(complaint(f"C{i}", D(2026, 10, 1 + i)) for i in range(9))]
    path = write_workbook(tmp_path / "m.xlsx", {"投诉记录": rows, "备份": rows})
    names = ["投诉记录", "备份"]
    assert sheet_cells(path, names) == 2 * 10 * len(COMPLAINT_HEADERS)  # rows x columns, twice
    source = ExcelSource(path)
    try:
        assert _threads_used(source, names) == {"cskpi-sheet"}  # small: two at a time
        monkeypatch.setattr(sources, "PARALLEL_CELLS", 2 * 10 * len(COMPLAINT_HEADERS) - 1)
        assert _threads_used(source, names) == {"MainThread"}  # one cell too many: in turn
    finally:
        source.close()
