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


class ParquetTable:
    """One Parquet file: its footer read (limits checked, column names known), its columns
    read when asked, all of them or only those a dataset uses (a flat schema)."""

    def __init__(self, path: Path) -> None:
        import pyarrow.parquet as pq

        self.path = path
        try:  # ParquetFile, not read_table: a header may name a column twice (reported as such)
            self._file = pq.ParquetFile(path)
            meta = self._file.metadata  # the footer only: the size is known before any read
            if meta.num_columns > MAX_COLUMNS:
                raise too_big(path, "input.too_wide", meta.num_columns, MAX_COLUMNS, 1)
            if meta.num_rows > MAX_ROWS:
                raise too_big(path, "input.too_long", f"{meta.num_rows:,}", MAX_ROWS)
            schema = self._file.schema_arrow
        except (pa.ArrowException, OSError) as exc:
            raise InputError("input.corrupt", file=str(path), reason=str(exc)) from None
        self.names = [str(name) for name in schema.names]
        # a nested column is several leaf columns: read whole, as before
        self.flat = len(schema) == meta.num_columns

    def head(self, rows: int) -> pd.DataFrame:
        """The header row and the first ``rows - 1`` records of every column, as text."""
        try:
            batch = next(self._file.iter_batches(batch_size=max(rows - 1, 1)), None)
        except (pa.ArrowException, OSError) as exc:
            raise InputError("input.corrupt", file=str(self.path), reason=str(exc)) from None
        table = pa.Table.from_batches([batch]) if batch is not None else None
        return self._text(table, list(range(len(self.names))), {})

    def read(
        self, errors: dict[tuple[int, int], str], columns: list[int] | None = None
    ) -> pd.DataFrame:
        """The header row and every record of ``columns`` (all: None), labelled by position
        in the file; byte strings that are not UTF-8 become ``errors``."""
        try:
            if columns is None or not self.flat:
                columns = list(range(len(self.names)))
                table = self._file.read()
            else:
                table = self._file.reader.read_all(column_indices=columns, use_threads=True)
        except (pa.ArrowException, OSError) as exc:
            raise InputError("input.corrupt", file=str(self.path), reason=str(exc)) from None
        return self._text(table, columns, errors)

    def close(self) -> None:
        self._file.close()

    def _text(
        self, table: pa.Table | None, columns: list[int], errors: dict[tuple[int, int], str]
    ) -> pd.DataFrame:
        texts: dict[int, pd.Series] = {}
        rows = 0 if table is None else table.num_rows
        for i, absolute in enumerate(columns):
            if table is None:
                texts[absolute] = pd.Series([], dtype="string")
                continue
            column = table.column(i).combine_chunks()
            if pa.types.is_timestamp(column.type):
                texts[absolute] = _timestamps(column)
            elif pa.types.is_binary(column.type) or pa.types.is_large_binary(column.type):
                texts[absolute] = _decoded(column, absolute, errors)
            else:
                texts[absolute] = as_text(column.to_pandas())
        header = pd.DataFrame([[self.names[c] for c in columns]], dtype="string")
        body = pd.DataFrame(texts, index=pd.RangeIndex(rows))
        body.columns = header.columns = columns
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
