"""A Chinese user sees the rulebook's Chinese names, not its ids (complaints, complaint_id)."""

from __future__ import annotations

from typer.testing import CliRunner

from cskpi.cli import app as cli
from tests.conftest import SAMPLE

runner = CliRunner()


def invoke(*args: str):
    return runner.invoke(cli.app, [str(a) for a in args])


def test_explain_columns_names_datasets_and_fields_in_the_users_words():
    zh = invoke("evaluate", SAMPLE, "--explain-columns", "-q").stdout
    row = next(line for line in zh.splitlines() if "│ A " in line and "投诉记录" in line)
    cells = [c.strip() for c in row.split("│")[1:-1]]
    assert cells[1:] == ["投诉记录", "投诉记录", "投诉编号", "投诉编号", "A"]
    assert "complaint_id" not in zh and "│ complaints" not in zh
    en = invoke("evaluate", SAMPLE, "--explain-columns", "-q", "--lang", "en").stdout
    assert "│ Complaints" in en and "complaint_id" in en  # ids are the English names


def test_an_unknown_by_column_lists_the_headers_it_would_accept():
    result = invoke("evaluate", SAMPLE, "--by", "部门")
    assert result.exit_code == 2
    assert "(可用:投诉编号 (complaint_id), 投诉日期 (received_at), 团队 (team), " in result.stderr
    assert invoke("evaluate", SAMPLE, "--by", "客服人员", "-q").exit_code == 1  # as listed


def test_verbose_names_a_field_not_found_by_its_header():
    """The sample's survey has no agent column (optional): -v says so in the sheet's words."""
    zh = invoke("evaluate", SAMPLE, "-v", "-q").stderr
    assert f"{SAMPLE} › 客户满意度:匹配 7/8 个字段;未找到:客服人员" in zh.splitlines()
    en = invoke("evaluate", SAMPLE, "-v", "-q", "--lang", "en").stderr
    assert f"{SAMPLE} › 客户满意度: 7 of 8 fields matched; not found: agent" in en.splitlines()


def _rules_with(folder, *datasets: str, edit) -> str:
    """The default rulebook cut to ``datasets``, its YAML data changed by ``edit``."""
    import yaml

    from tests.months import rules_for

    path = rules_for(folder, *datasets)
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    edit(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return str(path)


def test_a_dataset_with_no_chinese_name_is_named_by_its_id_in_every_chinese_message(tmp_path):
    """An optional dataset whose rulebook gives no Chinese name, absent: its standards' reason
    names it by id (员工调查's names.zh is ''), not 「」, as every other message does."""
    from tests.conftest import write_workbook
    from tests.months import good_month

    def unnamed(data: dict) -> None:
        data["datasets"]["staff_survey"]["names"]["zh"] = ""

    month = good_month()
    del month["员工调查"]
    path = write_workbook(tmp_path / "m.xlsx", month)
    rules = _rules_with(tmp_path, "complaints", "staff_survey", edit=unnamed)
    zh = invoke("evaluate", path, "--rules", rules, "--no-history", "--lang", "zh")
    assert zh.exit_code == 5, zh.output
    assert (
        "可选数据表「staff_survey」不在输入中(查找了 员工调查 / staff_survey / staff survey),"
        "其标准无数据。"
    ) in zh.stdout.splitlines()
    assert "「」" not in zh.stdout


def test_the_skipped_rows_line_names_the_dataset_as_every_message_does(tmp_path):
    """bad_values: skip: the summary's line says 客户满意度 in Chinese (it said the id,
    survey, beside 数据表「客户满意度」 in the other lines); English keeps the id."""
    from tests import hostile

    def skip(data: dict) -> None:
        data["datasets"]["survey"]["bad_values"] = "skip"

    path = hostile.bad_values(tmp_path)
    rules = _rules_with(tmp_path, "survey", edit=skip)
    zh = invoke("evaluate", path, "--rules", rules, "--no-history", "--lang", "zh")
    assert "客户满意度:2 行含无法识别的值,按规则手册已跳过,未计入。" in zh.stdout.splitlines()
    assert "survey:" not in zh.stdout
    en = invoke("evaluate", path, "--rules", rules, "--no-history", "--lang", "en")
    assert "survey: 2 rows with unreadable values were skipped, as the rulebook says." in (
        en.stdout.splitlines()
    )
