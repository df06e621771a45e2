"""Database tables, views and queries as raw sheets: one more source for the same readers.

A table becomes the same :class:`RawSheet` a workbook sheet does, so sheet finding, header
matching, typing and bad-cell messages are shared with files. The differences are the ones
a table really has: its header is its column names (no title rows to skip), and it has no
row numbers of its own, so a row is named by its position in the read order (the primary
key's order when there is one).

Typed columns keep their value: a native timestamp becomes the text an Excel date cell gives
(``2026-10-05 14:30:00``; fractional seconds kept), a time-zone-aware one keeps its offset
(``+0800``: the reader converts it to the rulebook's zone, as for files), a whole number
``5`` not ``5.0``, a boolean ``true``/``false``; the converters of :mod:`cskpi.read.values`
then apply one set of rules to every source (README "Database inputs").
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from cskpi.errors import InputError, Problem, UsageError
from cskpi.evaluate.datasets import EXAMPLE_HEADERS
from cskpi.language.syntax import normalize_name
from cskpi.read.database import DEFAULT_TIMEOUT, Database, bind_names, primary_key
from cskpi.read.sources import RawSheet
from cskpi.rulebook.compiled import Dataset, Rulebook

FETCH_ROWS = 50_000
SENT = {"render_postcompile": True}  # SQL as sent: each value of an IN list a parameter


@dataclass
class Explained:
    """The SQL a run sent, for ``--explain-sql``: one entry per statement."""

    entries: list[tuple[str, str, dict[str, object]]] = field(default_factory=list)
    notes: list[Problem] = field(default_factory=list)  # --verbose: where each dataset ran

    def add(self, what: str, sql: str, params: Mapping[str, object]) -> None:
        self.entries.append((what, sql, dict(params)))


@dataclass(frozen=True)
class DatabaseOptions:
    """How database inputs are read: statement timeout, the run's span, SQL shown."""

    timeout: float = DEFAULT_TIMEOUT
    span: Mapping[str, object] | None = None  # {"start": ..., "end": ...} for queries
    explained: Explained | None = None
    only: frozenset[str] | None = None  # read only these datasets (the rest ran in the database)
    counted: int = 0  # rows with data in the datasets that ran in the database
    label: str | None = None  # how the database is named in messages (files under --engine duckdb)
    allowed: tuple[str, ...] = ()  # the only files DuckDB may read (--engine duckdb's)


def relation_of(name: str) -> tuple[str | None, str]:
    """``schema.table`` -> (schema, table); a plain name has no schema."""
    schema, dot, table = name.rpartition(".")
    return (schema, table) if dot and schema and table else (None, name)


class DatabaseSource:
    """A database as a workbook: tables and views are its sheets, found by name."""

    single_table = False

    def __init__(
        self,
        db: Database,
        rulebook: Rulebook,
        *,
        params: Mapping[str, object] | None = None,
        explained: Explained | None = None,
    ) -> None:
        from cskpi.read.database import relations

        self.db = db
        self.label = db.label
        self.rulebook = rulebook
        self.params = params  # the run's :start and :end, for datasets given by query
        self.explained = explained
        self._names = relations(db)

    def sheet_names(self) -> list[str]:
        return list(self._names)

    def find(self, spec: Dataset) -> str | None:
        """The relation for ``spec``: its ``table:``, or a table named like its sheets."""
        if spec.query is not None:
            return f"query:{spec.id}"
        if spec.table is not None:
            return spec.table
        by_norm = {normalize_name(n): n for n in self._names}
        for want in spec.sheets:
            if normalize_name(want) in by_norm:
                return by_norm[normalize_name(want)]
        return None

    def sheet_for(self, spec: Dataset, name: str) -> RawSheet:
        """Read the relation ``name`` (or the dataset's query) as a raw sheet."""
        from sqlalchemy import column, select, table, text

        params: dict[str, object] = {}
        if spec.query is not None:
            check_query_for(spec, self.db.dialect)
            stmt: Any = text(spec.query)
            params = _query_params(spec, self.params)
            stmt = stmt.bindparams(**bind_names(params))
        else:
            schema, relation = relation_of(name)
            stmt = None
        order = primary_key(self.db, relation, schema) if stmt is None else []
        try:
            with self.db.connect() as conn:
                if stmt is None:
                    names = _columns(conn, relation, schema)
                    wanted = [c for c in names if normalize_name(c) in spec.lookup]
                    # the column marking the template's example rows: they are left out
                    wanted += [
                        c for c in names if normalize_name(c) in EXAMPLE_HEADERS and c not in wanted
                    ]
                    source = table(relation, *(column(c) for c in names), schema=schema)
                    stmt = select(*(source.c[c] for c in wanted or names))
                    if order:
                        stmt = stmt.order_by(*(source.c[c] for c in order if c in source.c))
                    header = names
                else:
                    header = None
                if self.explained is not None:
                    self.explained.add(spec.id, _sql_text(stmt, self.db), params)
                header, arrays = fetch_text(conn, stmt, self.db, header)
                header = header_names(self.db.dialect, header)
        except (InputError, UsageError):
            raise
        except Exception as exc:  # the driver's own error classes
            raise self.db.error(exc, name) from None
        return table_sheet(name, header, arrays)

    def close(self) -> None:
        self.db.close()


_RENAMED = {"sqlite": re.compile(r"^(.*):\d+$"), "duckdb": re.compile(r"^(.*)_\d+$")}


def header_names(dialect: str, names: Sequence[str]) -> list[str]:
    """Column names as the relation's header really says them: SQLite (``团队:1``) and DuckDB
    (``团队_1``) rename a name that a view, query or Parquet file repeats, so such a twin of
    a column present is that name again, and the header check finds it twice, as in a
    workbook (one of two same-named columns is never silently the field)."""
    pattern = _RENAMED.get(dialect)
    if pattern is None:
        return list(names)
    present = set(names)
    out = []
    for name in names:
        match = pattern.match(name)
        out.append(match.group(1) if match and match.group(1) in present else name)
    return out


def check_query_for(spec: Dataset, dialect: str) -> None:
    """A dataset's query, checked again with the dialect it will run on."""
    from cskpi.rulebook.sqlcheck import check_query

    assert spec.query is not None
    problem = check_query(spec.query, dialect)
    if problem is not None:
        raise UsageError("rules.query_refused", dataset=spec.id, reason=problem)


def _query_params(spec: Dataset, span: Mapping[str, object] | None) -> dict[str, object]:
    from cskpi.rulebook.sqlcheck import query_parameters

    assert spec.query is not None
    names = query_parameters(spec.query)
    if not names:
        return {}
    if span is None:
        raise UsageError("usage.query_needs_period", dataset=spec.id)
    return {k: span[k] for k in names}


def _columns(conn: Any, relation: str, schema: str | None) -> list[str]:
    """The relation's column names, from the result of a query that reads no row."""
    from sqlalchemy import literal_column, select, table

    empty: Any = select(literal_column("*")).select_from(table(relation, schema=schema)).limit(0)
    return list(conn.execute(empty).keys())


def _sql_text(stmt: Any, db: Database) -> str:
    return str(stmt.compile(dialect=db.engine.dialect, compile_kwargs=SENT))


def fetch_text(
    conn: Any, stmt: Any, db: Database, header: Sequence[str] | None = None
) -> tuple[list[str], list[pa.Array]]:
    """Run ``stmt``; its columns as Arrow text arrays (typed values as their cell text)."""
    if db.dialect == "duckdb":  # IN lists expanded: each value is a parameter of its own
        compiled = stmt.compile(dialect=db.engine.dialect, compile_kwargs=SENT)
        order = compiled.positiontup or []
        values = bind_names(compiled.params)
        raw = conn.connection.dbapi_connection
        result = raw.sql(str(compiled), params=[values[k] for k in order] or None)
        batch = result.to_arrow_table() if result is not None else pa.table({})
        names = list(batch.column_names)
        arrays = [arrow_as_text(batch.column(i).combine_chunks()) for i in range(len(names))]
    else:
        cursor = conn.execute(stmt)
        names = list(cursor.keys())
        columns: list[list[object]] = [[] for _ in names]
        while rows := cursor.fetchmany(FETCH_ROWS):
            for i, values_ in enumerate(zip(*rows, strict=True)):
                columns[i].extend(values_)
        arrays = [python_as_text(c) for c in columns]
    if header is None:
        return names, arrays
    by_name = dict(zip(names, arrays, strict=True))
    length = len(arrays[0]) if arrays else 0
    return list(header), [by_name.get(h, pa.nulls(length, pa.string())) for h in header]


def table_sheet(name: str, header: Sequence[str], arrays: Sequence[pa.Array]) -> RawSheet:
    """Column names as the header row (row 0), values below; no title rows."""
    columns = [
        pa.concat_arrays([pa.array([str(h)], pa.string()), a.cast(pa.string())])
        for h, a in zip(header, arrays, strict=True)
    ]
    batch = pa.RecordBatch.from_arrays(columns, names=[f"c{i}" for i in range(len(columns))])
    return RawSheet(
        name=name,
        rows=batch.num_rows if columns else 1,
        _batch=batch,
        columns={i: i for i in range(len(columns))},
        header_at=0,
        labels={i: str(h) for i, h in enumerate(header)},
        row_offset=-1,
    )


def arrow_as_text(array: pa.Array) -> pa.Array:
    """A typed Arrow column as the text a workbook cell would hold."""
    kind = array.type
    if pa.types.is_dictionary(kind):
        array = array.dictionary_decode()
        kind = array.type
    if pa.types.is_string(kind) or pa.types.is_large_string(kind):
        return array.cast(pa.string())
    if pa.types.is_null(kind):
        return pa.nulls(len(array), pa.string())
    if pa.types.is_timestamp(kind):
        if kind.tz is not None:
            return python_as_text(array.to_pylist())
        return _timestamp_text(array)
    if pa.types.is_date(kind):
        return pc.strftime(array.cast(pa.date32()).cast(pa.timestamp("s")), "%Y-%m-%d")
    if pa.types.is_boolean(kind):
        return pc.if_else(array, "true", "false")
    if pa.types.is_floating(kind):
        whole = pc.fill_null(pc.equal(pc.floor(array), array), True)
        if pc.all(whole).as_py():
            return array.cast(pa.int64()).cast(pa.string())
        return array.cast(pa.string())
    if pa.types.is_integer(kind) or pa.types.is_decimal(kind):
        return array.cast(pa.string())
    return python_as_text(array.to_pylist())


def _timestamp_text(array: pa.Array) -> pa.Array:
    seconds = array.cast(pa.timestamp("s"), safe=False)
    if pc.all(pc.fill_null(pc.equal(seconds.cast(array.type), array), True)).as_py():
        return pc.strftime(seconds, "%Y-%m-%d %H:%M:%S")
    return python_as_text(array.to_pylist())


def cell_value_text(value: object) -> str | None:
    """One value as cell text (the slow path, for mixed or unusual columns)."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.datetime):
        text = value.strftime("%Y-%m-%d %H:%M:%S")
        text += f".{value.microsecond:06d}" if value.microsecond else ""
        return text + value.strftime("%z")  # an offset, converted to the rulebook's zone
    if isinstance(value, dt.date):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, bytes | bytearray | memoryview):
        try:
            return bytes(value).decode("utf-8")
        except UnicodeDecodeError:
            return bytes(value).hex()
    return str(value)


def python_as_text(values: Iterable[object]) -> pa.Array:
    """Driver values (SQLite may mix types in one column) as cell text."""
    items = list(values)
    try:
        typed = pa.array(items, from_pandas=False)
    except (pa.ArrowInvalid, pa.ArrowTypeError, TypeError, OverflowError):
        typed = None
    if typed is not None and (
        not pa.types.is_timestamp(typed.type) or (typed.type.tz is None and _whole_seconds(typed))
    ):
        return arrow_as_text(typed)
    return pa.array([cell_value_text(v) for v in items], type=pa.string())


def _whole_seconds(array: pa.Array) -> bool:
    seconds = array.cast(pa.timestamp("s"), safe=False)
    return bool(pc.all(pc.fill_null(pc.equal(seconds.cast(array.type), array), True)).as_py())
