"""Working-day deadlines: "resolved within 3 working days", on China's official calendar.

The calendar is chinesecalendar's copy of the State Council's holiday notices, with their
make-up working days (调休): 2026-10-10, a Saturday, is a working day after National Day.
It covers 2004 to 2026 (version 1.11): the 2027 notice is not published yet, so a date
outside the covered years is an error, never a guess. A rulebook may add local holidays
and working days.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from cskpi.errors import InputError
from cskpi.rulebook.derive import DeadlineRule

if TYPE_CHECKING:  # pandas only when deadlines are derived: `rules check` stays light
    import pandas as pd


@dataclass
class WorkCalendar:
    extra_holidays: set[dt.date] = field(default_factory=set)
    extra_workdays: set[dt.date] = field(default_factory=set)

    def is_workday(self, day: dt.date) -> bool:
        if day in self.extra_holidays:
            return False
        if day in self.extra_workdays:
            return True
        import chinese_calendar

        try:
            return bool(chinese_calendar.is_workday(day))
        except NotImplementedError as exc:
            raise InputError(
                "input.calendar_range", date=day.isoformat(), detail=str(exc)
            ) from None

    def add_working_days(self, start: dt.date, n: int) -> dt.date:
        """The n-th working day after ``start`` (the day of receipt itself not counted)."""
        day = start
        counted = 0
        while counted < n:
            day += dt.timedelta(days=1)
            if self.is_workday(day):
                counted += 1
        return day


def derive_deadlines(dates: pd.Series, rule: DeadlineRule, calendar: WorkCalendar) -> pd.Series:
    """Deadlines from a date column; a working-day deadline is the end of that day."""
    import pandas as pd

    if rule.unit == "hours":
        return dates + pd.Timedelta(hours=rule.amount)
    end = pd.Timedelta(days=1) - pd.Timedelta(microseconds=1)
    if rule.unit == "days":
        return dates.dt.normalize() + pd.Timedelta(days=rule.amount) + end
    days = dates.dt.normalize()
    distinct = days.dropna().unique()  # a month has ~30 distinct days: compute each once
    lookup = {
        d: pd.Timestamp(calendar.add_working_days(pd.Timestamp(d).date(), rule.amount))
        for d in distinct
    }
    mapped = days.map(lookup)
    return (
        pd.Series(pd.to_datetime(mapped).to_numpy(dtype="datetime64[us]"), index=dates.index) + end
    )


def calendar_from(holidays: Iterable[dt.date], workdays: Iterable[dt.date]) -> WorkCalendar:
    return WorkCalendar(set(holidays), set(workdays))
