"""Parquet files as raw cells: typed columns kept as the readers expect them, zoned timestamps as
instants, a binary column that is not UTF-8 a bad value named by cell (never an internal error),
and a file too big for a month of records refused from its footer before the table is read."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from cskpi.errors import InputError
from cskpi.read.limits import MAX_COLUMNS, MAX_ROWS, NOT_UTF8, too_big


def read_parquet(path: Path, errors: dict[tuple[int, int], str]) -> pd.DataFrame:
    """A Parquet file as text cells; byte strings that are not UTF-8 become ``errors``."""
    import pyarrow.parquet as pq

    try:  # ParquetFile, not read_table: a header may name a column twice (reported as such)
        with pq.ParquetFile(path) as parquet:
            meta = parquet.metadata  # the footer only: the size is known before any read
            if meta.num_columns > MAX_COLUMNS:
                raise too_big(path, "input.too_wide", meta.num_columns, MAX_COLUMNS, 1)
            if meta.num_rows > MAX_ROWS:
                raise too_big(path, "input.too_long", f"{meta.num_rows:,}", MAX_ROWS)
            table = parquet.read()
    except (pa.ArrowException, OSError) as exc:
        raise InputError("input.corrupt", file=str(path), reason=str(exc)) from None
    columns: dict[int, pd.Series] = {}
    for i in range(table.num_columns):
        column = table.column(i).combine_chunks()
        if pa.types.is_timestamp(column.type):
            columns[i] = _timestamps(column)
        elif pa.types.is_binary(column.type) or pa.types.is_large_binary(column.type):
            columns[i] = _decoded(column, i, errors)
        else:
            columns[i] = as_text(column.to_pandas())
    header = pd.DataFrame([list(map(str, table.column_names))], dtype="string")
    body = pd.DataFrame(columns, index=pd.RangeIndex(table.num_rows))
    body.columns = range(table.num_columns)
    header.columns = range(table.num_columns)
    return pd.concat([header, body], ignore_index=True)


def _timestamps(column: pa.Array) -> pd.Series:
    """Times as ISO text to the microsecond; one with a zone as its UTC instant (``...Z``),
    which the reader converts to the rulebook's zone like any aware text."""
    zone = column.type.tz
    micro = column.cast(pa.timestamp("us", tz=zone), safe=False).cast(pa.timestamp("us"))
    text = pc.strftime(micro, format="%Y-%m-%d %H:%M:%S")  # %S carries .ffffff
    if zone is not None:
        text = pc.binary_join_element_wise(text, "Z", "")
    return pd.Series(text, dtype=pd.ArrowDtype(pa.string())).astype("string")


def _decoded(column: pa.Array, index: int, errors: dict[tuple[int, int], str]) -> pd.Series:
    """Byte strings as text; one that is not UTF-8 is an error at its cell, never guessed."""
    try:
        return pd.Series(column.cast(pa.string()), dtype=pd.ArrowDtype(pa.string())).astype(
            "string"
        )
    except pa.ArrowInvalid:
        pass
    out: list[str | None] = []
    for row, value in enumerate(column.to_pylist()):  # only a column that has such bytes
        try:
            out.append(None if value is None else value.decode("utf-8"))
        except UnicodeDecodeError:
            errors[(row + 1, index)] = NOT_UTF8  # row 0 is the header
            out.append(None)
    return pd.Series(out, dtype="string")


def as_text(series: pd.Series) -> pd.Series:
    """Typed Parquet columns as the same text an Excel cell would give."""
    if pd.api.types.is_float_dtype(series):
        whole = series.dropna().map(float.is_integer).all()
        if whole:
            return series.astype("Int64").astype("string")
    if pd.api.types.is_bool_dtype(series):
        return series.map({True: "true", False: "false"}).astype("string")
    return series.astype("string")
