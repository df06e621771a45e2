"""Never a false pass when the database evaluates the standards (pushdown): blank deadlines
and last month's table give the workbook's verdict, exit code and warnings
(evaluate/coverage.py; tests/evaluate/test_honesty.py for the workbook's side)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cskpi.cli import app as cli
from tests.conftest import D, complaint, write_workbook
from tests.databases import tables_from_workbook, to_duckdb, to_sqlite
from tests.evaluate.test_honesty import shifted
from tests.months import good_month

runner = CliRunner()


def run(source: object, tmp: Path, *more: str) -> tuple[int, dict, str]:
    """(exit code, JSON scorecard with each source's name made the same, stderr)."""
    args = ["evaluate", str(source), "--period", "2026-10", "--no-history", "--lang", "en"]
    result = runner.invoke(cli.app, [*args, "-f", "json", *more])
    text = result.stdout.replace(str(source), "SOURCE")
    return result.exit_code, json.loads(text), result.stderr.replace(str(source), "SOURCE")


def blank_deadlines():
    """Two October complaints never resolved and with no deadline: 0 overdue without them,
    2 > 1 with them, so the overdue standard is unknown (test_honesty's numbers)."""
    month = good_month()
    month["投诉记录"] += [complaint("C3", D(2026, 10, 20)), complaint("C4", D(2026, 10, 21))]
    return month


def last_month():
    """The complaint log holds September only, evaluated for October."""
    month = good_month()
    month["投诉记录"] = [month["投诉记录"][0], *shifted(month["投诉记录"][1:], 9)]
    return month


@pytest.mark.parametrize("case", [blank_deadlines, last_month])
def test_pushdown_gives_the_workbooks_verdict_exit_and_warnings(tmp_path, case):
    book = write_workbook(tmp_path / "m.xlsx", case())
    tables = tables_from_workbook(book)
    code, expected, _ = run(book, tmp_path)
    assert code == 5 and expected["summary"]["verdict"] == "incomplete"
    for name, url in {
        "sqlite": to_sqlite(tmp_path / "m.db", tables),
        "duckdb": to_duckdb(tmp_path / "m.duckdb", tables),
    }.items():
        got_code, got, _ = run(url, tmp_path)
        assert got_code == code, name
        assert got["summary"] == expected["summary"], name
        assert got["results"] == expected["results"], name
        # a table's rows are numbered from 1, a sheet's from its header's row (1) + 1
        wanted = [w.replace("Rows: 4, 5.", "Rows: 3, 4.") for w in expected["warnings"]]
        assert got["warnings"] == wanted, name


def test_verbose_says_a_table_with_blank_deadlines_is_read_and_why(tmp_path):
    """The rows with a blank deadline are read (to name them); the survey stays pushed down."""
    tables = tables_from_workbook(write_workbook(tmp_path / "m.xlsx", blank_deadlines()))
    url = to_sqlite(tmp_path / "m.db", tables)
    _code, _data, err = run(url, tmp_path, "--verbose")
    assert "(2 rows with a blank 承诺期限: read to name them)" in err
    assert "dataset 'survey': evaluated inside the database" in err


def test_last_months_rows_beside_this_months_are_no_gap(tmp_path):
    """September's rows beside October's (ids S0, S1): October holds rows, so nothing is
    no data and every result is the workbook's."""
    month = good_month()
    september = shifted(month["投诉记录"][1:], 9)
    month["投诉记录"] += [[f"S{i}", *row[1:]] for i, row in enumerate(september)]
    book = write_workbook(tmp_path / "m.xlsx", month)
    code, expected, _ = run(book, tmp_path)
    got_code, got, _ = run(to_sqlite(tmp_path / "m.db", tables_from_workbook(book)), tmp_path)
    assert (got_code, code) == (0, 0)
    assert got["results"] == expected["results"]
    assert not [r for r in got["results"] if r["reason"] and "none in" in r["reason"]]
