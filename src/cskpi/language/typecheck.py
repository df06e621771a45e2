"""Binding and type checking of the filter language: names to columns, literals to types.

A parsed expression (:mod:`cskpi.expressions`) is checked against one dataset's columns before
any data is read, so an unknown column (with the close match suggested) or a comparison of a
date with a number is a rulebook error with its line, never a surprise at run time.
"""

from __future__ import annotations

import datetime as dt
import difflib
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass

from cskpi.language.syntax import (
    BOOL_WORDS,
    SPECIAL_NAMES,
    BoolOp,
    Compare,
    Const,
    Contains,
    ExpressionError,
    InList,
    IsBlank,
    Name,
    Node,
    Not,
    Note,
    ValueType,
    normalize_name,
    parse,
)


@dataclass(frozen=True)
class ColumnRef:
    """A column as the expression language sees it: the dataset field and its value type."""

    field: str
    type: ValueType


@dataclass(frozen=True)
class Schema:
    """Which names an expression may use in one dataset (field ids, headers, aliases)."""

    dataset: str
    names: Mapping[str, ColumnRef]  # normalized name -> column

    def resolve(self, name: Name) -> ColumnRef:
        if not name.quoted and name.text.lower() in SPECIAL_NAMES:
            return ColumnRef(name.text.lower(), SPECIAL_NAMES[name.text.lower()])
        found = self.names.get(normalize_name(name.text))
        if found is None:
            near = difflib.get_close_matches(normalize_name(name.text), list(self.names), n=1)
            hint = Note("expr.did_you_mean", {"near": near[0]}) if near else ""
            raise ExpressionError(
                "expr.unknown_column", column=name.text, dataset=self.dataset, hint=hint
            )
        return found


@dataclass(frozen=True)
class Expression:
    """A checked expression: its source text, tree, and the dataset fields it reads."""

    text: str
    tree: Node
    schema: Schema

    @property
    def fields(self) -> set[str]:
        return _fields(self.tree, self.schema)


def _fields(node: Node, schema: Schema) -> set[str]:
    match node:
        case Name():
            ref = schema.resolve(node)
            return set() if ref.field in SPECIAL_NAMES else {ref.field}
        case Const():
            return set()
        case Compare(left=left, right=right):
            return _fields(left, schema) | _fields(right, schema)
        case InList(operand=o) | IsBlank(operand=o) | Contains(operand=o) | Not(item=o):
            return _fields(o, schema)
        case BoolOp(items=items):
            return set().union(*(_fields(i, schema) for i in items))
    raise TypeError(node)  # pragma: no cover


def _kind_problem(kind: str) -> Note:
    return Note(f"kind.{kind}")


def type_of(node: Node, schema: Schema) -> ValueType | None:
    """The value type of an operand; None for a string or bool literal (takes the other side's)."""
    if isinstance(node, Name):
        return schema.resolve(node).type
    if isinstance(node, Const):
        return "number" if node.kind == "number" else None
    check(node, schema)
    return "bool"


def coerce_const(const: Const, target: ValueType, op: str = "==") -> object:
    """Turn a literal into the type of the column it is compared with."""
    own: ValueType = "text" if const.kind == "string" else const.kind

    def mismatch() -> ExpressionError:
        return ExpressionError(
            "expr.type_mismatch", left=_kind_problem(target), right=_kind_problem(own), op=op
        )

    if target == "date":
        if const.kind != "string":
            raise mismatch()
        try:
            return dt.datetime.fromisoformat(const.value.strip())
        except ValueError:
            raise ExpressionError("expr.bad_date_literal", value=const.value) from None
    if target == "bool":
        if const.kind == "number":
            raise mismatch()
        word = const.value.strip().lower()
        if word not in BOOL_WORDS:
            raise ExpressionError("expr.bad_bool_literal", value=const.value)
        return BOOL_WORDS[word]
    if target == "number":
        if const.kind != "number":
            raise mismatch()
        return float(const.value)
    if const.kind != "string":
        raise mismatch()
    return unicodedata.normalize("NFKC", const.value).strip()


def check(node: Node, schema: Schema) -> None:
    """Raise :class:`ExpressionError` unless ``node`` is a well-typed condition."""
    match node:
        case Name():
            ref = schema.resolve(node)
            if ref.type != "bool":
                raise ExpressionError("expr.not_boolean", kind=_kind_problem(ref.type))
        case Const(kind="bool"):
            return
        case Const(kind=kind):
            raise ExpressionError(
                "expr.not_boolean", kind=_kind_problem("number" if kind == "number" else "text")
            )
        case Compare(op=op, left=left, right=right):
            lt, rt = type_of(left, schema), type_of(right, schema)
            if lt is None and rt is None:
                lt = rt = "text"
            side = lt or rt
            assert side is not None
            for operand, typ in ((left, lt), (right, rt)):
                if typ is None:
                    assert isinstance(operand, Const)
                    coerce_const(operand, side, op)
                elif typ != side:
                    raise ExpressionError(
                        "expr.type_mismatch",
                        left=_kind_problem(lt or side),
                        right=_kind_problem(rt or side),
                        op=op,
                    )
            if side == "bool" and op not in ("==", "!="):
                raise ExpressionError("expr.ordering_bool", op=op)
        case InList(operand=operand, values=values):
            typ = type_of(operand, schema) or "text"
            for value in values:
                coerce_const(value, typ, "in")
        case IsBlank(operand=operand):
            type_of(operand, schema)
        case Contains(operand=operand):
            if type_of(operand, schema) != "text":
                raise ExpressionError("expr.contains_text")
        case Not(item=item):
            check(item, schema)
        case BoolOp(items=items):
            for item in items:
                check(item, schema)


def bind_literals(node: Node, schema: Schema) -> Node:
    """Names that are no column but a yes/no word (是, no, true...) become literals.

    Done against the schema, so a column that happens to be called ``n`` or ``y`` stays
    a column.
    """
    match node:
        case Name(text=text, pos=pos, quoted=False) if (
            normalize_name(text) not in schema.names
            and text.lower() not in SPECIAL_NAMES
            and text.lower() in BOOL_WORDS
        ):
            return Const(text, "bool", pos)
        case Compare(op=op, left=left, right=right, pos=pos):
            return Compare(op, bind_literals(left, schema), bind_literals(right, schema), pos)
        case InList(operand=o, values=values, negate=negate, pos=pos):
            return InList(bind_literals(o, schema), values, negate, pos)
        case IsBlank(operand=o, negate=negate):
            return IsBlank(bind_literals(o, schema), negate)
        case Contains(operand=o, needle=needle, pos=pos):
            return Contains(bind_literals(o, schema), needle, pos)
        case Not(item=item):
            return Not(bind_literals(item, schema))
        case BoolOp(op=op, items=items):
            return BoolOp(op, tuple(bind_literals(i, schema) for i in items))
    return node


def compile_expression(text: str, schema: Schema) -> Expression:
    """Parse and type-check ``text`` against a dataset's columns."""
    tree = bind_literals(parse(text), schema)
    check(tree, schema)
    return Expression(text, tree, schema)
