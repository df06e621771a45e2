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

Dates are :mod:`cskpi.read.dates`. Each converter returns the typed values, the mask of
cells it could not read and, where it knows, why (a comma that is not a thousands separator,
no such date, out of range), so the loader can name every bad cell in plain words.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from cskpi.language.patterns import LARGEST, NUMBER_PATTERNS, PLAIN_NUMBER, Unreadable, why
from cskpi.language.spelling import Spelling, clean, read_rating, read_yes_no
from cskpi.language.syntax import Note
from cskpi.read.cells import Converted, clean_column, group, to_numpy, trim
from cskpi.read.dates import to_date, to_deadline


def cell_text(value: object) -> str:
    """How a single value reads as text in messages: 123.0 -> "123", trimmed."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _strings(values: pa.Array) -> pd.Series:
    return pd.Series(pd.array(values, dtype=pd.StringDtype("pyarrow")))


def to_text(raw: pa.Array | pd.Series, spelling: Spelling | None = None) -> Converted:
    """Text, trimmed; blank cells become NA. Kept as written (comparisons clean it)."""
    text, blank = trim(raw)
    return Converted(_strings(text), np.zeros(len(blank), dtype=bool))


# --- numbers -------------------------------------------------------------------------------


def _fast_numbers(text: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """Arrow's own parse of plain numbers (what Excel cells give): (values, parsed)."""
    try:
        cast = pc.cast(text, pa.float64())
        return to_numpy(pc.fill_null(cast, np.nan)), to_numpy(cast.is_valid())
    except pa.ArrowInvalid:
        plain = pc.fill_null(pc.match_substring_regex(text, PLAIN_NUMBER), False)
        values = np.full(len(text), np.nan)
        values[to_numpy(plain)] = to_numpy(pc.cast(pc.filter(text, plain), pa.float64()))
        return values, to_numpy(plain)


def _grammar_numbers(text: pa.Array, decimal: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Cells matched against the vocabulary's number pattern: (values, read, matched)."""
    found = pc.extract_regex(text, NUMBER_PATTERNS[decimal])
    matched = to_numpy(found.is_valid())
    s1, s2, cur, unit = (group(found, g) for g in ("s1", "s2", "cur", "unit"))
    odd = pc.or_kleene(
        pc.and_kleene(s1.is_valid(), s2.is_valid()),
        pc.and_kleene(cur.is_valid(), unit.is_valid()),
    )
    ok = matched & ~to_numpy(pc.fill_null(odd, False))
    body = group(found, "body")
    separator = "," if decimal == "." else "."
    body = pc.replace_substring(pc.replace_substring(body, separator, ""), " ", "")
    body = pc.replace_substring(body, ",", ".")
    values = np.full(len(text), np.nan)
    if ok.any():
        values[ok] = to_numpy(pc.cast(pc.filter(body, pa.array(ok)), pa.float64()))
    sign = pc.coalesce(s1, s2, pa.scalar("+"))
    negative = to_numpy(pc.is_in(sign, value_set=pa.array(["-", "\u2212"])))
    values = np.where(negative, -values, values)
    percent = to_numpy(pc.fill_null(pc.equal(unit, "%"), False))
    return np.where(percent, values / 100, values), ok, matched


def to_number(raw: pa.Array | pd.Series, spelling: Spelling | None = None) -> Converted:
    """Numbers: plain, with thousands separators in valid groups, ``95%``, ``¥1,234.00``,
    ``1,234元``, full-width digits; a comma that is not a separator is refused."""
    decimal = spelling.decimal if spelling is not None else "."
    text, blank = trim(raw)
    values = np.full(len(text), np.nan)
    read = np.zeros(len(text), dtype=bool)
    if decimal == ".":
        values, read = _fast_numbers(text)
        read &= np.isfinite(values) & (np.abs(values) <= LARGEST)
    comma = np.zeros(len(text), dtype=bool)
    rest = ~blank & ~read
    if rest.any():
        where = np.flatnonzero(rest)
        cleaned = clean_column(pc.take(text, pa.array(where)))
        blank[where] = to_numpy(pc.equal(cleaned, ""))
        more, ok, matched = _grammar_numbers(cleaned, decimal)
        values[where[ok]] = more[ok]
        read[where[ok]] = True
        if decimal == ".":
            has_comma = to_numpy(pc.fill_null(pc.match_substring(cleaned, ","), False))
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
    text, blank = trim(raw)
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
        blank |= to_numpy(
            pc.fill_null(pc.is_in(index, value_set=pa.array(empty, pa.int32())), False)
        )
    found = pc.take(pa.array(answers, type=pa.bool_()), index)
    values = pd.Series(
        pd.arrays.BooleanArray(
            to_numpy(pc.fill_null(found, False)).astype(bool),
            to_numpy(pc.is_null(found)).astype(bool),
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
        mask = to_numpy(pc.fill_null(pc.is_in(index, value_set=pa.array(codes, pa.int32())), False))
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
