"""How cskpi writes JSON: UTF-8 text, two-space indent, no NaN, no raw terminal control.

Byte for byte what ``json.dumps(obj, ensure_ascii=False, indent=2, allow_nan=False)`` gives,
but faster: the standard library writes indented JSON with its pure-Python encoder (about
0.5 s for the 28,000 results of 2,000 agents x 14 standards). Here a list of plain values, a
dict's runs of plain values, and a list of flat dicts (the results, the history rows) are each
written by the C encoder in one call, the indent made by its item separator; the rest is walked.
"""

from __future__ import annotations

import json
from functools import cache
from itertools import chain
from typing import Any

from cskpi.present.safe import json_safe

INDENT = "  "
_PLAIN = (str, int, float, bool, type(None))
_PLAIN_TYPES = frozenset(_PLAIN)


def dumps(obj: Any) -> str:
    """``obj`` as cskpi's JSON text (see the module docstring); safe to print (json_safe)."""
    return json_safe(_encode(obj, 0))


@cache
def _encoder(level: int) -> json.JSONEncoder:
    """The C encoder writing members one per line at ``level`` (no indent: the C path)."""
    return json.JSONEncoder(
        ensure_ascii=False, allow_nan=False, separators=(",\n" + INDENT * level, ": ")
    )


def _encode(obj: Any, level: int) -> str:
    inner = INDENT * (level + 1)
    if isinstance(obj, dict):
        if not obj:
            return "{}"
        if not all(isinstance(key, str) for key in obj):  # keys json turns into text
            return _standard(obj, level)
        return "{\n" + ",\n".join(_members(obj, level)) + "\n" + INDENT * level + "}"
    if isinstance(obj, list | tuple):
        if not obj:
            return "[]"
        if all(isinstance(item, _PLAIN) for item in obj):
            flat = _encoder(level + 1).encode(obj)
            return "[\n" + inner + flat[1:-1] + "\n" + INDENT * level + "]"
        if _flat_records(obj):  # the results: one C call for them all
            deeper = INDENT * (level + 2)
            flat = _encoder(level + 2).encode(obj)[2:-2]  # '"a": 1,\n    "b": 2},\n    {"a": 3'
            flat = flat.replace(
                "},\n" + deeper + "{", "\n" + inner + "},\n" + inner + "{\n" + deeper
            )
            # one copy of the text (a chain of + copies it at every step)
            return "".join(
                ("[\n", inner, "{\n", deeper, flat, "\n", inner, "}\n", INDENT * level, "]")
            )
        items = (inner + _encode(item, level + 1) for item in obj)
        return "[\n" + ",\n".join(items) + "\n" + INDENT * level + "]"
    if isinstance(obj, _PLAIN):
        return _encoder(0).encode(obj)
    return _standard(obj, level)


def _members(obj: dict[str, Any], level: int) -> list[str]:
    """The members of a dict at ``level``, each run of plain values in one C call (an
    appraisal holds one list among ten numbers)."""
    inner = INDENT * (level + 1)
    out: list[str] = []
    run: dict[str, Any] = {}
    for key, value in obj.items():
        if isinstance(value, _PLAIN):
            run[key] = value
            continue
        if run:
            out.append(inner + _encoder(level + 1).encode(run)[1:-1])
            run = {}
        out.append(inner + _encoder(0).encode(key) + ": " + _encode(value, level + 1))
    if run:
        out.append(inner + _encoder(level + 1).encode(run)[1:-1])
    return out


def _flat_records(items: list[Any] | tuple[Any, ...]) -> bool:
    """Dicts, none empty, of plain values under text keys (exact types: the check runs over
    every value of 28,000 results, in C). Written by the C encoder with a line break in its
    item separator, such a dict's only ``}`` is its end: JSON strings hold no raw line break,
    so ``},\n{`` can only join two of them."""
    if not all(type(item) is dict and item for item in items):
        return False
    keys = set(map(type, chain.from_iterable(items)))
    values = set(map(type, chain.from_iterable(map(dict.values, items))))
    return keys == {str} and values <= _PLAIN_TYPES


def _standard(obj: Any, level: int) -> str:
    """The standard library's own indented text, moved to ``level`` (JSON strings hold no
    raw line break, so every line break is layout)."""
    text = json.dumps(obj, ensure_ascii=False, indent=len(INDENT), allow_nan=False)
    return text.replace("\n", "\n" + INDENT * level)
