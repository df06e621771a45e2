"""Never a pass from last month's table: the database's side of evaluate/coverage.py's
``empty_window``. One query per standard with a date finds, for each of its windows, whether
any row is dated in it (or in the period evaluated); when none is but rows are dated, the
window's results are no data with the reason the readers' path gives (same sheet, rows, range).
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import sqlalchemy as sa

from cskpi.errors import Problem
from cskpi.evaluate.periods import Period
from cskpi.rulebook.compiled import Dataset, Standard
from cskpi.sql.columns import date_param
from cskpi.sql.plan import Plan, run_query


def window_gaps(
    db: Any, conn: Any, plan: Plan, spec: Dataset, std: Standard, windows: list[Period], run: Any
) -> dict[str, Problem]:
    """Window label -> why it has no result (``reason.out_of_period``), for the windows of
    ``std`` with none of the dataset's dated rows, as ``coverage.empty_window`` judges them."""
    fields = [f for f in dict.fromkeys((std.date_field, spec.date_column)) if f]
    fields = [f for f in fields if f in plan.fields]
    if not std.date_field or not fields or not plan.rows:
        return {}
    period: Period = run.period

    def inside(field: str, start: pd.Timestamp, end: pd.Timestamp) -> Any:
        value = plan.fields[field]
        return sa.and_(
            value >= sa.literal(date_param(db.dialect, start)),
            value <= sa.literal(date_param(db.dialect, end)),
        )

    columns: list[Any] = []
    for f in fields:
        columns += [sa.func.min(plan.fields[f]), sa.func.max(plan.fields[f])]
    for window in windows:
        start = min(window.start, period.start)
        end = min(max(window.last_instant, period.last_instant), run.as_of)
        hit = sa.or_(*(inside(f, start, end) for f in fields))
        columns.append(sa.func.coalesce(sa.func.sum(sa.case((hit, 1), else_=0)), 0))
    query = sa.select(*columns).select_from(plan.relation).where(plan.base)
    row = run_query(db, conn, query, run.explained, f"{std.id}: rows in its windows").one()
    ranges = [(row[2 * i], row[2 * i + 1]) for i in range(len(fields))]
    dated = [r for r in ranges if r[0] is not None]
    if not dated:
        return {}
    first, last = (pd.Timestamp(v) for v in dated[-1])  # the dataset's own date when it has one
    out = {}
    for window, hits in zip(windows, row[2 * len(fields) :], strict=True):
        if not hits:
            out[window.label] = Problem(
                "reason.out_of_period",
                {
                    "dataset": spec.named,
                    "n": plan.rows,
                    "window": window.label,
                    "first": f"{first:%Y-%m-%d}",
                    "last": f"{last:%Y-%m-%d}",
                },
            )
    return out
