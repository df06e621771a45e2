"""Terminal layouts at 80 and 120 columns for 3, 16 and 3,000 groups, Chinese and English.

Widths are measured in terminal cells (a Chinese character counts two), as a terminal shows
them: no line may be wider than the terminal, and no standard's name may be cut.
"""

from __future__ import annotations

import io

import numpy as np
import pandas as pd
import pytest
from rich.cells import cell_len
from rich.console import Console
from typer.testing import CliRunner

from cskpi.cli import app as cli
from cskpi.evaluate.datasets import ROW, SOURCE
from cskpi.evaluate.engine import evaluate
from cskpi.evaluate.periods import parse_period
from cskpi.evaluate.trend import Row, build_trend
from cskpi.present.terminal import render_history, render_table
from cskpi.rulebook.load import load_rulebook
from tests.conftest import SAMPLE

ONE_SHEET = """\
rulebook: {id: agents, name: {zh: 客服人员考核, en: Agent standards}}
datasets:
  complaints:
    names: {zh: 投诉记录, en: Complaints}
    sheets: [投诉记录]
    date_column: received_at
    columns:
      received_at: {header: 投诉日期, type: date}
      agent: {header: 客服人员, type: text}
      late: {header: 超时, type: yesno}
standards:
  - id: complaints_per_month
    name: {zh: 月度客户投诉次数, en: Customer complaints per month}
    description: {zh: x, en: x}
    dataset: complaints
    date_column: received_at
    metric: count
    comparison: "<="
    target: 5
  - id: late_complaints
    name: {zh: 月度逾期未解决投诉, en: Complaints not resolved by the promised deadline}
    description: {zh: x, en: x}
    dataset: complaints
    date_column: received_at
    filter: late
    metric: count
    comparison: "<="
    target: 1
"""


def card_for(tmp_path, agents: int, failing: int):
    """``agents`` agents with one complaint each; every 7th of the first ``7 * failing`` has 6."""
    path = tmp_path / "agents.yaml"
    path.write_text(ONE_SHEET, encoding="utf-8")
    rulebook = load_rulebook(path)
    names, late = [], []
    for i in range(agents):
        extra = 5 if i % 7 == 3 and i < 7 * failing else 0
        names += [f"王芳{i:04d}"] * (1 + extra)
        late += [False] * (1 + extra)
    n = len(names)
    frame = pd.DataFrame(
        {
            "received_at": pd.Series([pd.Timestamp("2026-10-05 10:00")] * n),
            "agent": pd.array(names, dtype="string"),
            "late": pd.array(late, dtype="boolean"),
            ROW: np.arange(2, n + 2),
            SOURCE: "x.xlsx",
        }
    )
    return evaluate(rulebook, {"complaints": frame}, parse_period("2026-10"), None, "agent")


def render(card, width: int, lang: str, **kw) -> list[str]:
    buffer = io.StringIO()
    console = Console(file=buffer, width=width, color_system=None, highlight=False)
    render_table(card, console, lang, **kw)
    return buffer.getvalue().splitlines()


def assert_fits(lines: list[str], width: int, names: list[str]) -> None:
    assert max(cell_len(line) for line in lines) <= width
    text = "\n".join(lines)
    for name in names:
        assert name in text  # whole, on one line


NAMES = {
    "zh": ["月度客户投诉次数", "月度逾期未解决投诉"],
    "en": ["Customer complaints per month", "Complaints not resolved by the promised deadline"],
}


@pytest.mark.parametrize("width", [80, 120])
@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("agents", [3, 16, 3000])
def test_every_layout_fits_and_keeps_whole_names(tmp_path, width, lang, agents):
    lines = render(card_for(tmp_path, agents, failing=2), width, lang)
    assert_fits(lines, width, NAMES[lang])


def test_three_groups_get_a_column_each_when_they_fit(tmp_path):
    lines = render(card_for(tmp_path, 3, failing=1), 120, "zh")
    header = next(line for line in lines if "王芳0000" in line)
    assert "王芳0001" in header and "王芳0002" in header  # one column per agent


def test_sixteen_groups_become_a_matrix_worst_first(tmp_path):
    lines = render(card_for(tmp_path, 16, failing=2), 80, "zh")
    start = next(i for i, line in enumerate(lines) if line.startswith("组别"))
    rows = lines[start + 1 : start + 17]
    assert [row.split()[0] for row in rows[:2]] == ["王芳0003", "王芳0010"]  # 6 complaints
    assert rows[0].split()[1:3] == ["✗", "✓"]
    assert {row.split()[0] for row in rows} == {f"王芳{i:04d}" for i in range(16)}
    assert "王芳0003  1. 6 ✗" in lines  # the number behind the mark, below the matrix
    assert not any("还有" in line for line in lines)  # all sixteen listed


def test_three_thousand_agents_show_the_worst_then_one_line(tmp_path):
    card = card_for(tmp_path, 3000, failing=5)
    lines = render(card, 80, "zh")
    start = next(i for i, line in enumerate(lines) if line.startswith("组别"))
    listed = [line.split()[0] for line in lines[start + 1 : start + 21]]
    assert listed[:5] == ["王芳0003", "王芳0010", "王芳0017", "王芳0024", "王芳0031"]
    assert "还有 2,980 名客服人员,全部达标。" in lines
    assert len(lines) < 60  # a screen, not 3,000 rows
    english = render(card, 80, "en")
    assert "2,980 more agents, all pass." in english


def test_top_limits_the_list_and_counts_what_is_left(tmp_path):
    lines = render(card_for(tmp_path, 3000, failing=5), 80, "en", top=3)
    text = " ".join(" ".join(lines).split())  # the line wraps at 80 columns
    assert "2,997 more agents not listed: 2 with failures, 0 with warnings; --top lists more." in (
        text
    )


def test_the_sample_at_80_columns_through_the_cli():
    runner = CliRunner()
    for lang in ("zh", "en"):
        args = ["evaluate", str(SAMPLE), "--by", "team", "--lang", lang, "--top", "2"]
        result = runner.invoke(cli.app, args, env={"COLUMNS": "80"})
        assert result.exit_code == 1
        lines = result.stdout.splitlines()
        assert max(cell_len(line) for line in lines) <= 80
        assert ("满意度:迅速到达" if lang == "zh" else "Satisfaction: prompt arrival") in (
            result.stdout
        )
        rest = "还有 1 个团队未列出:1 个有未达标项" if lang == "zh" else "1 more teams not listed"
        assert rest in result.stdout  # 三组, 二组 listed; 一组 (one failure) summed up


def history_trend(agents: int):
    rows = []
    for month in ("2026-08", "2026-09", "2026-10"):
        for standard in ("satisfaction_speed", "complaints_per_month"):
            rows.append(Row(standard, None, month, "pass", 0.97, 0.95, ">=", "share", "t"))
            for i in range(agents):
                status = "fail" if i == 1 and standard == "satisfaction_speed" else "pass"
                rows.append(
                    Row(standard, f"王芳{i:04d}", month, status, 0.8, 0.95, ">=", "share", "t")
                )
    return build_trend(rows, 12, ["satisfaction_speed", "complaints_per_month"])


@pytest.mark.parametrize("agents", [3, 3000])
def test_history_by_agent_keeps_names_whole_at_80_columns(agents):
    buffer = io.StringIO()
    console = Console(file=buffer, width=80, color_system=None, highlight=False)
    names = {"satisfaction_speed": "满意度:迅速到达", "complaints_per_month": "月度客户投诉次数"}
    render_history(
        history_trend(agents), names, console, "zh", group_by="agent", group_word="客服人员"
    )
    lines = buffer.getvalue().splitlines()
    assert max(cell_len(line) for line in lines) <= 80
    assert any("满意度:迅速到达 · 王芳0001" in line for line in lines)
    if agents == 3000:
        assert "还有 2,999 名客服人员,全部达标。" in lines
        assert len(lines) < 20


def test_evidence_at_80_columns_keeps_ids_whole_and_names_what_it_leaves_out():
    result = CliRunner().invoke(
        cli.app, ["evaluate", str(SAMPLE), "--evidence", "--quiet"], env={"COLUMNS": "80"}
    )
    lines = result.stdout.splitlines()
    assert max(cell_len(line) for line in lines) <= 80
    row = next(line for line in lines if "C202609-014" in line)  # the id on one line, whole
    assert "2026-10-02" in row  # with the deadline the standard reads
    text = " ".join(" ".join(lines).split())
    assert "(终端宽度不够,未显示的列:" in text and "客户名称" in text


def test_a_group_with_no_data_shows_one_dash_not_two():
    """September has no suggestions: each group's cell is the no-data mark alone."""
    runner = CliRunner()
    args = ["evaluate", str(SAMPLE), "-p", "2026-09", "--by", "team"]
    md = runner.invoke(cli.app, [*args, "-f", "markdown"]).stdout
    assert "| 解决建议满意度 | 2026-09 | ≥ 90% | – | – | – | – |" in md
    assert "| 月度客户投诉次数 | 2026-09 | ≤ 5 | 2 ✓ | 1 ✓ | 0 ✓ | 1 ✓ |" in md  # values kept
    table = runner.invoke(cli.app, args).stdout
    assert "– –" not in md + table
