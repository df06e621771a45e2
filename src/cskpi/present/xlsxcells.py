"""Writing cells with xlsxwriter safely and fast: text never becomes a formula, columns typed.

Shared by the scorecard export and the chart sheets. Text is made safe by
:mod:`cskpi.present.safe` (one place for every writer).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pandas as pd
import xlsxwriter
from xlsxwriter.worksheet import Worksheet

from cskpi.errors import Problem
from cskpi.i18n import Lang, display_width, label
from cskpi.present import safe
from cskpi.present.xlsxrows import Column

MAX_CELL = safe.EXCEL_MAX
END_OF_DAY = pd.Timedelta(days=1) - pd.Timedelta(microseconds=1)
EXCEL_EPOCH = pd.Timestamp("1899-12-30")
TRUNCATED = safe.EXCEL_TRUNCATED
_SHEET_BAD = re.compile(r"[\[\]:*?/\\]")
# characters a tab name may not hold, as their full-width look-alikes (满意度:速度 keeps its colon)
_FULL_WIDTH = str.maketrans(
    {":": "：", "/": "／", "\\": "＼", "?": "？", "*": "＊", "[": "(", "]": ")"}
)
FILLS = {
    "pass": ("#C6EFCE", "#006100"),
    "warn": ("#FFEB9C", "#9C5700"),
    "fail": ("#FFC7CE", "#9C0006"),
    "unmet": ("#F2F2F2", "#404040"),
    "no_data": ("#D9D9D9", "#404040"),
    "insufficient": ("#D9D9D9", "#404040"),
}


def safe_text(value: object) -> str:
    """Input text as it may be stored (:func:`cskpi.present.safe.excel`): controls shown as
    visible escapes, over-long text cut. Written with ``write_string``, never a formula."""
    return safe.excel(value)


SHEET_MAX = 31  # UTF-16 code units: a CJK character counts one, an emoji two
RESERVED_SHEETS = frozenset({"history"})  # Excel keeps "History" for itself


def _units(text: str) -> int:
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def _cut(text: str, room: int) -> str:
    """The longest start of ``text`` within ``room`` UTF-16 code units."""
    out, used = [], 0
    for char in text:
        used += 2 if ord(char) > 0xFFFF else 1
        if used > room:
            break
        out.append(char)
    return "".join(out)


def _taken(name: str, used: set[str]) -> bool:
    return name.lower() in used or name.lower() in RESERVED_SHEETS


def sheet_name_fault(name: str) -> Problem | None:
    """Why Excel cannot hold ``name`` as a tab name as it is (None: it can): the rule
    :func:`sheet_name` makes a name follow, for a name that must be kept as it is."""
    if not name.strip():
        return Problem("sheet.blank", {})
    if safe.visible(name) != name:
        return Problem("sheet.control", {})
    if (bad := _SHEET_BAD.search(name)) is not None:
        return Problem("sheet.bad_char", {"char": bad.group()})
    if name.startswith("'") or name.endswith("'"):
        return Problem("sheet.apostrophe", {})
    if _units(name) > SHEET_MAX:
        return Problem("sheet.too_long", {"n": _units(name), "max": SHEET_MAX})
    if name.lower() in RESERVED_SHEETS:
        return Problem("sheet.reserved", {})
    return None


def sheet_name(base: str, used: set[str]) -> str:
    """A valid, unique sheet name of at most 31 UTF-16 units derived from ``base``: controls
    shown as escapes, ``[]:*?/\\`` as ``_``, no apostrophe at either end, never "History"."""
    name = _SHEET_BAD.sub("_", safe.visible(base))
    name = _cut(name.strip("'"), SHEET_MAX).strip("'")
    name = name if name.strip() else "sheet"
    candidate, n = name, 2
    while _taken(candidate, used):
        suffix = f"~{n}"
        candidate = _cut(name, SHEET_MAX - len(suffix)).rstrip("'") + suffix
        n += 1
    used.add(candidate.lower())
    return candidate


def short_sheet_name(title: str, used: set[str], suffix: str = "") -> str:
    """A readable tab name within Excel's 31 UTF-16 units: ``title`` + ``suffix`` (逾期投诉明细),
    the title cut at a word boundary with an ellipsis when too long; a name already in
    ``used`` gets a counter (``… (2)``). Controls are shown as escapes, ``[]:*?/\\`` as their
    full-width look-alikes, apostrophes at either end dropped."""
    text = safe.visible(title).replace(": ", " - ").translate(_FULL_WIDTH).strip(" '") or "sheet"
    for n in range(1, 1000):
        counter = f" ({n})" if n > 1 else ""
        room = SHEET_MAX - _units(suffix) - len(counter)
        head = text
        if _units(head) > room:
            cut = _cut(head, room - 1)
            space = cut.rfind(" ")
            # Latin: end at a word, unless that would lose more than a third of the room
            if head[len(cut)] != " " and space >= room * 2 // 3:
                cut = cut[:space]
            head = cut.rstrip(" -_·,:'") + "…"
        name = head + suffix + counter
        if name.endswith("'"):
            name = name.rstrip("'") or "sheet"
        if not _taken(name, used):
            used.add(name.lower())
            return name
    return sheet_name(text, used)


def number_format(kind: str, *, prefix: str = "", mark: str = "", whole: bool = False) -> str:
    """An Excel number format: 0.0% for shares (0% when ``whole``), 0 for counts, 0.00
    otherwise; ``prefix`` (≤) and ``mark`` (✓) shown around the number, the value stays a number."""
    body = {"share": "0%" if whole else "0.0%", "int": "0", "float": "0.00"}[kind]
    head = f'"{prefix} "' if prefix else ""
    tail = f'" {mark}"' if mark else ""
    return head + body + tail


@dataclass
class Formats:
    book: xlsxwriter.Workbook

    def __post_init__(self) -> None:
        add = self.book.add_format
        self.title = add({"bold": True, "font_size": 14})
        self.bold = add({"bold": True})
        self.header = add(
            {"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True, "valign": "top"}
        )
        self.numbers = {"share": add({"num_format": "0.0%", "valign": "top"})}
        self._made: dict[tuple[tuple[str, object], ...], xlsxwriter.format.Format] = {}
        self.date = self.cell("yyyy-mm-dd hh:mm")
        self.day = self.cell("yyyy-mm-dd")

    def cell(
        self, num_format: str = "General", status: str | None = None, **props: object
    ) -> xlsxwriter.format.Format:
        """A table cell: thin grey borders, the number format, the status fill when given,
        and any other xlsxwriter ``props`` (bold, align, text_wrap); made once per combination."""
        spec: dict[str, object] = {
            "num_format": num_format,
            "valign": "top",
            "border": 1,
            "border_color": "#BFBFBF",
            **props,
        }
        if status is not None:
            bg, fg = FILLS[status]
            spec |= {"bg_color": bg, "font_color": fg}
        key = tuple(sorted(spec.items()))
        if key not in self._made:
            self._made[key] = self.book.add_format(spec)
        return self._made[key]


class Widths:
    """Column widths that fit CJK text (a wide character takes two columns)."""

    def __init__(self, cap: int = 60) -> None:
        self.cap = cap
        self.widths: dict[int, int] = {}

    def see(self, col: int, text: object) -> None:
        width = min(self.cap, display_width(str(text)) + 2)
        self.widths[col] = max(self.widths.get(col, 8), width)

    def apply(self, sheet: Worksheet) -> None:
        for col, width in self.widths.items():
            sheet.set_column(col, col, width)


def excel_serials(series: pd.Series) -> pd.Series:
    """Datetimes as Excel serial numbers, computed for the whole column at once."""
    return (series - EXCEL_EPOCH) / pd.Timedelta(days=1)


def safe_texts(series: pd.Series) -> pd.Series:
    """:func:`safe_text` for a whole column, vectorised."""
    return safe.excel_column(series)


def evidence_column(
    fmt: Formats, series: pd.Series, kind: str, lang: Lang, col: int, widths: Widths
) -> Column:
    """One column of evidence, typed: dates as dates, numbers as numbers, text as text.

    Values are prepared for the whole column at once (serial numbers, cleaned text); the
    sheet writes them as rows (:class:`cskpi.present.xlsxrows.RowsSheet`). A blank value is
    a blank cell with the column's borders.
    """
    dtype = series.dtype
    present = series.notna().to_numpy(dtype=bool)
    plain = fmt.cell()  # thin borders: a row number never runs into the id beside it
    values: list[str | float | int | None]
    if pd.api.types.is_datetime64_any_dtype(dtype):
        widths.see(col, "2026-10-31 23:59")
        day = series.dt.normalize()
        whole_day = ((series == day) | (series == day + END_OF_DAY)).to_numpy(dtype=bool)
        # a date, or a deadline's end of day (which Excel would round up to the next day)
        serials = excel_serials(series.where(~whole_day, day)).tolist()
        values = [v if ok else None for v, ok in zip(serials, present, strict=True)]
        formats = [fmt.day if is_day else fmt.date for is_day in whole_day.tolist()]
        return Column(values, [f if ok else plain for f, ok in zip(formats, present, strict=True)])
    if pd.api.types.is_bool_dtype(dtype):
        yes, no = label("value.yes", lang), label("value.no", lang)
        values = [
            (yes if v else no) if ok else None
            for v, ok in zip(series.tolist(), present, strict=True)
        ]
        return Column(values, plain)
    if kind == "int" or pd.api.types.is_numeric_dtype(dtype):
        numbers = series.astype("float64").tolist()
        return Column([v if ok else None for v, ok in zip(numbers, present, strict=True)], plain)
    texts = safe_texts(series)
    for text in texts.head(200).dropna():
        widths.see(col, text)
    values = [t if ok else None for t, ok in zip(texts.tolist(), present, strict=True)]
    return Column(values, plain)
