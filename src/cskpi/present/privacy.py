"""Masking customer data (姓名 -> 张*, 电话 -> 138****5678) before anything leaves the program.

The source insists customer data stays confidential (注意客户资料的高度保密,严禁复制,绝对禁止
泄露), so every output masks the columns a rulebook marks ``personal`` unless the user asks
for them with ``--show-personal``.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd


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


def mask_datasets(
    frames: Mapping[str, pd.DataFrame], personal: Mapping[str, set[str]]
) -> dict[str, pd.DataFrame]:
    """Every dataset with its personal columns masked, before anything is computed or shown."""
    return {name: mask_frame(frame, personal.get(name, set())) for name, frame in frames.items()}
