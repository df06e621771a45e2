"""Walking a compiled predicate (:mod:`cskpi.language.tree`) on a DataFrame, vectorised.

The tree arrives bound and typed, its literals already read: this module resolves no name
and converts no literal, it only computes. Text is compared as the binder cleaned the
literals (NFKC, trimmed), so ``team == 'Ａ组'`` finds a cell written ``A组``; the cleaning runs
once per distinct cell value, not per row.

A comparison with a blank cell is unknown (NA); ``and``/``or``/``not`` follow Kleene logic, so
a row whose condition is unknown is neither counted nor part of a share's denominator.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from cskpi.language import tree as t
from cskpi.language.spelling import clean


def _clean_text(series: pd.Series) -> pd.Series:
    """Each distinct value cleaned once (team names repeat a million times)."""
    codes, uniques = pd.factorize(series, use_na_sentinel=True)
    cleaned = np.array([clean(str(u)) for u in uniques] + [None], dtype=object)
    return pd.Series(pd.array(cleaned[codes], dtype="string"), index=series.index)


def _operand(node: t.Operand, df: pd.DataFrame, moments: Mapping[str, object]) -> object:
    """An operand as a Series (a column, a condition) or a scalar (a literal, as_of)."""
    match node:
        case t.Field(id=fid, type=typ):
            return _clean_text(df[fid]) if typ == "text" else df[fid]
        case t.Moment(name=name):
            return pd.Timestamp(moments[name])
        case t.Value(value=value, type="date"):
            return pd.Timestamp(value)
        case t.Value(value=value):
            return value
    return condition(node, df, moments)


def _known(value: object, index: pd.Index) -> pd.Series:
    if isinstance(value, pd.Series):
        return value.notna()
    return pd.Series(not pd.isna(value), index=index)


def _as_boolean(values: object, known: pd.Series) -> pd.Series:
    result = pd.Series(values, index=known.index).astype("boolean")
    return result.mask(~known, pd.NA)


_OPS = {
    "==": lambda a, b: a == b,
    "!=": lambda a, b: a != b,
    "<": lambda a, b: a < b,
    "<=": lambda a, b: a <= b,
    ">": lambda a, b: a > b,
    ">=": lambda a, b: a >= b,
}


def _compare(op: str, left: object, right: object, index: pd.Index) -> pd.Series:
    known = _known(left, index) & _known(right, index)
    raw = _OPS[op](left, right)
    if not isinstance(raw, pd.Series):
        raw = pd.Series(bool(raw), index=index)
    return _as_boolean(raw.fillna(False).astype(bool).to_numpy(), known)


def condition(node: t.Condition, df: pd.DataFrame, moments: Mapping[str, object]) -> pd.Series:
    """A nullable boolean Series aligned with ``df``'s index: True, False or NA (unknown)."""
    index = df.index
    match node:
        case t.Truth(field=field):
            return df[field.id].astype("boolean")
        case t.Constant(value=value):
            return pd.Series(value, index=index, dtype="boolean")
        case t.Compare(op=op, left=left, right=right):
            return _compare(op, _operand(left, df, moments), _operand(right, df, moments), index)
        case t.InSet(operand=operand, values=values, negate=negate):
            series = _operand(operand, df, moments)
            wanted = [_operand(v, df, moments) for v in values]
            if not isinstance(series, pd.Series):
                series = pd.Series(series, index=index)
            hit = _as_boolean(series.isin(wanted).to_numpy(), series.notna())
            return ~hit if negate else hit
        case t.IsBlank(operand=operand, negate=negate):
            blank = ~_known(_operand(operand, df, moments), index)
            return (~blank if negate else blank).astype("boolean")
        case t.Contains(operand=field, needle=needle):
            text = _clean_text(df[field.id])
            return text.str.contains(needle, regex=False).astype("boolean")
        case t.Not(item=item):
            return ~condition(item, df, moments)
        case t.And(items=items) | t.Or(items=items):
            result = condition(items[0], df, moments)
            for item in items[1:]:
                other = condition(item, df, moments)
                result = (result & other) if isinstance(node, t.And) else (result | other)
            return result
    raise TypeError(node)  # pragma: no cover


def evaluate(predicate: t.Predicate, df: pd.DataFrame, moments: Mapping[str, object]) -> pd.Series:
    """Evaluate a compiled predicate on ``df`` (three-valued: NA where unknown).

    ``moments`` gives ``as_of``, ``window_start`` and ``window_end``.
    """
    return condition(predicate.tree, df, moments)
