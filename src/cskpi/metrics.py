"""Registry of metrics: how one value is computed from the rows a standard selects.

Each metric returns the value, how many rows it was computed from, and which rows are the
evidence behind it (the counted rows of a count, the rows not meeting a share's condition).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

import pandas as pd

from cskpi.expressions import Expression
from cskpi.interpreter import evaluate


@dataclass(frozen=True)
class MetricValue:
    value: float | None
    sample_size: int
    evidence: pd.Series  # boolean mask over the rows given


@dataclass(frozen=True)
class MetricInput:
    rows: pd.DataFrame
    column: str | None
    condition: Expression | None
    context: Mapping[str, object]


def _count(m: MetricInput) -> MetricValue:
    n = len(m.rows)
    return MetricValue(float(n), n, pd.Series(True, index=m.rows.index))


def _share(m: MetricInput) -> MetricValue:
    assert m.condition is not None
    met = evaluate(m.condition, m.rows, m.context)
    known = met.notna()
    denominator = int(known.sum())
    numerator = int(met.fillna(False).sum())
    value = numerator / denominator if denominator else None
    return MetricValue(value, denominator, (known & ~met.fillna(True)).astype(bool))


def _column_stat(stat: str) -> Callable[[MetricInput], MetricValue]:
    def compute(m: MetricInput) -> MetricValue:
        assert m.column is not None
        series = m.rows[m.column]
        present = series.notna()
        values = series[present]
        if values.empty:
            return MetricValue(None, 0, present)
        if stat == "count_distinct":
            value = float(values.nunique())
        else:
            value = float(getattr(values.astype(float), stat)())
        return MetricValue(value, int(present.sum()), present)

    compute.__doc__ = f"{stat} of a column's non-blank values"
    return compute


METRICS: dict[str, Callable[[MetricInput], MetricValue]] = {
    "count": _count,
    "share": _share,
    **{
        name: _column_stat(name)
        for name in ("mean", "median", "min", "max", "sum", "count_distinct")
    },
}


def compute_metric(name: str, m: MetricInput) -> MetricValue:
    """Run metric ``name``; unknown names are a programming error (the rulebook validates them)."""
    return METRICS[name](m)
