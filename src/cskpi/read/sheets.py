"""Reading input workbooks into typed datasets: find each sheet, its header row, map the headers.

Sheets are found by name (Chinese or English alias), headers matched after NFKC, trimming and
case-folding; title rows above the header and blank rows are skipped. Only the fields the
rulebook needs are converted. Every unreadable cell is collected and reported together, by
sheet, row and column. Input files are opened read-only and never modified.
"""

from __future__ import annotations

import difflib
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from cskpi.errors import InputError, Problem
from cskpi.evaluate.datasets import ROW, SOURCE, ColumnMatch, said
from cskpi.language.spelling import accepted
from cskpi.language.syntax import normalize_name
from cskpi.read.archive import UNCACHED
from cskpi.read.cells import Converted
from cskpi.read.limits import NOT_UTF8
from cskpi.read.records import (
    CONTENT,
    content_digest,
    example_column,
    example_rows,
    examples_note,
    repeated_records,
)
from cskpi.read.sources import RawSheet
from cskpi.read.values import cell_text, convert
from cskpi.rulebook.compiled import Dataset, Rulebook

HEADER_SEARCH_ROWS = 30
MAX_LISTED_BAD_CELLS = 20


def column_letter(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def _find_header(rows: list[list[str | None]], lookup: Mapping[str, str]) -> int | None:
    """The index of the row that names the most known fields (ties: the first)."""
    best, best_hits = None, 0
    for i, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        hits = len(
            {
                lookup[key]
                for cell in row
                if isinstance(cell, str) and (key := normalize_name(cell)) in lookup
            }
        )
        if hits > best_hits:
            best, best_hits = i, hits
    return best


@dataclass
class BadCells:
    """Unreadable cells across a whole run: the first few described, all of them counted."""

    listed: list[Problem] = field(default_factory=list)
    total: int = 0
    skipped: int = 0  # rows left out under ``bad_values: skip``

    def problems(self) -> list[Problem]:
        extra = self.total - len(self.listed)
        more = [Problem("input.bad_values_more", {"n": extra})] if extra > 0 else []
        return self.listed + more


def find_columns(
    head: list[list[str | None]],
    spec: Dataset,
    *,
    file: str,
    sheet: str,
    header_at: int | None = None,
) -> tuple[int, dict[str, int]]:
    """The header row and the column of each field found there (see :func:`require_columns`).

    ``header_at``: the header row is known (a database table's column names).
    """
    lookup = spec.lookup
    header_index = _find_header(head, lookup) if header_at is None else header_at
    if header_index is None:
        raise InputError(
            "input.no_header",
            file=file,
            sheet=sheet,
            n=HEADER_SEARCH_ROWS,
            columns=", ".join(c.header for c in spec.columns.values()),
        )
    header = head[header_index]
    positions: dict[str, int] = {}
    for col, cell in enumerate(header):
        if not isinstance(cell, str) or normalize_name(cell) not in lookup:
            continue
        fid = lookup[normalize_name(cell)]
        if fid in positions:
            raise InputError(
                "input.duplicate_header",
                file=file,
                sheet=sheet,
                row=header_index + 1,
                header=str(cell).strip(),
                a=column_letter(positions[fid]),
                b=column_letter(col),
            )
        positions[fid] = col
    return header_index, positions


NEAR_CUTOFF = 0.4  # how alike a header must be to a field's names to be offered as its near miss


def closest_header(
    fid: str, spec: Dataset, header: Sequence[str | None], taken: Collection[int]
) -> str | None:
    """The header a missing field most likely is: among the headers no other field took,
    the one most like any of the field's names (header, aliases, id); ties: the first."""
    column = spec.columns[fid]
    names = [normalize_name(n) for n in (column.header, *column.aliases, fid)]
    best, score = None, NEAR_CUTOFF
    for col, cell in enumerate(header):
        if col in taken or not isinstance(cell, str) or not cell.strip():
            continue
        text = normalize_name(cell)
        ratio = max(difflib.SequenceMatcher(None, name, text).ratio() for name in names)
        if ratio > score or (best is None and ratio == score):
            best, score = cell.strip(), ratio
    return best


def require_columns(
    header: list[str | None],
    spec: Dataset,
    positions: dict[str, int],
    required: set[str],
    *,
    file: str,
    sheet: str,
) -> None:
    """A required field with no column is an error naming the nearest header."""
    for fid in sorted(required - positions.keys()):
        wanted = spec.columns[fid]
        near = closest_header(fid, spec, header, positions.values())
        hint = (
            Problem("input.missing_column_hint", {"near": near}) if near else Problem("punct.end")
        )
        raise InputError(
            "input.missing_column",
            file=file,
            sheet=sheet,
            column=wanted.header,
            aliases=", ".join([wanted.header, fid, *wanted.aliases]),
            hint=hint,
        )


def _rows_with_data(raw: RawSheet, columns: list[int], start: int) -> np.ndarray:
    """Rows with something in at least one known column (Arrow kernels, no Python loop).

    A cell holding only white space counts as blank.
    """
    length = max(0, raw.rows - start)
    filled = np.zeros(length, dtype=bool)
    for col in columns:
        cells = raw.arrow(col, start=start)
        if cells.null_count < len(cells):
            text = pc.and_kleene(
                pc.invert(pc.utf8_is_space(cells)), pc.greater(pc.utf8_length(cells), 0)
            )
            filled |= pc.fill_null(text, False).to_numpy(zero_copy_only=False)
    return filled


def read_sheet(
    raw: RawSheet,
    spec: Dataset,
    *,
    file: str,
    required: set[str],
    wanted: set[str],
    checked: set[str],
    bad_cells: BadCells,
    matches: list[ColumnMatch] | None = None,
    dataset_id: str = "",
    notes: list[Problem] | None = None,
    keep_said: bool = False,
    fingerprint: bool = False,
) -> pd.DataFrame:
    """Turn one raw sheet into a typed frame of the ``wanted`` fields that exist.

    ``keep_said``: rows will be shown, so a rating or yes/no column (not personal) also keeps
    what its cells said, as ``said(field)``, for the evidence to show beside the reading.

    Only those columns are converted; rows that are blank in every field the dataset knows
    are dropped (trailing formatting, spacer rows). Unreadable cells in the ``checked``
    fields (the ones standards evaluate) are errors, or, when the dataset says
    ``bad_values: skip``, their rows are left out and counted; other fields are shown
    as they are, never judged. Example rows (marked in a 示例 column) and exact repeats
    of a record are left out with a note in ``notes``. ``fingerprint``: other inputs are
    read too, so each row keeps a digest of its text (``CONTENT``) to compare copies by.
    """

    sheet = raw.name
    head = raw.head(HEADER_SEARCH_ROWS)
    header_index, positions = find_columns(
        head, spec, file=file, sheet=sheet, header_at=raw.header_at
    )
    letter = column_letter if raw.labels is None else raw.labels.__getitem__
    if matches is not None:
        head_row = head[header_index]
        for fid in spec.columns:
            if fid in positions:
                matches.append(
                    ColumnMatch(
                        file,
                        sheet,
                        dataset_id,
                        fid,
                        str(head_row[positions[fid]]).strip(),
                        letter(positions[fid]),
                    )
                )
            else:
                near = closest_header(fid, spec, head_row, positions.values())
                matches.append(ColumnMatch(file, sheet, dataset_id, fid, None, None, near))
    # after the matches are recorded: --explain-columns shows them when a column is missing
    require_columns(head[header_index], spec, positions, required, file=file, sheet=sheet)
    start = header_index + 1
    keep = _rows_with_data(raw, list(positions.values()), start)
    mark = example_column(head[header_index], spec)
    if mark is not None:
        examples = example_rows(raw, mark, start) & keep
        if examples.any():
            keep &= ~examples
            if notes is not None:
                marked = np.arange(start, start + len(examples))[examples] + 1
                notes.append(examples_note(file, sheet, [int(r) for r in marked]))
    everything = bool(keep.all())
    mask = pa.array(keep)
    rows = np.arange(start, start + len(keep))[keep] + 1 + raw.row_offset  # 1-based

    frame = pd.DataFrame(index=pd.RangeIndex(len(rows)))
    typed: list[tuple[str, pa.Array, Converted]] = []  # the checked fields, judged below
    for fid in sorted(wanted & positions.keys()):
        col_spec = spec.columns[fid]
        source = raw.arrow(positions[fid], start=start)
        if not everything:
            source = pc.filter(source, mask)
        if spec.missing:  # "?" or "N/A" in this export means blank
            absent = pc.is_in(pc.utf8_trim_whitespace(source), value_set=pa.array(spec.missing))
            source = pc.if_else(absent, pa.scalar(None, pa.string()), source)
        converted = convert(source, col_spec.spelling)
        frame[fid] = converted.values.array
        if keep_said and col_spec.type in ("rating", "yesno") and not col_spec.personal:
            frame[said(fid)] = pd.array(pc.utf8_trim_whitespace(source), pd.StringDtype("pyarrow"))
        if fid in checked:
            typed.append((fid, source, converted))
    # error cells only now: the formula scan ran on the other core while the columns were typed
    cell_errors = raw.error_cells()
    position_of_row = {int(r): i for i, r in enumerate(rows)} if cell_errors else {}
    unreadable = np.zeros(len(rows), dtype=bool)
    for fid, source, converted in typed:
        col_spec = spec.columns[fid]
        found: list[tuple[int, str | None]] = [
            (int(i), None) for i in np.flatnonzero(converted.bad)
        ]
        found += [  # error values (#N/A) read as blank: they are not blank
            (position_of_row[row + 1 + raw.row_offset], text)
            for (row, col), text in cell_errors.items()
            if col == positions[fid] and row + 1 + raw.row_offset in position_of_row
        ]
        for i, error in sorted(found):
            unreadable[i] = True
            bad_cells.total += 1
            if len(bad_cells.listed) >= MAX_LISTED_BAD_CELLS:
                continue
            kind = "date" if col_spec.type == "deadline" else col_spec.type
            value = "***" if col_spec.personal else cell_text(source[i].as_py())[:40]
            key = (
                "input.bad_value"
                if error is None
                else "input.formula_uncached"
                if error == UNCACHED
                else "input.not_utf8"
                if error == NOT_UTF8
                else "input.cell_error"
            )
            reason = converted.why(i) if error is None else None
            if error is None and reason is None:  # nothing more precise: what would be read
                reason = accepted(col_spec.spelling)
            bad_cells.listed.append(
                Problem(
                    key,
                    {
                        "file": file,
                        "sheet": sheet,
                        "row": int(rows[i]),
                        "column": letter(positions[fid]),
                        "header": col_spec.header,
                        "kind": Problem(f"kind.{kind}"),
                        "value": value if error is None else error,
                        "why": Problem("why.because", {"why": reason}) if reason else "",
                    },
                )
            )
    frame[ROW] = rows.astype("int64")
    frame[SOURCE] = pd.Categorical.from_codes(np.zeros(len(rows), dtype=np.int8), [file])
    if fingerprint:
        frame[CONTENT] = content_digest(raw, positions, spec, start, keep)
    if spec.bad_values == "skip" and unreadable.any():
        bad_cells.skipped += int(unreadable.sum())
        frame = frame[~unreadable].reset_index(drop=True)
    frame, repeats = repeated_records(frame, raw, positions, spec, file=file, sheet=sheet)
    if notes is not None:
        notes += repeats
    return frame


def fields_to_load(
    rulebook: Rulebook, dataset_id: str, extra: Iterable[str] = (), *, everything: bool = False
) -> set[str]:
    """The fields worth converting: the rulebook's, the grouping one, the id and date.

    The rest (complaint descriptions, customer names) only when the rows themselves are
    shown (``everything``: an Excel export or ``--evidence``); a million-row run that only
    prints the scorecard never materialises them.
    """
    spec = rulebook.datasets[dataset_id]
    if everything:
        return set(spec.columns)
    wanted = rulebook.required_fields(dataset_id)
    wanted |= {f for f in extra if f in spec.columns}
    wanted |= {f for f in (spec.date_column, spec.id_column, spec.category_column) if f}
    if spec.keep_last is not None:
        wanted |= {spec.keep_last.key, spec.keep_last.by}
    return wanted
