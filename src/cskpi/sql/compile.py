"""A compiled filter or condition (:mod:`cskpi.language.tree`) as a SQL boolean, with the
interpreter's meaning.

SQL's NULL logic is the language's three-valued logic: a comparison with a blank cell is
unknown, ``and``/``or``/``not`` are Kleene's, and a row whose condition is unknown is neither
counted (WHERE) nor in a share's denominator (``cond IS NOT NULL``). The tree's literals are
already values of their column's type; they are passed as bound parameters.

Text is compared cleaned on both sides as the readers compare it (NFKC, zero-width marks
dropped, white space runs as one space, trimmed: ``team == 'Ａ组'`` finds ``A组``): the tree's
literals are cleaned already, the column through :func:`cskpi.sql.columns.clean_text`, and
ordered by code point. Where the database cannot clean text (``cleans=False``), a comparison
of text is :class:`Unsupported` and its dataset is evaluated in Python. ``is blank`` needs
no cleaning.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa

from cskpi.language import tree as t
from cskpi.sql.columns import clean_text, date_param


class Unsupported(Exception):
    """This expression cannot run in this engine (the standard is evaluated in Python).

    Its arguments: the field id, function or metric it needs, and optionally the
    ``sql.why.*`` key saying why that field cannot (``text_clean``)."""


class Compiler:
    """Compiles trees over one dataset's typed fields (field id -> SQL expression)."""

    def __init__(
        self,
        dialect: str,
        fields: Mapping[str, Any],
        context: Mapping[str, object],
        *,
        cleans: bool = True,
    ) -> None:
        self.dialect = dialect
        self.fields = fields
        self.context = context  # as_of, window_start, window_end
        self.cleans = cleans  # the database can clean text (cskpi.sql.columns.cleans_text)

    def condition(self, predicate: t.Predicate) -> Any:
        return self.node(predicate.tree)

    def _field(self, field: t.Field) -> Any:
        if field.id not in self.fields:
            raise Unsupported(field.id)
        return self.fields[field.id]

    def _operand(self, node: t.Operand) -> Any:
        match node:
            case t.Field(type="text"):
                return self._text(node)
            case t.Field():
                return self._field(node)
            case t.Moment(name=name):
                return sa.literal(date_param(self.dialect, self.context[name]))
            case t.Value(value=value, type=typ):
                return self._literal(value, typ)
        return self.node(node)

    def _text(self, field: t.Field) -> Any:
        """A text column cleaned as the readers compare it (the literals are already)."""
        if not self.cleans:
            raise Unsupported(field.id, "text_clean")  # said as sql.why.text_clean
        return clean_text(self.dialect, self._field(field))

    def _literal(self, value: object, typ: t.ValueType) -> Any:
        if typ == "date":
            return sa.literal(date_param(self.dialect, value))
        if typ == "bool":
            return sa.true() if value else sa.false()
        if typ == "number":
            return sa.literal(value, sa.Float)
        return sa.literal(value, sa.String)

    def _truth(self, value: Any) -> Any:
        """A yes/no value as a condition, keeping NULL unknown (never IS TRUE)."""
        return value == sa.true()

    def node(self, node: t.Condition) -> Any:
        match node:
            case t.Truth(field=field):
                return self._truth(self._field(field))
            case t.Constant(value=value):
                return sa.true() if value else sa.false()
            case t.Compare(op=op, left=left, right=right):
                return _COMPARE[op](self._operand(left), self._operand(right))
            case t.InSet(operand=operand, values=values, negate=negate):
                wanted = [self._literal(v.value, v.type) for v in values]
                hit = self._operand(operand).in_(wanted)
                return sa.not_(hit) if negate else hit
            case t.IsBlank(operand=operand, negate=negate):
                if isinstance(operand, t.Field):
                    value = self._field(operand)  # text too: IS NULL needs no NFKC
                else:
                    value = self._operand(operand)
                return value.is_not(None) if negate else value.is_(None)
            case t.Contains(operand=column, needle=needle):
                text = self._text(column)
                if self.dialect == "postgresql":
                    return sa.func.strpos(text, sa.literal(needle, sa.Text)) > 0
                return sa.func.instr(text, sa.literal(needle, sa.String)) > 0
            case t.Not(item=item):
                return sa.not_(self.node(item))
            case t.And(items=items):
                return sa.and_(*(self.node(i) for i in items))
            case t.Or(items=items):
                return sa.or_(*(self.node(i) for i in items))
        raise Unsupported(type(node).__name__)  # pragma: no cover


_COMPARE = {
    "==": lambda a, b: a == b,
    "!=": lambda a, b: a != b,
    "<": lambda a, b: a < b,
    "<=": lambda a, b: a <= b,
    ">": lambda a, b: a > b,
    ">=": lambda a, b: a >= b,
}
