"""Terminal layouts that fit: a standard's name is never cut, whatever the width or group count.

When the wide table (one column per group) does not fit the terminal, or there are more
groups than ``--top``, the scorecard becomes three parts a manager reads top down:

1. the overall results as a numbered list (a name longer than its column gets a line of its
   own, the numbers stay aligned below it);
2. a matrix of marks: the worst groups (``Scorecard.ranking``) down, the numbered results
   across, with the number of failures; below it, the actual numbers of every result that
   did not pass, per group;
3. one line for the groups not shown: "还有 2,950 名客服人员,全部达标".

Widths are measured in terminal cells (rich's ``cell_len``), so Chinese counts double.
Cells that came from a file (group names) go through :func:`cskpi.present.safe.terminal`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from rich.cells import cell_len
from rich.console import Console
from rich.table import Table
from rich.text import Text

from cskpi.evaluate.scorecard import Result, Scorecard, Standing
from cskpi.evaluate.trend import Trend, TrendLine
from cskpi.i18n import Lang, label, message
from cskpi.present import safe
from cskpi.present.formatting import (
    MARK,
    format_actual,
    format_target,
    provisional_mark,
    result_name,
    score_cell,
    scorecard_title,
)

STYLE = {
    "pass": "green",
    "warn": "yellow",
    "fail": "bold red",
    "unmet": "",  # neutral: an excellent-level standard not achieved fails nothing
    "no_data": "dim",
    "insufficient": "dim",
}
DEFAULT_TOP = 20  # groups listed by default: the worst twenty fit a laptop screen
GAP = 2  # cells between columns
PERSON_WORDS = ("人员", "客服", "员工", "姓名", "处理人", "坐席", "经理")


def fits(console: Console, table: Table) -> bool:
    """Whether ``table`` at its natural width (nothing wrapped or cut) fits the terminal."""
    natural = console.measure(table, options=console.options.update_width(1_000_000))
    return natural.maximum <= console.width


def _pad(text: Text, width: int, *, right: bool = False) -> Text:
    space = " " * max(0, width - text.cell_len)
    return Text.assemble(space, text) if right else Text.assemble(text, space)


def _width(texts: Sequence[Text | str]) -> int:
    return max((cell_len(t.plain if isinstance(t, Text) else t) for t in texts), default=0)


def overall_lines(
    rows: Sequence[tuple[int, Result]], width: int, lang: Lang, *, numbered: bool
) -> list[Text]:
    """The overall results as aligned lines; a name too long for its column stands alone.

    Columns: number, standard, period, target, actual, status. The name column takes what
    the others leave; a longer name is printed whole on its own line, the values below it.
    """
    heads = [
        label("label.standard", lang),
        label("label.period", lang),
        label("label.target", lang),
        label("label.actual", lang),
        label("label.status", lang),
    ]
    cells = [
        (
            Text(f"{number}." if numbered else ""),
            Text(result_name(r, lang)),
            Text(r.period),
            Text(format_target(r)),
            Text(format_actual(r)),
            Text(
                f"{MARK[r.status]} {label(f'status.{r.status}', lang)}{provisional_mark(r)}",
                style=STYLE[r.status],
            ),
        )
        for number, r in rows
    ]
    number_w = _width([c[0] for c in cells])
    widths = [max(_width([c[i] for c in cells]), cell_len(heads[i - 1])) for i in range(2, 6)]
    details = sum(widths) + GAP * len(widths)
    lead = number_w + 1 if numbered else 0
    names = _width([c[1] for c in cells] + [heads[0]])
    name_w = max(1, min(names, width - lead - details))
    head = Text.assemble(
        " " * lead,
        _pad(Text(heads[0]), name_w),
        *(
            Text.assemble(" " * GAP, _pad(Text(h), w, right=i in (1, 2)))
            for i, (h, w) in enumerate(zip(heads[1:], widths, strict=True))
        ),
        style="bold",
    )
    lines = [head]
    for number, name, *values in cells:
        prefix = _pad(number, number_w, right=True) + " " if numbered else Text("")
        rest = Text.assemble(
            *(
                Text.assemble(" " * GAP, _pad(v, w, right=i in (1, 2)))
                for i, (v, w) in enumerate(zip(values, widths, strict=True))
            )
        )
        if name.cell_len <= name_w:
            lines.append(Text.assemble(prefix, _pad(name, name_w), rest))
        else:
            lines.append(Text.assemble(prefix, name))
            lines.append(Text.assemble(" " * (lead + name_w), rest))
    for line in lines:
        line.rstrip()
    return lines


def group_word(card: Scorecard) -> str:
    """What a group is called in the rulebook (团队, 客服人员): the header of its column."""
    for info in card.standards:
        for fid, header in info.columns:
            if fid == card.group_by:
                return header
    return card.group_by or ""


def rest_line(
    group_by: str | None, word: str, hidden: Sequence[Standing], lang: Lang
) -> Text | None:
    """One line for the groups not listed: all pass, or how many still need a look.

    ``word`` is the group column's header (客服人员); English uses the field id (agents).
    """
    if not hidden:
        return None
    if lang == "zh":
        unit = "名" if any(w in word for w in PERSON_WORDS) else "个"
        groups = f"{unit}{word}"
    else:
        base = (group_by or "group").replace("_", " ")
        groups = base if base.endswith("s") else base + "s"
    n = f"{len(hidden):,}"
    if all(s.all_pass for s in hidden):
        return Text(message("groups.rest_pass", lang, n=n, groups=groups))
    if not any(s.failed or s.warned for s in hidden):
        return Text(message("groups.rest_no_fail", lang, n=n, groups=groups))
    return Text(
        message(
            "groups.rest",
            lang,
            n=n,
            groups=groups,
            failed=f"{sum(1 for s in hidden if s.failed):,}",
            warned=f"{sum(1 for s in hidden if s.warned and not s.failed):,}",
        )
    )


def _matrix(
    card: Scorecard,
    shown: Sequence[Standing],
    numbered: Sequence[tuple[int, Sequence[Result]]],
    lang: Lang,
) -> list[Text]:
    """Worst groups down, numbered results across: one mark each, failures counted."""
    names = [safe.terminal(s.group) for s in shown]
    name_w = max(_width(names), cell_len(label("label.group", lang)))
    number_w = max(len(str(n)) for n, _r in numbered)
    score_of = {a.group: score_cell(a, lang) for a in card.appraisal}
    fails = label("status.fail", lang)
    head = Text.assemble(
        _pad(Text(label("label.group", lang)), name_w),
        *(" " + str(n).rjust(number_w) for n, _r in numbered),
        "  ",
        fails,
        "  ",
        label("label.score", lang),
        style="bold",
    )
    lines = [head]
    by_row = {n: {r.group: r for r in results} for n, results in numbered}
    for standing, name in zip(shown, names, strict=True):
        marks = []
        for n, _results in numbered:
            r = by_row[n].get(standing.group)
            mark = " " if r is None else MARK[r.status]
            marks.append(Text(" " + mark.rjust(number_w), style=STYLE[r.status] if r else ""))
        score = score_of.get(standing.group)
        lines.append(
            Text.assemble(
                _pad(name, name_w),
                *marks,
                "  ",
                Text(
                    str(standing.failed).rjust(cell_len(fails)),
                    style="bold red" if standing.failed else "dim",
                ),
                "  ",
                "–" if score is None else score,
            )
        )
    return lines


def _details(
    shown: Sequence[Standing],
    numbered: Sequence[tuple[int, Sequence[Result]]],
    lang: Lang,
    width: int,
    *,
    every: bool,
) -> list[Text]:
    """Per listed group, the numbers behind every failure and warning (``every``: a line for
    the other groups too, when there is no matrix to show them)."""
    wanted = {s.group for s in shown}
    by_group: dict[str, list[Text]] = {}
    for n, results in numbered:
        for r in results:
            if r.group in wanted and r.status in ("fail", "warn"):
                by_group.setdefault(r.group, []).append(
                    Text(f"{n}. {format_actual(r)} {MARK[r.status]}", style=STYLE[r.status])
                )
    lines: list[Text] = []
    for standing in shown:
        items = by_group.get(standing.group)
        if items or every:
            status = "pass" if standing.all_pass else "no_data"
            quiet = Text(f"{MARK[status]} {label(f'status.{status}', lang)}", style=STYLE[status])
            lines += wrap_items(safe.terminal(standing.group, "bold"), items or [quiet], width)
    return lines


def wrap_items(head: Text, items: Sequence[Text], width: int) -> list[Text]:
    """``head  item  item ...`` over as many lines as it takes, never breaking an item;
    continuation lines are indented under the first item."""
    indent = head.cell_len + GAP if head.cell_len + GAP <= width // 2 else 4
    lines: list[Text] = []
    line = Text.assemble(head)
    for item in items:
        if line.cell_len + GAP + item.cell_len > width and line.cell_len > indent:
            lines.append(line)
            line = Text(" " * (indent - GAP))
        line = Text.assemble(line, " " * GAP, item)
    lines.append(line)
    return lines


def _legend(lang: Lang) -> Text:
    return Text("  ").join(
        Text(f"{MARK[s]} {label(f'status.{s}', lang)}", style=STYLE[s])
        for s in ("pass", "warn", "fail", "unmet", "no_data", "insufficient")
    )


def render_ranked(
    card: Scorecard, console: Console, lang: Lang, *, quiet: bool = False, top: int = DEFAULT_TOP
) -> None:
    """The scorecard for many groups or a narrow terminal: list, matrix of the worst, rest."""
    rows = card.rows()
    numbered_all = [(i, results) for i, (_s, _p, results) in enumerate(rows, start=1)]
    overall = [
        (n, results[0])
        for n, results in numbered_all
        if not quiet or any(r.status != "pass" for r in results)
    ]
    if not quiet:
        console.print(safe.terminal(scorecard_title(card, lang), "bold"), highlight=False)
    for line in overall_lines(overall, console.width, lang, numbered=True):
        console.print(line, highlight=False, overflow="ignore", crop=False)
    if not card.group_by:
        return
    ranking = card.ranking()
    listed = [s for s in ranking if not s.all_pass] if quiet else ranking
    shown, hidden = listed[:top], ranking[len(listed[:top]) :]
    grouped = [(n, results) for n, results in numbered_all if any(r.group for r in results)]
    console.print()
    if shown and grouped:
        matrix = _matrix(card, shown, grouped, lang)
        drawn = max(line.cell_len for line in matrix) <= console.width
        if drawn:
            for line in matrix:
                console.print(line, highlight=False, overflow="ignore", crop=False)
            console.print(_legend(lang), highlight=False)
        for line in _details(shown, grouped, lang, console.width, every=not drawn):
            console.print(line, highlight=False, overflow="ignore", crop=False)
    rest = rest_line(card.group_by, group_word(card), hidden, lang)
    if rest is not None:
        console.print(rest, highlight=False)


def trend_standings(trend: Trend) -> list[Standing]:
    """Groups of a history, worst first over the periods shown (as ``Scorecard.ranking``)."""
    counts: dict[str, list[int]] = {}
    for line in trend.lines:
        if line.group is None:
            continue
        tally = counts.setdefault(line.group, [0, 0, 0, 0, 0])
        for row in line.cells.values():
            slot = {"fail": 1, "warn": 2, "no_data": 3, "insufficient": 3}.get(row.status, 4)
            tally[slot] += 1
            tally[0] += row.status == "fail"
    first_seen = {g: i for i, g in enumerate(counts)}
    standings = [Standing(g, *tally) for g, tally in counts.items()]
    return sorted(standings, key=lambda s: (-s.failed, -s.warned, -s.unknown, first_seen[s.group]))


def trend_lines(trend: Trend, top: int) -> tuple[list[TrendLine], list[Standing]]:
    """The history lines to show and the groups left out.

    Overall lines always; with more groups than ``top``, only the worst ``top`` groups and,
    of those, only the standards that did not pass in some period shown.
    """
    ranking = trend_standings(trend)
    overall = [line for line in trend.lines if line.group is None]
    if len(ranking) <= top:
        return list(trend.lines), []
    shown = {s.group for s in ranking[:top] if not s.all_pass}
    kept = [
        line
        for line in trend.lines
        if line.group in shown and any(r.status != "pass" for r in line.cells.values())
    ]
    order = {s.group: i for i, s in enumerate(ranking)}
    kept.sort(key=lambda line: order[line.group or ""])
    hidden = [s for s in ranking if s.group not in shown]
    return overall + kept, hidden


def fit_periods(
    console: Console, build: Callable[[Sequence[str]], Table], periods: Sequence[str]
) -> tuple[Table, int]:
    """The table with as many of the latest periods as fit the terminal, and how many were
    left out (names are never shortened: older periods go first).

    Fewer periods never make a wider table, so the count is found by bisection: a history
    of 2,000 agents measured a long table a dozen times, for 2 s."""
    if not periods:
        return build(periods), 0
    low, high = 0, len(periods) - 1  # the answer is in [low, high]; high (one period) always
    while low < high:
        middle = (low + high) // 2
        if fits(console, build(periods[middle:])):
            high = middle
        else:
            low = middle + 1
    return build(periods[low:]), low
