"""Reading input workbooks into typed datasets: find each sheet, its header row, map the headers.

Sheets are found by name (Chinese or English alias), headers matched after NFKC, trimming and
case-folding; title rows above the header and blank rows are skipped. Only the fields the
rulebook needs are converted. Every unreadable cell is collected and reported together, by
sheet, row and column. Input files are opened read-only and never modified.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable

import pandas as pd

from cskpi.errors import InputError, Problem
from cskpi.expressions import normalize_name
from cskpi.rulebook import DatasetSpec, Rulebook
from cskpi.values import CONVERTERS, cell_text

HEADER_SEARCH_ROWS = 30
MAX_LISTED_BAD_CELLS = 20
SUFFIXES = {".xlsx", ".xlsm", ".xls", ".ods", ".xlsb"}
ROW = "_row"  # Excel row number of each data row, kept for messages and evidence
SOURCE = "_source"  # which file a row came from


def column_letter(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def _find_sheet(names: Iterable[str], spec: DatasetSpec) -> str | None:
    wanted = [normalize_name(s) for s in spec.sheets]
    by_norm = {normalize_name(n): n for n in names}
    for want in wanted:
        if want in by_norm:
            return by_norm[want]
    return None


def _find_header(rows: list[list[object]], lookup: dict[str, str]) -> int | None:
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


def read_sheet(
    rows: list[list[object]],
    spec: DatasetSpec,
    *,
    dataset_id: str,
    file: str,
    sheet: str,
    required: set[str],
    wanted: set[str],
    bad_cells: list[Problem],
) -> pd.DataFrame:
    """Turn one sheet's raw rows into a typed frame of the ``wanted`` fields that exist."""
    lookup = spec.lookup()
    header_index = _find_header(rows, lookup)
    if header_index is None:
        raise InputError(
            "input.no_header",
            file=file,
            sheet=sheet,
            n=HEADER_SEARCH_ROWS,
            columns=", ".join(c.header for c in spec.columns.values()),
        )
    header = rows[header_index]
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
    for fid in sorted(required - positions.keys()):
        col = spec.columns[fid]
        present = [str(c).strip() for c in header if isinstance(c, str) and c.strip()]
        near = difflib.get_close_matches(col.header, present, n=1, cutoff=0.4)
        hint = (
            Problem("input.missing_column_hint", {"near": near[0]})
            if near
            else Problem("punct.end")
        )
        raise InputError(
            "input.missing_column",
            file=file,
            sheet=sheet,
            column=col.header,
            aliases=", ".join([col.header, fid, *col.aliases]),
            hint=hint,
        )

    body = rows[header_index + 1 :]
    width = len(header)
    data = [r + [None] * (width - len(r)) if len(r) < width else r for r in body]
    raw = (
        pd.DataFrame(data, columns=range(width), dtype=object)
        if data
        else pd.DataFrame(columns=range(width), dtype=object)
    )
    raw[ROW] = range(header_index + 2, header_index + 2 + len(raw))
    used = [positions[f] for f in positions]
    if len(raw):
        cells = raw[used] if used else raw[[]]
        empty = cells.map(lambda v: v is None or (isinstance(v, str) and not v.strip()))
        raw = raw[~empty.all(axis=1)] if used else raw.iloc[0:0]

    frame = pd.DataFrame(index=raw.index)
    for fid in sorted(wanted & positions.keys()):
        col_spec = spec.columns[fid]
        values, bad = CONVERTERS[col_spec.type](raw[positions[fid]])
        frame[fid] = values
        for idx in bad[bad].index:
            bad_cells.append(
                Problem(
                    "input.bad_value",
                    {
                        "file": file,
                        "sheet": sheet,
                        "row": int(raw.at[idx, ROW]),
                        "column": column_letter(positions[fid]),
                        "header": col_spec.header,
                        "kind": Problem(
                            f"kind.{'date' if col_spec.type == 'deadline' else col_spec.type}"
                        ),
                        "value": "***"
                        if col_spec.personal
                        else cell_text(raw.at[idx, positions[fid]])[:40],
                    },
                )
            )
    frame[ROW] = raw[ROW].astype("int64")
    frame[SOURCE] = file
    return frame.reset_index(drop=True)


def fields_to_load(rulebook: Rulebook, dataset_id: str, extra: Iterable[str] = ()) -> set[str]:
    """Fields worth converting: the rulebook's, the grouping ones, and cheap text for evidence."""
    spec = rulebook.datasets[dataset_id]
    wanted = rulebook.required_fields(dataset_id)
    wanted |= {f for f in extra if f in spec.columns}
    wanted |= {f for f, c in spec.columns.items() if c.type == "text"}
    if spec.date_column:
        wanted.add(spec.date_column)
    return wanted
