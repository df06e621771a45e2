"""The summary sheet (总览) of the Excel scorecard: what a manager forwards and a VP prints.

Names first (ids in the last column), the verdict at the top, one column per group with the
status mark beside the number, the early warning explained in words, and a print area of one
A4 landscape page wide that leaves out the long description and the ids.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import xlsxwriter
from xlsxwriter.worksheet import Worksheet

from cskpi.evaluate.scorecard import Result, Scorecard
from cskpi.i18n import Lang, label
from cskpi.present.formatting import (
    MARK,
    SYMBOL,
    as_of_text,
    budget_text,
    coverage_text,
    grade_text,
    interval_text,
    provisional_mark,
    scorecard_title,
    summary_lines,
    verdict_text,
)
from cskpi.present.xlsxcells import Formats, Widths, number_format, safe_text
from cskpi.present.xlsxgroups import matrix_fits

VERDICT_FILL = {"pass": "pass", "fail": "fail", "incomplete": "warn"}
# columns after the groups; the last two (description, id) are left out of the print area
DETAILS = (
    "label.ci",
    "label.budget",
    "label.sample_size",
    "label.evidence",
    "label.waived",
    "label.level",
    "label.description",
    "label.id",
)


def kind_of(result: Result, value: float | None) -> str:
    """share, int or float: how a value of ``result`` is formatted."""
    if result.is_share:
        return "share"
    return "int" if value is None or float(value).is_integer() else "float"


def _target_format(result: Result) -> str:
    whole = result.is_share and float(result.target * 100).is_integer()
    return number_format(
        kind_of(result, result.target), prefix=SYMBOL[result.comparison], whole=whole
    )


def _write_value(
    ws: Worksheet, fmt: Formats, row: int, col: int, result: Result, lang: Lang, *, mark: bool
) -> None:
    """The actual value with its status fill; with ``mark``, the status mark after the number."""
    if result.actual is None:
        text = f"{MARK[result.status]} {label(f'status.{result.status}', lang)}"
        ws.write_string(row, col, text if mark else "–", fmt.cell(status=result.status))
        return
    shown = number_format(
        kind_of(result, result.actual),
        mark=MARK[result.status] + provisional_mark(result) if mark else "",
    )
    ws.write_number(row, col, result.actual, fmt.cell(shown, result.status))


def write_summary(
    book: xlsxwriter.Workbook,
    fmt: Formats,
    card: Scorecard,
    lang: Lang,
    name: str,
    generated_at: dt.datetime,
    links: dict[tuple[str, str], str],
) -> None:
    """The summary sheet ``name``; ``links`` maps (standard, window) to its evidence sheet."""
    ws = book.add_worksheet(name)
    widths = Widths()
    groups = card.groups if matrix_fits(card) else ()  # else: the by-group sheet
    ws.write_string(0, 0, safe_text(scorecard_title(card, lang)), fmt.title)
    verdict = verdict_text(card, lang)
    last_printed = 5 + len(groups) + len(DETAILS) - 3
    banner = fmt.cell(status=VERDICT_FILL[card.verdict], bold=True, font_size=12, border=0)
    ws.merge_range(1, 0, 1, min(last_printed, 4), verdict, banner)
    meta = [
        (label("label.period", lang), card.period),
        (label("label.as_of", lang), as_of_text(card)),
        (label("label.rulebook", lang), card.rulebook_name(lang)),
        (label("label.generated_at", lang), generated_at.strftime("%Y-%m-%d %H:%M:%S")),
    ]
    row = 3
    for key, value in meta:
        ws.write_string(row, 0, key, fmt.bold)
        ws.write_string(row, 1, safe_text(value))
        row += 1
    header_row = row + 1
    headers = [
        label("label.standard", lang),
        label("label.period", lang),
        label("label.target", lang),
        label("label.actual", lang),
        label("label.status", lang),
        *groups,
        *(label(key, lang) for key in DETAILS),
    ]
    first_detail = 5 + len(groups)
    for col, text in enumerate(headers):
        ws.write_string(header_row, col, safe_text(text), fmt.header)
        widths.see(col, text)
    row = header_row + 1
    for std_id, period, results in card.rows():
        _write_row(ws, fmt, card, groups, row, std_id, period, results, lang, widths, links)
        row += 1
    row = _write_scores(ws, fmt, card, groups, row + 1, lang, widths)
    for line in summary_lines(card, lang, per_group=len(groups) == len(card.groups)):
        ws.write_string(row, 0, safe_text(line), fmt.bold)
        row += 1
    row += 1
    prefix = label("warning.prefix", lang)
    for warning in card.warnings:
        ws.write_string(row, 0, safe_text(f"{prefix}: {warning.render(lang)}"))
        row += 1
    for note in card.notes:
        ws.write_string(row, 0, safe_text(f"{label('note.prefix', lang)}: {note.render(lang)}"))
        row += 1
    for path, digest in card.inputs:
        ws.write_string(row, 0, label("label.input_file", lang), fmt.bold)
        ws.write_string(row, 1, safe_text(f"{path} · SHA-256 {digest}"))
        row += 1
    widths.widths[0] = min(widths.widths.get(0, 8), 40)
    # the early warning fits on its line: rows keep their height (wrapped text would spill)
    widths.widths[first_detail + 1] = max(widths.widths.get(first_detail + 1, 8), 14)
    widths.widths[first_detail + 6] = 50  # so does the description
    widths.apply(ws)
    ws.freeze_panes(header_row + 1, 1)
    ws.set_landscape()
    ws.set_paper(9)  # A4
    ws.fit_to_pages(1, 0)
    ws.repeat_rows(header_row)
    ws.print_area(0, 0, row, last_printed)


def _write_row(
    ws: Worksheet,
    fmt: Formats,
    card: Scorecard,
    groups: tuple[str, ...],
    row: int,
    std_id: str,
    period: str,
    results: list[Result],
    lang: Lang,
    widths: Widths,
    links: dict[tuple[str, str], str],
) -> None:
    overall = results[0]
    info = card.info(std_id)
    name = overall.name(lang)
    if overall.level == "excellent":
        name += f" ({label('level.excellent', lang)})"
    sheet = links.get((std_id, period))
    if sheet is not None:
        # our own sheet, never a value from the input; quotes doubled as Excel wants
        target = "internal:'" + sheet.replace("'", "''") + "'!A1"
        link = fmt.cell(font_color="#0563C1", underline=1)
        ws.write_url(row, 0, target, link, string=safe_text(name))
    else:
        ws.write_string(row, 0, safe_text(name), fmt.cell())
    widths.see(0, name)
    ws.write_string(row, 1, period, fmt.cell())
    widths.see(1, period)
    ws.write_number(row, 2, overall.target, fmt.cell(_target_format(overall)))
    _write_value(ws, fmt, row, 3, overall, lang, mark=False)
    status = f"{MARK[overall.status]} {label(f'status.{overall.status}', lang)}"
    status += provisional_mark(overall)  # resting on a guessed working-day calendar
    ws.write_string(row, 4, status, fmt.cell(status=overall.status, bold=True))
    widths.see(4, status)
    by_group = {r.group: r for r in results[1:]}
    for i, group in enumerate(groups):
        result = by_group.get(group)
        if result is None:
            ws.write_blank(row, 5 + i, None, fmt.cell())
        else:
            _write_value(ws, fmt, row, 5 + i, result, lang, mark=True)
        widths.see(5 + i, "100.0% ✓")
    col = 5 + len(groups)
    cells: list[tuple[str | int | float, dict[str, Any]]] = [
        (interval_text(overall), {"align": "center"}),
        (budget_text(overall, lang), {}),
        (overall.sample_size, {}),
        (overall.evidence_count, {}),
        (overall.waived, {}),
        (label(f"level.{overall.level}", lang), {}),
        (info.description(lang) if info else "", {"text_wrap": True}),
        (std_id, {}),
    ]
    for offset, (value, props) in enumerate(cells):
        if isinstance(value, str):
            ws.write_string(row, col + offset, safe_text(value), fmt.cell(**props))
            if not props.get("text_wrap"):
                widths.see(col + offset, value)
        else:
            ws.write_number(row, col + offset, value, fmt.cell("0", **props))


def _write_scores(
    ws: Worksheet,
    fmt: Formats,
    card: Scorecard,
    groups: tuple[str, ...],
    row: int,
    lang: Lang,
    widths: Widths,
) -> int:
    """The appraisal score and grade under the overall and each group's column."""
    by_group = {a.group: a for a in card.appraisal}
    columns = [(3, None), *((5 + i, g) for i, g in enumerate(groups))]
    for key in ("label.score", "label.coverage", "label.grade"):
        ws.write_string(row, 0, label(key, lang), fmt.bold)
        for col, group in columns:
            score = by_group.get(group)
            if score is None:
                continue
            if key == "label.score" and score.score is not None:
                ws.write_number(row, col, score.score, fmt.cell("0.0"))
            elif key == "label.coverage" and score.of:
                text = coverage_text(score, lang, short=True)
                ws.write_string(row, col, text, fmt.cell(align="right"))  # under the score
                widths.see(col, text)
            elif key == "label.grade" and (score.grade is not None or score.ungraded):
                grade = safe_text(grade_text(score, lang, short=True))
                ws.write_string(row, col, grade, fmt.cell(bold=True))
                widths.see(col, grade + "  ")  # bold
        row += 1
    return row + 1
