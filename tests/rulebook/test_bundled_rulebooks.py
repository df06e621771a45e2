"""The rulebooks for parts 3 and 5 of the source, on their sample months, through the CLI.

Every expected number is worked out by hand in samples/make_samples.py (build_brokerage,
build_commitment): value, denominator (sample size) and status.
"""

from __future__ import annotations

import json
import re
import sys

import openpyxl
import pytest
from typer.testing import CliRunner

from cskpi.cli import app as cli
from tests.conftest import ROOT, sheet_cells
from tests.months import fill_from_examples

runner = CliRunner()

BROKERAGE = "brokerage-service-supervisor"
COMMITMENT = "service-commitment"

# standard: (actual, sample size, status)
BROKERAGE_EXPECTED = {
    "disputes_resolved_on_time": (0.9, 10, "pass"),
    "disputes_escalated": (1, 1, "fail"),
    "new_accounts_per_month": (24, 24, "pass"),
    "new_accounts_funded": (0.625, 24, "pass"),
    "reports_sent": (5, 5, "pass"),
    "reports_on_time": (0.8, 5, "fail"),
    "reports_accurate": (1.0, 5, "pass"),
    "fund_post_checked": (2, 2, "pass"),
    "account_post_checked": (2, 2, "pass"),
    "key_account_post_checked": (0, 0, "fail"),
    "post_problems_fixed": (2 / 3, 3, "fail"),
    "staff_evaluated": (0.875, 8, "fail"),
    "staff_quality_score": (84.0, 7, "pass"),
}
COMMITMENT_EXPECTED = {
    "appeals_resolved_on_time": (0.95, 20, "pass"),
    "appeals_satisfied": (0.85, 20, "fail"),
    "self_checks_done": (4, 4, "pass"),
    "self_check_problems_fixed": (2 / 3, 3, "fail"),
    "staff_trained": (0.9, 10, "pass"),
    "staff_exam_pass_rate": (1.0, 9, "pass"),
    "channels_open_as_promised": (92 / 93, 93, "pass"),
    "failures_held_accountable": (0.75, 4, "fail"),
}
CASES = [
    # rulebook, sample, expected, appraisal score, sheets in template order
    (
        BROKERAGE,
        "brokerage-2026-10.xlsx",
        BROKERAGE_EXPECTED,
        60.0,
        ["客户纠纷", "新开户", "交易情况汇报", "岗位检查", "员工考评"],
    ),
    (
        COMMITMENT,
        "commitment-2026-10.xlsx",
        COMMITMENT_EXPECTED,
        65.0,
        ["申诉投诉", "自查自纠", "培训考试", "服务渠道", "服务差错"],
    ),
]


def invoke(*args):
    return runner.invoke(cli.app, [str(a) for a in args])


@pytest.mark.parametrize(("rules", "sample", "expected", "score", "sheets"), CASES)
def test_sample_month_gives_the_hand_worked_scorecard(rules, sample, expected, score, sheets):
    result = invoke(
        "evaluate", ROOT / "samples" / sample, "--rules", rules, "-f", "json", "--no-history"
    )
    assert result.exit_code == 1  # required standards fail
    data = json.loads(result.stdout)
    assert data["rulebook"] == rules
    got = {
        r["standard"]: (pytest.approx(r["actual"]), r["sample_size"], r["status"])
        for r in data["results"]
    }
    assert got == expected
    assert data["warnings"] == []
    (overall,) = data["appraisal"]
    assert (overall["score"], overall["grade"]) == (score, "pass")  # 合格


@pytest.mark.parametrize(("rules", "sample", "expected", "score", "sheets"), CASES)
def test_committed_sample_matches_its_generator(rules, sample, expected, score, sheets, tmp_path):
    sys.path.insert(0, str(ROOT / "samples"))
    try:
        import make_samples
    finally:
        sys.path.pop(0)
    name, build = make_samples.SAMPLES[sample.split("-")[0]]
    assert name == sample
    build(tmp_path / sample)
    assert sheet_cells(tmp_path / sample) == sheet_cells(ROOT / "samples" / sample)


@pytest.mark.parametrize(("rules", "sample", "expected", "score", "sheets"), CASES)
def test_template_follows_the_rulebook_and_evaluates(
    rules, sample, expected, score, sheets, tmp_path
):
    path = tmp_path / "t.xlsx"
    made = invoke("template", path, "--rules", rules, "--lang", "en")
    assert made.exit_code == 0, made.output
    assert openpyxl.load_workbook(path).sheetnames == ["说明", *sheets]
    untouched = invoke("evaluate", path, "--rules", rules, "-f", "json", "--no-history")
    assert untouched.exit_code == 3 and "示例行不算数据" in untouched.stderr
    fill_from_examples(path)
    result = invoke("evaluate", path, "--rules", rules, "-f", "json", "--no-history")
    # one row cannot meet "at least 20 new accounts": a scorecard, not a crash
    assert result.exit_code in (0, 1), result.output
    results = json.loads(result.stdout)["results"]
    assert [r["standard"] for r in results] == list(expected)
    assert all(r["status"] in ("pass", "fail") for r in results)  # every sheet read


@pytest.mark.parametrize(
    ("rules", "standard", "lang", "lines"),
    [
        (
            BROKERAGE,
            "disputes_resolved_on_time",
            "zh",
            ["纠纷按期解决 (disputes_resolved_on_time)", "默认值", "目标:≥ 90%",
             "原文:负责处理客户中发生的各种纠纷,避免各种不良后果的出现"],
        ),
        (
            BROKERAGE,
            "key_account_post_checked",
            "en",
            ["Key-account post checked (key_account_post_checked)", "(a default, monthly)",
             "those where '被检查岗位' is '大户管理员';", "Target: ≥ 1"],
        ),
        (
            COMMITMENT,
            "failures_held_accountable",
            "zh",
            ["服务差错责任追究 (failures_held_accountable)", "默认值", "目标:≥ 100%",
             "原文:建立服务责任追究制度"],
        ),
        (
            COMMITMENT,
            "channels_open_as_promised",
            "en",
            ["Service channels open as promised", "(a default)",
             "where '实际服务小时' is at least '承诺服务小时',", "Target: ≥ 98%"],
        ),
    ],
)  # fmt: skip
def test_rules_explain(rules, standard, lang, lines):
    result = invoke("rules", "explain", standard, "--rules", rules, "--lang", lang)
    assert result.exit_code == 0, result.output
    for line in lines:
        assert line in result.stdout


@pytest.mark.parametrize(("rules", "n"), [(BROKERAGE, 13), (COMMITMENT, 8)])
def test_rules_check_by_name(rules, n):
    result = invoke("rules", "check", rules, "--lang", "en")
    assert result.exit_code == 0, result.output
    assert f"rulebook is valid, {n} standards." in result.stdout


@pytest.mark.parametrize("rules", [BROKERAGE, COMMITMENT])
def test_every_default_target_is_marked(rules):
    """A target the source does not give is marked DEFAULT in the YAML and 默认值 in the text."""
    text = (ROOT / "rules" / f"{rules}.yaml").read_text(encoding="utf-8")
    targets = [line for line in text.splitlines() if line.strip().startswith("target:")]
    assert targets and all("# DEFAULT" in line for line in targets)
    result = invoke("rules", "list", "--rules", rules, "-f", "json")
    standards = json.loads(result.stdout)["standards"]
    assert len(standards) == len(targets)
    for std in standards:
        explained = invoke("rules", "explain", std["id"], "--rules", rules).stdout
        assert "默认值" in explained, std["id"]


BUNDLED = {  # id: (zh name, en name, standards, zh part, en part)
    BROKERAGE: (
        "证券营业部客户服务主管的可衡量职责",
        "Brokerage branch customer-service supervisor's measurable duties",
        13,
        "第三篇 客户服务主管岗位职责(证券营业部)",
        "Part 3: the customer-service supervisor's duties (brokerage branch)",
    ),
    "customer-service-manager": (
        "客户服务经理的可衡量职责",
        "Customer service manager's measurable duties",
        7,
        "第二篇 客户服务经理主管职位描述、第四篇 客户服务经理、主管岗位职责",
        "Parts 2 and 4: the customer-service manager's job description and duties",
    ),
    "customer-service-supervisor": (
        "客户服务主管的绩效标准",
        "Customer service supervisor performance standards",
        14,
        "第一篇 客户服务主管的绩效标准",
        "Part 1: the customer-service supervisor's performance standards",
    ),
    COMMITMENT: (
        "客户服务承诺标准",
        "Customer service commitment",
        8,
        "第五篇 客户服务承诺标准",
        "Part 5: the customer-service commitment",
    ),
}


@pytest.mark.parametrize(
    ("lang", "title", "note"),
    [
        (
            "zh",
            "内置规则手册(按岗位选择,--rules 后写编号)",
            "不加 --rules 时使用 customer-service-supervisor。",
        ),
        (
            "en",
            "Bundled rulebooks (pick the one for your role; give its ID to --rules)",
            "Without --rules: customer-service-supervisor.",
        ),
    ],
)
def test_rules_list_all_shows_every_bundled_rulebook_and_its_part(lang, title, note):
    result = invoke("rules", "list", "--all", "--lang", lang)
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert (lines[0], lines[-1]) == (title, note)
    rows = [re.split(r" {2,}", line) for line in lines[4:-2]]  # title, blank, header, rule
    zh = lang == "zh"
    assert rows == [
        [rid, zh_name if zh else en_name, str(n), zh_part if zh else en_part]
        for rid, (zh_name, en_name, n, zh_part, en_part) in BUNDLED.items()
    ]


def test_rules_list_all_as_json():
    result = invoke("rules", "list", "--all", "-f", "json", "--lang", "en")
    assert result.exit_code == 0, result.output
    books = json.loads(result.stdout)["rulebooks"]
    assert [(b["id"], b["name"], b["standards"], b["part"]) for b in books] == [
        (rid, en_name, n, en_part) for rid, (_, en_name, n, _, en_part) in BUNDLED.items()
    ]
    assert [b["id"] for b in books if b["default"]] == ["customer-service-supervisor"]
    for book in books:  # the path evaluates: `--rules <path>` finds the same rulebook
        assert invoke("rules", "check", book["path"]).exit_code == 0


def test_rules_list_all_refuses_a_rulebook_too():
    result = invoke("rules", "list", "--all", "--rules", BROKERAGE, "--lang", "en")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == (
        "error: --all lists every bundled rulebook; it cannot be combined with --rules.\n"
    )


def test_a_misspelt_part_is_caught_with_its_line(tmp_path):
    text = (ROOT / "rules" / f"{COMMITMENT}.yaml").read_text(encoding="utf-8")
    line = 1 + text.splitlines().index(next(s for s in text.splitlines() if "  part:" in s))
    bad = tmp_path / "bad.yaml"
    bad.write_text(text.replace('en: "Part 5', 'eng: "Part 5'), encoding="utf-8")
    result = invoke("rules", "check", bad, "--lang", "en")
    assert result.exit_code == 2
    assert f"{bad}:{line}: rulebook.part.eng: unknown key 'eng' (did you mean 'en'?)" in (
        result.stderr
    )
