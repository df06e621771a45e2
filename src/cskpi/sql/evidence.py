"""The rows behind a result computed in the database: one bounded SELECT, typed as read.

A standard that fails or warns is listed with its rows (the Excel sheet per standard, the
HTML page, ``--evidence``). When the database computed it, those rows are fetched after
the verdict, for that standard and window alone: the rows the metric registry names as its
evidence (:attr:`cskpi.rulebook.metrics.Metric.evidence`: the counted rows, or a share's
rows that do not meet its condition), only the dataset's columns, in the order a read of
the table gives (its primary key's, else the engine's), at most :data:`EVIDENCE_CAP`. The
result keeps the exact count from the aggregate, so every output says "the first 1,000 of
12,345". The rows go through the same readers as a table that is read, so their values,
row numbers and columns are those of ``--engine pandas``.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pyarrow as pa
import sqlalchemy as sa

from cskpi.evaluate.datasets import ROW
from cskpi.evaluate.periods import Period
from cskpi.evaluate.scorecard import EvidenceRows
from cskpi.read.database import Database
from cskpi.read.inputs import read_rows
from cskpi.read.tables import SENT, fetch_text, table_sheet
from cskpi.rulebook.compiled import Standard
from cskpi.rulebook.metrics import METRICS
from cskpi.sql.plan import Plan
from cskpi.sql.pushdown import Run, waiver_terms, window_terms

EVIDENCE_CAP = 1_000  # rows fetched per standard and window (README "Pushdown")
NUMBER = "cskpi_row"  # the row's position in the read order


def evidence_query(db: Database, plan: Plan, std: Standard, window: Period, run: Run) -> Any:
    """The first :data:`EVIDENCE_CAP` evidence rows of ``std`` in ``window``: the row's
    position in the read order, then the dataset's columns as stored."""
    assert plan.typing is not None and plan.source is not None
    source = plan.source
    order = [source.c[name] for name in plan.order]
    numbered = sa.select(
        *source.c, sa.func.row_number().over(order_by=order or None).label(NUMBER)
    ).subquery("numbered")
    typed = plan.typing.rows(numbered, raw=True, carry=(NUMBER,))
    fields = {fid: typed.c[f"f_{fid}"] for fid in plan.fields if f"f_{fid}" in typed.c}
    terms, comp = window_terms(db, fields, std, window, run)
    _waived, kept = waiver_terms(fields, std, run)
    metric = METRICS[std.metric]
    shown = [kept]
    if metric.needs == "condition":
        assert std.condition is not None
        met = comp.condition(std.condition)
        shown.append(sa.not_(met) if metric.evidence == "not_met" else met.is_not(None))
    elif metric.needs == "column":
        assert std.column_field is not None
        shown.append(fields[std.column_field].is_not(None))
    raw = [typed.c[f"c{i}"] for i in range(len(plan.typing.columns))]
    return (
        sa.select(typed.c[NUMBER], *raw)
        .where(*terms, *shown)
        .order_by(typed.c[NUMBER])
        .limit(EVIDENCE_CAP)
    )


def fetch_evidence(
    db: Database, conn: Any, plan: Plan, std: Standard, window: Period, run: Run, total: int
) -> EvidenceRows:
    """The rows behind ``std`` in ``window`` (``total`` of them, counted by the aggregate)."""
    assert plan.typing is not None
    columns = list(plan.typing.columns)
    if total:
        query = evidence_query(db, plan, std, window, run)
        _names, arrays = fetch_text(conn, _explain(db, query, run, f"{std.id} {window.label}"), db)
        numbers, values = arrays[0], arrays[1:]
    else:
        numbers, values = pa.nulls(0, pa.string()), [pa.nulls(0, pa.string())] * len(columns)
    frame = read_rows(table_sheet(plan.name, columns, values), std.dataset, run.rulebook, db.label)
    positions = np.asarray(numbers.cast(pa.int64()).to_numpy(zero_copy_only=False))
    # read_rows numbers the rows 1..n as it got them: each becomes its place in the table
    frame[ROW] = positions[frame[ROW].to_numpy() - 1].astype("int64")
    return EvidenceRows(frame, np.arange(len(frame), dtype=np.int64), total=total)


def _explain(db: Database, query: Any, run: Run, what: str) -> Any:
    """``query``, recorded for --explain-sql."""
    if run.explained is not None:
        compiled = query.compile(dialect=db.engine.dialect, compile_kwargs=SENT)
        run.explained.add(f"{what} evidence", str(compiled), compiled.params)
    return query
