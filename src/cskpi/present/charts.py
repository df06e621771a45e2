"""Chart sheets of the Excel export: actual against target, and the trend of past periods."""

from __future__ import annotations

import xlsxwriter

from cskpi.evaluate.scorecard import Scorecard
from cskpi.evaluate.trend import Trend
from cskpi.i18n import Lang, label, message
from cskpi.present.xlsxcells import Formats, safe_text, sheet_name
from cskpi.rulebook.metrics import is_share


def write_chart(book: xlsxwriter.Workbook, card: Scorecard, lang: Lang, used: set[str]) -> None:
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


def write_trend(
    book: xlsxwriter.Workbook,
    fmt: Formats,
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
        share = any(is_share(r.metric) for r in line.cells.values())
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
