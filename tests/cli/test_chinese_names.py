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
