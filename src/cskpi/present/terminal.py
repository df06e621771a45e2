"""Presentation in the terminal: Scorecard -> rich table, history, read progress, column matches.

Text that came from a file reaches the terminal as a rich ``Text`` (never markup), through
:mod:`cskpi.present.safe`. JSON and CSV are in :mod:`cskpi.present.jsoncsv`, Markdown in
:mod:`cskpi.present.markdown`, the evidence rows in :mod:`cskpi.present.evidence`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from cskpi.evaluate.datasets import ColumnMatch
from cskpi.evaluate.scorecard import Result, Scorecard
from cskpi.evaluate.trend import GAP, Trend
from cskpi.evaluate.trend import Row as HistoryRow
from cskpi.i18n import Lang, label, message
from cskpi.present import safe
from cskpi.present.formatting import (
    MARK,
    budget_lines,
    format_actual,
    format_target,
    format_value,
    provisional_mark,
    scorecard_title,
    summary_lines,
)
from cskpi.present.layout import (
    DEFAULT_TOP,
    STYLE,
    fit_periods,
    fits,
    render_ranked,
    rest_line,
    trend_lines,
)
from cskpi.rulebook.metrics import is_share

if TYPE_CHECKING:
    from cskpi.rulebook.compiled import Rulebook


def status_text(status: str, lang: Lang) -> str:
    return label(f"status.{status}", lang)


def row_cells(
    card: Scorecard, period: str, results: list[Result], lang: Lang
) -> list[tuple[str, str | None]]:
    """One scorecard row as (text, status for colouring) pairs, for the table and Markdown."""
    first = results[0]
    name = first.name(lang)
    if first.level == "excellent":
        name += f" ({label('level.excellent', lang)})"
    cells: list[tuple[str, str | None]] = [
        (name, None),
        (period, None),
        (format_target(first), None),
    ]
    if card.group_by:
        by_group = {r.group: r for r in results}
        for group in (None, *card.groups):
            r = by_group.get(group)
            cells.append(("", None) if r is None else (_group_cell(r), r.status))
    else:
        cells += [
            (format_actual(first), None),
            (
                f"{MARK[first.status]} {status_text(first.status, lang)}{provisional_mark(first)}",
                first.status,
            ),
        ]
    return cells


def render_table(
    card: Scorecard, console: Console, lang: Lang, *, quiet: bool = False, top: int = DEFAULT_TOP
) -> None:
    """The terminal scorecard: one column per group when that fits (CJK measured by rich),
    else the numbered list, the worst ``top`` groups and one line for the rest (layout.py).

    ``quiet`` shows only news: no title or budget lines, only the rows not passing, and the
    summary; a card whose verdict is a pass shows nothing at all (cron mails only news).
    """
    if quiet and card.verdict == "pass":
        return
    if len(card.groups) > top:  # never built: 9,000 columns of a table that cannot be shown
        render_ranked(card, console, lang, quiet=quiet, top=top)
        _print_summary(card, console, lang, quiet=quiet, per_group=False)
        return
    title = safe.terminal(scorecard_title(card, lang))
    table = Table(title=None if quiet else title, show_lines=False, header_style="bold")
    table.add_column(label("label.standard", lang), no_wrap=True)
    table.add_column(label("label.period", lang), no_wrap=True)
    table.add_column(label("label.target", lang), justify="right", no_wrap=True)
    if card.group_by:
        table.add_column(label("label.overall", lang), justify="right", no_wrap=True)
        for group in card.groups:
            table.add_column(safe.terminal(group), justify="right", no_wrap=True)
    else:
        table.add_column(label("label.actual", lang), justify="right", no_wrap=True)
        table.add_column(label("label.status", lang), no_wrap=True)
    shown = 0
    for _std, period, results in card.rows():
        if quiet and all(r.status == "pass" for r in results):
            continue
        table.add_row(
            *(
                safe.terminal(text, STYLE[status] if status else None)
                for text, status in row_cells(card, period, results, lang)
            )
        )
        shown += 1
    wide = len(card.groups) <= top and fits(console, table)
    if not wide:
        render_ranked(card, console, lang, quiet=quiet, top=top)
    elif shown:
        console.print(table)
    _print_summary(card, console, lang, quiet=quiet, per_group=wide)


def _print_summary(
    card: Scorecard, console: Console, lang: Lang, *, quiet: bool, per_group: bool
) -> None:
    for line in [] if quiet else budget_lines(card, lang):
        console.print(safe.terminal(line), highlight=False)
    for line in summary_lines(card, lang, per_group=per_group):
        console.print(safe.terminal(line), highlight=False)


def _group_cell(r: Result) -> str:
    """'92.5% (80–97) ✗'; a result with no value is its mark alone ('–', never '– –')."""
    mark = f"{MARK[r.status]}{provisional_mark(r)}"
    return mark if r.actual is None else f"{format_actual(r)} {mark}"


PARTIAL = "*"  # a result recorded before its period was over


def _trend_value(row: HistoryRow) -> str:
    return format_value(row.actual, share=is_share(row.metric))


def render_history(
    trend: Trend,
    names: dict[str, str],
    console: Console,
    lang: Lang,
    waivers: list[dict[str, str]] | None = None,
    *,
    top: int = DEFAULT_TOP,
    group_by: str | None = None,
    group_word: str | None = None,
) -> None:
    """Periods across, standards down; the cell colour is the stored status.

    Names are never cut: when the periods do not fit, the oldest go first (and a line says
    so); with more groups than ``top``, the worst groups' failing lines, then one line for
    the rest (``group_word``: the group column's header, 团队/客服人员).
    """
    if waivers:
        table = Table(title=message("title.waivers", lang), header_style="bold")
        for key in (
            "label.period",
            "label.id",
            "label.standard",
            "label.reason",
            "label.approver",
            "label.date",
        ):
            table.add_column(label(key, lang))
        for w in waivers:
            table.add_row(
                *map(
                    safe.terminal,
                    (
                        w["period"],
                        w["record_id"],
                        names.get(w["standard"], w["standard"]),
                        w["reason"],
                        w["approver"],
                        w["approved_on"],
                    ),
                )
            )
        console.print(table)
    if not trend.lines:
        console.print(message("history.empty", lang))
        return
    lines, hidden = trend_lines(trend, top)

    def build(periods: Sequence[str]) -> Table:
        table = Table(title=message("title.history", lang), header_style="bold")
        table.add_column(label("label.standard", lang), no_wrap=True)
        for period in periods:
            table.add_column(safe.terminal(period), justify="right", no_wrap=True)
        table.add_column(label("label.trend", lang), no_wrap=True)
        table.add_column(label("label.streak", lang), justify="right", no_wrap=True)
        for line in lines:
            name = names.get(line.standard, line.standard)
            if line.group is not None:
                name = f"{name} · {line.group}"
            cells: list[Text | str] = [safe.terminal(name)]
            for period in periods:
                row = line.cells.get(period)
                if row is None:  # no run that period: a visible gap (blank: not this kind)
                    cells.append(Text(GAP, style="dim") if line.covers(period) else "")
                    continue
                cells.append(
                    Text(
                        f"{_trend_value(row)} {MARK[row.status]}{PARTIAL if row.partial else ''}",
                        style=STYLE[row.status],
                    )
                )
            cells.append(line.sparkline(periods))
            cells.append(Text(str(line.streak), style="bold red") if line.streak else "0")
            table.add_row(*cells)
        return table

    table, dropped = fit_periods(console, build, trend.periods)
    console.print(table)
    if dropped:
        console.print(message("history.periods_dropped", lang, n=dropped), highlight=False)
    shown = trend.periods[dropped:]
    gaps = any(
        line.covers(period) and (period not in line.cells or line.cells[period].actual is None)
        for line in lines
        for period in shown
    )
    if gaps:
        console.print(Text(message("history.gap", lang, mark=GAP)))
    if any(row.partial for line in lines for row in line.cells.values()):
        console.print(Text(message("history.partial", lang, mark=PARTIAL)))
    rest = rest_line(group_by, group_word or "", hidden, lang)
    if rest is not None:
        console.print(rest, highlight=False)


class ReadProgress:
    """A transient progress display on stderr while large inputs are read (sheet and rows).

    The CLI creates it only when stderr is a terminal and the run is not quiet, so it never
    reaches a pipe, a log or JSON output.
    """

    def __init__(self, console: Console, lang: Lang) -> None:
        from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

        self.lang = lang
        self.progress = Progress(
            SpinnerColumn(),
            TextColumn("{task.description}", markup=False),
            TimeElapsedColumn(),
            console=console,
            transient=True,
        )
        self.tasks: dict[tuple[str, str], Any] = {}

    def __enter__(self) -> ReadProgress:
        self.progress.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self.progress.stop()

    def __call__(self, file: str, sheet: str, rows: int | None) -> None:
        key = (file, sheet)
        if rows is None:
            text = safe.visible(message("progress.reading", self.lang, file=file, sheet=sheet))
            self.tasks[key] = self.progress.add_task(text, total=None)
        elif key in self.tasks:
            text = safe.visible(
                message("progress.read", self.lang, file=file, sheet=sheet, rows=f"{rows:,}")
            )
            self.progress.update(self.tasks[key], description=text, completed=1, total=1)


def render_columns(
    matches: Sequence[ColumnMatch], console: Console, lang: Lang, rulebook: Rulebook | None = None
) -> None:
    """Which header of each sheet matched which field; fields not found, with the nearest.

    With the ``rulebook``, a dataset is shown by its name in ``lang`` and, in Chinese, a field
    by its canonical header (投诉编号, not complaint_id): the words the user's sheets use.
    """
    table = Table(title=message("title.columns", lang), header_style="bold")
    for key in (
        "label.input_file",
        "label.sheet",
        "label.dataset",
        "label.field",
        "label.header",
        "label.column",
    ):
        table.add_column(label(key, lang))
    for match in matches:
        header = (
            safe.terminal(match.header)
            if match.header
            else safe.terminal(
                message("columns.missing", lang, closest=match.closest or "–"), "yellow"
            )
        )
        dataset = match.dataset
        spec = rulebook.datasets.get(dataset) if rulebook is not None else None
        if spec is not None:
            dataset = spec.title(lang)
        field = _field_name(match, lang, rulebook)
        table.add_row(
            *map(safe.terminal, (match.file, match.sheet, dataset, field)),
            header,
            safe.terminal(match.column or ""),
        )
    console.print(table)


def _field_name(match: ColumnMatch, lang: Lang, rulebook: Rulebook | None) -> str:
    """A field as a Chinese user knows it (its canonical header); the id in English."""
    spec = rulebook.datasets.get(match.dataset) if rulebook is not None else None
    column = spec.columns.get(match.field) if spec is not None else None
    return getattr(column.named, lang) if column is not None else match.field


def column_lines(card: Scorecard, lang: Lang, rulebook: Rulebook | None = None) -> list[str]:
    """One line per sheet: how many fields matched, and the missing ones (verbose output),
    named as --explain-columns names them."""
    sheets: dict[tuple[str, str], list] = {}
    for match in card.columns:
        sheets.setdefault((match.file, match.sheet), []).append(match)
    lines = []
    for (file, sheet), matches in sheets.items():
        missing = [
            f"{_field_name(m, lang, rulebook)} "
            f"({message('columns.closest', lang, closest=m.closest)})"
            if m.closest
            else _field_name(m, lang, rulebook)
            for m in matches
            if m.header is None
        ]
        lines.append(
            safe.visible(
                message(
                    "columns.line",
                    lang,
                    file=file,
                    sheet=sheet,
                    found=sum(m.header is not None for m in matches),
                    total=len(matches),
                    missing=", ".join(missing) or "–",
                )
            )
        )
    return lines
