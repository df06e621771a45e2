"""Running every month from cron: history, several files, templates, early warnings, locks."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3

import pandas as pd
import pytest
from typer.testing import CliRunner

from cskpi.cli import app as cli
from cskpi.evaluate.periods import parse_period
from cskpi.evaluate.status import project
from tests.conftest import COMPLAINT_HEADERS, SAMPLE, D, complaint, pick, write_workbook
from tests.months import rules_for

runner = CliRunner()


def invoke(*args):
    return runner.invoke(cli.app, [str(a) for a in args])


def test_history_round_trip_and_idempotent_rerun(tmp_path):
    db = tmp_path / "h.sqlite3"
    first = json.loads(invoke("evaluate", SAMPLE, "--history", db, "-f", "json").stdout)
    invoke("evaluate", SAMPLE, "--history", db, "-f", "json")
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT COUNT(*) FROM runs").fetchone() == (2,)
        assert conn.execute("SELECT COUNT(*) FROM results").fetchone() == (14,)
        run = conn.execute(
            "SELECT rulebook, period, inputs, cskpi_version, exit_code FROM runs ORDER BY id DESC"
        ).fetchone()
    assert run[0:2] == ("customer-service-supervisor", "2026-10")
    assert json.loads(run[2])[0]["sha256"] == first["inputs"][0]["sha256"]
    assert run[4] == 1
    stored = json.loads(invoke("history", "--history", db, "-f", "json").stdout)["results"]
    assert {(r["standard"], r["period"], r["status"], r["actual"]) for r in stored} == {
        (r["standard"], r["period"], r["status"], r["actual"]) for r in first["results"]
    }
    assert all(r["group"] is None and r["recorded_at"] for r in stored)


def test_history_by_team_and_table(tmp_path):
    db = tmp_path / "h.sqlite3"
    invoke("evaluate", SAMPLE, "--history", db, "--by", "team")
    teams = json.loads(
        invoke(
            "history",
            "--history",
            db,
            "--by",
            "团队",
            "-f",
            "json",
            "--standard",
            "overdue_complaints_per_month",
        ).stdout
    )["results"]
    assert {(r["group"], r["actual"]) for r in teams} == {
        (None, 3),
        ("一组", 0),
        ("二组", 1),
        ("三组", 2),
    }
    table = invoke("history", "--history", db, "--lang", "en").stdout
    assert "History" in table and "2026-10" in table and "Fail streak" in table


def test_no_history_writes_nothing_and_a_failed_run_records_nothing(tmp_path):
    db = tmp_path / "h.sqlite3"
    invoke("evaluate", SAMPLE, "--history", db, "--no-history")
    assert not db.exists()
    bad = invoke("evaluate", tmp_path / "missing.xlsx", "--history", db)
    assert bad.exit_code == 3
    if db.exists():
        with sqlite3.connect(db) as conn:
            assert conn.execute("SELECT COUNT(*) FROM runs").fetchone() == (0,)


def test_failed_export_rolls_back_the_history(tmp_path, monkeypatch):
    db = tmp_path / "h.sqlite3"
    import cskpi.present.excel

    def broken(*_a, **_k):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(cskpi.present.excel, "write_xlsx", broken)
    result = invoke("evaluate", SAMPLE, "--history", db, "-o", tmp_path / "s.xlsx")
    assert result.exit_code == 4
    stored = invoke("history", "--history", db, "-f", "json")
    assert json.loads(stored.stdout)["results"] == []


def test_streak_counts_consecutive_failures(tmp_path):
    db = tmp_path / "h.sqlite3"
    rows = [COMPLAINT_HEADERS]
    for month, n in ((7, 6), (8, 7), (9, 8)):  # fails in August and September only after July
        rows += [complaint(f"C{month}-{i}", D(2026, month, 1 + i)) for i in range(n)]
    rows += [complaint("C10-0", D(2026, 10, 2))]
    path = write_workbook(tmp_path / "y.xlsx", {"投诉记录": rows})
    rules = rules_for(tmp_path, "complaints")
    for month in ("2026-07", "2026-08", "2026-09", "2026-10"):
        assert invoke(
            "evaluate", path, "--period", month, "--history", db, "-r", rules
        ).exit_code in (0, 1)
    from cskpi.evaluate.trend import build_trend
    from cskpi.runs import history, historyrows

    conn = history.connect(db)
    trend = build_trend(
        historyrows.load(conn, "customer-service-supervisor", standard="complaints_per_month")
    )
    assert trend.periods == ("2026-07", "2026-08", "2026-09", "2026-10")
    (line,) = trend.lines
    assert line.streak == 0  # October passed
    # 6, 7, 8, 1 on a scale centred on the limit 5, reaching the farthest (1): 1..9
    assert line.sparkline(trend.periods) == "▅▆▇▁"
    invoke(
        "evaluate",
        path,
        "--period",
        "2026-10",
        "--history",
        db,
        "--as-of",
        "2026-10-01",
        "-r",
        rules,
    )
    conn2 = history.connect(db)
    rows2 = historyrows.load(conn2, "customer-service-supervisor", standard="complaints_per_month")
    assert len(rows2) == 4  # re-running October replaced it


def test_trend_sheet_in_the_export(tmp_path):
    import openpyxl

    db = tmp_path / "h.sqlite3"
    out = tmp_path / "s.xlsx"
    assert invoke("evaluate", SAMPLE, "--history", db, "-o", out, "--lang", "en").exit_code == 1
    ws = openpyxl.load_workbook(out)["Trend"]
    assert ws["A1"].value == "Trend: the last 2 periods (overall)"
    assert [c.value for c in ws[3]][:4] == ["Standard", "Target", "2026-10", "2026Q4"]
    assert [c.value for c in ws[4]][:4] == ["Customer complaints per month", 5, 5, None]


QUARTER = {
    7: [("A1", D(2026, 7, 3)), ("A2", D(2026, 7, 20))],
    8: [(f"B{i}", D(2026, 8, 1 + i)) for i in range(6)],
    9: [("C1", D(2026, 9, 9))],
}
INFO = {7: [("F1", dt.date(2026, 7, 4))], 8: [("F2", dt.date(2026, 8, 4))], 9: []}
INFO_HEADERS = ["编号", "日期", "团队", "反馈人", "问题类型"]


def month_sheets(months):
    return {
        "投诉记录": [
            COMPLAINT_HEADERS,
            *[complaint(cid, when) for m in months for cid, when in QUARTER[m]],
        ],
        "信息反馈": [
            INFO_HEADERS,
            *[[fid, day, "一组", "甲", "提供延迟"] for m in months for fid, day in INFO[m]],
        ],
    }


def results_of(stdout):
    data = json.loads(stdout)
    return [
        (r["standard"], r["group"], r["period"], r["status"], r["actual"]) for r in data["results"]
    ]


def test_quarter_from_three_monthly_files_equals_one_workbook(tmp_path):
    whole = write_workbook(tmp_path / "q3.xlsx", month_sheets([7, 8, 9]))
    parts = [write_workbook(tmp_path / f"2026-{m:02d}.xlsx", month_sheets([m])) for m in (7, 8, 9)]
    rules = rules_for(tmp_path, "complaints", "info_feedback")
    one = invoke("evaluate", whole, "--period", "2026Q3", "-f", "json", "--no-history", "-r", rules)
    three = invoke(
        "evaluate", *parts, "--period", "2026Q3", "-f", "json", "--no-history", "-r", rules
    )
    assert results_of(one.stdout) == results_of(three.stdout)
    got = {(s, p): (st, a) for s, _g, p, st, a in results_of(three.stdout)}
    assert got[("complaints_per_month", "2026-08")] == ("fail", 6)
    assert got[("info_complaints_per_quarter", "2026Q3")] == ("fail", 2)
    template = invoke(
        "evaluate",
        str(tmp_path / "{period}.xlsx"),
        "--period",
        "2026Q3",
        "-f",
        "json",
        "--no-history",
        "-r",
        rules,
    )
    assert results_of(template.stdout) == results_of(three.stdout)


def test_rows_read_twice_count_once_with_a_warning_naming_both_files(tmp_path):
    a = write_workbook(
        tmp_path / "a.xlsx",
        {
            "投诉记录": [
                COMPLAINT_HEADERS,
                complaint("X1", D(2026, 10, 2), promised=D(2026, 10, 20), resolved=D(2026, 10, 19)),
                complaint("X2", D(2026, 10, 3), promised=D(2026, 10, 20), resolved=D(2026, 10, 19)),
            ]
        },
    )
    b = write_workbook(
        tmp_path / "b.xlsx",
        {
            "投诉记录": [
                COMPLAINT_HEADERS,
                complaint("X2", D(2026, 10, 3), promised=D(2026, 10, 20), resolved=D(2026, 10, 19)),
                complaint("X3", D(2026, 10, 4), promised=D(2026, 10, 20), resolved=D(2026, 10, 19)),
            ]
        },
    )
    rules = rules_for(tmp_path, "complaints")
    result = invoke("evaluate", a, b, "-f", "json", "--no-history", "--lang", "en", "-r", rules)
    data = json.loads(result.stdout)
    count = next(r for r in data["results"] if r["standard"] == "complaints_per_month")
    assert count["actual"] == 3
    assert data["warnings"] == [
        f"{b}, sheet '投诉记录': 1 rows are records already read from {a} (same id, date and "
        "content) and count once: rows 2."
    ]


def test_period_previous_against_a_fixed_clock(tmp_path, clock):
    clock("2026-12-05 06:30")
    assert parse_period("previous").label == "2026-11"
    clock("2027-01-01 00:10")
    assert parse_period("previous").label == "2026-12"
    for m in (10, 11):
        write_workbook(
            tmp_path / f"2026-{m:02d}.xlsx",
            {
                "投诉记录": [COMPLAINT_HEADERS, complaint(f"M{m}", D(2026, m, 5))],
                "信息反馈": [INFO_HEADERS],
            },
        )
    clock("2026-12-05 06:30")
    template = str(tmp_path / "{yyyy}-{mm}.xlsx")
    rules = rules_for(tmp_path, "complaints", "info_feedback")
    result = invoke(
        "evaluate", template, "--period", "previous", "-f", "json", "--no-history", "-r", rules
    )
    data = json.loads(result.stdout)
    assert data["period"] == "2026-11"
    # the quarterly standard needed October too: both files were read
    assert [i["path"] for i in data["inputs"]] == [
        str(tmp_path / "2026-10.xlsx"),
        str(tmp_path / "2026-11.xlsx"),
    ]


def test_template_missing_the_evaluated_month_exits_3_naming_the_path(tmp_path, clock):
    clock("2026-12-05 06:30")
    result = invoke("evaluate", str(tmp_path / "{period}.xlsx"), "--lang", "en")
    assert result.exit_code == 3
    assert result.stderr.strip() == (
        f"error: {tmp_path / '2026-11.xlsx'}: no input for period "
        f"2026-11 (from the template {tmp_path / '{period}.xlsx'})."
    )


def test_projection_on_a_hand_worked_mid_month_fixture(score):
    # As of the end of 10 October: 10 days of 31 elapsed.
    as_of = pd.Timestamp("2026-10-10 23:59:59.999999")
    two = score(
        {
            "投诉记录": [
                COMPLAINT_HEADERS,
                complaint("A", D(2026, 10, 2)),
                complaint("B", D(2026, 10, 9)),
            ]
        },
        as_of=as_of,
    )
    result = pick(two, "complaints_per_month")
    assert result.actual == 2
    assert result.projected == pytest.approx(2 * 31 / 10)  # 6.2 > 5: early warning
    assert result.days_left == pytest.approx(21, abs=1e-6)
    assert result.status == "warn"
    one = score({"投诉记录": [COMPLAINT_HEADERS, complaint("A", D(2026, 10, 2))]}, as_of=as_of)
    assert pick(one, "complaints_per_month").status == "pass"  # 3.1 at this pace
    full = score({"投诉记录": [COMPLAINT_HEADERS, complaint("A", D(2026, 10, 2))]})
    assert pick(full, "complaints_per_month").projected is None  # the month is over


def test_projection_counts_at_least_one_day():
    budget = project(1, parse_period("2026-10"), pd.Timestamp("2026-10-01 08:00"))
    assert budget is not None and budget.projected == pytest.approx(31)


def test_a_run_writing_the_history_makes_the_second_run_exit_75(tmp_path):
    db = tmp_path / "h.sqlite3"
    assert invoke("evaluate", SAMPLE, "--history", db).exit_code == 1
    writer = sqlite3.connect(db, isolation_level=None)
    writer.execute("BEGIN EXCLUSIVE")  # what another run holds while it records
    try:
        result = invoke(
            "evaluate", SAMPLE, "--history", db, "--lock-timeout", "0.3", "--lang", "en"
        )
    finally:
        writer.execute("ROLLBACK")
        writer.close()
    assert result.exit_code == 75
    assert f"{db}: the history is in use by another program" in result.stderr
    assert "gave up after 0.3 s and wrote nothing" in result.stderr
    assert invoke("evaluate", SAMPLE, "--history", db).exit_code == 1
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT COUNT(*) FROM runs").fetchone() == (2,)


def test_log_file_has_one_line_per_run_and_no_cell_contents(tmp_path):
    log = tmp_path / "cskpi.log"
    invoke("evaluate", SAMPLE, "--log-file", log, "--no-history", "--lang", "en")
    bad = write_workbook(
        tmp_path / "bad.xlsx", {"投诉记录": [COMPLAINT_HEADERS, complaint("Z", "秘密日期")]}
    )
    invoke("evaluate", bad, "--log-file", log, "--no-history", "--lang", "en")
    first, second = (json.loads(line) for line in log.read_text(encoding="utf-8").splitlines())
    assert (first["period"], first["exit_code"], first["verdict"]) == ("2026-10", 1, "fail")
    assert first["summary"].startswith("14 results: 9 pass")
    assert second["exit_code"] == 3
    assert "unreadable date '***'" in second["error"]
    assert "秘密日期" not in log.read_text(encoding="utf-8")


def test_log_file_text_follows_the_run_language_and_keeps_its_keys(tmp_path, monkeypatch):
    log = tmp_path / "cskpi.log"
    invoke("evaluate", SAMPLE, "--log-file", log, "--no-history", "--lang", "zh")
    bad = write_workbook(
        tmp_path / "bad.xlsx", {"投诉记录": [COMPLAINT_HEADERS, complaint("Z", "秘密日期")]}
    )
    invoke("evaluate", bad, "--log-file", log, "--no-history", "--lang", "zh")
    import cskpi.runs.run

    def boom(*_args, **_kwargs):
        raise RuntimeError("kaboom")

    monkeypatch.setattr(cskpi.runs.run, "evaluate", boom)
    invoke("evaluate", SAMPLE, "--log-file", log, "--no-history", "--lang", "zh")
    done, failed, crashed = (json.loads(line) for line in log.read_text("utf-8").splitlines())
    assert set(done) == {"time", "period", "inputs", "exit_code", "verdict", "summary"}
    assert (done["verdict"], done["exit_code"]) == ("fail", 1)  # machine values stay English
    assert done["summary"] == (
        "共 14 项:达标 9 · 预警 1 · 未达标 4 · 无数据 0。必达标准未达标 4 项。"
    )
    assert set(failed) == {"time", "period", "inputs", "exit_code", "error"}
    assert "第 2 行,B 列(「投诉日期」):无法识别的日期「***」" in failed["error"]
    assert (crashed["exit_code"], crashed["error"]) == (4, "内部错误:RuntimeError")
