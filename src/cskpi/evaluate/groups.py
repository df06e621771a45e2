"""Groups of a --by run: which column, which values, and their natural order.

组2 sorts before 组10 and 二组 before 十组, as a person would list them."""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Mapping

import pandas as pd

from cskpi.errors import Problem, UsageError
from cskpi.language.syntax import normalize_name
from cskpi.rulebook.compiled import Rulebook


def resolve_group_field(rulebook: Rulebook, name: str) -> str:
    """Map ``--by team`` / ``--by 团队`` to a field id known to some dataset."""
    wanted = normalize_name(name)
    known: dict[str, str] = {}  # field id -> its canonical header, in the rulebook's order
    for spec in rulebook.datasets.values():
        lookup = spec.lookup
        if wanted in lookup:
            return lookup[wanted]
        for field_id, column in spec.columns.items():
            known.setdefault(field_id, column.header)
    near = difflib.get_close_matches(wanted, [*known.values(), *known], n=1)
    hint = Problem("expr.did_you_mean", {"near": near[0]}) if near else ""
    # both spellings --by accepts: the sheet's header (团队) and the field id (team)
    shown = [f"{header} ({fid})" if header != fid else fid for fid, header in known.items()]
    raise UsageError("usage.unknown_group", value=name, hint=hint, known=", ".join(shown))


_CN_DIGITS = {ch: i for i, ch in enumerate("零一二三四五六七八九")}


_NUMBER_RUN = re.compile(r"\d+|[零一二三四五六七八九十]+")


def _cn_number(run: str) -> str:
    """一 -> '1', 十二 -> '12', 二十三 -> '23' (enough for team names), as digits."""
    if "十" not in run:
        return "".join(str(_CN_DIGITS[ch]) for ch in run)
    tens, _, ones = run.partition("十")
    value = (_CN_DIGITS.get(tens, 1) if tens else 1) * 10 + (_CN_DIGITS.get(ones, 0) if ones else 0)
    return str(value)


def _number_key(digits: str) -> tuple[int, int, str]:
    """A digit string compared as a number without int(): by length, then digit by digit.

    int() refuses more than 4,300 digits (and is quadratic below that); a group name is data.
    """
    digits = digits.lstrip("0") or "0"
    return (0, len(digits), digits)


def natural_key(text: str) -> tuple[tuple[int, int, str] | tuple[int, str], ...]:
    """Team 2 before Team 10, 二组 before 三组 before 十组; any length of digits."""
    key: list[tuple[int, int, str] | tuple[int, str]] = []
    pos = 0
    for match in _NUMBER_RUN.finditer(text):
        if match.start() > pos:
            key.append((1, text[pos : match.start()]))
        run = match.group()
        if run.isdigit():  # any script's digits: '５' and '٥' are 5
            run = "".join(str(unicodedata.digit(ch)) for ch in run)
        else:
            run = _cn_number(run)
        key.append(_number_key(run))
        pos = match.end()
    if pos < len(text):
        key.append((1, text[pos:]))
    return tuple(key)


def collect_groups(frames: Mapping[str, pd.DataFrame], group_field: str) -> tuple[str, ...]:
    """Every group value in every loaded dataset that has the field, in natural order
    (a team with no rows in one sheet still gets a result there)."""
    values: dict[str, None] = {}
    for frame in frames.values():
        if group_field in frame.columns:
            values |= dict.fromkeys(str(v) for v in frame[group_field].dropna().unique())
    return tuple(sorted(values, key=natural_key))
