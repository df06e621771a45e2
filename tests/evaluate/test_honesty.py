"""Never a false pass, the quieter ways: blank deadlines, last month's file, a stray row
choosing the month, an as-of before anything happened, a rulebook with nothing required,
a team spelt two ways, personal digits in other scripts.

Each case starts from tests/months.py's good month (every required standard met, exit 0)
and changes one thing; the numbers are worked out by hand in each test.
"""

from __future__ import annotations

import json
import re

import pytest
from typer.testing import CliRunner

from cskpi.cli import app as cli
from cskpi.present.privacy import mask_value
from tests.conftest import ROOT, D, complaint, write_workbook
from tests.months import good_month

runner = CliRunner()


def invoke(*args: object):
    return runner.invoke(cli.app, [str(a) for a in args])


def shifted(rows, month: int):
    """Rows with every date moved to ``month`` of 2026 (the day kept)."""
    return [[v.replace(month=month) if isinstance(v, D) else v for v in row] for row in rows]


# --- 1. a blank deadline is not "never overdue" -------------------------------------------


def test_blank_deadlines_that_could_break_the_limit_make_the_month_incomplete(tmp_path):
    """Two October complaints never resolved and with no promised deadline: the overdue
    standard counts 0 without them and would count 2 > 1 with them, so it is unknown."""
    month = good_month()
    month["投诉记录"] += [complaint("C3", D(2026, 10, 20)), complaint("C4", D(2026, 10, 21))]
    path = write_workbook(tmp_path / "m.xlsx", month)
    result = invoke("evaluate", path, "--no-history", "--quiet", "--lang", "en", "-f", "json")
    assert result.exit_code == 5, result.output
    data = json.loads(result.stdout)
    overdue = next(r for r in data["results"] if r["standard"] == "overdue_complaints_per_month")
    assert overdue["status"] == "no_data"
    assert "2 rows have no 承诺期限, so no period counts them" in overdue["reason"]
    assert data["summary"]["verdict"] == "incomplete"
    warning = (
        "standard 'Complaints not resolved by the promised deadline': 2 rows of dataset "
        "'complaints' that its filter counts (or cannot decide) have no 承诺期限, so "
        "no period counts them. Rows: 4, 5."
    )
    assert warning in result.stderr  # --quiet keeps warnings


def test_one_blank_deadline_within_the_limit_still_passes_but_is_named(tmp_path):
    """One undated complaint: 0 + 1 <= 1 either way, so the pass stands; the row is named."""
    month = good_month()
    month["投诉记录"].append(complaint("C3", D(2026, 10, 20)))
    path = write_workbook(tmp_path / "m.xlsx", month)
    result = invoke("evaluate", path, "--no-history", "--quiet")
    assert result.exit_code == 0, result.output
    assert "「承诺期限」为空,不会计入任何期间。行号:4。" in result.stderr


# --- 2. last month's file run for this month ------------------------------------------------


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_dataset_with_rows_none_in_the_period_is_no_data_never_a_pass(tmp_path, lang):
    """The complaint log holds September only; evaluated for October its two count limits
    (0 <= 5, 0 <= 1) would pass from no data: they are no data, and the run is incomplete."""
    month = good_month()
    month["投诉记录"] = [month["投诉记录"][0], *shifted(month["投诉记录"][1:], 9)]
    path = write_workbook(tmp_path / "m.xlsx", month)
    result = invoke(
        "evaluate", path, "--period", "2026-10", "--no-history", "--quiet", "--lang", lang
    )
    assert result.exit_code == 5, result.output
    if lang == "en":
        assert (
            f"{path}, '投诉记录': dataset 'complaints' has 2 rows, none in 2026-10; their dates "
            "run from 2026-09-03 to 2026-09-12. Treated as no data for the period (incomplete)."
        ) in result.stderr
        assert "Verdict: incomplete. 2 required results" in result.stdout
    else:
        assert (
            "数据表「投诉记录」有 2 行,没有一行在 2026-10 内;日期从 2026-09-03 到 2026-09-12"
            in (result.stderr)
        )


def test_a_sheet_with_only_its_header_is_still_a_month_with_none(tmp_path):
    """No complaint at all is a real month with none (README: header-only sheet)."""
    month = good_month()
    month["投诉记录"] = month["投诉记录"][:1]
    path = write_workbook(tmp_path / "m.xlsx", month)
    assert invoke("evaluate", path, "--no-history", "--quiet").exit_code == 0


# --- 3. the default period ------------------------------------------------------------------


def test_a_stray_row_in_the_month_under_way_does_not_choose_the_period(tmp_path):
    """October's month plus one complaint logged on 28 November (today is 29 November):
    the default is October, with a warning naming November."""
    month = good_month()
    month["投诉记录"].append(complaint("C9", D(2026, 11, 28), promised=D(2026, 12, 1)))
    path = write_workbook(tmp_path / "m.xlsx", month)
    result = invoke("evaluate", path, "--no-history", "--lang", "en", "-f", "json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["period"] == "2026-10"
    assert (
        "no --period given: evaluating 2026-10 (42 rows), the latest month that is over and "
        "holds the data; later months with rows were not evaluated: 2026-11 (1) (rows in "
        "brackets). To evaluate one, pass --period, e.g. --period 2026-11."
    ) in result.stderr


def test_a_stray_row_in_a_later_month_that_is_over_does_not_choose_it(tmp_path, clock):
    """Run on 5 December: November is over but holds 1 row against October's 42 (< 20%)."""
    clock("2026-12-05 09:00")
    month = good_month()
    month["投诉记录"].append(complaint("C9", D(2026, 11, 28), promised=D(2026, 11, 30)))
    path = write_workbook(tmp_path / "m.xlsx", month)
    result = invoke("evaluate", path, "--no-history", "-f", "json")
    assert json.loads(result.stdout)["period"] == "2026-10", result.output


# --- 4. --as-of at the period's start --------------------------------------------------------


@pytest.mark.parametrize("as_of", ["2026-10-01 00:00", "2026-09-30"])
def test_as_of_at_or_before_the_period_start_is_refused(tmp_path, as_of):
    path = write_workbook(tmp_path / "m.xlsx", good_month())
    result = invoke("evaluate", path, "--period", "2026-10", "--as-of", as_of, "--lang", "en")
    assert result.exit_code == 2, result.output
    assert "is at or before the start of period 2026-10" in result.stderr


# --- 7. a rulebook with nothing required -----------------------------------------------------


def test_a_rulebook_with_no_required_standard_is_refused(tmp_path):
    text = (ROOT / "rules" / "customer-service-supervisor.yaml").read_text(encoding="utf-8")
    text = re.sub(r"(?m)^    level: \w+\n", "", text).replace(
        "\n    dataset: ", "\n    level: excellent\n    dataset: "
    )
    path = tmp_path / "nothing-required.yaml"
    path.write_text(text, encoding="utf-8")
    sample = ROOT / "samples" / "2026-10.xlsx"
    for command in (["rules", "check", path], ["evaluate", sample, "--rules", path]):
        result = invoke(*command, "--lang", "en")
        assert result.exit_code == 2, result.output
        assert f"{path}:" in result.stderr
        assert "no standard is required (every one is level: excellent)" in result.stderr


# --- 8. one team spelt two ways --------------------------------------------------------------


def test_lookalike_group_names_are_one_group_with_a_warning(tmp_path):
    """Three complaints of team A组 typed 'A组', 'Ａ组' (full width) and 'A组' with a
    zero-width space: one group A组 with 3 complaints, and a warning naming the spellings."""
    month = good_month()
    month["投诉记录"] += [
        complaint(
            "C3", D(2026, 10, 5), team="A组", promised=D(2026, 10, 9), resolved=D(2026, 10, 6)
        ),
        complaint(
            "C4", D(2026, 10, 7), team="Ａ组", promised=D(2026, 10, 9), resolved=D(2026, 10, 8)
        ),
        complaint(
            "C5", D(2026, 10, 7), team="A\u200b组", promised=D(2026, 10, 9), resolved=D(2026, 10, 8)
        ),
    ]
    path = write_workbook(tmp_path / "m.xlsx", month)
    result = invoke("evaluate", path, "--by", "团队", "--no-history", "--lang", "en", "-f", "json")
    data = json.loads(result.stdout)
    counts = {
        r["group"]: r["actual"]
        for r in data["results"]
        if r["standard"] == "complaints_per_month" and r["group"] is not None
    }
    assert counts == {"一组": 2, "A组": 3}
    assert (
        "the group column '团队' spells one group several ways, 'A组', '<U+FF21>组', "
        "'A<U+200B>组': they are evaluated together as 'A组'. Make these cells the same."
    ) in result.stderr


# --- 10. personal digits in any script ----------------------------------------------------


@pytest.mark.parametrize(
    ("value", "masked"),
    [
        ("138〇〇〇〇5678", "138****5678"),  # 〇 was shown: neither a digit nor a letter
        ("138零零零零5678", "138****5678"),
        ("Ⅰ3Ⅷ1234Ⅴ678", "Ⅰ3Ⅷ****Ⅴ678"),  # Roman numerals were shown
        ("①③⑧①②③④⑤⑥⑦⑧", "①③⑧****⑤⑥⑦⑧"),
        ("１３８１２３４５６７８", "１３８****５６７８"),
        ("一三八一二三四五六七八", "一**********"),
        ("李四13912345678", "李*139****5678"),  # 四 alone is part of a name
        ("张一山", "张**"),
    ],
)
def test_digits_in_other_scripts_are_masked(value, masked):
    assert mask_value(value) == masked


# --- 5. waivers: approved, when, and shown ---------------------------------------------------


def _overdue_month(tmp_path):
    """Good October plus two complaints past their deadlines (10 and 11 October) and never
    resolved: 2 overdue > 1, a failure; waiving C3 leaves 1 <= 1, a pass."""
    month = good_month()
    month["投诉记录"] += [
        complaint("C3", D(2026, 10, 5), promised=D(2026, 10, 10)),
        complaint("C4", D(2026, 10, 6), promised=D(2026, 10, 11)),
    ]
    return write_workbook(tmp_path / "m.xlsx", month)


def _waivers(tmp_path, approved: str) -> object:
    path = tmp_path / "waivers.yaml"
    path.write_text(
        "waivers:\n  - record_id: C3\n    standard: overdue_complaints_per_month\n"
        f"    reason: 客户失联\n    approver: 周经理\n{approved}",
        encoding="utf-8",
    )
    return path


@pytest.mark.parametrize(
    ("approved", "text"),
    [
        ("    approved_on: 2026-13-01\n", "the waiver's approved_on '2026-13-01' is not a date"),
        ("    approved_on: soon\n", "the waiver's approved_on 'soon' is not a date"),
        ("    approved_on: 2026-12-01\n", "approved_on 2026-12-01 is after today (2026-11-29)"),
        ("", "the waiver lacks approved_on"),
    ],
)
def test_a_waiver_without_a_real_past_approval_date_is_refused(tmp_path, approved, text):
    waivers = _waivers(tmp_path, approved)
    result = invoke(
        "evaluate", _overdue_month(tmp_path), "--waivers", waivers, "--no-history", "--lang", "en"
    )
    assert result.exit_code == 3, result.output
    assert f"{waivers}:2: " in result.stderr
    assert text in result.stderr


def test_a_waiver_approved_after_as_of_is_left_out_and_the_applied_one_is_shown(tmp_path):
    path = _overdue_month(tmp_path)
    waivers = _waivers(tmp_path, "    approved_on: 2026-10-28\n")
    # without --as-of the waiver applies: 1 overdue <= 1, met only thanks to it
    result = invoke(
        "evaluate", path, "--waivers", waivers, "--no-history", "--lang", "en", "-f", "json"
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert [w["record_id"] for w in data["waivers"]] == ["C3"]
    assert (
        "'Complaints not resolved by the promised deadline' (2026-10) is met with 1 rows left "
        "out by approved waivers (waived ids: C3)."
    ) in data["warnings"]
    text = invoke("evaluate", path, "--waivers", waivers, "--no-history", "--lang", "en")
    assert "1 approved waivers applied: C3 (overdue_complaints_per_month, 2026-10-28)." in (
        text.stdout
    )
    assert text.stdout.splitlines()[-1] == (
        "Verdict: standards met. But: 1 results meet their target only with rows left out by "
        "approved waivers."
    )
    # as of 25 October the waiver did not exist yet: 2 overdue > 1
    result = invoke(
        "evaluate",
        path,
        "--waivers",
        waivers,
        "--as-of",
        "2026-10-25",
        "--no-history",
        "--lang",
        "en",
        "-f",
        "json",
    )
    assert result.exit_code == 1, result.output
    data = json.loads(result.stdout)
    assert data["waivers"] == []
    assert (
        "the waiver for 'C3' was approved on 2026-10-28, after --as-of 2026-10-25 23:59; it is "
        "left out of this run (things as they stood then)."
    ) in data["warnings"]


# --- 6. sheets that would pass unseen --------------------------------------------------------


def _hide(path, sheet: str) -> None:
    import openpyxl

    book = openpyxl.load_workbook(path)
    book[sheet].sheet_state = "hidden"
    book.save(path)


def test_a_second_sheet_like_a_dataset_is_named_even_with_quiet(tmp_path):
    """工作表2 holds complaints under the same headers as 投诉记录 and is not read: said."""
    month = good_month()
    month["工作表2"] = [month["投诉记录"][0], complaint("C7", D(2026, 10, 9))]
    path = write_workbook(tmp_path / "m.xlsx", month)
    result = invoke("evaluate", path, "--no-history", "--quiet", "--lang", "en")
    assert result.exit_code == 0, result.output
    assert (
        f"{path}: sheet '工作表2' (1 rows) also looks like dataset 'complaints' and was not read "
        "('投诉记录' was); if it holds data too, move it into '投诉记录' or delete it."
    ) in result.stderr


def test_a_hidden_sheet_read_is_named_and_so_is_the_visible_one_beside_it(tmp_path):
    month = good_month()
    path = write_workbook(tmp_path / "m.xlsx", month)
    _hide(path, "投诉记录")
    result = invoke("evaluate", path, "--no-history", "--quiet", "--lang", "en")
    assert (
        f"{path}: dataset 'complaints' is read from the hidden sheet '投诉记录', which Excel "
        "does not show; check that it is this month's data."
    ) in result.stderr
    month["Complaints copy"] = month["投诉记录"]
    path = write_workbook(tmp_path / "m2.xlsx", month)
    _hide(path, "投诉记录")
    result = invoke("evaluate", path, "--no-history", "--quiet", "--lang", "en")
    assert (
        f"{path}: dataset 'complaints' is read from the hidden sheet '投诉记录', while the "
        "visible sheet 'Complaints copy' (2 rows) also looks like it and was not read"
    ) in result.stderr
    assert "which Excel does not show" not in result.stderr
