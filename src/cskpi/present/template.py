"""A blank input workbook for a rulebook: every sheet, canonical headers, drop-downs, examples.

What a new user fills in by hand: the template follows the rulebook, so a rulebook with extra
datasets (the manager's) gets their sheets too. Its example rows carry a mark in a last column
headed 示例, so cskpi never counts them: an untouched template has no data and never passes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path

import xlsxwriter

from cskpi.errors import Problem, RulebookError
from cskpi.evaluate.datasets import EXAMPLE_HEADERS, EXAMPLE_MARK
from cskpi.evaluate.periods import today
from cskpi.rulebook.compiled import Column, Rulebook

RATINGS = ["5", "4", "3", "2", "1", "非常满意", "满意", "一般", "不满意", "非常不满意"]
YESNO = ["是", "否"]
DEFAULT_TEAMS = ("一组", "二组", "三组")
ROWS_VALIDATED = 5000

INSTRUCTIONS = [
    ("说明 / Instructions", None),
    (
        "每个工作表对应一类记录,请保留表头,从第 3 行开始填写。第 2 行是示例:"
        "它的「示例」列标有“示例”,cskpi 不把它计入数据;可以删除。自己的记录请让「示例」列留空。",
        "Each sheet holds one kind of record. Keep the header row; fill in from row 3. Row 2 is "
        "an example: its 示例 column is marked, so cskpi never counts it; you may delete it. "
        "Leave the 示例 column blank in your own rows.",
    ),
    (
        "日期可以是 Excel 日期,或文本 2026-10-05、2026/10/05、2026-10-05 14:30、2026年10月5日。",
        "Dates may be Excel dates or text such as 2026-10-05, 2026/10/05, 2026-10-05 14:30, "
        "2026年10月5日.",
    ),
    (
        "承诺期限只填日期时,表示当天结束前。解决日期留空表示尚未解决。",
        "A deadline with no time of day means the end of that day. A blank resolution date means "
        "not resolved yet.",
    ),
    (
        "满意度:1-5 分(4、5 为满意),或 非常满意/满意/一般/不满意/非常不满意,"
        "或 是/否;留空表示未作答。",
        "Ratings: 1-5 (4 and 5 are satisfied), or 非常满意/满意/一般/不满意/非常不满意, or 是/否; "
        "blank means not answered.",
    ),
    (
        "客户名称、联系电话在所有输出中都会被遮盖。",
        "Customer names and phone numbers are masked in every output.",
    ),
    (
        "检查:cskpi evaluate 本文件 --explain-columns",
        "Check: cskpi evaluate this-file --explain-columns",
    ),
]


def _example(fid: str, column: Column, month: dt.date, teams: Sequence[str]) -> object:
    day = dt.datetime(month.year, month.month, 3, 9, 30)
    if column.type == "date":
        return day + dt.timedelta(days=1) if "resolved" in fid or "done" in fid else day
    if column.type == "deadline":
        return day + dt.timedelta(days=3)
    if column.type == "rating":
        return 5
    if column.type == "yesno":
        return "是"
    if column.type == "number":
        return 1
    if fid == "team":
        return teams[0]
    examples = {"customer": "张三", "phone": "13800000000", "issue_type": "提供延迟"}
    return examples.get(fid, f"示例 {column.header}")


GUIDE = "说明"


def tab_names(rulebook: Rulebook) -> dict[str, str]:
    """Each dataset's tab: the first of its ``sheets:`` names Excel can hold and no other tab
    has (the names also find database tables and CSV files, where any name goes: so a name
    is refused here, not when the rulebook is read). None fits: exit 2 naming the YAML line."""
    from cskpi.i18n import Named
    from cskpi.present.xlsxcells import sheet_name_fault

    used: dict[str, object] = {GUIDE.lower(): Named(zh="说明", en="the instructions")}
    chosen: dict[str, str] = {}
    for dataset_id, spec in rulebook.datasets.items():
        faults = []
        for name in spec.sheets:
            taken = used.get(name.lower())
            fault = sheet_name_fault(name) or (
                Problem("sheet.taken", {"other": taken}) if taken is not None else None
            )
            if fault is None:
                chosen[dataset_id] = name
                used[name.lower()] = spec.named
                break
            faults.append(fault)
        else:
            raise _refused(rulebook, dataset_id, spec.sheets[0], faults[0])
    return chosen


def _refused(rulebook: Rulebook, dataset_id: str, name: str, fault: Problem) -> RulebookError:
    """The rulebook's first sheet name of ``dataset_id`` cannot name a tab: file, line, why."""
    from cskpi.present.safe import visible
    from cskpi.rulebook.yamlfile import load_yaml

    loc = ("datasets", dataset_id, "sheets", 0)
    _data, lines, _digest = load_yaml(rulebook.path)
    detail = Problem("template.bad_sheet", {"name": visible(name), "reason": fault})
    file, path = str(rulebook.path), ".".join(map(str, loc))
    return RulebookError("rules.invalid", file=file, line=lines.line(loc), path=path, detail=detail)


def write_template(
    rulebook: Rulebook,
    path: Path,
    *,
    teams: Sequence[str] = DEFAULT_TEAMS,
    month: dt.date | None = None,
) -> None:
    """Write the blank workbook (callers make the write atomic)."""
    month = month or today().replace(day=1)
    tabs = tab_names(rulebook)  # refused before anything is written
    book = xlsxwriter.Workbook(
        str(path), {"strings_to_formulas": False, "strings_to_numbers": False}
    )
    header = book.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
    date = book.add_format({"num_format": "yyyy-mm-dd hh:mm"})
    wrap = book.add_format({"text_wrap": True, "valign": "top"})
    guide = book.add_worksheet(GUIDE)
    guide.set_column(0, 1, 70)
    for row, (zh, en) in enumerate(INSTRUCTIONS):
        guide.write_string(row, 0, zh, header if en is None else wrap)
        if en:
            guide.write_string(row, 1, en, wrap)
    row = len(INSTRUCTIONS) + 1
    for dataset_id, spec in rulebook.datasets.items():
        guide.write_string(row, 0, f"{tabs[dataset_id]}:{spec.names.zh}", wrap)
        guide.write_string(row, 1, f"{tabs[dataset_id]}: {spec.names.en} ({dataset_id})", wrap)
        row += 1
    for dataset_id, spec in rulebook.datasets.items():
        ws = book.add_worksheet(tabs[dataset_id])
        for col, (fid, column) in enumerate(spec.columns.items()):
            ws.write_string(0, col, column.header, header)
            ws.set_column(col, col, max(12, len(column.header) * 2 + 4))
            value = _example(fid, column, month, teams)
            if isinstance(value, dt.datetime):
                ws.write_datetime(1, col, value, date)
                ws.data_validation(
                    1,
                    col,
                    ROWS_VALIDATED,
                    col,
                    {
                        "validate": "date",
                        "criteria": ">",
                        "value": dt.datetime(2000, 1, 1),
                        "ignore_blank": True,
                        "error_message": "请填写日期 / enter a date",
                    },
                )
                ws.set_column(col, col, 18, date)
            elif isinstance(value, int):
                ws.write_number(1, col, value)
            else:
                ws.write_string(1, col, value)
            choices = (
                list(teams)
                if fid == "team"
                else RATINGS
                if column.type == "rating"
                else [*YESNO, *column.spelling.true_values, *column.spelling.false_values]
                if column.type == "yesno"
                else None
            )
            if choices:
                ws.data_validation(
                    1,
                    col,
                    ROWS_VALIDATED,
                    col,
                    {"validate": "list", "source": choices, "ignore_blank": True},
                )
        mark = len(spec.columns)
        ws.write_string(0, mark, EXAMPLE_HEADERS[0], header)
        ws.write_string(1, mark, EXAMPLE_MARK)
        ws.freeze_panes(1, 0)
    book.close()
