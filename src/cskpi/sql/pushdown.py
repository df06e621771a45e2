"""Pushdown: the standards run inside the database; only aggregates come back.

For each dataset a plan (:mod:`cskpi.sql.plan`) has found readable in SQL, each standard
and window is one ``GROUP BY`` over the groups (and one query for the overall result),
returning counts, shares' numerators and denominators, and the column statistics; the
result is judged in Python exactly as a workbook's. The rows behind the results that are
listed come afterwards, capped (:mod:`cskpi.sql.evidence`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd
import sqlalchemy as sa

from cskpi.evaluate.datasets import Pushed, Slot, Waiver
from cskpi.evaluate.periods import Period, windows_for
from cskpi.read.database import Database
from cskpi.read.tables import Explained
from cskpi.rulebook.compiled import Dataset, Rulebook, Standard
from cskpi.rulebook.metrics import METRICS
from cskpi.sql.columns import clean_text, date_param
from cskpi.sql.compile import Compiler, Unsupported
from cskpi.sql.plan import Plan, run_query

_TEMPLATE = re.compile(r"([A-Z_]+)\((DISTINCT )?\{column\}\)")


def column_aggregate(template: str, value: Any, dialect: str) -> Any:
    """A column metric's SQL from its registry entry (``AVG({column})``, ``COUNT(DISTINCT
    {column})``): the function name is the registry's, the column our typed expression."""
    match = _TEMPLATE.fullmatch(template)
    if match is None:
        raise Unsupported(template)
    name, distinct = match.group(1).lower(), bool(match.group(2))
    if distinct:
        return getattr(sa.func, name)(sa.distinct(value))
    if name == "median":  # one name, three spellings
        if dialect == "sqlite":
            raise Unsupported("median")
        if dialect == "postgresql":
            return sa.func.percentile_cont(0.5).within_group(value)
    return getattr(sa.func, name)(value)


def aggregates(db: Database, plan: Plan, std: Standard, comp: Compiler, keep: Any) -> list[Any]:
    """The SQL aggregates of ``std``'s metric over the selected rows that are not waived.

    Counts and shares return their counts (a share's denominator is its sample size); a
    column metric returns how many values it saw and the registry's aggregate of them.
    """

    def count_if(cond: Any) -> Any:
        return sa.func.coalesce(sa.func.sum(sa.case((cond, 1), else_=0)), 0)

    metric = METRICS[std.metric]
    if metric.needs == "rows":
        return [count_if(keep)]
    if metric.needs == "condition":
        assert std.condition is not None
        met = comp.condition(std.condition)
        return [count_if(sa.and_(keep, met.is_not(None))), count_if(sa.and_(keep, met))]
    assert std.column_field is not None
    if std.column_field not in plan.fields:
        raise Unsupported(std.column_field)
    value = sa.case((keep, plan.fields[std.column_field]), else_=sa.null())
    column = sa.cast(value, sa.Float) if metric.numeric else value
    return [sa.func.count(value), column_aggregate(metric.sql, column, db.dialect)]


def _slot(name: str, row: Sequence[Any], waived: int) -> Slot:
    needs = METRICS[name].needs
    if needs == "rows":
        n = int(row[0])
        return Slot(float(n), n, n, waived)
    if needs == "condition":
        answered, met = int(row[0]), int(row[1])
        value = met / answered if answered else None
        return Slot(value, answered, answered - met, waived)
    present = int(row[0])
    value = None if row[1] is None or not present else float(row[1])
    return Slot(value, present, present, waived)


@dataclass
class Run:
    """What one evaluation asks of the database."""

    rulebook: Rulebook
    period: Period
    as_of: pd.Timestamp
    group_field: str | None
    waivers: Sequence[Waiver]
    explained: Explained | None
    cleans: bool = True  # text comparisons run in the database (Decision.cleans)


def waiver_terms(fields: Mapping[str, Any], std: Standard, run: Run) -> tuple[Any, Any]:
    """(waived, kept): the rows an approved waiver excuses from ``std``, and the others."""
    spec = run.rulebook.datasets[std.dataset]
    ids = sorted({w.record_id for w in run.waivers if w.covers(std.id)})
    ident = fields.get(spec.id_column) if spec.id_column else None
    if not ids or ident is None:
        return sa.false(), sa.true()
    waived = ident.in_(ids)
    return waived, sa.or_(ident.is_(None), sa.not_(waived))


def window_terms(
    db: Database, fields: Mapping[str, Any], std: Standard, window: Period, run: Run
) -> tuple[list[Any], Compiler]:
    """The conditions that select ``std``'s rows in ``window`` (its dates up to as-of, its
    filter), and the compiler of its trees there."""
    end = min(window.last_instant, run.as_of)
    moments = {"as_of": run.as_of, "window_start": window.start, "window_end": end}
    comp = Compiler(db.dialect, fields, moments, cleans=run.cleans)
    where: list[Any] = []
    if std.date_field:
        date = fields[std.date_field]
        where += [
            date >= sa.literal(date_param(db.dialect, window.start)),
            date <= sa.literal(date_param(db.dialect, end)),
        ]
    if std.filter is not None:
        where.append(comp.condition(std.filter))
    return where, comp


def measure_standard(
    db: Database, conn: Any, plan: Plan, std: Standard, run: Run, pushed: Pushed
) -> None:
    """Every window of ``std``, overall and per group, into ``pushed.slots``."""
    windows = windows_for(run.period, std.period, run.as_of) if std.date_field else [run.period]
    waived, keep = waiver_terms(plan.fields, std, run)
    group = grouping(db, plan, run, std.dataset)
    if group is not None:
        pushed.grouped.add(std.id)
    for window in windows:
        terms, comp = window_terms(db, plan.fields, std, window, run)
        where = [plan.base, *terms]
        aggs = aggregates(db, plan, std, comp, keep)
        excused = sa.func.coalesce(sa.func.sum(sa.case((waived, 1), else_=0)), 0)
        what = f"{std.id} {window.label}"
        query = sa.select(excused, *aggs).select_from(plan.relation).where(*where)
        row = run_query(db, conn, query, run.explained, what).one()
        pushed.slots[(std.id, window.label, None)] = _slot(std.metric, row[1:], int(row[0]))
        if group is None:
            continue
        query = (
            sa.select(group, excused, *aggs)
            .select_from(plan.relation)
            .where(*where, group.is_not(None), group != "")
            .group_by(group)
        )
        for row in run_query(db, conn, query, run.explained, f"{what} by {run.group_field}"):
            pushed.slots[(std.id, window.label, str(row[0]))] = _slot(
                std.metric, row[2:], int(row[1])
            )


def groups_cleaned(run: Run, dataset_id: str) -> bool:
    """Whether group values are cleaned in the database as the readers clean them (Ａ组 and
    A组 one group, evaluate/groupcheck.py): a text column, in a database that can."""
    column = run.rulebook.datasets[dataset_id].columns.get(run.group_field or "")
    return run.cleans and column is not None and column.type == "text"


def grouping(db: Database, plan: Plan, run: Run, dataset_id: str) -> Any:
    """The group column as results are grouped (cleaned where :func:`groups_cleaned`)."""
    group = plan.fields.get(run.group_field) if run.group_field else None
    if group is None or not groups_cleaned(run, dataset_id):
        return group
    return clean_text(db.dialect, group)


def group_values(db: Database, conn: Any, plan: Plan, group_field: str) -> set[str]:
    """The raw values of the group column (the spellings, before cleaning)."""
    group = plan.fields.get(group_field)
    if group is None:
        return set()
    query = sa.select(group).select_from(plan.relation).where(plan.base, group.is_not(None))
    return {str(r[0]) for r in conn.execute(query.distinct())}


def latest_date(db: Database, conn: Any, plan: Plan, spec: Dataset) -> pd.Timestamp | None:
    column = spec.date_column
    if column is None or column not in plan.fields:
        return None
    top = conn.execute(
        sa.select(sa.func.max(plan.fields[column])).select_from(plan.relation).where(plan.base)
    ).scalar()
    return None if top is None else pd.Timestamp(top)


def breakdown(
    db: Database, conn: Any, plan: Plan, spec: Dataset, run: Run
) -> dict[str, int] | None:
    column, date = spec.category_column, spec.date_column
    if column is None or column not in plan.fields:
        return None
    category = plan.fields[column]
    where = [plan.base, category.is_not(None)]
    if date and date in plan.fields:
        end = min(run.period.last_instant, run.as_of)
        d = plan.fields[date]
        where += [
            d >= sa.literal(date_param(db.dialect, run.period.start)),
            d <= sa.literal(date_param(db.dialect, end)),
        ]
    query = (
        sa.select(category, sa.func.count())
        .select_from(plan.relation)
        .where(*where)
        .group_by(category)
    )
    return {str(k): int(n) for k, n in conn.execute(query)}


def found_ids(
    db: Database, conn: Any, plan: Plan, spec: Dataset, waivers: Sequence[Waiver]
) -> set[str]:
    ids = sorted({w.record_id for w in waivers})
    if not ids or spec.id_column is None or spec.id_column not in plan.fields:
        return set()
    ident = plan.fields[spec.id_column]
    query = sa.select(ident).select_from(plan.relation).where(plan.base, ident.in_(ids)).distinct()
    return {str(r[0]) for r in conn.execute(query)}
