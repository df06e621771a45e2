"""Every documented spelling of a value (README "Values"): accepted ones give their value in
both engines (the column converter and the literal reader), refused ones the exact message
naming the cell; and the spelling settings of a rulebook are checked with their line."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pytest

from cskpi.errors import InputError, RulebookError
from cskpi.language.spelling import read_cell
from cskpi.read.inputs import read_workbook
from cskpi.read.values import convert
from cskpi.rulebook.load import load_rulebook
from tests.conftest import make_old

HEADERS = {  # field -> header, in column order A, B, C...
    "amount": "金额",
    "euro": "欧元",
    "done": "完成",
    "score": "评分",
    "at": "日期",
    "due": "期限",
    "us": "美式日期",
}
RULES = """rulebook:
  id: spelling
  name: {zh: 拼写, en: spelling}
  timezone: Asia/Shanghai
datasets:
  cells:
    names: {zh: 单元格, en: cells}
    sheets: [cells]
    columns:
      amount: {header: 金额, type: number}
      euro: {header: 欧元, type: number, decimal: ","}
      done: {header: 完成, type: yesno, true_values: [达标], false_values: [未达标]}
      score: {header: 评分, type: rating, rating_words: {还行: 3}}
      at: {header: 日期, type: date}
      due: {header: 期限, type: deadline}
      us: {header: 美式日期, type: date, formats: ["%m/%d/%Y %I:%M %p", "%d.%m.%Y %H:%M:%S.%f%z"]}
standards:
  - id: every_cell
    name: {zh: 全部, en: all}
    description: {zh: 全部, en: all}
    dataset: cells
    metric: count
    filter: >-
      amount is not blank or euro is not blank or done or score or at is not blank
      or due is not blank or us is not blank
    comparison: ">="
    target: 0
"""
D = dt.datetime
END = dt.timedelta(days=1, microseconds=-1)  # a deadline's date alone: the end of that day

ACCEPTED = [
    # numbers: thousands only in valid groups, percent, currency marks, full-width digits
    ("amount", "1,234", 1234.0),
    ("amount", "1,234,567.8", 1234567.8),
    ("amount", "1 234", 1234.0),
    ("amount", "95%", 0.95),
    ("amount", "95 %", 0.95),
    ("amount", "９５％", 0.95),
    ("amount", "¥1,234.00", 1234.0),
    ("amount", "￥1,234.00", 1234.0),
    ("amount", "1,234元", 1234.0),
    ("amount", "RMB 1,234", 1234.0),
    ("amount", "$1,000", 1000.0),
    ("amount", "１２３", 123.0),
    ("amount", "-5", -5.0),
    ("amount", "−5", -5.0),
    ("amount", "-¥5", -5.0),
    ("amount", ".5", 0.5),
    ("amount", "1e3", 1000.0),
    ("euro", "1.234,50", 1234.5),
    ("euro", "0,95", 0.95),
    ("euro", "1 234,5", 1234.5),
    # yes/no, and the column's own words
    *[("done", w, True) for w in ["是", "是的", "对", "有", "yes", "Y", "TRUE", "t", "On", "✓",
                                  "√", "1", "1.0", "已完成", "已解决", "达标"]],
    *[("done", w, False) for w in ["否", "不是", "不对", "无", "没有", "no", "N", "false", "f",
                                   "OFF", "✗", "×", "0", "0.0", "未完成", "未解决", "未达标"]],
    # ratings: satisfied is a score of 4 or 5, a satisfied word, or yes
    *[("score", w, True) for w in ["5", "4", "4.5", "5分", "５分", "4.0", "非常满意", "很满意",
                                   "满意", "比较满意", "是"]],
    *[("score", w, False) for w in ["3", "1", "3分", "一般", "基本满意", "不太满意", "不满意",
                                    "很不满意", "非常不满意", "还行", "否"]],
    # dates and times; aware ones in the rulebook's zone (Asia/Shanghai, UTC+8)
    ("at", "2026-10-05", D(2026, 10, 5)),
    ("at", "2026-10-05 14:30", D(2026, 10, 5, 14, 30)),
    ("at", "2026-10-05 14:30:00", D(2026, 10, 5, 14, 30)),
    ("at", "2026-10-03 10:00:00.123", D(2026, 10, 3, 10, 0, 0, 123000)),
    ("at", "2019-12-01T00:00:00.000", D(2019, 12, 1)),
    ("at", "2019-12-01 00:00:00.0000000 +08:00", D(2019, 12, 1)),
    ("at", "2019-12-01T00:00:00Z", D(2019, 12, 1, 8)),
    ("at", "2020-07-01T01:00+08:00", D(2020, 7, 1, 1)),
    ("at", "2020-06-30T17:00:00-0000", D(2020, 7, 1, 1)),
    ("at", "2026-10-05 14:30 UTC", D(2026, 10, 5, 22, 30)),
    ("at", "2026/10/5", D(2026, 10, 5)),
    ("at", "2026/10/05 9:05", D(2026, 10, 5, 9, 5)),
    ("at", "2026.10.05", D(2026, 10, 5)),
    ("at", "20261102", D(2026, 11, 2)),
    ("at", "2026年11月2号", D(2026, 11, 2)),
    ("at", "2026年11月2日 14:30", D(2026, 11, 2, 14, 30)),
    ("at", "２０２６年１１月２日", D(2026, 11, 2)),
    ("due", "2026-10-05", D(2026, 10, 5) + END),
    ("due", "2026-10-05 00:00:00", D(2026, 10, 5) + END),
    ("due", "2026-10-05 18:30", D(2026, 10, 5, 18, 30)),
    ("us", "10/05/2026 2:30 PM", D(2026, 10, 5, 14, 30)),
    ("us", "10/05/2026 12:05 am", D(2026, 10, 5, 0, 5)),
    ("us", "05.10.2026 14:30:00.25+0800", D(2026, 10, 5, 14, 30, 0, 250000)),
    ("us", "05.10.2026 14:30:00.25Z", D(2026, 10, 5, 22, 30, 0, 250000)),
    ("us", "2026-10-05", D(2026, 10, 5)),  # the usual spellings follow a column's formats
]  # fmt: skip

COMMA = (
    "a comma that is not a thousands separator (if the column writes decimals with a comma, "
    'declare decimal: "," for it in the rulebook)'
)
NUMBER_NOT_DATE = "a number, not a date (a cell formatted as a date in Excel is read as a date)"
OUT_OF_RANGE = "outside the plausible dates 2000-01-01 to 2100-12-31 (rulebook.date_range in the "
# nothing more precise to say: what the column would have read, from the spelling tables
NUMBER = "expected a number such as 1234, 1,234.5, 95%, ¥1,234"
EURO = "expected a number such as 1234, 1.234,5, 0,95, 95%"
YES_NO = (
    "expected a yes (达标, 是, 是的, 对, 有, yes, 1) or a no (未达标, 否, 不是, 不对, 无, no, 0) "
    "(true_values / false_values add words for the column)"
)
RATING = (
    "expected a score 1-5 (5, 4.5, 5分), a word (还行 3, 非常满意 5, 满意 4, 一般 3, 不太满意 2, "
    "很不满意 1) or a yes/no; 4 and above is satisfied"
)
DATE = (
    "expected a date such as 2026-11-02, 2026/11/2, 2026年11月2日, 20261102, with or without a "
    "time (2026-11-02 14:30), or an Excel date cell"
)
REFUSED = [
    ("amount", "0,95", "number", COMMA),
    ("amount", "4,5", "number", COMMA),
    ("amount", "1,23", "number", COMMA),
    ("amount", "1.234,50", "number", COMMA),
    ("amount", "1e20", "number", "beyond 10^15, too large to be summed exactly"),
    ("amount", "inf", "number", NUMBER),
    ("amount", "¥5%", "number", NUMBER),
    ("amount", "5分", "number", NUMBER),  # points or minutes: not for a person to guess
    ("euro", "1.5", "number", EURO),
    ("done", "maybe", "yes/no", YES_NO),
    ("score", "6", "rating", "a score outside 1-5"),
    ("score", "0分", "rating", "a score outside 1-5"),
    ("score", "N/A", "rating", RATING),
    ("at", "1", "date", NUMBER_NOT_DATE),
    ("at", "-5", "date", NUMBER_NOT_DATE),
    ("at", "46300", "date", NUMBER_NOT_DATE),
    ("at", "2026-02-30", "date", "no such date or time"),
    ("at", "2026-10-05 24:00", "date", "no such date or time"),
    ("at", "2026-10-05T10:00+15:00", "date", "no such date or time"),
    ("at", "1999-12-31", "date", OUT_OF_RANGE + "rulebook)"),
    ("at", "2101-01-01", "date", OUT_OF_RANGE + "rulebook)"),
    ("at", "1899-12-31 10:30:00", "date", OUT_OF_RANGE + "rulebook)"),  # an Excel time cell
    ("at", "05/10/2026", "date", DATE),  # 5 October or 10 May: the column must say
    ("at", "十月三日", "date", DATE),
    ("due", "2026-13-01", "date", "no such date or time"),
    ("us", "13/05/2026 2:30 PM", "date", "no such date or time"),
]  # fmt: skip


@pytest.fixture(scope="module")
def book(tmp_path_factory):
    path = tmp_path_factory.mktemp("rules") / "spelling.yaml"
    path.write_text(RULES, encoding="utf-8")
    return load_rulebook(path)


def write_cells(path: Path, field: str, cells: list[str]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(list(HEADERS.values()))
        for cell in cells:
            writer.writerow([cell if f == field else "" for f in HEADERS])
    return make_old(path)


@pytest.mark.parametrize(("field", "cell", "expected"), ACCEPTED)
def test_accepted_spellings_give_their_value_in_both_engines(book, field, cell, expected):
    spelling = book.datasets["cells"].columns[field].spelling
    column = convert(pa.array([cell]), spelling)
    assert not column.bad[0], column.why(0)
    got = column.values[0]
    literal = read_cell(cell, spelling)
    if isinstance(expected, dt.datetime):
        assert got == pd.Timestamp(expected)
        assert literal == expected
    else:
        assert got == expected
        assert literal == expected


def test_accepted_spellings_read_through_a_file(book, tmp_path):
    """The same table through the loader: a CSV, every cell in its column, nothing refused."""
    for field in HEADERS:
        cases = [(c, e) for f, c, e in ACCEPTED if f == field]
        path = write_cells(tmp_path / f"{field}.csv", field, [c for c, _e in cases])
        frame = read_workbook(path, book).frames["cells"]
        got = list(frame[field])
        want = [pd.Timestamp(e) if isinstance(e, dt.datetime) else e for _c, e in cases]
        assert got == want, field


@pytest.mark.parametrize(("field", "cell", "kind", "why"), REFUSED)
def test_refused_spellings_name_the_cell_and_say_why(book, tmp_path, field, cell, kind, why):
    path = write_cells(tmp_path / "cells.csv", field, [cell])
    with pytest.raises(InputError) as info:
        read_workbook(path, book)
    column = "ABCDEFG"[list(HEADERS).index(field)]
    reason = f": {why}" if why else ""
    assert info.value.render("en") == (
        f"{path}, sheet 'cells.csv', row 2, column {column} ('{HEADERS[field]}'): "
        f"unreadable {kind} '{cell}'{reason}."
    )
    assert info.value.exit_code == 3


def test_a_refused_cell_reads_in_chinese_too(book, tmp_path):
    path = write_cells(tmp_path / "cells.csv", "amount", ["0,95"])
    with pytest.raises(InputError) as info:
        read_workbook(path, book)
    assert info.value.render("zh") == (
        f"{path},工作表「cells.csv」,第 2 行,A 列(「金额」):无法识别的数字「0,95」:逗号不在千位"
        '分隔的位置(如果该列用逗号作小数点,请在规则手册中为该列写 decimal: ",")。'
    )


# --- the settings that change a column's spelling are checked with their line ----------------


def problems(tmp_path: Path, text: str) -> str:
    path = tmp_path / "r.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(RulebookError) as info:
        load_rulebook(path)
    return info.value.render("en").replace(str(path), "r.yaml")


def test_unknown_format_directives_and_impossible_formats_are_refused_with_their_line(tmp_path):
    text = RULES.replace(
        'formats: ["%m/%d/%Y %I:%M %p", "%d.%m.%Y %H:%M:%S.%f%z"]',
        'formats: ["%Q-%m", "%f", "%I:%M"]',
    )
    assert problems(tmp_path, text).splitlines() == [
        "r.yaml:16: datasets.cells.columns.us.formats.0: date format '%Q-%m': unknown directive %Q",
        "r.yaml:16: datasets.cells.columns.us.formats.1: date format '%f': no year (%Y or %y)",
        "r.yaml:16: datasets.cells.columns.us.formats.2: date format '%I:%M': no year (%Y or %y)",
    ]


def test_spelling_settings_must_fit_the_column_type(tmp_path):
    text = RULES.replace(
        "at: {header: 日期, type: date}", "at: {header: 日期, type: date, decimal: ','}"
    )
    text = text.replace(
        "{header: 金额, type: number}", "{header: 金额, type: number, rating_words: {好: 5}}"
    )
    text = text.replace(
        "true_values: [达标], false_values: [未达标]", "true_values: [达标], false_values: [达标]"
    )
    assert problems(tmp_path, text).splitlines() == [
        "r.yaml:10: datasets.cells.columns.amount.rating_words: rating_words applies to rating "
        "columns only; this column is number",
        "r.yaml:12: datasets.cells.columns.done: '达标' means two things in this column (yes and "
        "no, or a score and a yes/no)",
        "r.yaml:14: datasets.cells.columns.at.decimal: decimal applies to number, rating "
        "columns only; this column is date",
    ]  # fmt: skip


def test_time_zone_date_range_and_targets_are_checked(tmp_path):
    text = RULES.replace(
        "timezone: Asia/Shanghai",
        "timezone: Asia/Beijing\n  date_range: {earliest: 2030-01-01, latest: 2020-12-31}",
    )
    text = text.replace("target: 0", "target: .nan\n    warn_target: .inf")
    assert problems(tmp_path, text).splitlines() == [
        "r.yaml:28: standards[0:every_cell].target: expected a finite number, got nan",
        "r.yaml:29: standards[0:every_cell].warn_target: expected a finite number, got inf",
    ]
    text = text.replace("target: .nan\n    warn_target: .inf", "target: 0")
    assert problems(tmp_path, text).splitlines() == [
        "r.yaml:4: rulebook.timezone: 'Asia/Beijing' is not an IANA time zone (such as "
        "Asia/Shanghai)",
        "r.yaml:5: rulebook.date_range: the earliest date 2030-01-01 is after the latest "
        "2020-12-31",
    ]  # fmt: skip


def test_a_rulebooks_date_range_moves_the_plausible_dates(tmp_path):
    path = tmp_path / "r.yaml"
    path.write_text(
        RULES.replace(
            "timezone: Asia/Shanghai",
            "timezone: Asia/Shanghai\n  date_range: {earliest: 1990-01-01, latest: 2030-12-31}",
        ),
        encoding="utf-8",
    )
    book = load_rulebook(path)
    spelling = book.datasets["cells"].columns["at"].spelling
    column = convert(pa.array(["1995-06-01", "2031-01-01"]), spelling)
    assert column.values[0] == pd.Timestamp("1995-06-01")
    assert list(column.bad) == [False, True]
