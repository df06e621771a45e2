"""A CSV or Parquet file as one raw table, of which only the columns a dataset uses are made.

A CRM export carries 200 columns where the rulebook uses 9: the table's first rows (every
column) are looked at to find which dataset it is and where its header is, then only the
columns the dataset's fields and its example mark are found in are converted; the rest keep
their first rows (:attr:`RawSheet.top`), so the header is found again exactly as it was, and
every position named in a message is the column's position in the file. A Parquet file reads
only those columns; a CSV file is parsed once to check it and, when wider than
:data:`KEEP_WIDTH`, once more keeping only those columns (narrower, it is kept whole).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Collection, Iterator, Sequence
from pathlib import Path

import pandas as pd

from cskpi.errors import InputError
from cskpi.read.limits import MAX_COLUMNS, MAX_ROWS, too_big
from cskpi.read.sheets import HEADER_SEARCH_ROWS
from cskpi.read.sources import RawSheet

ENCODINGS = ("utf-8-sig", "gb18030")


def decode(path: Path, raw: bytes) -> str:
    """UTF-16 with its BOM (Excel's "Unicode text"), UTF-8 (with or without BOM), else
    GB18030 (a superset of GBK, as Chinese Excel saves).

    Bytes that are none of these are an error naming the line, never replaced silently.
    """
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return raw.decode("utf-16")
        except UnicodeDecodeError as exc:
            line = raw[: exc.start].decode("utf-16", errors="replace").count("\n") + 1
            raise InputError("input.undecodable", file=str(path), line=line) from None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as first:
        try:
            return raw.decode("gb18030")
        except UnicodeDecodeError:
            line = raw.count(b"\n", 0, first.start) + 1
            raise InputError("input.undecodable", file=str(path), line=line) from None


class TableSource:
    """A CSV or Parquet file: one table, its cells as strings."""

    single_table = True

    def __init__(self, path: Path, *, parquet: bool = False) -> None:
        self.path = path
        self._errors: dict[tuple[int, int], str] = {}
        self._csv: _Csv | None = None
        self._tops: dict[int, list[list[str | None]]] = {}  # first rows, by how many
        if parquet:  # pyarrow.parquet only when a Parquet file is read
            from cskpi.read.parquet import ParquetTable

            self._parquet: ParquetTable | None = ParquetTable(path)
        else:
            self._parquet = None
            self._csv = _Csv(path)

    def sheet_names(self) -> list[str]:
        return [self.path.name]

    def looks(self, names: Sequence[str], rows: int) -> list[RawSheet]:
        """The table's first ``rows`` rows, every column (a Parquet file's header row is
        its column names)."""
        if rows not in self._tops:
            if self._parquet is not None:
                head = self._parquet.head(rows)
            else:
                assert self._csv is not None and rows <= HEADER_SEARCH_ROWS
                width = self._csv.width
                head = _frame(self._csv.top[:rows], width, range(width))
            self._tops[rows] = _rows(head)
        top = self._tops[rows]
        return [RawSheet(name=name, rows=len(top), top=top) for name in names]

    def sheet(self, name: str, columns: Collection[int] | None = None) -> RawSheet:
        """The table; ``columns``: only these (absolute positions) are converted, the others
        keep only their first rows, for the header."""
        top = None
        if columns is not None:
            top = self.looks([name], HEADER_SEARCH_ROWS)[0].top
        wanted = sorted(columns) if columns is not None else None
        if self._parquet is not None:
            frame = self._parquet.read(self._errors, wanted)
        else:
            assert self._csv is not None
            if self._csv.kept is not None:  # narrow: made whole, as cheap as in part
                wanted, top = None, None
            labels = range(self._csv.width) if wanted is None else wanted
            frame = _frame(self._csv.records(wanted), len(labels), labels)
        return RawSheet(
            name=name,
            rows=len(frame),
            _frame=frame,
            columns={absolute: i for i, absolute in enumerate(frame.columns)},
            errors=dict(self._errors),
            top=top,
        )

    def close(self) -> None:
        self._csv = None
        if self._parquet is not None:
            self._parquet.close()


def _rows(frame: pd.DataFrame) -> list[list[str | None]]:
    """A frame's cells as lists of text or None."""
    return [
        [None if pd.isna(cell) else str(cell) for cell in row]
        for row in frame.astype(object).itertuples(index=False, name=None)
    ]


TOP = HEADER_SEARCH_ROWS  # the first records, kept for the header
KEEP_WIDTH = 32  # a narrower table is kept whole from the first parse


class _Csv:
    """A CSV file decoded and checked once (its width, its length, its quoting); a wide one
    is parsed again when the columns wanted are known: a record list of 200 columns costs
    more time and three times the memory of two passes that keep 9."""

    def __init__(self, path: Path) -> None:
        try:
            raw = path.read_bytes()
        except OSError as exc:
            raise InputError("input.corrupt", file=str(path), reason=exc.strerror or exc) from None
        self.path = path
        self.text = decode(path, raw)
        sample = self.text[: 1 << 16]
        try:
            self.delimiter = csv.Sniffer().sniff(sample, delimiters=",;\t|").delimiter
        except csv.Error:
            self.delimiter = "\t" if path.suffix.lower() == ".tsv" else ","
        # Junk lines above the header have fewer fields: size the table by the widest record.
        self.width = 0
        self.top: list[list[str]] = []  # the first records, for the header
        self.kept: list[list[str]] | None = []  # every record, while the table is narrow
        for count, record in enumerate(self._reader(), start=1):
            if len(record) > self.width:
                self.width = len(record)
                if self.width > MAX_COLUMNS:
                    raise too_big(path, "input.too_wide", self.width, MAX_COLUMNS, count)
            if count <= TOP:
                self.top.append(record)
            if self.width > KEEP_WIDTH:  # wide: parsed again for the columns wanted
                self.kept = None
            elif self.kept is not None:
                self.kept.append(record)
            if count > MAX_ROWS:
                raise too_big(path, "input.too_long", f"> {MAX_ROWS:,}", MAX_ROWS)

    def _reader(self) -> Iterator[list[str]]:
        try:
            yield from csv.reader(io.StringIO(self.text), delimiter=self.delimiter)
        except csv.Error as exc:
            raise InputError("input.corrupt", file=str(self.path), reason=str(exc)) from None

    def records(self, columns: Sequence[int] | None) -> list[list[str]]:
        """Every record, only ``columns`` of it (all: None)."""
        if self.kept is not None:
            return self.kept
        if columns is None:
            return list(self._reader())
        return [[r[c] if c < len(r) else "" for c in columns] for r in self._reader()]


def _frame(records: list[list[str]], width: int, columns: Sequence[int]) -> pd.DataFrame:
    """A table of ``records`` (each the cells of ``columns``, or shorter) labelled by
    ``columns``; a short record's missing cells and cells of white space only are NA."""
    frame = pd.DataFrame([r + [""] * (width - len(r)) for r in records], dtype="string")
    frame.columns = list(columns)
    return frame.mask(frame.apply(lambda c: c.str.strip() == ""), pd.NA) if width else frame
