"""The same rows give the same scorecard from a workbook, SQLite, DuckDB and --engine duckdb:
example rows, repeated records, NULL against empty text, columns named twice."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from tests.databases import to_duckdb, to_sqlite, typed
from tests.months import rules_for
from tests.sql.test_database import edge_tables, invoke, rulebook_with, scorecard, workbook_of


def _parquet_folder(folder: Path, tables) -> Path:
    folder.mkdir()
    for name, table in tables.items():
        _kinds, values = typed(table)
        header = table[0]
        columns = list(zip(*values, strict=True)) or [() for _ in header]
        arrays = [pa.array(list(c), pa.string() if not c else None) for c in columns]
        pq.write_table(
            pa.Table.from_arrays(arrays, names=list(header)),  # a name may come twice
            folder / f"{name}.parquet",
        )
    return folder


def _every_source(tmp_path: Path, tables) -> dict[str, tuple[str, ...]]:
    """The same tables as a workbook, SQLite (typed and as text), DuckDB and Parquet files."""
    tmp_path.mkdir(exist_ok=True)
    return {
        "sqlite": (to_sqlite(tmp_path / "n.db", tables),),
        "sqlite text": (to_sqlite(tmp_path / "t.db", tables, native=False),),
        "duckdb": (to_duckdb(tmp_path / "d.duckdb", tables),),
        "sqlite read": (to_sqlite(tmp_path / "r.db", tables), "--engine", "pandas"),
        "parquet duckdb": (str(_parquet_folder(tmp_path / "pq", tables)), "--engine", "duckdb"),
    }


def _complaints(rows, extra_header=(), extra=None):
    header, base = edge_tables()["投诉记录"]
    rows = [list(r) for r in base] + rows
    if extra is not None:
        rows = [r + extra(i) for i, r in enumerate(rows)]
    return {"投诉记录": ([*header, *extra_header], rows)}


def test_example_rows_are_left_out_of_every_engine(tmp_path):
    """Two of the five rows are marked 示例 (the template's examples): 3 complaints, as in
    the workbook, whether the rows are read or the standards run in the database."""
    more = [
        ["E1", "2026-10-09 10:00", "一组", "王芳", "2026-10-10", None],
        ["E2", "2026-10-09 11:00", "二组", "刘洋", "2026-10-10", None],
    ]
    tables = _complaints(more, ["示例"], lambda i: ["示例" if i >= 3 else None])
    rules = ("--rules", rulebook_with(tmp_path, ""))
    expected = scorecard(workbook_of(tmp_path / "m.xlsx", tables), *rules)
    counts = {r["standard"]: r["actual"] for r in expected["results"]}
    assert counts["complaints_per_month"] == 3  # C1..C3; E1, E2 are examples
    for name, source in _every_source(tmp_path, tables).items():
        assert scorecard(*source, *rules) == expected, name


def _repeats_and_blanks():
    more = [
        ["C3", "2026-10-05 14:30", "二组", "刘洋", "2026-10-08", None],  # C3 again, exactly
        ["C4", "2026-10-06 09:00", "", "刘洋", "2026-10-08", ""],
        ["C5", "2026-10-06 10:00", "  ", "王芳", "2026-10-09", "  "],
        ["C6", "2026-10-06 11:00", None, "王芳", "2026-10-09", "2026-10-07 08:00"],
    ]
    tables = _complaints(more)
    header, survey = edge_tables()["客户满意度"]
    tables["客户满意度"] = (
        header,
        [*survey, survey[0], ["S9", "2026-10-05", "", "", "  ", None, ""]],
    )
    return tables


def test_repeated_rows_and_blank_text_give_the_workbooks_scorecard(tmp_path):
    """A record pasted twice (same id, same cells) counts once; an empty string, spaces and
    NULL are all blank (a blank team is no team, a blank resolution date is unresolved);
    rows repeated without an id column count as often as they are there."""
    tables = _repeats_and_blanks()
    rules = ("--rules", rules_for(tmp_path, "complaints", "survey"))  # both tables are data
    for by in ((), ("--by", "team")):
        expected = scorecard(workbook_of(tmp_path / f"m{len(by)}.xlsx", tables), *rules, *by)
        counts = {r["standard"]: r["actual"] for r in expected["results"] if r["group"] is None}
        assert counts["complaints_per_month"] == 6  # C1..C6, C3 once
        assert counts["overdue_complaints_per_month"] == 4  # C2 late; C3, C4, C5 unresolved
        for name, source in _every_source(tmp_path / f"s{len(by)}", tables).items():
            got = scorecard(*source, *rules, *by)
            assert {**got, "inputs": 1} == {**expected, "inputs": 1}, name  # files: one each


def test_a_column_named_twice_stops_every_engine_as_it_stops_a_workbook(tmp_path):
    """Two columns headed 团队: a workbook names the header twice (exit 3). SQLite views and
    DuckDB rename the second one (团队:1, 团队_1), which must not leave the first silently
    taken for the team: views, queries and Parquet files stop the same way."""
    import sqlite3

    import duckdb

    header, rows = edge_tables()["投诉记录"]
    twice = ([*header, "团队"], [[*r, "三组"] for r in rows])
    book = workbook_of(tmp_path / "m.xlsx", {"投诉记录": twice})
    rules = rulebook_with(tmp_path, "")
    plain = to_sqlite(tmp_path / "p.db", {"log": (header, rows)})
    view = 'CREATE VIEW "投诉记录" AS SELECT *, \'三组\' AS "团队" FROM log'
    with sqlite3.connect(tmp_path / "p.db") as conn:
        conn.execute(view)
    duck = to_duckdb(tmp_path / "p.duckdb", {"log": (header, rows)})
    with duckdb.connect(str(tmp_path / "p.duckdb")) as conn:
        conn.execute(view)
    folder = _parquet_folder(tmp_path / "pq", {"投诉记录": twice})
    (tmp_path / "q").mkdir()
    query = rulebook_with(tmp_path / "q", "    query: SELECT *, 团队 AS 团队 FROM log\n")
    runs = {
        "workbook": (book, "--rules", rules),
        "sqlite view": (plain, "--rules", rules),
        "sqlite view read": (plain, "--rules", rules, "--engine", "pandas"),
        "duckdb view": (duck, "--rules", rules),
        "parquet": (folder, "--rules", rules),
        "parquet duckdb": (folder, "--rules", rules, "--engine", "duckdb"),
        "sqlite query": (plain, "--rules", query),
        "duckdb query": (duck, "--rules", query),
    }
    for name, args in runs.items():
        result = invoke("evaluate", *args, "--no-history", "--lang", "en")
        assert result.exit_code == 3, (name, result.output)
        assert "header '团队' appears twice" in result.output, (name, result.output)


def test_repeated_rows_and_blank_text_in_postgresql_equal_the_workbook(tmp_path, pg_url):
    from tests.databases import to_postgres

    tables = _repeats_and_blanks()
    rules = ("--rules", rules_for(tmp_path, "complaints", "survey"), "--by", "team")
    expected = scorecard(workbook_of(tmp_path / "m.xlsx", tables), *rules)
    to_postgres(pg_url, tables)
    assert scorecard(pg_url, *rules) == expected


def _with_examples():
    from tests.sql.test_database import generated_month

    tables = generated_month(7)
    header, rows = tables["投诉记录"]
    marked = {0, 40, 110}
    tables["投诉记录"] = (
        [*header, "示例"],
        [[*r, "示例" if i in marked else None] for i, r in enumerate(rows)],
    )
    return tables, header, rows, marked


def test_example_rows_are_left_out_inside_the_database(tmp_path):
    """The generated month with three complaints marked 示例 (the first row, one in the middle,
    one near the end): SQLite and DuckDB still evaluate inside the database, with the
    workbook's JSON (the example note included) and its evidence rows, numbered in the table."""
    from tests.months import rules_for
    from tests.sql.test_database_evidence import PUSHED, evidence_sheets, run_with_card, shifted

    tables, header, rows, marked = _with_examples()
    two = ("--rules", rules_for(tmp_path, "complaints", "survey"), "--by", "agent")
    expected, book, _said = run_with_card(
        workbook_of(tmp_path / "m.xlsx", tables), tmp_path / "wb", *two
    )
    sheets = evidence_sheets(book)
    assert sheets and expected["warnings"] == 1  # the example rows' note
    plain = dict(tables, 投诉记录=(header, [r for i, r in enumerate(rows) if i not in marked]))
    without, _book, _said = run_with_card(
        workbook_of(tmp_path / "p.xlsx", plain), tmp_path / "p", *two
    )
    assert {**without, "warnings": 1} == expected  # the marked rows count for nothing
    for name, url in (
        ("native", to_sqlite(tmp_path / "native.db", tables)),
        ("duckdb", to_duckdb(tmp_path / "m.duckdb", tables)),
    ):
        card, path, said = run_with_card(url, tmp_path / name, *two)
        assert all(line in said for line in PUSHED), said
        assert card == expected, name
        assert shifted(evidence_sheets(path), 1) == sheets, name


def test_example_rows_are_left_out_inside_postgresql(tmp_path, pg_url):
    from tests.databases import to_postgres
    from tests.months import rules_for
    from tests.sql.test_database_evidence import PUSHED, evidence_sheets, run_with_card, shifted

    tables, _header, _rows, _marked = _with_examples()
    two = ("--rules", rules_for(tmp_path, "complaints", "survey"), "--by", "agent")
    book = workbook_of(tmp_path / "m.xlsx", tables)
    expected, book_card, _said = run_with_card(book, tmp_path / "wb", *two)
    to_postgres(pg_url, tables)
    card, path, said = run_with_card(pg_url, tmp_path / "pg", *two)
    assert all(line in said for line in PUSHED), said
    assert card == expected
    assert shifted(evidence_sheets(path), 1) == evidence_sheets(book_card)
