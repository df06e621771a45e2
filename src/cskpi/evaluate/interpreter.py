"""Interpreting a checked expression on a DataFrame, vectorised, with three-valued logic.

A comparison with a blank cell is unknown (NA); ``and``/``or``/``not`` follow Kleene logic,
so a row whose condition is unknown is neither counted nor part of a share's denominator.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from cskpi.language.syntax import (
    SPECIAL_NAMES,
    BoolOp,
    Compare,
    Const,
    Contains,
    InList,
    IsBlank,
    Name,
    Node,
    Not,
    ValueType,
)
from cskpi.language.typecheck import (
    Expression,
    Schema,
    coerce_const,
    type_of,
)


def _value(
    node: Node,
    df: pd.DataFrame,
    schema: Schema,
    context: Mapping[str, object],
    target: ValueType | None,
) -> object:
    """An operand as a Series (a column) or a scalar (a literal or as_of)."""
    if isinstance(node, Name):
        ref = schema.resolve(node)
        if ref.field in SPECIAL_NAMES:
            return context[ref.field]
        return df[ref.field]
    if isinstance(node, Const):
        return coerce_const(node, target or ("number" if node.kind == "number" else "text"))
    return evaluate_node(node, df, schema, context)


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


def evaluate_node(
    node: Node, df: pd.DataFrame, schema: Schema, context: Mapping[str, object]
) -> pd.Series:
    """Interpret a checked tree on ``df``: a nullable boolean Series aligned with its index."""
    index = df.index
    match node:
        case Name():
            value = _value(node, df, schema, context, "bool")
            assert isinstance(value, pd.Series)
            return value.astype("boolean")
        case Const():
            value = coerce_const(node, "bool")
            return pd.Series(value, index=index, dtype="boolean")
        case Compare(op=op, left=left, right=right):
            side = type_of(left, schema) or type_of(right, schema) or "text"
            return _compare(
                op,
                _value(left, df, schema, context, side),
                _value(right, df, schema, context, side),
                index,
            )
        case InList(operand=operand, values=values, negate=negate):
            typ = type_of(operand, schema) or "text"
            series = _value(operand, df, schema, context, typ)
            wanted = [coerce_const(v, typ) for v in values]
            if not isinstance(series, pd.Series):
                series = pd.Series(series, index=index)
            hit = _as_boolean(series.isin(wanted).to_numpy(), series.notna())
            return ~hit if negate else hit
        case IsBlank(operand=operand, negate=negate):
            value = _value(operand, df, schema, context, None)
            blank = ~_known(value, index)
            return (~blank if negate else blank).astype("boolean")
        case Contains(operand=operand, needle=needle):
            series = _value(operand, df, schema, context, "text")
            assert isinstance(series, pd.Series)
            found = series.astype("string").str.contains(str(needle.value), regex=False)
            return found.astype("boolean")
        case Not(item=item):
            return ~evaluate_node(item, df, schema, context)
        case BoolOp(op=op, items=items):
            result = evaluate_node(items[0], df, schema, context)
            for item in items[1:]:
                other = evaluate_node(item, df, schema, context)
                result = (result & other) if op == "and" else (result | other)
            return result
    raise TypeError(node)  # pragma: no cover


def evaluate(expr: Expression, df: pd.DataFrame, context: Mapping[str, object]) -> pd.Series:
    """Evaluate a compiled expression on ``df`` (three-valued: NA where unknown)."""
    return evaluate_node(expr.tree, df, expr.schema, context)
