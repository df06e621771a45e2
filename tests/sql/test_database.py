"""Database inputs: the same data in a workbook, SQLite, DuckDB and PostgreSQL give one scorecard.

Also: tables found like sheets, ``table:``/``query:`` in the rulebook, read-only connections,
the statement timeout, ``--explain-sql`` and credentials that never appear in any output.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cskpi.cli import app as cli
from cskpi.errors import InputError
from cskpi.read.database import is_database_url, mask_url, open_database
from cskpi.rulebook.sqlcheck import check_query
from tests.conftest import COMPLAINT_HEADERS, SAMPLE, SURVEY_HEADERS, write_workbook
from tests.databases import (
    tables_from_workbook,
    to_duckdb,
    to_postgres,
    to_sqlite,
)
from tests.months import rules_for

runner = CliRunner()
D = dt.datetime


def invoke(*args: object):
    return runner.invoke(cli.app, [str(a) for a in args])


def scorecard(*args: object) -> dict:
    """The JSON scorecard of a run; inputs and warnings name the source, so only their count."""
    result = invoke("evaluate", *args, "--format", "json", "--no-history")
    assert result.exit_code in (0, 1, 5), result.output
    data = json.loads(result.stdout)
    data["inputs"] = len(data["inputs"])
    data["warnings"] = len(data["warnings"])
    return data


# --- the differential test -------------------------------------------------------------


def generated_month(seed: int) -> dict[str, tuple[list[str], list[list[object]]]]:
    """Random complaints and survey answers for 2026-09..10, with the awkward cases mixed in:
    deadlines at 00:00, blank and worded ratings, unresolved complaints, several agents."""
    rng = random.Random(seed)  # noqa: S311 - test data
    teams = ["一组", "二组", "三组"]
    agents = [f"客服{i:02d}" for i in range(12)]
    complaints = []
    for i in range(120):
        received = D(2026, rng.choice([9, 10]), rng.randint(1, 30), rng.randint(8, 18), 0)
        promised = received.replace(hour=0) + dt.timedelta(days=rng.randint(1, 5))
        resolved = (
            None
            if rng.random() < 0.2
            else promised + dt.timedelta(hours=rng.choice([-30, -2, 10, 20, 40]))
        )
        complaints.append(
            [
                f"C{i:04d}",
                received,
                rng.choice(teams),
                rng.choice(agents),
                promised,
                resolved,
                "描述",
                "张三",
                "13800000000",
            ]
        )
    words = [5, 4, 3, 2, 1, "满意", "非常满意", "不满意", None]
    survey = []
    for i in range(150):
        day = D(2026, rng.choice([9, 10]), rng.randint(1, 30), 10, 0)
        survey.append([f"S{i:04d}", day, rng.choice(teams), *(rng.choice(words) for _ in range(4))])
    return {"投诉记录": (COMPLAINT_HEADERS, complaints), "客户满意度": (SURVEY_HEADERS, survey)}


def workbook_of(path: Path, tables) -> Path:
    return write_workbook(path, {name: [header, *rows] for name, (header, rows) in tables.items()})


@pytest.fixture
def two(tmp_path) -> tuple[str, Path]:
    """--rules for the complaints and the survey alone (what the generated tables hold)."""
    return ("--rules", rules_for(tmp_path, "complaints", "survey"))


@pytest.mark.parametrize("by", [None, "agent"])
def test_generated_data_gives_one_scorecard_in_a_workbook_sqlite_and_duckdb(tmp_path, by, two):
    tables = generated_month(7)
    book = workbook_of(tmp_path / "month.xlsx", tables)
    grouping = ("--by", by, *two) if by else two
    expected = scorecard(book, *grouping)
    assert any(r["status"] == "fail" for r in expected["results"])  # not all trivially passing
    for url in (
        to_sqlite(tmp_path / "native.db", tables),
        to_sqlite(tmp_path / "text.db", tables, native=False),
        to_duckdb(tmp_path / "month.duckdb", tables),
    ):
        assert scorecard(url, *grouping) == expected, url


def test_the_sample_gives_the_same_scorecard_from_every_engine(tmp_path, pg_url):
    """The sample's complaint sheet has title rows; its tables have none (they never apply)."""
    tables = tables_from_workbook(SAMPLE)
    expected = scorecard(SAMPLE, "--by", "team")
    to_postgres(pg_url, tables)
    for url in (
        to_sqlite(tmp_path / "sample.db", tables),
        to_duckdb(tmp_path / "sample.duckdb", tables),
        pg_url,
    ):
        assert scorecard(url, "--by", "team") == expected, url


def test_generated_data_in_postgresql_equals_the_workbook(tmp_path, pg_url, two):
    tables = generated_month(11)
    expected = scorecard(workbook_of(tmp_path / "m.xlsx", tables), "--by", "team", *two)
    to_postgres(pg_url, tables)
    assert scorecard(pg_url, "--by", "team", *two) == expected


# --- the edge cases files have, in tables ---------------------------------------------


def edge_tables():
    """Text dates in several spellings, blank ratings three ways, a deadline at 00:00."""
    complaints = [
        # promised 10-05 at 00:00 means the end of that day: resolved 18:30 is on time
        ["C1", "2026/10/03", "一组", "王芳", "2026-10-05 00:00:00", "2026-10-05 18:30:00"],
        ["C2", "2026年10月4日", "一组", "王芳", "2026-10-06", "2026-10-07 09:00"],
        ["C3", "2026-10-05 14:30", "二组", "刘洋", "2026-10-08", None],
    ]
    survey = [
        ["S1", "2026-10-02", "一组", "5", "满意", "", "4"],
        ["S2", "2026-10-03", "一组", "  ", "非常满意", None, "3"],
        ["S3", "2026-10-04", "二组", "2", None, "5", "不满意"],
    ]
    return {
        "投诉记录": (COMPLAINT_HEADERS[:6], complaints),
        "客户满意度": (SURVEY_HEADERS, survey),
    }


def test_edge_cases_read_from_tables_as_from_a_workbook(tmp_path, two):
    tables = edge_tables()
    card = scorecard(to_sqlite(tmp_path / "edge.db", tables), *two)
    results = {r["standard"]: r for r in card["results"]}
    assert results["complaints_per_month"]["actual"] == 3
    # C1 on time (00:00 = end of day), C2 resolved late, C3 unresolved and past due
    assert results["overdue_complaints_per_month"]["actual"] == 2
    # blank answers ('' / '  ' / NULL) are not answered: speed 1 of 2, accuracy 2 of 2
    assert results["satisfaction_speed"]["actual"] == 0.5
    assert results["satisfaction_speed"]["sample_size"] == 2
    assert results["satisfaction_accuracy"]["sample_size"] == 2
    assert results["satisfaction_courtesy"]["sample_size"] == 1
    assert results["satisfaction_outcome"]["actual"] == pytest.approx(1 / 3)
    assert scorecard(workbook_of(tmp_path / "edge.xlsx", tables), *two) == card


def test_a_tables_first_row_is_never_taken_for_its_header(tmp_path):
    """A table whose columns are c1..c6 and whose first row spells the headers: no title rows
    apply to a table, so its header is its column names and the dataset is not found."""
    header = [f"c{i}" for i in range(1, 7)]
    rows = [COMPLAINT_HEADERS[:6], ["C1", "2026-10-03", "一组", "王芳", "2026-10-05", None]]
    url = to_sqlite(tmp_path / "t.db", {"投诉记录": (header, rows)})
    result = invoke("evaluate", url, "--no-history", "--lang", "en")
    assert result.exit_code == 3
    assert "投诉记录" in result.output and "row 1" not in result.output


def test_a_bad_value_is_named_by_table_row_and_column(tmp_path):
    tables = {
        "投诉记录": (
            COMPLAINT_HEADERS[:6],
            [
                ["C1", "2026-10-03", "一组", "王芳", "2026-10-05", None],
                ["C2", "next week", "一组", "王芳", "2026-10-05", None],
            ],
        )
    }
    url = to_sqlite(tmp_path / "bad.db", tables)
    result = invoke("evaluate", url, "--no-history", "--lang", "en")
    assert result.exit_code == 3
    assert "sheet '投诉记录', row 2, column 投诉日期" in result.output
    assert "next week" in result.output


# --- table: and query: -----------------------------------------------------------------


def rulebook_with(tmp_path: Path, dataset_lines: str) -> Path:
    """The rulebook of the complaints alone, with lines added under the dataset."""
    source = rules_for(tmp_path, "complaints").read_text(encoding="utf-8")
    marker = "  complaints:\n"
    assert marker in source
    out = tmp_path / "rules.yaml"
    out.write_text(source.replace(marker, marker + dataset_lines, 1), encoding="utf-8")
    return out


def test_a_dataset_can_name_its_table(tmp_path):
    tables = edge_tables()
    url = to_sqlite(tmp_path / "crm.db", {"crm_complaint_log": tables["投诉记录"]})
    rules = rulebook_with(tmp_path, "    table: crm_complaint_log\n")
    card = scorecard(url, "--rules", rules)
    results = {r["standard"]: r for r in card["results"]}
    assert results["complaints_per_month"]["actual"] == 3


def test_a_query_gets_the_runs_span_as_bound_parameters(tmp_path):
    tables = edge_tables()
    url = to_sqlite(tmp_path / "crm.db", {"log": tables["投诉记录"]})
    rules = rulebook_with(
        tmp_path,
        "    query: SELECT * FROM log WHERE 投诉日期 >= :start AND 投诉日期 <= :end\n",
    )
    # a text comparison in SQLite: only the ISO-spelt date of C3 falls inside the span
    result = invoke(
        "evaluate",
        url,
        "--rules",
        rules,
        "--period",
        "2026-10",
        "--format",
        "json",
        "--no-history",
        "--explain-sql",
    )
    assert result.exit_code in (0, 1, 5), result.output
    results = {r["standard"]: r for r in json.loads(result.stdout)["results"]}
    assert results["complaints_per_month"]["actual"] == 1
    assert ":start = 2026-10-01 00:00:00" in result.stderr
    assert ":end = 2026-10-31 23:59:59" in result.stderr  # the last instant of October
    assert "2026-10-01" not in result.stderr.split("-- :start")[0]  # bound, not in the SQL


def test_a_query_with_bounds_needs_a_period(tmp_path):
    url = to_sqlite(tmp_path / "crm.db", {"log": edge_tables()["投诉记录"]})
    rules = rulebook_with(tmp_path, "    query: SELECT * FROM log WHERE 投诉日期 >= :start\n")
    result = invoke("evaluate", url, "--rules", rules, "--no-history", "--lang", "en")
    assert result.exit_code == 2
    assert "--period" in result.output


@pytest.mark.parametrize(
    "query",
    [
        "DELETE FROM log",
        "SELECT 1; DROP TABLE log",
        "WITH gone AS (DELETE FROM log RETURNING *) SELECT * FROM gone",
        "SELECT * INTO copy FROM log",
        "SELECT * FROM log FOR UPDATE",
        "ATTACH 'other.db' AS other",
        "SELECT * FROM log WHERE x = ?",
        "SELECT * FROM log WHERE x = :other",
    ],
)
def test_a_query_that_could_write_is_refused_by_the_parser(query):
    assert check_query(query, "sqlite") is not None
    assert check_query("SELECT * FROM log WHERE d >= :start AND d <= :end", "postgresql") is None


def test_rules_check_refuses_a_writing_query_with_its_line(tmp_path):
    rules = rulebook_with(tmp_path, "    query: DELETE FROM log\n")
    result = invoke("rules", "check", rules, "--lang", "en")
    assert result.exit_code == 2
    assert "DELETE is not a SELECT" in result.output
    assert "datasets.complaints.query" in result.output


def test_a_write_is_refused_by_the_connection_itself(tmp_path, two):
    """Past the parser, the connection is read-only: SQLite mode=ro, DuckDB read_only."""
    tables = edge_tables()
    for url in (to_sqlite(tmp_path / "w.db", tables), to_duckdb(tmp_path / "w.duckdb", tables)):
        db = open_database(url)
        try:
            with pytest.raises(Exception, match=r"(?i)read.?only"), db.connect() as conn:
                conn.exec_driver_sql('DELETE FROM "投诉记录"')
        finally:
            db.close()
        again = scorecard(url, *two)
        assert {r["standard"]: r for r in again["results"]}["complaints_per_month"]["actual"] == 3


def test_postgresql_transactions_are_read_only(tmp_path, pg_url):
    to_postgres(pg_url, edge_tables())
    db = open_database(pg_url)
    try:
        with pytest.raises(Exception, match="read-only transaction"), db.connect() as conn:
            conn.exec_driver_sql('DELETE FROM "投诉记录"')
    finally:
        db.close()
    rules = rulebook_with(tmp_path, "    query: SELECT *, nextval('seq') AS n FROM \"投诉记录\"\n")
    import psycopg

    with psycopg.connect(pg_url, autocommit=True) as conn:
        conn.execute("CREATE SEQUENCE seq")
    result = invoke("evaluate", pg_url, "--rules", rules, "--no-history", "--lang", "en")
    assert result.exit_code == 3
    assert "read-only transaction" in result.output


def test_a_statement_that_runs_too_long_is_stopped(tmp_path):
    url = to_sqlite(tmp_path / "slow.db", edge_tables())
    slow = (
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 100000000)"
        ' SELECT l.* FROM "投诉记录" AS l JOIN (SELECT max(i) AS m FROM n) ON 1 = 1'
    )
    rules = rulebook_with(tmp_path, f"    query: '{slow}'\n")
    result = invoke(
        "evaluate",
        url,
        "--rules",
        rules,
        "--no-history",
        "--lang",
        "en",
        "--statement-timeout",
        "0.3",
    )
    assert result.exit_code == 3
    assert "interrupted" in result.output


def test_postgresql_statement_timeout(tmp_path, pg_url):
    to_postgres(pg_url, edge_tables())
    rules = rulebook_with(
        tmp_path, '    query: SELECT l.* FROM "投诉记录" AS l, pg_sleep(5) AS s\n'
    )
    result = invoke(
        "evaluate",
        pg_url,
        "--rules",
        rules,
        "--no-history",
        "--lang",
        "en",
        "--statement-timeout",
        "0.3",
    )
    assert result.exit_code == 3
    assert "statement timeout" in result.output


# --- credentials --------------------------------------------------------------------------


def test_urls_are_recognised_and_masked():
    assert is_database_url("postgresql+psycopg://u@h/db")
    assert is_database_url("sqlite:///C:/data/crm.db")
    assert not is_database_url(r"C:\data\month.xlsx")
    assert not is_database_url("month.xlsx")
    assert mask_url("postgresql://kpi:s3cret@db:5432/crm") == "postgresql://kpi:***@db:5432/crm"
    assert mask_url("mysql://u@h/db?password=s3cret&x=1") == "mysql://u@h/db?password=***&x=1"
    assert mask_url("sqlite:///crm.db") == "sqlite:///crm.db"


def test_a_password_never_appears_in_output_history_or_log(tmp_path, pg_server, pg_url, two):
    to_postgres(pg_url, edge_tables())
    secret = "s3cret-Pa55"  # noqa: S105 - a made-up password to look for
    with_password = pg_url.replace("postgres@", f"postgres:{secret}@")  # trust: accepted
    log, history = tmp_path / "run.log", tmp_path / "history.sqlite3"
    result = invoke(
        "evaluate",
        with_password,
        "--format",
        "json",
        "--history",
        history,
        "--log-file",
        log,
        "--explain-sql",
        "-o",
        tmp_path / "card.json",
        "--verbose",
        *two,
    )
    assert result.exit_code in (0, 1, 5), result.output
    shown = json.loads(result.stdout)["inputs"][0]["path"]
    assert shown == mask_url(with_password) and "***" in shown
    files = [log, history, tmp_path / "card.json"]
    for text in (
        result.stdout,
        result.stderr,
        *(f.read_bytes().decode("utf-8", "replace") for f in files),
    ):
        assert secret not in text


def test_a_failed_connection_names_the_masked_url_only(tmp_path):
    secret = "s3cret-Pa55"  # noqa: S105 - a made-up password to look for
    url = f"postgresql://kpi:{secret}@127.0.0.1:9/crm"  # the discard port: refused
    log = tmp_path / "run.log"
    result = invoke("evaluate", url, "--no-history", "--lang", "en", "--log-file", log)
    assert result.exit_code == 3
    assert "postgresql://kpi:***@127.0.0.1:9/crm" in result.output
    assert secret not in result.output and secret not in log.read_text(encoding="utf-8")


def test_a_missing_driver_says_which_extra_to_install():
    pytest.importorskip("sqlalchemy")
    try:
        import pymysql  # noqa: F401
    except ImportError:
        pass
    else:
        pytest.skip("pymysql is installed here")
    result = invoke(
        "evaluate", "mysql+pymysql://u:pw@127.0.0.1:9/crm", "--no-history", "--lang", "en"
    )
    assert result.exit_code == 3
    assert 'pip install "cskpi[mysql]"' in result.output
    assert ":pw@" not in result.output


def test_a_missing_sqlite_file_is_not_created(tmp_path):
    missing = tmp_path / "nope.db"
    result = invoke("evaluate", f"sqlite:///{missing}", "--no-history", "--lang", "en")
    assert result.exit_code == 3
    assert "file not found" in result.output
    assert not missing.exists()
    with pytest.raises(InputError):
        open_database(f"duckdb:///{tmp_path / 'nope.duckdb'}")


def test_pushdown_runs_in_the_database_and_equals_reading_the_rows(tmp_path, two):
    """The generated month in SQLite and DuckDB: evaluated inside the engine (said by
    --verbose), with the same scorecard as reading every row into Python."""
    tables = generated_month(5)
    for url in (to_sqlite(tmp_path / "p.db", tables), to_duckdb(tmp_path / "p.duckdb", tables)):
        pushed = invoke(
            "evaluate",
            url,
            *two,
            "--by",
            "agent",
            "--no-history",
            "--lang",
            "en",
            "--verbose",
            "--format",
            "json",
        )
        assert "dataset 'complaints': evaluated inside the database" in pushed.stderr
        assert "dataset 'survey': evaluated inside the database" in pushed.stderr
        assert scorecard(url, *two, "--by", "agent") == scorecard(
            url, *two, "--by", "agent", "--engine", "pandas"
        )


def test_text_dates_the_engine_cannot_parse_are_read_and_said_so(tmp_path, two):
    url = to_sqlite(tmp_path / "edge.db", edge_tables())
    result = invoke("evaluate", url, *two, "--no-history", "--lang", "en", "--verbose")
    assert "dataset 'complaints': its needed columns were read" in result.stderr
    assert "dataset 'survey': evaluated inside the database" in result.stderr


def test_verbose_names_datasets_as_every_chinese_message_does(tmp_path, two):
    """Chinese names a dataset by its name (投诉记录), as the input messages do; English by id."""
    url = to_sqlite(tmp_path / "edge.db", edge_tables())
    zh = invoke("evaluate", url, *two, "--no-history", "--lang", "zh", "--verbose", "-q")
    assert "数据表「客户满意度」:在数据库中计算,只取回汇总结果。" in zh.stderr
    assert "数据表「投诉记录」:读取所需的列在 Python 中计算" in zh.stderr
    assert "「complaints」" not in zh.stderr and "「survey」" not in zh.stderr
    en = invoke("evaluate", url, *two, "--no-history", "--lang", "en", "--verbose", "-q")
    assert "dataset 'survey': evaluated inside the database" in en.stderr
    assert "dataset 'complaints': its needed columns were read" in en.stderr


def monthly_parquet(folder: Path, tables) -> Path:
    """One Parquet file per dataset and month, typed as a warehouse export would be."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from tests.databases import typed

    folder.mkdir()
    for name, (header, rows) in tables.items():
        for month in (9, 10):
            part = [r for r in rows if r[1].month == month]
            _kinds, values = typed((header, part))
            columns = list(zip(*values, strict=True))
            table = pa.table({h: pa.array(list(c)) for h, c in zip(header, columns, strict=True)})
            pq.write_table(table, folder / f"{name}-2026-{month:02d}.parquet")
    return folder


def test_engine_duckdb_evaluates_a_folder_of_monthly_parquet_in_duckdb(tmp_path, two):
    tables = generated_month(9)
    folder = monthly_parquet(tmp_path / "months", tables)
    args = (*two, "--by", "agent", "--period", "2026-10")
    expected = scorecard(folder, *args)
    via_duckdb = invoke(
        "evaluate",
        folder,
        *args,
        "--engine",
        "duckdb",
        "--verbose",
        "--lang",
        "en",
        "--no-history",
        "--format",
        "json",
    )
    assert "dataset 'complaints': evaluated inside the database" in via_duckdb.stderr
    assert "dataset 'survey': evaluated inside the database" in via_duckdb.stderr
    assert scorecard(folder, *args, "--engine", "duckdb") == expected
    shown = json.loads(via_duckdb.stdout)["inputs"]
    assert sorted(i["path"] for i in shown) == sorted(str(p) for p in folder.iterdir())


def test_engine_duckdb_reads_csv_text_it_cannot_type_in_python(tmp_path, two):
    """CSV is text to DuckDB: ISO dates are typed there; 2026/10/03 sends the complaints to
    the readers, with the same result as the pandas engine."""
    folder = tmp_path / "csv"
    folder.mkdir()
    for name, (header, rows) in edge_tables().items():
        lines = [",".join(header)] + [
            ",".join("" if v is None else str(v) for v in r) for r in rows
        ]
        (folder / f"{name}.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    glob = str(folder / "*.csv")
    result = invoke(
        "evaluate", glob, *two, "--engine", "duckdb", "--verbose", "--lang", "en", "--no-history"
    )
    assert "dataset 'complaints': its needed columns were read" in result.stderr
    assert scorecard(glob, *two, "--engine", "duckdb") == scorecard(glob, *two)


def test_a_project_can_name_a_database_as_its_input(tmp_path):
    """cskpi.toml: inputs = ["sqlite:///crm.db"], relative to the project like a file; the
    month's scorecard and history come from the tables, with the sample's numbers."""
    folder = tmp_path / "cs"
    assert invoke("init", folder, "--lang", "en").exit_code == 0
    to_sqlite(folder / "crm.db", tables_from_workbook(SAMPLE))
    toml = folder / "cskpi.toml"
    text = toml.read_text(encoding="utf-8")
    toml.write_text(
        text.replace('inputs = ["inputs/{period}.xlsx"]', 'inputs = ["sqlite:///crm.db"]', 1),
        encoding="utf-8",
    )
    settings = re.sub(
        r"(?m)^outputs = .*$",
        'outputs = ["scorecards/{period}.json"]',
        toml.read_text(encoding="utf-8"),
        count=1,
    )
    toml.write_text(settings, encoding="utf-8")
    here = Path.cwd()
    os.chdir(tmp_path)  # cron runs from elsewhere: the file is found under the project
    try:
        result = invoke("run", "--project", folder, "--period", "2026-10")
    finally:
        os.chdir(here)
    assert result.exit_code == 1, result.output
    card = json.loads((folder / "scorecards" / "2026-10.json").read_text(encoding="utf-8"))
    assert card["inputs"][0]["path"] == f"sqlite:///{(folder / 'crm.db').as_posix()}"
    by_id = {(r["standard"], r["group"]): r["actual"] for r in card["results"]}
    assert by_id[("complaints_per_month", None)] == 5  # as the sample workbook gives
    assert by_id[("overdue_complaints_per_month", None)] == 3


def test_text_in_pushdown_is_read_as_the_file_readers_read_it(tmp_path, two):
    """Full-width letters, a no-break space at an end, an ideographic space inside: the
    groups and counts inside the database are those of reading the rows."""
    header, rows = edge_tables()["投诉记录"]
    odd = [
        ["C4", "2026-10-06", "Ａ组", "王芳", "2026-10-08", None],
        ["C5", "2026-10-06", "A组\u00a0", "王芳", "2026-10-08", None],
        ["C6", "2026-10-06", "A\u3000组", "王芳", "2026-10-08", None],
    ]
    fixed = [[r[0], "2026-10-03", *r[2:]] for r in rows]  # ISO dates: pushed down
    url = to_sqlite(
        tmp_path / "t.db",
        {"投诉记录": (header, fixed + odd), "客户满意度": edge_tables()["客户满意度"]},
    )
    pushed = invoke(
        "evaluate", url, *two, "--by", "team", "--verbose", "--lang", "en", "--no-history"
    )
    assert "dataset 'complaints': evaluated inside the database" in pushed.stderr
    args = (url, *two, "--by", "team")
    assert scorecard(*args) == scorecard(*args, "--engine", "pandas")
