"""How values are spelt: the one vocabulary of cells and filter literals.

A number, a yes/no answer, a rating or a date is read by the same rules whether it is a cell
of a sheet or a literal in a rulebook's filter (``satisfied == 对``, ``amount >= '1,000'``).
The word tables live here and the patterns in :mod:`cskpi.language.patterns`, once; two
engines apply them: the scalar readers below (literals, ``--as-of``) and
:mod:`cskpi.read.values` on whole columns in Arrow's kernels. A test runs each documented
spelling (README "Values") through both engines, and a property test any cell at all.

What a careful person could not read unambiguously is refused with the reason: a comma that
is not a thousands separator (``0,95``), a bare number in a date column, 30 February, a date
outside the rulebook's plausible range, a score outside 1-5.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Literal

from cskpi.language.patterns import (
    CN_DATE,
    COMPACT_DATE,
    DATE_PATTERN,
    INVISIBLE,
    LARGEST,
    MONTH_NAMES,
    NUMBER_PATTERNS,
    WHITESPACE,
    WHITESPACE_RUN,
    Unreadable,
    format_pattern,
    why,
)
from cskpi.language.syntax import Note

CellKind = Literal["date", "deadline", "rating", "yesno", "text", "number"]

# --- normalising a cell -------------------------------------------------------------------


def clean(text: str) -> str:
    """NFKC (full-width digits and letters, ％ ￥, odd spaces), zero-width marks removed,
    runs of white space as one space, trimmed: how every cell and literal is compared."""
    text = re.sub(INVISIBLE, "", unicodedata.normalize("NFKC", text))
    return re.sub(WHITESPACE_RUN, " ", text).strip(" ")


# --- yes/no and ratings -------------------------------------------------------------------

YES_WORDS = (
    "是", "是的", "对", "有", "yes", "y", "true", "t", "on", "✓", "✔", "√",
    "1", "1.0", "已完成", "已解决", "已处理", "已办结",
)  # fmt: skip
NO_WORDS = (
    "否", "不是", "不对", "无", "没有", "no", "n", "false", "f", "off", "✗", "✘", "×",
    "0", "0.0", "未完成", "未解决", "未处理", "未办结",
)  # fmt: skip
YES_NO: Mapping[str, bool] = {**dict.fromkeys(YES_WORDS, True), **dict.fromkeys(NO_WORDS, False)}
NUMERIC_YES_NO = ("1", "1.0", "0", "0.0")  # in a rating column these are scores, not answers

RATING_SCORES: Mapping[str, float] = {
    "非常满意": 5, "很满意": 5, "满意": 4, "比较满意": 4,
    "一般": 3, "基本满意": 3, "不太满意": 2, "不满意": 2, "很不满意": 1, "非常不满意": 1,
}  # fmt: skip
SATISFIED_FROM = 4  # scores 4 and 5 are satisfied, on the 1-5 scale
SCALE = (1.0, 5.0)
SCORE_SUFFIX = "分"  # 5分


# --- numbers ------------------------------------------------------------------------------


def number_from(groups: Mapping[str, str | None], decimal: str) -> float:
    """The value of a matched number pattern; raises :class:`Unreadable`."""
    if groups["s1"] and groups["s2"]:
        raise Unreadable()
    if groups["cur"] and groups["unit"]:  # ¥5元, ¥5%
        raise Unreadable()
    body = groups["body"] or ""
    group = "," if decimal == "." else "."
    body = body.replace(group, "").replace(" ", "").replace(",", ".")
    value = float(body)
    if (groups["s1"] or groups["s2"] or "+") in "-\u2212":
        value = -value
    if groups["unit"] == "%":
        value /= 100
    return checked_number(value)


def checked_number(value: float) -> float:
    if value != value or value in (float("inf"), float("-inf")):
        raise Unreadable(why("why.not_finite"))
    if abs(value) > LARGEST:
        raise Unreadable(why("why.too_large"))
    return value


# --- dates --------------------------------------------------------------------------------


def zone_minutes(zone: str) -> int:
    """'+08:00' -> 480, 'Z' -> 0; raises :class:`Unreadable` for an impossible offset."""
    if zone.upper() in ("Z", "UTC", "GMT"):
        return 0
    digits = zone[1:].replace(":", "")
    hours, minutes = int(digits[:2]), int(digits[2:] or 0)
    if hours > 14 or minutes > 59:
        raise Unreadable(why("why.no_such_date"))
    return (hours * 60 + minutes) * (-1 if zone[0] == "-" else 1)


def _number(groups: Mapping[str, str | None], name: str, default: int) -> int:
    text = groups.get(name)
    return default if text is None else int(text)


def moment_from(groups: Mapping[str, str | None]) -> tuple[dt.datetime, int | None]:
    """(wall-clock time, offset in minutes or None) from a matched date pattern."""
    year = _number(groups, "Y", -1)
    if year < 0:
        short = _number(groups, "y", 0)
        year = 2000 + short if short < 69 else 1900 + short  # as Python's strptime
    month = _number(groups, "m", 1)
    if groups.get("b"):
        month = MONTH_NAMES.index(str(groups["b"])[:3].lower()) + 1
    hour = _number(groups, "H", 0)
    if groups.get("I") is not None:
        hour = _number(groups, "I", 0)
        if not 1 <= hour <= 12:
            raise Unreadable(why("why.no_such_date"))
        pm = str(groups.get("p")).lower() in ("pm", "下午")
        hour = hour % 12 + (12 if pm else 0)
    fraction = (groups.get("f") or "").ljust(6, "0")[:6]
    day = _number(groups, "d", 1)
    if not (1 <= month <= 12 and 1 <= day <= calendar.monthrange(max(year, 1), month)[1]):
        raise Unreadable(why("why.no_such_date"))
    minute, second = _number(groups, "M", 0), _number(groups, "S", 0)
    if hour > 23 or minute > 59 or second > 59 or year < 1:
        raise Unreadable(why("why.no_such_date"))
    wall = dt.datetime(year, month, day, hour, minute, second, int(fraction))
    zone = groups.get("z")
    return wall, None if zone is None else zone_minutes(zone)


def has_time(groups: Mapping[str, str | None]) -> bool:
    return any(groups.get(g) is not None for g in ("H", "I"))


def rewrite_date(text: str) -> str:
    """The two rewrites every date text goes through before the patterns."""
    text = re.sub(CN_DATE[0], CN_DATE[1], text, count=1).strip(" ")
    return re.sub(COMPACT_DATE[0], COMPACT_DATE[1], text, count=1)


# --- the settings of one column -----------------------------------------------------------


@dataclass(frozen=True)
class Spelling:
    """How one column's cells (and the literals compared with it) are read.

    Built once per column when a rulebook is compiled: its type, its own date formats, its
    decimal mark, extra yes/no words, rating words, and the rulebook's time zone and
    plausible date range.
    """

    kind: CellKind = "text"
    formats: tuple[str, ...] = ()  # strptime-style, tried before the usual spellings
    decimal: Literal[".", ","] = "."
    true_values: tuple[str, ...] = ()
    false_values: tuple[str, ...] = ()
    rating_words: tuple[tuple[str, float], ...] = ()
    zone: dt.tzinfo | None = field(default=None, compare=False)  # None: the machine's zone
    zone_name: str | None = None
    earliest: dt.date = dt.date(2000, 1, 1)
    latest: dt.date = dt.date(2100, 12, 31)

    @cached_property
    def yes_no(self) -> Mapping[str, bool]:
        """Every yes/no word of this column, folded (the column's own words win)."""
        base = dict(YES_NO)
        if self.kind == "rating":
            base = {k: v for k, v in base.items() if k not in NUMERIC_YES_NO}
        base |= {fold(w): True for w in self.true_values}
        base |= {fold(w): False for w in self.false_values}
        return base

    @cached_property
    def scores(self) -> Mapping[str, float]:
        """Rating words and their scores, folded (the column's own words win)."""
        return {**RATING_SCORES, **{fold(w): s for w, s in self.rating_words}}

    @cached_property
    def patterns(self) -> tuple[str, ...]:
        """The column's own formats as patterns (checked when the rulebook is compiled)."""
        return tuple(format_pattern(f) for f in self.formats)

    @property
    def end_of_day(self) -> bool:
        return self.kind == "deadline"


# --- what a column accepts, said back when a cell is refused ---------------------------------

# A few spellings of each kind, for the message that says what would have been read; a test
# reads every one of them with the readers below, so the message never offers a refused one.
DATE_EXAMPLES = ("2026-11-02", "2026/11/2", "2026年11月2日", "20261102")
TIMED_EXAMPLE = "2026-11-02 14:30"
NUMBER_EXAMPLES: Mapping[str, tuple[str, ...]] = {
    ".": ("1234", "1,234.5", "95%", "¥1,234"),
    ",": ("1234", "1.234,5", "0,95", "95%"),
}
SHOWN_WORDS = 4  # the first yes and no words of the tables shown, after the column's own
ASCII_WORDS = ("yes", "no", "1", "0")  # ... and these, where the tables have them


def accepted(spelling: Spelling) -> Note:
    """What a column of this spelling reads, in a few examples drawn from the tables above
    (and the column's own formats and words): the reason given for a refused cell."""
    join = ", ".join
    match spelling.kind:
        case "number":
            return why("why.accepted_number", examples=join(NUMBER_EXAMPLES[spelling.decimal]))
        case "yesno":
            return why("why.accepted_yesno", yes=join(_words(spelling, True)),
                       no=join(_words(spelling, False)))  # fmt: skip
        case "rating":
            top = int(SCALE[1])
            firsts: dict[float, str] = {}
            for word, score in RATING_SCORES.items():
                firsts.setdefault(score, word)
            words = [*(f"{w} {s:g}" for w, s in spelling.rating_words)]
            words += [f"{w} {s:g}" for s, w in firsts.items()]
            return why(
                "why.accepted_rating",
                low=f"{SCALE[0]:g}", high=f"{top}",
                scores=join((f"{top}", f"{top - 0.5:g}", f"{top}{SCORE_SUFFIX}")),
                words=join(words), satisfied=f"{SATISFIED_FROM}",
            )  # fmt: skip
    own = why("why.accepted_formats", formats=join(spelling.formats)) if spelling.formats else ""
    return why("why.accepted_date", examples=join(DATE_EXAMPLES), timed=TIMED_EXAMPLE, formats=own)


def _words(spelling: Spelling, value: bool) -> list[str]:
    table = YES_WORDS if value else NO_WORDS
    own = spelling.true_values if value else spelling.false_values
    shown = [*own, *table[:SHOWN_WORDS], *(w for w in table if w in ASCII_WORDS)]
    return list(dict.fromkeys(shown))


def fold(word: str) -> str:
    """How a yes/no or rating word is looked up: cleaned, lower case."""
    return clean(word).lower()


def to_zone(wall: dt.datetime, offset: int | None, spelling: Spelling) -> dt.datetime:
    """An aware time (wall clock and UTC offset) as the wall clock of the rulebook's zone;
    a naive one is taken as already in it."""
    if offset is None:
        return wall
    aware = wall.replace(tzinfo=dt.timezone(dt.timedelta(minutes=offset)))
    return aware.astimezone(spelling.zone).replace(tzinfo=None)


# --- scalar readers (literals, --as-of); the column engine is cskpi.read.values -----------


def read_number(text: str, spelling: Spelling) -> float:
    value = clean(text)
    match = re.fullmatch(NUMBER_PATTERNS[spelling.decimal], value)
    if match is None:
        if spelling.decimal == "." and "," in value:
            raise Unreadable(why("why.comma"))
        raise Unreadable()
    return number_from(match.groupdict(), spelling.decimal)


def read_yes_no(text: str, spelling: Spelling) -> bool:
    word = fold(text)
    if word in spelling.yes_no:
        return spelling.yes_no[word]
    raise Unreadable(accepted(spelling))


def read_score(text: str, spelling: Spelling) -> float:
    """A rating as its score: a word (满意 -> 4), or 1-5 (``5``, ``4.5``, ``5分``)."""
    word = fold(text)
    if word in spelling.scores:
        return float(spelling.scores[word])
    number = word.removesuffix(SCORE_SUFFIX).strip(" ")
    match = re.fullmatch(NUMBER_PATTERNS[spelling.decimal], number)
    if match is None or match["cur"] or match["unit"]:
        raise Unreadable()
    score = number_from(match.groupdict(), spelling.decimal)
    if not SCALE[0] <= score <= SCALE[1]:
        raise Unreadable(why("why.rating_scale"))
    return score


def read_rating(text: str, spelling: Spelling) -> bool:
    """Satisfied or not: a score of 4 or 5, a satisfied word, or a yes/no answer."""
    word = fold(text)
    if word in spelling.yes_no:
        return spelling.yes_no[word]
    return read_score(text, spelling) >= SATISFIED_FROM


def read_moment(text: str, spelling: Spelling) -> tuple[dt.datetime, bool]:
    """(the time in the rulebook's zone, whether a time of day was written)."""
    value = rewrite_date(clean(text))
    for pattern in (*spelling.patterns, DATE_PATTERN):
        match = re.fullmatch(pattern, value)
        if match is not None:
            groups = match.groupdict()
            wall, offset = moment_from(groups)
            return to_zone(wall, offset, spelling), has_time(groups)
    if re.fullmatch(NUMBER_PATTERNS["."], value):
        raise Unreadable(why("why.number_not_date"))
    raise Unreadable()


def read_date(text: str, spelling: Spelling, *, check_range: bool = True) -> dt.datetime:
    """A date or date-time; a deadline with no time of day (or 00:00) is the end of that day."""
    moment, _timed = read_moment(text, spelling)
    if check_range and not spelling.earliest <= moment.date() <= spelling.latest:
        raise Unreadable(
            why("why.date_range", earliest=str(spelling.earliest), latest=str(spelling.latest))
        )
    if spelling.end_of_day and moment.time() == dt.time(0):
        moment += dt.timedelta(days=1, microseconds=-1)
    return moment


def read_cell(text: str | None, spelling: Spelling) -> object:
    """One cell as its column reads it (None when blank): the scalar twin of the column engine.

    Text is kept as written, trimmed; other kinds are read from the cleaned text, so a cell of
    zero-width marks alone is blank to them.
    """
    if text is None or text.strip(WHITESPACE) == "":
        return None
    if spelling.kind == "text":
        return text.strip(WHITESPACE)
    if clean(text) == "":
        return None
    match spelling.kind:
        case "number":
            return read_number(text, spelling)
        case "yesno":
            return read_yes_no(text, spelling)
        case "rating":
            return read_rating(text, spelling)
    return read_date(text, spelling)
