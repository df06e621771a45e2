"""Rows that no result can count, said out loud rather than dropped in silence.

A row is counted when a standard's date places it in one of the windows the run evaluates.
A row dated after now (2027-11-25 typed for 2026-11-25) falls outside every window for a
reason a person should hear of: nothing can have happened yet.

(Rows merely outside the period are not warned about: a folder of every month's files, read
for one month, has them in every file but one, every run.)
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

import pandas as pd

from cskpi.errors import Problem
from cskpi.evaluate.datasets import ROW, SOURCE, ColumnMatch
from cskpi.rulebook.compiled import Rulebook

Frames = Mapping[str, pd.DataFrame]

LISTED = 10  # rows named in one message; the rest are counted


def _rows_text(rows: Iterable[int], dates: Iterable[pd.Timestamp]) -> str:
    pairs = [f"{r} ({d:%Y-%m-%d})" for r, d in zip(rows, dates, strict=True)]
    shown = ", ".join(pairs[:LISTED])
    return shown + (f", … (+{len(pairs) - LISTED})" if len(pairs) > LISTED else "")


def _sheets(matches: Iterable[ColumnMatch]) -> dict[tuple[str, str], str]:
    """(file, dataset) -> the sheet it was read from."""
    return {(m.file, m.dataset): m.sheet for m in matches}


def future_rows(
    rulebook: Rulebook, frames: Frames, matches: Sequence[ColumnMatch], now: pd.Timestamp
) -> list[Problem]:
    """A warning per file and sheet whose rows are dated (``date_column``) after ``now``."""
    sheets = _sheets(matches)
    out = []
    for dataset_id, frame in frames.items():
        spec = rulebook.datasets[dataset_id]
        column = spec.date_column
        if not column or column not in frame.columns or SOURCE not in frame.columns:
            continue
        late = (frame[column] > now).fillna(False).to_numpy(dtype=bool)
        if not late.any():
            continue
        rows = frame[late]
        for file, part in rows.groupby(rows[SOURCE].astype(str), sort=False):
            out.append(
                Problem(
                    "input.future_dates",
                    {
                        "file": file,
                        "sheet": sheets.get((str(file), dataset_id), dataset_id),
                        "header": spec.columns[column].header,
                        "n": len(part),
                        "rows": _rows_text(part[ROW], part[column]),
                    },
                )
            )
    return out
