"""Long sheets written as prepared rows: the same cells as xlsxwriter's, at a tenth of the cost.

xlsxwriter spends about 5 µs a cell (a call to store it, then a call per cell to write its
XML at close): a year of 9,000 agents is a million results, six cells each, half a minute
for one sheet. :class:`RowsSheet` is an xlsxwriter worksheet (``add_worksheet(name,
worksheet_class=RowsSheet)``) whose title and header rows are written as usual and whose body
is given whole, as columns: at close each row is one string, cells in shared strings with
their formats, exactly the XML xlsxwriter would write for ``write_string`` /
``write_number`` / ``write_blank`` with a format.

It relies on two internals of xlsxwriter (pinned in pyproject.toml, checked by the tests that
read every export back with openpyxl): the worksheet's ``_write_rows`` step at close and its
shared-string table.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from xlsxwriter.format import Format
from xlsxwriter.utility import xl_col_to_name
from xlsxwriter.worksheet import Worksheet


@dataclass(frozen=True)
class Column:
    """One body column: ``values`` (str, a number, or None for a blank cell) and the format
    of every cell (one for the column, or one per row)."""

    values: Sequence[str | float | int | None]
    formats: Format | Sequence[Format]


class RowsSheet(Worksheet):
    """A worksheet whose body rows (from ``first_row`` on) are given as columns."""

    def __init__(self) -> None:
        super().__init__()
        self._body: list[list[str]] = []  # per column: each cell's XML after its reference
        self._styles: list[Format | Sequence[Format]] = []
        self._first = 0
        self._count = 0

    def write_body(self, first_row: int, columns: Sequence[Column]) -> None:
        """Every body row at once, starting at ``first_row`` (below the rows written so far).

        Text goes to the shared strings, each distinct text once, as ``write_string`` would
        put it; callers pass text already made safe (never a formula: a string cell is text).
        """
        count = len(columns[0].values) if columns else 0
        if not count:
            return
        for column in columns:
            if len(column.values) != count:
                raise ValueError("every body column needs a value for every row")
            uses = Counter(column.values)  # each distinct value's XML made once
            made = {value: self._cell(value, n) for value, n in uses.items()}
            self._body.append(list(map(made.__getitem__, column.values)))
            self._styles.append(column.formats)
        self._first, self._count = first_row, count
        if self._check_dimensions(first_row + count - 1, len(columns) - 1) < 0:  # used range
            raise ValueError("the body does not fit the sheet")

    def _cell(self, value: str | float | int | None, uses: int) -> str:
        """The XML of a cell holding ``value`` after its reference and style."""
        if value is None or value == "":
            return "/>"  # a blank cell, not an empty string: it filters with the blanks
        if isinstance(value, str):
            index = self.str_table._get_shared_string_index(value)
            self.str_table.count += uses - 1  # each use counted, as write_string does
            return f' t="s"><v>{index}</v></c>'
        if not math.isfinite(value):
            return "/>"  # Excel has no NaN or infinity: a blank cell
        return f"><v>{value:.16G}</v></c>"  # as write_number writes it

    def _write_rows(self) -> None:
        if not self._count:
            super()._write_rows()
            return
        last: int = self.dim_rowmax  # type: ignore[has-type]
        self.dim_rowmax = self._first - 1  # the rows written through the API, as usual
        if self._first > self.dim_rowmin:
            super()._write_rows()
        self.dim_rowmax = last
        styles = [_styles(formats, self._count) for formats in self._styles]
        template = '<row r="{0}">'
        for i in range(len(self._body)):
            template += f'<c r="{xl_col_to_name(i)}{{0}}"{{{2 * i + 1}}}{{{2 * i + 2}}}'
        fill = (template + "</row>").format
        write = self.fh.write
        columns = [cells for pair in zip(styles, self._body, strict=True) for cells in pair]
        batch: list[str] = []
        for number, cells in enumerate(zip(*columns, strict=True), start=self._first + 1):
            batch.append(fill(number, *cells))
            if len(batch) == 4096:
                write("".join(batch))
                batch.clear()
        write("".join(batch))


def _styles(formats: Format | Sequence[Format], count: int) -> list[str]:
    """Each cell's style attribute (the format's index is known only at close)."""
    if isinstance(formats, Format):
        return [f' s="{formats._get_xf_index()}"'] * count
    made = {f: f' s="{f._get_xf_index()}"' for f in set(formats)}
    return list(map(made.__getitem__, formats))
