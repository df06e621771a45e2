"""Turning cell text into typed columns: dates, deadlines, ratings, yes/no, numbers, text.

Every reader hands over cells as strings (Excel dates as ``2026-10-05 14:30:00``, numbers as
``5``), so each converter works on a whole column at once (no per-row Python loop on the
million-row path) and returns the typed Series plus a mask of cells it could not read, so
the loader can name every bad cell by row and column instead of guessing.
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

DATE_FORMATS = (
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%dT%H:%M:%S",
    "%Y/%m/%d",
    "%Y/%m/%d %H:%M",
    "%Y/%m/%d %H:%M:%S",
    "%Y.%m.%d",
    "%Y年%m月%d日",
    "%Y年%m月%d日 %H:%M",
    "%Y年%m月%d日%H:%M",
    "%Y年%m月%d日 %H:%M:%S",
    "%Y-%m-%d %H:%M:%S.%f",
)
EXCEL_EPOCH = pd.Timestamp("1899-12-30")
MAX_SERIAL = 2_958_465  # 9999-12-31

YES_WORDS = {"是", "yes", "y", "true", "t", "对", "✓", "√", "1"}
NO_WORDS = {"否", "no", "n", "false", "f", "不是", "✗", "×", "0"}
RATING_WORDS = {
    "非常满意": True,
    "满意": True,
    "很满意": True,
    "一般": False,
    "不满意": False,
    "非常不满意": False,
    # whole scores, as Excel numbers read as text: no number parsing needed
    "5": True,
    "4": True,
    "3": False,
    "2": False,
    "1": False,
}

Converted = tuple[pd.Series, pd.Series]  # (typed values, bad-cell mask)


def _clean(raw: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Trimmed text and the mask of blank cells (NA or only white space)."""
    text = raw.astype("string").str.strip()
    blank = (text.isna() | (text == "")).fillna(True).astype(bool)
    return text.where(~blank, pd.NA), blank


def cell_text(value: object) -> str:
    """How a single value reads as text in messages: 123.0 -> "123", trimmed."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def to_text(raw: pd.Series) -> Converted:
    """Text, trimmed; blank cells become NA."""
    text, _blank = _clean(raw)
    return text, pd.Series(False, index=raw.index)


def to_date(raw: pd.Series) -> Converted:
    """Excel dates, Excel serial numbers, or text in one of :data:`DATE_FORMATS`.

    Formats are tried column-wise, each on the cells no earlier format could read.
    """
    text, blank = _clean(raw)
    out = pd.Series(pd.NaT, index=raw.index, dtype="datetime64[us]")
    todo = ~blank
    for attempt in range(2):
        if attempt == 1 and todo.any():  # stray double spaces: only for what is left
            text = text.where(~todo, text.str.replace(r"\s+", " ", regex=True))
        for fmt in DATE_FORMATS:
            if not todo.any():
                break
            everything = bool(todo.all())
            subset = text if everything else text[todo]
            parsed = pd.to_datetime(subset, format=fmt, errors="coerce").astype("datetime64[us]")
            # the common case: one format reads the whole column at once
            out = parsed if everything else out.fillna(parsed.reindex(out.index))
            todo = todo & out.isna()
    if todo.any():
        serial = pd.to_numeric(text[todo], errors="coerce")
        serial = serial[(serial >= 1) & (serial <= MAX_SERIAL)]
        if not serial.empty:
            stamps = EXCEL_EPOCH + pd.to_timedelta(serial.astype(float), unit="D")
            out[serial.index] = stamps.dt.round("s").astype("datetime64[us]")
    bad = out.isna() & ~blank
    return out, bad


def to_deadline(raw: pd.Series) -> Converted:
    """A date where no time of day (or exactly 00:00) means the end of that day."""
    values, bad = to_date(raw)
    midnight = values.notna() & (values == values.dt.normalize())
    end_of_day = values + pd.Timedelta(days=1) - pd.Timedelta(microseconds=1)
    return values.where(~midnight, end_of_day), bad


def _words(raw: pd.Series, words: dict[str, bool]) -> tuple[pd.Series, pd.Series, pd.Series]:
    text, blank = _clean(raw)
    folded = text.str.lower()
    mapped = folded.map(words).astype("boolean")
    return folded, mapped, blank


YESNO = {**dict.fromkeys(YES_WORDS, True), **dict.fromkeys(NO_WORDS, False)}


def to_yesno(raw: pd.Series) -> Converted:
    """是/否, yes/no, Y/N, true/false, 1/0 -> True/False."""
    _folded, values, blank = _words(raw, YESNO)
    bad = values.isna() & ~blank
    return values, bad


def to_rating(raw: pd.Series) -> Converted:
    """Satisfied or not: 1-5 (4, 5 satisfied), 非常满意/满意 vs 一般/不满意/非常不满意, yes/no."""
    words = {**{k: v for k, v in YESNO.items() if k not in ("1", "0")}, **RATING_WORDS}
    folded, values, blank = _words(raw, words)
    rest = values.isna() & ~blank
    if rest.any():  # 4.5, "5.0", ...: the few that are not whole scores or words
        number = pd.to_numeric(folded[rest], errors="coerce")
        scored = number[number.between(1, 5).fillna(False)]
        values[scored.index] = scored >= 4
    bad = values.isna() & ~blank
    return values.astype("boolean"), bad


def to_number(raw: pd.Series) -> Converted:
    """Numbers, or text that is a plain number (thousands separators allowed)."""
    text, blank = _clean(raw)
    values = pd.to_numeric(text.str.replace(",", "", regex=False), errors="coerce")
    values = values.astype("Float64")
    bad = values.isna() & ~blank
    return values, bad


CONVERTERS: dict[str, Callable[[pd.Series], Converted]] = {
    "text": to_text,
    "date": to_date,
    "deadline": to_deadline,
    "rating": to_rating,
    "yesno": to_yesno,
    "number": to_number,
}
