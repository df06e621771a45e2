"""Masking customer data (姓名 -> 张*, 电话 -> 138****5678) before anything leaves the program.

The source insists customer data stays confidential (注意客户资料的高度保密,严禁复制,绝对禁止
泄露), so every output masks the columns a rulebook marks ``personal`` unless the user asks
for them with ``--show-personal``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

import pandas as pd

from cskpi.scorecard import Scorecard


def mask_value(value: object) -> object:
    """Phone-like values keep their first 3 and last 4 digits; names keep their first letter."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return value
    text = str(value).strip()
    digits = sum(ch.isdigit() for ch in text)
    if digits >= 7 and digits >= 0.6 * len(text):
        return text[:3] + "*" * (len(text) - 7) + text[-4:]
    if len(text) <= 1:
        return "*"
    return text[0] + "*" * (len(text) - 1)


def mask_frame(frame: pd.DataFrame, personal: set[str]) -> pd.DataFrame:
    columns = [c for c in frame.columns if c in personal]
    if not columns:
        return frame
    masked = frame.copy()
    for column in columns:
        masked[column] = frame[column].map(mask_value, na_action="ignore").astype("string")
    return masked


def mask_scorecard(card: Scorecard, personal: Mapping[str, set[str]]) -> Scorecard:
    """A copy of ``card`` whose evidence rows have every personal column masked."""
    datasets = {info.id: info.dataset for info in card.standards}
    results = tuple(
        r
        if r.evidence is None
        else replace(
            r, evidence=mask_frame(r.evidence, personal.get(datasets.get(r.standard, ""), set()))
        )
        for r in card.results
    )
    return replace(card, results=results)
