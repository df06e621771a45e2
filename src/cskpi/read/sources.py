"""Raw tables from input files: every cell as text, at its absolute row and column.

One shape for every format, so header detection and typing are written once:
- Excel workbooks (.xlsx .xlsm .xlsb .xls .ods) through fastexcel (Rust calamine, Arrow
  output): the fastest reader measured here, and only the columns asked for are converted
  to pandas;
- CSV (UTF-8, UTF-8 with BOM, UTF-16 with BOM as Excel's "Unicode text", GBK/GB18030;
  delimiter sniffed) and Parquet: one table each (:mod:`cskpi.read.tablefile`).

Cells arrive as strings (Excel dates as ``2026-10-05 14:30:00``, numbers as ``5`` or
``4.5``, a Parquet time with a zone as ``2020-06-30 17:00:00Z``), or NA when blank;
:mod:`cskpi.read.values` types them, in the rulebook's time zone.
"""

from __future__ import annotations

from collections.abc import Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

import pandas as pd
import pyarrow as pa

from cskpi.errors import InputError
from cskpi.read.archive import UNCACHED, sheet_cells, uncached_formulas

EXCEL_SUFFIXES = {".xlsx", ".xlsm", ".xlsb", ".xls", ".ods"}
TABLE_SUFFIXES = {".csv", ".txt", ".tsv", ".parquet"}
SUFFIXES = EXCEL_SUFFIXES | TABLE_SUFFIXES


@dataclass
class RawSheet:
    """One sheet (or a CSV/Parquet file): string cells addressed by absolute position.

    ``rows`` is the number of rows from the top of the sheet (row 1 has index 0);
    ``columns`` maps an absolute 0-based column index to where its data is.
    """

    name: str
    rows: int
    _batch: pa.RecordBatch | None = None
    _frame: pd.DataFrame | None = None
    columns: dict[int, int] = field(default_factory=dict)  # absolute index -> position
    # cells that hold an error value instead of data: (row, absolute column) -> "#N/A"
    errors: dict[tuple[int, int], str] = field(default_factory=dict)
    # a database table: the header is row 0 (its column names, never a title row), columns
    # are named by their names, and data rows are numbered from 1
    header_at: int | None = None
    labels: dict[int, str] | None = None
    row_offset: int = 0
    visible: bool = True  # False: a hidden (or very hidden) worksheet
    # a look at the head only (ExcelSource.looks): the whole sheet's row count; ``rows`` is
    # the head's, and such a sheet is never read as a dataset
    height: int | None = None
    # a table read in part (tablefile.TableSource): the first rows of every column, so the
    # header is found in the columns not read as it is in those read
    top: list[list[str | None]] | None = None
    # formula cells with no saved result, still being looked for on the other core
    pending: Future[set[tuple[int, int]]] | None = None

    def error_cells(self) -> dict[tuple[int, int], str]:
        """``errors`` with the uncached formulas added, once their scan is done (this waits
        for it: asked for after the columns are typed, the scan costs no time)."""
        if self.pending is not None:
            for cell in self.pending.result():
                self.errors.setdefault(cell, UNCACHED)
            self.pending = None
        return self.errors

    def head(self, n: int) -> list[list[str | None]]:
        """The first ``n`` rows as lists indexed by absolute column (for finding the header)."""
        top = self.top or []
        width = max(max(self.columns, default=-1) + 1, max(map(len, top), default=0))
        out: list[list[str | None]] = [[None] * width for _ in range(min(n, self.rows))]
        for absolute in self.columns:
            for r, value in enumerate(self.column(absolute, stop=n).tolist()):
                out[r][absolute] = None if pd.isna(value) else str(value)
        for r, row in enumerate(top[: len(out)]):
            for absolute, cell in enumerate(row):
                if absolute not in self.columns:
                    out[r][absolute] = cell
        return out

    def arrow(self, absolute: int, start: int = 0, stop: int | None = None) -> pa.Array:
        """Cells of one column (rows ``start``..``stop``) as an Arrow string array."""
        stop = self.rows if stop is None else min(stop, self.rows)
        length = max(0, stop - start)
        position = self.columns.get(absolute)
        if position is None or length == 0:
            return pa.nulls(length, pa.string())
        if self._batch is not None:
            return self._batch.column(position).slice(start, length)
        assert self._frame is not None
        values = self._frame.iloc[start:stop, position]
        return pa.array(values.astype(object).where(values.notna(), None), type=pa.string())

    def column(self, absolute: int, start: int = 0, stop: int | None = None) -> pd.Series:
        """Cells of one column (rows ``start``..``stop``), as strings or NA, indexed by row."""
        values = self.arrow(absolute, start, stop)
        return pd.Series(
            values,
            dtype=pd.ArrowDtype(pa.string()),
            index=pd.RangeIndex(start, start + len(values)),
        ).astype("string")


def _utf8(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


class Source(Protocol):
    path: Path
    single_table: bool  # a CSV or Parquet file: one table, matched to a dataset by its headers

    def sheet_names(self) -> list[str]: ...

    def sheet(self, name: str) -> RawSheet: ...

    def looks(self, names: Sequence[str], rows: int) -> list[RawSheet]: ...

    def close(self) -> None: ...


class ExcelSource:
    """A workbook read with fastexcel; each sheet is parsed once, converted per column."""

    single_table = False

    def __init__(self, path: Path, *, by_content: bool = False) -> None:
        import fastexcel

        self.path = path
        self._by_content = by_content
        self._pool: ThreadPoolExecutor | None = None
        self._errors = (fastexcel.FastExcelError,)
        try:
            # by_content: the suffix lies (an .xls saved as .xlsx): let calamine sniff the bytes
            # a file name that is not UTF-8 cannot reach calamine (Rust strings): pass the bytes
            self._in_memory = by_content or not _utf8(str(path))
            self._reader = fastexcel.read_excel(path.read_bytes() if self._in_memory else str(path))
        except self._errors as exc:
            raise _corrupt(path, exc) from None

    def sheet_names(self) -> list[str]:
        return list(self._reader.sheet_names)

    def sheets(self, names: Sequence[str]) -> list[RawSheet]:
        """Several sheets, parsed two at a time on the machine's cores.

        fastexcel parses outside the GIL, so while one sheet is parsed the other core parses
        the next: a complaint log and a survey of a million rows each are read in about the
        time of the larger one. Each thread opens its own reader (one reader is not shared
        across threads); a workbook read from its bytes (a lying suffix, a file name that is
        not UTF-8) is parsed in turn, and so is a workbook too big to parse two sheets of
        at once (:func:`_in_parallel`). The formula scans queue behind the parses: they
        take the core the smaller sheet's parse frees and run on while the first sheet is
        typed, not beside two parses on two cores.
        """
        if len(names) < 2 or self._in_memory or not _in_parallel(self.path, list(names)):
            return [self.sheet(name) for name in names]
        pool = self._workers()
        parses = [pool.submit(self._parse_alone, name) for name in names]
        scans = [self._scan(name) for name in names]
        sheets = []
        for parse, scan in zip(parses, scans, strict=True):
            raw = parse.result()
            raw.pending = scan
            sheets.append(raw)
        return sheets

    def looks(self, names: Sequence[str], rows: int) -> list[RawSheet]:
        """The first ``rows`` rows of sheets that are only looked at (for a dataset's headers,
        for a look-alike of one), each with its full ``height``; two at a time as in
        :meth:`sheets`, and with no formula scan: a look reads no value. calamine still parses
        the whole sheet, but only the head becomes Arrow and nothing of it is kept."""
        if len(names) < 2 or self._in_memory or not _pairs_fit(self.path, names):
            return [self._parse(name, self._reader, rows) for name in names]
        pool = self._workers()
        return [r.result() for r in [pool.submit(self._parse_alone, n, rows) for n in names]]

    def _parse_alone(self, name: str, head: int | None = None) -> RawSheet:
        import fastexcel

        try:
            reader = fastexcel.read_excel(str(self.path))
        except self._errors as exc:
            raise _corrupt(self.path, exc) from None
        return self._parse(name, reader, head)

    def sheet(self, name: str) -> RawSheet:
        # Formula cells with no saved result read as blank: find them in the sheet's XML on
        # the other core while fastexcel parses (it releases the GIL), so it costs no time.
        scan = self._scan(name)
        raw = self._parse(name, self._reader)
        raw.pending = scan
        return raw

    def _scan(self, name: str) -> Future[set[tuple[int, int]]] | None:
        """Start looking for the uncached formulas of sheet ``name`` (xlsx and xlsm only)."""
        if self._by_content or self.path.suffix.lower() not in (".xlsx", ".xlsm"):
            return None
        return self._workers().submit(uncached_formulas, self.path, name)

    def _parse(self, name: str, reader: object, head: int | None = None) -> RawSheet:
        """Sheet ``name`` in full, or only its first ``head`` rows (a look: no error cells)."""
        try:
            sheet = reader.load_sheet(  # type: ignore[attr-defined]
                name, header_row=None, dtypes="string", skip_rows=0, n_rows=head
            )
            batch, cell_errors = (
                sheet.to_arrow_with_errors() if head is None else (sheet.to_arrow(), None)
            )
            infos = sheet.available_columns()
        except self._errors as exc:
            raise _corrupt(self.path, exc, name) from None
        columns = {info.absolute_index: i for i, info in enumerate(infos)}
        errors: dict[tuple[int, int], str] = {}
        for error in cell_errors.errors if cell_errors is not None else ():
            row, col = error.position
            if col < len(infos):  # cached error values (#N/A, #DIV/0!) of formulas
                errors[(row, infos[col].absolute_index)] = _error_text(error.detail)
        return RawSheet(
            name=name,
            rows=batch.num_rows,
            _batch=batch,
            columns=columns,
            errors=errors,
            visible=getattr(sheet, "visible", "visible") == "visible",
            height=None if head is None else sheet.total_height,
        )

    def _workers(self) -> ThreadPoolExecutor:
        """Two threads: the parses of two sheets, or a parse's scan beside the main thread."""
        if self._pool is None:
            self._pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="cskpi-sheet")
        return self._pool

    def close(self) -> None:
        self._reader = None  # type: ignore[assignment]
        if self._pool is not None:
            # scans still queued run to the end: a sheet already returned may still ask for them
            self._pool.shutdown(wait=True)
            self._pool = None


# The parser holds about 80 bytes a cell at its peak (1M + 1M rows of 9 and 8 columns: 1.4 GB
# parsed at once, 1.0 GB in turn): sheets are parsed two at a time only below this many cells
# together, so a workbook twice that size costs time, not a laptop's memory.
PARALLEL_CELLS = 20_000_000
PARALLEL_FILE_BYTES = 100 * 1024**2  # .xls .xlsb .ods: no cell count read, the file's size


def _in_parallel(path: Path, names: list[str]) -> bool:
    """Whether the sheets ``names`` of ``path`` may be parsed at the same time."""
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        cells = sheet_cells(path, names)
        return cells is not None and cells <= PARALLEL_CELLS
    try:
        return path.stat().st_size <= PARALLEL_FILE_BYTES
    except OSError:
        return False


def _pairs_fit(path: Path, names: Sequence[str]) -> bool:
    """Whether the two largest of the sheets ``names`` may be parsed at the same time."""
    if path.suffix.lower() not in (".xlsx", ".xlsm"):
        return _in_parallel(path, list(names))
    cells = sorted(sheet_cells(path, [name]) or PARALLEL_CELLS + 1 for name in names)
    return sum(cells[-2:]) <= PARALLEL_CELLS


_ERROR_NAMES = {
    "Div0": "#DIV/0!",
    "NA": "#N/A",
    "Name": "#NAME?",
    "Null": "#NULL!",
    "Num": "#NUM!",
    "Ref": "#REF!",
    "Value": "#VALUE!",
    "GettingData": "#GETTING_DATA",
}


def _error_text(detail: str) -> str:
    """fastexcel's "Expected string but got 'Error(NA)'" -> "#N/A"."""
    inner = detail.rsplit("Error(", 1)[-1].rstrip("')")
    return _ERROR_NAMES.get(inner, f"#{inner}")


def _corrupt(path: Path, exc: Exception, sheet: str | None = None) -> InputError:
    reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    if sheet:
        reason = f"{sheet}: {reason}"
    return InputError("input.corrupt", file=str(path), reason=reason)


def load_sheets(source: Source, names: Sequence[str]) -> list[RawSheet]:
    """The sheets ``names`` of ``source``, in order (in parallel where the source can)."""
    if isinstance(source, ExcelSource):
        return source.sheets(names)
    return [source.sheet(name) for name in names]


def look_sheets(source: Source, names: Sequence[str], rows: int) -> list[RawSheet]:
    """The first ``rows`` rows of the sheets ``names``, for their headers and row counts."""
    return source.looks(names, rows)
