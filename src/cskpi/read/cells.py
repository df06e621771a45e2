"""Arrow helpers shared by the column converters, and the value they return.

A converter takes a column as an Arrow string array and returns a :class:`Converted`: the
typed values, the cells it could not read, and why for some of them.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from cskpi.language.patterns import INVISIBLE, WHITESPACE, WHITESPACE_RUN
from cskpi.language.syntax import Note


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


def as_array(raw: pa.Array | pa.ChunkedArray | pd.Series) -> pa.Array:
    if isinstance(raw, pa.ChunkedArray):
        raw = raw.combine_chunks()
    if isinstance(raw, pa.Array):
        return raw.cast(pa.string()) if raw.type != pa.string() else raw
    values = raw.astype(object).where(raw.notna(), None)
    return pa.array([None if v is None else str(v) for v in values], type=pa.string())


def trim(raw: pa.Array | pd.Series) -> tuple[pa.Array, np.ndarray]:
    """Trimmed text (blank -> null) and the mask of blank cells."""
    text = pc.utf8_trim(as_array(raw), WHITESPACE)
    blank = pc.fill_null(pc.equal(text, ""), True)
    text = pc.if_else(blank, pa.scalar(None, pa.string()), text)
    return text, to_numpy(blank)


def to_numpy(values: pa.Array | pa.ChunkedArray) -> np.ndarray:
    """A writable numpy copy (Arrow's zero-copy views are read-only)."""
    return np.array(values.to_numpy(zero_copy_only=False))


def clean_column(text: pa.Array) -> pa.Array:
    """The column twin of :func:`cskpi.language.spelling.clean`."""
    if pc.any(pc.invert(pc.string_is_ascii(text))).as_py():
        text = pc.utf8_normalize(text, "NFKC")
        text = pc.replace_substring_regex(text, INVISIBLE, "")
    text = pc.replace_substring_regex(text, WHITESPACE_RUN, " ")
    return pc.utf8_trim(text, " ")


def group(struct: pa.Array, name: str) -> pa.Array:
    """A group of a regex match ("" when it took no part) as strings, null when absent."""
    if name not in {struct.type.field(i).name for i in range(struct.type.num_fields)}:
        return pa.nulls(len(struct), pa.string())
    values = pc.struct_field(struct, name)
    return pc.if_else(pc.equal(values, ""), pa.scalar(None, pa.string()), values)


def group_ints(struct: pa.Array, name: str, default: int) -> np.ndarray:
    values = pc.cast(group(struct, name), pa.int64())
    return to_numpy(pc.fill_null(values, default)).astype(np.int64)
