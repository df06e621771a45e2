"""How results move over time: periods across, standards down, a sparkline and a failure streak.

Pure: works on rows read from the history, knows nothing of SQLite or terminals.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from cskpi.evaluate.periods import parse_period


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
_RANK = {"month": 0, "quarter": 1, "year": 2}


def period_key(label: str) -> tuple[object, int]:
    """Chronological order; a month sorts before the quarter and year that start with it."""
    period = parse_period(label)
    return period.start, _RANK[period.granularity]


@dataclass(frozen=True)
class TrendLine:
    standard: str
    group: str | None
    cells: dict[str, Row]  # period label -> stored result
    streak: int  # consecutive failures up to the latest period with a result

    def sparkline(self, periods: Iterable[str]) -> str:
        values = [self.cells[p].actual if p in self.cells else None for p in periods]
        known = [v for v in values if v is not None]
        if not known:
            return ""
        low, high = min(known), max(known)
        span = high - low
        return "".join(
            " " if v is None else SPARKS[0 if span == 0 else round((v - low) / span * 7)]
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
    periods = sorted({r.period for r in rows}, key=period_key)[-last:] if last > 0 else []
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
            kv[0][1] or "",
        ),
    ):
        streak = 0
        for period in sorted(cells, key=period_key, reverse=True):
            if cells[period].status != "fail":
                break
            streak += 1
        shown = {p: cells[p] for p in periods if p in cells}
        if shown:
            lines.append(TrendLine(standard, group, shown, streak))
    return Trend(tuple(periods), tuple(lines))
