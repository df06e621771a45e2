"""Masking customer data (姓名 -> 张*, 电话 -> 138****5678) at the edge, in every output.

The source insists customer data stays confidential (注意客户资料的高度保密,严禁复制,绝对禁止
泄露), so every output masks the columns a rulebook marks ``personal`` unless the user asks
for them with ``--show-personal``. Masking happens after evaluation, on what is shown: the
evaluation, its filters and its groups always see the true values, so a count of distinct
customers is the same whether or not they are shown.

Phone numbers are masked digit by digit, not parsed with the ``phonenumbers`` library: a
personal cell must be masked whether or not its digits form a valid number (a typo, a
7-digit landline without its area code, an account number), in any spelling (``+86
138-1234-5678``, ``(010) 8888 6666``, ``138 - 1234 - 5678``, ``李四13912345678``), and
parsing would add 22 MB (620 files) of metadata to decide what a mask does not need
to know.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

import numpy as np
import pandas as pd

from cskpi.evaluate.masks import mask_value
from cskpi.evaluate.scorecard import Scorecard
from cskpi.rulebook.compiled import Rulebook


def mask_frame(frame: pd.DataFrame, personal: set[str]) -> pd.DataFrame:
    """A copy of ``frame`` with its personal columns masked (each distinct value once)."""
    columns = [c for c in frame.columns if c in personal]
    if not columns:
        return frame
    masked = frame.copy()
    for column in columns:
        values = frame[column]
        distinct = values.dropna().unique()
        masked[column] = values.map(dict(zip(distinct, map(mask_value, distinct), strict=True)))
        masked[column] = masked[column].astype("string")
    return masked


def personal_fields(rulebook: Rulebook) -> dict[str, set[str]]:
    """Dataset -> the columns its rulebook marks as personal (masked in every output)."""
    return {
        dataset_id: {fid for fid, col in spec.columns.items() if col.personal}
        for dataset_id, spec in rulebook.datasets.items()
    }


def is_personal(rulebook: Rulebook, field: str) -> bool:
    """Whether any dataset marks ``field`` as personal (``--by`` on it needs --show-personal)."""
    return any(field in fields for fields in personal_fields(rulebook).values())


def mask_scorecard(card: Scorecard, rulebook: Rulebook) -> Scorecard:
    """The scorecard as every output shows it: the personal columns of the rows behind each
    result masked, and group or category values masked when their column is personal.

    Results, counts and statuses are untouched: they were computed from the true values.
    """
    personal = personal_fields(rulebook)
    datasets = {s.id: s.dataset for s in card.standards}
    sources: dict[int, tuple[pd.DataFrame, set[str], list[np.ndarray]]] = {}
    for r in card.results:
        if r.evidence_rows is not None:
            fields = personal.get(datasets.get(r.standard, ""), set())
            key = id(r.evidence_rows.source)
            entry = sources.setdefault(key, (r.evidence_rows.source, fields, []))
            entry[2].append(r.evidence_rows.positions)
    masked = {
        key: _mask_rows(source, fields, np.unique(np.concatenate(positions)))
        for key, (source, fields, positions) in sources.items()
    }
    changed = {key for key, frame in masked.items() if frame is not sources[key][0]}
    if changed:  # a dataset with no personal column keeps its results as they are
        card = replace(
            card,
            results=tuple(
                r
                if r.evidence_rows is None or id(r.evidence_rows.source) not in changed
                else r.evolve(
                    evidence_rows=replace(
                        r.evidence_rows, source=masked[id(r.evidence_rows.source)]
                    )
                )
                for r in card.results
            ),
        )
    if card.group_by is not None and is_personal(rulebook, card.group_by):
        card = _mask_groups(card)
    breakdowns = tuple(
        (
            dataset,
            tuple((str(mask_value(c)), n) for c, n in counts)
            if rulebook.datasets[dataset].category_column in personal.get(dataset, set())
            else counts,
        )
        for dataset, counts in card.breakdowns
    )
    return replace(card, breakdowns=breakdowns)


def _mask_rows(source: pd.DataFrame, personal: set[str], shown: np.ndarray) -> pd.DataFrame:
    """``source`` with its personal columns masked in the rows at ``shown`` (the rows some
    result lists) and blank elsewhere: the cost follows the rows shown, not the dataset, and
    no true value stays behind in the frame."""
    columns = [c for c in source.columns if c in personal]
    if not columns:
        return source
    out = source.copy(deep=False)
    for column in columns:
        values = source[column].iloc[shown]
        distinct = values.dropna().unique()
        mapping = dict(zip(distinct, map(mask_value, distinct), strict=True))
        masked = pd.Series(pd.NA, index=source.index, dtype="string")
        masked.iloc[shown] = values.map(mapping).astype("string").to_numpy()
        out[column] = masked
    return out


def _mask_groups(card: Scorecard) -> Scorecard:
    """Group names masked everywhere they appear (results, columns, appraisal)."""
    shown: Mapping[str | None, str | None] = {g: str(mask_value(g)) for g in card.groups}

    def name(group: str | None) -> str | None:
        return None if group is None else shown.get(group, group)

    return replace(
        card,
        groups=tuple(str(name(g)) for g in card.groups),
        results=tuple(r.evolve(group=name(r.group)) for r in card.results),
        appraisal=tuple(replace(a, group=name(a.group)) for a in card.appraisal),
    )
