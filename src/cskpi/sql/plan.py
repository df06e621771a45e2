"""The plan of one dataset in a database: can the engine read its cells as the file readers
do, and if so, its fields as typed SQL expressions (README "Pushdown").

One probe query counts the cells the engine cannot read the way the file readers do (text
dates in other spellings, unknown rating words, numbers stored as text), duplicate ids and
the like, and the rows with data. A dataset with none is planned; a dataset with any is
read instead, with the reason (``--verbose``). Nothing the engine cannot read is guessed at.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa

from cskpi.errors import Problem
from cskpi.evaluate.datasets import EXAMPLE_HEADERS
from cskpi.language.syntax import normalize_name
from cskpi.read.database import Database, bind_names, primary_key
from cskpi.read.tables import SENT, Explained, check_query_for, header_names, relation_of
from cskpi.rulebook.compiled import Dataset, Rulebook
from cskpi.sql.columns import Cells, Kinds, Typer, _trim, untrimmed_probe
from cskpi.sql.reasons import field_names, why
from cskpi.sql.undated import blank_probes, owed_dates, read_reason


@dataclass(frozen=True)
class Typing:
    """How a relation's columns become the dataset's typed fields, as the probe found them
    readable: built once for the aggregates, and again over the numbered rows for evidence."""

    dialect: str
    spec: Dataset
    kinds: Kinds
    columns: tuple[str, ...]  # the relation's columns that are the dataset's (sorted)
    by_field: Mapping[str, str]  # field id -> column name
    wanted: tuple[str, ...]  # the fields typed (sorted)
    untrimmed: frozenset[str]  # columns with no white space at their ends
    trusted: Mapping[str, str]  # SQLite date columns checked to be in a cheap form
    mark: str | None = None  # the column marking the template's example rows (示例)

    def rows(
        self,
        relation: Any,
        *,
        raw: bool = False,
        carry: Sequence[str] = (),
        examples: bool = False,
    ) -> Any:
        """Rows with data in a known column, each wanted field typed once (``f_<field>``);
        ``raw``: the columns' values as stored too (``c<i>``, in :attr:`columns` order);
        ``carry``: more columns of ``relation`` passed through under their names. Example
        rows are left out (``examples``: only they are kept, to name them)."""
        passed = (*carry, self.mark) if self.mark is not None else tuple(carry)
        cells = Cells(self.dialect, relation, self.columns, self.kinds, self.untrimmed, passed)
        typer = Typer(self.dialect, cells, self.spec, self.kinds, self.trusted)
        out = []
        for fid in self.wanted:
            if fid in self.by_field:
                typed = typer.field(self.by_field[fid], self.spec.columns[fid])
                if typed is not None:
                    out.append(typed.value.label(f"f_{fid}"))
        if raw:
            out += [cells.raw(name).label(f"c{i}") for i, name in enumerate(self.columns)]
        out += [cells.sub.c[name] for name in carry]
        base = sa.or_(*(typer.present(n) for n in self.columns))
        if self.mark is not None:
            marked = example_mark(self.dialect, cells.sub.c[self.mark])
            base = sa.and_(base, marked if examples else sa.not_(marked))
        # cheap expressions: let the engine flatten it
        return sa.select(*out).select_from(cells.sub).where(base).subquery("typed")


def example_mark(dialect: str, column: Any) -> Any:
    """The cell marks an example row: it holds anything but white space (as the readers
    judge a 示例 cell: ``cskpi.read.records.example_rows``)."""
    return _trim(dialect, sa.cast(column, sa.Text)).is_not(None)


@dataclass
class Plan:
    """One dataset pushed down: its relation and typed fields."""

    dataset: str
    relation: Any  # the typed rows (:meth:`Typing.rows`)
    fields: dict[str, Any]
    base: Any  # rows with something in a known column (blank rows are no rows)
    name: str = ""  # the table, view or query it reads
    columns: dict[str, str] = field(default_factory=dict)  # field id -> column name
    rows: int = 0  # rows with data (the probe counts them): an empty input is no data
    examples: Problem | None = None  # the example rows left out, as the readers note them
    source: Any = None  # the relation as it is (columns known), for the evidence rows
    typing: Typing | None = None
    order: tuple[str, ...] = ()  # the primary key: rows are numbered in its order, as read


@dataclass
class Decision:
    """Which datasets run in the database, and why the others are read."""

    plans: dict[str, Plan] = field(default_factory=dict)
    read: dict[str, Problem] = field(default_factory=dict)  # dataset -> reason (sql.why.*)
    cleans: bool = False  # the database can clean text as the readers compare it


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
        "timestamptz": "zoned",
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
) -> Plan | Problem:
    """A plan for ``spec``, or why it must be read instead."""
    if spec.keep_last is not None:
        return why("keep_last")
    names = [c.name for c in relation.columns]
    said = dict(zip(names, header_names(db.dialect, names), strict=True))  # twins named again
    mark = next(
        (
            n
            for n in names
            if normalize_name(n) in EXAMPLE_HEADERS and normalize_name(n) not in spec.lookup
        ),
        None,
    )
    by_field: dict[str, str] = {}
    for name in names:
        fid = spec.lookup.get(normalize_name(said[name]))
        if fid is not None:
            if fid in by_field:
                return why("two_columns", field=spec.columns[fid].named)
            by_field[fid] = name
    wanted = needed_fields(rulebook, spec.id, group_field)
    missing = sorted(f for f in rulebook.sheet_required(spec.id) if f not in by_field)
    if missing:
        return why("no_column", fields=field_names(spec, missing))
    kinds = _kinds(db, conn, relation)
    columns = sorted(set(by_field.values()))
    untrimmed: set[str] = set()
    # which columns need no trimming at all (one pass)
    query = sa.select(*untrimmed_probe(db.dialect, relation, columns, kinds))
    padded = run_query(db, conn, query.select_from(relation), explained, f"{spec.id}: white space")
    untrimmed = {c for c, n in zip(columns, padded.one(), strict=True) if not n}
    cells = Cells(db.dialect, relation, columns, kinds, untrimmed, (mark,) if mark else ())
    typer = Typer(db.dialect, cells, spec, kinds)
    parsed: list[Any] = []  # each field's strict value once per row, and the cheap spellings
    for fid in sorted(wanted):
        column = spec.columns[fid]
        if fid not in by_field:
            if column.derive is not None:
                source = field_names(spec, [column.derive.source])
                return why("derived", field=column.named, source=source)
            continue
        if column.derive is not None:
            source = field_names(spec, [column.derive.source])
            return why("derived_blank", field=column.named, source=source)
        typed = typer.field(by_field[fid], column)
        if typed is None:
            if kinds.get(by_field[fid]) == "zoned":  # the machine's zone has no name in SQL
                return why("zoned", column=by_field[fid])
            return why("type", column=by_field[fid], type=column.type)
        dated = db.dialect == "sqlite" and column.type in ("date", "deadline")
        # a date is checked once per row, by its strict value (the deadline's end-of-day
        # step cannot make a value unreadable)
        value = typer._as_date(by_field[fid], column.spelling.zone_name) if dated else typed.value
        parsed += [value.label(f"v_{fid}"), typed.present.label(f"p_{fid}")]
        if dated:
            parsed += [
                c.label(f"c{i}_{fid}") for i, (_f, c) in enumerate(typer.date_forms(by_field[fid]))
            ]
    base = sa.or_(*(typer.present(n) for n in columns))
    if mark is not None:  # example rows are no data: never probed, counted or evaluated
        base = sa.and_(base, sa.not_(example_mark(db.dialect, cells.sub.c[mark])))
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
    # rows with a blank owed date are read, to be counted and named (sql/undated.py)
    owed = owed_dates(rulebook, spec, [f for f in wanted if f"v_{f}" in values.c])
    probes += blank_probes(values, owed)
    probes.append(sa.func.count())  # the rows with data: none at all is no data (exit 3)
    row = run_query(
        db, conn, sa.select(*probes).select_from(values), explained, f"{spec.id}: probe"
    )
    *counts, with_data = row.one()
    counts, blanks = counts[: len(counts) - len(owed)], counts[len(counts) - len(owed) :]
    for (fid, _flag), count in zip(flags, counts, strict=False):
        if count:
            return why("cells", n=count, column=by_field[fid])
    reason = read_reason(spec, owed, blanks)
    if reason is not None:
        return reason
    trusted: dict[str, str] = {}
    for (name, form, _differs), count in zip(forms, counts[len(flags) :], strict=True):
        if not count and name not in trusted:
            trusted[name] = form
    # Stage two, for the standards: every field typed once per row, the cheap way checked
    typing = Typing(
        db.dialect,
        spec,
        kinds,
        tuple(columns),
        dict(by_field),
        tuple(sorted(wanted)),
        frozenset(untrimmed),
        trusted,
        mark,
    )
    typed_rows = typing.rows(relation)
    fields = {fid: typed_rows.c[f"f_{fid}"] for fid in spec.columns if f"f_{fid}" in typed_rows.c}
    if spec.id_column and spec.id_column in fields:
        ident = fields[spec.id_column]
        query = sa.select(sa.func.count(ident) - sa.func.count(sa.distinct(ident)))
        repeated = run_query(db, conn, query.select_from(typed_rows), explained, f"{spec.id}: ids")
        if repeated.scalar():
            return why("repeated_ids")
    name = getattr(relation, "name", None) or f"query:{spec.id}"
    order: list[str] = []
    if isinstance(relation, sa.TableClause):  # a query has no key: the engine's order
        order = [c for c in primary_key(db, relation.name, relation.schema) if c in relation.c]
    examples = None
    if mark is not None:
        examples = _examples(db, conn, relation, typing, order, str(name), explained)
    return Plan(
        spec.id,
        typed_rows,
        fields,
        sa.true(),
        str(name),
        by_field,
        rows=int(with_data),
        source=relation,
        typing=typing,
        order=tuple(order),
        examples=examples,
    )


def _examples(
    db: Database,
    conn: Any,
    relation: Any,
    typing: Typing,
    order: Sequence[str],
    name: str,
    explained: Explained | None,
) -> Problem | None:
    """The note the readers give for the example rows left out: how many, and the first
    rows by their place in the read order (the primary key's, else the engine's)."""
    from cskpi.read.records import LISTED, examples_note, row_list

    number = "cskpi_row"
    numbered = sa.select(
        *relation.c,
        sa.func.row_number().over(order_by=[relation.c[c] for c in order] or None).label(number),
    ).subquery("numbered")
    marked = typing.rows(numbered, carry=(number,), examples=True)
    count = run_query(
        db, conn, sa.select(sa.func.count()).select_from(marked), explained, f"{name}: examples"
    ).scalar()
    if not count:
        return None
    first = sa.select(marked.c[number]).order_by(marked.c[number]).limit(LISTED)
    rows = [int(r) for (r,) in run_query(db, conn, first, explained, f"{name}: examples")]
    note = examples_note(db.label, name, rows)
    more = f", … (+{count - len(rows)})" if count > len(rows) else ""
    return Problem(note.key, {**note.params, "n": int(count), "rows": f"{row_list(rows)}{more}"})


def run_query(db: Database, conn: Any, query: Any, explained: Explained | None, what: str) -> Any:
    """Run ``query``, recorded for --explain-sql as sent."""
    if explained is not None:
        compiled = query.compile(dialect=db.engine.dialect, compile_kwargs=SENT)
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


def columns_of(conn: Any, selectable: Any) -> Any:
    """A relation with its columns known (from a query that reads no row)."""
    star: Any = sa.literal_column("*")
    if isinstance(selectable, sa.TextClause):
        inner = selectable.columns().subquery("q")
        keys = list(conn.execute(sa.select(star).select_from(inner).limit(0)).keys())
        return selectable.columns(*(sa.column(k) for k in keys)).subquery("q")
    keys = list(conn.execute(sa.select(star).select_from(selectable).limit(0)).keys())
    return sa.table(selectable.name, *(sa.column(k) for k in keys), schema=selectable.schema)
