"""Markdown follows the terminal's layout rule: a column per group for a few, the worst
``--top`` groups then one line for the rest for many; JSON and CSV keep every result."""

from __future__ import annotations

import csv
import io
import json

from typer.testing import CliRunner

from cskpi.cli import app as cli
from cskpi.present.formats import RenderOptions, by_name
from cskpi.present.markdown import render_markdown
from tests.conftest import SAMPLE
from tests.present.test_layout import card_for


def table_rows(text: str, first_cell: str) -> list[list[str]]:
    """The rows of the Markdown table whose header starts with ``first_cell``."""
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(f"| {first_cell} |"))
    rows = []
    for line in lines[start:]:
        if not line.startswith("|"):
            break
        rows.append([cell.strip() for cell in line.strip("|").split(" | ")])
    return [rows[0], *rows[2:]]  # the header, then the body (no |---| line)


def test_three_groups_keep_a_column_each(tmp_path):
    md = render_markdown(card_for(tmp_path, 3, failing=1), "zh")
    head, *body = table_rows(md, "绩效标准")
    assert head == ["绩效标准", "期间", "目标", "全部", "王芳0000", "王芳0001", "王芳0002"]
    assert body[0][:5] == ["月度客户投诉次数", "2026-10", "≤ 5", "3 ✓", "1 ✓"]
    assert "还有" not in md and "考核得分(王芳0002)" in md  # every score, as the terminal


def test_three_thousand_agents_list_the_worst_twenty_then_one_line(tmp_path):
    card = card_for(tmp_path, 3000, failing=5)
    md = render_markdown(card, "zh")
    overall = table_rows(md, "#")
    assert overall[0] == ["#", "绩效标准", "期间", "目标", "实际", "结果"]
    assert [row[:2] for row in overall[1:]] == [
        ["1", "月度客户投诉次数"],
        ["2", "月度逾期未解决投诉"],
    ]
    head, *matrix = table_rows(md, "组别")
    assert head == ["组别", "1", "2", "未达标", "得分"]
    assert len(matrix) == 20  # --top's default
    assert [row[0] for row in matrix[:5]] == [
        "王芳0003",
        "王芳0010",
        "王芳0017",
        "王芳0024",
        "王芳0031",
    ]
    assert matrix[0][1:4] == ["✗", "✓", "1"]  # 6 complaints: fails the first standard only
    assert "- **王芳0003**: 1. 6 ✗" in md.splitlines()  # the number behind the mark
    assert "还有 2,980 名客服人员,全部达标。" in md.splitlines()
    assert "王芳0100" not in md  # a passing agent past the twenty is counted, not listed
    assert len(md.splitlines()) < 60  # a page, not 3,000 columns


def test_top_through_the_cli_and_json_csv_keep_every_result(tmp_path):
    runner = CliRunner()
    args = ["evaluate", str(SAMPLE), "--by", "team", "--lang", "en", "--no-history"]
    md = runner.invoke(cli.app, [*args, "--format", "markdown", "--top", "2"]).stdout
    head, *matrix = table_rows(md, "Group")
    assert len(matrix) == 2 and head[0] == "Group"
    assert "1 more team" in md  # the third team, in one line
    wide = runner.invoke(cli.app, [*args, "--format", "markdown"]).stdout
    head, *_rows = table_rows(wide, "Standard")
    assert head[3:] == ["Overall", "一组", "二组", "三组"]  # three teams fit: a column each
    data = json.loads(runner.invoke(cli.app, [*args, "--format", "json", "--top", "2"]).stdout)
    groups = {r["group"] for r in data["results"]}
    assert groups == {None, "一组", "二组", "三组"}  # --top shapes the text, not the data
    rows = list(csv.DictReader(io.StringIO(runner.invoke(cli.app, [*args, "-f", "csv"]).stdout)))
    assert len(rows) == len(data["results"])


def test_a_markdown_file_takes_the_same_layout(tmp_path):
    card = card_for(tmp_path, 3000, failing=5)
    text = by_name("markdown").text(card, "en", RenderOptions())  # -o card.md: default --top
    assert "2,980 more agents, all pass." in text.splitlines()
