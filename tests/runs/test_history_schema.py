"""The history's schema version 2: results stored without a rowid, migrated in place from 1."""

from __future__ import annotations

import json
import sqlite3

from typer.testing import CliRunner

from cskpi.cli import app as cli
from cskpi.runs import history
from tests.conftest import SAMPLE

# The schema of version 1 as cskpi wrote it (a rowid table and an index of the key).
V1_SCHEMA = """
CREATE TABLE runs (id INTEGER PRIMARY KEY, recorded_at TEXT NOT NULL, rulebook TEXT NOT NULL,
    rulebook_sha256 TEXT NOT NULL, period TEXT NOT NULL, as_of TEXT NOT NULL,
    group_by TEXT NOT NULL, inputs TEXT NOT NULL, cskpi_version TEXT NOT NULL,
    exit_code INTEGER NOT NULL, verdict TEXT, partial INTEGER NOT NULL DEFAULT 0);
CREATE TABLE results (rulebook TEXT NOT NULL, standard TEXT NOT NULL, group_by TEXT NOT NULL,
    group_value TEXT NOT NULL, period TEXT NOT NULL, status TEXT NOT NULL, actual REAL,
    comparison TEXT NOT NULL, target REAL NOT NULL, level TEXT NOT NULL, metric TEXT NOT NULL,
    run_id INTEGER NOT NULL REFERENCES runs(id), recorded_at TEXT NOT NULL,
    partial INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (rulebook, standard, group_by, group_value, period));
CREATE TABLE waivers (rulebook TEXT NOT NULL, period TEXT NOT NULL, record_id TEXT NOT NULL,
    standard TEXT NOT NULL, reason TEXT NOT NULL, approver TEXT NOT NULL,
    approved_on TEXT NOT NULL, run_id INTEGER NOT NULL REFERENCES runs(id),
    PRIMARY KEY (rulebook, period, record_id, standard));
INSERT INTO runs VALUES (1, '2026-10-01T06:30:00', 'customer-service-supervisor', 'x',
    '2026-09', '2026-09-30T23:59:59', 'team', '[]', '0.2.0', 1, 'fail', 0);
INSERT INTO results VALUES
    ('customer-service-supervisor', 'complaints_per_month', '', '', '2026-09', 'pass',
     4, '<=', 5, 'required', 'count', 1, '2026-10-01T06:30:00', 0),
    ('customer-service-supervisor', 'complaints_per_month', 'team', '一组', '2026-09', 'pass',
     1, '<=', 5, 'required', 'count', 1, '2026-10-01T06:30:00', 0),
    ('customer-service-supervisor', 'complaints_per_month', 'team', '二组', '2026-09', 'fail',
     6.5, '<=', 5, 'required', 'count', 1, '2026-10-01T06:30:00', 1);
INSERT INTO waivers VALUES ('customer-service-supervisor', '2026-09', 'C-1',
    'complaints_per_month', '系统故障', '张经理', '2026-10-02', 1);
PRAGMA user_version = 1;
"""


def invoke(*args: object):
    return CliRunner().invoke(cli.app, [str(a) for a in args])


def v1_history(tmp_path):
    path = tmp_path / "h.sqlite3"
    with sqlite3.connect(path) as conn:
        conn.executescript(V1_SCHEMA)
    conn.close()
    return path


def results_sql(path) -> str:
    with sqlite3.connect(path) as conn:
        (sql,) = conn.execute("SELECT sql FROM sqlite_master WHERE name = 'results'").fetchone()
    conn.close()
    return sql


def stored(path) -> list[tuple]:
    with sqlite3.connect(path) as conn:
        rows = conn.execute(
            "SELECT group_value, period, status, actual, run_id, recorded_at, partial"
            " FROM results WHERE standard = 'complaints_per_month' AND group_by IN ('', 'team')"
            " ORDER BY period, group_by, group_value"
        ).fetchall()
    conn.close()
    return rows


def test_a_new_history_stores_results_without_a_rowid(tmp_path):
    path = tmp_path / "h.sqlite3"
    assert invoke("evaluate", SAMPLE, "--history", path).exit_code == 1
    assert "WITHOUT ROWID" in results_sql(path)
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA user_version").fetchone() == (history.VERSION,) == (2,)
        # the key is the table: no separate index of it
        indexes = conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'results'"
        ).fetchall()
    conn.close()
    assert indexes == []


def test_a_version_1_history_is_read_as_it_is_then_migrated_by_the_next_run(tmp_path):
    path = v1_history(tmp_path)
    before = path.read_bytes()
    shown = invoke("history", "--history", path, "--by", "team", "-f", "json")
    assert shown.exit_code == 0, shown.output
    rows = json.loads(shown.stdout)["results"]
    assert {(r["group"], r["actual"], r["partial"]) for r in rows} == {
        (None, 4, False),
        ("一组", 1, False),
        ("二组", 6.5, True),
    }
    assert path.read_bytes() == before  # reading migrates nothing

    assert invoke("evaluate", SAMPLE, "--by", "team", "--history", path).exit_code == 1
    assert "WITHOUT ROWID" in results_sql(path)
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA user_version").fetchone() == (2,)
        waivers = conn.execute("SELECT record_id, reason FROM waivers").fetchall()
    conn.close()
    september = [row for row in stored(path) if row[1] == "2026-09"]
    assert september == [  # every stored value kept, the run that wrote it too
        ("", "2026-09", "pass", 4.0, 1, "2026-10-01T06:30:00", 0),
        ("一组", "2026-09", "pass", 1.0, 1, "2026-10-01T06:30:00", 0),
        ("二组", "2026-09", "fail", 6.5, 1, "2026-10-01T06:30:00", 1),
    ]
    october = [row[:4] for row in stored(path) if row[1] == "2026-10"]
    assert october == [  # the sample's month, added after: 5 complaints, 2 + 1 + 2 by team
        ("", "2026-10", "pass", 5.0),
        ("一组", "2026-10", "pass", 2.0),
        ("三组", "2026-10", "pass", 1.0),
        ("二组", "2026-10", "pass", 2.0),
    ]
    assert waivers == [("C-1", "系统故障")]
    again = invoke("history", "--history", path, "--by", "team", "-f", "json")
    periods = {r["period"] for r in json.loads(again.stdout)["results"]}
    assert {"2026-09", "2026-10"} <= periods
