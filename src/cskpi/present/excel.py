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
    safe_text,
    sheet_name,
    short_sheet_name,
    write_column,
)
from cskpi.present.xlsxgroups import write_by_group, write_ranking
from cskpi.present.xlsxsummary import write_summary


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
    name: str,
    lang: Lang,
) -> None:
    info = card.info(result.standard)
    evidence = result.evidence
    if info is None or evidence is None:
        return
    ws = book.add_worksheet(name)
    columns: list[tuple[str, str, pd.Series]] = [(label("label.row", lang), "int", evidence[ROW])]
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
    rows = result.evidence_rows
    capped = rows is not None and rows.capped  # a database sent the first rows only
    title = message(
        "label.evidence_capped" if capped else "label.evidence_title",
        lang,
        standard=result.name(lang),
        period=result.period,
        n=f"{rows.count:,}" if capped and rows is not None else len(evidence),
        listed=f"{len(evidence):,}",
    )
    ws.write_string(0, 0, safe_text(title), fmt.title)
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
    windows = Counter(std for std, _period, _results in card.rows())
    suffix = message("sheet.evidence", lang, name="")  # 明细 in Chinese, nothing in English
    names = {
        # a standard over several windows (a quarter's months) names the window: …明细 2026-08
        key: short_sheet_name(
            result.name(lang), used, suffix + (f" {key[1]}" if windows[key[0]] > 1 else "")
        )
        for key, result in flagged.items()
        if result.evidence_rows is not None and card.info(result.standard) is not None
    }
    write_summary(book, fmt, card, lang, summary, generated_at, names)
    for key, name in names.items():
        _write_evidence(book, fmt, card, flagged[key], name, lang)
    write_chart(book, fmt, card, lang, used)
    if trend is not None:
        write_trend(book, fmt, card, trend, lang, used)
    _write_categories(book, fmt, card, lang, used)
    _write_waivers(book, fmt, card, lang, used)
    write_ranking(book, fmt, card, lang, used)  # every group, worst first
    write_by_group(book, fmt, card, lang, used)  # every group's results, one row each
    book.close()
