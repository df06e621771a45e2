"""The rulebook's filter language: parsed to a tree, type-checked, interpreted on a DataFrame.

Rule text is never handed to Python's own evaluator, to pandas' query engine or to any
expression compiler. The grammar is small on purpose::

    expr     := and ("or" and)*
    and      := not ("and" not)*
    not      := "not" not | test
    test     := operand [ OP operand | ["not"] "in" "(" literal ("," literal)* ")"
                        | "is" ["not"] "blank" | "contains" STRING ]
    operand  := NAME | `quoted name` | NUMBER | STRING | "(" expr ")"
    OP       := == = != <> < <= > >=

A NAME is a column (field id, header or alias), ``as_of``/``window_start``/``window_end``, or,
where a yes/no value is expected, a yes/no word (是, 否, yes, no, true...). NUMBER is ASCII
or full-width digits, nothing else (``²`` is no number). The grammar is an allow-list, so
Python keywords are names like any other (a column may be called ``pass`` or ``from``) and
everything else (calls, attributes, arithmetic...) is refused by name.

This module gives the syntax tree; :mod:`cskpi.language.typecheck` binds it to a dataset's
columns and types, giving the compiled tree of :mod:`cskpi.language.tree`. Nothing here needs
pandas, so checking a rulebook stays fast.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal as TypingLiteral

from cskpi.language.tree import ValueType

MAX_LENGTH = 2000
MAX_TOKENS = 400
MAX_DEPTH = 40

SPECIAL_NAMES: dict[str, ValueType] = {
    "as_of": "date",
    "window_start": "date",
    "window_end": "date",
}
KEYWORDS = {"and", "or", "not", "in", "is", "blank", "contains"}
DIGITS = frozenset("0123456789０１２３４５６７８９")  # str.isdigit would take ² and ٣
COMPARISONS = {
    "==": "==",
    "=": "==",
    "!=": "!=",
    "<>": "!=",
    "<": "<",
    "<=": "<=",
    ">": ">",
    ">=": ">=",
}


@dataclass(frozen=True)
class Note:
    """A translatable message: a catalog key and its parameters.

    The language imports nothing else of cskpi, so it cannot render text itself; the message
    catalog (:mod:`cskpi.i18n`) renders a note, and any note nested in its parameters.
    """

    key: str
    params: Mapping[str, object] = field(default_factory=dict)


class ExpressionError(Exception):
    """A rejected expression; carries a translatable note."""

    def __init__(self, key: str, /, **params: object) -> None:
        self.problem = Note(key, params)
        super().__init__(key)


_INVISIBLE = dict.fromkeys(map(ord, "\ufeff\u200b\u200c\u200d\u2060"), None)


def normalize_name(name: str) -> str:
    """How headers and column names are compared: NFKC, case-folded, without white space
    (stray or full-width spaces: 团　队 is 团队), BOM or zero-width marks."""
    text = unicodedata.normalize("NFKC", name).translate(_INVISIBLE)
    return "".join(text.split()).casefold()


# --- tokens --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Token:
    kind: str  # name | qname | number | string | op | lparen | rparen | comma | end
    text: str
    pos: int


def _forbid(construct: str, pos: int, **params: object) -> ExpressionError:
    return ExpressionError("expr.forbidden", construct=Note(construct, params), pos=pos + 1)


def tokenize(text: str) -> list[Token]:
    """Split ``text`` into tokens, refusing anything that looks like a way into Python."""
    if len(text) > MAX_LENGTH:
        raise ExpressionError("expr.too_long", n=len(text), limit=MAX_LENGTH)
    tokens: list[Token] = []
    depth = 0
    i = 0
    n = len(text)
    while i < n:
        ch = text[i]
        if ch.isspace():
            i += 1
            continue
        if len(tokens) >= MAX_TOKENS:
            raise ExpressionError("expr.too_many_tokens", limit=MAX_TOKENS)
        start = i
        if ch in "'\"":
            end = text.find(ch, i + 1)
            if end < 0:
                raise ExpressionError("expr.unterminated", pos=i + 1)
            tokens.append(Token("string", text[i + 1 : end], start))
            i = end + 1
        elif ch == "`":
            end = text.find("`", i + 1)
            if end < 0:
                raise ExpressionError("expr.unterminated", pos=i + 1)
            tokens.append(Token("qname", text[i + 1 : end], start))
            i = end + 1
        elif ch in DIGITS or (
            ch == "-"
            and i + 1 < n
            and text[i + 1] in DIGITS
            and (not tokens or tokens[-1].kind in ("op", "lparen", "comma"))
        ):
            i += 1
            while i < n and (text[i] in DIGITS or text[i] in ".．"):
                i += 1
            literal = unicodedata.normalize("NFKC", text[start:i])  # full-width digits
            if literal.count(".") > 1 or literal.endswith("."):
                raise _forbid("construct.attribute", i - 1)
            tokens.append(Token("number", literal, start))
        elif ch.isalpha() or ch == "_":
            while i < n and (text[i].isalnum() or text[i] == "_"):
                i += 1
            word = text[start:i]
            if (
                i < n
                and text[i] in "'\""
                and word.lower() in {"f", "rf", "fr", "b", "rb", "br", "r", "u"}
            ):
                raise _forbid("construct.fstring", start)
            if word.startswith("__"):
                raise _forbid("construct.dunder", start)
            tokens.append(Token("name", word, start))
        elif text.startswith("**", i):
            raise _forbid("construct.power", i)
        elif ch in "<>=!":
            two = text[i : i + 2]
            op = two if two in COMPARISONS else ch
            if op not in COMPARISONS:
                raise ExpressionError("expr.unexpected_char", char=ch, pos=i + 1)
            tokens.append(Token("op", op, start))
            i += len(op)
        elif ch == "(":
            depth += 1
            if depth > MAX_DEPTH:
                raise ExpressionError("expr.too_deep", limit=MAX_DEPTH)
            tokens.append(Token("lparen", ch, start))
            i += 1
        elif ch == ")":
            depth -= 1
            tokens.append(Token("rparen", ch, start))
            i += 1
        elif ch in ",，":
            tokens.append(Token("comma", ",", start))
            i += 1
        elif ch == ".":
            raise _forbid("construct.attribute", i)
        elif ch == "[":
            raise _forbid("construct.subscript", i)
        elif ch == "@":
            raise _forbid("construct.decorator", i)
        elif ch in "+-*/%":
            raise _forbid("construct.arithmetic", i)
        else:
            raise ExpressionError("expr.unexpected_char", char=ch, pos=i + 1)
    tokens.append(Token("end", "", n))
    return tokens


# --- tree ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Name:
    text: str
    pos: int
    quoted: bool = False


@dataclass(frozen=True)
class Const:
    value: str
    kind: TypingLiteral["number", "string"]
    pos: int


@dataclass(frozen=True)
class Compare:
    op: str
    left: Node
    right: Node
    pos: int


@dataclass(frozen=True)
class InList:
    operand: Node
    values: tuple[Const, ...]
    negate: bool
    pos: int


@dataclass(frozen=True)
class IsBlank:
    operand: Node
    negate: bool


@dataclass(frozen=True)
class Contains:
    operand: Node
    needle: Const
    pos: int


@dataclass(frozen=True)
class BoolOp:
    op: TypingLiteral["and", "or"]
    items: tuple[Node, ...]


@dataclass(frozen=True)
class Not:
    item: Node


Node = Name | Const | Compare | InList | IsBlank | Contains | BoolOp | Not


class _Parser:
    def __init__(self, tokens: list[Token]) -> None:
        self.tokens = tokens
        self.i = 0
        self.depth = 0

    def peek(self) -> Token:
        return self.tokens[self.i]

    def take(self) -> Token:
        tok = self.tokens[self.i]
        self.i += 1
        return tok

    def is_word(self, word: str) -> bool:
        tok = self.peek()
        return tok.kind == "name" and tok.text.lower() == word

    def fail(self, expected: str) -> ExpressionError:
        tok = self.peek()
        if tok.kind == "end":
            return ExpressionError("expr.unexpected_end", expected=Note(expected))
        return ExpressionError(
            "expr.unexpected", token=tok.text, pos=tok.pos + 1, expected=Note(expected)
        )

    def nest(self) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise ExpressionError("expr.too_deep", limit=MAX_DEPTH)

    def parse(self) -> Node:
        node = self.expr()
        if self.peek().kind != "end":
            raise self.fail("expected.end")
        return node

    def expr(self) -> Node:
        items = [self.conj()]
        while self.is_word("or"):
            self.take()
            items.append(self.conj())
        return items[0] if len(items) == 1 else BoolOp("or", tuple(items))

    def conj(self) -> Node:
        items = [self.neg()]
        while self.is_word("and"):
            self.take()
            items.append(self.neg())
        return items[0] if len(items) == 1 else BoolOp("and", tuple(items))

    def neg(self) -> Node:
        if self.is_word("not"):
            self.take()
            self.nest()
            node = Not(self.neg())
            self.depth -= 1
            return node
        return self.test()

    def test(self) -> Node:
        left = self.operand()
        tok = self.peek()
        if tok.kind == "op":
            self.take()
            return Compare(COMPARISONS[tok.text], left, self.operand(), tok.pos)
        if self.is_word("is"):
            self.take()
            negate = self.is_word("not")
            if negate:
                self.take()
            if not self.is_word("blank"):
                raise self.fail("expected.blank")
            self.take()
            return IsBlank(left, negate)
        if self.is_word("contains"):
            self.take()
            needle = self.operand()
            if not isinstance(needle, Const):
                raise ExpressionError("expr.contains_text")
            return Contains(left, needle, tok.pos)
        negate = False
        if self.is_word("not") and self.tokens[self.i + 1].text.lower() == "in":
            self.take()
            negate = True
        if self.is_word("in"):
            self.take()
            return InList(left, self.literal_list(), negate, tok.pos)
        return left

    def literal_list(self) -> tuple[Const, ...]:
        if self.peek().kind != "lparen":
            raise self.fail("expected.in_list")
        self.take()
        values: list[Const] = []
        while True:
            value = self.operand()
            if not isinstance(value, Const):
                raise self.fail("expected.in_list")
            values.append(value)
            if self.peek().kind == "comma":
                self.take()
                continue
            if self.peek().kind == "rparen":
                self.take()
                return tuple(values)
            raise self.fail("expected.close_paren")

    def operand(self) -> Node:
        tok = self.peek()
        if tok.kind == "lparen":
            self.take()
            self.nest()
            node = self.expr()
            self.depth -= 1
            if self.peek().kind != "rparen":
                raise self.fail("expected.close_paren")
            self.take()
            return node
        if tok.kind == "number":
            self.take()
            return Const(tok.text, "number", tok.pos)
        if tok.kind == "string":
            self.take()
            return Const(tok.text, "string", tok.pos)
        if tok.kind == "qname":
            self.take()
            return Name(tok.text, tok.pos, quoted=True)
        if tok.kind == "name" and tok.text.lower() not in KEYWORDS:
            self.take()
            if self.peek().kind == "lparen":
                raise _forbid("construct.call", tok.pos)
            return Name(tok.text, tok.pos)
        raise self.fail("expected.operand")


def parse(text: str) -> Node:
    """Parse ``text`` to a tree, or raise :class:`ExpressionError`."""
    return _Parser(tokenize(text)).parse()
