"""How results move over time: periods across, standards down, a sparkline and a failure streak.

Pure: works on rows read from the history, knows nothing of SQLite or terminals.

Periods run in time order, a quarter or year after its last month (2026-09, 2026Q3); a month
with no run between two that have one is shown as a gap, never closed up. A failure streak
counts the failures back from the latest result, stepping over months with no result (no
data, too few answers, no run): a month nobody measured does not make a failing standard pass.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache, cached_property

import pandas as pd

from cskpi.evaluate.groups import natural_key
from cskpi.evaluate.periods import Period, parse_period
from cskpi.rulebook.metrics import is_share


@dataclass(frozen=True)
class Row:
    """One stored result, as the history gives it back."""

    standard: str
    group: str | None
    period: str
    status: str
    actual: float | None
    target: float
    comparison: str
    metric: str
    recorded_at: str
    partial: bool = False  # the window was not over when this was recorded


SPARKS = "▁▂▃▄▅▆▇█"
GAP = "·"  # a period with no result: visibly nothing, not the lowest bar
UNKNOWN = ("no_data", "insufficient")  # no result: neither breaks nor extends a streak
_RANK = {"month": 0, "quarter": 1, "year": 2}
_STEP = {"month": 1, "quarter": 3, "year": 12}


@cache
def _granularity(label: str) -> str:
    return parse_period(label).granularity


@cache
def period_key(label: str) -> tuple[object, int]:
    """Time order by the end of the window: a quarter or year comes after its last month.

    Cached: a history of 2,000 agents over 36 months sorts a million labels of a few dozen
    distinct periods."""
    period = parse_period(label)
    return period.end, _RANK[period.granularity]


def _with_gaps(labels: Iterable[str]) -> list[str]:
    """The periods in time order, with the missing ones of each granularity in between."""
    spans: dict[str, list[Period]] = {}
    for label in labels:
        period = parse_period(label)
        spans.setdefault(period.granularity, []).append(period)
    filled: set[str] = set()
    for granularity, found in spans.items():
        start, last = min(p.start for p in found), max(p.start for p in found)
        while start <= last:
            filled.add(Period(start, found[0].granularity).label)
            start += pd.DateOffset(months=_STEP[granularity])
    return sorted(filled, key=period_key)


@dataclass(frozen=True)
class TrendLine:
    standard: str
    group: str | None
    cells: dict[str, Row]  # period label -> stored result
    streak: int  # consecutive failures up to the latest result, over periods with no result

    @cached_property
    def _kinds(self) -> frozenset[str]:
        return frozenset(_granularity(p) for p in self.cells)

    def covers(self, period: str) -> bool:
        """Whether ``period`` is of this line's kind (a monthly standard has no quarter cells)."""
        return _granularity(period) in self._kinds

    def sparkline(self, periods: Iterable[str]) -> str:
        """One bar per period of the line's kind, on a scale centred on the target: the
        farthest value reaches the top or bottom (at least 5 points for a share, 1 or a fifth
        of the target otherwise), so 100% -> 97.5% against 95% is a step down, not a fall to
        the floor. A period with no result is a gap."""
        own = [p for p in periods if self.covers(p)]
        values = [self.cells[p].actual if p in self.cells else None for p in own]
        known = [v for v in values if v is not None]
        if not known:
            return ""
        latest = self.cells[max(self.cells, key=period_key)]
        target = latest.target
        least = 0.05 if is_share(latest.metric) else max(1.0, abs(target) / 5)
        reach = max(least, *(abs(v - target) for v in known))
        return "".join(
            GAP if v is None else SPARKS[round((v - target + reach) / (2 * reach) * 7)]
            for v in values
        )


@dataclass(frozen=True)
class Trend:
    periods: tuple[str, ...]
    lines: tuple[TrendLine, ...]


def build_trend(rows: Iterable[Row], last: int = 12, order: Iterable[str] = ()) -> Trend:
    """The last ``last`` periods that have results, one line per standard and group.

    ``order`` lists standard ids in rulebook order; others follow alphabetically.
    """
    rows = list(rows)
    periods = _with_gaps({r.period for r in rows})[-last:] if last > 0 else []
    rank = {std: i for i, std in enumerate(order)}
    by_line: dict[tuple[str, str | None], dict[str, Row]] = {}
    for row in rows:
        by_line.setdefault((row.standard, row.group), {})[row.period] = row
    lines = []
    for (standard, group), cells in sorted(
        by_line.items(),
        key=lambda kv: (
            rank.get(kv[0][0], len(rank)),
            kv[0][0],
            kv[0][1] is not None,
            natural_key(kv[0][1] or ""),  # 二组 before 十组, as in the scorecard
        ),
    ):
        streak = 0
        for period in sorted(cells, key=period_key, reverse=True):
            if cells[period].status in UNKNOWN:
                continue
            if cells[period].status != "fail":
                break
            streak += 1
        shown = {p: cells[p] for p in periods if p in cells}
        if shown:
            lines.append(TrendLine(standard, group, shown, streak))
    return Trend(tuple(periods), tuple(lines))
