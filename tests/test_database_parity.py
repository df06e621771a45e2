"""The same rows give the same scorecard from a workbook, SQLite, DuckDB and --engine duckdb:
example rows, repeated records, NULL against empty text, columns named twice."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from tests.databases import to_duckdb, to_sqlite, typed
from tests.test_database import edge_tables, rulebook_with, scorecard, workbook_of


def _parquet_folder(folder: Path, tables) -> Path:
    folder.mkdir()
    for name, table in tables.items():
        _kinds, values = typed(table)
        header = table[0]
        columns = list(zip(*values, strict=True)) or [() for _ in header]
        pq.write_table(
            pa.table(
                {
                    h: pa.array(list(c), pa.string() if not c else None)
                    for h, c in zip(header, columns, strict=True)
                }
            ),
            folder / f"{name}.parquet",
        )
    return folder


def _every_source(tmp_path: Path, tables) -> dict[str, tuple[str, ...]]:
    """The same tables as a workbook, SQLite (typed and as text), DuckDB and Parquet files."""
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
