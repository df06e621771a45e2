"""What a QA pass with a newcomer's messy months found, each through the CLI: satisfaction
words in a yes/no column, the file beside each evidence row, the closest header, warnings
whose numbers explain them, the excellent-level standard, and cosmetics.

Numbers are worked out by hand in each docstring.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from cskpi.cli import app as cli
from tests.conftest import ROOT, write_workbook
from tests.months import SUGGESTION_HEADERS, rules_for

runner = CliRunner()


def invoke(*args: object):
    return runner.invoke(cli.app, [str(a) for a in args])


def suggestions(path: Path, *answers: str) -> Path:
    import datetime as dt

    rows = [[f"G{i}", dt.date(2026, 10, 3 + i), "一组", a] for i, a in enumerate(answers)]
    return write_workbook(path, {"建议反馈": [SUGGESTION_HEADERS, *rows]})


# --- 4. 满意 / 不满意 typed in a yes/no column that asks 是否满意 -----------------------------


def test_satisfaction_words_read_as_yes_or_no_in_the_is_satisfied_column(tmp_path):
    """是否满意 answered 非常满意, 很满意, 满意, 比较满意, 是 (yes) and 不太满意, 不满意, 很不满意,
    非常不满意 (no): 5 of 9 satisfied, 55.6% against 90%: fail, with no unreadable cell."""
    answers = (
        "非常满意",
        "很满意",
        "满意",
        "比较满意",
        "是",
        "不太满意",
        "不满意",
        "很不满意",
        "非常不满意",
    )
    book = suggestions(tmp_path / "m.xlsx", *answers)
    rules = rules_for(tmp_path, "suggestions")
    result = invoke("evaluate", book, "-r", rules, "-f", "json", "--no-history")
    assert result.exit_code == 1, result.output
    share = json.loads(result.stdout)["results"][0]
    assert (share["standard"], share["sample_size"]) == ("suggestion_satisfaction", 9)
    assert share["actual"] == pytest.approx(5 / 9)


def test_the_templates_drop_down_offers_the_satisfaction_words(tmp_path):
    """The template's 是否满意 drop-down takes what the column reads, so Excel does not refuse
    满意 typed there; the roster's 可接替经理 keeps 是 and 否."""
    import openpyxl

    path = tmp_path / "t.xlsx"
    assert invoke("template", path).exit_code == 0
    book = openpyxl.load_workbook(path)

    def lists(sheet: str) -> list[str]:
        return [v.formula1 for v in book[sheet].data_validations.dataValidation if v.type == "list"]

    assert '"是,否,非常满意,很满意,满意,比较满意,不太满意,不满意,很不满意,非常不满意"' in lists(
        "建议反馈"
    )
    assert '"是,否"' in lists("员工名册")


def test_a_neutral_answer_is_still_refused_and_the_message_offers_the_columns_words(tmp_path):
    """一般 (so-so) is neither yes nor no: the cell stops the run (exit 3), and the message
    lists the column's own words first."""
    book = suggestions(tmp_path / "m.xlsx", "满意", "一般")
    result = invoke("evaluate", book, "-r", rules_for(tmp_path, "suggestions"), "--lang", "en")
    assert result.exit_code == 3
    assert "'一般'" in result.stderr and "row 3" in result.stderr
    assert "非常满意, 很满意, 满意, 比较满意" in result.stderr
    assert "不太满意, 不满意, 很不满意, 非常不满意" in result.stderr


def test_every_bundled_yes_no_column_that_asks_about_satisfaction_reads_the_words():
    """Every bundled rulebook: a yes/no column whose header or aliases ask 满意 takes the
    satisfaction words (and never 一般); the general yes/no vocabulary is not widened."""
    from cskpi.language.spelling import YES_NO

    assert "满意" not in YES_NO and "不满意" not in YES_NO
    found = 0
    for path in sorted((ROOT / "rules").glob("*.yaml")):
        for dataset in yaml.safe_load(path.read_text("utf-8"))["datasets"].values():
            for column in dataset["columns"].values():
                names = [column["header"], *column.get("aliases", [])]
                if column["type"] != "yesno" or not any("满意" in n for n in names):
                    continue
                found += 1
                assert column["true_values"] == ["非常满意", "很满意", "满意", "比较满意"], path
                assert column["false_values"] == ["不太满意", "不满意", "很不满意", "非常不满意"], (
                    path
                )
    assert found == 1  # the supervisor's 建议反馈.是否满意


# --- 5. evidence says which file a row is in -----------------------------------------------


def info_books(folder: Path) -> tuple[Path, Path]:
    """Report complaints: October's file has F1 (row 2); November's has F2 and F3 (rows 2
    and 3). The quarter has 3 (> 1: fail), one row of each file numbered 2."""
    import datetime as dt

    header = ["编号", "日期", "团队", "反馈人", "问题类型"]
    oct_ = write_workbook(
        folder / "2026-10.xlsx",
        {"信息反馈": [header, ["F1", dt.date(2026, 10, 9), "一组", "甲", "数据错误"]]},
    )
    nov = write_workbook(
        folder / "2026-11.xlsx",
        {
            "信息反馈": [
                header,
                ["F2", dt.date(2026, 11, 3), "一组", "乙", "提供延迟"],
                ["F3", dt.date(2026, 11, 4), "一组", "丙", "数据错误"],
            ]
        },
    )
    return oct_, nov


def test_evidence_of_a_run_over_several_files_names_each_rows_file(tmp_path):
    oct_, nov = info_books(tmp_path)
    rules = rules_for(tmp_path, "info_feedback")
    args = ("--period", "2026-11", "-r", rules, "--no-history", "--lang", "en")
    result = invoke("evaluate", oct_, nov, *args, "--evidence")
    assert result.exit_code == 1, result.output
    rows = [line for line in result.stdout.splitlines() if " F" in line and "│" in line]
    assert [(r.split("│")[1].strip(), r.split("│")[2].strip()) for r in rows] == [
        ("2026-10.xlsx", "2"),
        ("2026-11.xlsx", "2"),
        ("2026-11.xlsx", "3"),
    ]
    assert "Input file" in result.stdout
    card = tmp_path / "card.html"
    assert invoke("evaluate", oct_, nov, *args, "-o", card).exit_code == 1
    page = card.read_text("utf-8")
    assert "<th>Input file</th><th>Source row</th>" in page
    assert "<td>2026-10.xlsx</td><td>2</td><td>F1</td>" in page
    assert "<td>2026-11.xlsx</td><td>3</td><td>F3</td>" in page
    one = invoke("evaluate", nov, *args, "--evidence")  # one input: the row number alone
    assert "Input file" not in one.stdout


# --- 6. the closest header is one no other field took ---------------------------------------


def complaint_sheet(path: Path, sheet: str) -> Path:
    """A complaint log whose date column is headed 投诉时间 (not an accepted header)."""
    import datetime as dt

    header = ["投诉编号", "投诉时间", "团队", "客服人员", "承诺期限", "解决日期"]
    row = ["C1", dt.date(2026, 10, 3), "一组", "王芳", dt.date(2026, 10, 6), None]
    return write_workbook(path, {sheet: [header, row]})


def test_the_closest_header_is_not_one_already_matched_to_another_field(tmp_path):
    """投诉编号 is as close to 投诉日期 as 投诉时间 is (2 of 4 characters), but it is the
    complaint id: the hint names 投诉时间."""
    book = complaint_sheet(tmp_path / "m.xlsx", "投诉记录")
    result = invoke("evaluate", book, "-r", rules_for(tmp_path, "complaints"))
    assert result.exit_code == 3
    assert result.stderr.strip() == (
        f"错误: {book},工作表「投诉记录」:缺少必需的列「投诉日期」(可用表头:投诉日期, "
        "received_at, received, 受理日期);最接近的表头是「投诉时间」。"
    )


def test_a_renamed_sheet_with_a_wrong_header_lists_the_accepted_and_the_closest(tmp_path):
    """The sheet is also renamed (投诉登记): the dataset is missing, and the closest sheet's
    missing header comes with its accepted spellings and the closest header there."""
    book = complaint_sheet(tmp_path / "m.xlsx", "投诉登记")
    result = invoke("evaluate", book, "-r", rules_for(tmp_path, "complaints"), "--lang", "en")
    assert result.exit_code == 3
    assert result.stderr.strip().endswith(
        f"the closest is sheet '投诉登记' of {book}, which lacks the headers: '投诉日期' "
        "(accepted headers: 投诉日期, received_at, received, 受理日期; the closest header "
        "found is '投诉时间')."
    )


# --- 10. --teams split at 、 and the full-width comma too ------------------------------------


@pytest.mark.parametrize("typed", ["北区、南区、东区", "北区，南区,东区", "北区; 南区；东区"])
def test_template_teams_take_chinese_separators(tmp_path, typed):
    """Three teams typed with 顿号, full-width or ASCII commas or semicolons: a drop-down of
    three names, never one name holding the separators."""
    import openpyxl

    path = tmp_path / "t.xlsx"
    assert invoke("template", path, "--teams", typed).exit_code == 0
    sheet = openpyxl.load_workbook(path)["投诉记录"]
    lists = [v.formula1 for v in sheet.data_validations.dataValidation if v.type == "list"]
    assert lists == ['"北区,南区,东区"']


# --- 7. early-warning numbers that read as what they are ------------------------------------


def budget_result(actual: float, projected: float, status: str = "warn"):
    from cskpi.evaluate.scorecard import Result

    return Result(
        "complaints_per_month", "月度投诉", "Complaints per month", None, "2026-11", status,
        actual, "<=", 1.0, None, "required", "count", 0, 0, projected=projected, days_left=10.0,
    )  # fmt: skip


def test_a_projection_just_past_the_limit_never_reads_as_the_limit():
    """1 complaint by the 20th of a 30-day month leads to 1.5; 1.03 (a pace a hair past the
    limit of 1) would print 1.0 at one decimal, which reads as within; 1.0004 reads '> 1'."""
    from cskpi.present.formatting import format_actual, projection_text

    assert projection_text(budget_result(1, 1.5)) == "1.5"
    assert projection_text(budget_result(1, 1.03)) == "1.03"
    assert projection_text(budget_result(1, 1.0004)) == "> 1"
    assert projection_text(budget_result(0, 0.96)) == "1.0"  # within: 1.0 is honest
    assert format_actual(budget_result(1, 1.03)) == "1 → 1.03"


def test_a_count_already_past_its_limit_says_by_how_much():
    """7 complaints against a limit of 5 with 10 days left: '7 used (limit 5, 2 over)', not
    '7 of 5 used'; 3 of 5 keeps the plain words."""
    import dataclasses

    from cskpi.present.formatting import budget_text

    over = dataclasses.replace(budget_result(7, 10.5, "fail"), target=5.0)
    assert budget_text(over, "zh") == "已用 7(上限 5,已超出 2),剩余 10.0 天,预计 10.5"
    assert budget_text(over, "en") == "7 used (limit 5, 2 over), 10.0 days left, 10.5 projected"
    within = dataclasses.replace(budget_result(3, 4.5), target=5.0)
    assert budget_text(within, "en") == "3 of 5 used, 10.0 days left, 4.5 projected"


# --- 9. a warning once ------------------------------------------------------------------------


def test_a_warning_said_twice_is_printed_once_and_example_rows_are_one_line_per_file():
    """Two identical warnings: one. Example rows on two sheets of a.xlsx (rows 2; 2 and 3) and
    one of b.xlsx: one line for a.xlsx counting 3 rows, b.xlsx's line as it was."""
    from cskpi.errors import Problem
    from cskpi.read.records import examples_note, merge_notes

    same = Problem("input.same_file", {"file": "c.xlsx", "first": "a.xlsx"})
    merged = merge_notes(
        [
            examples_note("a.xlsx", "投诉记录", [2]),
            same,
            examples_note("b.xlsx", "投诉记录", [2]),
            examples_note("a.xlsx", "工作任务", [2, 3]),
            Problem("input.same_file", {"file": "c.xlsx", "first": "a.xlsx"}),
        ]
    )
    assert [w.render("en") for w in merged] == [
        "a.xlsx: 3 example rows (marked in the 示例 column) are not data and were left out; "
        "sheets (rows): 投诉记录 (2), 工作任务 (2, 3).",
        "c.xlsx: same content as a.xlsx (SHA-256); read once.",
        "b.xlsx, sheet '投诉记录': 1 example rows (marked in the 示例 column) are not data and "
        "were left out: rows 2.",
    ]


# --- 8. a missed excellent level is not achieved, never a failure ---------------------------


def test_a_group_without_a_successor_is_not_achieved_not_failed(tmp_path):
    """一组 has a successor (王芳), 二组 none (李雷 not ready); one complaint resolved on
    time. The excellent-level standard is met overall (1 >= 1) and by 一组, not by 二组: that
    is 未达成 (◦), not 未达标 (✗), counts as no failure, and the run passes (exit 0)."""
    from tests.conftest import COMPLAINT_HEADERS, D, complaint
    from tests.months import ROSTER_HEADERS

    book = write_workbook(
        tmp_path / "m.xlsx",
        {
            "员工名册": [ROSTER_HEADERS, ["王芳", "一组", "是"], ["李雷", "二组", "否"]],
            "投诉记录": [
                COMPLAINT_HEADERS,
                complaint("C1", D(2026, 10, 3), promised=D(2026, 10, 6), resolved=D(2026, 10, 4)),
            ],
        },
    )
    rules = rules_for(tmp_path, "staff", "complaints")
    args = (book, "-r", rules, "--period", "2026-10", "--by", "team", "--no-history")
    shown = invoke("evaluate", *args, "--lang", "en")
    assert shown.exit_code == 0, shown.output
    row = next(line for line in shown.stdout.splitlines() if "successor" in line)
    assert [cell.strip() for cell in row.split("│")[4:7]] == ["1 ✓", "1 ✓", "0 ◦"]
    assert "✗" not in shown.stdout
    assert "8 pass · 0 warn · 0 fail · 0 no data · 1 excellent-level not achieved." in shown.stdout
    data = json.loads(invoke("evaluate", *args, "-f", "json").stdout)
    statuses = [r["status"] for r in data["results"] if r["standard"] == "successor_ready"]
    assert statuses == ["pass", "pass", "unmet"]
    summary = data["summary"]
    assert (summary["fail"], summary["unmet"], summary["verdict"], summary["exit_code"]) == (
        0,
        1,
        "pass",
        0,
    )
