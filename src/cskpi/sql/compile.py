"""A checked filter or condition as a SQL boolean, with the interpreter's meaning.

SQL's NULL logic is the language's three-valued logic: a comparison with a blank cell is
unknown, ``and``/``or``/``not`` are Kleene's, and a row whose condition is unknown is neither
counted (WHERE) nor in a share's denominator (``cond IS NOT NULL``). Literals are converted
to the column's type first (as the interpreter does) and passed as bound parameters;
``contains`` is a case-sensitive substring test (never LIKE, which SQLite folds).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa

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
from cskpi.language.typecheck import Expression, Schema, coerce_const, type_of
from cskpi.sql.columns import date_param


class Unsupported(Exception):
    """This expression cannot run in this engine (the standard is evaluated in Python)."""


class Compiler:
    """Compiles trees over one dataset's typed fields (field id -> SQL expression)."""

    def __init__(
        self, dialect: str, fields: Mapping[str, Any], context: Mapping[str, object]
    ) -> None:
        self.dialect = dialect
        self.fields = fields
        self.context = context  # as_of, window_start, window_end

    def condition(self, expr: Expression) -> Any:
        return self.node(expr.tree, expr.schema)

    def _operand(self, node: Node, schema: Schema, target: ValueType | None) -> Any:
        if isinstance(node, Name):
            ref = schema.resolve(node)
            if ref.field in SPECIAL_NAMES:
                return sa.literal(date_param(self.dialect, self.context[ref.field]))
            if ref.field not in self.fields:
                raise Unsupported(ref.field)
            return self.fields[ref.field]
        if isinstance(node, Const):
            return self._literal(coerce_const(node, target or _own(node)), target)
        return self.node(node, schema)

    def _literal(self, value: object, target: ValueType | None) -> Any:
        if target == "date":
            return sa.literal(date_param(self.dialect, value))
        if target == "bool":
            return sa.true() if value else sa.false()
        if target == "number":
            return sa.literal(value, sa.Float)
        return sa.literal(value, sa.String)

    def _truth(self, value: Any) -> Any:
        """A yes/no value as a condition, keeping NULL unknown (never IS TRUE)."""
        return value == sa.true()

    def node(self, node: Node, schema: Schema) -> Any:
        match node:
            case Name():
                return self._truth(self._operand(node, schema, "bool"))
            case Const():
                return sa.true() if coerce_const(node, "bool") else sa.false()
            case Compare(op=op, left=left, right=right):
                side = type_of(left, schema) or type_of(right, schema) or "text"
                a = self._operand(left, schema, side)
                b = self._operand(right, schema, side)
                if side == "text" and op in ("<", "<=", ">", ">=") and self.dialect == "postgresql":
                    a, b = a.collate("C"), b.collate("C")  # code-point order, as Python
                return _COMPARE[op](a, b)
            case InList(operand=operand, values=values, negate=negate):
                typ = type_of(operand, schema) or "text"
                value = self._operand(operand, schema, typ)
                wanted = [self._literal(coerce_const(v, typ), typ) for v in values]
                hit = value.in_(wanted)
                return sa.not_(hit) if negate else hit
            case IsBlank(operand=operand, negate=negate):
                value = self._operand(operand, schema, None)
                return value.is_not(None) if negate else value.is_(None)
            case Contains(operand=operand, needle=needle):
                value = self._operand(operand, schema, "text")
                text = sa.literal(str(needle.value), sa.String)
                where = sa.func.strpos if self.dialect == "postgresql" else sa.func.instr
                return where(value, text) > 0
            case Not(item=item):
                return sa.not_(self.node(item, schema))
            case BoolOp(op=op, items=items):
                parts = [self.node(i, schema) for i in items]
                return sa.and_(*parts) if op == "and" else sa.or_(*parts)
        raise Unsupported(type(node).__name__)  # pragma: no cover


def _own(node: Const) -> ValueType:
    return "number" if node.kind == "number" else "text"


_COMPARE = {
    "==": lambda a, b: a == b,
    "!=": lambda a, b: a != b,
    "<": lambda a, b: a < b,
    "<=": lambda a, b: a <= b,
    ">": lambda a, b: a > b,
    ">=": lambda a, b: a >= b,
}
