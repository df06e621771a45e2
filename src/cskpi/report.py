"""Presentation: Scorecard -> rich table, JSON, Markdown or CSV. The only module that imports rich.

Every format renders the same :class:`~cskpi.scorecard.Result` objects.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable
from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from cskpi.i18n import Lang, label, message
from cskpi.scorecard import Result, Scorecard, Summary

FORMATS = ("table", "json", "markdown", "csv")
STYLE = {"pass": "green", "warn": "yellow", "fail": "bold red", "no_data": "dim"}
MARK = {"pass": "✓", "warn": "!", "fail": "✗", "no_data": "–"}
SYMBOL = {"<=": "≤", "<": "<", ">=": "≥", ">": ">", "==": "="}


def format_value(value: float | None, *, share: bool) -> str:
    """96.5% for shares, 3 for whole numbers, 2.75 otherwise; '–' for no value."""
    if value is None:
        return "–"
    if share:
        return f"{value * 100:.1f}%"
    if float(value).is_integer():
        return str(int(value))
    return f"{value:.2f}"


def format_target(result: Result) -> str:
    """≤ 5, ≥ 95% (no needless decimals in a target)."""
    if result.is_share and float(result.target * 100).is_integer():
        return f"{SYMBOL[result.comparison]} {int(result.target * 100)}%"
    return f"{SYMBOL[result.comparison]} {format_value(result.target, share=result.is_share)}"


def status_text(status: str, lang: Lang) -> str:
    return label(f"status.{status}", lang)


def as_of_text(card: Scorecard) -> str:
    return card.as_of.strftime("%Y-%m-%d %H:%M:%S")


def _rows(card: Scorecard) -> list[tuple[str, str, list[Result]]]:
    """Results grouped into table rows: (standard, window) -> [overall, *groups]."""
    rows: dict[tuple[str, str], list[Result]] = {}
    for result in card.results:
        rows.setdefault((result.standard, result.period), []).append(result)
    return [(std, period, results) for (std, period), results in rows.items()]


def summary_lines(card: Scorecard, lang: Lang) -> list[str]:
    s = card.summary()
    lines = [
        message(
            "summary.line",
            lang,
            total=s.total,
            pass_=s.counts["pass"],
            warn=s.counts["warn"],
            fail=s.counts["fail"],
            no_data=s.counts["no_data"],
            required_failed=s.required_failed,
        )
    ]
    if s.excellent:
        lines.append(message("summary.excellent", lang))
    lines.append(
        message("summary.verdict_fail" if s.required_failed else "summary.verdict_ok", lang)
    )
    return lines


def render_table(card: Scorecard, console: Console, lang: Lang, *, quiet: bool = False) -> None:
    """The terminal scorecard. Wide (CJK) characters are measured by rich, so columns line up."""
    title = message(
        "title.scorecard",
        lang,
        period=card.period,
        as_of=as_of_text(card),
        rulebook=card.rulebook_name(lang),
    )
    table = Table(title=None if quiet else title, show_lines=False, header_style="bold")
    table.add_column(label("label.standard", lang))
    table.add_column(label("label.period", lang), no_wrap=True)
    table.add_column(label("label.target", lang), justify="right", no_wrap=True)
    if card.group_by:
        table.add_column(label("label.overall", lang), justify="right", no_wrap=True)
        for group in card.groups:
            table.add_column(group, justify="right", no_wrap=True)
    else:
        table.add_column(label("label.actual", lang), justify="right", no_wrap=True)
        table.add_column(label("label.status", lang), no_wrap=True)
    shown = 0
    for _std, period, results in _rows(card):
        if quiet and not any(r.status == "fail" for r in results):
            continue
        first = results[0]
        name = first.name(lang)
        if first.level == "excellent":
            name += f" ({label('level.excellent', lang)})"
        cells: list[Text | str] = [name, period, format_target(first)]
        if card.group_by:
            by_group = {r.group: r for r in results}
            for group in (None, *card.groups):
                r = by_group.get(group)
                cells.append(
                    Text("")
                    if r is None
                    else Text(
                        f"{format_value(r.actual, share=r.is_share)} {MARK[r.status]}",
                        style=STYLE[r.status],
                    )
                )
        else:
            cells.append(format_value(first.actual, share=first.is_share))
            cells.append(
                Text(
                    f"{MARK[first.status]} {status_text(first.status, lang)}",
                    style=STYLE[first.status],
                )
            )
        table.add_row(*cells)
        shown += 1
    if shown:
        console.print(table)
    for line in summary_lines(card, lang):
        console.print(line, highlight=False)


def result_dict(result: Result, lang: Lang) -> dict[str, Any]:
    """One result in the documented JSON shape."""
    return {
        "standard": result.standard,
        "name": result.name(lang),
        "group": result.group,
        "period": result.period,
        "status": result.status,
        "actual": result.actual,
        "comparison": result.comparison,
        "target": result.target,
        "warn_target": result.warn_target,
        "level": result.level,
        "metric": result.metric,
        "sample_size": result.sample_size,
        "evidence_count": result.evidence_count,
    }


def summary_dict(summary: Summary, *, strict: bool) -> dict[str, Any]:
    return {
        "total": summary.total,
        **summary.counts,
        "required_failed": summary.required_failed,
        "excellent": summary.excellent,
        "exit_code": int(summary.exit_code(strict=strict)),
    }


def scorecard_dict(card: Scorecard, lang: Lang, *, strict: bool = False) -> dict[str, Any]:
    return {
        "period": card.period,
        "as_of": card.as_of.isoformat(timespec="seconds"),
        "rulebook": card.rulebook_id,
        "group_by": card.group_by,
        "inputs": [{"path": path, "sha256": digest} for path, digest in card.inputs],
        "warnings": [w.render(lang) for w in card.warnings],
        "results": [result_dict(r, lang) for r in card.results],
        "summary": summary_dict(card.summary(), strict=strict),
    }


def render_json(card: Scorecard, lang: Lang, *, strict: bool = False) -> str:
    return json.dumps(scorecard_dict(card, lang, strict=strict), ensure_ascii=False, indent=2)


CSV_FIELDS = (
    "standard",
    "name",
    "group",
    "period",
    "status",
    "actual",
    "comparison",
    "target",
    "level",
    "sample_size",
    "evidence_count",
)


def render_csv(card: Scorecard, lang: Lang) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(
        buffer, fieldnames=CSV_FIELDS, extrasaction="ignore", lineterminator="\n"
    )
    writer.writeheader()
    for result in card.results:
        row = result_dict(result, lang)
        writer.writerow({k: "" if row[k] is None else row[k] for k in CSV_FIELDS})
    return buffer.getvalue()


def _md_escape(text: str) -> str:
    return text.replace("|", "\\|")


def render_markdown(card: Scorecard, lang: Lang) -> str:
    head = [label("label.standard", lang), label("label.period", lang), label("label.target", lang)]
    groups: Iterable[str | None] = (None, *card.groups) if card.group_by else (None,)
    if card.group_by:
        head += [label("label.overall", lang), *card.groups]
    else:
        head += [label("label.actual", lang), label("label.status", lang)]
    title = message(
        "title.scorecard",
        lang,
        period=card.period,
        as_of=as_of_text(card),
        rulebook=card.rulebook_name(lang),
    )
    lines = [
        f"## {title}",
        "",
        "| " + " | ".join(map(_md_escape, head)) + " |",
        "|" + "---|" * len(head),
    ]
    for _std, period, results in _rows(card):
        first = results[0]
        cells = [first.name(lang), period, format_target(first)]
        if card.group_by:
            by_group = {r.group: r for r in results}
            for group in groups:
                r = by_group.get(group)
                cells.append(
                    ""
                    if r is None
                    else f"{format_value(r.actual, share=r.is_share)} {MARK[r.status]}"
                )
        else:
            cells += [
                format_value(first.actual, share=first.is_share),
                f"{MARK[first.status]} {status_text(first.status, lang)}",
            ]
        lines.append("| " + " | ".join(_md_escape(c) for c in cells) + " |")
    lines += ["", *summary_lines(card, lang), ""]
    return "\n".join(lines)
