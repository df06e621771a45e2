"""The Excel export for many groups: every group on the by-group sheet, none dropped."""

from __future__ import annotations

import warnings

import openpyxl
import pytest

from cskpi.present import xlsxgroups
from cskpi.present.excel import write_xlsx
from tests.present.test_layout import card_for


def sheet_rows(path, name):
    book = openpyxl.load_workbook(path, read_only=True)
    return [list(row) for row in book[name].iter_rows(values_only=True)]


def test_three_thousand_agents_are_rows_not_columns(tmp_path, capsys):
    card = card_for(tmp_path, 3000, failing=5)
    path = tmp_path / "card.xlsx"
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no library warning (255 series, 16,384 columns)
        write_xlsx(card, path, "zh")
    assert capsys.readouterr().err == ""
    book = openpyxl.load_workbook(path, read_only=True)
    assert book.sheetnames[:1] == ["总览"] and {"排名", "按组结果", "图表"} <= set(book.sheetnames)
    rows = sheet_rows(path, "按组结果")
    assert rows[0] == ["组别", "绩效标准", "期间", "实际", "结果", "样本数"]
    assert len(rows) == 1 + 3000 * 2  # two standards per agent
    assert {r[0] for r in rows[1:]} == {f"王芳{i:04d}" for i in range(3000)}
    worst = next(r for r in rows if r[0] == "王芳0003" and r[1] == "月度客户投诉次数")
    assert worst[2:6] == ["2026-10", 6, "未达标", 6]
    ranking = sheet_rows(path, "排名")
    assert ranking[1][:3] == [1, "王芳0003", 1] and len(ranking) == 3001
    summary = next(r for r in sheet_rows(path, "总览") if r[0] == "绩效标准")
    assert "王芳0000" not in summary and len([c for c in summary if c]) < 20  # no agent columns
    chart = sheet_rows(path, "图表")
    assert chart[0][0] == "图表只画出未达标最多的 10 个组(共 3,000 个);每个组的结果见「按组结果」。"
    header = next(r for r in chart if r[0] == "绩效标准")
    assert header[3:5] == ["王芳0003", "王芳0010"]  # the worst first


def test_few_groups_keep_their_columns_on_the_summary(tmp_path):
    card = card_for(tmp_path, 3, failing=1)
    path = tmp_path / "card.xlsx"
    write_xlsx(card, path, "en")
    header = next(r for r in sheet_rows(path, "Summary") if r[0] == "Standard")
    assert header[5:8] == ["王芳0000", "王芳0001", "王芳0002"]
    chart = sheet_rows(path, "Chart")
    header = next(r for r in chart if r[0] == "Standard")
    assert header[:5] == ["Standard", "Target", "Overall", "王芳0000", "王芳0001"]


def test_past_excels_row_limit_the_rows_go_on(tmp_path, monkeypatch):
    monkeypatch.setattr(xlsxgroups, "MAX_ROWS", 1001)  # 1,000 results a sheet
    card = card_for(tmp_path, 1200, failing=1)
    path = tmp_path / "card.xlsx"
    write_xlsx(card, path, "zh")
    first, second, third = (sheet_rows(path, n) for n in ("按组结果", "按组结果 2", "按组结果 3"))
    assert [len(first), len(second), len(third)] == [1001, 1001, 401]
    groups = {r[0] for r in first[1:] + second[1:] + third[1:]}
    assert len(groups) == 1200


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_ranking_sheet_lists_every_group_once(tmp_path, lang):
    card = card_for(tmp_path, 40, failing=3)
    path = tmp_path / "card.xlsx"
    write_xlsx(card, path, lang)
    rows = sheet_rows(path, "排名" if lang == "zh" else "Ranking")
    assert [r[1] for r in rows[1:4]] == ["王芳0003", "王芳0010", "王芳0017"]
    assert sorted(r[1] for r in rows[1:]) == sorted(card.groups)
