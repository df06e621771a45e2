"""Which rows of a dataset a standard counts in one window: the window by the standard's date, then
its filter, its share condition and the waived rows, as boolean arrays over the whole frame."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from cskpi.evaluate.interpreter import evaluate as evaluate_expression
from cskpi.evaluate.metrics import (
    Selection,
    bool_array,
)
from cskpi.evaluate.periods import (
    Period,
)
from cskpi.rulebook.compiled import Standard


def select_rows(
    std: Standard,
    frame: pd.DataFrame,
    window: Period,
    as_of: pd.Timestamp,
    in_window: np.ndarray,
    waived: np.ndarray | None = None,
) -> tuple[Selection, np.ndarray]:
    """The rows of one window that pass the filter, and the share condition on every row;
    beside it, every row the filter counts or cannot decide (a blank it compares)."""
    end = min(window.last_instant, as_of)
    context = {"as_of": as_of, "window_start": window.start, "window_end": end}
    mask = in_window
    could = np.ones(len(frame), dtype=bool)
    if std.filter is not None:
        passes = evaluate_expression(std.filter, frame, context)
        mask = mask & bool_array(passes)
        could = passes.fillna(True).to_numpy(dtype=bool)
    met = known = None
    if std.condition is not None:
        condition = evaluate_expression(std.condition, frame, context)
        met, known = bool_array(condition), condition.notna().to_numpy(dtype=bool)
    if waived is None:
        return Selection(mask, met, known), could
    return Selection(mask & ~waived, met, known, mask & waived), could


def rows_in_window(
    std: Standard, frame: pd.DataFrame, window: Period, as_of: pd.Timestamp
) -> np.ndarray:
    """Rows placed in ``window`` by the standard's date (every row for a snapshot)."""
    if not std.date_field:
        return np.ones(len(frame), dtype=bool)
    dates = frame[std.date_field]
    return bool_array((dates >= window.start) & (dates <= min(window.last_instant, as_of)))


def guessed_rows(masks: Mapping[str, np.ndarray], std: Standard) -> np.ndarray | None:
    """Rows where a field the standard reads holds a deadline from a guessed year."""
    read = [mask for fid, mask in masks.items() if fid in std.fields]
    return np.logical_or.reduce(read) if read else None
