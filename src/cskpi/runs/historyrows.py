"""The history read back for trends: every row checked as it is loaded.

A history file edited by hand (inf, text in a number, a malformed period, an unknown status)
is one message naming the file, the row and the column, never an internal error later."""

from __future__ import annotations

import math
import sqlite3
from functools import lru_cache
from typing import get_args

from cskpi.errors import CskpiError, OutputError
from cskpi.evaluate.periods import parse_period
from cskpi.evaluate.scorecard import Status
from cskpi.evaluate.trend import Row
from cskpi.rulebook.models import Comparison


def load_waivers(conn: sqlite3.Connection, rulebook: str) -> list[dict[str, str]]:
    """Every waiver stored with past runs, newest period first."""
    rows = conn.execute(
        "SELECT period, record_id, standard, reason, approver, approved_on FROM waivers"
        " WHERE rulebook = ? ORDER BY period DESC, record_id",
        (rulebook,),
    )
    keys = ("period", "record_id", "standard", "reason", "approver", "approved_on")
    waivers = [dict(zip(keys, row, strict=True)) for row in rows]
    for waiver in waivers:  # text as cskpi stores it, else the file was edited by hand
        bad = next((k for k in keys if not isinstance(waiver[k], str)), None)
        if bad is not None:
            raise OutputError(
                "history.bad_row",
                file=_file_of(conn),
                standard=str(waiver["standard"]),
                period=str(waiver["period"])[:40],
                column=bad,
                value=repr(waiver[bad])[:40],
            )
    return waivers


def _file_of(conn: sqlite3.Connection) -> str:
    return next((row[2] for row in conn.execute("PRAGMA database_list") if row[1] == "main"), "")


_LOAD = (
    "SELECT standard, group_by, group_value, period, status, actual, target,"
    " comparison, metric, recorded_at, partial FROM results WHERE rulebook = ?"
    " AND (group_by = '' OR group_by = ?)"
)


def _has_partial(conn: sqlite3.Connection) -> bool:
    """Version 0 files (read, never migrated by a reader) have no ``partial`` column."""
    return any(row[1] == "partial" for row in conn.execute("PRAGMA table_info(results)"))


_STATUSES = frozenset(get_args(Status))


_COMPARISONS = frozenset(get_args(Comparison))


def _check_row(
    conn: sqlite3.Connection,
    std: object,
    period: object,
    status: object,
    actual: object,
    target: object,
    texts: tuple[object, ...],
) -> None:
    """A stored result as cskpi writes it, else one error naming the history file and the
    row: a file edited by hand (inf, NaN, text in a number, a malformed period) must not
    crash the trend or show an impossible value."""

    bad: tuple[str, object] | None = None
    if not isinstance(period, str) or not _valid_period(period):
        bad = ("period", period)
    elif status not in _STATUSES:
        bad = ("status", status)
    elif not _number(actual, optional=True):
        bad = ("actual", actual)
    elif not _number(target, optional=False):
        bad = ("target", target)
    elif texts[0] not in _COMPARISONS:
        bad = ("comparison", texts[0])
    elif not isinstance(texts[1], str):
        bad = ("metric", texts[1])
    elif not isinstance(texts[2], str):
        bad = ("recorded_at", texts[2])
    if bad is None:
        return
    raise OutputError(
        "history.bad_row",
        file=_file_of(conn),
        standard=str(std),
        period=str(period)[:40],
        column=bad[0],
        value=repr(bad[1])[:40],
    )


def _number(value: object, optional: bool) -> bool:
    if value is None:
        return optional
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


@lru_cache(maxsize=4096)  # a history holds a few dozen periods in a million rows
def _valid_period(text: str) -> bool:
    """A period label as cskpi stores it (2026-10, 2026Q4, 2026), not a word like previous."""
    try:
        return parse_period(text).label == text
    except CskpiError:
        return False


def load(
    conn: sqlite3.Connection,
    rulebook: str,
    *,
    standard: str | None = None,
    group_by: str | None = None,
) -> list[Row]:
    """Stored results of one rulebook: overall ones, plus one grouping's when asked."""
    query = _LOAD if _has_partial(conn) else _LOAD.replace(" partial FROM", " 0 FROM")
    params: list[object] = [rulebook, group_by or ""]
    if standard:
        query += " AND standard = ?"
        params.append(standard)
    _check_rows(conn, query, params)
    rows = []
    for std, grouping, group, *values in conn.execute(query, params):
        period, status, actual, target, comparison, metric, recorded_at, partial = values
        shown = group if grouping else None
        row = (period, status, actual, target, comparison, metric, recorded_at)
        rows.append(Row(std, shown, *row, partial=bool(partial)))
    return rows


# Every condition _check_row puts on a row, in SQL: SQLite finds the few rows that may be
# bad (none in a history cskpi wrote) in C, and _check_row judges those alone. A million
# rows checked one by one in Python took about 4 s of `history --by agent`.
_MAX = "1.7976931348623157e308"  # an infinity stored by hand is beyond it; NaN is stored NULL
_SOUND = (
    "coalesce(status IN ({statuses}) AND comparison IN ({comparisons})"
    " AND typeof(period) = 'text' AND typeof(metric) = 'text' AND typeof(recorded_at) = 'text'"
    f" AND typeof(target) IN ('integer', 'real') AND abs(target) <= {_MAX}"
    f" AND (actual IS NULL OR (typeof(actual) IN ('integer', 'real') AND abs(actual) <= {_MAX}))"
    ", 0)"
)


def _check_rows(conn: sqlite3.Connection, query: str, params: list[object]) -> None:
    """:func:`_check_row` for every row ``query`` selects; the first bad one is the error."""
    statuses, comparisons = sorted(_STATUSES), sorted(_COMPARISONS)
    sound = _SOUND.format(
        statuses=", ".join("?" * len(statuses)), comparisons=", ".join("?" * len(comparisons))
    )
    # query and sound are cskpi's own text; every value is bound
    distinct = f"SELECT DISTINCT period FROM ({query})"  # noqa: S608
    periods = {p for (p,) in conn.execute(distinct, params)}
    bad_periods = sorted(
        (p for p in periods if not (isinstance(p, str) and _valid_period(p))), key=repr
    )
    doubtful = f"SELECT * FROM ({query}) WHERE NOT {sound}"  # noqa: S608
    values = [*params, *statuses, *comparisons]
    if bad_periods:
        doubtful += f" OR period IN ({', '.join('?' * len(bad_periods))})"
        values += bad_periods
    for std, _grouping, _group, *row in conn.execute(doubtful, values):
        period, status, actual, target, comparison, metric, recorded_at, _partial = row
        _check_row(conn, std, period, status, actual, target, (comparison, metric, recorded_at))
