"""The Excel sheets for many groups: results by group as rows, and the groups ranked.

A call centre's 9,000 agents do not fit as columns (Excel stops at 16,384, and nobody reads
past a screen of them), so every group's results go on a long sheet, one row per group x
standard x window, with status fills and an autofilter: sortable, filterable, and no group
ever dropped (each standard's target is on the summary). Past Excel's 1,048,576 rows the
sheet goes on in the next one. The ranking sheet lists every group worst first
(``Scorecard.ranking``), with its failures and score.
"""

from __future__ import annotations

import xlsxwriter

from cskpi.evaluate.scorecard import Result, Scorecard
from cskpi.i18n import Lang, label
from cskpi.present.formatting import coverage_text, grade_text, result_name
from cskpi.present.xlsxcells import Formats, Widths, number_format, safe_text, sheet_name
from cskpi.present.xlsxrows import Column, RowsSheet

MAX_ROWS = 1_048_576  # Excel's rows per sheet
MATRIX_GROUPS = 30  # groups as column pairs on the summary sheet: a readable width at most


def matrix_fits(card: Scorecard) -> bool:
    """Whether the summary sheet may show the groups as columns (two per group)."""
    return len(card.groups) <= MATRIX_GROUPS


def _kind(result: Result, value: float | None) -> str:
    if result.is_share:
        return "share"
    return "int" if value is None or float(value).is_integer() else "float"


def write_by_group(
    book: xlsxwriter.Workbook, fmt: Formats, card: Scorecard, lang: Lang, used: set[str]
) -> list[str]:
    """Every group's results, one row each, over as many sheets as Excel's row limit needs."""
    results = [r for r in card.results if r.group is not None]
    if not results:
        return []
    heads = [  # six cells a row: at 700,000 rows every cell costs (targets are on the summary)
        label("label.group", lang),
        label("label.standard", lang),
        label("label.period", lang),
        label("label.actual", lang),
        label("label.status", lang),
        label("label.sample_size", lang),
    ]
    statuses = ("pass", "warn", "fail", "unmet", "no_data", "insufficient")
    kinds = ("share", "int", "float")
    status_text = {s: label(f"status.{s}", lang) for s in statuses}
    status_fmt = {s: fmt.cell(status=s, bold=True) for s in statuses}
    value_fmt = {(s, k): fmt.cell(number_format(k), s) for s in statuses for k in kinds}
    plain, count = fmt.cell(), fmt.cell("0")
    shown_name: dict[str, str] = {}
    shown_group: dict[str, str] = {}
    per_sheet = MAX_ROWS - 1
    names: list[str] = []
    for start in range(0, len(results), per_sheet):
        part = results[start : start + per_sheet]
        base = label("sheet.by_group", lang)
        ws = book.add_worksheet(
            sheet_name(base if not start else f"{base} {len(names) + 1}", used),
            worksheet_class=RowsSheet,
        )
        names.append(ws.name)
        widths = Widths(cap=40)
        for col, text in enumerate(heads):
            ws.write_string(0, col, text, fmt.header)
            widths.see(col, text)
        for r in part:  # each distinct text made safe (and measured) once
            if r.group not in shown_group:
                shown_group[r.group or ""] = group = safe_text(r.group or "")
                widths.see(0, group)
            if r.standard not in shown_name:
                shown_name[r.standard] = name = safe_text(result_name(r, lang))
                widths.see(1, name)
        ws.write_body(
            1,
            [
                Column([shown_group[r.group or ""] for r in part], plain),
                Column([shown_name[r.standard] for r in part], plain),
                Column([r.period for r in part], plain),
                Column(
                    [r.actual for r in part],
                    [value_fmt[(r.status, _kind(r, r.actual))] for r in part],
                ),
                Column([status_text[r.status] for r in part], [status_fmt[r.status] for r in part]),
                Column([r.sample_size for r in part], count),
            ],
        )
        widths.apply(ws)
        ws.autofilter(0, 0, len(part), len(heads) - 1)
        ws.freeze_panes(1, 1)
    return names


def write_ranking(
    book: xlsxwriter.Workbook, fmt: Formats, card: Scorecard, lang: Lang, used: set[str]
) -> str | None:
    """Every group, worst first: the ones to talk to this month at the top."""
    if not card.groups:
        return None
    ws = book.add_worksheet(sheet_name(label("sheet.ranking", lang), used))
    heads = [
        label("label.rank", lang),
        label("label.group", lang),
        label("status.fail", lang),
        label("status.warn", lang),
        label("status.no_data", lang),
        label("label.score", lang),
        label("label.grade", lang),
        label("label.coverage", lang),
    ]
    widths = Widths(cap=40)
    for col, text in enumerate(heads):
        ws.write_string(0, col, text, fmt.header)
        widths.see(col, text)
    scores = {a.group: a for a in card.appraisal}
    plain, count, score_fmt = fmt.cell(), fmt.cell("0"), fmt.cell("0.0")
    failed, warned = fmt.cell("0", "fail", bold=True), fmt.cell("0", "warn", bold=True)
    for row, standing in enumerate(card.ranking(), start=1):
        ws.write_number(row, 0, row, count)
        ws.write_string(row, 1, safe_text(standing.group), plain)
        widths.see(1, standing.group)
        ws.write_number(row, 2, standing.failed, failed if standing.failed else count)
        ws.write_number(row, 3, standing.warned, warned if standing.warned else count)
        ws.write_number(row, 4, standing.unknown, count)
        score = scores.get(standing.group)
        if score is not None and score.score is not None:
            ws.write_number(row, 5, score.score, score_fmt)
        if score is not None and (score.grade is not None or score.ungraded):
            ws.write_string(row, 6, grade_text(score, lang, short=True), plain)
        if score is not None and score.of:  # what the score rests on
            ws.write_string(row, 7, coverage_text(score, lang, short=True), plain)
    widths.apply(ws)
    ws.autofilter(0, 0, len(card.groups), len(heads) - 1)
    ws.freeze_panes(1, 2)
    return ws.name
