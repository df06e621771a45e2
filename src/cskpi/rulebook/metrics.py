"""The metric registry: every fact about a metric in one entry, and how it is computed.

Adding a metric means one entry here plus its explanation text in the message catalog. The
rulebook checks names and needs against this registry when a file is loaded; the engine
asks it what to reduce, whether the value is a share (shown as %, with a Wilson interval),
whether a count limit projects an early warning, and which rows are the evidence; the
presenters ask whether it is a share. A SQL backend compiles :attr:`Metric.sql`.

Why the computation lives beside the facts: the rulebook layer (below the engine) must know
every metric to validate a file, and a second table of reductions in the engine would be a
second list to keep in step. The reductions are numpy-only and import numpy lazily, so
``cskpi rules check`` and ``--help`` never load numpy, pandas or pyarrow.

A reduction works on every group at once: ``keys`` gives each counted row's group
(0..n-1); ``values`` the column's values of those rows (float64 for numeric metrics,
integer category codes otherwise); ``met`` a share's condition. It returns one float per
group, NaN where the group has no rows; no mask or copy per group, so time and memory do
not grow with the number of groups.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:  # numpy only for type checking: imported lazily where computed
    import numpy as np
    from numpy.typing import NDArray

    Floats = NDArray[np.float64]
    Ints = NDArray[np.int64]
    Bools = NDArray[np.bool_]

Needs = Literal["rows", "column", "condition"]
Unit = Literal["rows", "percent", "column"]


@dataclass(frozen=True)
class Rows:
    """The counted rows of one window, as arrays over those rows only."""

    keys: Ints  # group index of each row, 0 <= key < n
    n: int  # number of groups
    values: Floats | Ints | None = None  # the column (float64, or category codes)
    met: Bools | None = None  # a share's condition, known on every row here


Reduce = Callable[[Rows], "Floats"]


@dataclass(frozen=True)
class Metric:
    """How one value is computed from the rows a standard selects, and how it is shown.

    needs: what beside the rows the standard must give (``column`` or ``condition``);
    numeric: the column must hold numbers; share: a fraction of the rows (shown as %,
    with a Wilson 95% interval); projects: a count whose limit, evaluated before its
    window ends, projects where the current pace leads (early warning); empty: the value
    when no row counts (None: no value, the result has no data); evidence: which rows are
    shown behind a result (``counted``, or for a share the rows ``not_met``); explain: the
    message key of its plain-words explanation (``label``: the key of its name, 计数); sql:
    the aggregate a SQL backend runs per window and group over the counted rows
    (``{column}``, ``{condition}`` filled in).
    """

    name: str
    needs: Needs
    reduce: Reduce
    unit: Unit
    numeric: bool = False
    share: bool = False
    projects: bool = False
    empty: float | None = None
    evidence: Literal["counted", "not_met"] = "counted"
    explain: str = "explain.column_metric"
    sql: str = ""

    @property
    def label(self) -> str:
        """The catalog key of its name in words (计数, 比例, 平均值...)."""
        return f"metric.{self.name}"

    @property
    def interval(self) -> bool:
        """Shares get a Wilson interval: 95% of 11 answers and of 1,100 are different claims."""
        return self.share


def _sizes(rows: Rows) -> Floats:
    import numpy as np

    out: Floats = np.bincount(rows.keys, minlength=rows.n).astype(np.float64)
    return out


def _divide(numerator: Floats, denominator: Floats) -> Floats:
    import numpy as np

    out: Floats = np.full(len(denominator), np.nan)
    np.divide(numerator, denominator, out=out, where=denominator > 0)
    return out


def _count(rows: Rows) -> Floats:
    return _sizes(rows)


def _share(rows: Rows) -> Floats:
    import numpy as np

    assert rows.met is not None
    met = np.asarray(np.bincount(rows.keys, weights=rows.met, minlength=rows.n), np.float64)
    return _divide(met, _sizes(rows))


def _sum(rows: Rows) -> Floats:
    import numpy as np

    out: Floats = np.asarray(np.bincount(rows.keys, rows.values, rows.n), np.float64)
    out[_sizes(rows) == 0] = np.nan
    return out


def _mean(rows: Rows) -> Floats:
    import numpy as np

    total = np.asarray(np.bincount(rows.keys, rows.values, rows.n), np.float64)
    return _divide(total, _sizes(rows))


def _extreme(which: Literal["min", "max"]) -> Reduce:
    def reduce(rows: Rows) -> Floats:
        import numpy as np

        assert rows.values is not None
        ufunc = np.minimum if which == "min" else np.maximum
        out: Floats = np.full(rows.n, np.inf if which == "min" else -np.inf)
        ufunc.at(out, rows.keys, rows.values)
        out[_sizes(rows) == 0] = np.nan
        return out

    return reduce


def _median(rows: Rows) -> Floats:
    """The middle value (the mean of the two middle ones for an even count), per group."""
    import numpy as np

    assert rows.values is not None
    ordered = rows.values[np.lexsort((rows.values, rows.keys))].astype(np.float64)
    sizes = np.bincount(rows.keys, minlength=rows.n)
    starts = np.concatenate(([0], np.cumsum(sizes)[:-1]))
    out: Floats = np.full(rows.n, np.nan)
    has = sizes > 0
    low = starts[has] + (sizes[has] - 1) // 2
    high = starts[has] + sizes[has] // 2
    out[has] = (ordered[low] + ordered[high]) / 2
    return out


def _count_distinct(rows: Rows) -> Floats:
    """Distinct values per group: unique (group, value code) pairs, counted per group."""
    import numpy as np

    assert rows.values is not None
    codes = rows.values.astype(np.int64)
    width = int(codes.max()) + 1 if len(codes) else 1
    pairs = np.unique(rows.keys.astype(np.int64) * width + codes)
    out: Floats = np.bincount(pairs // width, minlength=rows.n).astype(np.float64)
    out[_sizes(rows) == 0] = np.nan
    return out


METRICS: dict[str, Metric] = {
    m.name: m
    for m in (
        Metric(
            "count",
            "rows",
            _count,
            unit="rows",
            projects=True,
            empty=0.0,
            explain="explain.count",
            sql="COUNT(*)",
        ),
        Metric(
            "share",
            "condition",
            _share,
            unit="percent",
            share=True,
            evidence="not_met",
            explain="explain.share",
            sql="AVG(CASE WHEN {condition} THEN 1.0 ELSE 0.0 END)",
        ),
        Metric("mean", "column", _mean, unit="column", numeric=True, sql="AVG({column})"),
        Metric("median", "column", _median, unit="column", numeric=True, sql="MEDIAN({column})"),
        Metric("min", "column", _extreme("min"), unit="column", numeric=True, sql="MIN({column})"),
        Metric("max", "column", _extreme("max"), unit="column", numeric=True, sql="MAX({column})"),
        Metric("sum", "column", _sum, unit="column", numeric=True, sql="SUM({column})"),
        Metric(
            "count_distinct",
            "column",
            _count_distinct,
            unit="rows",
            empty=0.0,  # nothing to count is 0, like count
            sql="COUNT(DISTINCT {column})",
        ),
    )
}


def metric(name: str) -> Metric:
    """The registered metric ``name`` (the rulebook has checked it exists)."""
    return METRICS[name]


def is_share(name: str) -> bool:
    """A share is shown as a percentage; unknown names (old history rows) are not."""
    found = METRICS.get(name)
    return found is not None and found.share
