"""Several monthly files read as one data set: which rows are one record, snapshots read once,
and a quarter in three files gives what one file holding the quarter gives.

Every number is worked out by hand in the test's docstring; everything goes through the CLI.
"""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pytest
import yaml
from typer.testing import CliRunner

from cskpi.cli import app as cli
from tests.conftest import COMPLAINT_HEADERS, ROOT, D, complaint, write_workbook
from tests.months import ROSTER_HEADERS, TASK_HEADERS, month_book, rules_for

runner = CliRunner()


def invoke(*args: object):
    return runner.invoke(cli.app, [str(a) for a in args])


def run_json(*args: object, code: int | None = None) -> dict:
    result = invoke("evaluate", *args, "-f", "json", "--no-history", "--lang", "en")
    assert result.exit_code in ((0, 1, 5) if code is None else (code,)), result.output
    return json.loads(result.stdout)


def result_of(data: dict, standard: str, period: str | None = None) -> dict:
    return next(
        r
        for r in data["results"]
        if r["standard"] == standard and r["group"] is None and period in (None, r["period"])
    )


def complaints_book(path: Path, *rows: list[object]) -> Path:
    return write_workbook(path, {"投诉记录": [COMPLAINT_HEADERS, *rows]})


# --- 1. one id, one date: one record; numbering restarted each month ---------------------


def test_numbering_restarted_each_month_keeps_every_new_row(tmp_path):
    """October: complaints 1 and 2, resolved on time. November: complaints 1, 2 and 3, none
    resolved, due 5, 6 and 7 November. The ids repeat but the dates differ: five records.
    November's overdue count is 3 (> 1: fail), not 1 with 1, 2 taken for October's."""
    oct_ = complaints_book(
        tmp_path / "ids-10.xlsx",
        complaint("1", D(2026, 10, 5), promised=D(2026, 10, 8), resolved=D(2026, 10, 7)),
        complaint("2", D(2026, 10, 6), promised=D(2026, 10, 9), resolved=D(2026, 10, 9)),
    )
    nov = complaints_book(
        tmp_path / "ids-11.xlsx",
        complaint("1", D(2026, 11, 2), promised=D(2026, 11, 5)),
        complaint("2", D(2026, 11, 3), promised=D(2026, 11, 6)),
        complaint("3", D(2026, 11, 4), promised=D(2026, 11, 7)),
    )
    rules = rules_for(tmp_path, "complaints")
    result = invoke(
        "evaluate", oct_, nov, "--period", "2026-11", "-r", rules, "-f", "json", "--no-history"
    )
    assert result.exit_code == 1, result.output
    data = json.loads(result.stdout)
    overdue = result_of(data, "overdue_complaints_per_month")
    assert (overdue["status"], overdue["actual"]) == ("fail", 3)
    assert result_of(data, "complaints_per_month")["actual"] == 3
    assert data["warnings"] == []  # a restarted number is not a repeat


def test_the_same_record_in_two_files_counts_once_naming_both(tmp_path):
    """October's file holds X1 (3 Oct) and X2 (12 Oct); November's repeats X2 exactly and
    adds X3 (2 Nov). In the quarter to date, October has 2 complaints, not 3; the warning
    names both files."""
    x2 = complaint("X2", D(2026, 10, 12), promised=D(2026, 10, 15), resolved=D(2026, 10, 13))
    a = complaints_book(
        tmp_path / "2026-10.xlsx",
        complaint("X1", D(2026, 10, 3), promised=D(2026, 10, 20), resolved=D(2026, 10, 19)),
        x2,
    )
    b = complaints_book(
        tmp_path / "2026-11.xlsx",
        list(x2),
        complaint("X3", D(2026, 11, 2), promised=D(2026, 11, 9), resolved=D(2026, 11, 3)),
    )
    rules = rules_for(tmp_path, "complaints")
    data = run_json(a, b, "--period", "2026Q4", "-r", rules)
    assert result_of(data, "complaints_per_month", "2026-10")["actual"] == 2
    assert data["warnings"] == [
        f"{b}, sheet '投诉记录': 1 rows are records already read from {a} (same id, date and "
        "content) and count once: rows 2."
    ]


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        (
            "zh",
            "错误: 投诉编号「X2」(日期 2026-10-12)在 {a}(工作表「投诉记录」第 3 行)和 {b}"
            "(工作表「投诉记录」第 2 行)中是同一条记录,但内容不同;请确认哪一份导出是正确的,"
            "更正或删除另一份后重新运行。",
        ),
        (
            "en",
            "error: 投诉编号 'X2' (dated 2026-10-12) is one record in {a} (sheet '投诉记录', "
            "row 3) and {b} (sheet '投诉记录', row 2), but the two rows differ; decide which "
            "export is right, correct or remove the other, and run again.",
        ),
    ],
)
def test_one_record_that_two_files_tell_differently_exits_3_naming_both(tmp_path, lang, text):
    """X2 of 12 October is unresolved in October's file and resolved on the 13th in
    November's: one of the exports is wrong, and cskpi will not pick one."""
    a = complaints_book(
        tmp_path / "2026-10.xlsx",
        complaint("X1", D(2026, 10, 3), promised=D(2026, 10, 20), resolved=D(2026, 10, 19)),
        complaint("X2", D(2026, 10, 12), promised=D(2026, 10, 15)),
    )
    b = complaints_book(
        tmp_path / "2026-11.xlsx",
        complaint("X2", D(2026, 10, 12), promised=D(2026, 10, 15), resolved=D(2026, 10, 13)),
    )
    rules = rules_for(tmp_path, "complaints")
    for extra in ([], ["--evidence"]):  # the same answer whichever columns are converted
        result = invoke("evaluate", a, b, "-r", rules, "--no-history", "--lang", lang, *extra)
        assert result.exit_code == 3, result.output
        assert result.stderr.strip() == text.format(a=a, b=b)


def tasks_rules(folder: Path) -> Path:
    """The tasks of the default rulebook with a task number: an id, and no date column (the
    due date places a task in time, through the standard)."""
    data = yaml.safe_load(rules_for(folder, "tasks").read_text("utf-8"))
    data["datasets"]["tasks"]["id_column"] = "task_id"
    data["datasets"]["tasks"]["columns"]["task_id"] = {"header": "任务编号", "type": "text"}
    path = folder / "tasks-with-ids.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def task_book(path: Path, *rows: list[object]) -> Path:
    return write_workbook(path, {"工作任务": [["任务编号", *TASK_HEADERS], *rows]})


def test_an_id_without_a_date_column_is_told_apart_by_the_date_its_standard_uses(tmp_path):
    """Tasks have an id and no date column; tasks_on_time places them by their due date.
    October's file: T1 due 10 Oct, done the 9th; T2 due 3 Nov, not done. November's file:
    T1 due 10 Nov, done the 12th (numbering restarted: another task, kept); T2 due 3 Nov,
    done the 2nd (the same task told differently: exit 3 naming both files and rows).

    With November's T2 saying what October's says (not done), it counts once, with a
    warning: November has T1 (done late) and T2 (past due, not done): 0 of 2 on time."""
    rules = tasks_rules(tmp_path)
    oct_ = task_book(
        tmp_path / "2026-10.xlsx",
        ["T1", "王芳", "一组", "周报", D(2026, 10, 10), D(2026, 10, 9)],
        ["T2", "李雷", "一组", "回访", D(2026, 11, 3), None],
    )
    nov = task_book(
        tmp_path / "2026-11.xlsx",
        ["T1", "王芳", "一组", "周报", D(2026, 11, 10), D(2026, 11, 12)],
        ["T2", "李雷", "一组", "回访", D(2026, 11, 3), D(2026, 11, 2)],
    )
    result = invoke("evaluate", oct_, nov, "--period", "2026-11", "-r", rules, "--lang", "en")
    assert result.exit_code == 3
    assert result.stderr.strip() == (
        f"error: 任务编号 'T2' (dated 2026-11-03) is one record in {oct_} (sheet '工作任务', "
        f"row 3) and {nov} (sheet '工作任务', row 3), but the two rows differ; decide which "
        "export is right, correct or remove the other, and run again."
    )
    task_book(
        nov,
        ["T1", "王芳", "一组", "周报", D(2026, 11, 10), D(2026, 11, 12)],
        ["T2", "李雷", "一组", "回访", D(2026, 11, 3), None],
    )
    data = run_json(oct_, nov, "--period", "2026-11", "-r", rules)
    on_time = result_of(data, "tasks_on_time")
    assert (on_time["actual"], on_time["sample_size"]) == (0.0, 2)
    assert data["warnings"] == [
        f"{nov}, sheet '工作任务': 1 rows are records already read from {oct_} (same id, date "
        "and content) and count once: rows 3."
    ]


def test_rows_without_ids_repeated_in_a_later_file_count_once(tmp_path):
    """Tasks have no id in the default rulebook. October's file: 10 Oct done the 9th, 20 Oct
    done the 22nd (late). November's repeats the late one exactly and adds one due 5 Nov.
    In the quarter to date, October: 1 of 2 on time (50%), not 1 of 3."""
    late = ["李雷", "一组", "回访", D(2026, 10, 20), D(2026, 10, 22)]
    a = write_workbook(
        tmp_path / "2026-10.xlsx",
        {
            "工作任务": [
                TASK_HEADERS,
                ["王芳", "一组", "周报", D(2026, 10, 10), D(2026, 10, 9)],
                late,
            ]
        },
    )
    b = write_workbook(
        tmp_path / "2026-11.xlsx",
        {"工作任务": [TASK_HEADERS, list(late), ["王芳", "一组", "月报", D(2026, 11, 5), None]]},
    )
    data = run_json(a, b, "--period", "2026Q4", "-r", rules_for(tmp_path, "tasks"))
    on_time = result_of(data, "tasks_on_time", "2026-10")
    assert (on_time["actual"], on_time["sample_size"]) == (0.5, 2)
    assert data["warnings"] == [
        f"{b}, sheet '工作任务': 1 rows repeat rows of {a} exactly (with no id to tell them "
        "apart) and count once: rows 2."
    ]


# --- 2. a snapshot is read from one file -------------------------------------------------


def roster_book(path: Path, *rows: list[object], complaints: list[list[object]] = ()) -> Path:
    sheets = {"员工名册": [ROSTER_HEADERS, *rows]}
    if complaints:
        sheets["投诉记录"] = [COMPLAINT_HEADERS, *complaints]
    return write_workbook(path, sheets)


def test_the_roster_in_two_monthly_files_counts_once_from_the_later(tmp_path):
    """Both months hold the roster and nothing dated. October's: 王芳 ready, 李雷 not;
    November's: 王芳 ready, 李雷 ready too. Only the last given copy is used: 2 successors,
    not 3 (1 + 2); with October's file alone, 1. A warning (even with --quiet) names the
    copy left out."""
    a = roster_book(tmp_path / "2026-10.xlsx", ["王芳", "一组", "是"], ["李雷", "一组", "否"])
    b = roster_book(tmp_path / "2026-11.xlsx", ["王芳", "一组", "是"], ["李雷", "一组", "是"])
    rules = rules_for(tmp_path, "staff")
    # the successor standard made required: a rulebook with nothing required is refused
    rules.write_text(
        rules.read_text("utf-8").replace("level: excellent", "level: required"), "utf-8"
    )
    data = run_json(a, b, "--period", "2026-11", "-r", rules)
    assert result_of(data, "successor_ready")["actual"] == 2
    warning = (
        f"sheet '员工名册' is a snapshot (not placed in time) found in several inputs: only the "
        f"copy in {b}, the last input given, is used; the copy in {a} is not."
    )
    assert (data["warnings"], data["notes"]) == ([warning], [])
    assert (
        result_of(run_json(a, "--period", "2026-11", "-r", rules), "successor_ready")["actual"] == 1
    )
    quiet = invoke("evaluate", a, b, "--period", "2026-11", "-r", rules, "--quiet", "--lang", "en")
    assert quiet.stderr.strip() == f"warning: {warning}"


def test_the_roster_of_the_file_with_the_latest_records_is_used_whatever_the_order(tmp_path):
    """November's file (a complaint on 3 Nov; roster: both ready) is given before October's
    (a complaint on 5 Oct; roster: 李雷 not ready). The copy used is November's, whose records
    are the latest: 2 successors, not 1 (the last given) nor 3 (both)."""
    nov = roster_book(
        tmp_path / "b.xlsx",
        ["王芳", "一组", "是"],
        ["李雷", "一组", "是"],
        complaints=[complaint("N1", D(2026, 11, 3))],
    )
    oct_ = roster_book(
        tmp_path / "a.xlsx",
        ["王芳", "一组", "是"],
        ["李雷", "一组", "否"],
        complaints=[complaint("O1", D(2026, 10, 5))],
    )
    rules = rules_for(tmp_path, "staff", "complaints")
    data = run_json(nov, oct_, "--period", "2026Q4", "-r", rules)
    assert result_of(data, "successor_ready")["actual"] == 2
    assert (
        f"sheet '员工名册' is a snapshot (not placed in time) found in several inputs: only the "
        f"copy in {nov}, whose records are the latest (up to 2026-11-03), is used; the copy in "
        f"{oct_} is not."
    ) in data["warnings"]


def test_an_earlier_months_roster_read_by_the_template_is_a_note_not_news(tmp_path):
    """A November run from the template reads October's file too (the quarterly report
    standard). Both hold the roster: November's is used, and leaving October's out is what
    every such run does, so it is a note (hidden by --quiet), not a warning."""
    for month in (10, 11):
        sheets = {
            "员工名册": [
                ROSTER_HEADERS,
                ["王芳", "一组", "是"],
                ["李雷", "一组", "是" if month == 11 else "否"],
            ],
            "投诉记录": [COMPLAINT_HEADERS, complaint(f"C{month}", D(2026, month, 4))],
            "信息反馈": [["编号", "日期", "团队", "反馈人", "问题类型"]],
        }
        write_workbook(tmp_path / f"2026-{month}.xlsx", sheets)
    rules = rules_for(tmp_path, "staff", "complaints", "info_feedback")
    template = str(tmp_path / "{period}.xlsx")
    data = run_json(template, "--period", "2026-11", "-r", rules)
    assert result_of(data, "successor_ready")["actual"] == 2
    assert data["notes"] == [
        f"sheet '员工名册' is a snapshot (not placed in time) found in several inputs: only the "
        f"copy in {tmp_path / '2026-11.xlsx'}, whose records are the latest (up to 2026-11-04), "
        f"is used; the copy in {tmp_path / '2026-10.xlsx'} is not."
    ]
    assert not any("员工名册" in w for w in data["warnings"])


def test_a_later_copy_of_the_training_sheet_does_not_double_the_staff(tmp_path):
    """The service-commitment sample has 10 service staff on 培训考试, 9 trained in October
    (90% >= 90%: pass). A November workbook holding a copy of that sheet alone: still 9 of
    10, not 18 of 20 (nor, were the copy updated, a mix of two rosters)."""
    sample = ROOT / "samples" / "commitment-2026-10.xlsx"
    book = openpyxl.load_workbook(sample)
    for name in book.sheetnames:
        if name != "培训考试":
            del book[name]
    copy = tmp_path / "2026-11.xlsx"
    book.save(copy)
    data = run_json(sample, copy, "--rules", "service-commitment", "--period", "2026-10")
    trained = result_of(data, "staff_trained")
    assert (trained["status"], trained["actual"], trained["sample_size"]) == ("pass", 0.9, 10)
    assert [w for w in data["warnings"] if "培训考试" in w] == [
        f"sheet '培训考试' is a snapshot (not placed in time) found in several inputs: only the "
        f"copy in {copy}, the last input given, is used; the copy in {sample} is not."
    ]


def test_a_quarter_in_three_monthly_files_equals_one_file_holding_it(tmp_path):
    """July, August and September, each a whole month of the default rulebook with the
    roster (王芳 ready, 李雷 not). The quarter run over the three files and over one file
    holding the three months' rows (the roster once) give the same results: one successor,
    not three; every monthly standard once per month."""
    months = [month_book(tmp_path / f"2026-{m:02d}.xlsx", 2026, m) for m in (7, 8, 9)]
    whole: dict[str, list[list[object]]] = {}
    for path in months:
        for ws in openpyxl.load_workbook(path).worksheets:
            rows = [list(r) for r in ws.iter_rows(values_only=True)]
            if ws.title not in whole:
                whole[ws.title] = rows
            elif ws.title != "员工名册":
                whole[ws.title] += rows[1:]
    quarter = write_workbook(tmp_path / "q3.xlsx", whole)
    three = run_json(*months, "--period", "2026Q3")
    one = run_json(quarter, "--period", "2026Q3")

    def numbers(data: dict) -> list[tuple[object, ...]]:
        keys = ("standard", "group", "period", "status", "actual", "sample_size")
        return [tuple(r[k] for k in keys) for r in data["results"]]

    assert numbers(three) == numbers(one)
    assert result_of(three, "successor_ready")["actual"] == 1
    assert [r["actual"] for r in three["results"] if r["standard"] == "tasks_on_time"] == [1.0] * 3
    # the roster is in each month's file: September's copy (its latest record, a task due
    # on the 12th), said in a warning
    assert three["warnings"] == [
        f"sheet '员工名册' is a snapshot (not placed in time) found in several inputs: only the "
        f"copy in {months[2]}, whose records are the latest (up to 2026-09-12), is used; the "
        f"copy in {months[0]}, {months[1]} is not."
    ]


# --- 3. rows no window counts are said out loud ------------------------------------------


def test_a_complaint_dated_next_year_is_a_warning_naming_file_sheet_row_and_date(tmp_path):
    """November (the clock: 29 Nov 2026): two complaints on the 2nd and 3rd, and one typed
    2027-11-25. It cannot have happened: 2 complaints, and a warning naming row 4."""
    nov = complaints_book(
        tmp_path / "2026-11.xlsx",
        complaint("N1", D(2026, 11, 2), promised=D(2026, 11, 9), resolved=D(2026, 11, 3)),
        complaint("N2", D(2026, 11, 3), promised=D(2026, 11, 9), resolved=D(2026, 11, 4)),
        complaint("N3", D(2027, 11, 25)),
    )
    data = run_json(nov, "--period", "2026-11", "-r", rules_for(tmp_path, "complaints"))
    assert result_of(data, "complaints_per_month")["actual"] == 2
    assert data["warnings"] == [
        f"{nov}, sheet '投诉记录': 1 rows have a 投诉日期 after now, which cannot have happened "
        "yet (a mistyped year?); they count in no result. Rows (dates): 4 (2027-11-25)."
    ]


def test_an_earlier_month_read_for_the_quarter_is_not_warned_about(tmp_path):
    """A November run from the template reads October's file for the quarterly report
    standard. October's complaints fall in no window of November's run, as they should:
    no warning. The quarter counts October's report complaint: 1 (<= 1)."""
    for month, day in ((10, 5), (11, 4)):
        done = {"promised": D(2026, month, day + 3), "resolved": D(2026, month, day + 1)}
        write_workbook(
            tmp_path / f"2026-{month}.xlsx",
            {
                "投诉记录": [
                    COMPLAINT_HEADERS,
                    complaint(f"C{month}", D(2026, month, day), **done),
                ],
                "信息反馈": [["编号", "日期", "团队", "反馈人", "问题类型"]]
                + ([["F1", D(2026, 10, 9), "一组", "甲", "数据错误"]] if month == 10 else []),
            },
        )
    rules = rules_for(tmp_path, "complaints", "info_feedback")
    data = run_json(str(tmp_path / "{period}.xlsx"), "--period", "2026-11", "-r", rules)
    assert result_of(data, "info_complaints_per_quarter")["actual"] == 1
    assert result_of(data, "complaints_per_month")["actual"] == 1
    assert data["warnings"] == []


def test_a_re_export_telling_every_record_differently_lists_ten_and_counts_the_rest(tmp_path):
    """October's file: 12 complaints X1..X12 of 5 October, unresolved. A re-export resolves
    them all on the 6th: 12 conflicts; the first 10 are named, the other 2 counted."""
    rows = [complaint(f"X{i}", D(2026, 10, 5), promised=D(2026, 10, 8)) for i in range(1, 13)]
    fixed = [
        complaint(f"X{i}", D(2026, 10, 5), promised=D(2026, 10, 8), resolved=D(2026, 10, 6))
        for i in range(1, 13)
    ]
    a = complaints_book(tmp_path / "a.xlsx", *rows)
    b = complaints_book(tmp_path / "b.xlsx", *fixed)
    rules = rules_for(tmp_path, "complaints")
    result = invoke("evaluate", a, b, "-r", rules, "--no-history", "--lang", "en")
    assert result.exit_code == 3
    lines = result.stderr.strip().splitlines()
    assert len([line for line in lines if "is one record in" in line]) == 10
    assert "'X10'" in result.stderr and "'X11'" not in result.stderr
    assert lines[-1].endswith("... and 2 more records that two files tell differently.")
