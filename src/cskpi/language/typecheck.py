"""Binding and type checking: a parsed expression -> the compiled tree of :mod:`.tree`.

An expression is bound to one dataset's columns before any data is read: names become field
ids (an unknown column is an error with the close match suggested), each comparison gets one
value type (a date compared with a number is an error), and every literal is read once, by
the same vocabulary as the cells of the column it is compared with
(:mod:`cskpi.language.spelling`): ``'2026-10-01T00:00+08:00'`` becomes a date in the
rulebook's zone, ``'1,234'`` a number, 对 a yes. What comes out needs no more checking.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from cskpi.language import tree as t
from cskpi.language.patterns import Unreadable, why
from cskpi.language.spelling import (
    YES_NO,
    Spelling,
    checked_number,
    clean,
    fold,
    read_date,
    read_number,
    read_yes_no,
)
from cskpi.language.syntax import (
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
    normalize_name,
    parse,
)
from cskpi.language.tree import ValueType

DEFAULT_SPELLING: Mapping[ValueType, Spelling] = {
    "date": Spelling("date"),
    "number": Spelling("number"),
    "text": Spelling("text"),
    "bool": Spelling("yesno"),
}


@dataclass(frozen=True)
class ColumnRef:
    """A column as the expression language sees it: field id, value type, and how literals
    compared with it are read (the spelling of its cells)."""

    field: str
    type: ValueType
    spelling: Spelling | None = None

    @property
    def reads(self) -> Spelling:
        return self.spelling or DEFAULT_SPELLING[self.type]


@dataclass(frozen=True)
class Schema:
    """Which names an expression may use in one dataset (field ids, headers, aliases).

    ``moments`` reads the literals compared with ``as_of``, ``window_start`` and
    ``window_end``: plain dates in the rulebook's zone.
    """

    dataset: str
    names: Mapping[str, ColumnRef]  # normalized name -> column
    moments: Spelling = DEFAULT_SPELLING["date"]

    def knows(self, name: Name) -> bool:
        special = not name.quoted and name.text.lower() in SPECIAL_NAMES
        return special or normalize_name(name.text) in self.names

    def resolve(self, name: Name) -> ColumnRef:
        """The column ``name`` stands for (or an evaluation date); else an error with a hint."""
        if not name.quoted and name.text.lower() in SPECIAL_NAMES:
            word = name.text.lower()
            return ColumnRef(word, SPECIAL_NAMES[word], self.moments)
        found = self.names.get(normalize_name(name.text))
        if found is None:
            near = difflib.get_close_matches(normalize_name(name.text), list(self.names), n=1)
            hint = Note("expr.did_you_mean", {"near": near[0]}) if near else ""
            raise ExpressionError(
                "expr.unknown_column", column=name.text, dataset=self.dataset, hint=hint
            )
        return found


@dataclass(frozen=True)
class _Raw:
    """A literal before it is read: its type comes from what it is compared with."""

    text: str
    kind: Literal["number", "string", "word"]  # word: an unquoted name that is no column
    name: Name | None = None


_Bound = tuple[t.Operand, Spelling]  # an operand, and how literals beside it are read
_LITERAL_ERRORS = {
    "date": "expr.bad_date_literal",
    "bool": "expr.bad_bool_literal",
    "number": "expr.bad_number_literal",
}


def _kind(kind: str) -> Note:
    return Note(f"kind.{kind}")


def _mismatch(left: str, right: str, op: str) -> ExpressionError:
    return ExpressionError("expr.type_mismatch", left=_kind(left), right=_kind(right), op=op)


class _Binder:
    def __init__(self, schema: Schema) -> None:
        self.schema = schema

    def operand(self, node: Node) -> _Bound | _Raw:
        match node:
            case Name(quoted=False) if not self.schema.knows(node):
                return _Raw(node.text, "word", node)
            case Name():
                ref = self.schema.resolve(node)
                if ref.field in SPECIAL_NAMES:
                    return t.Moment(ref.field), ref.reads  # type: ignore[arg-type]
                return t.Field(ref.field, ref.type), ref.reads
            case Const(kind="number"):
                return _Raw(node.value, "number")
            case Const():
                return _Raw(node.value, "string")
        return self.condition(node), DEFAULT_SPELLING["bool"]

    def literal(self, raw: _Raw, typ: ValueType, spelling: Spelling, op: str) -> t.Value:
        """Read ``raw`` as a value of ``typ``, by the spelling of the column beside it."""
        if raw.kind == "word" and not (typ == "bool" and fold(raw.text) in spelling.yes_no):
            assert raw.name is not None
            self.schema.resolve(raw.name)  # raises: no such column (with the close match)
        if raw.kind == "number" and typ != "number":
            raise _mismatch(typ, "number", op)
        try:
            if typ == "number":
                if raw.kind == "number":
                    return t.Value(checked_number(float(raw.text)), "number")
                return t.Value(read_number(raw.text, spelling), "number")
            if typ == "date":
                return t.Value(read_date(raw.text, spelling, check_range=False), "date")
            if typ == "bool":
                if spelling.kind == "rating" and fold(raw.text) not in spelling.yes_no:
                    raise Unreadable(why("why.rating_literal"))
                return t.Value(read_yes_no(raw.text, spelling), "bool")
        except Unreadable as exc:
            reason = Note("why.because", {"why": exc.why}) if exc.why else ""
            raise ExpressionError(_LITERAL_ERRORS[typ], value=raw.text, why=reason) from None
        return t.Value(clean(raw.text), "text")

    def compare(self, node: Compare) -> t.Condition:
        op = node.op
        left, right = self.operand(node.left), self.operand(node.right)
        if isinstance(left, _Raw) and isinstance(right, _Raw):
            return self._constants(op, left, right)
        if not isinstance(left, _Raw) and not isinstance(right, _Raw):
            lt, rt = t.type_of(left[0]), t.type_of(right[0])
            if lt != rt:
                raise _mismatch(lt, rt, op)
        typed = right if isinstance(left, _Raw) else left
        assert not isinstance(typed, _Raw)
        side = t.type_of(typed[0])
        sides = [
            self.literal(part, side, typed[1], op) if isinstance(part, _Raw) else part[0]
            for part in (left, right)
        ]
        if side == "bool" and op not in ("==", "!="):
            raise ExpressionError("expr.ordering_bool", op=op)
        return t.Compare(op, sides[0], sides[1], side)  # type: ignore[arg-type]

    def _constants(self, op: str, left: _Raw, right: _Raw) -> t.Constant:
        """Two literals: the answer is known now (``'a' == 'a'``, ``1 < 2``)."""
        kinds = {p.kind if p.kind == "number" else "text" for p in (left, right)}
        if len(kinds) > 1:
            raise _mismatch("text", "number", op)
        for raw in (left, right):
            if raw.kind == "word":
                assert raw.name is not None
                self.schema.resolve(raw.name)  # raises
        typ: ValueType = "number" if kinds == {"number"} else "text"
        spelling = Spelling("number" if typ == "number" else "text")
        a = self.literal(left, typ, spelling, op).value
        b = self.literal(right, typ, spelling, op).value
        outcome = {
            "==": a == b,
            "!=": a != b,
            "<": a < b,  # type: ignore[operator]
            "<=": a <= b,  # type: ignore[operator]
            ">": a > b,  # type: ignore[operator]
            ">=": a >= b,  # type: ignore[operator]
        }[op]
        return t.Constant(bool(outcome))

    def condition(self, node: Node) -> t.Condition:
        """Bind ``node`` as a true/false condition, or raise :class:`ExpressionError`."""
        match node:
            case Name(quoted=False) if not self.schema.knows(node) and fold(node.text) in YES_NO:
                return t.Constant(YES_NO[fold(node.text)])
            case Name():
                ref = self.schema.resolve(node)
                if ref.type != "bool" or ref.field in SPECIAL_NAMES:
                    raise ExpressionError("expr.not_boolean", kind=_kind(ref.type))
                return t.Truth(t.Field(ref.field, ref.type))
            case Const(kind=kind):
                raise ExpressionError(
                    "expr.not_boolean", kind=_kind("number" if kind == "number" else "text")
                )
            case Compare():
                return self.compare(node)
            case InList(operand=operand, values=values, negate=negate):
                bound = self.operand(operand)
                if isinstance(bound, _Raw):
                    if bound.kind == "word":
                        assert bound.name is not None
                        self.schema.resolve(bound.name)  # raises
                    hits = [
                        self._constants("==", bound, _Raw(v.value, _kind_of(v))) for v in values
                    ]
                    return t.Constant(any(h.value for h in hits) != negate)
                typ = t.type_of(bound[0])
                wanted = tuple(
                    dict.fromkeys(
                        self.literal(_Raw(v.value, _kind_of(v)), typ, bound[1], "in")
                        for v in values
                    )
                )
                return t.InSet(bound[0], wanted, negate, typ)
            case IsBlank(operand=operand, negate=negate):
                bound = self.operand(operand)
                if isinstance(bound, _Raw):
                    if bound.kind == "word":
                        assert bound.name is not None
                        self.schema.resolve(bound.name)  # raises
                    return t.Constant((clean(bound.text) == "") != negate)
                return t.IsBlank(bound[0], negate)
            case Contains(operand=operand, needle=needle):
                bound = self.operand(operand)
                if isinstance(bound, _Raw) or not isinstance(bound[0], t.Field):
                    if isinstance(bound, _Raw) and bound.kind == "word":
                        assert bound.name is not None
                        self.schema.resolve(bound.name)  # raises
                    raise ExpressionError("expr.contains_text")
                if bound[0].type != "text":
                    raise ExpressionError("expr.contains_text")
                return t.Contains(bound[0], clean(needle.value))
            case Not(item=item):
                return t.Not(self.condition(item))
            case BoolOp(op=op, items=items):
                bound_items = tuple(self.condition(i) for i in items)
                return t.And(bound_items) if op == "and" else t.Or(bound_items)
        raise TypeError(node)  # pragma: no cover


def _kind_of(const: Const) -> Literal["number", "string"]:
    return "number" if const.kind == "number" else "string"


def fields_of(node: t.Operand) -> set[str]:
    """The dataset fields a compiled tree reads."""
    match node:
        case t.Field(id=fid):
            return {fid}
        case t.Moment() | t.Value() | t.Constant():
            return set()
        case t.Compare(left=left, right=right):
            return fields_of(left) | fields_of(right)
        case t.InSet(operand=o) | t.IsBlank(operand=o) | t.Contains(operand=o):
            return fields_of(o)
        case t.Truth(field=f):
            return {f.id}
        case t.Not(item=item):
            return fields_of(item)
        case t.And(items=items) | t.Or(items=items):
            return set().union(*(fields_of(i) for i in items))
    raise TypeError(node)  # pragma: no cover


def bind(text: str, schema: Schema) -> t.Predicate:
    """Parse ``text`` and bind it to ``schema``: the compiled predicate, or an
    :class:`ExpressionError` naming what is wrong."""
    tree = _Binder(schema).condition(parse(text))
    return t.Predicate(text, tree, frozenset(fields_of(tree)))


compile_expression = bind
