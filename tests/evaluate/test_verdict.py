"""Never a false pass: the verdict speaks only from results, over periods that have begun.

Every case goes through the command line where it is command-line behaviour, in Chinese and
English; the scorecard's own properties are checked on the core.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from cskpi.cli import app as cli
from cskpi.evaluate.engine import evaluate
from cskpi.evaluate.metrics import Selection, measure, prepare_column
from cskpi.evaluate.periods import parse_period
from cskpi.read.inputs import read_inputs
from cskpi.rulebook.metrics import METRICS
from cskpi.runs.run import RunRequest, run_evaluation
from tests.conftest import NOW, SAMPLE, D, pick, write_workbook
from tests.months import good_month

runner = CliRunner()


def invoke(*args: object):
    return runner.invoke(cli.app, [str(a) for a in args])


def test_a_good_month_passes_with_exit_0(tmp_path):
    path = write_workbook(tmp_path / "good.xlsx", good_month())
    result = invoke("evaluate", path, "--no-history", "-f", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["summary"]["verdict"] == "pass"
    assert {r["status"] for r in data["results"]} == {"pass"}
    assert invoke("evaluate", path, "--no-history").stdout.splitlines()[-1] == "结论:达标。"


@pytest.mark.parametrize(
    ("lang", "line"),
    [
        ("zh", "结论:不完整。4 项必达结果无数据或样本不足,不能判定达标。"),
        (
            "en",
            "Verdict: incomplete. 4 required results have no data or too few answers; the "
            "standards cannot be called met.",
        ),
    ],
)
def test_a_required_standard_without_a_result_is_incomplete_exit_5(tmp_path, lang, line):
    month = good_month()
    month["员工调查"] = month["员工调查"][:1]  # the staff survey: no answers this quarter yet
    path = write_workbook(tmp_path / "m.xlsx", month)
    result = invoke("evaluate", path, "--no-history", "--lang", lang)
    assert result.exit_code == 5
    assert result.stdout.splitlines()[-1] == line
    data = json.loads(invoke("evaluate", path, "--no-history", "-f", "json").stdout)
    assert (data["summary"]["verdict"], data["summary"]["exit_code"]) == ("incomplete", 5)
    assert data["summary"]["required_missing"] == 4
    # --strict: no data is a failure
    assert invoke("evaluate", path, "--no-history", "--strict").exit_code == 1


def test_a_failure_wins_over_missing_results(tmp_path):
    month = good_month()
    month["员工调查"] = month["员工调查"][:1]
    month["建议反馈"] = [month["建议反馈"][0], *[[*r[:3], "否"] for r in month["建议反馈"][1:]]]
    path = write_workbook(tmp_path / "m.xlsx", month)
    result = invoke("evaluate", path, "--no-history", "-f", "json")
    assert result.exit_code == 1
    assert json.loads(result.stdout)["summary"]["verdict"] == "fail"


def test_verdict_and_exit_code_are_properties_of_the_card(rulebook, tmp_path):
    path = write_workbook(tmp_path / "good.xlsx", good_month())
    data = read_inputs([path], rulebook)
    card = evaluate(rulebook, data, parse_period("2026-10"))
    assert (card.verdict, int(card.exit_code), card.partial) == ("pass", 0, False)


def test_library_and_command_line_assemble_the_same_card(rulebook):
    cli_card = run_evaluation(RunRequest(files=[str(SAMPLE)], rulebook=rulebook, now=NOW))
    data = read_inputs([SAMPLE], rulebook, all_columns=False)
    library = evaluate(rulebook, data, parse_period("2026-10"), now=NOW)
    assert cli_card == library
    assert cli_card.inputs == library.inputs and cli_card.inputs[0][0] == str(SAMPLE)
    assert cli_card.columns and cli_card.columns == library.columns


def test_count_distinct_on_an_empty_window_is_zero():
    column = prepare_column(pd.Series([None, "a"], dtype="string"), numeric=False)

    def value(metric: str, rows: np.ndarray):
        got = measure(METRICS[metric], Selection(rows), None, column, keep_evidence=False)
        return got.values[0], int(got.sizes[0])

    assert value("count_distinct", np.zeros(2, bool)) == (0.0, 0)
    assert value("count", np.zeros(2, bool)) == (0.0, 0)
    assert value("count_distinct", np.ones(2, bool)) == (1.0, 1)


# --- the clock ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("zh", "错误: 期间 2099-01 尚未开始(今天是 2026-11-29),无法评估未来的期间。"),
        (
            "en",
            "error: Period 2099-01 has not begun (today is 2026-11-29); a future period "
            "cannot be evaluated.",
        ),
    ],
)
def test_a_future_period_is_refused_with_exit_2(lang, text, tmp_path):
    db = tmp_path / "history.sqlite3"
    for period in ("2099-01", "2027-01", "2026-12", "2027"):
        result = invoke("evaluate", SAMPLE, "--period", period, "--lang", lang, "--history", db)
        assert result.exit_code == 2, (period, result.output)
    result = invoke("evaluate", SAMPLE, "--period", "2099-01", "--lang", lang)
    assert result.stderr.strip() == text
    assert not db.exists(), "a refused run reached the history"
    # the month under way can be run (partial; Q4's staff survey already fails at 80%)
    assert invoke("evaluate", SAMPLE, "--period", "2026-11", "--history", db).exit_code == 1
    assert db.exists()


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("zh", "错误: --as-of 2026-12-01 晚于现在(今天是 2026-11-29)。"),
        ("en", "error: --as-of 2026-12-01 is in the future (today is 2026-11-29)."),
    ],
)
def test_an_as_of_after_today_is_refused_with_exit_2(lang, text):
    """The as-of is shown as typed: a date, not the end-of-day instant it stands for."""
    result = invoke("evaluate", SAMPLE, "--as-of", "2026-12-01", "--lang", lang)
    assert result.exit_code == 2
    assert result.stderr.strip() == text


def test_an_as_of_before_the_period_is_shown_as_typed():
    """A date, or a date and time to the minute, as the user typed it; never microseconds."""
    for typed, shown in (("2026-09-20", "2026-09-20"), ("2026-09-20 14:30", "2026-09-20 14:30")):
        result = invoke("evaluate", SAMPLE, "--period", "2026-10", "--as-of", typed, "--lang", "en")
        assert result.exit_code == 2
        assert result.stderr.strip() == (
            f"error: --as-of {shown} is at or before the start of period 2026-10: nothing of "
            "the period can have happened by then, so every count would be 0 and every limit "
            "met. Give a moment after the start (a date alone means the end of that day, e.g. "
            "--as-of 2026-10-01)."
        )


def test_as_of_today_means_up_to_now(tmp_path):
    path = write_workbook(tmp_path / "nov.xlsx", good_month())
    result = invoke("evaluate", path, "--period", "2026-11", "--as-of", "2026-11-29", "-f", "json")
    assert json.loads(result.stdout)["as_of"] == "2026-11-29T10:00:00"


@pytest.mark.parametrize(
    ("lang", "heading"),
    [
        ("zh", "绩效评估 2026-11(截至 2026-11-29 10:00:00(本期未结束))"),
        ("en", "Scorecard 2026-11 (as of 2026-11-29 10:00:00 (period not over))"),
    ],
)
def test_the_current_month_runs_up_to_now_and_is_marked_partial(tmp_path, lang, heading):
    month = good_month()
    # a complaint received on the 25th, due tomorrow, still open: not overdue yet
    month["投诉记录"].append(
        ["N1", D(2026, 11, 25), "一组", "王芳", D(2026, 11, 30), None, "描述", "张三", "138"]
    )
    path = write_workbook(tmp_path / "m.xlsx", month)
    result = invoke("evaluate", path, "--period", "2026-11", "-f", "json", "--no-history")
    data = json.loads(result.stdout)
    assert (data["as_of"], data["partial"]) == ("2026-11-29T10:00:00", True)
    overdue = next(r for r in data["results"] if r["standard"] == "overdue_complaints_per_month")
    assert overdue["actual"] == 0
    table = invoke("evaluate", path, "--period", "2026-11", "--lang", lang, "--no-history")
    assert heading in table.stdout


def test_the_latest_month_ignores_rows_dated_in_the_future(tmp_path):
    month = good_month()
    month["投诉记录"].append(["T9", D(2099, 1, 5), "一组", "王芳", None, None, "x", "y", "z"])
    path = write_workbook(tmp_path / "m.xlsx", month)
    data = json.loads(invoke("evaluate", path, "-f", "json", "--no-history").stdout)
    assert data["period"] == "2026-10"


def test_a_past_period_is_not_partial(score):
    card = score(good_month())
    assert card.partial is False
    assert pick(card, "complaints_per_month").actual == 2


def test_the_verdict_is_in_the_excel_summary_markdown_and_log(tmp_path):
    import openpyxl

    month = good_month()
    month["员工调查"] = month["员工调查"][:1]
    path = write_workbook(tmp_path / "m.xlsx", month)
    out, log = tmp_path / "card.xlsx", tmp_path / "run.log"
    result = invoke("evaluate", path, "-o", out, "--log-file", log, "--no-history", "--lang", "en")
    assert result.exit_code == 5
    cells = [c.value for row in openpyxl.load_workbook(out).worksheets[0].iter_rows() for c in row]
    line = (
        "Verdict: incomplete. 4 required results have no data or too few answers; the standards "
        "cannot be called met."
    )
    assert line in cells
    markdown = invoke("evaluate", path, "-f", "markdown", "--no-history", "--lang", "en").stdout
    assert line in markdown.splitlines()
    logged = json.loads(log.read_text(encoding="utf-8"))
    assert (logged["verdict"], logged["exit_code"]) == ("incomplete", 5)
