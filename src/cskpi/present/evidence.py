"""The rows behind failures in the terminal: a few per standard, each cell one line cut to a width.

The export keeps the full text; here a 30,000-character complaint must not flood the screen."""

from __future__ import annotations

import pandas as pd
from rich.console import Console
from rich.table import Table

from cskpi.evaluate.datasets import ROW, SOURCE, said
from cskpi.evaluate.scorecard import Scorecard, StandardInfo
from cskpi.i18n import Lang, label, message
from cskpi.present import safe
from cskpi.present.formatting import (
    short_sources,
    with_said,
)
from cskpi.present.layout import (
    fits,
)

EVIDENCE_ROWS = 10


EVIDENCE_WIDTH = 40  # terminal columns per evidence cell; the export keeps the full text


def _cell(value: object, lang: Lang) -> str:
    """A cell for the terminal: dates without a time of day (or at a deadline's end) as dates."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    if isinstance(value, pd.Timestamp):
        end_of_day = (
            value + pd.Timedelta(microseconds=1)
            == (value + pd.Timedelta(microseconds=1)).normalize()
        )
        if value == value.normalize() or end_of_day:
            return value.strftime("%Y-%m-%d")
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, bool):
        return label("value.yes" if value else "value.no", lang)
    return str(value)


def render_evidence(card: Scorecard, console: Console, lang: Lang) -> None:
    """The rows behind each failing or warning result (overall), at most a few per standard.

    Personal columns arrive already masked unless the user asked for them. Each cell is one
    line cut to EVIDENCE_WIDTH columns: a 30,000-character complaint cannot flood the screen.
    With several inputs each row names its file (short name) before its row number.
    """
    files = short_sources(card)
    for result in card.results:
        if result.group is not None or result.status not in ("fail", "warn"):
            continue
        info = card.info(result.standard)
        if info is None or result.evidence is None or result.evidence.empty:
            continue
        frame = result.evidence
        total = result.evidence_rows.count if result.evidence_rows is not None else len(frame)
        title = message(
            "label.evidence_title",
            lang,
            standard=result.name(lang),
            period=result.period,
            n=total,
        )
        shown = frame.head(EVIDENCE_ROWS)

        def build(
            columns: list[tuple[str, str]], title: str = title, rows: pd.DataFrame = shown
        ) -> Table:
            table = Table(title=safe.terminal(title), title_justify="left", header_style="bold")
            if files:  # several inputs: which one a row number is in
                table.add_column(label("label.input_file", lang), no_wrap=True)
            table.add_column(label("label.row", lang), justify="right", no_wrap=True)
            for _fid, heading in columns:
                table.add_column(safe.terminal(heading), no_wrap=True, max_width=EVIDENCE_WIDTH)
            for _, row in rows.iterrows():
                where = [safe.terminal(files.get(str(row[SOURCE]), str(row[SOURCE])))]
                table.add_row(
                    *(where if files else []),
                    str(row[ROW]),
                    *(
                        safe.terminal(
                            with_said(_cell(row[f], lang), row.get(said(f))),
                            width=EVIDENCE_WIDTH,
                        )
                        for f, _h in columns
                    ),
                )
            return table

        # most useful columns first; one that does not fit is left out, never squeezed
        columns: list[tuple[str, str]] = []
        left_out: list[str] = []
        for column in _evidence_columns(info, frame, lang):
            if not columns or fits(console, build([*columns, column])):
                columns.append(column)
            else:
                left_out.append(column[1])
        table = build(columns)
        console.print(table)
        if total > len(shown):
            console.print(message("label.more_rows", lang, n=total - len(shown)))
        if left_out:
            console.print(
                message("label.columns_left_out", lang, columns=", ".join(left_out)),
                highlight=False,
            )


def _evidence_columns(info: StandardInfo, frame: pd.DataFrame, lang: Lang) -> list[tuple[str, str]]:
    """(field, heading) most useful first: the record id, what the standard reads, then the
    rest in rulebook order."""
    header = dict(info.columns)
    first = [f for f in (info.id_field, *info.fields) if f]
    order = list(dict.fromkeys([*first, *header]))
    order.sort(key=lambda f: f not in first)
    return [
        (f, header[f] if lang == "zh" else f) for f in order if f in frame.columns and f in header
    ]
