"""Reading workbooks: sheets and headers found by alias, values typed, bad input named exactly."""

from __future__ import annotations

import datetime as dt
import hashlib
import zipfile

import pandas as pd
import pytest

from cskpi.errors import InputError, NotReadyError
from cskpi.read.inputs import read_workbook
from cskpi.read.sheets import column_letter
from tests.conftest import COMPLAINT_HEADERS, SURVEY_HEADERS, D, complaint, make_old


def read(path, rulebook):
    return read_workbook(path, rulebook)


def message_of(path, rulebook) -> str:
    with pytest.raises(InputError) as info:
        read(path, rulebook)
    return info.value.render("en")


def test_title_rows_above_header_and_trailing_blank_rows(make_book, rulebook):
    rows = [
        ["2026年10月 投诉记录"],
        [],
        COMPLAINT_HEADERS,
        complaint("C1", D(2026, 10, 5)),
        complaint("C2", "2026/10/06"),
        [],
        [None] * 9,
    ]
    frame = read(make_book({"投诉记录": rows}), rulebook).frames["complaints"]
    assert list(frame["complaint_id"]) == ["C1", "C2"]
    assert list(frame["_row"]) == [4, 5]
    assert list(frame["received_at"]) == [pd.Timestamp("2026-10-05"), pd.Timestamp("2026-10-06")]


def test_english_sheet_and_headers_with_odd_spacing_and_width(make_book, rulebook):
    headers = [" complaint_id ", "RECEIVED_AT", "team", "agent", "ｄｅａｄｌｉｎｅ", "resolved_at"]
    rows = [headers, ["1", "2026-10-05 14:30", "A", "x", "2026年10月6日", None]]
    data = read(make_book({" Complaints ": rows}), rulebook)
    frame = data.frames["complaints"]
    assert frame.loc[0, "received_at"] == pd.Timestamp("2026-10-05 14:30")
    # a deadline with no time of day is the end of that day
    assert frame.loc[0, "promised_by"] == pd.Timestamp("2026-10-06 23:59:59.999999")
    assert pd.isna(frame.loc[0, "resolved_at"])


def test_extra_columns_are_ignored_and_ids_keep_leading_zeros(make_book, rulebook):
    rows = [["备注", *COMPLAINT_HEADERS], ["x", *complaint("00123", D(2026, 10, 5))]]
    rows[1][7] = "张三"
    frame = read(make_book({"投诉记录": rows}), rulebook).frames["complaints"]
    assert frame.loc[0, "complaint_id"] == "00123"
    assert "备注" not in frame.columns


def test_missing_required_column_names_sheet_column_and_closest_header(make_book, rulebook):
    headers = [h if h != "解决日期" else "解决时刻" for h in COMPLAINT_HEADERS]
    path = make_book({"投诉记录": [headers, complaint("C1", D(2026, 10, 5))]}, "log.xlsx")
    assert message_of(path, rulebook) == (
        f"{path}, sheet '投诉记录': required column '解决日期' is missing (accepted headers: "
        "解决日期, resolved_at, resolved, 解决时间); the closest header found is '解决时刻'."
    )


# no more precise reason: what a rating column reads, from the spelling tables
RATING = (
    "expected a score 1-5 (5, 4.5, 5分), a word (非常满意 5, 满意 4, 一般 3, 不太满意 2, "
    "很不满意 1) or a yes/no; 4 and above is satisfied."
)


def test_every_unreadable_cell_is_listed_by_row_and_column(make_book, rulebook):
    rows = [
        SURVEY_HEADERS,
        ["S1", "2026-13-45", "一组", 5, 5, 5, 5],
        ["S2", D(2026, 10, 2), "一组", "0,95", "N/A", 5, 7],
    ]
    path = make_book({"客户满意度": rows}, "s.xlsx")
    lines = message_of(path, rulebook).splitlines()
    assert sorted(lines) == sorted(
        [
            f"{path}, sheet '客户满意度', row 2, column B ('调查日期'): "
            "unreadable date '2026-13-45': no such date or time.",
            f"{path}, sheet '客户满意度', row 3, column E ('回答准确'): unreadable rating 'N/A': "
            + RATING,
            f"{path}, sheet '客户满意度', row 3, column G ('解决结果'): unreadable rating '7': "
            "a score outside 1-5.",
            f"{path}, sheet '客户满意度', row 3, column D ('到达速度'): unreadable rating '0,95': "
            + RATING,
        ]
    )


def test_more_than_twenty_bad_cells_are_counted(make_book, rulebook):
    rows = [SURVEY_HEADERS, *[[f"S{i}", "bad", "一组", 5, 5, 5, 5] for i in range(25)]]
    lines = message_of(make_book({"客户满意度": rows}), rulebook).splitlines()
    assert len(lines) == 21
    assert lines[-1] == "... and 5 more unreadable cells."


def test_duplicate_headers_are_named_not_renamed(make_book, rulebook):
    headers = [*COMPLAINT_HEADERS, "团队"]
    path = make_book({"投诉记录": [headers]}, "dup.xlsx")
    assert message_of(path, rulebook) == (
        f"{path}, sheet '投诉记录': header '团队' appears twice in row 1 (columns C and J)."
    )


def test_header_only_sheet_reads_as_no_rows(make_book, rulebook):
    frame = read(make_book({"投诉记录": [COMPLAINT_HEADERS]}), rulebook).frames["complaints"]
    assert frame.empty


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"", "the file is empty (0 bytes)."),
        (b"\x00\x01\x02binary", "not an Excel workbook; it looks like an unknown binary file."),
        (b"PK\x03\x04 truncated", "cannot read the workbook; it may be corrupt"),
        (
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + "EncryptedPackage".encode("utf-16-le"),
            "workbook is encrypted (password-protected); save an unprotected copy.",
        ),
    ],
)
def test_broken_files_are_named_and_left_untouched(tmp_path, rulebook, content, expected):
    path = tmp_path / "month.xlsx"
    path.write_bytes(content)
    make_old(path)
    before = hashlib.sha256(content).hexdigest()
    assert message_of(path, rulebook).startswith(f"{path}: {expected}")
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before


def test_missing_file(tmp_path, rulebook):
    assert (
        message_of(tmp_path / "nope.xlsx", rulebook) == f"{tmp_path / 'nope.xlsx'}: file not found."
    )


def test_zip_without_workbook_parts_is_corrupt(tmp_path, rulebook):
    path = tmp_path / "notbook.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("hello.txt", "hi")
    make_old(path)
    assert "it may be corrupt" in message_of(path, rulebook)


def test_input_hash_is_recorded(make_book, rulebook):
    path = make_book({"投诉记录": [COMPLAINT_HEADERS]})
    data = read(path, rulebook)
    assert data.files[0].sha256 == hashlib.sha256(path.read_bytes()).hexdigest()


def test_date_cells_at_midnight_and_text_dates_agree(make_book, rulebook):
    rows = [
        COMPLAINT_HEADERS,
        complaint("A", dt.date(2026, 10, 5)),
        complaint("B", "2026-10-05"),
        complaint("C", "2026年10月5日"),
        complaint("D", "20261005"),
        complaint("E", D(2026, 10, 5, 0, 0, 0, 123000)),  # fastexcel: "...00:00:00.123"
    ]
    frame = read(make_book({"投诉记录": rows}), rulebook).frames["complaints"]
    assert set(frame["received_at"][:4]) == {pd.Timestamp("2026-10-05")}
    assert frame.loc[4, "received_at"] == pd.Timestamp("2026-10-05 00:00:00.123")


def test_numbers_in_a_date_column_are_refused_not_read_as_1899(make_book, rulebook):
    """A number cell is not a date: 1 was 1899-12-31 and -5 was 1899-12-26, on time."""
    rows = [COMPLAINT_HEADERS, complaint("A", 1), complaint("B", -5), complaint("C", 46300)]
    path = make_book({"投诉记录": rows}, "n.xlsx")
    number = "a number, not a date (a cell formatted as a date in Excel is read as a date)."
    assert message_of(path, rulebook).splitlines() == [
        f"{path}, sheet '投诉记录', row {row}, column B ('投诉日期'): unreadable date "
        f"'{value}': {number}"
        for row, value in ((2, "1"), (3, "-5"), (4, "46300"))
    ]


@pytest.mark.parametrize(
    ("index", "letters"), [(0, "A"), (25, "Z"), (26, "AA"), (701, "ZZ"), (702, "AAA")]
)
def test_column_letters(index, letters):
    assert column_letter(index) == letters


def test_a_fresh_unreadable_file_is_broken_at_once_not_retried(tmp_path, rulebook, settle):
    path = tmp_path / "month.xlsx"
    path.write_bytes(b"PK\x03\x04 half a zip, and it stays that way")
    with pytest.raises(InputError) as info:
        read(path, rulebook)
    assert info.value.exit_code == 3
    assert "cannot read the workbook; it may be corrupt" in info.value.render("en")
    assert settle == [1.0]  # written just now: watched once for a second, and it did not change


def test_a_workbook_open_in_excel_is_not_ready(make_book, rulebook):
    path = make_book({"投诉记录": [COMPLAINT_HEADERS]}, "2026-10.xlsx")
    (path.parent / "~$2026-10.xlsx").write_bytes(b"owner")
    with pytest.raises(NotReadyError) as info:
        read(path, rulebook)
    assert info.value.render("en") == (
        f"{path}: input not ready (it is open in Excel: ~$2026-10.xlsx is beside it); retry later."
    )


def test_a_csv_renamed_xlsx_is_read_as_the_csv_it_is(tmp_path, rulebook):
    path = tmp_path / "2026-10.xlsx"
    path.write_text(
        "投诉编号,投诉日期,团队,承诺期限,解决日期\nC1,2026-10-03,一组,2026-10-05,\n",
        encoding="utf-8",
    )
    frame = read(path, rulebook).frames["complaints"]
    assert list(frame["complaint_id"]) == ["C1"]
    assert frame.loc[0, "received_at"] == pd.Timestamp("2026-10-03")
