"""A dataset's ``query:`` may read the database's tables and nothing else: a function that
reads files, runs programs or reaches another database is refused by name when the rulebook
is read (file and line of ``query:``, exit 2), whatever DuckDB's or the login's rights are."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from cskpi.cli import app as cli
from cskpi.rulebook.sqlcheck import check_query
from tests.months import rules_for

runner = CliRunner()
REFUSED = "query must be one read-only SELECT: "
READS = "() reads outside the database's tables (files, programs, other databases)"

# (query, the function named); the case and the schema as a person might write them
READERS = [
    # DuckDB: files, globs, sniffing
    ("SELECT * FROM read_csv('/etc/passwd')", "read_csv"),
    ("SELECT * FROM READ_CSV_AUTO('x.csv')", "read_csv_auto"),
    ("SELECT * FROM read_parquet('s3://b/*.parquet')", "read_parquet"),
    ("SELECT * FROM Parquet_Scan('x.parquet')", "parquet_scan"),
    ("SELECT * FROM read_json_auto('x.json')", "read_json_auto"),
    ("SELECT * FROM read_ndjson('x.jsonl')", "read_ndjson"),
    ("SELECT content FROM read_text('/etc/hosts')", "read_text"),
    ("SELECT content FROM read_blob('~/.ssh/id_rsa')", "read_blob"),
    ("SELECT * FROM glob('data/*')", "glob"),
    ("SELECT * FROM sniff_csv('x.csv')", "sniff_csv"),
    # hidden in a subquery, a WITH, a join, an expression
    ("WITH f AS (SELECT * FROM read_csv('x')) SELECT * FROM f", "read_csv"),
    ("SELECT * FROM t WHERE id IN (SELECT id FROM read_parquet('x'))", "read_parquet"),
    ("SELECT t.* FROM t JOIN read_json('x') AS j ON t.id = j.id", "read_json"),
    # PostgreSQL: server files, large objects, other servers
    ("SELECT pg_read_file('/etc/passwd')", "pg_read_file"),
    ("SELECT pg_catalog.PG_READ_BINARY_FILE('postgresql.conf')", "pg_read_binary_file"),
    ("SELECT * FROM pg_ls_dir('.')", "pg_ls_dir"),
    ("SELECT \"pg_read_file\"('/etc/passwd')", "pg_read_file"),
    ("SELECT lo_import('/etc/passwd')", "lo_import"),
    ("SELECT lo_export(16400, 'x.bin')", "lo_export"),
    ("SELECT * FROM dblink('host=other', 'SELECT 1') AS t(a int)", "dblink"),
    ("SELECT dblink_exec('host=other', 'DROP TABLE x')", "dblink_exec"),
]
# statements that are no SELECT at all: refused as such (each dialect that reads them)
STATEMENTS = [
    ("COPY log FROM PROGRAM 'id'", "postgresql", "COPY is not a SELECT"),
    ("COPY (SELECT 1) TO 'x.csv'", "duckdb", "COPY is not a SELECT"),
    ("ATTACH 'other.db' AS other", "duckdb", "ATTACH is not a SELECT"),
    ("INSTALL httpfs", "duckdb", "INSTALL is not a SELECT"),
    ("LOAD httpfs", "duckdb", "COMMAND is not a SELECT"),
    ("PRAGMA database_list", "duckdb", "PRAGMA is not a SELECT"),
    ("SELECT 1; ATTACH 'other.db' AS other", "duckdb", "2 statements; one SELECT is allowed"),
]
# the same words where they call nothing: a string, a quoted name, a comment, a column
MENTIONS = [
    "SELECT 'read_csv(''/etc/passwd'')' AS note, id FROM log",
    'SELECT id AS "read_csv", "pg_read_file" FROM log',
    "SELECT id FROM log -- read_csv('/etc/passwd')",
    "SELECT id FROM log /* pg_read_file('x') */ WHERE d >= :start AND d <= :end",
    "SELECT read_csv, read_text AS dblink FROM log WHERE name GLOB 'a*'",
    "SELECT lower(team), count(*) FROM log GROUP BY 1",
]


def rulebook(folder: Path, query: str) -> tuple[Path, int]:
    """The complaints rulebook with ``query:`` under its dataset, and that line's number."""
    path = rules_for(folder, "complaints")
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    at = lines.index("  complaints:\n") + 1
    quoted = query.replace("'", "''")
    lines.insert(at, f"    query: '{quoted}'\n")
    path.write_text("".join(lines), encoding="utf-8")
    return path, at + 1


def rules_check(path: Path):
    return runner.invoke(cli.app, ["rules", "check", str(path), "--lang", "en"])


@pytest.mark.parametrize(("query", "name"), READERS)
@pytest.mark.parametrize("dialect", [None, "duckdb", "postgresql", "sqlite"])
def test_a_reading_function_is_refused_by_name_in_every_dialect(query, name, dialect):
    assert check_query(query, dialect) == f"{name}{READS}"


@pytest.mark.parametrize(("query", "name"), READERS[::3] + READERS[-3:])
def test_rules_check_names_the_file_the_line_and_the_function(tmp_path, query, name):
    path, line = rulebook(tmp_path, query)
    result = rules_check(path)
    assert result.exit_code == 2, result.output
    expected = f"error: {path}:{line}: datasets.complaints.query: {REFUSED}{name}{READS}"
    assert result.stderr.replace("\n", "") == expected


@pytest.mark.parametrize(("query", "dialect", "reason"), STATEMENTS)
def test_statements_that_reach_outside_are_refused(tmp_path, query, dialect, reason):
    assert check_query(query, dialect) == reason
    path, line = rulebook(tmp_path, query)
    result = rules_check(path)
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith(f"error: {path}:{line}: datasets.complaints.query: {REFUSED}")


@pytest.mark.parametrize("query", MENTIONS)
def test_a_query_that_only_mentions_a_reader_is_accepted(tmp_path, query):
    for dialect in (None, "duckdb", "postgresql", "sqlite"):
        assert check_query(query, dialect) is None, dialect
    result = rules_check(rulebook(tmp_path, query)[0])
    assert result.exit_code == 0, result.output
