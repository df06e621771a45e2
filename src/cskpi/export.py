"""Scorecard -> the Excel workbook a manager sends to leadership (written with xlsxwriter).

Sheets: a summary (总览) with status fills, one evidence sheet per failing or warning standard
with the rows behind it, a chart of actual against target, and complaints per category.
Text that came from the input is always written as a string, never as a formula or a link.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import xlsxwriter
from xlsxwriter.worksheet import Worksheet

from cskpi.formatting import SYMBOL, as_of_text, summary_lines
from cskpi.i18n import Lang, display_width, label, message
from cskpi.scorecard import Result, Scorecard, StandardInfo
from cskpi.trend import Trend
from cskpi.workbook import ROW, SOURCE

MAX_CELL = 32_767
END_OF_DAY = pd.Timedelta(days=1) - pd.Timedelta(microseconds=1)
EXCEL_EPOCH = pd.Timestamp("1899-12-30")
TRUNCATED = "…[truncated]"
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_SHEET_BAD = re.compile(r"[\[\]:*?/\\]")
FILLS = {
    "pass": ("#C6EFCE", "#006100"),
    "warn": ("#FFEB9C", "#9C5700"),
    "fail": ("#FFC7CE", "#9C0006"),
    "no_data": ("#D9D9D9", "#404040"),
}


def safe_text(value: object) -> str:
    """Input text as it may be stored: control characters removed, over-long text cut."""
    text = _ILLEGAL.sub("", str(value))
    if len(text) > MAX_CELL:
        text = text[: MAX_CELL - len(TRUNCATED)] + TRUNCATED
    return text


def sheet_name(base: str, used: set[str]) -> str:
    """A valid, unique sheet name of at most 31 characters derived from ``base``."""
    name = _SHEET_BAD.sub("_", base).strip("'") or "sheet"
    name = name[:31]
    candidate, n = name, 2
    while candidate.lower() in used:
        suffix = f"~{n}"
        candidate = name[: 31 - len(suffix)] + suffix
        n += 1
    used.add(candidate.lower())
    return candidate


@dataclass
class _Formats:
    book: xlsxwriter.Workbook

    def __post_init__(self) -> None:
        add = self.book.add_format
        self.title = add({"bold": True, "font_size": 14})
        self.bold = add({"bold": True})
        self.header = add(
            {"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True, "valign": "top"}
        )
        self.text = add({"valign": "top"})
        self.wrap = add({"text_wrap": True, "valign": "top"})
        self.date = add({"num_format": "yyyy-mm-dd hh:mm", "valign": "top"})
        self.day = add({"num_format": "yyyy-mm-dd", "valign": "top"})
        self.numbers = {
            "share": add({"num_format": "0.0%", "valign": "top"}),
            "int": add({"num_format": "0", "valign": "top"}),
            "float": add({"num_format": "0.00", "valign": "top"}),
        }
        self.status = {
            status: add({"bg_color": bg, "font_color": fg, "bold": True, "valign": "top"})
            for status, (bg, fg) in FILLS.items()
        }
        self.status_number = {
            (status, kind): add(
                {"bg_color": bg, "font_color": fg, "num_format": fmt, "valign": "top"}
            )
            for status, (bg, fg) in FILLS.items()
            for kind, fmt in (("share", "0.0%"), ("int", "0"), ("float", "0.00"))
        }


def _kind(result: Result, value: float | None) -> str:
    if result.is_share:
        return "share"
    return "int" if value is None or float(value).is_integer() else "float"


class _Widths:
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


def _write_summary(
    book: xlsxwriter.Workbook,
    fmt: _Formats,
    card: Scorecard,
    lang: Lang,
    generated_at: dt.datetime,
    used: set[str],
) -> str:
    name = sheet_name(label("sheet.summary", lang), used)
    ws = book.add_worksheet(name)
    widths = _Widths()
    ws.write_string(
        0, 0, safe_text(label("sheet.summary", lang) + " · " + card.rulebook_name(lang)), fmt.title
    )
    meta = [
        (label("label.period", lang), card.period),
        (label("label.as_of", lang), as_of_text(card)),
        (label("label.rulebook", lang), f"{card.rulebook_id} · {card.rulebook_name(lang)}"),
        (label("label.generated_at", lang), generated_at.strftime("%Y-%m-%d %H:%M:%S")),
    ]
    meta += [
        (label("label.input_file", lang), f"{path}  SHA-256 {digest}")
        for path, digest in card.inputs
    ]
    row = 2
    for key, value in meta:
        ws.write_string(row, 0, key, fmt.bold)
        ws.write_string(row, 1, safe_text(value))
        row += 1
    row += 1
    header_row = row
    columns = [
        "label.id",
        "label.standard",
        "label.description",
        "label.period",
        "label.comparison",
        "label.target",
        "label.actual",
        "label.status",
        "label.level",
        "label.sample_size",
        "label.evidence",
        "label.ci",
        "label.waived",
    ]
    first_group = len(columns)
    headers = [label(c, lang) for c in columns]
    for group in card.groups:
        headers += [
            f"{group} · {label('label.actual', lang)}",
            f"{group} · {label('label.status', lang)}",
        ]
    for col, text in enumerate(headers):
        ws.write_string(header_row, col, text, fmt.header)
        widths.see(col, text)
    widths.widths[2] = 50  # the description wraps
    row = header_row + 1
    for std_id, period, results in card.rows():
        overall = results[0]
        info = card.info(std_id)
        cells: list[tuple[Any, Any]] = [
            (std_id, fmt.text),
            (overall.name(lang), fmt.text),
            (info.description(lang) if info else "", fmt.wrap),
            (period, fmt.text),
            (SYMBOL[overall.comparison], fmt.text),
        ]
        for col, (value, style) in enumerate(cells):
            ws.write_string(row, col, safe_text(value), style)
            if col != 2:
                widths.see(col, value)
        ws.write_number(row, 5, overall.target, fmt.numbers[_kind(overall, overall.target)])
        _write_result(ws, fmt, row, 6, overall, lang)
        ws.write_string(row, 8, label(f"level.{overall.level}", lang))
        ws.write_number(row, 9, overall.sample_size)
        ws.write_number(row, 10, overall.evidence_count)
        if overall.ci_low is not None and overall.ci_high is not None:
            ws.write_string(row, 11, f"{overall.ci_low:.1%} – {overall.ci_high:.1%}")
        ws.write_number(row, 12, overall.waived)
        by_group = {r.group: r for r in results[1:]}
        for i, group in enumerate(card.groups):
            result = by_group.get(group)
            if result is not None:
                _write_result(ws, fmt, row, first_group + 2 * i, result, lang)
        row += 1
    row += 1
    by_group_score = {a.group: a for a in card.appraisal}
    for key, value in (
        ("label.score", lambda a: a.score),
        ("label.grade", lambda a: a.grade_name(lang)),
    ):
        ws.write_string(row, 1, label(key, lang), fmt.bold)
        for col, group in (
            (6, None),
            *((first_group + 2 * i, g) for i, g in enumerate(card.groups)),
        ):
            score = by_group_score.get(group)
            shown = None if score is None else value(score)
            if isinstance(shown, float):
                ws.write_number(row, col, shown, fmt.numbers["float"])
            elif shown is not None:
                ws.write_string(row, col, shown, fmt.bold)
        row += 1
    row += 1
    for line in summary_lines(card, lang):
        ws.write_string(row, 0, line, fmt.bold)
        row += 1
    widths.apply(ws)
    ws.freeze_panes(header_row + 1, 2)
    ws.set_landscape()
    ws.set_paper(9)  # A4
    ws.fit_to_pages(1, 0)
    ws.repeat_rows(header_row)
    return name


def _write_result(
    ws: Worksheet, fmt: _Formats, row: int, col: int, result: Result, lang: Lang
) -> None:
    if result.actual is None:
        ws.write_blank(row, col, None, fmt.status["no_data"])
    else:
        ws.write_number(
            row,
            col,
            result.actual,
            fmt.status_number[(result.status, _kind(result, result.actual))],
        )
    ws.write_string(row, col + 1, label(f"status.{result.status}", lang), fmt.status[result.status])


def _days_late(evidence: pd.DataFrame, info: StandardInfo, as_of: pd.Timestamp) -> pd.Series | None:
    deadline, done = info.deadline_field, info.done_field
    if deadline is None or done is None or deadline not in evidence or done not in evidence:
        return None
    end = evidence[done].fillna(as_of).clip(upper=as_of).dt.normalize()
    return (end - evidence[deadline].dt.normalize()).dt.days


def _write_evidence(
    book: xlsxwriter.Workbook,
    fmt: _Formats,
    card: Scorecard,
    result: Result,
    multi_window: bool,
    lang: Lang,
    used: set[str],
) -> str | None:
    info = card.info(result.standard)
    evidence = result.evidence
    if info is None or evidence is None:
        return None
    base = f"{result.standard[:23]}_{result.period}" if multi_window else result.standard
    ws = book.add_worksheet(sheet_name(base, used))
    columns: list[tuple[str, str, pd.Series]] = [(label("label.row", lang), "int", evidence[ROW])]
    if len(card.inputs) > 1:
        columns.append((label("label.input_file", lang), "text", evidence[SOURCE]))
    for fid, header in info.columns:
        if fid in evidence.columns:
            columns.append((header if lang == "zh" else fid, "auto", evidence[fid]))
    late = _days_late(evidence, info, card.as_of)
    if late is not None:
        columns.append((label("label.days_late", lang), "int", late))
    widths = _Widths(cap=50)
    ws.write_string(0, 0, safe_text(f"{result.name(lang)} · {result.period}"), fmt.title)
    header_row = 1
    for col, (title, _type, _values) in enumerate(columns):
        ws.write_string(header_row, col, safe_text(title), fmt.header)
        widths.see(col, title)
    n = len(evidence)
    for col, (_title, kind, series) in enumerate(columns):
        _write_column(ws, fmt, header_row + 1, col, series, kind, lang, widths)
    ws.autofilter(header_row, 0, header_row + max(n, 1), len(columns) - 1)
    ws.freeze_panes(header_row + 1, 0)
    widths.apply(ws)
    ws.set_landscape()
    ws.fit_to_pages(1, 0)
    ws.repeat_rows(header_row)
    return ws.name


def excel_serials(series: pd.Series) -> pd.Series:
    """Datetimes as Excel serial numbers, computed for the whole column at once."""
    return (series - EXCEL_EPOCH) / pd.Timedelta(days=1)


def safe_texts(series: pd.Series) -> pd.Series:
    """:func:`safe_text` for a whole column, vectorised."""
    text = series.astype("string").str.replace(_ILLEGAL, "", regex=True)
    long = text.str.len() > MAX_CELL
    if long.any():
        text = text.where(~long, text.str.slice(0, MAX_CELL - len(TRUNCATED)) + TRUNCATED)
    return text


def _write_column(
    ws: Worksheet,
    fmt: _Formats,
    first_row: int,
    col: int,
    series: pd.Series,
    kind: str,
    lang: Lang,
    widths: _Widths,
) -> None:
    """One column of evidence, typed: dates as dates, numbers as numbers, text as text.

    Values are prepared for the whole column first (serial numbers, cleaned text), so the
    per-cell loop only writes: it is what a 50,000-row export spends its time on.
    """
    dtype = series.dtype
    present = series.notna().to_numpy(dtype=bool)
    rows = [first_row + i for i in range(len(series))]
    write_number, write_string = ws.write_number, ws.write_string
    if pd.api.types.is_datetime64_any_dtype(dtype):
        widths.see(col, "2026-10-31 23:59")
        day = series.dt.normalize()
        whole_day = ((series == day) | (series == day + END_OF_DAY)).to_numpy(dtype=bool)
        # a date, or a deadline's end of day (which Excel would round up to the next day)
        serials = excel_serials(series.where(~whole_day, day)).tolist()
        for row, value, ok, is_day in zip(rows, serials, present, whole_day, strict=True):
            if ok:
                write_number(row, col, value, fmt.day if is_day else fmt.date)
        return
    if pd.api.types.is_bool_dtype(dtype):
        yes, no = label("value.yes", lang), label("value.no", lang)
        for row, value, ok in zip(rows, series.tolist(), present, strict=True):
            if ok:
                write_string(row, col, yes if value else no)
        return
    if kind == "int" or pd.api.types.is_numeric_dtype(dtype):
        for row, value, ok in zip(rows, series.astype("float64").tolist(), present, strict=True):
            if ok:
                write_number(row, col, value)
        return
    texts = safe_texts(series)
    for text in texts.head(200).dropna():
        widths.see(col, text)
    for row, text, ok in zip(rows, texts.tolist(), present, strict=True):
        if ok:
            write_string(row, col, text)


def _write_chart(book: xlsxwriter.Workbook, card: Scorecard, lang: Lang, used: set[str]) -> None:
    """Actual against target per standard: shares on one chart, the rest on another."""
    ws = book.add_worksheet(sheet_name(label("sheet.chart", lang), used))
    series_names = [label("label.target", lang), label("label.overall", lang), *card.groups]
    row = 0
    anchor = 1
    for share in (True, False):
        block = [results for _s, _p, results in card.rows() if results[0].is_share == share]
        if not block:
            continue
        ws.write_string(row, 0, label("label.standard", lang))
        for i, name in enumerate(series_names):
            ws.write_string(row, 1 + i, name)
        first = row + 1
        for results in block:
            row += 1
            overall = results[0]
            ws.write_string(row, 0, safe_text(f"{overall.name(lang)} ({overall.period})"))
            ws.write_number(row, 1, overall.target)
            by_group = {r.group: r for r in results}
            for i, group in enumerate((None, *card.groups)):
                result = by_group.get(group)
                if result is not None and result.actual is not None:
                    ws.write_number(row, 2 + i, result.actual)
        chart = book.add_chart({"type": "column"})
        for i, name in enumerate(series_names):
            chart.add_series(
                {
                    "name": name,
                    "categories": [ws.name, first, 0, row, 0],
                    "values": [ws.name, first, 1 + i, row, 1 + i],
                    **({"fill": {"color": "#A6A6A6"}} if i == 0 else {}),
                }
            )
        chart.set_title({"name": label("chart.share" if share else "chart.count", lang)})
        if share:
            chart.set_y_axis({"num_format": "0%", "min": 0, "max": 1})
        chart.set_size({"width": 960, "height": 420})
        ws.insert_chart(anchor, len(series_names) + 2, chart)
        anchor += 22
        row += 2
    ws.set_column(0, 0, 40)


def _write_categories(
    book: xlsxwriter.Workbook, fmt: _Formats, card: Scorecard, lang: Lang, used: set[str]
) -> None:
    for _dataset, counts in card.breakdowns:
        ws = book.add_worksheet(sheet_name(label("sheet.categories", lang), used))
        total = sum(n for _c, n in counts)
        for col, key in enumerate(("label.category", "label.count", "label.share")):
            ws.write_string(0, col, label(key, lang), fmt.header)
        for i, (category, n) in enumerate(counts, start=1):
            ws.write_string(i, 0, safe_text(category))
            ws.write_number(i, 1, n)
            ws.write_number(i, 2, n / total, fmt.numbers["share"])
        ws.write_string(len(counts) + 1, 0, label("label.total", lang), fmt.bold)
        ws.write_number(len(counts) + 1, 1, total, fmt.bold)
        ws.set_column(0, 0, max(12, *(display_width(c) + 2 for c, _n in counts)))
        ws.autofilter(0, 0, len(counts), 2)


def _write_trend(
    book: xlsxwriter.Workbook,
    fmt: _Formats,
    card: Scorecard,
    trend: Trend,
    lang: Lang,
    used: set[str],
) -> None:
    """The last periods of each standard (overall) with a line chart against the target."""
    lines = [line for line in trend.lines if line.group is None]
    if not lines:
        return
    ws = book.add_worksheet(sheet_name(label("sheet.trend", lang), used))
    names = {r.standard: r.name(lang) for r in card.results}
    row = 0
    for line in lines:
        name = names.get(line.standard, line.standard)
        share = any(r.metric == "share" for r in line.cells.values())
        kind = "share" if share else "float"
        ws.write_string(row, 0, safe_text(name), fmt.bold)
        for col, key in enumerate(("label.period", "label.actual", "label.target")):
            ws.write_string(row + 1, col, label(key, lang), fmt.header)
        first = row + 2
        periods = [p for p in trend.periods if p in line.cells]
        for i, period in enumerate(periods):
            stored = line.cells[period]
            ws.write_string(first + i, 0, period)
            if stored.actual is not None:
                ws.write_number(
                    first + i, 1, stored.actual, fmt.status_number[(stored.status, kind)]
                )
            ws.write_number(first + i, 2, stored.target, fmt.numbers[kind])
        last = first + len(periods) - 1
        chart = book.add_chart({"type": "line"})
        for col in (1, 2):
            chart.add_series(
                {
                    "name": [ws.name, row + 1, col],
                    "categories": [ws.name, first, 0, last, 0],
                    "values": [ws.name, first, col, last, col],
                    "marker": {"type": "circle"},
                    **({"line": {"dash_type": "dash", "color": "#A6A6A6"}} if col == 2 else {}),
                }
            )
        chart.set_title({"name": message("chart.trend", lang, standard=name)})
        if share:
            chart.set_y_axis({"num_format": "0%"})
        chart.set_size({"width": 640, "height": 260})
        ws.insert_chart(row, 4, chart)
        row = max(last + 3, row + 14)
    ws.set_column(0, 0, 24)
    ws.set_column(1, 2, 12)


def _write_waivers(
    book: xlsxwriter.Workbook, fmt: _Formats, card: Scorecard, lang: Lang, used: set[str]
) -> None:
    """The approved waivers, on their own sheet: what was excused, why, and by whom."""
    if not card.waivers:
        return
    ws = book.add_worksheet(sheet_name(label("sheet.waivers", lang), used))
    keys = ("label.id", "label.standard", "label.reason", "label.approver", "label.date")
    for col, key in enumerate(keys):
        ws.write_string(0, col, label(key, lang), fmt.header)
    for row, waiver in enumerate(card.waivers, start=1):
        values = (
            waiver.record_id,
            waiver.standard,
            waiver.reason,
            waiver.approver,
            waiver.approved_on,
        )
        for col, value in enumerate(values):
            ws.write_string(row, col, safe_text(value))
    ws.set_column(0, 1, 24)
    ws.set_column(2, 2, 48)
    ws.autofilter(0, 0, len(card.waivers), len(keys) - 1)


def write_xlsx(
    card: Scorecard,
    path: Path,
    lang: Lang,
    *,
    generated_at: dt.datetime | None = None,
    trend: Trend | None = None,
) -> None:
    """Write the scorecard workbook to ``path`` (callers make the write atomic)."""
    generated_at = generated_at or dt.datetime.now()
    book = xlsxwriter.Workbook(
        str(path),
        {
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "strings_to_numbers": False,
            "remove_timezone": True,
        },
    )
    fmt = _Formats(book)
    used: set[str] = set()
    _write_summary(book, fmt, card, lang, generated_at, used)
    windows: dict[str, set[str]] = {}
    for result in card.results:
        windows.setdefault(result.standard, set()).add(result.period)
    flagged: dict[tuple[str, str], Result] = {}
    for result in card.results:
        key = (result.standard, result.period)
        if result.group is None:
            flagged.setdefault(key, result)
    for key, overall in flagged.items():
        statuses = {r.status for r in card.results if (r.standard, r.period) == key}
        if statuses & {"fail", "warn"}:
            _write_evidence(book, fmt, card, overall, len(windows[key[0]]) > 1, lang, used)
    _write_chart(book, card, lang, used)
    if trend is not None:
        _write_trend(book, fmt, card, trend, lang, used)
    _write_categories(book, fmt, card, lang, used)
    _write_waivers(book, fmt, card, lang, used)
    book.close()
