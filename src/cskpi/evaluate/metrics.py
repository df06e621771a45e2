"""Measuring one standard in one window for the overall rows and every group at once.

The group column is factorized once per dataset (:class:`Groups`); a window's selection is
one boolean mask over the whole dataset; the registered metric
(:mod:`cskpi.rulebook.metrics`) reduces the counted rows per group with bincount and
segment reductions. Nothing is masked or copied per group, so 3,000 agents cost about what
three teams do. Evidence rows are kept as positions, grouped by one stable sort, and become
a frame only when an output shows them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from cskpi.rulebook.metrics import Metric, Rows

Bools = NDArray[np.bool_]
Ints = NDArray[np.int64]
Floats = NDArray[np.float64]


@dataclass(frozen=True)
class Groups:
    """Each row's group as an index into the run's ordered groups (-1: no group)."""

    codes: Ints
    n: int


def factorize_groups(series: pd.Series, groups: Sequence[str]) -> Groups:
    """Codes of ``series`` in the order of ``groups`` (the run's natural order)."""
    codes, uniques = pd.factorize(series)
    position = {g: i for i, g in enumerate(groups)}
    lookup = np.array([position.get(str(u), -1) for u in uniques] + [-1], dtype=np.int64)
    return Groups(lookup[codes], len(groups))  # code -1 picks the trailing -1


@dataclass(frozen=True)
class Column:
    """A column ready for reduction: float64 values (numeric) or category codes, and known."""

    values: Floats | Ints
    known: Bools


def prepare_column(series: pd.Series, numeric: bool) -> Column:
    known = series.notna().to_numpy(dtype=bool)
    if numeric:
        return Column(series.to_numpy(dtype=np.float64, na_value=np.nan), known)
    codes, _uniques = pd.factorize(series)
    return Column(codes.astype(np.int64), known)


@dataclass(frozen=True)
class Selection:
    """One window of one standard: rows selected, the share condition, rows waived."""

    mask: Bools  # in the window, passing the filter, not waived
    met: Bools | None = None  # the condition met (share)
    known: Bools | None = None  # the condition not blank (share)
    waived: Bools | None = None  # in the window and passing the filter, but waived


@dataclass(frozen=True)
class Measured:
    """Slot 0 is the overall result, slot 1 + i the run's group i."""

    values: list[float | None]
    sizes: Ints
    evidence_counts: Ints
    waived: Ints
    flagged: Ints  # rows of the window marked by the caller (deadlines from a guessed year)
    positions: Ints | None  # evidence rows, slot after slot (None: not kept)
    bounds: Ints | None  # slot s is positions[bounds[s]:bounds[s + 1]]

    def evidence(self, slot: int) -> Ints | None:
        if self.positions is None or self.bounds is None:
            return None
        return self.positions[self.bounds[slot] : self.bounds[slot + 1]]


def _per_slot(keys: Ints, groups: Groups | None, total: int) -> Ints:
    """Counts for slot 0 (every row) and each group (rows with a group)."""
    n = 0 if groups is None else groups.n
    out = np.empty(n + 1, dtype=np.int64)
    out[0] = total
    if n:
        out[1:] = np.bincount(keys[keys >= 0], minlength=n)
    return out


def count_per_slot(mask: Bools, groups: Groups | None) -> Ints:
    """Rows of ``mask`` overall (slot 0) and in each group."""
    rows = np.flatnonzero(mask)
    keys = groups.codes[rows] if groups is not None and groups.n else rows[:0]
    return _per_slot(keys, groups, len(rows))


def measure(
    metric: Metric,
    selection: Selection,
    groups: Groups | None,
    column: Column | None,
    *,
    keep_evidence: bool,
    flagged: Bools | None = None,
) -> Measured:
    """The value, sample size, evidence and waived rows of every slot for one window."""
    counted = selection.mask
    if metric.needs == "condition":
        assert selection.known is not None
        counted = counted & selection.known
    elif metric.needs == "column":
        assert column is not None
        counted = counted & column.known
    rows = np.flatnonzero(counted)
    values = None if column is None else column.values[rows]
    met = None if selection.met is None else selection.met[rows]
    reduced = [metric.reduce(Rows(np.zeros(len(rows), dtype=np.int64), 1, values, met))]
    sizes = np.array([len(rows)], dtype=np.int64)
    if groups is not None and groups.n:
        keys = groups.codes[rows]
        inside = keys >= 0
        if not inside.all():
            keys = keys[inside]
            values = None if values is None else values[inside]
            met = None if met is None else met[inside]
        reduced.append(metric.reduce(Rows(keys, groups.n, values, met)))
        sizes = np.concatenate((sizes, np.bincount(keys, minlength=groups.n)))
    out: list[float | None] = [
        metric.empty if size == 0 else (None if np.isnan(v) else float(v))
        for v, size in zip(np.concatenate(reduced).tolist(), sizes.tolist(), strict=True)
    ]
    shown = counted
    if metric.evidence == "not_met":
        assert selection.met is not None
        shown = counted & ~selection.met
    evidence = np.flatnonzero(shown)
    waived_rows = np.flatnonzero(selection.waived) if selection.waived is not None else rows[:0]
    no_keys = np.empty(0, np.int64)
    grouped = groups is not None and groups.n > 0
    evidence_keys = groups.codes[evidence] if groups is not None and grouped else no_keys
    waived_keys = groups.codes[waived_rows] if groups is not None and grouped else no_keys
    counts = _per_slot(evidence_keys, groups, len(evidence))
    waived = _per_slot(waived_keys, groups, len(waived_rows))
    marked = np.flatnonzero(flagged) if flagged is not None else rows[:0]
    marked_keys = groups.codes[marked] if groups is not None and grouped else no_keys
    flags = _per_slot(marked_keys, groups, len(marked))
    positions = bounds = None
    if keep_evidence:
        in_group = evidence_keys >= 0
        order = np.argsort(evidence_keys[in_group], kind="stable")
        positions = np.concatenate((evidence, evidence[in_group][order]))
        bounds = np.concatenate(([0], counts[:1], len(evidence) + np.cumsum(counts[1:])))
    return Measured(out, sizes, counts, waived, flags, positions, bounds)


def bool_array(series: pd.Series) -> Bools:
    """A nullable boolean Series as numpy, unknown (NA) as False."""
    out: Bools = series.fillna(False).to_numpy(dtype=bool)
    return out


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
