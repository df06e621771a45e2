"""The history of past runs: an embedded SQLite file, so a manager can see how a team moves.

Results are keyed by rulebook, standard, grouping, group and period (the window): re-running
a period replaces that period's rows, so cron can safely run twice. A result whose window was
not over at the run's as-of time is stored as *partial*; it is replaced by any later run, but a
partial result never replaces a complete one (a mid-month what-if keeps the final month).
Every run also records what it read (input SHA-256s, rulebook hash, cskpi version) and its
verdict.

Concurrency is SQLite's own locking, the same on Windows and Unix: a run writes in one
``BEGIN EXCLUSIVE`` transaction, waiting up to its lock timeout for other writers and readers
(then exit 75, nothing written). The schema version is ``PRAGMA user_version``: older files are
migrated in place, newer ones are refused by name.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from cskpi import __version__
from cskpi.errors import NotReadyError, OutputError
from cskpi.evaluate.periods import parse_period
from cskpi.evaluate.scorecard import Scorecard

if TYPE_CHECKING:
    import pandas as pd

VERSION = 2  # PRAGMA user_version of the schema below; 0 is the unversioned first schema
# Results are stored in their key's order, without a rowid and a separate index of the key
# (version 2): a million results of 2,000 agents take 30% less room than as a rowid table.
RESULTS = """
CREATE TABLE {name} (
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
    partial INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (rulebook, standard, group_by, group_value, period)
) WITHOUT ROWID;
"""
TABLES = ("runs", "results", "waivers")
SCHEMA = (
    """
CREATE TABLE runs (
    id INTEGER PRIMARY KEY,
    recorded_at TEXT NOT NULL,
    rulebook TEXT NOT NULL,
    rulebook_sha256 TEXT NOT NULL,
    period TEXT NOT NULL,
    as_of TEXT NOT NULL,
    group_by TEXT NOT NULL,
    inputs TEXT NOT NULL,
    cskpi_version TEXT NOT NULL,
    exit_code INTEGER NOT NULL,
    verdict TEXT,
    partial INTEGER NOT NULL DEFAULT 0
);
"""
    + RESULTS.format(name="results")
    + """
CREATE TABLE waivers (
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
)
# Version n -> n + 1, run inside the writing transaction.
MIGRATIONS = {
    0: """
ALTER TABLE runs ADD COLUMN verdict TEXT;
ALTER TABLE runs ADD COLUMN partial INTEGER NOT NULL DEFAULT 0;
ALTER TABLE results ADD COLUMN partial INTEGER NOT NULL DEFAULT 0;
""",
    1: RESULTS.format(name="results_v2")  # noqa: S608 - constant text, no value from outside
    + """
INSERT INTO results_v2 SELECT rulebook, standard, group_by, group_value, period, status, actual,
    comparison, target, level, metric, run_id, recorded_at, partial FROM results;
DROP TABLE results;
ALTER TABLE results_v2 RENAME TO results;
""",
}
_BUSY = {5, 6}  # SQLITE_BUSY, SQLITE_LOCKED
READ_TIMEOUT = 10.0  # seconds a reader (cskpi history) waits for a writer to finish
_MAX_WAIT = 2_000_000.0  # seconds: what "wait" can mean (about 23 days)


def _reason(exc: BaseException) -> str:
    return getattr(exc, "strerror", None) or str(exc)


def _unusable(path: Path, exc: BaseException | str) -> OutputError:
    reason = exc if isinstance(exc, str) else _reason(exc)
    if isinstance(exc, sqlite3.Error) and getattr(exc, "sqlite_errorcode", None) == 8:
        return OutputError("history.read_only", file=str(path), reason=reason)  # SQLITE_READONLY
    return OutputError("history.unusable", file=str(path), reason=reason)


def _is_busy(exc: sqlite3.Error) -> bool:
    code = getattr(exc, "sqlite_errorcode", None)
    return code in _BUSY or (code is None and "locked" in str(exc))


def _version(conn: sqlite3.Connection, path: Path) -> int:
    """The schema version; refuses a newer one and a database that is not a cskpi history."""
    version = int(conn.execute("PRAGMA user_version").fetchone()[0])
    if version > VERSION:
        raise OutputError("history.newer", file=str(path), found=version, known=VERSION)
    if version == 0:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        if tables and not set(TABLES) <= tables:
            others = ", ".join(sorted(tables - set(TABLES)))
            raise OutputError("history.not_ours", file=str(path), tables=others)
        if not tables:
            return -1  # a new, empty file
    return version


def check(path: Path) -> None:
    """Before any input is read: refuse a history that this run could not write.

    A folder, a file that is not a SQLite database or not a cskpi history, a newer schema, a
    read-only file or folder: each is one message naming the file (exit 4). A busy file is
    fine here; the run waits for it when it writes.
    """
    _regular(path)
    folder = path.parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise _unusable(path, exc) from None
    if not os.access(folder, os.W_OK | os.X_OK):  # SQLite writes its journal beside the file
        raise OutputError("history.read_only", file=str(path), reason=f"{folder}: read-only")
    if not path.exists():
        return
    if not os.access(path, os.R_OK | os.W_OK):
        raise OutputError("history.read_only", file=str(path), reason="permission denied")
    try:
        conn = connect(path, read_only=True, timeout=0)
    except NotReadyError:
        return  # busy now; the run waits for it when it writes
    if conn is not None:
        conn.close()


def probe(path: Path) -> None:
    """What a run would meet, writing nothing (``cskpi doctor``): the checks of :func:`check`,
    then whether another program holds the history right now (exit 75)."""
    check(path)
    if not path.exists():
        return
    conn = connect(path)
    assert conn is not None
    try:
        _begin(conn, path, 0)
        conn.execute("ROLLBACK")
    finally:
        conn.close()


def _regular(path: Path) -> None:
    """A FIFO or a device is refused before SQLite opens it (a FIFO would block forever)."""
    from cskpi.atomic import file_kind

    kind = file_kind(path)
    if kind is not None:
        raise OutputError("history.not_a_file", file=str(path), kind=kind)


def connect(
    path: Path, *, read_only: bool = False, timeout: float = READ_TIMEOUT
) -> sqlite3.Connection | None:
    """Open the history. Read-only: ``None`` when nothing is stored yet; the schema is checked.

    A writer's schema is created or migrated inside :func:`writing`, under the lock.
    """
    _regular(path)
    try:
        if read_only:
            if not path.exists():
                return None
            uri = path.resolve().as_uri() + "?mode=ro"
            conn = sqlite3.connect(uri, uri=True, timeout=timeout, isolation_level=None)
            try:
                empty = _version(conn, path) == -1
            except BaseException:
                conn.close()
                raise
            if empty:  # created by a run that then failed: nothing stored
                conn.close()
                return None
            return conn
        path.parent.mkdir(parents=True, exist_ok=True)
        return sqlite3.connect(path, timeout=0, isolation_level=None)
    except sqlite3.Error as exc:
        if _is_busy(exc):
            raise NotReadyError("history.busy", file=str(path), seconds=f"{timeout:g}") from None
        raise _unusable(path, exc) from None
    except OSError as exc:
        raise _unusable(path, exc) from None


def _begin(conn: sqlite3.Connection, path: Path, timeout: float) -> None:
    """BEGIN EXCLUSIVE, retrying while the file is busy; exit 75 after ``timeout`` seconds.

    The wait is a Python loop (not SQLite's busy handler) so that SIGTERM and Ctrl-C end it.
    """
    deadline = time.monotonic() + min(max(timeout, 0.0), _MAX_WAIT)
    pause = 0.01
    while True:
        try:
            conn.execute("BEGIN EXCLUSIVE")
            return
        except sqlite3.Error as exc:
            if not _is_busy(exc):
                raise _unusable(path, exc) from None
            left = deadline - time.monotonic()
            if left <= 0:
                raise NotReadyError(
                    "history.busy", file=str(path), seconds=f"{timeout:g}"
                ) from None
            time.sleep(min(pause, left))
            pause = min(pause * 2, 0.2)


def _prepare(conn: sqlite3.Connection, path: Path) -> None:
    """Create the schema in a new file, or migrate an older one (inside the transaction)."""
    version = _version(conn, path)
    if version == -1:
        _run_script(conn, SCHEMA)
    else:
        while version < VERSION:
            _run_script(conn, MIGRATIONS[version])
            version += 1
    conn.execute(f"PRAGMA user_version = {VERSION}")


def _run_script(conn: sqlite3.Connection, script: str) -> None:
    """Statement by statement: executescript() would commit the open transaction first."""
    for statement in script.split(";"):
        if statement.strip():
            conn.execute(statement)


@contextlib.contextmanager
def writing(conn: sqlite3.Connection, path: Path, timeout: float) -> Iterator[sqlite3.Connection]:
    """One exclusive transaction: all of a run's writes, or none of them.

    Waits up to ``timeout`` seconds for other processes (exit 75 after that, nothing
    written). Commits on leaving, unless :func:`commit` already did.
    """
    _begin(conn, path, timeout)
    try:
        try:
            _prepare(conn, path)
        except sqlite3.Error as exc:
            raise _unusable(path, exc) from None
        yield conn
    except BaseException:
        with contextlib.suppress(sqlite3.Error):
            if conn.in_transaction:
                conn.execute("ROLLBACK")
        raise
    commit(conn, path)


def commit(conn: sqlite3.Connection, path: Path) -> None:
    if not conn.in_transaction:
        return
    try:
        conn.execute("COMMIT")
    except sqlite3.Error as exc:
        raise _unusable(path, exc) from None


def _partial(period: str, as_of: pd.Timestamp) -> bool:
    """A window not over at the as-of time: its result may still change."""
    return bool(as_of < parse_period(period).last_instant)


def record(
    conn: sqlite3.Connection,
    card: Scorecard,
    *,
    rulebook_sha256: str,
    exit_code: int,
    recorded_at: dt.datetime | None = None,
) -> int:
    """Store one run's results: complete ones replace what was stored, partial ones only
    replace partial ones."""
    now = (recorded_at or dt.datetime.now()).isoformat(timespec="seconds")
    group_by = card.group_by or ""
    cursor = conn.execute(
        "INSERT INTO runs (recorded_at, rulebook, rulebook_sha256, period, as_of, group_by,"
        " inputs, cskpi_version, exit_code, verdict, partial)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
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
            card.verdict,
            int(card.partial),
        ),
    )
    run_id = int(cursor.lastrowid or 0)
    windows = {r.period: _partial(r.period, card.as_of) for r in card.results}
    for result in card.results:
        conn.execute(
            "INSERT INTO results (rulebook, standard, group_by, group_value, period, status,"
            " actual, comparison, target, level, metric, run_id, recorded_at, partial)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
            " ON CONFLICT (rulebook, standard, group_by, group_value, period) DO UPDATE SET"
            " status = excluded.status, actual = excluded.actual,"
            " comparison = excluded.comparison, target = excluded.target,"
            " level = excluded.level, metric = excluded.metric, run_id = excluded.run_id,"
            " recorded_at = excluded.recorded_at, partial = excluded.partial"
            " WHERE excluded.partial = 0 OR results.partial = 1",
            (
                card.rulebook_id,
                result.standard,
                group_by if result.group is not None else "",
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
                int(windows[result.period]),
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
