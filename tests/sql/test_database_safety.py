"""Database inputs under attack: file names that are globs, rulebook queries that reach for
files or the network, secrets in URLs, SQL text shown on a terminal (README "Database inputs")."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cskpi.read.database import open_database
from tests.databases import to_duckdb
from tests.sql.test_database import (
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
    ("query", "refused_by_name"),
    [
        ("SELECT * FROM read_csv('{csv}')", True),
        ("SELECT * FROM '{csv}'", False),  # DuckDB's replacement scan: a table name, no call
        ("SELECT * FROM read_csv('/etc/passwd')", True),
        ("SELECT * FROM read_parquet('https://example.com/complaints.parquet')", True),
    ],
)
def test_a_rulebook_query_cannot_read_files_or_urls_through_duckdb(
    tmp_path, query, refused_by_name
):
    """Two walls: the rulebook check refuses a reading function by name (exit 2); DuckDB's
    connection refuses whatever still reaches it, a file named as a table or those same
    functions sent past the check (exit 3, 'disabled by configuration')."""
    url = to_duckdb(tmp_path / "crm.duckdb", edge_tables())
    csv = _secret_csv(tmp_path)
    sql = query.format(csv=csv.as_posix())
    rules = rulebook_with(tmp_path, f'    query: "{sql}"\n')
    result = invoke("evaluate", url, "--rules", rules, "--no-history", "--lang", "en")
    if refused_by_name:
        assert result.exit_code == 2, result.output
        assert "reads outside the database's tables" in result.output
    else:
        assert result.exit_code == 3, result.output
        assert "disabled by configuration" in result.output
    assert "root:" not in result.output
    db = open_database(url)
    try:
        with pytest.raises(Exception, match="disabled by configuration"), db.connect() as conn:
            conn.exec_driver_sql(sql)
    finally:
        db.close()


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


# --- a password in a URL is never shown ---------------------------------------------------

SECRETS = ("s3cret-Pa55", "k3y-Pa55", "t0ken-Pa55", "ap1-Pa55")  # made-up values to look for


def _everything_written(folder: Path) -> str:
    """Every file under ``folder`` as text (an .xlsx unzipped: its XML parts)."""
    import zipfile

    out = []
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        if path.suffix == ".xlsx":
            with zipfile.ZipFile(path) as book:
                out += [book.read(n).decode("utf-8", "replace") for n in book.namelist()]
        else:
            out.append(path.read_bytes().decode("utf-8", "replace"))
    return "\n".join(out)


def test_mask_url_hides_a_password_whole_and_every_secret_parameter():
    from cskpi.read.database import mask_url

    assert mask_url("postgresql://kpi:p@ss/w0rd@db:5432/crm") == "postgresql://kpi:***@db:5432/crm"
    assert (
        mask_url("postgresql://kpi@db/crm?sslmode=require&sslpassword=k&PassWord=x&api_key=y")
        == "postgresql://kpi@db/crm?sslmode=require&sslpassword=***&PassWord=***&api_key=***"
    )
    assert (
        mask_url("duckdb:///w.duckdb?motherduck_token=abc")
        == "duckdb:///w.duckdb?motherduck_token=***"
    )
    assert mask_url("sqlite:///C:/data/crm.db") == "sqlite:///C:/data/crm.db"  # as typed


def test_secret_url_parameters_reach_no_output_log_history_or_explain_sql(tmp_path):
    """A SQLite URL carrying secrets in its query: every output format, --verbose,
    --explain-sql, --evidence, the run log and the history show *** and never the value."""
    from tests.databases import to_sqlite

    base = to_sqlite(tmp_path / "crm.db", edge_tables())
    names = ("password", "sslpassword", "token", "api_key")
    url = base + "?" + "&".join(f"{n}={s}" for n, s in zip(names, SECRETS, strict=True))
    out = tmp_path / "out"
    out.mkdir()
    rules = ("--rules", rulebook_with(tmp_path, ""))
    seen = []
    for suffix in ("json", "xlsx", "html", "md", "csv"):
        result = invoke(
            "evaluate",
            url,
            *rules,
            "-o",
            out / f"card.{suffix}",
            "--history",
            out / "history.sqlite3",
            "--log-file",
            out / "run.log",
            "--explain-sql",
            "--verbose",
            "--evidence",
            "--explain-columns",
            "--lang",
            "en",
        )
        assert result.exit_code in (0, 1, 5), result.output
        seen += [result.stdout, result.stderr]
    json_out = invoke("evaluate", url, *rules, "--format", "json", "--no-history")
    assert "password=***" in json.loads(json_out.stdout)["inputs"][0]["path"]
    history = invoke("history", "--history", out / "history.sqlite3", "--lang", "en")
    seen += [json_out.stdout, history.stdout, history.stderr, _everything_written(out)]
    text = "\n".join(seen)
    assert "token=***" in text
    for secret in SECRETS:
        assert secret not in text


def test_a_failed_query_and_a_bad_password_url_name_the_masked_url_only(tmp_path):
    """The error paths: a query the database refuses (named with its table) and a URL whose
    password holds an unencoded @ (the driver sees a host made of the password's tail)."""
    from tests.databases import to_sqlite

    base = to_sqlite(tmp_path / "crm.db", edge_tables())
    rules = rulebook_with(tmp_path, '    query: "SELECT * FROM no_such_table"\n')
    log = tmp_path / "run.log"
    failed = invoke(
        "evaluate",
        f"{base}?password={SECRETS[0]}",
        "--rules",
        rules,
        "--no-history",
        "--log-file",
        log,
        "--lang",
        "en",
        "--explain-sql",
    )
    assert failed.exit_code == 3, failed.output
    assert "password=***" in failed.output
    url = f"postgresql://kpi:{SECRETS[0]}@{SECRETS[1]}@127.0.0.1:9/crm?sslpassword={SECRETS[2]}"
    refused = invoke("evaluate", url, "--no-history", "--log-file", log, "--lang", "en")
    assert refused.exit_code == 3, refused.output
    assert "postgresql://kpi:***@127.0.0.1:9/crm?sslpassword=***" in refused.output
    for text in (failed.output, refused.output, log.read_text(encoding="utf-8")):
        for secret in SECRETS:
            assert secret not in text


# --- --explain-sql shows names from the data as text, never as terminal control ---------------


def test_explain_sql_escapes_names_from_the_data_and_the_rulebook(tmp_path):
    """A team column named '团<LF><U+2028>队' (it matches 团队: white space does not count in a
    header) in a table the rulebook names with an escape sequence: the SQL shown has them as
    visible escapes, each quoted name on its own line of SQL, and no raw control at all."""
    from tests.databases import to_sqlite

    header, rows = edge_tables()["投诉记录"]
    header = [("团\n\u2028队" if h == "团队" else h) for h in header]
    url = to_sqlite(tmp_path / "crm.db", {"crm\x1b[31mlog\u202e": (header, rows)})
    rules = rulebook_with(tmp_path, '    table: "crm\\e[31mlog\\u202e"\n')
    result = invoke(
        "evaluate", url, "--rules", rules, "--explain-sql", "--no-history", "--by", "team"
    )
    assert result.exit_code in (0, 1, 5), result.output
    shown = result.stderr
    assert '"团␊<U+2028>队"' in shown
    assert '"crm␛[31mlog<U+202E>"' in shown
    for raw in ("\x1b", "\u2028", "\u202e", '"团\n'):
        assert raw not in shown


def test_a_projects_database_url_keeps_its_secrets_out_of_every_file(tmp_path):
    """cskpi.toml names a database whose URL carries a token: cskpi run's scorecards (every
    default output), its run log and history, cskpi doctor and the terminal show *** only."""
    import re

    from tests.conftest import SAMPLE
    from tests.databases import tables_from_workbook, to_sqlite

    folder = tmp_path / "cs"
    assert invoke("init", folder, "--lang", "en").exit_code == 0
    to_sqlite(folder / "crm.db", tables_from_workbook(SAMPLE))
    toml = folder / "cskpi.toml"
    url = f"sqlite:///crm.db?token={SECRETS[2]}&password={SECRETS[0]}"
    text = toml.read_text(encoding="utf-8")
    toml.write_text(re.sub(r"(?m)^inputs = .*$", f'inputs = ["{url}"]', text, count=1), "utf-8")
    result = invoke("run", "--project", folder, "--period", "2026-10", "--lang", "en")
    assert result.exit_code == 1, result.output  # the sample's verdict: not met
    doctor = invoke("doctor", "--project", folder, "--lang", "en")
    toml.unlink()  # the user's own file holds the URL as written; the database too
    (folder / "crm.db").unlink()
    written = _everything_written(folder)
    assert "token=***" in written
    for secret in SECRETS:
        assert secret not in written + result.output + doctor.output
