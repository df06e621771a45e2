"""Group values that are probably typing slips: a date or a stray number in the group column,
and one group spelt several ways.

Group values are compared as every text is (language.spelling.clean: NFKC, zero-width marks
removed, runs of white space as one, trimmed): Ａ组, A组 with a zero-width space, ⼀组 (the
Kangxi radical) and 一组 are one group, shown under its cleaned name, so a team cannot be
split into lookalikes that each stay under a per-group limit. Several spellings merged into
one group are named in a warning, so the sheet can be corrected.

A date typed into 团队 (or a cell Excel turned into one) becomes a team of its own,
``2026-11-03 00:00:00``, which then scores and passes like any other. It is still evaluated
(the data says so), but each such value is a warning naming the column and the rows.

A date is always suspect: no team is named after a day. A number is suspect only beside names:
a column of 工号 (1001, 1002, ...) is numbers throughout and means it.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd

from cskpi.errors import Problem
from cskpi.evaluate.datasets import ROW, SOURCE
from cskpi.i18n import Named
from cskpi.language.spelling import clean
from cskpi.rulebook.compiled import Rulebook

_DATE = re.compile(
    r"\d{4}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}\s*[日号]?"
    r"(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?"
)
_NUMBER = re.compile(r"[-+]?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?")
MAX_ROWS = 10  # rows named per warning; the count says how many more


def odd_groups(
    frames: Mapping[str, pd.DataFrame], group_field: str, rulebook: Rulebook
) -> list[Problem]:
    """One warning per dataset, file and group value that looks like a date or a stray number."""
    values: dict[str, set[str]] = {}
    for name, frame in frames.items():
        if group_field in frame.columns:
            values[name] = {str(v).strip() for v in frame[group_field].dropna().unique()}
    everything = set().union(*values.values()) if values else set()
    numbers = {v for v in everything if _NUMBER.fullmatch(v)}
    stray = numbers if numbers != everything else set()
    problems = []
    for name, found in values.items():
        kinds = {v: "date" if _DATE.fullmatch(v) else "number" for v in found}
        odd = sorted(v for v, kind in kinds.items() if kind == "date" or v in stray)
        if not odd:
            continue
        frame = frames[name]
        column = rulebook.datasets[name].columns[group_field].header
        text = frame[group_field].astype("string").str.strip()
        for value in odd:
            hits = frame[text == value]
            files = hits[SOURCE] if SOURCE in hits.columns else pd.Series("", index=hits.index)
            for file, rows in hits.groupby(files.astype(str), sort=False, observed=True):
                named = rulebook.datasets[name].named
                problems.append(_problem(str(file), named, column, value, kinds[value], rows))
    return problems


def _problem(
    file: str, dataset: Named, column: str, value: str, kind: str, rows: pd.DataFrame
) -> Problem:
    numbers = [str(int(r)) for r in rows[ROW].head(MAX_ROWS)] if ROW in rows.columns else []
    more = len(rows) - len(numbers)
    return Problem(
        "group.looks_like",
        {
            "file": file,
            "dataset": dataset,
            "rows": ", ".join(numbers) + (f" (+{more})" if more > 0 else ""),
            "column": column,
            "value": value,
            "kind": Problem(f"group.kind_{kind}"),
        },
    )


def _spelt(raw: str) -> str:
    """A raw spelling with what cleaning changes made visible: 'A组<U+200B>', '<U+FF21>组'."""
    out = []
    for ch in raw:
        plain = ch == " " or (
            clean(ch) == ch and not unicodedata.category(ch).startswith(("C", "Z"))
        )
        out.append(ch if plain else f"<U+{ord(ch):04X}>")
    return "'" + "".join(out) + "'"


def normalise_groups(
    frames: Mapping[str, pd.DataFrame],
    group_field: str,
    rulebook: Rulebook,
    elsewhere: Mapping[str, Iterable[str]] | None = None,
) -> tuple[dict[str, pd.DataFrame], list[Problem]]:
    """Frames whose text group column holds cleaned values, and a warning per group that
    several raw spellings (in any dataset, or ``elsewhere``: a database's) were merged into,
    naming them."""
    out = dict(frames)
    spellings: dict[str, dict[str, None]] = {}
    for group, raw in (elsewhere or {}).items():
        spellings.setdefault(group, {}).update(dict.fromkeys(sorted(raw)))
    header = next(
        (
            s.columns[group_field].header
            for s in rulebook.datasets.values()
            if group_field in s.columns
        ),
        group_field,
    )
    for name, frame in frames.items():
        if group_field not in frame.columns:
            continue
        column = frame[group_field]
        if not (pd.api.types.is_string_dtype(column) or column.dtype == object):
            continue
        codes, uniques = pd.factorize(column, use_na_sentinel=True)
        raw = [str(u) for u in uniques]
        cleaned = [clean(u) or None for u in raw]
        for before, after in zip(raw, cleaned, strict=True):
            if after is not None:
                spellings.setdefault(after, {})[before] = None
        if raw == cleaned:
            continue
        values = np.array([*cleaned, None], dtype=object)[codes]
        out[name] = frame.assign(**{group_field: pd.array(values, dtype="string")})
    problems = [
        Problem(
            "group.merged",
            {
                "column": header,
                "group": group,
                "spellings": ", ".join(_spelt(r) for r in raw),
            },
        )
        for group, raw in spellings.items()
        if len(raw) > 1
    ]
    return out, problems
