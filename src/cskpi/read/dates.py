"""The column engine for dates and deadlines (the vocabulary: :mod:`cskpi.language.spelling`).

Excel's date cells arrive as ``2026-10-05 14:30:00``: Arrow's strict ISO parser takes a whole
column of those at once. Anything else is cleaned (NFKC, white space), rewritten
(2026年11月2号 -> 2026-11-2, 20261102 -> 2026-11-02) and matched with Arrow's regex kernel
against the column's own formats, then the usual spelling; the parts are assembled with
numpy, impossible dates refused, aware times converted to the rulebook's zone.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from cskpi.language.patterns import (
    CN_DATE,
    COMPACT_DATE,
    DATE_PATTERN,
    MONTH_NAMES,
    NUMBER_PATTERNS,
    why,
)
from cskpi.language.spelling import Spelling
from cskpi.read.cells import Converted, clean_column, group, group_ints, to_numpy, trim

US_PER_SECOND = 1_000_000


_CANONICAL = (
    "^[0-9]{4}-[0-9]{2}-[0-9]{2}(?:[ T][0-9]{2}(?::[0-9]{2}(?::[0-9]{2}(?:\\.[0-9]{1,6})?)?)?)?$"
)


def _iso(text: pa.Array) -> np.ndarray | None:
    """Arrow's strict ISO parser on every cell (Excel dates arrive so), or None if any fails."""
    try:
        return to_numpy(pc.cast(text, pa.timestamp("us"))).astype("datetime64[us]")
    except pa.ArrowInvalid:
        return None


@dataclass(frozen=True)
class _Parsed:
    wall: np.ndarray  # datetime64[us], wall clock as written
    offset: np.ndarray  # minutes east of UTC; only where ``aware``
    aware: np.ndarray
    valid: np.ndarray  # matched and a real date and time


def _assemble(found: pa.Array) -> _Parsed:
    """Date and time parts matched by a pattern -> wall-clock times; impossible ones invalid."""
    names = {found.type.field(i).name for i in range(found.type.num_fields)}
    year = group_ints(found, "Y", -1)
    short = group_ints(found, "y", 0)
    year = np.where(year < 0, np.where(short < 69, 2000 + short, 1900 + short), year)
    month = group_ints(found, "m", 1)
    if "b" in names:
        abbreviation = pc.utf8_slice_codeunits(pc.utf8_lower(group(found, "b")), 0, 3)
        named = pc.index_in(abbreviation, value_set=pa.array(MONTH_NAMES))
        month = np.where(to_numpy(named.is_valid()), to_numpy(pc.fill_null(named, 0)) + 1, month)
    day = group_ints(found, "d", 1)
    hour = group_ints(found, "H", 0)
    twelve = np.zeros(len(found), dtype=bool)
    if "I" in names:
        clock = group_ints(found, "I", 0)
        meridiem = pc.utf8_lower(group(found, "p"))
        pm = to_numpy(pc.fill_null(pc.is_in(meridiem, pa.array(["pm", "下午"])), False))
        twelve = (clock < 1) | (clock > 12)
        hour = np.where(clock > 0, clock % 12 + np.where(pm, 12, 0), hour)
    minute, second = group_ints(found, "M", 0), group_ints(found, "S", 0)
    fraction = pc.utf8_slice_codeunits(pc.utf8_rpad(group(found, "f"), 6, "0"), 0, 6)
    micro = to_numpy(pc.fill_null(pc.cast(fraction, pa.int64()), 0)).astype(np.int64)
    ok = (
        to_numpy(found.is_valid())
        & (year >= 1)
        & (year <= 9999)
        & (month >= 1)
        & (month <= 12)
        & (day >= 1)
        & ~twelve
        & (hour <= 23)
        & (minute <= 59)
        & (second <= 59)
    )
    safe_year, safe_month = np.where(ok, year, 2000), np.where(ok, month, 1)
    first = ((safe_year - 1970) * 12 + safe_month - 1).astype("datetime64[M]")
    length = ((first + 1).astype("datetime64[D]") - first.astype("datetime64[D]")).astype(int)
    ok &= day <= length
    days = first.astype("datetime64[D]") + np.where(ok, day - 1, 0).astype("timedelta64[D]")
    seconds = (hour * 3600 + minute * 60 + second) * US_PER_SECOND + micro
    wall = days.astype("datetime64[us]") + np.where(ok, seconds, 0).astype("timedelta64[us]")
    offset, aware = _offsets(group(found, "z"))
    ok &= ~(aware & (np.abs(offset) > 14 * 60 + 59))
    return _Parsed(wall, offset, aware & ok, ok)


def _offsets(zone: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """'+08:00' -> 480 minutes, 'Z' -> 0, and whether a cell has a zone at all; an
    impossible offset comes out beyond 14:59 (the caller refuses it)."""
    aware = to_numpy(zone.is_valid())
    offset = np.zeros(len(zone), dtype=np.int64)
    if not aware.any():
        return offset, aware
    parts = pc.extract_regex(zone, "^(?P<sign>[-+])(?P<hh>[0-9]{2}):?(?P<mm>[0-9]{2})?$")
    hours, minutes = group_ints(parts, "hh", 0), group_ints(parts, "mm", 0)
    sign = np.where(to_numpy(pc.fill_null(pc.equal(group(parts, "sign"), "-"), False)), -1, 1)
    total = np.where(minutes > 59, 10_000, hours * 60 + minutes) * sign
    return total.astype(np.int64), aware


def _to_zone(parsed: _Parsed, spelling: Spelling) -> np.ndarray:
    """Aware times as the wall clock of the rulebook's zone; naive ones as they are."""
    wall = parsed.wall.copy()
    if parsed.aware.any():
        import dateutil.tz

        utc = wall[parsed.aware] - parsed.offset[parsed.aware].astype("timedelta64[m]")
        zone = spelling.zone or dateutil.tz.tzlocal()
        local = pd.DatetimeIndex(utc).tz_localize("UTC").tz_convert(zone).tz_localize(None)
        wall[parsed.aware] = local.to_numpy().astype("datetime64[us]")
    return wall


def _rewrite(text: pa.Array) -> pa.Array:
    text = pc.replace_substring_regex(text, CN_DATE[0], CN_DATE[1], max_replacements=1)
    text = pc.utf8_trim(text, " ")
    return pc.replace_substring_regex(text, COMPACT_DATE[0], COMPACT_DATE[1], max_replacements=1)


def to_date(raw: pa.Array | pd.Series, spelling: Spelling | None = None) -> Converted:
    """Dates and date-times: Excel dates, ISO (``T``, fractions, ``Z``, offsets),
    ``2026/10/5``, ``2026年11月2号``, ``20261102``, and the column's own ``formats`` first.

    Aware times are converted to the rulebook's zone; naive ones are taken as in it. A bare
    number, an impossible date and a date outside the plausible range are refused.
    """
    rules = spelling or Spelling("date")
    text, blank = trim(raw)
    n = len(text)
    stamps = np.full(n, np.datetime64("NaT"), dtype="datetime64[us]")
    todo = ~blank
    impossible = np.zeros(n, dtype=bool)
    if not rules.formats and todo.any():  # the common case: ISO cells, Arrow's parser
        where = np.flatnonzero(todo)
        cells = pc.take(text, pa.array(where))
        fast = _iso(cells)
        if fast is None:  # some cell is not ISO: try the ISO-looking ones alone
            canonical = pc.match_substring_regex(cells, _CANONICAL)
            where = where[to_numpy(pc.fill_null(canonical, False))]
            fast = _iso(pc.take(text, pa.array(where))) if where.size else None
        if fast is not None:
            stamps[where] = fast
            todo[where] = False
    numeric = np.zeros(n, dtype=bool)
    if todo.any():
        where = np.flatnonzero(todo)
        cleaned = _rewrite(clean_column(pc.take(text, pa.array(where))))
        blank[where] = to_numpy(pc.equal(cleaned, ""))
        left = ~blank[where]
        for pattern in (*rules.patterns, DATE_PATTERN):
            if not left.any():
                break
            found = pc.extract_regex(cleaned, pattern)
            matched = left & to_numpy(found.is_valid())
            if not matched.any():
                continue
            parsed = _assemble(found)
            wall = _to_zone(parsed, rules)
            good = matched & parsed.valid
            stamps[where[good]] = wall[good]
            impossible[where[matched & ~parsed.valid]] = True
            left &= ~matched
        if left.any():
            number = pc.match_substring_regex(cleaned, NUMBER_PATTERNS["."])
            numeric[where[left & to_numpy(pc.fill_null(number, False))]] = True
    day = stamps.astype("datetime64[D]")
    earliest = np.datetime64(rules.earliest, "D")
    latest = np.datetime64(rules.latest, "D")
    known = ~np.isnat(stamps)
    outside = known & ((day < earliest) | (day > latest))
    if rules.end_of_day:
        midnight = known & (stamps == day.astype("datetime64[us]"))
        stamps = np.where(midnight, stamps + np.timedelta64(86_400_000_000 - 1, "us"), stamps)
    stamps[outside] = np.datetime64("NaT")
    bad = ~blank & np.isnat(stamps)
    reasons = (
        (why("why.no_such_date"), impossible),
        (why("why.number_not_date"), numeric),
        (
            why("why.date_range", earliest=str(rules.earliest), latest=str(rules.latest)),
            outside,
        ),
    )
    return Converted(pd.Series(stamps), bad, reasons)


def to_deadline(raw: pa.Array | pd.Series, spelling: Spelling | None = None) -> Converted:
    """A date where no time of day (or exactly 00:00) means the end of that day."""
    rules = spelling or Spelling("deadline")
    return to_date(raw, dataclasses.replace(rules, kind="deadline"))
