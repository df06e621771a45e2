"""Which month a run evaluates when none is named: where the data really is.

A stray row dated in a later month (one complaint logged on 28 November in October's
workbook, a 2026-12 typo) must not turn the run into a run of that month, with October's
failures out of sight and a pass from almost no data. So the default is the latest month
that is over and holds a real share of the rows; the month under way is evaluated only when
no month before it has data, or when it is asked for (``--period``). When later months have
rows, the run says which month it chose, which it did not, and how to choose.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from cskpi.errors import Problem
from cskpi.evaluate.periods import Period
from cskpi.rulebook.compiled import Rulebook

MIN_SHARE = 0.2  # a month with fewer rows than this share of the busiest month is stray rows


def _months(
    rulebook: Rulebook, frames: Mapping[str, pd.DataFrame], now: pd.Timestamp | None
) -> dict[Period, int]:
    """Rows per month by each dataset's own date (rows dated after ``now`` never count)."""
    out: dict[Period, int] = {}
    for dataset_id, frame in frames.items():
        column = rulebook.datasets[dataset_id].date_column
        if not column or column not in frame.columns:
            continue
        dates = frame[column].dropna()
        if now is not None:
            dates = dates[dates <= now]
        if dates.empty:
            continue
        counts = (dates.dt.year * 12 + dates.dt.month - 1).value_counts()
        for key, n in counts.items():
            month = Period(
                pd.Timestamp(year=int(key) // 12, month=int(key) % 12 + 1, day=1), "month"
            )
            out[month] = out.get(month, 0) + int(n)
    return out


def default_period(
    rulebook: Rulebook, frames: Mapping[str, pd.DataFrame], now: pd.Timestamp | None = None
) -> tuple[Period | None, list[Problem]]:
    """The month to evaluate (None: no dated rows), and a warning naming the later months
    with rows that were not chosen and the ``--period`` that picks one.

    The latest month that is over and holds at least :data:`MIN_SHARE` of the rows of the
    busiest such month: a few stray rows (a typo, one complaint logged early) never choose.
    Only when no month is over is the month under way chosen (partial, as-of now).
    """
    months = _months(rulebook, frames, now)
    if not months:
        return None, []
    over = {m: n for m, n in months.items() if now is None or m.last_instant <= now}
    if not over:
        return max(months), []  # only the month under way has data: evaluated so far
    busiest = max(over.values())
    chosen = max(m for m, n in over.items() if n >= MIN_SHARE * busiest)
    later = sorted(m for m in months if m > chosen)
    if not later:
        return chosen, []
    return chosen, [
        Problem(
            "period.default_chosen",
            {
                "chosen": chosen.label,
                "m": months[chosen],
                "later": ", ".join(f"{m.label} ({months[m]})" for m in later),
                "example": later[-1].label,
            },
        )
    ]
