"""Sheets parsed two at a time give exactly what one at a time gives, in the order asked."""

from __future__ import annotations

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
        assert (a.rows, a.columns, a.errors) == (b.rows, b.columns, b.errors)
        assert a.head(20) == b.head(20)
    assert together[1].head(2)[1][0] == "C0"
