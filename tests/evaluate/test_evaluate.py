"""The pure core on hand-worked fixtures: one test per rule of the source document."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from cskpi.evaluate.status import judge
from cskpi.i18n import Named
from tests.conftest import COMPLAINT_HEADERS, SURVEY_HEADERS, D, complaint, pick
from tests.months import good_month

OCT = [D(2026, 10, d, 10) for d in range(1, 29)]


def complaints(n: int, team: str = "一组") -> list[list[object]]:
    return [complaint(f"C{i}", OCT[i], team) for i in range(n)]


@pytest.mark.parametrize(("n", "status"), [(0, "pass"), (5, "pass"), (6, "fail")])
def test_complaint_limit_is_inclusive(score, n, status):
    card = score({"投诉记录": [COMPLAINT_HEADERS, *complaints(n)]})
    result = pick(card, "complaints_per_month")
    assert result.actual == n
    assert result.status == status


def test_rows_outside_the_month_are_not_counted(score):
    rows = [
        *complaints(5),
        complaint("S1", D(2026, 9, 30, 23, 59)),
        complaint("N1", D(2026, 11, 1, 0, 0)),
    ]
    card = score({"投诉记录": [COMPLAINT_HEADERS, *rows]})
    assert pick(card, "complaints_per_month").actual == 5


def overdue(score, rows, **kw):
    card = score({"投诉记录": [COMPLAINT_HEADERS, *rows]}, **kw)
    return pick(card, "overdue_complaints_per_month")


def test_resolved_later_on_the_deadline_day_is_on_time(score):
    # The deadline is a date with no time: it means the end of 10 October.
    result = overdue(
        score,
        [complaint("A", OCT[1], promised=dt.date(2026, 10, 10), resolved=D(2026, 10, 10, 18, 30))],
    )
    assert result.actual == 0


def test_resolved_the_day_after_the_deadline_is_overdue(score):
    result = overdue(
        score,
        [complaint("A", OCT[1], promised=dt.date(2026, 10, 10), resolved=D(2026, 10, 11, 0, 5))],
    )
    assert (result.actual, result.status) == (1, "pass")


def test_unresolved_past_deadline_is_overdue_and_two_fail(score):
    rows = [
        complaint("A", OCT[1], promised=dt.date(2026, 10, 10)),
        complaint("B", OCT[2], promised="2026-10-12", resolved="2026-10-14"),
    ]
    result = overdue(score, rows)
    assert (result.actual, result.status) == (2, "fail")
    assert sorted(result.evidence["complaint_id"]) == ["A", "B"]


def test_deadline_next_month_is_not_counted_this_month(score):
    rows = [complaint("A", D(2026, 10, 30), promised=dt.date(2026, 11, 2))]
    assert overdue(score, rows).actual == 0
    assert overdue(score, rows, period="2026-11").actual == 1


def test_september_complaint_with_october_deadline_counts_in_october(score):
    rows = [complaint("A", D(2026, 9, 28), promised=dt.date(2026, 10, 2), resolved=D(2026, 10, 4))]
    assert overdue(score, rows).actual == 1
    assert overdue(score, rows, period="2026-09").actual == 0
    card = score({"投诉记录": [COMPLAINT_HEADERS, *rows]})
    assert pick(card, "complaints_per_month").actual == 0  # received in September


def test_as_of_mid_month_does_not_count_deadlines_still_ahead(score):
    rows = [
        complaint("A", OCT[1], promised=dt.date(2026, 10, 25)),
        complaint("B", OCT[1], promised=dt.date(2026, 10, 5)),
    ]
    as_of = pd.Timestamp("2026-10-20 12:00")
    result = overdue(score, rows, as_of=as_of)
    assert result.actual == 1
    assert list(result.evidence["complaint_id"]) == ["B"]


def survey_row(
    i: int,
    speed: object,
    accuracy: object = 5,
    courtesy: object = 5,
    outcome: object = 5,
    team: str = "一组",
) -> list[object]:
    return [f"S{i}", OCT[i % 28], team, speed, accuracy, courtesy, outcome]


def test_share_of_satisfied_answers_with_words_blanks_and_numbers(score):
    # speed: 5, 4, 满意, 非常满意 satisfied; 3, 一般 not; one blank (not answered) -> 4/6
    speeds = [5, 4, "满意", "非常满意", 3, "一般", None]
    rows = [survey_row(i, s) for i, s in enumerate(speeds)]
    card = score({"客户满意度": [SURVEY_HEADERS, *rows]})
    result = pick(card, "satisfaction_speed")
    assert result.actual == pytest.approx(4 / 6)
    assert result.sample_size == 6
    assert result.evidence_count == 2
    assert result.status == "fail"
    assert pick(card, "satisfaction_accuracy").actual == 1.0


def test_share_exactly_at_target_passes(score):
    rows = [survey_row(i, 2 if i == 0 else 5) for i in range(20)]  # 19/20 = 0.95
    card = score({"客户满意度": [SURVEY_HEADERS, *rows]})
    assert pick(card, "satisfaction_speed").status == "pass"


def test_missing_dataset_gives_no_data_and_an_incomplete_verdict(score):
    sheets = {"投诉记录": [COMPLAINT_HEADERS, *complaints(1)]}
    card = score(sheets)
    result = pick(card, "satisfaction_speed")
    assert (result.status, result.actual, result.sample_size) == ("no_data", None, 0)
    assert result.reason is not None
    assert result.reason.params["dataset"] == Named(
        zh="客户满意度", en="survey"
    )  # said per language
    assert pick(card, "complaints_per_month").status == "pass"
    # no failure, but 11 required results missing (of 12: the successor is excellent-level)
    assert card.summary().required_missing == 11
    assert (card.verdict, int(card.exit_code)) == ("incomplete", 5)
    # --strict: no result counts as a failure
    assert (score(sheets, strict=True).verdict, int(score(sheets, strict=True).exit_code)) == (
        "fail",
        1,
    )


def test_group_with_no_rows_scores_zero_on_counts_and_no_data_on_shares(score):
    sheets = {
        "投诉记录": [COMPLAINT_HEADERS, *complaints(6, "一组")],
        "客户满意度": [
            SURVEY_HEADERS,
            survey_row(0, 5, team="一组"),
            survey_row(1, 5, team="一组"),
        ],
        "员工名册": [["员工", "团队", "可接替经理"], ["李娜", "二组", "否"]],
    }
    card = score(sheets, by="team")
    assert card.groups == ("一组", "二组")
    assert pick(card, "complaints_per_month", "二组").actual == 0
    assert pick(card, "complaints_per_month", "二组").status == "pass"
    assert pick(card, "complaints_per_month", "一组").status == "fail"
    assert pick(card, "satisfaction_speed", "二组").status == "no_data"
    assert pick(card, "satisfaction_speed", "一组").actual == 1.0


def test_quarterly_standard_in_a_month_run_covers_the_quarter_to_date(score):
    sheets = {
        "信息反馈": [
            ["编号", "日期", "团队", "反馈人", "问题类型"],
            ["F1", dt.date(2026, 10, 3), "一组", "甲", "数据不正确"],
            ["F2", dt.date(2026, 11, 3), "一组", "乙", "提供延迟"],
            ["F3", dt.date(2026, 9, 30), "一组", "丙", "提供延迟"],
        ]
    }
    october = pick(score(sheets), "info_complaints_per_quarter")
    # within the limit, but 1 x 92 days / 31 elapsed = 2.97 at this pace: an early warning
    assert (october.period, october.actual, october.status) == ("2026Q4", 1, "warn")
    assert october.projected == pytest.approx(92 / 31)
    november = pick(score(sheets, "2026-11"), "info_complaints_per_quarter")
    assert (november.actual, november.status) == (2, "fail")


def test_monthly_standards_in_a_quarter_run_are_evaluated_per_month(score):
    rows = [
        complaint("J", D(2026, 7, 5)),
        *[complaint(f"A{i}", D(2026, 8, 1 + i)) for i in range(6)],
    ]
    card = score({"投诉记录": [COMPLAINT_HEADERS, *rows]}, "2026Q3")
    monthly = [
        (r.period, r.actual, r.status) for r in card.results if r.standard == "complaints_per_month"
    ]
    assert monthly == [("2026-07", 1, "pass"), ("2026-08", 6, "fail"), ("2026-09", 0, "pass")]


def test_tasks_not_done_and_past_due_are_late(score):
    headers = ["员工", "团队", "任务", "计划完成日期", "实际完成日期"]
    rows = [
        ["甲", "一组", "t1", dt.date(2026, 10, 5), dt.date(2026, 10, 5)],  # on time
        ["甲", "一组", "t2", dt.date(2026, 10, 5), dt.date(2026, 10, 6)],  # late
        ["乙", "一组", "t3", dt.date(2026, 10, 7), None],  # not done: late
        ["乙", "一组", "t4", dt.date(2026, 11, 7), None],
    ]  # November
    result = pick(score({"工作任务": [headers, *rows]}), "tasks_on_time")
    assert result.actual == pytest.approx(1 / 3)
    assert result.sample_size == 3


def test_staff_survey_accepts_yes_no_and_ratings(score):
    headers = [
        "员工",
        "团队",
        "调查日期",
        "理解方向与角色",
        "了解上级期望",
        "了解自身表现",
        "具备知识技能",
    ]
    rows = [
        ["甲", "一组", dt.date(2026, 11, 2), "是", 5, "Y", "满意"],
        ["乙", "一组", dt.date(2026, 10, 2), "否", 2, "n", "满意"],
    ]
    card = score({"员工调查": [headers, *rows]}, "2026-11")
    assert pick(card, "staff_knows_direction").actual == 0.5
    assert pick(card, "staff_knows_expectations").actual == 0.5
    assert pick(card, "staff_has_skills").actual == 1.0


def test_successor_is_excellent_level_and_never_fails_the_run(score):
    roster = [["员工", "团队", "可接替经理"], ["甲", "一组", "否"]]
    card = score({"员工名册": roster, "投诉记录": [COMPLAINT_HEADERS]})
    result = pick(card, "successor_ready")
    assert (result.level, result.status) == ("excellent", "unmet")
    assert card.summary().required_failed == 0 and card.verdict != "fail"
    assert card.summary().excellent is False
    # met, but the required standards have no data: not earned (nothing known to be met)
    roster.append(["乙", "一组", "是"])
    assert pick(score({"员工名册": roster}), "successor_ready").status == "pass"
    assert score({"员工名册": roster}).summary().excellent is False
    month = good_month()
    month["员工名册"] = [roster[0], ["甲", "一组", "否"]]
    failed = score(month)
    assert (failed.verdict, failed.summary().excellent) == ("pass", False)
    month["员工名册"] = roster
    earned = score(month)
    assert (earned.verdict, earned.summary().excellent, int(earned.exit_code)) == ("pass", True, 0)


@pytest.mark.parametrize(
    ("actual", "comparison", "target", "warn", "expected"),
    [
        (5, "<=", 5, None, "pass"),
        (6, "<=", 5, None, "fail"),
        (4, "<=", 5, 3, "warn"),
        (0.96, ">=", 0.95, 0.97, "warn"),
        (0.98, ">=", 0.95, 0.97, "pass"),
        (19 / 20, ">=", 0.95, None, "pass"),
        (None, ">=", 0.95, None, "no_data"),
        (1, "==", 1, None, "pass"),
    ],
)
def test_judge(actual, comparison, target, warn, expected):
    assert judge(actual, comparison, target, warn) == expected


def test_groups_sort_naturally_with_chinese_numerals():
    from cskpi.evaluate.groups import natural_key

    teams = ["十一组", "三组", "Team 10", "一组", "十组", "Team 2", "二组"]
    assert sorted(teams, key=natural_key) == [
        "一组",
        "二组",
        "三组",
        "十组",
        "十一组",
        "Team 2",
        "Team 10",
    ]
