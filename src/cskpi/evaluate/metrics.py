"""Registry of metrics: how one value is computed from the rows a standard selects.

Rows are selected by a boolean mask over the whole dataset (window, filter, group), so a
million-row month is never copied once per team. Each metric returns the value, how many
rows it was computed from, and which rows are the evidence behind it (the counted rows of a
count, the rows not meeting a share's condition).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd


@dataclass(frozen=True)
class Condition:
    """A share's condition evaluated on every row: met, and known (not blank)."""

    met: np.ndarray
    known: np.ndarray


@dataclass(frozen=True)
class MetricInput:
    frame: pd.DataFrame
    mask: np.ndarray  # the rows this result is about
    column: str | None = None
    condition: Condition | None = None


@dataclass(frozen=True)
class MetricValue:
    value: float | None
    sample_size: int
    evidence: np.ndarray  # boolean mask over the frame's rows


def _count(m: MetricInput) -> MetricValue:
    n = int(m.mask.sum())
    return MetricValue(float(n), n, m.mask)


def _share(m: MetricInput) -> MetricValue:
    assert m.condition is not None
    answered = m.mask & m.condition.known
    denominator = int(answered.sum())
    numerator = int((answered & m.condition.met).sum())
    value = numerator / denominator if denominator else None
    return MetricValue(value, denominator, answered & ~m.condition.met)


def _column_stat(stat: str) -> Callable[[MetricInput], MetricValue]:
    def compute(m: MetricInput) -> MetricValue:
        assert m.column is not None
        series = m.frame[m.column]
        present = m.mask & series.notna().to_numpy(dtype=bool)
        values = series[present]
        if values.empty:  # nothing to count is 0, like count; a mean of nothing is no value
            return MetricValue(0.0 if stat == "count_distinct" else None, 0, present)
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


def wilson(successes: int, n: int, z: float = 1.959964) -> tuple[float, float]:
    """Wilson score interval (95% by default) for a share of ``successes`` out of ``n``.

    "95% satisfied" from 11 answers and from 1,100 are different claims: this is the range
    the true share probably lies in. It stays within [0, 1] even at 0 or n successes.
    """
    if n <= 0:
        raise ValueError("n must be positive")
    p = successes / n
    denominator = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denominator
    half = z * ((p * (1 - p) / n + z * z / (4 * n * n)) ** 0.5) / denominator
    return max(0.0, centre - half), min(1.0, centre + half)
