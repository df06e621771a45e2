"""Scorecard -> the Excel workbook a manager sends to leadership (written with xlsxwriter).

Sheets: a summary (总览) with status fills, one evidence sheet per failing or warning standard
with the rows behind it, a chart of actual against target, and complaints per category.
Text that came from the input is always written as a string, never as a formula or a link.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from pathlib import Path

import pandas as pd
import xlsxwriter

from cskpi.evaluate.datasets import ROW, SOURCE, said
from cskpi.evaluate.scorecard import Result, Scorecard, StandardInfo
from cskpi.evaluate.trend import Trend
from cskpi.i18n import Lang, display_width, label, message
from cskpi.present.charts import write_chart, write_trend
from cskpi.present.xlsxcells import (
    Formats,
    Widths,
    evidence_column,
    safe_text,
    sheet_name,
    short_sheet_name,
)
from cskpi.present.xlsxgroups import write_by_group, write_ranking
from cskpi.present.xlsxrows import RowsSheet
from cskpi.present.xlsxsummary import write_summary

WINDOW_SHEETS = 3  # a standard failing in more windows (a year's months) gets one evidence sheet


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
    results: list[Result],
    name: str,
    lang: Lang,
) -> None:
    """The rows behind one standard's failing windows: one window's, or several windows' on
    one sheet with a column naming each row's window (a year of months: 12 sheets become one)."""
    info = card.info(results[0].standard)
    frames = [r.evidence for r in results if r.evidence is not None]
    if info is None or len(frames) < len(results):
        return
    evidence = frames[0] if len(frames) == 1 else pd.concat(frames, ignore_index=True)
    ws = book.add_worksheet(name, worksheet_class=RowsSheet)
    columns: list[tuple[str, str, pd.Series]] = [(label("label.row", lang), "int", evidence[ROW])]
    if len(results) > 1:
        windows = [r.period for r, f in zip(results, frames, strict=True) for _ in range(len(f))]
        columns.insert(0, (label("label.period", lang), "text", pd.Series(windows, dtype="string")))
    if len(card.inputs) > 1:
        columns.append((label("label.input_file", lang), "text", evidence[SOURCE]))
    for fid, header in info.columns:
        if fid in evidence.columns:
            columns.append((header if lang == "zh" else fid, "auto", evidence[fid]))
        if said(fid) in evidence.columns:  # what a rating or yes/no cell said, beside it
            heading = message("label.said", lang, header=header if lang == "zh" else fid)
            columns.append((heading, "text", evidence[said(fid)]))
    late = _days_late(evidence, info, card.as_of)
    if late is not None:
        columns.append((label("label.days_late", lang), "int", late))
    widths = Widths(cap=50)
    listed = [r.evidence_rows for r in results if r.evidence_rows is not None]
    capped = any(rows.capped for rows in listed)  # a database sent the first rows only
    title = message(
        "label.evidence_capped" if capped else "label.evidence_title",
        lang,
        standard=results[0].name(lang),
        period=", ".join(r.period for r in results),
        n=f"{sum(rows.count for rows in listed):,}" if capped else len(evidence),
        listed=f"{len(evidence):,}",
    )
    ws.write_string(0, 0, safe_text(title), fmt.title)
    header_row = 1
    for col, (title, _type, _values) in enumerate(columns):
        ws.write_string(header_row, col, safe_text(title), fmt.header)
        widths.see(col, title)
    n = len(evidence)
    ws.write_body(
        header_row + 1,
        [
            evidence_column(fmt, series.reset_index(drop=True), kind, lang, col, widths)
            for col, (_title, kind, series) in enumerate(columns)
        ],
    )
    ws.autofilter(header_row, 0, header_row + max(n, 1), len(columns) - 1)
    ws.freeze_panes(header_row + 1, 0)
    widths.apply(ws)
    ws.set_landscape()
    ws.fit_to_pages(1, 0)
    ws.set_paper(9)  # A4
    ws.repeat_rows(header_row)


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


def _flagged(card: Scorecard) -> dict[tuple[str, str], Result]:
    """(standard, window) -> its overall result, where any result of it fails or warns."""
    return {(r.standard, r.period): r for r in card.listed()}


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
    summary = sheet_name(label("sheet.summary", lang), used)
    flagged = _flagged(card)
    sheets: dict[str, list[tuple[str, str]]] = {}  # standard -> its flagged windows
    for key, result in flagged.items():
        if result.evidence_rows is not None and card.info(result.standard) is not None:
            sheets.setdefault(key[0], []).append(key)
    windows = Counter(std for std, _period, _results in card.rows())
    suffix = message("sheet.evidence", lang, name="")  # 明细 in Chinese, nothing in English
    names: dict[tuple[str, str], str] = {}
    evidence: list[tuple[str, list[tuple[str, str]]]] = []
    for keys in sheets.values():
        # a quarter's months each get a sheet (…明细 2026-08); more windows share one
        parts = [keys] if len(keys) > WINDOW_SHEETS else [[key] for key in keys]
        for part in parts:
            window = f" {part[0][1]}" if windows[part[0][0]] > 1 and len(part) == 1 else ""
            name = short_sheet_name(flagged[part[0]].name(lang), used, suffix + window)
            names.update(dict.fromkeys(part, name))
            evidence.append((name, part))
    write_summary(book, fmt, card, lang, summary, generated_at, names)
    for name, part in evidence:
        _write_evidence(book, fmt, card, [flagged[key] for key in part], name, lang)
    write_chart(book, fmt, card, lang, used)
    if trend is not None:
        write_trend(book, fmt, card, trend, lang, used)
    _write_categories(book, fmt, card, lang, used)
    _write_waivers(book, fmt, card, lang, used)
    write_ranking(book, fmt, card, lang, used)  # every group, worst first
    write_by_group(book, fmt, card, lang, used)  # every group's results, one row each
    book.close()
