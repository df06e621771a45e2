"""--verbose says why a dataset is read instead of run in the database in the run's language:
each reason is a catalog message (sql.why.*), a field named as the user knows it (投诉日期
in Chinese), a standard by its name in Chinese; English keeps its wording and ids."""

from __future__ import annotations

import yaml
from typer.testing import CliRunner

from cskpi.cli import app as cli
from cskpi.sql import session as sql_session
from cskpi.sql.reasons import joined, why
from tests.conftest import write_workbook
from tests.databases import tables_from_workbook, to_sqlite
from tests.months import rules_for
from tests.sql.test_database import edge_tables
from tests.sql.test_database_honesty import blank_deadlines
from tests.sql.test_database_text import TEXT_STANDARDS, odd_text, with_standards

runner = CliRunner()


def said(url: str, lang: str, *args: object) -> list[str]:
    """The lines --verbose wrote."""
    result = runner.invoke(
        cli.app,
        ["evaluate", url, *map(str, args), "--no-history", "--lang", lang, "--verbose", "-q"],
    )
    assert result.exit_code in (0, 1, 5), result.output
    return result.stderr.splitlines()


def test_cells_the_engine_cannot_read_are_said_in_the_runs_language(tmp_path):
    """Two text dates in spellings SQLite cannot parse (edge_tables: 2026年10月2日, 10/03/2026)."""
    url = to_sqlite(tmp_path / "edge.db", edge_tables())
    rules = rules_for(tmp_path, "complaints", "survey")
    assert (
        "数据表「投诉记录」:读取所需的列在 Python 中计算"
        "(列「投诉日期」有 2 个单元格需要在 Python 中读取)。"
    ) in said(url, "zh", "--rules", rules)
    assert (
        "dataset 'complaints': its needed columns were read and evaluated in Python "
        "(2 cells of 投诉日期 need reading in Python)."
    ) in said(url, "en", "--rules", rules)


def test_blank_deadlines_are_said_in_the_runs_language(tmp_path):
    """Two unresolved complaints with no 承诺期限: read, to name them (test_database_honesty)."""
    tables = tables_from_workbook(write_workbook(tmp_path / "m.xlsx", blank_deadlines()))
    url = to_sqlite(tmp_path / "m.db", tables)
    assert (
        "数据表「投诉记录」:读取所需的列在 Python 中计算"
        "(2 行的「承诺期限」为空:读取以列出这些行)。"
    ) in said(url, "zh", "--period", "2026-10")
    assert (
        "dataset 'complaints': its needed columns were read and evaluated in Python "
        "(2 rows with a blank 承诺期限: read to name them)."
    ) in said(url, "en", "--period", "2026-10")


def test_a_standard_needing_python_is_named_and_its_field_too(tmp_path, monkeypatch):
    """A database that cannot clean text: the first text standard (team_a, 「A组投诉」 in
    Chinese) needs its team column compared in Python."""
    monkeypatch.setattr(sql_session, "cleans_text", lambda *_: False)
    rules = with_standards(tmp_path, *TEXT_STANDARDS)
    data = yaml.safe_load(rules.read_text(encoding="utf-8"))
    team_a = next(s for s in data["standards"] if s["id"] == "team_a")
    team_a["name"]["zh"] = "A组投诉"
    rules.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    url = to_sqlite(tmp_path / "t.db", odd_text())
    assert (
        "数据表「投诉记录」:读取所需的列在 Python 中计算"
        "(标准「A组投诉」需要在 Python 中计算「团队」(文本按 NFKC 规范化后比较))。"
    ) in said(url, "zh", "--rules", rules, "--period", "2026-10")
    assert (
        "dataset 'complaints': its needed columns were read and evaluated in Python "
        "(standard team_a needs team (text is compared NFKC-normalised) in Python)."
    ) in said(url, "en", "--rules", rules, "--period", "2026-10")


def test_several_reasons_are_joined_as_each_language_punctuates():
    blanks = [why("blank_date", n=2, header="承诺期限"), why("blank_date", n=1, header="投诉日期")]
    reason = why("blank_dates", blanks=joined(blanks))
    assert reason.render("zh") == "2 行的「承诺期限」为空;1 行的「投诉日期」为空:读取以列出这些行"
    assert reason.render("en") == (
        "2 rows with a blank 承诺期限; 1 rows with a blank 投诉日期: read to name them"
    )
