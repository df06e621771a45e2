"""Several inputs as one data set: which rows of different files are one record.

Inputs are read in order (templates, folders and globs by name, so monthly files come in
time order), and each dataset's rows carry the file they came from. Across files:

- a **snapshot** (a dataset nothing places in time, such as the staff roster) is the whole of
  that dataset as its file was saved: only one copy is used, the one in the file whose dated
  rows (any dataset's, up to now) are the latest when every file holding a copy has dated
  rows, else the last input given that has it (folders, globs and templates in name order). A
  warning names the files whose copy was not used; a note when those are only earlier months
  a template read for the quarter's standards (every such run has them: not news);
- a dataset with **record ids**: a record is its id and its date (the dataset's
  ``date_column``; without one, the dates its standards take windows by, a task's due
  date), the day being what counts. The same record in two files counts once, with a
  warning naming both, when both rows say the same; when they differ a person must decide
  which export is right, and the run stops naming both files and rows. The same id with
  another date is another record: many teams number from 1 each month;
- rows with **no id**: a row identical in every column to one of an earlier file counts once,
  with a warning.

Rows are compared by the text of every column (``CONTENT``, computed while reading), so the
answer does not depend on which columns a run converts.
"""

from __future__ import annotations

from collections.abc import Collection

import numpy as np
import pandas as pd

from cskpi.errors import InputError, Problem
from cskpi.evaluate.datasets import ROW, SOURCE, Datasets
from cskpi.evaluate.masks import shown_id
from cskpi.read.records import CONTENT, LISTED, row_list
from cskpi.rulebook.compiled import Rulebook


def combine_inputs(
    data: Datasets,
    rulebook: Rulebook,
    now: pd.Timestamp | None = None,
    context: Collection[str] = (),
) -> None:
    """Apply the rules above to every dataset of ``data`` read from several inputs.
    ``context``: files read only for longer standards (a template's earlier months)."""
    sheets = {(m.file, m.dataset): m.sheet for m in data.matches}
    conflicts: list[Problem] = []
    latest: dict[str, pd.Timestamp] | None = None
    for dataset_id, frame in list(data.frames.items()):
        files = _files(frame)
        if len(files) > 1:
            where = {f: sheets.get((f, dataset_id), "") for f in files}
            spec = rulebook.datasets[dataset_id]
            if rulebook.is_snapshot(dataset_id):
                latest = _latest_dates(data, rulebook, now) if latest is None else latest
                frame = _latest(frame, files, where, latest, data, context)
            elif spec.keep_last is None:  # an event log keeps the last update of each key
                frame = _same_records(frame, rulebook, dataset_id, where, data, conflicts)
        if CONTENT in frame.columns:
            frame = frame.drop(columns=CONTENT)
        data.frames[dataset_id] = frame
    if conflicts:
        raise InputError.of(conflicts)


def _files(frame: pd.DataFrame) -> list[str]:
    """The files a frame's rows came from, in the order they were read."""
    if SOURCE not in frame.columns or frame.empty:
        return []
    return [str(f) for f in pd.unique(frame[SOURCE])]  # a categorical's codes, not its texts


def _latest_dates(
    data: Datasets, rulebook: Rulebook, now: pd.Timestamp | None
) -> dict[str, pd.Timestamp]:
    """Each file's latest date (up to ``now``) among the rows of every dataset placed in time."""
    out: dict[str, pd.Timestamp] = {}
    for dataset_id, frame in data.frames.items():
        if SOURCE not in frame.columns:
            continue
        for field in rulebook.placed_by(dataset_id):
            if field not in frame.columns:
                continue
            dates = frame[field]
            ok = dates.notna() if now is None else dates.notna() & (dates <= now)
            if not ok.any():
                continue
            for file, last in dates[ok].groupby(frame[SOURCE][ok].astype(str)).max().items():
                out[str(file)] = max(last, out.get(str(file), last))
    return out


def _latest(
    frame: pd.DataFrame,
    files: list[str],
    where: dict[str, str],
    latest: dict[str, pd.Timestamp],
    data: Datasets,
    context: Collection[str],
) -> pd.DataFrame:
    """A snapshot: the rows of the file whose data is latest (ties, or no dates: the last
    given), with a warning naming the copies left out (a note if all are ``context``)."""
    order = {f: i for i, f in enumerate(files)}
    dated = all(f in latest for f in files)  # else which is newer cannot be told by dates
    chosen = max(files, key=lambda f: (latest[f], order[f])) if dated else files[-1]
    others = [f for f in files if f != chosen]
    how = "input.snapshot_latest_dated" if dated else "input.snapshot_latest"
    problem = Problem(
        how,
        {
            "file": chosen,
            "sheet": where[chosen],
            "others": ", ".join(others),
            "date": f"{latest[chosen]:%Y-%m-%d}" if dated else "",
        },
    )
    (data.notes if all(f in context for f in others) else data.warnings).append(problem)
    keep = (frame[SOURCE].astype(str) == chosen).to_numpy(dtype=bool)
    return frame[keep].reset_index(drop=True)


def _key_frame(frame: pd.DataFrame, rulebook: Rulebook, dataset_id: str) -> pd.DataFrame:
    """Each row's record key: its id and, by the day, the dates that place it in time."""
    spec = rulebook.datasets[dataset_id]
    assert spec.id_column is not None
    keys = {"id": frame[spec.id_column].astype("string")}
    for field in rulebook.placed_by(dataset_id):
        if field in frame.columns:
            keys[field] = frame[field].dt.normalize()
    return pd.DataFrame(keys)


def _same_records(
    frame: pd.DataFrame,
    rulebook: Rulebook,
    dataset_id: str,
    where: dict[str, str],
    data: Datasets,
    conflicts: list[Problem],
) -> pd.DataFrame:
    """Rows of later files that repeat a record of an earlier one, left out (or an error)."""
    spec = rulebook.datasets[dataset_id]
    part = pd.factorize(frame[SOURCE].astype(str), sort=False)[0]
    content = frame[CONTENT].to_numpy() if CONTENT in frame.columns else None
    keyed = np.zeros(len(frame), dtype=bool)
    drop = np.zeros(len(frame), dtype=bool)
    repeats: dict[tuple[int, int], list[int]] = {}  # (later file, first file) -> positions

    def repeated(later: np.ndarray, earlier: np.ndarray) -> None:
        drop[later] = True
        pairs = part[later].astype(np.int64) * (part.max() + 1) + part[earlier]
        for pair in np.unique(pairs):
            rows = later[pairs == pair]
            key = (int(part[rows[0]]), int(part[earlier[pairs == pair][0]]))
            repeats[key] = sorted([*repeats.get(key, []), *rows.tolist()])

    if spec.id_column is not None and spec.id_column in frame.columns:
        keyed = frame[spec.id_column].notna().to_numpy(dtype=bool)
        keys = _key_frame(frame, rulebook, dataset_id)[keyed]
        positions = np.flatnonzero(keyed)
        first = positions[_first_of(keys)]
        other = part[positions] != part[first]  # one sheet's ids were checked as it was read
        later, earlier = positions[other], first[other]
        same = (
            content[later] == content[earlier]
            if content is not None
            else np.zeros(len(later), dtype=bool)
        )
        repeated(later[same], earlier[same])
        for pos, earl in zip(later[~same][:LISTED], earlier[~same][:LISTED], strict=True):
            conflicts.append(_conflict(frame, rulebook, dataset_id, where, int(earl), int(pos)))
        if (~same).sum() > LISTED:  # a whole re-export: its count, not a screenful
            n = int((~same).sum()) - LISTED
            conflicts.append(Problem("input.conflicting_records_more", {"n": n}))
    if content is not None and not keyed.all():
        positions = np.flatnonzero(~keyed)  # no id to tell records apart: whole rows
        first = positions[_first_of(pd.DataFrame({"c": content[positions]}))]
        other = part[positions] != part[first]
        repeated(positions[other], first[other])
    files = pd.unique(frame[SOURCE].astype(str))
    for (later, earlier), rows in sorted(repeats.items()):
        ids = [] if spec.id_column is None else frame[spec.id_column].iloc[rows].dropna()
        data.warnings.append(
            Problem(
                "input.duplicate_ids" if len(ids) else "input.repeated_across_files",
                {
                    "file": files[later],
                    "sheet": where[files[later]],
                    "first": files[earlier],
                    "n": len(rows),
                    "rows": row_list([int(r) for r in frame[ROW].iloc[rows]]),
                },
            )
        )
    return frame[~drop].reset_index(drop=True) if drop.any() else frame


def _first_of(keys: pd.DataFrame) -> np.ndarray:
    """For each row, the position (in ``keys``) of the first row with the same key."""
    if keys.empty:
        return np.zeros(0, dtype=np.int64)
    codes = keys.groupby(list(keys.columns), dropna=False, sort=False).ngroup().to_numpy()
    first = np.full(codes.max() + 1, len(codes), dtype=np.int64)
    np.minimum.at(first, codes, np.arange(len(codes)))
    return first[codes]


def _conflict(
    frame: pd.DataFrame, rulebook: Rulebook, dataset_id: str, where: dict[str, str], a: int, b: int
) -> Problem:
    """Two rows of different files that claim the same record but say different things."""
    spec = rulebook.datasets[dataset_id]
    assert spec.id_column is not None
    source, rows = frame[SOURCE].astype(str), frame[ROW]
    dates = [f for f in rulebook.placed_by(dataset_id) if f in frame.columns]
    when = frame[dates[0]].iloc[a] if dates else None
    return Problem(
        "input.conflicting_records",
        {
            "header": spec.columns[spec.id_column].header,
            "id": shown_id(spec, frame[spec.id_column].iloc[a]),
            "date": ""
            if when is None or pd.isna(when)
            else Problem("input.record_date", {"date": f"{when:%Y-%m-%d}"}),
            "a": source.iloc[a],
            "a_sheet": where[source.iloc[a]],
            "a_row": int(rows.iloc[a]),
            "b": source.iloc[b],
            "b_sheet": where[source.iloc[b]],
            "b_row": int(rows.iloc[b]),
        },
    )
