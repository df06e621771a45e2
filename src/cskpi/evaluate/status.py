"""Whether a value meets its target, and the early warning's pace for a count limit.

One place decides pass/warn/fail for every output (the presenters call :func:`judge` too), and
one place projects a count to the window's end."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd

from cskpi.evaluate.periods import (
    Period,
)
from cskpi.evaluate.scorecard import Status
from cskpi.rulebook.compiled import Standard
from cskpi.rulebook.metrics import Metric

_COMPARE: dict[str, Callable[[float, float], bool]] = {
    "<=": lambda a, b: a <= b,
    "<": lambda a, b: a < b,
    ">=": lambda a, b: a >= b,
    ">": lambda a, b: a > b,
    "==": lambda a, b: math.isclose(a, b),
}


def judge(
    actual: float | None, comparison: str, target: float, warn_target: float | None = None
) -> Status:
    """pass / warn / fail / no_data for one value.

    ``warn`` means the target is met but the stricter ``warn_target`` is not.
    """
    if actual is None:
        return "no_data"
    value = round(actual, 9)  # 19/20 must equal 0.95, not 0.9499999
    if not _COMPARE[comparison](value, target):
        return "fail"
    if warn_target is not None and not _COMPARE[comparison](value, warn_target):
        return "warn"
    return "pass"


@dataclass(frozen=True)
class Budget:
    """How much of a count limit is used, and where the current pace leads."""

    projected: float
    days_left: float


@dataclass(frozen=True)
class Pace:
    """A window still running at as-of: its length, the days elapsed and the days left."""

    total: float
    elapsed: float
    days_left: float

    def budget(self, count: float) -> Budget:
        return Budget(projected=count * self.total / self.elapsed, days_left=self.days_left)


def pace(window: Period, as_of: pd.Timestamp) -> Pace | None:
    """Days elapsed count from the window's start to the as-of time, at least one day, so a
    run on the first morning does not multiply one complaint by thirty. None when the
    window is already complete."""
    if as_of >= window.last_instant:
        return None
    day = pd.Timedelta(days=1)
    end = window.end
    return Pace(
        total=(end - window.start) / day,
        elapsed=max((as_of - window.start) / day, 1.0),
        days_left=(end - as_of) / day,
    )


def project(count: float, window: Period, as_of: pd.Timestamp) -> Budget | None:
    """Projection at the current pace: count x days in the window / days elapsed."""
    running = pace(window, as_of)
    return None if running is None else running.budget(count)


def undecided(metric: Metric, std: Standard, value: float | None, missing: int) -> bool:
    """Whether ``missing`` rows placed in no window (their date is blank) could turn a count
    limit's pass into a failure: then the pass is not known."""
    if not missing or value is None or metric.unit != "rows" or std.comparison not in ("<=", "<"):
        return False
    return judge(value + missing, std.comparison, std.target) == "fail"
