"""What a CSV or Parquet file may hold, and the marker for bytes that are not text.

A file beyond these limits is not a month of service records but the wrong file (or one for
``--engine duckdb``): refused before it is loaded, not after memory runs out. Both table
readers (sources.py for CSV, parquet.py) read them from here.
"""

from __future__ import annotations

from pathlib import Path

from cskpi.errors import InputError

NOT_UTF8 = "not-utf8"  # marker for a Parquet byte string that is not UTF-8 text
MAX_COLUMNS = 16_384  # a worksheet's own limit
MAX_ROWS = 10_000_000  # ten full worksheets; DuckDB reads more without loading them


def too_big(path: Path, key: str, size: object, limit: int, line: int = 0) -> InputError:
    """The file, its size and the limit it passes (``line``: where a CSV passed it)."""
    return InputError(key, file=str(path), size=size, limit=f"{limit:,}", line=line)
