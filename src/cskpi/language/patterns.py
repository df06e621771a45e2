"""The patterns of the value vocabulary, written once for two regex engines.

Python's ``re`` (literals, ``--as-of``: :mod:`cskpi.language.spelling`) and Arrow's RE2
(whole columns: :mod:`cskpi.read.values`) read each pattern here alike: ``[0-9]`` rather than
``\\d``, white space as a class of literal characters, only named groups, no look-arounds.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from cskpi.language.syntax import Note


class Unreadable(ValueError):
    """A value no rule reads; ``why`` says why in plain words (a catalog note), when known."""

    def __init__(self, why: Note | None = None) -> None:
        super().__init__(why.key if why else "unreadable")
        self.why = why


def why(key: str, **params: object) -> Note:
    """The reason a value is refused, as a catalog note (``why.*`` keys)."""
    return Note(key, params)


# --- white space -------------------------------------------------------------------

# White space as Python's str.split() knows it, written as literal characters so that RE2
# (Arrow) and re (Python) read the class alike.
WHITESPACE = "".join(ch for ch in map(chr, range(0x3001)) if ch.isspace())
WHITESPACE_RUN = f"[{WHITESPACE}]+"
INVISIBLE = "[\ufeff\u200b\u200c\u200d\u2060]"  # BOM and zero-width marks


# --- numbers ------------------------------------------------------------------------------

LARGEST = 1e15  # beyond this a number can no longer be summed exactly: not a KPI value
_SIGN = "[-+\u2212]"
_CURRENCY = "[¥$]|(?i:rmb|cny)"
_EXPONENT = "(?:[eE][-+]?[0-9]+)?"


def _number_pattern(point: str, group: str) -> str:
    p, g = re.escape(point), re.escape(group)
    body = (
        f"[0-9]{{1,3}}(?:{g}[0-9]{{3}})+(?:{p}[0-9]+)?"  # 1,234,567.8
        f"|[0-9]{{1,3}}(?: [0-9]{{3}})+(?:{p}[0-9]+)?"  # 1 234 567.8
        f"|(?:[0-9]+(?:{p}[0-9]*)?|{p}[0-9]+){_EXPONENT}"  # 1234.5, .5, 1e5
    )
    return (
        f"^(?P<s1>{_SIGN})? ?(?P<cur>{_CURRENCY})? ?(?P<s2>{_SIGN})?"
        f"(?P<body>{body}) ?(?P<unit>%|元|(?i:rmb))?$"
    )


NUMBER_PATTERNS: Mapping[str, str] = {
    ".": _number_pattern(".", ","),
    ",": _number_pattern(",", "."),
}
PLAIN_NUMBER = "^[-+]?(?:[0-9]+(?:\\.[0-9]*)?|\\.[0-9]+)(?:[eE][-+]?[0-9]+)?$"


# --- dates --------------------------------------------------------------------------------

# Rewritten before matching, in both engines: 2026年11月2日 -> 2026-11-2, 20261102 -> 2026-11-02
CN_DATE = ("^([0-9]{4}) ?年 ?([0-9]{1,2}) ?月 ?([0-9]{1,2}) ?[日号] ?", "\\1-\\2-\\3 ")
COMPACT_DATE = ("^([0-9]{4})([0-9]{2})([0-9]{2})$", "\\1-\\2-\\3")
_ZONE_BODY = "[Zz]|UTC|GMT|[-+][0-9]{2}(?::?[0-9]{2})?"
_ZONE = f"(?P<z>{_ZONE_BODY})"
DATE_PATTERN = (
    "^(?P<Y>[0-9]{4})[-/.](?P<m>[0-9]{1,2})[-/.](?P<d>[0-9]{1,2})"
    "(?:[T ](?P<H>[0-9]{1,2})(?::(?P<M>[0-9]{2})(?::(?P<S>[0-9]{2})(?:[.,](?P<f>[0-9]{1,9}))?)?"
    f"(?: ?{_ZONE})?)?)?$"
)
DATE_GROUPS = ("Y", "y", "m", "b", "d", "H", "I", "p", "M", "S", "f", "z")

_MONTHS = (
    "jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    "|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?"
)
_DAYS = (
    "mon(?:day)?|tue(?:s(?:day)?)?|wed(?:nesday)?|thu(?:r(?:s(?:day)?)?)?|fri(?:day)?"
    "|sat(?:urday)?|sun(?:day)?"
)
MONTH_NAMES = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
DIRECTIVES: Mapping[str, tuple[str, str | None]] = {  # directive -> (pattern, group)
    "Y": ("[0-9]{4}", "Y"),
    "y": ("[0-9]{2}", "y"),
    "m": ("[0-9]{1,2}", "m"),
    "b": (f"(?i:{_MONTHS})", "b"),
    "B": (f"(?i:{_MONTHS})", "b"),
    "d": ("[0-9]{1,2}", "d"),
    "H": ("[0-9]{1,2}", "H"),
    "I": ("[0-9]{1,2}", "I"),
    "p": ("(?i:am|pm)|上午|下午", "p"),
    "M": ("[0-9]{1,2}", "M"),
    "S": ("[0-9]{1,2}", "S"),
    "f": ("[0-9]{1,9}", "f"),
    "z": (_ZONE_BODY, "z"),
    "a": (f"(?i:{_DAYS})", None),
    "A": (f"(?i:{_DAYS})", None),
}
_REGEX_SPECIAL = set(".^$*+?{}[]\\|()")


def format_pattern(fmt: str) -> str:
    """A strptime-style format as a pattern with named groups; raises :class:`Unreadable`
    with the reason (unknown directive, repeated field, no year, %I without %p)."""
    out: list[str] = []
    seen: set[str] = set()
    i = 0
    while i < len(fmt):
        ch = fmt[i]
        if ch != "%":
            out.append(" " if ch.isspace() else ("\\" + ch if ch in _REGEX_SPECIAL else ch))
            i += 1
            continue
        code = fmt[i + 1 : i + 2]
        i += 2
        if code == "%":
            out.append("%")
            continue
        if code not in DIRECTIVES:
            raise Unreadable(why("why.format_directive", directive=f"%{code}"))
        pattern, group = DIRECTIVES[code]
        if group is None:
            out.append(f"(?:{pattern})")
            continue
        if group in seen:
            raise Unreadable(why("why.format_repeated", directive=f"%{code}"))
        seen.add(group)
        out.append(f"(?P<{group}>{pattern})")
    if not seen & {"Y", "y"}:
        raise Unreadable(why("why.format_no_year"))
    if ("I" in seen) != ("p" in seen) or ("I" in seen and "H" in seen):
        raise Unreadable(why("why.format_twelve_hour"))
    return "^" + "".join(out) + "$"
