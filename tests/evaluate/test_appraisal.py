"""Appraisal: weighted score and grade, working-day deadlines, Wilson intervals, too few answers."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from cskpi.evaluate.appraisal import score_group
from cskpi.evaluate.metrics import wilson
from cskpi.evaluate.scorecard import Result
from cskpi.evaluate.workdays import WorkCalendar
from cskpi.rulebook.derive import parse_rule
from cskpi.rulebook.load import load_rulebook
from cskpi.rulebook.models import Appraisal
from tests.conftest import COMPLAINT_HEADERS, ROOT, SURVEY_HEADERS, D, pick

RULES = (ROOT / "rules" / "customer-service-supervisor.yaml").read_text(encoding="utf-8")


def result(
    standard: str, status: str, weight: float, *, group=None, level="required", period="2026-10"
) -> Result:
    return Result(
        standard=standard,
        name_zh=standard,
        name_en=standard,
        group=group,
        period=period,
        status=status,
        actual=1.0,
        comparison="<=",
        target=1.0,
        warn_target=None,
        level=level,
        metric="count",
        sample_size=1,
        evidence_count=0,
        weight=weight,
    )


def test_weighted_score_with_a_warn_and_a_no_data_worked_by_hand():
    results = [
        result("a", "pass", 40),
        result("b", "warn", 20),
        result("c", "fail", 20),
        result("d", "no_data", 20),
        result("e", "pass", 0, level="excellent"),
    ]
    # (40 x 1 + 20 x 0.5 + 20 x 0) / (40 + 20 + 20) = 50 / 80 = 62.5; d is left out
    score = score_group(results, None, Appraisal())
    assert (score.score, score.grade, score.grade_zh) == (62.5, "pass", "合格")
    assert score.left_out == ("d",)
    assert score.lifted is False  # a required standard failed
    custom = Appraisal(warn_credit=1.0)
    assert score_group(results, None, custom).score == 75.0  # (40 + 20) / 80


def test_monthly_windows_in_a_quarter_earn_their_average():
    results = [
        result("a", "pass", 10, period="2026-07"),
        result("a", "fail", 10, period="2026-08"),
        result("a", "pass", 10, period="2026-09"),
        result("b", "pass", 10),
    ]
    # a earns 2/3 of 10, b all of 10: (6.667 + 10) / 20 = 83.3
    assert score_group(results, None, Appraisal()).score == pytest.approx(83.3)


def test_excellent_standard_lifts_the_grade_only_when_required_ones_pass():
    passing = [
        result("a", "pass", 50),
        result("b", "warn", 50),
        result("s", "pass", 0, level="excellent"),
    ]
    lifted = score_group(passing, None, Appraisal())
    assert (lifted.score, lifted.grade, lifted.lifted) == (75.0, "excellent", True)
    not_met = [*passing[:2], result("s", "fail", 0, level="excellent")]
    assert score_group(not_met, None, Appraisal()).grade == "pass"  # 75 -> 合格


def test_scores_per_team_on_the_sample():
    import json

    from typer.testing import CliRunner

    from cskpi.cli import app as cli
    from tests.conftest import SAMPLE

    out = (
        CliRunner()
        .invoke(cli.app, ["evaluate", str(SAMPLE), "--by", "team", "-f", "json", "--no-history"])
        .stdout
    )
    appraisal = {a["group"]: (a["score"], a["grade"]) for a in json.loads(out)["appraisal"]}
    # worked in the README: overall 62.5 of 100 (see the weights in the rulebook)
    assert appraisal[None] == (62.5, "pass")
    assert appraisal["一组"][1] == "excellent"


def test_national_day_2026_make_up_working_day():
    calendar = WorkCalendar()
    # received Wed 30 Sep; 1-7 Oct are holidays; 8 Oct (Thu), 9 Oct (Fri) and the make-up
    # working Saturday 10 Oct are the three working days
    assert calendar.add_working_days(dt.date(2026, 9, 30), 3) == dt.date(2026, 10, 10)
    assert calendar.add_working_days(dt.date(2026, 9, 30), 4) == dt.date(2026, 10, 12)
    assert not calendar.is_workday(dt.date(2026, 10, 4))
    assert WorkCalendar(extra_holidays={dt.date(2026, 10, 10)}).add_working_days(
        dt.date(2026, 9, 30), 3
    ) == dt.date(2026, 10, 12)


def test_parse_rule():
    rule = parse_rule("received_at + 3 working days")
    assert (rule.source, rule.amount, rule.unit) == ("received_at", 3, "working days")
    assert parse_rule("received_at + 48 hours").unit == "hours"
    assert parse_rule("received_at * 3") is None


def test_derived_deadline_makes_a_complaint_overdue(make_book, tmp_path):
    from cskpi.evaluate.engine import evaluate
    from cskpi.evaluate.periods import parse_period
    from cskpi.evaluate.workdays import derive_columns
    from cskpi.read.inputs import read_workbook

    text = RULES.replace(
        "promised_by: {header: 承诺期限, aliases: [deadline, 承诺解决日期], type: deadline}",
        "promised_by: {header: 承诺期限, aliases: [deadline, 承诺解决日期], type: deadline,"
        " derive: received_at + 3 working days}",
    )
    rules = tmp_path / "r.yaml"
    rules.write_text(text, encoding="utf-8")
    model = load_rulebook(rules)
    headers = [h for h in COMPLAINT_HEADERS if h != "承诺期限"]  # the log has no deadlines
    late = ["A", D(2026, 9, 30, 10), "一组", "王芳", D(2026, 10, 12, 9), "x", "y", "z"]
    on_time = ["B", D(2026, 9, 30, 11), "一组", "王芳", D(2026, 10, 10, 17), "x", "y", "z"]
    path = make_book({"投诉记录": [headers, late, on_time]})
    frame = read_workbook(path, model).frames["complaints"]
    derived = derive_columns(model, {"complaints": frame}).frames["complaints"]
    assert list(derived["promised_by"]) == [pd.Timestamp("2026-10-10 23:59:59.999999")] * 2
    card = evaluate(model, {"complaints": frame}, parse_period("2026-10"))
    overdue = pick(card, "overdue_complaints_per_month")
    assert list(overdue.evidence["complaint_id"]) == ["A"]


@pytest.mark.parametrize(
    ("k", "n", "low", "high"),
    [
        # published 95% Wilson intervals
        (19, 20, 0.7639, 0.9911),
        (5, 10, 0.2366, 0.7634),
        (0, 10, 0.0, 0.2775),
        (10, 10, 0.7225, 1.0),
    ],
)
def test_wilson_interval_against_worked_values(k, n, low, high):
    got = wilson(k, n)
    assert got == pytest.approx((low, high), abs=1e-4)


def test_interval_in_json_and_too_few_answers(score, tmp_path):
    rows = [SURVEY_HEADERS, *[[f"S{i}", D(2026, 10, 1 + i), "一组", 5, 5, 5, 5] for i in range(3)]]
    card = score({"客户满意度": rows})
    speed = pick(card, "satisfaction_speed")
    assert (speed.ci_low, speed.ci_high) == pytest.approx(wilson(3, 3))
    text = RULES.replace("    condition: speed\n", "    condition: speed\n    min_answers: 20\n")
    rules = tmp_path / "min.yaml"
    rules.write_text(text, encoding="utf-8")
    from cskpi.evaluate.engine import evaluate
    from cskpi.evaluate.periods import parse_period
    from cskpi.read.inputs import read_workbook
    from tests.conftest import write_workbook

    model = load_rulebook(rules)
    frames = read_workbook(write_workbook(tmp_path / "s.xlsx", {"客户满意度": rows}), model).frames
    card = evaluate(model, frames, parse_period("2026-10"))
    speed = pick(card, "satisfaction_speed")
    assert speed.status == "insufficient"
    assert card.summary().counts["insufficient"] == 1
    # too few answers is no result: the verdict cannot be a pass (exit 5), nor a failure
    assert (card.verdict, card.exit_code) == ("incomplete", 5)
    overall = next(a for a in card.appraisal if a.group is None)
    assert "satisfaction_speed" in overall.left_out


def test_a_waived_overdue_complaint_turns_a_fail_into_a_pass(tmp_path):
    import json

    import openpyxl
    from typer.testing import CliRunner

    from cskpi.cli import app as cli
    from tests.conftest import SAMPLE

    waivers = tmp_path / "waivers.yaml"
    waivers.write_text(
        "waivers:\n"
        "  - record_id: C202610-004\n    standard: overdue_complaints_per_month\n"
        "    reason: 配件厂家停产,非团队原因\n    approver: 周经理\n    approved_on: 2026-10-28\n"
        "  - record_id: C202609-014\n    standard: all\n"
        "    reason: 客户提供了错误的开票信息\n    approver: 周经理\n    approved_on: 2026-10-28\n"
        "  - record_id: NO-SUCH-ID\n    reason: 录入错误\n    approver: 周经理\n"
        "    approved_on: 2026-10-29\n",
        encoding="utf-8",
    )
    db = tmp_path / "h.sqlite3"
    out = tmp_path / "s.xlsx"
    result = CliRunner().invoke(
        cli.app,
        [
            "evaluate",
            str(SAMPLE),
            "--waivers",
            str(waivers),
            "-f",
            "json",
            "-o",
            str(out),
            "--history",
            str(db),
            "--lang",
            "en",
        ],
    )
    data = json.loads(result.stdout)
    overdue = next(r for r in data["results"] if r["standard"] == "overdue_complaints_per_month")
    # 3 overdue before (C202609-014, C202610-003, C202610-004); two are waived: 1 <= 1 passes
    assert (overdue["actual"], overdue["status"], overdue["waived"]) == (1, "pass", 2)
    assert len(data["waivers"]) == 3
    assert any("waiver for record 'NO-SUCH-ID'" in w for w in data["warnings"])
    ws = openpyxl.load_workbook(out)["Waivers"]
    assert [c.value for c in ws[2]] == [
        "C202610-004",
        "overdue_complaints_per_month",
        "配件厂家停产,非团队原因",
        "周经理",
        "2026-10-28",
    ]
    stored = json.loads(
        CliRunner().invoke(cli.app, ["history", "--history", str(db), "-f", "json"]).stdout
    )["waivers"]
    assert {w["record_id"] for w in stored} == {"C202610-004", "C202609-014", "NO-SUCH-ID"}
    assert stored[0]["period"] == "2026-10"


def test_a_waiver_without_a_reason_is_refused(tmp_path):
    from typer.testing import CliRunner

    from cskpi.cli import app as cli
    from tests.conftest import SAMPLE

    waivers = tmp_path / "w.yaml"
    waivers.write_text("waivers:\n  - record_id: C1\n    approver: 周经理\n", encoding="utf-8")
    result = CliRunner().invoke(
        cli.app,
        ["evaluate", str(SAMPLE), "--waivers", str(waivers), "--lang", "en", "--no-history"],
    )
    assert result.exit_code == 3
    assert f"{waivers}:2: the waiver lacks reason" in result.stderr


def test_waivers_from_a_sheet(tmp_path):
    from cskpi.read.waivers import load_waivers
    from tests.conftest import write_workbook

    path = write_workbook(
        tmp_path / "w.xlsx",
        {
            "豁免": [
                ["编号", "标准", "原因", "批准人", "日期"],
                ["C1", "complaints_per_month", "重复录入", "周经理", D(2026, 10, 28)],
            ]
        },
    )
    (waiver,) = load_waivers(path, ["complaints_per_month"])
    assert (waiver.record_id, waiver.standard, waiver.approver) == (
        "C1",
        "complaints_per_month",
        "周经理",
    )
    assert waiver.approved_on == "2026-10-28"
