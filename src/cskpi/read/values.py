"""Turning cell text into typed columns: dates, deadlines, ratings, yes/no, numbers, text.

Every reader hands over a column as an Arrow string array (Excel dates as
``2026-10-05 14:30:00``, numbers as ``5``, blanks as null). The spellings accepted are those of
:mod:`cskpi.language.spelling`, the vocabulary the filter literals use too; this module is its
column engine, so a million-row sheet never meets a per-row Python loop:

- dates and numbers: Arrow's own strict parser takes the plain cells (what Excel and most
  exports write); the rest are matched against the vocabulary's patterns with Arrow's regex
  kernel and assembled with numpy;
- yes/no and ratings: each distinct value is read once by the scalar reader (a column of
  answers has a handful of distinct values).

Each converter returns the typed values, the mask of cells it could not read and, where it
knows, why (a comma that is not a thousands separator, no such date, out of range), so the
loader can name every bad cell by row and column in plain words.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from cskpi.language.spelling import (
    CN_DATE,
    COMPACT_DATE,
    DATE_PATTERN,
    INVISIBLE,
    LARGEST,
    MONTH_NAMES,
    NUMBER_PATTERNS,
    PLAIN_NUMBER,
    WHITESPACE,
    WHITESPACE_RUN,
    Spelling,
    Unreadable,
    clean,
    read_rating,
    read_yes_no,
    why,
)
from cskpi.language.syntax import Note

US_PER_SECOND = 1_000_000


@dataclass(frozen=True)
class Converted:
    """A typed column, the cells that could not be read, and why for some of them."""

    values: pd.Series
    bad: np.ndarray
    reasons: tuple[tuple[Note, np.ndarray], ...] = ()  # the first that applies to a cell

    def __iter__(self) -> Iterator[object]:  # values, bad = converter(...)
        return iter((self.values, self.bad))

    def why(self, i: int) -> Note | None:
        return next((note for note, mask in self.reasons if mask[i]), None)


def _array(raw: pa.Array | pa.ChunkedArray | pd.Series) -> pa.Array:
    if isinstance(raw, pa.ChunkedArray):
        raw = raw.combine_chunks()
    if isinstance(raw, pa.Array):
        return raw.cast(pa.string()) if raw.type != pa.string() else raw
    values = raw.astype(object).where(raw.notna(), None)
    return pa.array([None if v is None else str(v) for v in values], type=pa.string())


def _trim(raw: pa.Array | pd.Series) -> tuple[pa.Array, np.ndarray]:
    """Trimmed text (blank -> null) and the mask of blank cells."""
    text = pc.utf8_trim(_array(raw), WHITESPACE)
    blank = pc.fill_null(pc.equal(text, ""), True)
    text = pc.if_else(blank, pa.scalar(None, pa.string()), text)
    return text, _np(blank)


def _np(values: pa.Array | pa.ChunkedArray) -> np.ndarray:
    """A writable numpy copy (Arrow's zero-copy views are read-only)."""
    return np.array(values.to_numpy(zero_copy_only=False))


def _clean(text: pa.Array) -> pa.Array:
    """The column twin of :func:`cskpi.language.spelling.clean`."""
    if pc.any(pc.invert(pc.string_is_ascii(text))).as_py():
        text = pc.utf8_normalize(text, "NFKC")
        text = pc.replace_substring_regex(text, INVISIBLE, "")
    text = pc.replace_substring_regex(text, WHITESPACE_RUN, " ")
    return pc.utf8_trim(text, " ")


def cell_text(value: object) -> str:
    """How a single value reads as text in messages: 123.0 -> "123", trimmed."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _strings(values: pa.Array) -> pd.Series:
    return pd.Series(pd.array(values, dtype=pd.StringDtype("pyarrow")))


def to_text(raw: pa.Array | pd.Series, spelling: Spelling | None = None) -> Converted:
    """Text, trimmed; blank cells become NA. Kept as written (comparisons clean it)."""
    text, blank = _trim(raw)
    return Converted(_strings(text), np.zeros(len(blank), dtype=bool))


# --- numbers -------------------------------------------------------------------------------


def _field(struct: pa.Array, name: str) -> pa.Array:
    """A group of a regex match ("" when it took no part) as strings, null when absent."""
    if name not in {struct.type.field(i).name for i in range(struct.type.num_fields)}:
        return pa.nulls(len(struct), pa.string())
    values = pc.struct_field(struct, name)
    return pc.if_else(pc.equal(values, ""), pa.scalar(None, pa.string()), values)


def _fast_numbers(text: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """Arrow's own parse of plain numbers (what Excel cells give): (values, parsed)."""
    try:
        cast = pc.cast(text, pa.float64())
        return _np(pc.fill_null(cast, np.nan)), _np(cast.is_valid())
    except pa.ArrowInvalid:
        plain = pc.fill_null(pc.match_substring_regex(text, PLAIN_NUMBER), False)
        values = np.full(len(text), np.nan)
        values[_np(plain)] = _np(pc.cast(pc.filter(text, plain), pa.float64()))
        return values, _np(plain)


def _grammar_numbers(text: pa.Array, decimal: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Cells matched against the vocabulary's number pattern: (values, read, matched)."""
    found = pc.extract_regex(text, NUMBER_PATTERNS[decimal])
    matched = _np(found.is_valid())
    s1, s2, cur, unit = (_field(found, g) for g in ("s1", "s2", "cur", "unit"))
    odd = pc.or_kleene(
        pc.and_kleene(s1.is_valid(), s2.is_valid()),
        pc.and_kleene(cur.is_valid(), unit.is_valid()),
    )
    ok = matched & ~_np(pc.fill_null(odd, False))
    body = _field(found, "body")
    group = "," if decimal == "." else "."
    body = pc.replace_substring(pc.replace_substring(body, group, ""), " ", "")
    body = pc.replace_substring(body, ",", ".")
    values = np.full(len(text), np.nan)
    if ok.any():
        values[ok] = _np(pc.cast(pc.filter(body, pa.array(ok)), pa.float64()))
    sign = pc.coalesce(s1, s2, pa.scalar("+"))
    negative = _np(pc.is_in(sign, value_set=pa.array(["-", "\u2212"])))
    values = np.where(negative, -values, values)
    percent = _np(pc.fill_null(pc.equal(unit, "%"), False))
    return np.where(percent, values / 100, values), ok, matched


def to_number(raw: pa.Array | pd.Series, spelling: Spelling | None = None) -> Converted:
    """Numbers: plain, with thousands separators in valid groups, ``95%``, ``¥1,234.00``,
    ``1,234元``, full-width digits; a comma that is not a separator is refused."""
    decimal = spelling.decimal if spelling is not None else "."
    text, blank = _trim(raw)
    values = np.full(len(text), np.nan)
    read = np.zeros(len(text), dtype=bool)
    if decimal == ".":
        values, read = _fast_numbers(text)
        read &= np.isfinite(values) & (np.abs(values) <= LARGEST)
    comma = np.zeros(len(text), dtype=bool)
    rest = ~blank & ~read
    if rest.any():
        where = np.flatnonzero(rest)
        cleaned = _clean(pc.take(text, pa.array(where)))
        blank[where] = _np(pc.equal(cleaned, ""))
        more, ok, matched = _grammar_numbers(cleaned, decimal)
        values[where[ok]] = more[ok]
        read[where[ok]] = True
        if decimal == ".":
            has_comma = _np(pc.fill_null(pc.match_substring(cleaned, ","), False))
            comma[where] = ~matched & has_comma
    finite = np.isfinite(values)
    large = read & finite & (np.abs(values) > LARGEST)
    not_finite = read & ~finite
    bad = ~blank & (~read | large | not_finite)
    series = pd.Series(pd.array(np.where(bad | blank, np.nan, values), dtype="Float64"))
    series[bad | blank] = pd.NA
    reasons = (
        (why("why.comma"), comma),
        (why("why.too_large"), large),
        (why("why.not_finite"), not_finite),
    )
    return Converted(series, bad, reasons)


# --- yes/no and ratings: each distinct value read once by the scalar reader ----------------


def _by_distinct(raw: pa.Array | pd.Series, read: Callable[[str], bool]) -> Converted:
    """Each distinct cell text read once by the scalar reader, then spread to every row."""
    text, blank = _trim(raw)
    encoded = pc.dictionary_encode(text)
    answers: list[bool | None] = []
    notes: list[Note | None] = []
    empty: list[int] = []  # only zero-width marks: blank
    for i, word in enumerate(encoded.dictionary.to_pylist()):
        try:
            answers.append(read(word))
            notes.append(None)
        except Unreadable as exc:
            answers.append(None)
            notes.append(exc.why)
            if clean(word) == "":
                empty.append(i)
    index = encoded.indices
    if empty:
        blank |= _np(pc.fill_null(pc.is_in(index, value_set=pa.array(empty, pa.int32())), False))
    found = pc.take(pa.array(answers, type=pa.bool_()), index)
    values = pd.Series(
        pd.arrays.BooleanArray(
            _np(pc.fill_null(found, False)).astype(bool), _np(pc.is_null(found)).astype(bool)
        )
    )
    bad = values.isna().to_numpy() & ~blank
    reasons = []
    distinct: list[Note] = []  # notes hold dicts: compared, not hashed
    for note in notes:
        if note is not None and note not in distinct:
            distinct.append(note)
    for note in distinct:
        codes = [i for i, n in enumerate(notes) if n == note]
        mask = _np(pc.fill_null(pc.is_in(index, value_set=pa.array(codes, pa.int32())), False))
        reasons.append((note, mask & bad))
    return Converted(values, bad, tuple(reasons))


def to_yesno(raw: pa.Array | pd.Series, spelling: Spelling | None = None) -> Converted:
    """是/否, 是的/不是, 有/无, yes/no, on/off, true/false, 1/0, 1.0/0.0, 已完成/未完成 and the
    column's ``true_values``/``false_values`` -> True/False."""
    rules = spelling or Spelling("yesno")
    return _by_distinct(raw, lambda word: read_yes_no(word, rules))


def to_rating(raw: pa.Array | pd.Series, spelling: Spelling | None = None) -> Converted:
    """Satisfied or not: a score 1-5 (4, 5 satisfied; ``5分``), a word (非常满意, 满意 vs
    一般, 不满意...; the column's ``rating_words``), or a yes/no answer."""
    rules = spelling or Spelling("rating")
    return _by_distinct(raw, lambda word: read_rating(word, rules))


# --- dates ---------------------------------------------------------------------------------

_CANONICAL = (
    "^[0-9]{4}-[0-9]{2}-[0-9]{2}(?:[ T][0-9]{2}(?::[0-9]{2}(?::[0-9]{2}(?:\\.[0-9]{1,6})?)?)?)?$"
)


def _iso(text: pa.Array) -> np.ndarray | None:
    """Arrow's strict ISO parser on every cell (Excel dates arrive so), or None if any fails."""
    try:
        return _np(pc.cast(text, pa.timestamp("us"))).astype("datetime64[us]")
    except pa.ArrowInvalid:
        return None


def _ints(struct: pa.Array, name: str, default: int) -> np.ndarray:
    values = pc.cast(_field(struct, name), pa.int64())
    return _np(pc.fill_null(values, default)).astype(np.int64)


@dataclass(frozen=True)
class _Parsed:
    wall: np.ndarray  # datetime64[us], wall clock as written
    offset: np.ndarray  # minutes east of UTC; only where ``aware``
    aware: np.ndarray
    valid: np.ndarray  # matched and a real date and time


def _assemble(found: pa.Array) -> _Parsed:
    """Date and time parts matched by a pattern -> wall-clock times; impossible ones invalid."""
    names = {found.type.field(i).name for i in range(found.type.num_fields)}
    year = _ints(found, "Y", -1)
    short = _ints(found, "y", 0)
    year = np.where(year < 0, np.where(short < 69, 2000 + short, 1900 + short), year)
    month = _ints(found, "m", 1)
    if "b" in names:
        abbreviation = pc.utf8_slice_codeunits(pc.utf8_lower(_field(found, "b")), 0, 3)
        named = pc.index_in(abbreviation, value_set=pa.array(MONTH_NAMES))
        month = np.where(_np(named.is_valid()), _np(pc.fill_null(named, 0)) + 1, month)
    day = _ints(found, "d", 1)
    hour = _ints(found, "H", 0)
    twelve = np.zeros(len(found), dtype=bool)
    if "I" in names:
        clock = _ints(found, "I", 0)
        meridiem = pc.utf8_lower(_field(found, "p"))
        pm = _np(pc.fill_null(pc.is_in(meridiem, pa.array(["pm", "下午"])), False))
        twelve = (clock < 1) | (clock > 12)
        hour = np.where(clock > 0, clock % 12 + np.where(pm, 12, 0), hour)
    minute, second = _ints(found, "M", 0), _ints(found, "S", 0)
    fraction = pc.utf8_slice_codeunits(pc.utf8_rpad(_field(found, "f"), 6, "0"), 0, 6)
    micro = _np(pc.fill_null(pc.cast(fraction, pa.int64()), 0)).astype(np.int64)
    ok = (
        _np(found.is_valid())
        & (year >= 1)
        & (year <= 9999)
        & (month >= 1)
        & (month <= 12)
        & (day >= 1)
        & ~twelve
        & (hour <= 23)
        & (minute <= 59)
        & (second <= 59)
    )
    safe_year, safe_month = np.where(ok, year, 2000), np.where(ok, month, 1)
    first = ((safe_year - 1970) * 12 + safe_month - 1).astype("datetime64[M]")
    length = ((first + 1).astype("datetime64[D]") - first.astype("datetime64[D]")).astype(int)
    ok &= day <= length
    days = first.astype("datetime64[D]") + np.where(ok, day - 1, 0).astype("timedelta64[D]")
    seconds = (hour * 3600 + minute * 60 + second) * US_PER_SECOND + micro
    wall = days.astype("datetime64[us]") + np.where(ok, seconds, 0).astype("timedelta64[us]")
    offset, aware = _offsets(_field(found, "z"))
    ok &= ~(aware & (np.abs(offset) > 14 * 60 + 59))
    return _Parsed(wall, offset, aware & ok, ok)


def _offsets(zone: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """'+08:00' -> 480 minutes, 'Z' -> 0, and whether a cell has a zone at all; an
    impossible offset comes out beyond 14:59 (the caller refuses it)."""
    aware = _np(zone.is_valid())
    offset = np.zeros(len(zone), dtype=np.int64)
    if not aware.any():
        return offset, aware
    parts = pc.extract_regex(zone, "^(?P<sign>[-+])(?P<hh>[0-9]{2}):?(?P<mm>[0-9]{2})?$")
    hours, minutes = _ints(parts, "hh", 0), _ints(parts, "mm", 0)
    sign = np.where(_np(pc.fill_null(pc.equal(_field(parts, "sign"), "-"), False)), -1, 1)
    total = np.where(minutes > 59, 10_000, hours * 60 + minutes) * sign
    return total.astype(np.int64), aware


def _to_zone(parsed: _Parsed, spelling: Spelling) -> np.ndarray:
    """Aware times as the wall clock of the rulebook's zone; naive ones as they are."""
    wall = parsed.wall.copy()
    if parsed.aware.any():
        import dateutil.tz

        utc = wall[parsed.aware] - parsed.offset[parsed.aware].astype("timedelta64[m]")
        zone = spelling.zone or dateutil.tz.tzlocal()
        local = pd.DatetimeIndex(utc).tz_localize("UTC").tz_convert(zone).tz_localize(None)
        wall[parsed.aware] = local.to_numpy().astype("datetime64[us]")
    return wall


def _rewrite(text: pa.Array) -> pa.Array:
    text = pc.replace_substring_regex(text, CN_DATE[0], CN_DATE[1], max_replacements=1)
    text = pc.utf8_trim(text, " ")
    return pc.replace_substring_regex(text, COMPACT_DATE[0], COMPACT_DATE[1], max_replacements=1)


def to_date(raw: pa.Array | pd.Series, spelling: Spelling | None = None) -> Converted:
    """Dates and date-times: Excel dates, ISO (``T``, fractions, ``Z``, offsets),
    ``2026/10/5``, ``2026年11月2号``, ``20261102``, and the column's own ``formats`` first.

    Aware times are converted to the rulebook's zone; naive ones are taken as in it. A bare
    number, an impossible date and a date outside the plausible range are refused.
    """
    rules = spelling or Spelling("date")
    text, blank = _trim(raw)
    n = len(text)
    stamps = np.full(n, np.datetime64("NaT"), dtype="datetime64[us]")
    todo = ~blank
    impossible = np.zeros(n, dtype=bool)
    if not rules.formats and todo.any():  # the common case: ISO cells, Arrow's parser
        where = np.flatnonzero(todo)
        cells = pc.take(text, pa.array(where))
        fast = _iso(cells)
        if fast is None:  # some cell is not ISO: try the ISO-looking ones alone
            canonical = pc.match_substring_regex(cells, _CANONICAL)
            where = where[_np(pc.fill_null(canonical, False))]
            fast = _iso(pc.take(text, pa.array(where))) if where.size else None
        if fast is not None:
            stamps[where] = fast
            todo[where] = False
    numeric = np.zeros(n, dtype=bool)
    if todo.any():
        where = np.flatnonzero(todo)
        cleaned = _rewrite(_clean(pc.take(text, pa.array(where))))
        blank[where] = _np(pc.equal(cleaned, ""))
        left = ~blank[where]
        for pattern in (*rules.patterns, DATE_PATTERN):
            if not left.any():
                break
            found = pc.extract_regex(cleaned, pattern)
            matched = left & _np(found.is_valid())
            if not matched.any():
                continue
            parsed = _assemble(found)
            wall = _to_zone(parsed, rules)
            good = matched & parsed.valid
            stamps[where[good]] = wall[good]
            impossible[where[matched & ~parsed.valid]] = True
            left &= ~matched
        if left.any():
            number = pc.match_substring_regex(cleaned, NUMBER_PATTERNS["."])
            numeric[where[left & _np(pc.fill_null(number, False))]] = True
    day = stamps.astype("datetime64[D]")
    earliest = np.datetime64(rules.earliest, "D")
    latest = np.datetime64(rules.latest, "D")
    known = ~np.isnat(stamps)
    outside = known & ((day < earliest) | (day > latest))
    if rules.end_of_day:
        midnight = known & (stamps == day.astype("datetime64[us]"))
        stamps = np.where(midnight, stamps + np.timedelta64(86_400_000_000 - 1, "us"), stamps)
    stamps[outside] = np.datetime64("NaT")
    bad = ~blank & np.isnat(stamps)
    reasons = (
        (why("why.no_such_date"), impossible),
        (why("why.number_not_date"), numeric),
        (
            why("why.date_range", earliest=str(rules.earliest), latest=str(rules.latest)),
            outside,
        ),
    )
    return Converted(pd.Series(stamps), bad, reasons)


def to_deadline(raw: pa.Array | pd.Series, spelling: Spelling | None = None) -> Converted:
    """A date where no time of day (or exactly 00:00) means the end of that day."""
    rules = spelling or Spelling("deadline")
    return to_date(raw, dataclasses.replace(rules, kind="deadline"))


CONVERTERS: dict[str, Callable[..., Converted]] = {
    "text": to_text,
    "date": to_date,
    "deadline": to_deadline,
    "rating": to_rating,
    "yesno": to_yesno,
    "number": to_number,
}


def convert(raw: pa.Array | pd.Series, spelling: Spelling) -> Converted:
    """Read a column by its spelling (type, formats, words, zone, range)."""
    return CONVERTERS[spelling.kind](raw, spelling)
