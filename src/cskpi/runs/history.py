"""The history of past runs: an embedded SQLite file, so a manager can see how a team moves.

Results are keyed by rulebook, standard, grouping, group and period (the window): re-running
a period replaces that period's rows, so cron can safely run twice. Every run also records
what it read (input SHA-256s, rulebook hash, cskpi version). A lock file beside the database
keeps two runs from writing it at once.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import json
import os
import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path

from cskpi import __version__
from cskpi.errors import NotReadyError, OutputError
from cskpi.evaluate.scorecard import Scorecard
from cskpi.evaluate.trend import Row

SCHEMA = """
CREATE TABLE IF NOT EXISTS runs (
    id INTEGER PRIMARY KEY,
    recorded_at TEXT NOT NULL,
    rulebook TEXT NOT NULL,
    rulebook_sha256 TEXT NOT NULL,
    period TEXT NOT NULL,
    as_of TEXT NOT NULL,
    group_by TEXT NOT NULL,
    inputs TEXT NOT NULL,
    cskpi_version TEXT NOT NULL,
    exit_code INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS results (
    rulebook TEXT NOT NULL,
    standard TEXT NOT NULL,
    group_by TEXT NOT NULL,
    group_value TEXT NOT NULL,
    period TEXT NOT NULL,
    status TEXT NOT NULL,
    actual REAL,
    comparison TEXT NOT NULL,
    target REAL NOT NULL,
    level TEXT NOT NULL,
    metric TEXT NOT NULL,
    run_id INTEGER NOT NULL REFERENCES runs(id),
    recorded_at TEXT NOT NULL,
    PRIMARY KEY (rulebook, standard, group_by, group_value, period)
);
CREATE TABLE IF NOT EXISTS waivers (
    rulebook TEXT NOT NULL,
    period TEXT NOT NULL,
    record_id TEXT NOT NULL,
    standard TEXT NOT NULL,
    reason TEXT NOT NULL,
    approver TEXT NOT NULL,
    approved_on TEXT NOT NULL,
    run_id INTEGER NOT NULL REFERENCES runs(id),
    PRIMARY KEY (rulebook, period, record_id, standard)
);
"""


def default_path() -> Path:
    """``$XDG_DATA_HOME/cskpi/history.sqlite3`` (``~/.local/share`` when unset)."""
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "cskpi" / "history.sqlite3"


@contextlib.contextmanager
def locked(path: Path, timeout: float) -> Iterator[None]:
    """Hold an exclusive lock on ``<history>.lock``; give up after ``timeout`` seconds."""
    lock_path = path.with_name(path.name + ".lock")
    try:
        lock_path.parent.mkdir(parents=True, exist_ok=True)
        handle = lock_path.open("a")
    except OSError as exc:
        raise OutputError(
            "output.write_failed", file=str(lock_path), reason=exc.strerror or str(exc)
        ) from None
    deadline = time.monotonic() + timeout
    try:
        while True:
            try:
                fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise NotReadyError(
                        "history.locked", file=str(lock_path), seconds=f"{timeout:g}"
                    ) from None
                time.sleep(0.1)
        yield
    finally:
        handle.close()  # closing the file releases the lock


def connect(path: Path) -> sqlite3.Connection:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(str(path), isolation_level=None)
        conn.executescript(SCHEMA)
    except (OSError, sqlite3.Error) as exc:
        raise OutputError("output.write_failed", file=str(path), reason=str(exc)) from None
    return conn


@contextlib.contextmanager
def transaction(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """All of a run's writes, or none of them."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield conn
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


def record(
    conn: sqlite3.Connection,
    card: Scorecard,
    *,
    rulebook_sha256: str,
    exit_code: int,
    recorded_at: dt.datetime | None = None,
) -> int:
    """Store one run's results, replacing what an earlier run stored for the same periods."""
    now = (recorded_at or dt.datetime.now()).isoformat(timespec="seconds")
    group_by = card.group_by or ""
    cursor = conn.execute(
        "INSERT INTO runs (recorded_at, rulebook, rulebook_sha256, period, as_of, group_by,"
        " inputs, cskpi_version, exit_code) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            now,
            card.rulebook_id,
            rulebook_sha256,
            card.period,
            card.as_of.isoformat(timespec="seconds"),
            group_by,
            json.dumps([{"path": p, "sha256": h} for p, h in card.inputs], ensure_ascii=False),
            __version__,
            exit_code,
        ),
    )
    run_id = int(cursor.lastrowid or 0)
    for result in card.results:
        key_group_by = group_by if result.group is not None else ""
        conn.execute(
            "INSERT OR REPLACE INTO results VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                card.rulebook_id,
                result.standard,
                key_group_by,
                result.group or "",
                result.period,
                result.status,
                result.actual,
                result.comparison,
                result.target,
                result.level,
                result.metric,
                run_id,
                now,
            ),
        )
    for waiver in card.waivers:  # kept, so later months show what was excused and why
        conn.execute(
            "INSERT OR REPLACE INTO waivers VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                card.rulebook_id,
                card.period,
                waiver.record_id,
                waiver.standard,
                waiver.reason,
                waiver.approver,
                waiver.approved_on,
                run_id,
            ),
        )
    return run_id


def load_waivers(conn: sqlite3.Connection, rulebook: str) -> list[dict[str, str]]:
    """Every waiver stored with past runs, newest period first."""
    rows = conn.execute(
        "SELECT period, record_id, standard, reason, approver, approved_on FROM waivers"
        " WHERE rulebook = ? ORDER BY period DESC, record_id",
        (rulebook,),
    )
    keys = ("period", "record_id", "standard", "reason", "approver", "approved_on")
    return [dict(zip(keys, row, strict=True)) for row in rows]


def load(
    conn: sqlite3.Connection,
    rulebook: str,
    *,
    standard: str | None = None,
    group_by: str | None = None,
) -> list[Row]:
    """Stored results of one rulebook: overall ones, plus one grouping's when asked."""
    query = (
        "SELECT standard, group_by, group_value, period, status, actual, target,"
        " comparison, metric, recorded_at FROM results WHERE rulebook = ?"
        " AND (group_by = '' OR group_by = ?)"
    )
    params: list[object] = [rulebook, group_by or ""]
    if standard:
        query += " AND standard = ?"
        params.append(standard)
    rows = []
    for standard, grouping, group, *rest in conn.execute(query, params):
        rows.append(Row(standard, group if grouping else None, *rest))
    return rows
