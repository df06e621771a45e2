"""Which rows of a sheet are records: example rows are not, and a record counts once.

The template's example rows carry a mark in a column headed 示例 (or ``example``); they are
left out with a note, so an untouched template has no data. Within one sheet, a row repeated
exactly under the same id (a paste done twice) counts once, with a warning naming the rows;
two different rows under one id cannot both be the record, so the run stops naming both.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from cskpi.errors import InputError, Problem
from cskpi.evaluate.datasets import EXAMPLE_HEADERS, ROW
from cskpi.evaluate.masks import shown_id
from cskpi.language.syntax import normalize_name
from cskpi.read.sources import RawSheet
from cskpi.rulebook.compiled import Dataset

LISTED = 10  # rows named in one message; the rest are counted
CONTENT = "_content"  # a row's content_digest, kept while several inputs are combined


def row_list(rows: Sequence[int | str]) -> str:
    shown = ", ".join(str(r) for r in rows[:LISTED])
    return shown + (f", … (+{len(rows) - LISTED})" if len(rows) > LISTED else "")


def example_column(header: Sequence[str | None], spec: Dataset) -> int | None:
    """The column that marks example rows, unless the dataset itself has a field so named."""
    for col, cell in enumerate(header):
        if not isinstance(cell, str):
            continue
        key = normalize_name(cell)
        if key in EXAMPLE_HEADERS and key not in spec.lookup:
            return col
    return None


def example_rows(raw: RawSheet, column: int, start: int) -> np.ndarray:
    """Rows (from ``start``) with a mark in the example column."""
    cells = raw.arrow(column, start=start)
    marked = pc.and_kleene(pc.invert(pc.utf8_is_space(cells)), pc.greater(pc.utf8_length(cells), 0))
    return np.asarray(pc.fill_null(marked, False).to_numpy(zero_copy_only=False), dtype=bool)


def examples_note(file: str, sheet: str, rows: Sequence[int]) -> Problem:
    return Problem(
        "input.example_rows",
        {"file": file, "sheet": sheet, "n": len(rows), "rows": row_list(rows)},
    )


def merge_notes(warnings: list[Problem]) -> list[Problem]:
    """Each warning once, and one line per file for the example rows of its sheets: a
    template's example row on each of its 7 sheets is one line, not 7 alike."""
    examples: dict[object, list[Problem]] = {}
    for w in warnings:
        if w.key == "input.example_rows":
            examples.setdefault(w.params["file"], []).append(w)
    out: list[Problem] = []
    for w in warnings:
        if w.key == "input.example_rows" and len(mine := examples[w.params["file"]]) > 1:
            if w is not mine[0]:
                continue
            sheets = ", ".join(f"{m.params['sheet']} ({m.params['rows']})" for m in mine)
            n = sum(int(str(m.params["n"])) for m in mine)
            w = Problem(
                "input.example_rows_sheets", {"file": w.params["file"], "n": n, "sheets": sheets}
            )
        if w not in out:
            out.append(w)
    return out


def content_digest(
    raw: RawSheet, positions: dict[str, int], spec: Dataset, start: int, keep: np.ndarray
) -> np.ndarray:
    """One 64-bit hash per kept row of the trimmed text of every column of the dataset.

    What another file's copy of a row is compared by (read/combine.py): the text as typed,
    whichever columns this run converts; a column a sheet lacks reads as blank.
    """
    mask = pa.array(keep)
    texts = []
    for fid in sorted(spec.columns):
        if fid not in positions:
            texts.append(pa.scalar(None, pa.string()))
            continue
        cells = raw.arrow(positions[fid], start=start)
        texts.append(pc.utf8_trim_whitespace(pc.filter(cells, mask)))
    if all(isinstance(t, pa.Scalar) for t in texts):
        return np.zeros(int(keep.sum()), dtype=np.uint64)
    joined = pc.binary_join_element_wise(
        *texts, "\x1f", null_handling="replace", null_replacement=""
    )
    series = pd.Series(pd.arrays.ArrowStringArray(joined))
    return pd.util.hash_pandas_object(series, index=False).to_numpy(dtype=np.uint64)


def _texts(raw: RawSheet, columns: Sequence[int], rows: np.ndarray) -> list[tuple[str | None, ...]]:
    """The trimmed text of every known column at 0-based sheet ``rows``."""
    picked = pa.array(rows, type=pa.int64())
    values = []
    for col in columns:
        cells = pc.take(raw.arrow(col), picked).to_pylist()
        values.append([None if c is None or not c.strip() else c.strip() for c in cells])
    return list(zip(*values, strict=True)) if values else [() for _ in rows]


def _all_distinct(ids: pd.Series) -> bool:
    """Whether no id occurs twice, blanks aside: a third of the time pandas' ``duplicated``
    takes on a million ids, which is left for the rows that do repeat."""
    try:
        values = pa.array(ids.array)
    except (pa.ArrowInvalid, pa.ArrowTypeError, TypeError):
        return False
    return len(pc.unique(values.drop_null())) == len(values) - values.null_count


def repeated_records(
    frame: pd.DataFrame,
    raw: RawSheet,
    positions: dict[str, int],
    spec: Dataset,
    *,
    file: str,
    sheet: str,
) -> tuple[pd.DataFrame, list[Problem]]:
    """``frame`` with exact repeats of an earlier row under the same id left out, and a note.

    Rows are compared on the text of every column of the dataset found in the sheet, so the
    answer is the same whichever columns this run converts. Different rows under one id are
    an error naming both rows.
    """
    id_field = spec.id_column
    if id_field is None or id_field not in frame.columns or id_field not in positions:
        return frame, []
    if spec.keep_last is not None and spec.keep_last.key == id_field:
        return frame, []  # an event log: one row per update of the same record
    ids = frame[id_field]
    if _all_distinct(ids):  # the usual case, told by Arrow's hash kernel
        return frame, []
    repeated = (ids.duplicated(keep=False) & ids.notna()).to_numpy(dtype=bool)
    if not repeated.any():
        return frame, []
    index = np.flatnonzero(repeated)
    sheet_rows = frame[ROW].to_numpy()[index]
    # back from row numbers to the raw sheet's rows (a table's rows are numbered from its
    # first data row: row_offset -1)
    texts = _texts(raw, sorted(positions.values()), sheet_rows - 1 - raw.row_offset)
    first: dict[object, tuple[int, tuple[str | None, ...]]] = {}
    drop = np.zeros(len(frame), dtype=bool)
    pairs: list[str] = []
    conflicts: list[Problem] = []
    header = spec.columns[id_field].header
    for i, row, text in zip(index, sheet_rows, texts, strict=True):
        key = ids.iloc[i]
        if key not in first:
            first[key] = (int(row), text)
            continue
        earlier, earlier_text = first[key]
        if text == earlier_text:
            drop[i] = True
            pairs.append(f"{int(row)}={earlier}")
        elif len(conflicts) < LISTED:
            conflicts.append(
                Problem(
                    "input.conflicting_rows",
                    {
                        "file": file,
                        "sheet": sheet,
                        "a": earlier,
                        "b": int(row),
                        "header": header,
                        "id": shown_id(spec, key),
                    },
                )
            )
    if conflicts:
        raise InputError.of(conflicts)
    note = Problem(
        "input.repeated_rows",
        {"file": file, "sheet": sheet, "n": len(pairs), "rows": row_list(pairs)},
    )
    return frame[~drop].reset_index(drop=True), [note]
