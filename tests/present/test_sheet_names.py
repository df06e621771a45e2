"""Excel tab names made from rulebook text: valid for Excel (xlsxwriter checks as Excel does),
unique, and never carrying a control character."""

from __future__ import annotations

import pytest
import xlsxwriter

from cskpi.present.xlsxcells import sheet_name, sheet_name_fault, short_sheet_name

HOSTILE = [
    "满意度:速度",
    "a/b\\c?d*e[f]g:h",
    "'quoted'",
    "''",
    "x" * 30 + "'tail",
    "\x1b[31mred\x07",
    "\u202eevil",
    "History",
    "HISTORY",
    "客户投诉处理及时率与满意度综合考核指标明细统计表格数据",  # 27 CJK: fits
    "客户投诉处理及时率与满意度综合考核指标明细统计表格数据汇总分析",  # 31 + 2 more
    "😀" * 20,  # 40 UTF-16 units
    "a" * 29 + "😀",  # 31 units: fits exactly
    "a" * 30 + "😀",  # 32 units
    "",
    "   ",
]


def _units(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


@pytest.mark.parametrize("make", [sheet_name, short_sheet_name])
def test_every_hostile_name_is_a_valid_unique_tab(tmp_path, make):
    book = xlsxwriter.Workbook(str(tmp_path / "t.xlsx"))
    used: set[str] = set()
    names = []
    for title in HOSTILE + HOSTILE:  # each twice: duplicates, also after cutting
        name = make(title, used)
        book.add_worksheet(name)  # raises on anything Excel refuses
        names.append(name)
        assert _units(name) <= 31
        assert not any(ord(c) < 0x20 or c == "\u202e" for c in name)
        assert name.lower() != "history"
    book.close()
    assert len({n.lower() for n in names}) == len(names)


def test_names_stay_readable():
    used: set[str] = set()
    assert short_sheet_name("满意度: 速度", used) == "满意度 - 速度"
    assert sheet_name("\x1b[31m", used) == "␛_31m"
    assert short_sheet_name("History", used) == "History (2)"
    assert sheet_name("'q'", used) == "q"
    assert _units(short_sheet_name("😀" * 20, used)) <= 31


@pytest.mark.parametrize("title", HOSTILE)
def test_a_name_without_a_fault_is_kept_and_one_with_a_fault_is_changed(tmp_path, title):
    """One rule: what ``sheet_name_fault`` accepts, ``sheet_name`` leaves as it is and Excel
    takes (xlsxwriter checks length, characters and apostrophes as Excel does)."""
    fault = sheet_name_fault(title)
    if fault is None:
        assert sheet_name(title, set()) == title
        book = xlsxwriter.Workbook(str(tmp_path / "t.xlsx"))
        assert book.add_worksheet(title).name == title
        book.close()
    else:
        assert sheet_name(title, set()) != title
    expected = {
        "满意度:速度": "sheet.bad_char",
        "'quoted'": "sheet.apostrophe",
        "History": "sheet.reserved",
        "😀" * 20: "sheet.too_long",
        "a" * 30 + "😀": "sheet.too_long",
        "\x1b[31mred\x07": "sheet.control",
        "   ": "sheet.blank",
    }
    if title in expected:
        assert fault is not None and fault.key == expected[title]
    if title in ("客户投诉处理及时率与满意度综合考核指标明细统计表格数据", "a" * 29 + "😀"):
        assert fault is None  # 27 and 31 units: they fit
