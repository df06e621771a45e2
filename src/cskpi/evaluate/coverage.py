"""What a result rests on, said out loud when it is less than the table makes it look.

A count of 0 is a pass only if the rows that could have been counted were really looked at.
Four ways they are not, each said and, where it could turn a failure into a pass, kept out
of the verdict (README "What 达标 means"):

- **undated rows**: a row whose standard's date is blank is placed in no window. When that
  date is one every row owes (the dataset's own date, or a deadline; not an event date such
  as 升级日期, whose blank means "not escalated"), rows its filter counts (or cannot decide
  because of the blank) are named in a warning per standard; when, counted, they would
  break a count limit that passes without them, the result is unknown (no data, with the
  reason), so a never-resolved complaint with no deadline cannot make "no overdue
  complaints" true;
- **no rows in the window**: a dataset with dated rows none of which is in a standard's
  window (last month's file run for this month) gives that standard no result there, with
  a warning naming the sheet and the dates it holds, never a pass from 0 rows (a sheet
  with only its header row is a month with none, as before);
- **skipped rows** (``bad_values: skip``): more than :data:`MAX_SKIPPED_SHARE` of a dataset
  a required standard counts makes the verdict incomplete;
- **waived rows**: a result that meets its target with rows waived says so in a warning.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

import numpy as np
import pandas as pd

from cskpi.errors import Problem
from cskpi.evaluate.datasets import ROW, SOURCE, ColumnMatch, Waiver
from cskpi.evaluate.periods import Period
from cskpi.evaluate.scorecard import Result
from cskpi.i18n import Named
from cskpi.rulebook.compiled import Dataset, Rulebook, Standard

LISTED = 5  # rows (or ids) named in one message; the rest are counted
MAX_SKIPPED_SHARE = 0.10  # more skipped rows than this share of a dataset: incomplete


def rows_text(frame: pd.DataFrame, mask: np.ndarray) -> str:
    """'3, 5, 9 (+2)'; with the file before its rows when they come from several files."""
    rows = frame[mask]
    if ROW not in rows.columns:
        return "-"
    files = rows[SOURCE].astype(str) if SOURCE in rows.columns else pd.Series("", rows.index)
    parts = []
    shown = 0
    for file, part in rows.groupby(files, sort=False):
        numbers = [str(int(r)) for r in part[ROW].head(max(LISTED - shown, 0))]
        shown += len(numbers)
        if numbers:
            several = files.nunique() > 1
            parts.append((f"{file}: " if several and file else "") + ", ".join(numbers))
    more = len(rows) - shown
    return "; ".join(parts) + (f" (+{more})" if more > 0 else "")


def owed(std: Standard, spec: Dataset) -> bool:
    """Whether every row owes the standard's date, so a blank is missing data: the dataset's
    own date (投诉日期) or a deadline (承诺期限). A blank event date (升级日期, 解决日期) says
    the event has not happened: the row is rightly in no window."""
    field = std.date_field
    return field is not None and (
        field == spec.date_column or spec.columns[field].type == "deadline"
    )


def undated(
    std: Standard,
    frame: pd.DataFrame,
    window: Period,
    as_of: pd.Timestamp,
    could: np.ndarray,
    home: str | None,
) -> np.ndarray:
    """Rows ``window`` may be missing: the standard's date is blank, its filter counts the
    row or cannot tell (``could``), and the dataset's own date (``home``: 投诉日期 beside a
    deadline) places the row in the window or is blank too."""
    assert std.date_field is not None
    mask: np.ndarray = frame[std.date_field].isna().to_numpy(dtype=bool) & could
    if home and home != std.date_field and home in frame.columns and mask.any():
        dates = frame[home]
        end = min(window.last_instant, as_of)
        inside = ((dates >= window.start) & (dates <= end)).fillna(False)
        mask &= (dates.isna() | inside).to_numpy(dtype=bool)
    return mask


def undated_reason(std: Standard, spec: Dataset, window: Period, n: int) -> Problem:
    """Why a result is unknown: rows of its window with no date to place them by."""
    assert std.date_field is not None
    return Problem(
        "reason.undated",
        {
            "standard": Named(std.name.zh, std.name.en),
            "window": window.label,
            "n": n,
            "header": spec.columns[std.date_field].header,
        },
    )


def undated_warning(std: Standard, spec: Dataset, frame: pd.DataFrame, mask: np.ndarray) -> Problem:
    """One warning per standard: how many rows its date leaves out, which column, which rows."""
    assert std.date_field is not None
    return Problem(
        "standard.undated",
        {
            "standard": Named(std.name.zh, std.name.en),
            "dataset": spec.named,
            "n": int(mask.sum()),
            "header": spec.columns[std.date_field].header,
            "rows": rows_text(frame, mask),
        },
    )


def empty_window(
    std: Standard,
    spec: Dataset,
    frame: pd.DataFrame,
    window: Period,
    as_of: pd.Timestamp,
    period: Period | None = None,
) -> Problem | None:
    """Why ``window`` has no result when the dataset has dated rows but none in it, nor in
    the ``period`` evaluated (last month's file run for this month): a count of 0 from it
    would be a pass from nothing. A quiet September in a quarter whose other months have
    rows is a real 0.

    A row is in by the standard's date or the dataset's own; a dataset with no dated row at
    all (a sheet with only its header: no complaints this month) is none.
    """
    fields = [f for f in dict.fromkeys((std.date_field, spec.date_column)) if f]
    fields = [f for f in fields if f in frame.columns]
    if not std.date_field or not fields or frame.empty:
        return None
    start, last = window.start, window.last_instant
    if period is not None:
        start, last = min(start, period.start), max(last, period.last_instant)
    end = min(last, as_of)
    dated = []
    for field in fields:
        dates = frame[field].dropna()
        if bool(((dates >= start) & (dates <= end)).any()):
            return None
        if not dates.empty:
            dated.append(dates)
    if not dated:
        return None
    shown = dated[-1]  # the dataset's own date when it has one: the same range for each standard
    return Problem(
        "reason.out_of_period",
        {
            "dataset": spec.named,
            "n": len(frame),
            "window": window.label,
            "first": f"{shown.min():%Y-%m-%d}",
            "last": f"{shown.max():%Y-%m-%d}",
        },
    )


def out_of_period_warnings(
    results: Sequence[Result], matches: Iterable[ColumnMatch]
) -> list[Problem]:
    """One warning per dataset and window with rows but none in it, naming its sheets."""
    sheets: dict[str, dict[str, None]] = {}
    for m in matches:
        sheets.setdefault(m.dataset, {})[f"{m.file}, '{m.sheet}'"] = None
    seen: dict[tuple[object, ...], Problem] = {}
    for r in results:
        reason = r.reason
        if reason is None or reason.key != "reason.out_of_period":
            continue
        params = dict(reason.params)
        dataset = params["dataset"]
        key = (getattr(dataset, "en", dataset), params["window"])  # the id
        if key not in seen:
            where = "; ".join(sheets.get(str(key[0]), {})) or "-"
            seen[key] = Problem("dataset.out_of_period", {**params, "sheets": where})
    return list(seen.values())


def skipped_doubts(
    rulebook: Rulebook, frames: Mapping[str, pd.DataFrame], skipped: Mapping[str, int]
) -> list[Problem]:
    """A doubt per dataset a required standard counts of which more than
    :data:`MAX_SKIPPED_SHARE` of the rows were skipped as unreadable."""
    required = {s.dataset for s in rulebook.standards if s.level == "required"}
    out = []
    for dataset_id, n in skipped.items():
        frame = frames.get(dataset_id)
        total = n + (0 if frame is None else len(frame))
        if dataset_id in required and total and n / total > MAX_SKIPPED_SHARE:
            out.append(
                Problem(
                    "verdict.too_many_skipped",
                    {
                        "dataset": rulebook.datasets[dataset_id].named,
                        "n": n,
                        "total": total,
                        "share": f"{n / total:.0%}",
                        "limit": f"{MAX_SKIPPED_SHARE:.0%}",
                    },
                )
            )
    return out


def waived_warnings(results: Sequence[Result], waivers: Sequence[Waiver]) -> list[Problem]:
    """A warning per standard and window whose overall result meets its target with rows
    left out by waivers (naming a few waived ids): the pass rests on them."""
    out = []
    for r in results:
        if r.group is not None or not r.waived or r.status not in ("pass", "warn"):
            continue
        ids = [w.record_id for w in waivers if w.covers(r.standard)]
        shown = ", ".join(ids[:LISTED]) + (f" (+{len(ids) - LISTED})" if len(ids) > LISTED else "")
        out.append(
            Problem(
                "waivers.result_rests",
                {
                    "standard": Named(r.name_zh, r.name_en),
                    "period": r.period,
                    "n": r.waived,
                    "ids": shown,
                },
            )
        )
    return out
