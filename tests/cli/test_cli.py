"""The command line, through typer's CliRunner and a real subprocess: exit codes, text, JSON."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from cskpi.cli import app as cli
from tests.conftest import (
    COMPLAINT_HEADERS,
    ROOT,
    SAMPLE,
    D,
    sheet_cells,
    write_workbook,
)
from tests.months import rules_for

runner = CliRunner()

# Worked out by hand in samples/make_samples.py's docstring.
SAMPLE_EXPECTED = {
    "complaints_per_month": (5, "pass"),
    "overdue_complaints_per_month": (3, "fail"),
    "satisfaction_speed": (0.975, "pass"),
    "satisfaction_accuracy": (0.925, "fail"),
    "satisfaction_courtesy": (1.0, "pass"),
    "satisfaction_outcome": (0.95, "pass"),
    # 1 of 1 used with two months of the quarter to go: 1 x 92 / 31 = 2.97 projected -> warn
    "info_complaints_per_quarter": (1, "warn"),
    "suggestion_satisfaction": (0.9, "pass"),
    "tasks_on_time": (0.85, "fail"),
    "staff_knows_direction": (1.0, "pass"),
    "staff_knows_expectations": (0.9, "pass"),
    "staff_knows_performance": (0.8, "fail"),
    "staff_has_skills": (0.9, "pass"),
    "successor_ready": (1, "pass"),
}


def invoke(*args: str):
    return runner.invoke(cli.app, [str(a) for a in args])


def test_sample_json_matches_the_hand_worked_scorecard():
    result = invoke("evaluate", SAMPLE, "--format", "json")
    assert result.exit_code == 1, result.output
    data = json.loads(result.stdout)
    assert (data["period"], data["as_of"], data["rulebook"]) == (
        "2026-10",
        "2026-10-31T23:59:59",
        "customer-service-supervisor",
    )
    got = {r["standard"]: (pytest.approx(r["actual"]), r["status"]) for r in data["results"]}
    assert got == SAMPLE_EXPECTED
    periods = {r["standard"]: r["period"] for r in data["results"]}
    assert periods["info_complaints_per_quarter"] == "2026Q4"
    assert periods["complaints_per_month"] == "2026-10"
    first = data["results"][0]
    assert set(first) >= {
        "standard",
        "name",
        "group",
        "period",
        "status",
        "actual",
        "comparison",
        "target",
        "level",
        "evidence_count",
    }
    assert first["name"] == "月度客户投诉次数" and first["group"] is None
    assert data["summary"] == {
        "total": 14,
        "pass": 9,
        "warn": 1,
        "fail": 4,
        "unmet": 0,
        "no_data": 0,
        "insufficient": 0,
        "required_failed": 4,
        "required_missing": 0,
        "excellent": False,
        "verdict": "fail",
        "exit_code": 1,
    }
    assert data["partial"] is False
    assert data["inputs"][0]["path"] == str(SAMPLE)


def test_sample_table_in_chinese_and_english():
    zh = invoke("evaluate", SAMPLE)
    assert zh.exit_code == 1
    assert "月度逾期未解决投诉" in zh.stdout and "未达标" in zh.stdout
    assert "结论:未达标。" in zh.stdout
    en = invoke("evaluate", SAMPLE, "--lang", "en")
    assert "Complaints not resolved by the promised deadline" in en.stdout
    assert "Verdict: standards not met." in en.stdout


def test_cjk_table_columns_line_up():
    from rich.cells import cell_len

    out = invoke("evaluate", SAMPLE).stdout
    rows = [line for line in out.splitlines() if line.startswith("│")]
    assert len(rows) == 14
    assert len({cell_len(line) for line in rows}) == 1
    borders = {tuple(i for i, ch in enumerate(_cells(line)) if ch == "│") for line in rows}
    assert len(borders) == 1


def _cells(line: str) -> list[str]:
    """Expand a line into terminal cells (a wide character takes two)."""
    from rich.cells import cell_len

    out: list[str] = []
    for ch in line:
        out += [ch] + [""] * (cell_len(ch) - 1)
    return out


def test_by_team_adds_one_result_per_group():
    result = invoke("evaluate", SAMPLE, "--by", "团队", "--format", "json")
    data = json.loads(result.stdout)
    groups = {r["group"] for r in data["results"]}
    assert groups == {None, "一组", "二组", "三组"}
    overdue = {
        r["group"]: r["actual"]
        for r in data["results"]
        if r["standard"] == "overdue_complaints_per_month"
    }
    assert overdue == {None: 3, "一组": 0, "二组": 1, "三组": 2}
    assert data["group_by"] == "team"


def test_quiet_shows_only_the_rows_not_passing_and_the_summary():
    out = invoke("evaluate", SAMPLE, "--quiet", "--lang", "en").stdout
    rows = [line for line in out.splitlines() if line.startswith("│")]
    assert len(rows) == 5  # the 4 failures and the early warning; no passing row
    assert sum("✗ fail" in row for row in rows) == 4 and sum("! warn" in row for row in rows) == 1
    assert "4 fail" in out and out.splitlines()[-1] == "Verdict: standards not met."
    assert "Scorecard 2026-10" not in out and "days left" not in out  # no title, no budget


def test_markdown_and_csv_render_the_same_results():
    md = invoke("evaluate", SAMPLE, "--format", "markdown", "--lang", "en").stdout
    assert "| Customer complaints per month | 2026-10 | ≤ 5 | 5 | ✓ pass |" in md
    text = invoke("evaluate", SAMPLE, "--format", "csv").stdout
    rows = list(csv.DictReader(io.StringIO(text)))
    # the documented column order, written out: a renamed or dropped column must fail here
    assert tuple(rows[0]) == (
        "standard",
        "name",
        "group",
        "period",
        "status",
        "actual",
        "comparison",
        "target",
        "level",
        "sample_size",
        "evidence_count",
    )
    assert {r["standard"]: r["status"] for r in rows} == {
        k: v[1] for k, v in SAMPLE_EXPECTED.items()
    }


def test_period_and_as_of_options(tmp_path, clock):
    clock("2027-01-15 09:00")
    data = json.loads(invoke("evaluate", SAMPLE, "--period", "2026Q4", "--format", "json").stdout)
    assert {r["period"] for r in data["results"]} == {"2026-10", "2026-11", "2026-12", "2026Q4"}
    assert (data["as_of"], data["partial"]) == ("2026-12-31T23:59:59", False)
    mid = json.loads(invoke("evaluate", SAMPLE, "--as-of", "2026-10-20", "--format", "json").stdout)
    assert mid["as_of"] == "2026-10-20T23:59:59"
    complaints = next(r for r in mid["results"] if r["standard"] == "complaints_per_month")
    assert complaints["actual"] == 4  # the 29 October complaint is after the as-of date


@pytest.mark.parametrize(
    ("args", "code", "text"),
    [
        (["--period", "2026-13"], 2, "--period '2026-13' is not valid"),
        (["--as-of", "tomorrow"], 2, "--as-of 'tomorrow' is not valid"),
        (["--format", "yaml"], 2, "--format 'yaml' is not valid"),
        (["--by", "teem"], 2, "--by 'teem': no such column in the rulebook (did you mean 'team'?)"),
        (["--lang", "fr"], 2, "--lang「fr」无效"),  # an unknown language reports in Chinese
        (["--rules", "nope"], 2, "rulebook 'nope' not found"),
    ],
)
def test_usage_errors_exit_2(args, code, text):
    lang = [] if "--lang" in args else ["--lang", "en"]
    result = invoke("evaluate", SAMPLE, *args, *lang)
    assert result.exit_code == code
    assert text in result.stderr
    assert "Traceback" not in result.output


def test_missing_required_column_exits_3_naming_sheet_and_column(tmp_path):
    headers = [h for h in COMPLAINT_HEADERS if h != "承诺期限"]
    path = write_workbook(tmp_path / "m.xlsx", {"投诉记录": [headers]})
    result = invoke("evaluate", path, "--lang", "en")
    assert result.exit_code == 3
    assert result.stderr.strip() == (
        f"error: {path}, sheet '投诉记录': required column '承诺期限' is missing (accepted "
        "headers: 承诺期限, promised_by, deadline, 承诺解决日期)."
    )


def test_missing_file_exits_3(tmp_path):
    result = invoke("evaluate", tmp_path / "2026-10.xlsx")
    assert result.exit_code == 3
    assert result.stderr.strip() == f"错误: {tmp_path / '2026-10.xlsx'}:文件不存在。"


def test_rulebook_typo_exits_2_naming_the_line(tmp_path):
    text = (ROOT / "rules" / "customer-service-supervisor.yaml").read_text(encoding="utf-8")
    bad = tmp_path / "bad.yaml"
    bad.write_text(text.replace("metric: count", "metric: cnt", 1), encoding="utf-8")
    line = next(i for i, row in enumerate(text.splitlines(), 1) if "metric: count" in row)
    result = invoke("evaluate", SAMPLE, "--rules", bad, "--lang", "en")
    assert result.exit_code == 2
    assert result.stderr == (
        f"error: {bad}:{line}: standard 'complaints_per_month', metric: unknown metric 'cnt'"
        " (did you mean 'count'?) (known: count, share, mean, median, min, max, sum,"
        " count_distinct)\n"
    )
    check = invoke("rules", "check", bad)
    assert check.exit_code == 2


def test_no_dated_rows_asks_for_a_period(tmp_path):
    tasks = [
        ["员工", "团队", "任务", "计划完成日期", "实际完成日期"],
        ["甲", "一组", "周报", D(2026, 10, 9), D(2026, 10, 8)],
    ]
    path = write_workbook(tmp_path / "e.xlsx", {"投诉记录": [COMPLAINT_HEADERS], "工作任务": tasks})
    rules = rules_for(tmp_path, "complaints", "tasks")
    result = invoke("evaluate", path, "--lang", "en", "-r", rules)
    assert result.exit_code == 3
    assert "pass --period" in result.stderr  # tasks look ahead: their dates never pick it
    # 0 complaints of 5, 1 task of 1 done by its due date
    assert invoke("evaluate", path, "--period", "2026-10", "-r", rules).exit_code == 0


def test_internal_errors_exit_4_without_traceback_unless_debug(monkeypatch):
    import cskpi.runs.run

    def boom(*_args, **_kwargs):
        raise RuntimeError("kaboom")

    monkeypatch.setattr(cskpi.runs.run, "evaluate", boom)
    result = invoke("evaluate", SAMPLE, "--lang", "en")
    assert result.exit_code == 4
    assert "internal error: RuntimeError: kaboom (run with --debug" in result.stderr
    assert "Traceback" not in result.stderr
    debug = invoke("evaluate", SAMPLE, "--debug")
    assert debug.exit_code == 4 and "Traceback" in debug.stderr


def test_rules_list_and_check():
    listing = json.loads(invoke("rules", "list", "--format", "json").stdout)
    assert len(listing["standards"]) == 14
    assert listing["standards"][-1]["period"] == "snapshot"
    table = invoke("rules", "list", "--lang", "en").stdout
    assert "overdue_complaints_per_month" in table
    ok = invoke("rules", "check", "customer-service-supervisor", "--lang", "en")
    assert ok.exit_code == 0 and "rulebook is valid, 14 standards" in ok.stdout


def test_python_m_subprocess_without_a_terminal(private_data_home):
    env = {
        "PATH": os.environ.get("PATH", ""),
        "LANG": "C",
        "LC_ALL": "C",
        "XDG_DATA_HOME": str(private_data_home),
    }
    done = subprocess.run(
        [sys.executable, "-m", "cskpi", "evaluate", str(SAMPLE)],
        capture_output=True,
        env=env,
        stdin=subprocess.DEVNULL,
        timeout=120,
        check=False,
    )
    assert done.returncode == 1
    out = done.stdout.decode("utf-8")
    assert "月度客户投诉次数" in out
    assert "\x1b[" not in out  # no colour codes when stdout is not a terminal


def test_committed_sample_matches_its_generator(tmp_path):
    sys.path.insert(0, str(ROOT / "samples"))
    try:
        import make_samples
    finally:
        sys.path.pop(0)
    fresh = tmp_path / "fresh.xlsx"
    make_samples.build(fresh)
    assert sheet_cells(fresh) == sheet_cells(SAMPLE)
    manager = tmp_path / "manager.xlsx"
    make_samples.build_manager(manager)
    assert sheet_cells(manager) == sheet_cells(ROOT / "samples" / "manager-2026-10.xlsx")
