"""Chart sheets of the Excel export: actual against target, and the trend of past periods.

Laid out for print: A4 landscape, one page wide, each chart placed whole on a page by manual
page breaks. Every series name and title is a reference to a cell written here
(``[sheet, row, col]``), never a string: xlsxwriter reads a name like ``cmd|' /C calc'!A0``
as a formula reference, so a team name could otherwise point anywhere.
"""

from __future__ import annotations

import xlsxwriter
from xlsxwriter.worksheet import Worksheet

from cskpi.evaluate.scorecard import Result, Scorecard
from cskpi.evaluate.trend import Trend, TrendLine
from cskpi.i18n import Lang, label, message
from cskpi.present.formatting import MARK, SYMBOL
from cskpi.present.xlsxcells import Formats, number_format, safe_text, sheet_name
from cskpi.rulebook.metrics import is_share

CHART_GROUPS = 10  # groups drawn on a chart: the worst ten; a chart takes 255 series at most
ROW_PX = 20  # xlsxwriter's default row height (15 pt)
INSET = 3  # px between a chart and the rows it sits in
TARGET_GREY = "#A6A6A6"


def _kind(values: list[float | None], share: bool) -> str:
    if share:
        return "share"
    return "int" if all(v is None or float(v).is_integer() for v in values) else "float"


def _print_setup(ws: Worksheet, breaks: list[int]) -> None:
    ws.set_landscape()
    ws.set_paper(9)  # A4
    ws.fit_to_pages(1, 0)
    if breaks:
        ws.set_h_pagebreaks(breaks)


def write_chart(
    book: xlsxwriter.Workbook, fmt: Formats, card: Scorecard, lang: Lang, used: set[str]
) -> None:
    """Actual against target per standard: shares on one page, the rest on the next.

    Each block is its chart with the data beneath it, formatted as in the summary. With more
    than CHART_GROUPS groups only the worst are drawn (Scorecard.ranking), and a note on the
    sheet says so; every group's numbers are on the by-group sheet.
    """
    ws = book.add_worksheet(sheet_name(label("sheet.chart", lang), used))
    drawn = card.groups  # all of them, in their natural order
    if len(card.groups) > CHART_GROUPS:
        drawn = tuple(s.group for s in card.ranking()[:CHART_GROUPS])
    series_names = [label("label.target", lang), label("label.overall", lang), *drawn]
    height = 18  # rows the chart takes (360 px)
    row = 0
    if len(drawn) < len(card.groups):
        total = f"{len(card.groups):,}"
        ws.write_string(0, 0, message("chart.worst_groups", lang, n=len(drawn), total=total))
        row = 2
    top = row
    breaks: list[int] = []
    for share in (True, False):
        block = [results for _s, _p, results in card.rows() if results[0].is_share == share]
        if not block:
            continue
        if row > top:
            breaks.append(row)
        ws.write_string(row, 0, label("chart.share" if share else "chart.count", lang), fmt.title)
        title_row, header = row, row + 1 + height
        ws.write_string(header, 0, label("label.standard", lang), fmt.header)
        for i, name in enumerate(series_names):
            ws.write_string(header, 1 + i, safe_text(name), fmt.header)
        first = header + 1
        for n, results in enumerate(block):
            _chart_row(ws, fmt, first + n, results, drawn, lang)
        last = first + len(block) - 1
        chart = book.add_chart({"type": "column"})
        for i in range(len(series_names)):
            chart.add_series(
                {
                    "name": [ws.name, header, 1 + i],  # the cell, never the text
                    "categories": [ws.name, first, 0, last, 0],
                    "values": [ws.name, first, 1 + i, last, 1 + i],
                    **({"fill": {"color": TARGET_GREY}} if i == 0 else {}),
                }
            )
        chart.set_title({"none": True})  # the title is the cell above the chart
        if share:
            chart.set_y_axis({"num_format": "0%", "min": 0, "max": 1})
        chart.set_legend({"position": "bottom"})
        chart.set_size({"width": 960, "height": height * ROW_PX - 2 * INSET})
        ws.insert_chart(title_row + 1, 0, chart, {"y_offset": INSET, "object_position": 3})
        row = last + 2
    ws.set_column(0, 0, 40)
    ws.set_column(1, 1 + len(series_names), 11)
    _print_setup(ws, breaks)


def _chart_row(
    ws: Worksheet,
    fmt: Formats,
    row: int,
    results: list[Result],
    groups: tuple[str, ...],
    lang: Lang,
) -> None:
    overall = results[0]
    values = [r.actual for r in results]
    kind = _kind([overall.target, *values], overall.is_share)
    ws.write_string(row, 0, safe_text(f"{overall.name(lang)} ({overall.period})"), fmt.cell())
    ws.write_number(row, 1, overall.target, fmt.cell(number_format(kind)))
    by_group = {r.group: r for r in results}
    for i, group in enumerate((None, *groups)):
        result = by_group.get(group)
        if result is not None and result.actual is not None:
            shown = number_format(kind, mark=MARK[result.status])
            ws.write_number(row, 2 + i, result.actual, fmt.cell(shown, result.status))
        else:
            ws.write_blank(row, 2 + i, None, fmt.cell())


def write_trend(
    book: xlsxwriter.Workbook,
    fmt: Formats,
    card: Scorecard,
    trend: Trend,
    lang: Lang,
    used: set[str],
) -> None:
    """The last periods of each standard (overall): one table, periods across, then a small
    line chart per standard against its target, six to a printed page. The target each period
    was judged by (chart data) sits below the printed area."""
    lines = [line for line in trend.lines if line.group is None]
    if not lines:
        return
    ws = book.add_worksheet(sheet_name(label("sheet.trend", lang), used))
    names = {r.standard: r.name(lang) for r in card.results}
    periods = list(trend.periods)
    ws.write_string(0, 0, message("chart.trend_title", lang, n=len(periods)), fmt.title)
    header = 2
    charts_top = header + len(lines) + 2
    charts_end = charts_top + ((len(lines) + 1) // 2) * (CHART_ROWS + 1)
    targets = charts_end + 2  # header row of the targets table
    for top in (header, targets):
        ws.write_string(top, 0, label("label.standard", lang), fmt.header)
        ws.write_string(top, 1, label("label.target", lang), fmt.header)
        for i, period in enumerate(periods):
            ws.write_string(top, 2 + i, period, fmt.header)
    for n, line in enumerate(lines):
        _trend_row(ws, fmt, header + 1 + n, targets + 1 + n, line, names, periods)
    breaks = [charts_top]
    for n in range(len(lines)):
        pair = n // 2
        chart_row = charts_top + pair * (CHART_ROWS + 1)
        if pair and pair % CHART_ROWS_PER_PAGE == 0 and n % 2 == 0:
            breaks.append(chart_row)
        chart = _trend_chart(book, ws, lines[n], header, header + 1 + n, targets + 1 + n, periods)
        offset = (n % 2) * (CHART_PX + 10)
        # a few pixels inside its rows, so no edge sits on a page break
        place = {"x_offset": offset, "y_offset": INSET, "object_position": 3}
        ws.insert_chart(chart_row, 0, chart, place)
    # wide enough columns that the printed page holds both charts of a row
    room = max(10, (2 * CHART_PX + 10 - 34 * 7 - 10 * 7) // max(1, len(periods)) // 7 + 1)
    ws.set_column(0, 0, 34)
    ws.set_column(1, 1, 10)
    ws.set_column(2, 1 + len(periods), room)
    ws.print_area(0, 0, charts_end, 1 + len(periods))
    _print_setup(ws, breaks)


CHART_ROWS, CHART_PX, CHART_ROWS_PER_PAGE = 10, 480, 3


def _trend_row(
    ws: Worksheet,
    fmt: Formats,
    row: int,
    target_row: int,
    line: TrendLine,
    names: dict[str, str],
    periods: list[str],
) -> None:
    """One standard across the periods (status fill and mark), and its targets below."""
    cells = [line.cells.get(p) for p in periods]
    known = [c for c in cells if c is not None]
    share = any(is_share(c.metric) for c in known)
    kind = _kind([c.actual for c in known] + [c.target for c in known], share)
    latest = known[-1]
    name = safe_text(names.get(line.standard, line.standard))
    whole = share and float(latest.target * 100).is_integer()
    target = number_format(kind, prefix=SYMBOL.get(latest.comparison, ""), whole=whole)
    for at in (row, target_row):
        ws.write_string(at, 0, name, fmt.cell())
        ws.write_number(at, 1, latest.target, fmt.cell(target))
    for i, stored in enumerate(cells):
        if stored is None or stored.actual is None:
            ws.write_blank(row, 2 + i, None, fmt.cell())
            continue
        shown = number_format(kind, mark=MARK.get(stored.status, ""))
        status = stored.status if stored.status in MARK else None
        ws.write_number(row, 2 + i, stored.actual, fmt.cell(shown, status))
        ws.write_number(target_row, 2 + i, stored.target, fmt.cell(number_format(kind)))


def _trend_chart(
    book: xlsxwriter.Workbook,
    ws: Worksheet,
    line: TrendLine,
    header: int,
    row: int,
    target_row: int,
    periods: list[str],
) -> xlsxwriter.chart.Chart:
    last = 1 + len(periods)
    chart = book.add_chart({"type": "line"})
    categories = [ws.name, header, 2, header, last]
    chart.add_series(
        {
            "name": [ws.name, row, 0],
            "categories": categories,
            "values": [ws.name, row, 2, row, last],
            "marker": {"type": "circle"},
        }
    )
    chart.add_series(
        {
            "name": [ws.name, header, 1],
            "categories": categories,
            "values": [ws.name, target_row, 2, target_row, last],
            "line": {"dash_type": "dash", "color": TARGET_GREY},
            "marker": {"type": "none"},
        }
    )
    chart.set_title({"name": [ws.name, row, 0], "name_font": {"size": 10}})
    chart.set_legend({"none": True})
    chart.show_blanks_as("span")  # monthly values across the quarters' columns
    stored = line.cells.values()
    if any(is_share(c.metric) for c in stored):
        chart.set_y_axis({"num_format": "0%", "min": 0, "max": 1})
    else:
        top = max([c.target for c in stored] + [c.actual or 0 for c in stored])
        whole = _kind([c.actual for c in stored] + [c.target for c in stored], False) == "int"
        chart.set_y_axis({"min": 0, **({"major_unit": 1} if whole and top <= 8 else {})})
    chart.set_size({"width": CHART_PX, "height": CHART_ROWS * ROW_PX - 2 * INSET})
    return chart
