"""What the scorecard says about each standard beyond its numbers.

Its description, the breakdown of its failures by category, and which waivers apply or name no
record."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

import numpy as np
import pandas as pd

from cskpi.errors import Problem
from cskpi.evaluate.datasets import Waiver
from cskpi.evaluate.masks import shown_id
from cskpi.evaluate.periods import (
    Period,
)
from cskpi.evaluate.scorecard import StandardInfo
from cskpi.rulebook.compiled import Rulebook, Standard


def describe_standard(rulebook: Rulebook, std: Standard) -> StandardInfo:
    """The parts of a standard an export shows beside its results.

    When the standard is placed in time by a deadline and reads one other date (resolved,
    done), its evidence can say how many days late each row is.
    """
    spec = rulebook.datasets[std.dataset]
    date_field = std.date_field
    deadline = date_field if date_field and spec.columns[date_field].type == "deadline" else None
    others = sorted(f for f in std.fields if f != deadline and spec.columns[f].type == "date")
    return StandardInfo(
        id=std.id,
        description_zh=std.description.zh,
        description_en=std.description.en,
        dataset=std.dataset,
        columns=tuple((fid, col.header) for fid, col in spec.columns.items()),
        deadline_field=deadline,
        done_field=others[0] if deadline and len(others) == 1 else None,
        fields=tuple(sorted(std.fields)),
        id_field=spec.id_column,
    )


def category_breakdowns(
    rulebook: Rulebook,
    frames: Mapping[str, pd.DataFrame],
    period: Period,
    as_of: pd.Timestamp,
    counted: Mapping[str, Mapping[str, int]] | None = None,
) -> tuple[tuple[str, tuple[tuple[str, int], ...]], ...]:
    """Rows per category in the period (largest first), for datasets that declare one
    (``counted``: datasets a database counted itself).

    The source asks the manager to sum up common product defects (归纳总结带有共性的产品缺陷).
    """
    out = []
    for dataset_id, spec in rulebook.datasets.items():
        frame = frames.get(dataset_id)
        column, date = spec.category_column, spec.date_column
        if counted and dataset_id in counted:
            counts = pd.Series(counted[dataset_id], dtype="int64")
        elif frame is None or column is None or column not in frame.columns:
            continue
        else:
            rows = frame
            if date and date in frame.columns:
                end = min(period.last_instant, as_of)
                rows = frame[(frame[date] >= period.start) & (frame[date] <= end)]
            counts = rows[column].dropna().value_counts(sort=False)
        ordered = sorted(counts.items(), key=lambda kv: (-kv[1], str(kv[0])))
        if ordered:
            out.append((dataset_id, tuple((str(k), int(v)) for k, v in ordered)))
    return tuple(out)


def waived_rows(
    frame: pd.DataFrame | None, id_field: str | None, standard: str, waivers: Sequence[Waiver]
) -> np.ndarray | None:
    """Rows of ``frame`` that an approved waiver excuses from ``standard``."""
    ids = {w.record_id for w in waivers if w.covers(standard)}
    if frame is None or not ids or id_field is None or id_field not in frame.columns:
        return None
    out: np.ndarray = frame[id_field].isin(ids).fillna(False).to_numpy(dtype=bool)
    return out


def unknown_waivers(
    rulebook: Rulebook,
    frames: Mapping[str, pd.DataFrame],
    waivers: Sequence[Waiver],
    elsewhere: Iterable[str] = (),
) -> list[Problem]:
    """A warning for every waiver whose record id is in no dataset's id column
    (``elsewhere``: ids a database found)."""
    wanted = {w.record_id for w in waivers}
    found: set[str] = set(elsewhere)
    for name, frame in frames.items() if wanted else ():
        column = rulebook.datasets[name].id_column
        if column and column in frame.columns:
            found |= set(frame[column][frame[column].isin(wanted).fillna(False)].astype(str))
    personal = [
        spec
        for spec in rulebook.datasets.values()
        if spec.id_column
        and spec.id_column in spec.columns
        and spec.columns[spec.id_column].personal
    ]  # a customer's phone as the id: quoted masked, as every output shows it
    return [
        Problem(
            "waivers.unknown_id",
            {
                "id": shown_id(personal[0], w.record_id) if personal else w.record_id,
                "standard": w.standard,
            },
        )
        for w in waivers
        if w.record_id not in found
    ]
