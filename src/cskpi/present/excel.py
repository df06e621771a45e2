"""Scorecard -> the Excel workbook a manager sends to leadership (written with xlsxwriter).

Sheets: a summary (总览) with status fills, one evidence sheet per failing or warning standard
with the rows behind it, a chart of actual against target, and complaints per category.
Text that came from the input is always written as a string, never as a formula or a link.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd
import xlsxwriter
from xlsxwriter.worksheet import Worksheet

from cskpi.evaluate.datasets import ROW, SOURCE
from cskpi.evaluate.scorecard import GroupScore, Result, Scorecard, StandardInfo
from cskpi.evaluate.trend import Trend
from cskpi.i18n import Lang, display_width, label
from cskpi.present.charts import write_chart, write_trend
from cskpi.present.formatting import SYMBOL, as_of_text, provisional_mark, summary_lines
from cskpi.present.xlsxcells import (
    Formats,
    Widths,
    safe_text,
    sheet_name,
    write_column,
)


def _kind(result: Result, value: float | None) -> str:
    if result.is_share:
        return "share"
    return "int" if value is None or float(value).is_integer() else "float"


def _write_summary(
    book: xlsxwriter.Workbook,
    fmt: Formats,
    card: Scorecard,
    lang: Lang,
    generated_at: dt.datetime,
    used: set[str],
) -> str:
    name = sheet_name(label("sheet.summary", lang), used)
    ws = book.add_worksheet(name)
    widths = Widths()
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
    rows: list[tuple[str, Callable[[GroupScore], object]]] = [
        ("label.score", lambda a: a.score),
        ("label.grade", lambda a: a.grade_name(lang)),
    ]
    places: list[tuple[int, str | None]] = [(6, None)]
    places += [(first_group + 2 * i, g) for i, g in enumerate(card.groups)]
    for key, pick_value in rows:
        ws.write_string(row, 1, label(key, lang), fmt.bold)
        for col, place in places:
            score = by_group_score.get(place)
            shown = None if score is None else pick_value(score)
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
    ws: Worksheet, fmt: Formats, row: int, col: int, result: Result, lang: Lang
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
    status = label(f"status.{result.status}", lang) + provisional_mark(result)
    ws.write_string(row, col + 1, status, fmt.status[result.status])


def _days_late(evidence: pd.DataFrame, info: StandardInfo, as_of: pd.Timestamp) -> pd.Series | None:
    deadline, done = info.deadline_field, info.done_field
    if deadline is None or done is None or deadline not in evidence or done not in evidence:
        return None
    end = evidence[done].fillna(as_of).clip(upper=as_of).dt.normalize()
    return (end - evidence[deadline].dt.normalize()).dt.days


def _write_evidence(
    book: xlsxwriter.Workbook,
    fmt: Formats,
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
    widths = Widths(cap=50)
    ws.write_string(0, 0, safe_text(f"{result.name(lang)} · {result.period}"), fmt.title)
    header_row = 1
    for col, (title, _type, _values) in enumerate(columns):
        ws.write_string(header_row, col, safe_text(title), fmt.header)
        widths.see(col, title)
    n = len(evidence)
    for col, (_title, kind, series) in enumerate(columns):
        write_column(ws, fmt, header_row + 1, col, series, kind, lang, widths)
    ws.autofilter(header_row, 0, header_row + max(n, 1), len(columns) - 1)
    ws.freeze_panes(header_row + 1, 0)
    widths.apply(ws)
    ws.set_landscape()
    ws.fit_to_pages(1, 0)
    ws.repeat_rows(header_row)
    return ws.name


def _write_categories(
    book: xlsxwriter.Workbook, fmt: Formats, card: Scorecard, lang: Lang, used: set[str]
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


def _write_waivers(
    book: xlsxwriter.Workbook, fmt: Formats, card: Scorecard, lang: Lang, used: set[str]
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
    fmt = Formats(book)
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
    write_chart(book, card, lang, used)
    if trend is not None:
        write_trend(book, fmt, card, trend, lang, used)
    _write_categories(book, fmt, card, lang, used)
    _write_waivers(book, fmt, card, lang, used)
    book.close()
