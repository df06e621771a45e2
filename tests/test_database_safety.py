"""Database inputs under attack: file names that are globs, rulebook queries that reach for
files or the network, secrets in URLs, SQL text shown on a terminal (README "Database inputs")."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cskpi.read.database import open_database
from tests.databases import to_duckdb
from tests.test_database import (
    edge_tables,
    generated_month,
    invoke,
    rulebook_with,
    scorecard,
)

# --- --engine duckdb: a file name is only itself ---------------------------------------------


def test_a_file_name_with_glob_characters_is_read_as_that_file_only(tmp_path):
    """Three complaint files whose names DuckDB would read as patterns: 'a*' matches all
    three, 'a[1]' matches 'a1'. Each must be read once, as the pandas engine reads them."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from tests.databases import typed

    header, rows = generated_month(3)["投诉记录"]
    parts = {
        "投诉记录a*.parquet": [r for r in rows if r[1].month == 9],
        "投诉记录a[1].parquet": [r for r in rows if r[1].month == 10 and r[1].day <= 15],
        "投诉记录a1.parquet": [r for r in rows if r[1].month == 10 and r[1].day > 15],
    }
    folder = tmp_path / "files"
    folder.mkdir()
    for name, part in parts.items():
        _kinds, values = typed((header, part))
        columns = list(zip(*values, strict=True))
        table = pa.table({h: pa.array(list(c)) for h, c in zip(header, columns, strict=True)})
        pq.write_table(table, folder / name)
    rules = ("--rules", rulebook_with(tmp_path, ""))
    args = (*rules, "--period", "2026-10", "--by", "agent")
    expected = scorecard(folder, *args)
    total = {r["standard"]: r for r in expected["results"] if r.get("group") is None}
    october = len(parts["投诉记录a[1].parquet"]) + len(parts["投诉记录a1.parquet"])
    assert total["complaints_per_month"]["actual"] == october  # worked out from the rows
    assert scorecard(folder, *args, "--engine", "duckdb") == expected


# --- DuckDB connections reach nothing outside the database ------------------------------------


def _secret_csv(tmp_path: Path) -> Path:
    """A CSV a query could read if DuckDB let it: complaints that would make a scorecard."""
    header, rows = edge_tables()["投诉记录"]
    lines = [",".join(header)] + [",".join("" if v is None else str(v) for v in r) for r in rows]
    path = tmp_path / "outside.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize(
    "query",
    [
        "SELECT * FROM read_csv('{csv}')",
        "SELECT * FROM '{csv}'",
        "SELECT * FROM read_csv('/etc/passwd')",
        "SELECT * FROM read_parquet('https://example.com/complaints.parquet')",
    ],
)
def test_a_rulebook_query_cannot_read_files_or_urls_through_duckdb(tmp_path, query):
    url = to_duckdb(tmp_path / "crm.duckdb", edge_tables())
    csv = _secret_csv(tmp_path)
    rules = rulebook_with(tmp_path, f'    query: "{query.format(csv=csv.as_posix())}"\n')
    result = invoke("evaluate", url, "--rules", rules, "--no-history", "--lang", "en")
    assert result.exit_code == 3, result.output
    assert "disabled by configuration" in result.output
    assert "root:" not in result.output


def test_a_duckdb_connection_cannot_turn_external_access_back_on(tmp_path):
    db = open_database(to_duckdb(tmp_path / "crm.duckdb", edge_tables()))
    try:
        for statement in (
            "SET enable_external_access = true",
            "SET autoinstall_known_extensions = true",
            "SET allowed_paths = ['/etc/passwd']",
        ):
            with pytest.raises(Exception, match="locked"), db.connect() as conn:
                conn.exec_driver_sql(statement)
        with pytest.raises(Exception, match=r"(?i)disabled"), db.connect() as conn:
            conn.exec_driver_sql("LOAD httpfs")
        with db.connect() as conn:  # the database itself is still there
            assert conn.exec_driver_sql('SELECT count(*) FROM "投诉记录"').scalar() == 3
    finally:
        db.close()


def test_engine_duckdb_reads_its_files_and_no_other(tmp_path):
    """The views over the input files work; a query next to them cannot read a sibling."""
    folder = tmp_path / "csv"
    folder.mkdir()
    header, rows = edge_tables()["投诉记录"]
    lines = [",".join(header)] + [",".join("" if v is None else str(v) for v in r) for r in rows]
    (folder / "投诉记录.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    sibling = _secret_csv(tmp_path)
    query = f"SELECT * FROM '{sibling.as_posix()}'"  # noqa: S608 - the attack under test
    rules = rulebook_with(tmp_path, f'    query: "{query}"\n')
    result = invoke(
        "evaluate", folder, "--rules", rules, "--engine", "duckdb", "--no-history", "--lang", "en"
    )
    assert result.exit_code == 3, result.output
    assert "disabled by configuration" in result.output
    plain = rulebook_with(tmp_path, "")
    card = scorecard(folder, "--rules", plain, "--engine", "duckdb")
    assert {r["standard"]: r for r in card["results"]}["complaints_per_month"]["actual"] == 3
    assert json.dumps(card)  # a scorecard came back
