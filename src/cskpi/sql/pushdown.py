"""Pushdown: the standards run inside the database; only aggregates come back.

For each dataset on a database (SQLite, DuckDB, PostgreSQL) a plan types its fields in SQL
(:mod:`cskpi.sql.columns`) and one probe query counts the cells the engine cannot read the
way the file readers do (text dates in other spellings, unknown rating words, numbers
stored as text), duplicate ids and the like. A dataset with none is pushed down: for each
standard and window one ``GROUP BY`` over the groups (and one query for the overall result)
returns counts, shares' numerators and denominators, and the column statistics. A dataset
with any is read instead, only its needed columns, and evaluated in Python; ``--verbose``
says which and why. Nothing the engine cannot read is ever guessed at.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
import sqlalchemy as sa

from cskpi.evaluate.datasets import EXAMPLE_HEADERS, Pushed, Slot, Waiver
from cskpi.evaluate.periods import Period, windows_for
from cskpi.language.syntax import normalize_name
from cskpi.read.database import Database, bind_names
from cskpi.read.tables import Explained, check_query_for, relation_of
from cskpi.rulebook.compiled import Dataset, Rulebook, Standard
from cskpi.rulebook.metrics import METRICS
from cskpi.sql.columns import Cells, Kinds, Typer, date_param, untrimmed_probe
from cskpi.sql.compile import Compiler, Unsupported


@dataclass
class Plan:
    """One dataset pushed down: its relation and typed fields."""

    dataset: str
    relation: Any
    fields: dict[str, Any]
    base: Any  # rows with something in a known column (blank rows are no rows)
    name: str = ""  # the table, view or query it reads
    columns: dict[str, str] = field(default_factory=dict)  # field id -> column name


@dataclass
class Decision:
    """Which datasets run in the database, and why the others are read."""

    plans: dict[str, Plan] = field(default_factory=dict)
    read: dict[str, str] = field(default_factory=dict)  # dataset -> reason (English)


def _kinds(db: Database, conn: Any, relation: Any) -> Kinds:
    """The engine's column types: Arrow's for DuckDB, type names for PostgreSQL."""
    if db.dialect == "sqlite":
        return Kinds({})
    empty = sa.select(relation).limit(0)
    if db.dialect == "duckdb":
        compiled = empty.compile(dialect=db.engine.dialect)
        values = bind_names(compiled.params)
        order = compiled.positiontup or []
        raw = conn.connection.dbapi_connection
        schema = raw.sql(str(compiled), params=[values[k] for k in order] or None).arrow().schema
        return Kinds({f.name: _arrow_kind(f.type) for f in schema})
    result = conn.execute(empty)
    import psycopg

    types = psycopg.adapters.types
    out = {}
    for column in result.cursor.description:
        info = types.get(column.type_code)
        out[column.name] = _pg_kind(info.name if info is not None else "")
    return Kinds(out)


def _arrow_kind(kind: Any) -> str:
    import pyarrow as pa

    if pa.types.is_string(kind) or pa.types.is_large_string(kind):
        return "text"
    if pa.types.is_integer(kind):
        return "integer"
    if pa.types.is_floating(kind):
        return "float"
    if pa.types.is_decimal(kind):
        return "decimal"
    if pa.types.is_boolean(kind):
        return "boolean"
    if pa.types.is_timestamp(kind):
        return "timestamp" if kind.tz is None else "zoned"
    if pa.types.is_date(kind):
        return "date"
    return "other"


def _pg_kind(name: str) -> str:
    return {
        "text": "text",
        "varchar": "text",
        "bpchar": "other",  # char(n) pads with spaces
        "int2": "integer",
        "int4": "integer",
        "int8": "integer",
        "float4": "float",
        "float8": "float",
        "numeric": "decimal",
        "bool": "boolean",
        "timestamp": "timestamp",
        "date": "date",
    }.get(name, "other")


def needed_fields(rulebook: Rulebook, dataset_id: str, group_field: str | None) -> set[str]:
    spec = rulebook.datasets[dataset_id]
    wanted = rulebook.required_fields(dataset_id)
    wanted |= {f for f in (spec.date_column, spec.id_column, spec.category_column) if f}
    if group_field and group_field in spec.columns:
        wanted.add(group_field)
    return wanted


def plan_dataset(
    db: Database,
    conn: Any,
    spec: Dataset,
    relation: Any,
    rulebook: Rulebook,
    group_field: str | None,
    explained: Explained | None,
) -> Plan | str:
    """A plan for ``spec``, or why it must be read instead."""
    if spec.keep_last is not None:
        return "an event log (keep_last) keeps one row per key"
    names = [c.name for c in relation.columns]
    if any(
        normalize_name(n) in EXAMPLE_HEADERS and normalize_name(n) not in spec.lookup for n in names
    ):
        return "a 示例 column marks example rows"
    by_field: dict[str, str] = {}
    for name in names:
        fid = spec.lookup.get(normalize_name(name))
        if fid is not None:
            if fid in by_field:
                return f"two columns for {fid}"
            by_field[fid] = name
    wanted = needed_fields(rulebook, spec.id, group_field)
    missing = sorted(f for f in rulebook.sheet_required(spec.id) if f not in by_field)
    if missing:
        return f"no column for {', '.join(missing)}"
    kinds = _kinds(db, conn, relation)
    columns = sorted(set(by_field.values()))
    untrimmed: set[str] = set()
    # which columns need no trimming at all (one pass)
    query = sa.select(*untrimmed_probe(db.dialect, relation, columns, kinds))
    padded = _run(db, conn, query.select_from(relation), explained, f"{spec.id}: white space")
    untrimmed = {c for c, n in zip(columns, padded.one(), strict=True) if not n}
    cells = Cells(db.dialect, relation, columns, kinds, untrimmed)
    typer = Typer(db.dialect, cells, spec, kinds)
    parsed: list[Any] = []  # each field's strict value once per row, and the cheap spellings
    for fid in sorted(wanted):
        column = spec.columns[fid]
        if fid not in by_field:
            if column.derive is not None:
                return f"{fid} is derived ({column.derive.source} + working days)"
            continue
        if column.derive is not None:
            return f"{fid} is derived where blank ({column.derive.source} + working days)"
        typed = typer.field(by_field[fid], column)
        if typed is None:
            return f"column {by_field[fid]} ({column.type}) has a type the engine cannot read here"
        dated = db.dialect == "sqlite" and column.type in ("date", "deadline")
        # a date is checked once per row, by its strict value (the deadline's end-of-day
        # step cannot make a value unreadable)
        value = typer._as_date(by_field[fid]) if dated else typed.value
        parsed += [value.label(f"v_{fid}"), typed.present.label(f"p_{fid}")]
        if dated:
            parsed += [
                c.label(f"c{i}_{fid}") for i, (_f, c) in enumerate(typer.date_forms(by_field[fid]))
            ]
    base = sa.or_(*(typer.present(n) for n in columns))
    stage = sa.select(*parsed).select_from(cells.sub).where(base)
    values = (stage.limit(-1).offset(0) if db.dialect == "sqlite" else stage).subquery("parsed")
    flags = [
        (f, sa.and_(values.c[f"p_{f}"], values.c[f"v_{f}"].is_(None)))
        for f in sorted(wanted)
        if f"v_{f}" in values.c
    ]
    forms: list[tuple[str, str, Any]] = []
    for fid in sorted(wanted):
        if f"c0_{fid}" in values.c:
            for i, (form, _cheap) in enumerate(typer.date_forms(by_field[fid])):
                differs = values.c[f"v_{fid}"].is_distinct_from(values.c[f"c{i}_{fid}"])
                forms.append((by_field[fid], form, differs))
    probes: list[Any] = [
        sa.func.coalesce(sa.func.sum(sa.case((c, 1), else_=0)), 0)
        for c in [*(flag for _f, flag in flags), *(f[2] for f in forms)]
    ]
    row = _run(db, conn, sa.select(*probes).select_from(values), explained, f"{spec.id}: probe")
    counts = row.one()
    for (fid, _flag), count in zip(flags, counts, strict=False):
        if count:
            return f"{count} cells of {by_field[fid]} need reading in Python"
    trusted: dict[str, str] = {}
    for (name, form, _differs), count in zip(forms, counts[len(flags) :], strict=True):
        if not count and name not in trusted:
            trusted[name] = form
    # Stage two, for the standards: every field typed once per row, the cheap way checked
    typer = Typer(db.dialect, cells, spec, kinds, trusted)
    fast = [typer.field(by_field[f], spec.columns[f]) for f in sorted(wanted) if f in by_field]
    typed_columns = [
        t.value.label(f"f_{f}")
        for f, t in zip([f for f in sorted(wanted) if f in by_field], fast, strict=True)
        if t is not None
    ]
    stage = sa.select(*typed_columns).select_from(cells.sub).where(base)
    typed_rows = stage.subquery("typed")  # cheap expressions: let the engine flatten it
    fields = {fid: typed_rows.c[f"f_{fid}"] for fid in spec.columns if f"f_{fid}" in typed_rows.c}
    if spec.id_column and spec.id_column in fields:
        ident = fields[spec.id_column]
        query = sa.select(sa.func.count(ident) - sa.func.count(sa.distinct(ident)))
        repeated = _run(db, conn, query.select_from(typed_rows), explained, f"{spec.id}: ids")
        if repeated.scalar():
            return "repeated ids"
    name = getattr(relation, "name", None) or f"query:{spec.id}"
    return Plan(spec.id, typed_rows, fields, sa.true(), str(name), by_field)


def _run(db: Database, conn: Any, query: Any, explained: Explained | None, what: str) -> Any:
    if explained is not None:
        compiled = query.compile(dialect=db.engine.dialect)
        explained.add(what, str(compiled), compiled.params)
    return conn.execute(query)


def relation_for(db: Database, spec: Dataset, names: Sequence[str], span: Any) -> Any | None:
    """The dataset's table, view or query as a selectable, or None when absent."""
    if spec.query is not None:
        from cskpi.read.tables import _query_params

        check_query_for(spec, db.dialect)
        params = _query_params(spec, span)
        return sa.text(spec.query).bindparams(**bind_names(params))
    name = spec.table
    if name is None:
        by_norm = {normalize_name(n): n for n in names}
        name = next(
            (by_norm[normalize_name(s)] for s in spec.sheets if normalize_name(s) in by_norm), None
        )
    if name is None:
        return None
    schema, table = relation_of(name)
    return sa.table(table, schema=schema)


def _columns_of(conn: Any, selectable: Any) -> Any:
    """A relation with its columns known (from a query that reads no row)."""
    star: Any = sa.literal_column("*")
    if isinstance(selectable, sa.TextClause):
        inner = selectable.columns().subquery("q")
        keys = list(conn.execute(sa.select(star).select_from(inner).limit(0)).keys())
        return selectable.columns(*(sa.column(k) for k in keys)).subquery("q")
    keys = list(conn.execute(sa.select(star).select_from(selectable).limit(0)).keys())
    return sa.table(selectable.name, *(sa.column(k) for k in keys), schema=selectable.schema)


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


def _aggregates(db: Database, plan: Plan, std: Standard, comp: Compiler, keep: Any) -> list[Any]:
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


def measure_standard(
    db: Database, conn: Any, plan: Plan, std: Standard, run: Run, pushed: Pushed
) -> None:
    """Every window of ``std``, overall and per group, into ``pushed.slots``."""
    windows = windows_for(run.period, std.period, run.as_of) if std.date_field else [run.period]
    spec = run.rulebook.datasets[std.dataset]
    ids = sorted({w.record_id for w in run.waivers if w.covers(std.id)})
    ident = plan.fields.get(spec.id_column) if spec.id_column else None
    waived = ident.in_(ids) if ids and ident is not None else sa.false()
    keep = sa.or_(ident.is_(None), sa.not_(waived)) if ids and ident is not None else sa.true()
    group = plan.fields.get(run.group_field) if run.group_field else None
    if group is not None:
        pushed.grouped.add(std.id)
    for window in windows:
        end = min(window.last_instant, run.as_of)
        comp = Compiler(
            db.dialect,
            plan.fields,
            {"as_of": run.as_of, "window_start": window.start, "window_end": end},
        )
        where = [plan.base]
        if std.date_field:
            date = plan.fields[std.date_field]
            where += [
                date >= sa.literal(date_param(db.dialect, window.start)),
                date <= sa.literal(date_param(db.dialect, end)),
            ]
        if std.filter is not None:
            where.append(comp.condition(std.filter))
        aggs = _aggregates(db, plan, std, comp, keep)
        excused = sa.func.coalesce(sa.func.sum(sa.case((waived, 1), else_=0)), 0)
        what = f"{std.id} {window.label}"
        query = sa.select(excused, *aggs).select_from(plan.relation).where(*where)
        row = _run(db, conn, query, run.explained, what).one()
        pushed.slots[(std.id, window.label, None)] = _slot(std.metric, row[1:], int(row[0]))
        if group is None:
            continue
        query = (
            sa.select(group, excused, *aggs)
            .select_from(plan.relation)
            .where(*where, group.is_not(None))
            .group_by(group)
        )
        for row in _run(db, conn, query, run.explained, f"{what} by {run.group_field}"):
            pushed.slots[(std.id, window.label, str(row[0]))] = _slot(
                std.metric, row[2:], int(row[1])
            )


def group_values(db: Database, conn: Any, plan: Plan, group_field: str) -> set[str]:
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
