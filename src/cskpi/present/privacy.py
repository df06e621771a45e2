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

import unicodedata
from collections.abc import Mapping
from dataclasses import replace

import numpy as np
import pandas as pd

from cskpi.evaluate.scorecard import Scorecard
from cskpi.rulebook.compiled import Rulebook

KEEP_DIGITS = 4  # at most the last four digits of a number are shown
MIN_MASKED = 5  # a value with up to four digits keeps them (a room, an extension)


def _shown_digits(digits: str) -> tuple[int, int]:
    """How many leading and trailing digits stay visible: a Chinese mobile (11 digits from 1,
    optionally after 86/0086) keeps its first 3 (and the country code) and last 4; any other
    number keeps at most its last 4."""
    for prefix in ("", "86", "0086"):
        national = digits[len(prefix) :]
        if digits.startswith(prefix) and len(national) == 11 and national.startswith("1"):
            return len(prefix) + 3, KEEP_DIGITS
    return 0, KEEP_DIGITS


# digits written in Chinese: 〇/零 and 一..九 (and the financial forms) in a phone number typed
# that way are digits like any other
_CN_DIGITS = {
    **{ch: i for i, ch in enumerate("〇一二三四五六七八九")},
    **{ch: i for i, ch in enumerate("零壹贰叁肆伍陆柒捌玖")},
    "两": 2,
}


def _digit_positions(text: str) -> list[int]:
    """Where ``text`` writes digits. A Chinese numeral is one only beside another (一三八,
    零零): alone it is part of a name (李四, 张一山), which the letter rule masks."""
    out = []
    for i, ch in enumerate(text):
        if ch in _CN_DIGITS and ch != "〇":
            beside = text[i - 1 : i] + text[i + 1 : i + 2]
            if not any(c in _CN_DIGITS for c in beside):
                continue
        if _digit(ch) is not None:
            out.append(i)
    return out


def _digit(ch: str) -> int | None:
    """The value of a character that writes a digit, in any script: 7, ７ (full width), ⑦,
    Ⅶ (a Roman numeral), 七, 〇; None for anything else."""
    if ch in _CN_DIGITS:
        return _CN_DIGITS[ch]
    if ch.isdigit():
        return unicodedata.digit(ch)
    if ch.isnumeric() and not ch.isalpha():  # Ⅶ, ⅻ, ⑳, ¼: a number, whatever its value
        value = unicodedata.numeric(ch)
        return int(value) % 10 if value == int(value) else 0
    return None


def mask_value(value: object) -> object:
    """A personal value as it may be shown, in its own spelling.

    Digits: all the digits of the value are read as one number, wherever they are and
    however they are separated, so no spelling leaks more (``+86 138-1234-5678`` -> ``+86
    138-****-5678``, ``8888-6666`` -> ``****-6666``, ``6543210`` -> ``***3210``,
    ``李四13912345678`` -> ``李*139****5678``); up to four digits are left alone.
    A digit is any character that writes one: full-width ７, circled ⑦, Roman Ⅶ, Chinese 七
    and 〇/零 (``一三八〇〇一二五六七八`` is a mobile number too).
    Letters: the first is kept and the rest are stars (张三 -> 张*, 欧阳娜娜 -> 欧***, so a
    compound surname shows one character); a value with a single letter is all stars.
    Missing stays missing.
    """
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return value
    text = str(value).strip()
    positions = _digit_positions(text)
    hidden: set[int] = set()
    if len(positions) >= MIN_MASKED:
        digits = "".join(str(_digit(text[i])) for i in positions)
        head, tail = _shown_digits(digits)
        hidden = set(positions[head : len(positions) - tail])
    letters = [i for i, ch in enumerate(text) if ch.isalpha() or ch in _CN_DIGITS]
    hidden |= set(letters[1:] if len(letters) > 1 else letters)
    return "".join("*" if i in hidden else ch for i, ch in enumerate(text))


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
