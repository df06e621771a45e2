"""From first install: template, init, explanations, header matching report."""

from __future__ import annotations

import json
import subprocess
import sys

import openpyxl
import pytest
from typer.testing import CliRunner

from cskpi.cli import app as cli
from cskpi.present.explain import explain_standard
from cskpi.rulebook.load import load_rulebook
from tests.conftest import COMPLAINT_HEADERS, ROOT, complaint, write_workbook
from tests.months import fill_from_examples, rules_for

runner = CliRunner()


def invoke(*args):
    return runner.invoke(cli.app, [str(a) for a in args])


def test_template_round_trip(tmp_path):
    path = tmp_path / "month.xlsx"
    assert invoke("template", path, "--teams", "北区,南区").exit_code == 0
    book = openpyxl.load_workbook(path)
    model = load_rulebook()
    assert book.sheetnames == ["说明", *[spec.sheets[0] for spec in model.datasets.values()]]
    ws = book["投诉记录"]
    assert [c.value for c in ws[1]] == [
        *(c.header for c in model.datasets["complaints"].columns.values()),
        "示例",
    ]
    validations = {str(v.sqref): v.formula1 for v in ws.data_validations.dataValidation}
    assert '"北区,南区"' in validations.values()
    rating = {str(v.sqref): v.formula1 for v in book["客户满意度"].data_validations.dataValidation}
    assert any("非常满意" in (f or "") for f in rating.values())
    assert any(
        "是,否" in (v.formula1 or "") for v in book["员工名册"].data_validations.dataValidation
    )
    assert "说明" in book["说明"]["A1"].value
    assert [c.value for c in ws[1]][-1] == "示例" and [c.value for c in ws[2]][-1] == "示例"
    # untouched, the template has no data: its example rows are left out, never a pass
    untouched = invoke("evaluate", path, "--no-history", "--lang", "en")
    assert untouched.exit_code == 3
    assert untouched.stderr.splitlines()[-1] == (
        f"error: the inputs hold no data rows ({path}); example rows are not data. Fill in "
        "this period's records."
    )
    # a row of one's own like each example (the 示例 column left blank) is data
    fill_from_examples(path)
    result = invoke("evaluate", path, "-f", "json", "--no-history", "--lang", "en")
    assert result.exit_code == 0, result.output
    # one line for the file's example rows, not one alike line per sheet
    assert [line for line in result.stderr.splitlines() if "example rows" in line] == [
        f"warning: {path}: 7 example rows (marked in the 示例 column) are not data and were "
        "left out; sheets (rows): 投诉记录 (2), 客户满意度 (2), 信息反馈 (2), 建议反馈 (2), "
        "工作任务 (2), 员工调查 (2), 员工名册 (2)."
    ]
    data = json.loads(result.stdout)
    assert {r["status"] for r in data["results"]} <= {"pass", "warn"}
    assert all(r["sample_size"] or r["metric"] == "count" for r in data["results"])
    assert invoke("template", path).exit_code == 2  # never overwrites
    assert invoke("template", path, "--force").exit_code == 0


SUPERVISOR = ROOT / "rules" / "customer-service-supervisor.yaml"
COMPLAINT_SHEETS = "sheets: [投诉记录, complaints, 投诉, complaint log]"


def sheets_rulebook(folder, sheets: str):
    """The default rulebook with the complaint log's ``sheets:`` line replaced, and its line."""
    text = SUPERVISOR.read_text(encoding="utf-8")
    line = text[: text.index(COMPLAINT_SHEETS)].count("\n") + 1
    path = folder / "rules.yaml"
    path.write_text(text.replace(COMPLAINT_SHEETS, f"sheets: {sheets}"), encoding="utf-8")
    return path, line


@pytest.mark.parametrize(
    ("sheets", "reason"),
    [
        ("['投诉记录:2026']", "it holds : (Excel allows none of [ ] : * ? / \\ in a sheet name)"),
        ("['[投诉]']", "it holds ["),
        ("[\"'投诉记录'\"]", "it starts or ends with '"),
        ("['" + "x" * 32 + "']", "it is 32 characters long, over Excel's 31"),
        ("['   ']", "it is blank"),
        ("[history]", "Excel keeps History for itself"),
        ("[说明]", "it is already the sheet of the instructions"),
    ],
)
def test_template_refuses_a_sheet_name_excel_cannot_hold(tmp_path, sheets, reason):
    rules, line = sheets_rulebook(tmp_path, sheets)
    # the names also find database tables and CSV files: the rulebook itself is fine
    assert invoke("rules", "check", rules, "--lang", "en").exit_code == 0
    out = tmp_path / "month.xlsx"
    result = invoke("template", out, "--rules", rules, "--lang", "en")
    assert result.exit_code == 2, result.output
    assert f"error: {rules}:{line}: datasets.complaints.sheets.0: the sheet name '" in result.stderr
    assert f"cannot name an Excel sheet: {reason}" in result.stderr.replace("\n", "")
    assert "Traceback" not in result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["rules.yaml"]  # nothing written


def test_template_takes_the_first_sheet_name_excel_can_hold(tmp_path):
    rules, _line = sheets_rulebook(tmp_path, "[crm_complaints_export_table_2026_v2, 投诉记录]")
    out = tmp_path / "month.xlsx"
    assert invoke("template", out, "--rules", rules).exit_code == 0
    book = openpyxl.load_workbook(out)
    assert book.sheetnames[:3] == ["说明", "投诉记录", "客户满意度"]
    guide = [c.value for c in book["说明"]["A"]]
    assert "投诉记录:投诉记录" in guide  # the guide names the tab written
    assert not any("crm_" in (v or "") for v in guide)


def test_template_refuses_a_dataset_whose_every_name_another_tab_has(tmp_path):
    rules, _line = sheets_rulebook(tmp_path, "[投诉记录, complaints, 投诉, complaint log]")
    text = rules.read_text(encoding="utf-8")
    survey = "sheets: [客户满意度, survey, 满意度调查, 客户满意度调查]"
    line = text[: text.index(survey)].count("\n") + 1
    rules.write_text(text.replace(survey, "sheets: [投诉记录]"), encoding="utf-8")
    result = invoke("template", tmp_path / "month.xlsx", "--rules", rules)  # in Chinese
    assert result.exit_code == 2, result.output
    assert result.stderr.replace("\n", "") == (
        f"错误: {rules}:{line}:datasets.survey.sheets.0:工作表名「投诉记录」不能用作 Excel "
        "工作表名:已是投诉记录的工作表名;请在 sheets 中加一个 Excel 可用的名称。"
    )


def test_explain_every_default_standard_in_both_languages():
    model = load_rulebook()
    for std in model.standards:
        for lang in ("zh", "en"):
            lines = explain_standard(model, std, lang)
            text = "\n".join(lines)
            assert std.id in lines[0]
            assert model.datasets[std.dataset].sheets[0] in text
            assert ("目标" if lang == "zh" else "Target") in text
            assert std.source in text
    overdue = "\n".join(
        explain_standard(model, model.standard("overdue_complaints_per_month"), "en")
    )
    # the filter in words, not its syntax (resolved_at is blank or resolved_at > promised_by)
    assert "those where '解决日期' is blank or '解决日期' is after '承诺期限';" in overdue
    assert "Target: ≤ 1. Level: required, weight 15." in overdue
    successor = "\n".join(explain_standard(model, model.standard("successor_ready"), "zh"))
    assert "快照" in successor and "优秀" in successor


def test_rules_explain_command():
    ok = invoke("rules", "explain", "satisfaction_speed", "--lang", "en")
    assert ok.exit_code == 0 and "Target: ≥ 95%" in ok.stdout
    typo = invoke("rules", "explain", "satisfaction_sped", "--lang", "en")  # the one close match
    assert typo.exit_code == 0 and typo.stdout.startswith("Satisfaction: prompt arrival (")
    assert typo.stderr == (
        "(No standard is called 'satisfaction_sped'; showing the closest, 'Satisfaction: "
        "prompt arrival'.)\n"
    )


def test_renamed_header_is_caught_with_the_closest_match(tmp_path):
    headers = [h if h != "客服人员" else "客服人员姓名" for h in COMPLAINT_HEADERS]
    path = write_workbook(
        tmp_path / "m.xlsx", {"投诉记录": [headers, complaint("C1", "2026-10-03")]}
    )
    rules = rules_for(tmp_path, "complaints")
    result = invoke(
        "evaluate",
        path,
        "--explain-columns",
        "--verbose",
        "--no-history",
        "--lang",
        "en",
        "-r",
        rules,
    )
    assert "not found (closest: 客服人员姓名)" in result.stdout
    assert (
        f"{path} › 投诉记录: 8 of 10 fields matched; not found: agent (closest "
        "'客服人员姓名')" in result.stderr
    )


def test_bundled_rulebook_by_name():
    result = invoke("rules", "check", "customer-service-manager", "--lang", "en")
    assert result.exit_code == 0, result.output


def test_python_m_works_from_a_clean_interpreter():
    done = subprocess.run(
        [sys.executable, "-m", "cskpi", "rules", "explain", "complaints_per_month", "--lang", "en"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0 and "Customer complaints per month" in done.stdout


MANAGER_EXPECTED = {  # worked out by hand in samples/make_samples.py (build_manager)
    "customer_contacts_per_month": (64, "pass"),
    "contact_methods_used": (3, "pass"),
    "call_record_checks": (3, "fail"),
    "repairs_on_time": (0.8, "fail"),
    "collections_on_time": (0.95, "pass"),
    "collections_accurate": (0.95, "fail"),
    "new_customers_per_month": (3, "pass"),
}


def test_manager_rulebook_on_its_sample_month():
    result = invoke(
        "evaluate",
        ROOT / "samples" / "manager-2026-10.xlsx",
        "--rules",
        "customer-service-manager",
        "-f",
        "json",
        "--no-history",
    )
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    got = {r["standard"]: (pytest.approx(r["actual"]), r["status"]) for r in data["results"]}
    assert got == MANAGER_EXPECTED
    assert data["appraisal"][0]["score"] == 55.0


def test_template_follows_the_manager_rulebook(tmp_path):
    path = tmp_path / "m.xlsx"
    assert invoke("template", path, "--rules", "customer-service-manager").exit_code == 0
    assert openpyxl.load_workbook(path).sheetnames == [
        "说明",
        "客户联系",
        "电访检查",
        "上门维修",
        "收款",
        "新客户",
    ]
    args = ("evaluate", path, "--rules", "customer-service-manager", "-f", "json", "--no-history")
    assert invoke(*args).exit_code == 3  # only example rows: no data
    result = invoke(*args[:1], fill_from_examples(path), *args[2:])
    statuses = {r["standard"]: r["status"] for r in json.loads(result.stdout)["results"]}
    assert statuses["repairs_on_time"] == "pass"  # the example order is done the next day
