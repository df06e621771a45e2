"""Calendar windows (month, quarter, year) and how a standard's own period fits the evaluated one.

A standard's period may be longer than the period being evaluated (a quarterly limit in an
October run covers the quarter to date) or shorter (monthly standards in a quarter run are
evaluated for each month inside it).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Literal

import pandas as pd

from cskpi.errors import UsageError
from cskpi.language.patterns import Unreadable
from cskpi.language.spelling import Spelling, read_moment

Granularity = Literal["month", "quarter", "year"]
_RANK = {"month": 1, "quarter": 2, "year": 3}


@dataclass(frozen=True, order=True)
class Period:
    """A calendar window [start, end) at one granularity, labelled like 2026-10, 2026Q4, 2026."""

    start: pd.Timestamp
    granularity: Granularity

    @property
    def end(self) -> pd.Timestamp:
        """The first instant after the window."""
        months = {"month": 1, "quarter": 3, "year": 12}[self.granularity]
        return self.start + pd.DateOffset(months=months)

    @property
    def last_instant(self) -> pd.Timestamp:
        return self.end - pd.Timedelta(microseconds=1)

    @property
    def label(self) -> str:
        if self.granularity == "month":
            return f"{self.start.year:04d}-{self.start.month:02d}"
        if self.granularity == "quarter":
            return f"{self.start.year:04d}Q{(self.start.month - 1) // 3 + 1}"
        return f"{self.start.year:04d}"

    def __str__(self) -> str:
        return self.label

    def containing(self, granularity: Granularity) -> Period:
        """The window of ``granularity`` that contains this window's start."""
        return period_of(self.start, granularity)

    def split(self, granularity: Granularity) -> list[Period]:
        """The windows of a finer ``granularity`` inside this one, in order."""
        out: list[Period] = []
        current = period_of(self.start, granularity)
        while current.start < self.end:
            out.append(current)
            current = Period(current.end, granularity)
        return out


def period_of(moment: pd.Timestamp, granularity: Granularity) -> Period:
    """The window of ``granularity`` that contains ``moment``."""
    month = {"month": moment.month, "quarter": (moment.month - 1) // 3 * 3 + 1, "year": 1}[
        granularity
    ]
    return Period(pd.Timestamp(year=moment.year, month=month, day=1), granularity)


_PATTERNS: list[tuple[re.Pattern[str], Granularity]] = [
    (re.compile(r"^(\d{4})-(\d{1,2})$"), "month"),
    (re.compile(r"^(\d{4})[Qq]([1-4])$"), "quarter"),
    (re.compile(r"^(\d{4})$"), "year"),
]


def now(zone: dt.tzinfo | None = None) -> pd.Timestamp:
    """The time now on the wall clock of ``zone`` (the rulebook's; None: the machine's): the one
    clock of a run (tests fix it here; the core is given it)."""
    if zone is None:
        return pd.Timestamp.now()
    return pd.Timestamp.now(tz=zone).tz_localize(None)


def today() -> dt.date:
    """Today in the local time zone, from :func:`now`."""
    moment = now()
    return dt.date(moment.year, moment.month, moment.day)


def previous_month(on: dt.date) -> Period:
    """The last complete month before ``on``."""
    first = pd.Timestamp(year=on.year, month=on.month, day=1)
    return period_of(first - pd.Timedelta(days=1), "month")


def parse_period(text: str) -> Period:
    """``2026-10`` | ``2026Q3`` | ``2026`` | ``previous`` -> Period; else a usage error."""
    value = text.strip()
    if value.lower() == "previous":
        return previous_month(today())
    for pattern, granularity in _PATTERNS:
        match = pattern.match(value)
        if not match:
            continue
        year = int(match.group(1))
        if granularity == "month":
            month = int(match.group(2))
            if not 1 <= month <= 12:
                break
        elif granularity == "quarter":
            month = (int(match.group(2)) - 1) * 3 + 1
        else:
            month = 1
        if not 1900 <= year <= 2999:
            break
        return Period(pd.Timestamp(year=year, month=month, day=1), granularity)
    raise UsageError("usage.bad_period", value=text)


def parse_as_of(text: str, moments: Spelling | None = None) -> pd.Timestamp:
    """A date means the end of that day; a date and time means that moment.

    Spelt like a date cell (``2026-10-20``, ``2026-10-20T12:00+08:00``, ``2026年10月20日``); a
    time with a zone or offset is converted to the rulebook's zone (``moments``), one without
    is taken as already in it.
    """
    try:
        moment, timed = read_moment(text, moments or Spelling("date"))
    except Unreadable:
        raise UsageError("usage.bad_as_of", value=text) from None
    stamp = pd.Timestamp(moment)
    if not timed:
        stamp = stamp + pd.Timedelta(days=1) - pd.Timedelta(microseconds=1)
    return stamp


def moment_text(stamp: pd.Timestamp) -> str:
    """An as-of as it was typed: a date alone for the end of a day (``2026-12-05``, not
    ``2026-12-05 23:59:59.999999``), else the date and time to the minute or second."""
    end_of_day = stamp.normalize() + pd.Timedelta(days=1) - pd.Timedelta(microseconds=1)
    if stamp == end_of_day:
        return f"{stamp:%Y-%m-%d}"
    if stamp.second == 0 and stamp.microsecond == 0:
        return f"{stamp:%Y-%m-%d %H:%M}"
    return f"{stamp:%Y-%m-%d %H:%M:%S}"


def check_not_future(
    period: Period, as_of: pd.Timestamp | None, now: pd.Timestamp
) -> pd.Timestamp | None:
    """Refuse a period that has not begun and an as-of after ``now`` (exit 2).

    Nothing can be known of them yet, and a run over them would read as a pass. An as-of
    later today (``--as-of`` with today's date means the end of today) means up to now.
    """
    if period.start > now:
        raise UsageError("usage.future_period", period=period.label, today=now.date().isoformat())
    if as_of is not None and as_of > now:
        if as_of.normalize() != now.normalize():
            raise UsageError(
                "usage.future_as_of", as_of=moment_text(as_of), today=now.date().isoformat()
            )
        return now
    return as_of


def check_as_of(period: Period, as_of: pd.Timestamp | None) -> None:
    """Refuse an as-of at or before the period's first instant (exit 2): the window up to it
    is empty, so every count would be 0 and every limit met, from no data at all."""
    if as_of is not None and as_of <= period.start:
        raise UsageError("usage.as_of_before_period", as_of=moment_text(as_of), period=period.label)


def windows_for(evaluated: Period, granularity: Granularity, as_of: pd.Timestamp) -> list[Period]:
    """The windows a standard of ``granularity`` is evaluated on for the ``evaluated`` period.

    Longer standard periods give the one window containing the evaluated period; shorter ones
    give each window inside it that has started by ``as_of``.
    """
    if _RANK[granularity] >= _RANK[evaluated.granularity]:
        return [evaluated.containing(granularity)]
    return [w for w in evaluated.split(granularity) if w.start <= as_of]
