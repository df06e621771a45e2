"""Turning raw cell values into typed columns: dates, deadlines, ratings, yes/no, numbers, text.

Each converter takes a Series of raw cells (whatever the reader produced: str, float, datetime,
bool, None) and returns the typed Series plus a mask of cells that could not be read, so the
loader can name every bad cell by row and column instead of guessing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import numpy as np
import pandas as pd

DATE_FORMATS = (
    "%Y-%m-%d",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%dT%H:%M:%S",
    "%Y/%m/%d",
    "%Y/%m/%d %H:%M",
    "%Y/%m/%d %H:%M:%S",
    "%Y.%m.%d",
    "%Y年%m月%d日",
    "%Y年%m月%d日 %H:%M",
    "%Y年%m月%d日%H:%M",
    "%Y年%m月%d日 %H:%M:%S",
)
EXCEL_EPOCH = pd.Timestamp("1899-12-30")
MAX_SERIAL = 2_958_465  # 9999-12-31

YES_WORDS = {"是", "yes", "y", "true", "t", "对", "✓", "√"}
NO_WORDS = {"否", "no", "n", "false", "f", "不是", "✗", "×"}
RATING_WORDS = {
    "非常满意": True,
    "满意": True,
    "很满意": True,
    "一般": False,
    "不满意": False,
    "非常不满意": False,
}

Converted = tuple[pd.Series, pd.Series]  # (typed values, bad-cell mask)


def blank_mask(raw: pd.Series) -> pd.Series:
    """Cells that hold nothing: None, NaN, or only white space."""
    isna = raw.isna().to_numpy()
    texts = raw.map(lambda v: isinstance(v, str) and not v.strip()).to_numpy(dtype=bool)
    return pd.Series(isna | texts, index=raw.index)


def cell_text(value: object) -> str:
    """How a cell reads as text: 123.0 -> "123", datetimes in ISO form, trimmed."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    return str(value).strip()


def to_text(raw: pd.Series) -> Converted:
    """Text, trimmed; integral numbers without '.0' (an id typed as a number stays 123)."""
    blank = blank_mask(raw)
    values = raw.where(~blank).map(cell_text, na_action="ignore")
    return values.astype("string"), pd.Series(False, index=raw.index)


def to_date(raw: pd.Series) -> Converted:
    """Real dates, Excel serial numbers, or text in one of :data:`DATE_FORMATS`."""
    blank = blank_mask(raw)
    out = pd.Series(pd.NaT, index=raw.index, dtype="datetime64[us]")
    is_stamp = raw.map(lambda v: isinstance(v, dt.date)).to_numpy(dtype=bool)
    if is_stamp.any():
        out[is_stamp] = pd.to_datetime(raw[is_stamp].map(pd.Timestamp)).astype("datetime64[us]")
    is_num = raw.map(
        lambda v: isinstance(v, int | float) and not isinstance(v, bool) and 1 <= v <= MAX_SERIAL
    ).to_numpy(dtype=bool)
    if is_num.any():
        days = pd.to_numeric(raw[is_num]).astype(float)
        out[is_num] = (EXCEL_EPOCH + pd.to_timedelta(days, unit="D")).dt.round("s")
    is_str = raw.map(lambda v: isinstance(v, str)).to_numpy(dtype=bool) & ~blank.to_numpy()
    if is_str.any():
        texts = raw[is_str].map(lambda v: " ".join(v.split()))
        parsed = pd.Series(pd.NaT, index=texts.index, dtype="datetime64[us]")
        for fmt in DATE_FORMATS:
            todo = parsed.isna()
            if not todo.any():
                break
            attempt = pd.to_datetime(texts[todo], format=fmt, errors="coerce")
            parsed[todo] = attempt.astype("datetime64[us]")
        out[is_str] = parsed
    bad = out.isna() & ~blank
    return out, bad


def to_deadline(raw: pd.Series) -> Converted:
    """A date where no time of day (or exactly 00:00) means the end of that day."""
    values, bad = to_date(raw)
    midnight = values.notna() & (values == values.dt.normalize())
    end_of_day = values + pd.Timedelta(days=1) - pd.Timedelta(microseconds=1)
    return values.where(~midnight, end_of_day), bad


def _word(value: object) -> str:
    return str(value).strip().casefold()


def _bool_from(mapping: Callable[[object], object], raw: pd.Series) -> Converted:
    blank = blank_mask(raw)
    mapped = raw.where(~blank).map(mapping, na_action="ignore")
    bad = mapped.isna() & ~blank
    values = pd.Series(mapped.to_numpy(dtype=object), index=raw.index).astype("boolean")
    return values, bad


def _yesno(value: object) -> object:
    if isinstance(value, bool | np.bool_):
        return bool(value)
    if isinstance(value, int | float) and value in (0, 1):
        return bool(value)
    word = _word(value)
    if word in YES_WORDS or word == "1":
        return True
    if word in NO_WORDS or word == "0":
        return False
    return None


def _rating(value: object) -> object:
    if isinstance(value, bool | np.bool_):
        return bool(value)
    number: float | None = None
    if isinstance(value, int | float):
        number = float(value)
    else:
        word = _word(value)
        if word in RATING_WORDS:
            return RATING_WORDS[word]
        if word in YES_WORDS:
            return True
        if word in NO_WORDS:
            return False
        try:
            number = float(word)
        except ValueError:
            return None
    if number is not None and 1 <= number <= 5:
        return number >= 4
    return None


def to_yesno(raw: pd.Series) -> Converted:
    """是/否, yes/no, Y/N, true/false, 1/0 -> True/False."""
    return _bool_from(_yesno, raw)


def to_rating(raw: pd.Series) -> Converted:
    """Satisfied or not: 1-5 (4, 5 satisfied), 非常满意/满意 vs 一般/不满意/非常不满意, yes/no."""
    return _bool_from(_rating, raw)


def to_number(raw: pd.Series) -> Converted:
    """Numbers, or text that is a plain number (thousands separators allowed)."""
    blank = blank_mask(raw)
    texts = raw.where(~blank).map(
        lambda v: (
            v
            if isinstance(v, int | float) and not isinstance(v, bool)
            else str(v).replace(",", "").strip()
        ),
        na_action="ignore",
    )
    values = pd.to_numeric(texts, errors="coerce").astype("Float64")
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
