"""Text and time zones inside the database as the readers have them: text compared cleaned
(NFKC, zero-width marks, runs of white space, trimmed), timestamps with a zone converted to
the rulebook's (README "Values", "Time zones"), in SQLite, DuckDB and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import yaml
from typer.testing import CliRunner

from cskpi.cli import app as cli
from cskpi.language.patterns import WHITESPACE
from cskpi.language.spelling import clean
from cskpi.sql import session as sql_session
from tests.conftest import COMPLAINT_HEADERS
from tests.databases import to_duckdb, to_postgres, to_sqlite
from tests.months import rules_for

runner = CliRunner()
UTC = dt.UTC


def invoke(*args: object):
    return runner.invoke(cli.app, [str(a) for a in args])


def results(*args: object) -> tuple[dict[str, float], str]:
    """Each standard's overall actual value, and what --verbose said."""
    result = invoke(
        "evaluate", *args, "--period", "2026-10", "--format", "json", "--no-history",
        "--lang", "en", "--verbose",
    )  # fmt: skip
    assert result.exit_code in (0, 1, 5), result.output
    data = json.loads(result.stdout)
    return {r["standard"]: r["actual"] for r in data["results"] if r["group"] is None}, (
        result.stderr
    )


def with_standards(folder: Path, *standards: dict) -> Path:
    """The complaints rulebook with more count standards (a limit no test reaches)."""
    path = rules_for(folder, "complaints")
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    for std in standards:
        data["standards"].append(
            {
                "name": {"zh": std["id"], "en": std["id"]},
                "description": {"zh": "测试", "en": "test"},
                "dataset": "complaints",
                "date_column": "received_at",
                "period": "month",
                "metric": "count",
                "comparison": "<=",
                "target": 100,
                "level": "required",
                "weight": 1,
                **std,
            }
        )
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


TEXT_STANDARDS = (
    {"id": "team_a", "filter": "team == 'Ａ组'"},  # a full-width literal, cleaned to A组
    {"id": "team_in", "filter": "team in ('A 组', 'B组')"},
    {"id": "refund_zh", "filter": "description contains '退款'"},
    {"id": "refund_en", "filter": "description contains 'REFUND'"},
    {"id": "before_b", "filter": "team < 'B'"},
)


def odd_text() -> dict:
    """Seven October complaints whose team and description are spelt awkwardly."""
    day, due, done = dt.datetime(2026, 10, 3, 9), dt.datetime(2026, 10, 5), dt.datetime(2026, 10, 4)
    rows = [
        ["C1", day, "A组", "王芳", due, done, "退款未到账"],
        ["C2", day, "Ａ组", "王芳", due, done, "ＲＥＦＵＮＤ late"],
        ["C3", day, "A组\u200b", "王芳", due, done, "Refund"],
        ["C4", day, "A\u3000组", "王芳", due, done, "维修"],
        ["C5", day, " A  组 ", "王芳", due, done, "退款"],
        ["C6", day, "B组", "王芳", due, done, "x"],
        ["C7", day, "b组", "王芳", due, done, "y"],
    ]
    header = [*COMPLAINT_HEADERS[:6], "投诉内容"]
    return {"投诉记录": (header, rows)}


# By hand, on the cleaned text: A组 ×3 (C1, C2, C3: full-width, a zero-width mark), A 组 ×2
# (C4: an ideographic space; C5: a run of two spaces), B组, b组.
EXPECTED = {
    "complaints_per_month": 7,
    "team_a": 3,  # C1 C2 C3
    "team_in": 3,  # C4 C5 C6
    "refund_zh": 2,  # C1 C5
    "refund_en": 1,  # C2 (ＲＥＦＵＮＤ is REFUND; contains is case-sensitive: not C3)
    "before_b": 5,  # the five A groups; B组 and b组 come after 'B' by code point
}


def test_text_compared_cleaned_inside_sqlite_and_duckdb(tmp_path):
    rules = with_standards(tmp_path, *TEXT_STANDARDS)
    tables = odd_text()
    for url in (to_sqlite(tmp_path / "t.db", tables), to_duckdb(tmp_path / "t.duckdb", tables)):
        pushed, said = results(url, "--rules", rules)
        assert "dataset 'complaints': evaluated inside the database" in said, said
        assert {k: pushed[k] for k in EXPECTED} == EXPECTED, url
        read, _said = results(url, "--rules", rules, "--engine", "pandas")
        assert read == pushed, url


def test_text_compared_cleaned_inside_postgresql(tmp_path, pg_url):
    rules = with_standards(tmp_path, *TEXT_STANDARDS)
    to_postgres(pg_url, odd_text())
    pushed, said = results(pg_url, "--rules", rules)
    assert "dataset 'complaints': evaluated inside the database" in said, said
    assert {k: pushed[k] for k in EXPECTED} == EXPECTED
    assert results(pg_url, "--rules", rules, "--engine", "pandas")[0] == pushed


def test_a_database_that_cannot_clean_text_reads_the_dataset_and_says_why(tmp_path, monkeypatch):
    """(PostgreSQL before 13, or not UTF8): the comparison runs in Python, with the same
    numbers, and --verbose names the standard and the column."""
    monkeypatch.setattr(sql_session, "cleans_text", lambda *_: False)
    rules = with_standards(tmp_path, *TEXT_STANDARDS)
    url = to_sqlite(tmp_path / "t.db", odd_text())
    read, said = results(url, "--rules", rules)
    assert "dataset 'complaints': its needed columns were read" in said
    assert "standard team_a needs team (text is compared NFKC-normalised) in Python" in said
    assert {k: read[k] for k in EXPECTED} == EXPECTED


# --- time zones ---------------------------------------------------------------------------


def zoned_rows() -> list[list[object]]:
    """Aware times in UTC; the rulebook's zone is Asia/Shanghai (UTC+8)."""
    t = dt.datetime
    return [
        # received 1 Oct 01:00 in Shanghai (30 Sep in UTC); promised 5 Oct 00:00 there, the
        # end of that day; resolved 5 Oct 18:30 there: on time
        ["C1", t(2026, 9, 30, 17, tzinfo=UTC), "一组", "王芳",
         t(2026, 10, 4, 16, tzinfo=UTC), t(2026, 10, 5, 10, 30, tzinfo=UTC)],
        # received 1 Nov 00:30 and 04:00 in Shanghai: November, though October in UTC
        ["C2", t(2026, 10, 31, 16, 30, tzinfo=UTC), "一组", "王芳",
         t(2026, 11, 5, tzinfo=UTC), None],
        ["C4", t(2026, 10, 31, 20, tzinfo=UTC), "一组", "王芳",
         t(2026, 11, 5, tzinfo=UTC), None],
        # received 15 Oct 10:00, promised 20 Oct 12:00, never resolved: overdue
        ["C3", t(2026, 10, 15, 2, tzinfo=UTC), "二组", "刘洋",
         t(2026, 10, 20, 4, tzinfo=UTC), None],
    ]  # fmt: skip


ZONED = {"complaints_per_month": 2, "overdue_complaints_per_month": 1}  # C1 C3; C3


def test_zoned_timestamps_in_duckdb_are_converted_to_the_rulebooks_zone(tmp_path):
    import duckdb

    path = tmp_path / "z.duckdb"
    conn = duckdb.connect(str(path))
    conn.execute(
        'CREATE TABLE "投诉记录" ("投诉编号" VARCHAR, "投诉日期" TIMESTAMPTZ, "团队" VARCHAR,'
        ' "客服人员" VARCHAR, "承诺期限" TIMESTAMPTZ, "解决日期" TIMESTAMPTZ)'
    )
    conn.executemany('INSERT INTO "投诉记录" VALUES (?, ?, ?, ?, ?, ?)', zoned_rows())
    conn.close()
    url = f"duckdb:///{path}"
    rules = rules_for(tmp_path, "complaints")
    pushed, said = results(url, "--rules", rules)
    assert "dataset 'complaints': evaluated inside the database" in said, said
    assert {k: pushed[k] for k in ZONED} == ZONED
    assert results(url, "--rules", rules, "--engine", "pandas")[0] == pushed


def test_zoned_timestamps_in_postgresql_are_converted_to_the_rulebooks_zone(tmp_path, pg_url):
    import psycopg

    with psycopg.connect(pg_url, autocommit=True) as conn:
        conn.execute("SET TIME ZONE 'America/New_York'")  # the session's zone plays no part
        conn.execute(
            'CREATE TABLE "投诉记录" ("投诉编号" TEXT, "投诉日期" TIMESTAMPTZ, "团队" TEXT,'
            ' "客服人员" TEXT, "承诺期限" TIMESTAMPTZ, "解决日期" TIMESTAMPTZ)'
        )
        with conn.cursor() as cur:
            cur.executemany('INSERT INTO "投诉记录" VALUES (%s, %s, %s, %s, %s, %s)', zoned_rows())
    rules = rules_for(tmp_path, "complaints")
    pushed, said = results(pg_url, "--rules", rules)
    assert "dataset 'complaints': evaluated inside the database" in said, said
    assert {k: pushed[k] for k in ZONED} == ZONED
    assert results(pg_url, "--rules", rules, "--engine", "pandas")[0] == pushed


def test_without_a_zone_name_zoned_timestamps_are_read(tmp_path):
    """A rulebook with no timezone means the machine's zone, which SQL cannot name: the
    dataset is read and converted by the readers."""
    import duckdb

    path = tmp_path / "z.duckdb"
    conn = duckdb.connect(str(path))
    conn.execute(
        'CREATE TABLE "投诉记录" ("投诉编号" VARCHAR, "投诉日期" TIMESTAMPTZ, "团队" VARCHAR,'
        ' "客服人员" VARCHAR, "承诺期限" TIMESTAMPTZ, "解决日期" TIMESTAMPTZ)'
    )
    conn.executemany('INSERT INTO "投诉记录" VALUES (?, ?, ?, ?, ?, ?)', zoned_rows())
    conn.close()
    rules = rules_for(tmp_path, "complaints")
    data = yaml.safe_load(rules.read_text(encoding="utf-8"))
    data["rulebook"].pop("timezone")
    rules.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    _values, said = results(f"duckdb:///{path}", "--rules", rules)
    assert "dataset 'complaints': its needed columns were read" in said
    assert "column 承诺期限 has time zones and the rulebook names none" in said


AWKWARD = [
    "Ａ组",
    "A\u3000组",
    " A  组 ",
    "A组\u200b",
    "\ufeffA\u200c组\u2060",
    "ﬁle ① ㈱ ＡＢＣ ９５％",  # ligature, circled digit, parenthesised ideograph, full width
    "e\u0301",  # e + combining acute: é
    "\u1100\u1161",  # Hangul jamo: 가
    "".join(f"a{ch}b" for ch in WHITESPACE),  # every white space the readers know
    "\t\n x \x0b\x0c\r\x1c\x1d\x1e\x1f\x85\xa0 y \u2028\u2029\u202f\u205f\u3000",
    "",
    "\u200b",
]


def test_the_databases_clean_text_exactly_as_the_readers_do(tmp_path, pg_url):
    """SQLite and DuckDB call the readers' function; PostgreSQL spells it with normalize()
    and regular expressions: every awkward case cleans to the same text in each."""
    import sqlalchemy as sa

    from cskpi.read.database import open_database
    from cskpi.sql.columns import clean_text, cleans_text

    tables = {"t": (["x"], [[1]])}
    urls = [to_sqlite(tmp_path / "c.db", tables), to_duckdb(tmp_path / "c.duckdb", tables)]
    to_postgres(pg_url, tables)
    expected = [clean(v) for v in AWKWARD]
    assert expected[:5] == ["A组", "A 组", "A 组", "A组", "A组"]
    for url in (*urls, pg_url):
        db = open_database(url)
        try:
            with db.connect() as conn:
                assert cleans_text(db.dialect, conn)
                values = [sa.literal(v, sa.String) for v in AWKWARD]
                query = sa.select(*(clean_text(db.dialect, v) for v in values))
                assert list(conn.execute(query).one()) == expected, url
                assert conn.execute(sa.select(clean_text(db.dialect, sa.null()))).scalar() is None
        finally:
            db.close()
