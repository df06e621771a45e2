"""The scorecard as Markdown, laid out as the terminal lays it out (present/layout.py).

A few groups: one column per group. More groups than ``--top`` (a call centre's agents): the
overall results numbered, a matrix of marks for the worst ``top`` groups (worst first, from
``Scorecard.ranking``) with the numbers behind each failure, then one line for the rest
("还有 2,950 名客服人员,全部达标"). JSON and CSV keep every result; a Markdown report is
read by a person, who needs the ten agents to talk to, not 9,000 columns.

Every cell goes through :func:`cskpi.present.safe.markdown`.
"""

from __future__ import annotations

from collections.abc import Sequence

from cskpi.evaluate.scorecard import Result, Scorecard, Standing
from cskpi.i18n import Lang, label
from cskpi.present import safe
from cskpi.present.formatting import (
    MARK,
    format_actual,
    format_target,
    provisional_mark,
    result_name,
    scorecard_title,
    summary_lines,
)
from cskpi.present.layout import DEFAULT_TOP, group_word, rest_line
from cskpi.present.terminal import row_cells


def _table(head: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    lines = [
        "| " + " | ".join(map(safe.markdown, head)) + " |",
        "|" + "---|" * len(head),
    ]
    lines += ["| " + " | ".join(map(safe.markdown, cells)) + " |" for cells in rows]
    return lines


def render_markdown(card: Scorecard, lang: Lang, *, top: int = DEFAULT_TOP) -> str:
    lines = [f"## {safe.markdown(scorecard_title(card, lang))}", ""]
    ranked = card.group_by is not None and len(card.groups) > top
    if ranked:
        lines += _ranked(card, lang, top)
    else:
        head = [label(f"label.{key}", lang) for key in ("standard", "period", "target")]
        if card.group_by:
            head += [label("label.overall", lang), *card.groups]
        else:
            head += [label("label.actual", lang), label("label.status", lang)]
        rows = [
            [text for text, _status in row_cells(card, period, results, lang)]
            for _std, period, results in card.rows()
        ]
        lines += _table(head, rows)
    lines += ["", *map(safe.markdown, summary_lines(card, lang, per_group=not ranked)), ""]
    return "\n".join(lines)


def _ranked(card: Scorecard, lang: Lang, top: int) -> list[str]:
    """Numbered overall results, the worst ``top`` groups as a matrix of marks with the numbers
    behind their failures, and one line for the rest."""
    numbered = [(n, results) for n, (_s, _p, results) in enumerate(card.rows(), start=1)]
    head = ["#", label("label.standard", lang), label("label.period", lang)]
    head += [label("label.target", lang), label("label.actual", lang), label("label.status", lang)]
    lines = _table(head, [_overall(n, results[0], lang) for n, results in numbered])
    ranking = card.ranking()
    shown, hidden = ranking[:top], ranking[top:]
    grouped = [(n, results) for n, results in numbered if any(r.group for r in results)]
    if shown and grouped:
        lines += ["", *_matrix(card, shown, grouped, lang)]
        legend = "  ".join(
            f"{MARK[s]} {label(f'status.{s}', lang)}"
            for s in ("pass", "warn", "fail", "no_data", "insufficient")
        )
        lines += ["", safe.markdown(legend), ""]
        lines += _details(shown, grouped)
    rest = rest_line(card.group_by, group_word(card), hidden, lang)
    if rest is not None:
        lines += ["", safe.markdown(rest.plain)]
    return lines


def _overall(n: int, r: Result, lang: Lang) -> list[str]:
    status = f"{MARK[r.status]} {label(f'status.{r.status}', lang)}{provisional_mark(r)}"
    return [str(n), result_name(r, lang), r.period, format_target(r), format_actual(r), status]


def _matrix(
    card: Scorecard,
    shown: Sequence[Standing],
    numbered: Sequence[tuple[int, Sequence[Result]]],
    lang: Lang,
) -> list[str]:
    """Worst groups down, numbered results across, the failures counted, the score."""
    score_of = {a.group: a.score for a in card.appraisal}
    by_row = {n: {r.group: r for r in results} for n, results in numbered}
    head = [label("label.group", lang), *(str(n) for n, _r in numbered)]
    head += [label("status.fail", lang), label("label.score", lang)]
    rows = []
    for standing in shown:
        marks = []
        for n, _results in numbered:
            r = by_row[n].get(standing.group)
            marks.append("" if r is None else MARK[r.status])
        score = score_of.get(standing.group)
        rows.append(
            [
                standing.group,
                *marks,
                str(standing.failed),
                "–" if score is None else f"{score:.1f}",
            ]
        )
    return _table(head, rows)


def _details(
    shown: Sequence[Standing], numbered: Sequence[tuple[int, Sequence[Result]]]
) -> list[str]:
    """Per listed group, the numbers behind each failure and warning (one list item)."""
    wanted = {s.group for s in shown}
    items: dict[str, list[str]] = {}
    for n, results in numbered:
        for r in results:
            if r.group in wanted and r.status in ("fail", "warn"):
                items.setdefault(r.group, []).append(f"{n}. {format_actual(r)} {MARK[r.status]}")
    return [
        f"- **{safe.markdown(s.group)}**: " + safe.markdown(", ".join(items[s.group]))
        for s in shown
        if s.group in items
    ]
