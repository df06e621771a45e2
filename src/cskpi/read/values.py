"""Turning cell text into typed columns: dates, deadlines, ratings, yes/no, numbers, text.

Every reader hands over a column as an Arrow string array (Excel dates as
``2026-10-05 14:30:00``, numbers as ``5``, blanks as null), so each converter works on the
whole column in Arrow's compute kernels: no per-row Python loop on the million-row path.
Each returns the typed pandas Series and a mask of the cells it could not read, so the
loader can name every bad cell by row and column instead of guessing.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

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
    # whole scores, as Excel numbers read as text: no number parsing needed
    "5": True,
    "4": True,
    "3": False,
    "2": False,
    "1": False,
}
YESNO_WORDS = {
    **dict.fromkeys(YES_WORDS, True),
    **dict.fromkeys(NO_WORDS, False),
    "1": True,
    "0": False,
}

Converted = tuple[pd.Series, np.ndarray]  # (typed values, bad-cell mask)


def _array(raw: pa.Array | pd.Series) -> pa.Array:
    if isinstance(raw, pa.ChunkedArray):
        return raw.combine_chunks()
    if isinstance(raw, pa.Array):
        return raw.cast(pa.string()) if raw.type != pa.string() else raw
    values = raw.astype(object).where(raw.notna(), None)
    return pa.array([None if v is None else str(v) for v in values], type=pa.string())


def _clean(raw: pa.Array | pd.Series) -> tuple[pa.Array, np.ndarray]:
    """Trimmed text (blank -> null) and the mask of blank cells."""
    text = pc.utf8_trim_whitespace(_array(raw))
    blank = pc.fill_null(pc.equal(text, ""), True)
    text = pc.if_else(blank, pa.scalar(None, pa.string()), text)
    return text, blank.to_numpy(zero_copy_only=False)


def cell_text(value: object) -> str:
    """How a single value reads as text in messages: 123.0 -> "123", trimmed."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _strings(values: pa.Array) -> pd.Series:
    return pd.Series(pd.array(values, dtype=pd.StringDtype("pyarrow")))


def to_text(raw: pa.Array | pd.Series) -> Converted:
    """Text, trimmed; blank cells become NA."""
    text, blank = _clean(raw)
    return _strings(text), np.zeros(len(blank), dtype=bool)


def to_date(raw: pa.Array | pd.Series, formats: Sequence[str] = ()) -> Converted:
    """Excel dates, Excel serial numbers, or text in ``formats`` or :data:`DATE_FORMATS`.

    Formats are tried column-wise, each only while some cell is still unread; a column's
    own ``formats`` come first (7/29/2013 is read month first only if the rulebook says so).
    """
    text, blank = _clean(raw)
    out = pa.nulls(len(text), pa.timestamp("us"))
    todo = ~blank
    for attempt in range(2):
        if attempt == 1 and todo.any():  # stray double spaces, for what is left
            text = pc.replace_substring_regex(text, r"\s+", " ")
        for fmt in (*formats, *DATE_FORMATS):
            if not todo.any():
                break
            parsed = pc.strptime(text, format=fmt, unit="us", error_is_null=True)
            out = pc.coalesce(out, parsed)
            todo = ~blank & pc.is_null(out).to_numpy(zero_copy_only=False)
    values = pd.Series(out.to_numpy(zero_copy_only=False).astype("datetime64[us]"))
    if todo.any():  # Excel serial numbers typed into a text column: 46300 -> 2026-10-05
        rest = pd.Series(text.to_pandas())[todo]
        serial = pd.to_numeric(rest, errors="coerce")
        serial = serial[(serial >= 1) & (serial <= MAX_SERIAL)]
        if not serial.empty:  # whole seconds, in numpy: no 2262 limit of nanosecond pandas
            seconds = np.rint(serial.to_numpy(dtype=float) * 86_400).astype("int64")
            stamps = np.datetime64(EXCEL_EPOCH, "s") + seconds.astype("timedelta64[s]")
            values[serial.index] = stamps.astype("datetime64[us]")
    bad = values.isna().to_numpy() & ~blank
    return values, bad


def to_deadline(raw: pa.Array | pd.Series, formats: Sequence[str] = ()) -> Converted:
    """A date where no time of day (or exactly 00:00) means the end of that day."""
    values, bad = to_date(raw, formats)
    midnight = values.notna() & (values == values.dt.normalize())
    end_of_day = values + pd.Timedelta(days=1) - pd.Timedelta(microseconds=1)
    return values.where(~midnight, end_of_day), bad


def _lookup(
    raw: pa.Array | pd.Series, words: dict[str, bool]
) -> tuple[pa.Array, pd.Series, np.ndarray]:
    text, blank = _clean(raw)
    folded = pc.utf8_lower(text)
    keys = list(words)
    index = pc.index_in(folded, value_set=pa.array(keys, type=pa.string()))
    found = pc.take(pa.array([words[k] for k in keys], type=pa.bool_()), index)
    values = pd.Series(
        pd.arrays.BooleanArray(
            pc.fill_null(found, False).to_numpy(zero_copy_only=False),
            pc.is_null(found).to_numpy(zero_copy_only=False),
        )
    )
    return folded, values, blank


def to_yesno(raw: pa.Array | pd.Series) -> Converted:
    """是/否, yes/no, Y/N, true/false, 1/0 -> True/False."""
    _folded, values, blank = _lookup(raw, YESNO_WORDS)
    return values, values.isna().to_numpy() & ~blank


def to_rating(raw: pa.Array | pd.Series) -> Converted:
    """Satisfied or not: 1-5 (4, 5 satisfied), 非常满意/满意 vs 一般/不满意/非常不满意, yes/no."""
    words = {**{k: v for k, v in YESNO_WORDS.items() if k not in ("1", "0")}, **RATING_WORDS}
    folded, values, blank = _lookup(raw, words)
    rest = values.isna().to_numpy() & ~blank
    if rest.any():  # 4.5, "5.0", ...: the few that are neither whole scores nor words
        number = pd.to_numeric(pd.Series(folded.to_pandas())[rest], errors="coerce")
        scored = number[number.between(1, 5).fillna(False)]
        values[scored.index] = scored >= 4
    return values, values.isna().to_numpy() & ~blank


def to_number(raw: pa.Array | pd.Series) -> Converted:
    """Numbers, or text that is a plain number (thousands separators allowed)."""
    text, blank = _clean(raw)
    plain = pd.Series(pc.replace_substring(text, ",", "").to_pandas())
    values = pd.to_numeric(plain, errors="coerce").astype("Float64")
    return values, values.isna().to_numpy() & ~blank


CONVERTERS: dict[str, Callable[..., Converted]] = {
    "text": to_text,
    "date": to_date,
    "deadline": to_deadline,
    "rating": to_rating,
    "yesno": to_yesno,
    "number": to_number,
}
