"""The compiled form of a filter or condition: a bound, typed tree of plain frozen values.

This is what a rulebook holds after compiling (:func:`cskpi.language.typecheck.bind`) and all
an evaluator needs: every column is a resolved field id with its value type, every literal
is already a value of the column's type (a float, a bool, a cleaned text, a naive datetime
in the rulebook's time zone), literal-only comparisons are folded away. The pandas
interpreter (:mod:`cskpi.evaluate.interpreter`) walks it; another backend (SQL) can walk the
same tree without knowing the filter language's syntax or vocabulary.

Value types: ``date`` (datetime, naive, rulebook zone), ``number`` (float, finite), ``text``
(str, NFKC, trimmed: :func:`cskpi.language.spelling.clean`), ``bool``.

Logic is three-valued: a comparison with a blank cell is unknown; ``And``/``Or``/``Not``
follow Kleene's rules; a row whose condition is unknown is not counted.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

ValueType = Literal["date", "number", "text", "bool"]
CompareOp = Literal["==", "!=", "<", "<=", ">", ">="]
MomentName = Literal["as_of", "window_start", "window_end"]


@dataclass(frozen=True)
class Field:
    """A column of the dataset, by field id, with the type its cells were read as."""

    id: str
    type: ValueType


@dataclass(frozen=True)
class Moment:
    """One of the evaluation's dates, known only when it runs (type ``date``)."""

    name: MomentName
    type: ValueType = "date"


@dataclass(frozen=True)
class Value:
    """A literal, converted once to the type it is compared with."""

    value: float | str | bool | dt.datetime
    type: ValueType


@dataclass(frozen=True)
class Compare:
    """``left op right``; both sides have ``type``. Text compares cleaned text."""

    op: CompareOp
    left: Operand
    right: Operand
    type: ValueType


@dataclass(frozen=True)
class InSet:
    """``operand in (values)``; ``negate`` for ``not in``. Unknown when the operand is blank."""

    operand: Operand
    values: tuple[Value, ...]
    negate: bool
    type: ValueType


@dataclass(frozen=True)
class IsBlank:
    """``operand is [not] blank``: never unknown."""

    operand: Operand
    negate: bool


@dataclass(frozen=True)
class Contains:
    """``field contains needle`` on cleaned text (no patterns)."""

    operand: Field
    needle: str


@dataclass(frozen=True)
class Truth:
    """A yes/no (or rating) column used as a condition: its own value."""

    field: Field


@dataclass(frozen=True)
class Constant:
    """A condition known when the rulebook is compiled (``true``, ``'a' == 'a'``)."""

    value: bool


@dataclass(frozen=True)
class And:
    items: tuple[Condition, ...]


@dataclass(frozen=True)
class Or:
    items: tuple[Condition, ...]


@dataclass(frozen=True)
class Not:
    item: Condition


Condition = Compare | InSet | IsBlank | Contains | Truth | Constant | And | Or | Not
Operand = Field | Moment | Value | Condition  # a condition is an operand of type bool


@dataclass(frozen=True)
class Predicate:
    """A compiled filter or condition: its source text, its tree, the fields it reads."""

    text: str
    tree: Condition
    fields: frozenset[str]


def type_of(node: Operand) -> ValueType:
    """The value type of an operand (conditions are ``bool``)."""
    if isinstance(node, Field | Moment | Value):
        return node.type
    return "bool"
