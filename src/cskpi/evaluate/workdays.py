"""Working-day deadlines: "resolved within 3 working days", on China's official calendar.

The calendar is chinesecalendar's copy of the State Council's holiday notices, with their
make-up working days (调休): 2026-10-10, a Saturday, is a working day after National Day.
A year the package does not cover yet (the notice for next year comes out in November or
December) is not a stop: that year counts Monday to Friday as working days, plus the
holidays and make-up days a rulebook or project lists, and every deadline computed across
it is *guessed*, so the results built on it are marked provisional. A year whose days are
all listed by hand (``complete_years``) is as good as the official data.

The core never prints: it returns the guessed rows and the years concerned, and the edges
say so.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from cskpi.errors import Problem
from cskpi.rulebook.derive import DeadlineRule

if TYPE_CHECKING:  # pandas only when deadlines are derived: `rules check` stays light
    import numpy as np
    import pandas as pd

    from cskpi.rulebook.compiled import Rulebook


@functools.cache
def official_years() -> tuple[int, int]:
    """First and last year chinesecalendar has the official notice for (2004, 2026 in 1.11)."""
    from chinese_calendar import constants

    years = [d.year for d in constants.holidays] + [d.year for d in constants.workdays]
    return min(years), max(years)


def calendar_version() -> str:
    import chinese_calendar

    return str(getattr(chinese_calendar, "__version__", "?"))


@dataclass
class WorkCalendar:
    """China's official calendar, plus local holidays and working days, with a fallback.

    A year neither official nor listed in full counts Monday to Friday, plus the listed days.
    """

    extra_holidays: set[dt.date] = field(default_factory=set)
    extra_workdays: set[dt.date] = field(default_factory=set)
    complete_years: frozenset[int] = frozenset()  # years whose days are all listed by hand

    def covers(self, year: int) -> bool:
        """True when ``year`` has official data or is listed in full by hand."""
        first, last = official_years()
        return first <= year <= last or year in self.complete_years

    def is_workday(self, day: dt.date) -> bool:
        if day in self.extra_holidays:
            return False
        if day in self.extra_workdays:
            return True
        first, last = official_years()
        if first <= day.year <= last:
            import chinese_calendar

            return bool(chinese_calendar.is_workday(day))
        return day.weekday() < 5

    def deadline(self, start: dt.date, n: int) -> tuple[dt.date, bool]:
        """The n-th working day after ``start`` and whether a guessed year was crossed."""
        day = start
        counted = 0
        guessed = not self.covers(start.year)
        while counted < n:
            day += dt.timedelta(days=1)
            guessed = guessed or not self.covers(day.year)
            if self.is_workday(day):
                counted += 1
        return day, guessed

    def add_working_days(self, start: dt.date, n: int) -> dt.date:
        """The n-th working day after ``start`` (the day of receipt itself not counted)."""
        return self.deadline(start, n)[0]


def derive_deadlines(
    dates: pd.Series, rule: DeadlineRule, calendar: WorkCalendar
) -> tuple[pd.Series, np.ndarray]:
    """Deadlines from a date column (a working-day deadline is the end of that day), and
    which rows crossed a year the calendar only guesses."""
    import numpy as np
    import pandas as pd

    no_guess = np.zeros(len(dates), dtype=bool)
    if rule.unit == "hours":
        return dates + pd.Timedelta(hours=rule.amount), no_guess
    end = pd.Timedelta(days=1) - pd.Timedelta(microseconds=1)
    if rule.unit == "days":
        return dates.dt.normalize() + pd.Timedelta(days=rule.amount) + end, no_guess
    days = dates.dt.normalize()
    distinct = days.dropna().unique()  # a month has ~30 distinct days: compute each once
    lookup = {d: calendar.deadline(pd.Timestamp(d).date(), rule.amount) for d in distinct}
    mapped = days.map({d: pd.Timestamp(v[0]) for d, v in lookup.items()})
    guessed = days.map({d: v[1] for d, v in lookup.items()}).fillna(False).to_numpy(dtype=bool)
    values = pd.Series(pd.to_datetime(mapped).to_numpy(dtype="datetime64[us]"), index=dates.index)
    return values + end, guessed


def calendar_from(
    holidays: Iterable[dt.date], workdays: Iterable[dt.date], complete_years: Iterable[int] = ()
) -> WorkCalendar:
    return WorkCalendar(set(holidays), set(workdays), frozenset(complete_years))


def rulebook_calendar(rulebook: Rulebook) -> WorkCalendar:
    days = rulebook.calendar
    return calendar_from(days.holidays, days.workdays, days.complete_years)


@dataclass(frozen=True)
class Derived:
    """Frames with their derived columns filled, the rows whose value rests on a guessed year
    (dataset -> derived field -> mask), and a warning per guessed year."""

    frames: dict[str, pd.DataFrame]
    guessed: dict[str, dict[str, np.ndarray]]
    warnings: tuple[Problem, ...] = ()


def derive_columns(rulebook: Rulebook, frames: Mapping[str, pd.DataFrame]) -> Derived:
    """Fill derived columns (deadlines from a receipt date) where the sheet has no value.

    A value given in the sheet always wins; only the rows that were filled can be guessed.
    """
    import pandas as pd

    calendar = rulebook_calendar(rulebook)
    out: dict[str, pd.DataFrame] = {}
    guessed: dict[str, dict[str, np.ndarray]] = {}
    for dataset_id, frame in frames.items():
        known = rules_of(rulebook, dataset_id) if dataset_id in rulebook.datasets else {}
        rules = {fid: rule for fid, rule in known.items() if rule.source in frame.columns}
        if not rules:
            out[dataset_id] = frame
            continue
        frame = frame.copy()
        for fid, rule in rules.items():
            values, rows = derive_deadlines(frame[rule.source], rule, calendar)
            if fid in frame.columns:
                blank = frame[fid].isna().to_numpy(dtype=bool)
                frame[fid] = frame[fid].fillna(pd.Series(values.array, index=frame.index))
                rows = rows & blank
            else:
                frame[fid] = values.array
            if rows.any():
                guessed.setdefault(dataset_id, {})[fid] = rows
        out[dataset_id] = frame
    years: set[int] = set()
    for dataset_id, masks in guessed.items():
        frame = out[dataset_id]
        for fid, rows in masks.items():
            source = frame[rules_of(rulebook, dataset_id)[fid].source][rows]
            years |= {int(y) for y in source.dt.year.dropna().unique()}
            years |= {int(y) for y in frame[fid][rows].dt.year.dropna().unique()}
    first, last = official_years()
    warnings = tuple(
        Problem("calendar.guessed_year", {"year": year, "first": first, "last": last})
        for year in sorted(y for y in years if not calendar.covers(y))
    )
    return Derived(out, guessed, warnings)


def rules_of(rulebook: Rulebook, dataset_id: str) -> dict[str, DeadlineRule]:
    """The derived columns of a dataset: field -> rule."""
    columns = rulebook.datasets[dataset_id].columns
    return {fid: col.derive for fid, col in columns.items() if col.derive is not None}
