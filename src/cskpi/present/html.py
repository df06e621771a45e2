"""Scorecard -> one self-contained HTML page a manager forwards, prints or reads on a phone.

Inline CSS and inline SVG, no script, nothing fetched (a Content-Security-Policy says so to
the browser too), so it works offline, as an attachment and as a mail body. The layout lives
in ``templates/scorecard.html.j2`` (Jinja2, autoescape on); this module turns the scorecard
into plain view values. Every value printed passes through :func:`_shown` (the template's
``finalize``): data text gets its control and bidi characters made visible by
:mod:`cskpi.present.safe` before Jinja escapes it. Personal data arrives masked: the run
masks the scorecard before any output.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import jinja2
import pandas as pd
from markupsafe import Markup

from cskpi import __version__
from cskpi.evaluate.scorecard import Result, Scorecard
from cskpi.evaluate.trend import Trend
from cskpi.i18n import Lang, label, message
from cskpi.present import safe, svg
from cskpi.present.formatting import (
    MARK,
    as_of_text,
    budget_text,
    coverage_text,
    format_target,
    format_value,
    grade_text,
    interval_text,
    provisional_mark,
    short_sources,
    summary_lines,
    verdict_text,
    with_said,
)
from cskpi.rulebook.metrics import is_share

MAX_GROUPS = 30  # matrix rows shown; the rest are counted (the workbook and CSV have them all)
MAX_ROWS = 20  # evidence rows shown per standard
MAX_TEXT = 120  # characters of one evidence cell
UNKNOWN = ("no_data", "insufficient")
# worst first: a group's rank in the matrix and the word for the groups left out
SEVERITY = {"fail": 0, "warn": 1, "no_data": 2, "insufficient": 2, "pass": 3, "unmet": 4}


def _shown(value: object) -> object:
    """Jinja's ``finalize``: markup we built stays; any other text is made visible
    (:func:`cskpi.present.safe.visible`, line breaks kept) and then escaped by Jinja."""
    if isinstance(value, Markup) or not isinstance(value, str):
        return "" if value is None else value
    return safe.visible(value, multiline=True)


@functools.cache
def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader("cskpi.present", "templates"),
        autoescape=True,
        finalize=_shown,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


@dataclass
class Cell:
    status: str
    mark: str
    text: str


@dataclass
class Card:
    number: int
    name: str
    period: str
    status: str
    status_text: str
    target: str
    actual: str
    level: str
    description: str
    interval: str = ""
    interval_chart: Markup = field(default_factory=Markup)
    budget: str = ""
    budget_chart: Markup = field(default_factory=Markup)
    groups: list[tuple[str, Cell]] = field(default_factory=list)
    groups_line: str = ""
    trend: Markup = field(default_factory=Markup)
    reason: str = ""


def _cell(result: Result | None) -> Cell:
    if result is None:
        return Cell("none", "", "")
    mark = MARK[result.status] + provisional_mark(result)
    return Cell(result.status, mark, format_value(result.actual, share=result.is_share))


def _status_text(result: Result, lang: Lang) -> str:
    text = f"{MARK[result.status]} {label(f'status.{result.status}', lang)}"
    return text + provisional_mark(result)


def _card(
    number: int, results: list[Result], card: Scorecard, trend: Trend | None, lang: Lang
) -> Card:
    overall = results[0]
    info = card.info(overall.standard)
    out = Card(
        number=number,
        name=overall.name(lang),
        period=overall.period,
        status=overall.status,
        status_text=_status_text(overall, lang),
        target=format_target(overall),
        actual=format_value(overall.actual, share=overall.is_share),
        level=label(f"level.{overall.level}", lang) if overall.level != "required" else "",
        description=info.description(lang) if info else "",
        reason=overall.reason.render(lang) if overall.reason is not None else "",
    )
    if overall.ci_low is not None and overall.ci_high is not None and overall.actual is not None:
        out.interval = interval_text(overall)
        out.interval_chart = svg.interval_bar(
            overall.ci_low,
            overall.ci_high,
            overall.actual,
            overall.target,
            overall.status,
            f"{label('label.ci', lang)} {out.interval}",
        )
    if overall.projected is not None and overall.actual is not None:
        out.budget = budget_text(overall, lang)
        out.budget_chart = svg.budget_bar(
            overall.actual, overall.target, overall.projected, overall.status, out.budget
        )
    groups = [r for r in results[1:] if r.group is not None]
    if groups and len(groups) <= 8:
        out.groups = [(str(r.group), _cell(r)) for r in groups]
    elif groups:
        out.groups_line = _status_counts(groups, lang)
    if trend is not None:
        out.trend = _sparkline(overall, trend, lang)
    return out


def _status_counts(results: list[Result], lang: Lang) -> str:
    counts: dict[str, int] = {}
    for r in results:
        counts[r.status] = counts.get(r.status, 0) + 1
    parts = [
        f"{counts[s]:,} {label(f'status.{s}', lang)}"
        for s in ("fail", "warn", "no_data", "insufficient", "pass", "unmet")
        if counts.get(s)
    ]
    return message("html.groups_line", lang, n=f"{len(results):,}", detail=" · ".join(parts))


def _sparkline(result: Result, trend: Trend, lang: Lang) -> Markup:
    line = next((t for t in trend.lines if t.standard == result.standard and t.group is None), None)
    if line is None:
        return Markup("")
    periods = [p for p in trend.periods if p in line.cells]
    if len(periods) < 2:
        return Markup("")
    rows = [line.cells[p] for p in periods]
    points = [(r.actual, r.status) for r in rows]
    share = any(is_share(r.metric) for r in rows)
    values = " · ".join(
        f"{p} {format_value(r.actual, share=share)}" for p, r in zip(periods, rows, strict=True)
    )
    return svg.sparkline(
        points, rows[-1].target, f"{label('label.trend', lang)}: {values}", share=share
    )


def _matrix(card: Scorecard, lang: Lang, limit: int) -> dict[str, Any] | None:
    """Groups down (worst first, at most ``limit``), standards across; the rest counted."""
    if not card.groups:
        return None
    rows = card.rows()
    by_group: dict[str | None, list[Result | None]] = {}
    for g in (None, *card.groups):
        by_group[g] = []
    for _std, _period, results in rows:
        found = {r.group: r for r in results}
        for g in by_group:
            by_group[g].append(found.get(g))
    scores = {a.group: a.score for a in card.appraisal}
    order = {g: i for i, g in enumerate(card.groups)}

    def rank(group: str) -> tuple[int, int, int, float, int]:
        statuses = [r.status for r in by_group[group] if r is not None]
        score = scores.get(group)
        return (
            -statuses.count("fail"),
            -statuses.count("warn"),
            -sum(s in UNKNOWN for s in statuses),
            score if score is not None else 101.0,
            order[group],
        )

    ranked = sorted(card.groups, key=rank)
    windows = Counter(std for std, _period, _results in rows)
    shown, hidden = ranked[:limit], ranked[limit:]
    worst: dict[str, int] = {}
    for group in hidden:
        statuses = [r.status for r in by_group[group] if r is not None] or ["no_data"]
        key = min(statuses, key=lambda s: SEVERITY[s])
        worst[key] = worst.get(key, 0) + 1
    more = ""
    if hidden:
        detail = " · ".join(
            f"{worst[k]:,} {label(f'html.worst.{k}', lang)}"
            for k in ("fail", "warn", "no_data", "insufficient", "pass", "unmet")
            if worst.get(k)
        )
        more = message("html.matrix_more", lang, n=f"{len(hidden):,}", detail=detail)
    return {
        "columns": [
            # a standard evaluated over several windows (a quarter's months) names the window
            (i + 1, r[2][0].name(lang), r[1] if windows[r[0]] > 1 else "")
            for i, r in enumerate(rows)
        ],
        "rows": [
            (label("label.overall", lang), True, [_cell(r) for r in by_group[None]]),
            *((g, False, [_cell(r) for r in by_group[g]]) for g in shown),
        ],
        "more": more,
    }


def _value_text(value: object, lang: Lang) -> str:
    """An evidence cell: dates without a needless time, yes/no in words, long text cut."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    if isinstance(value, pd.Timestamp):
        tick = value + pd.Timedelta(microseconds=1)
        whole_day = value == value.normalize() or tick == tick.normalize()
        return value.strftime("%Y-%m-%d" if whole_day else "%Y-%m-%d %H:%M")
    if isinstance(value, bool):
        return label("value.yes" if value else "value.no", lang)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text = str(value)
    return text if len(text) <= MAX_TEXT else text[: MAX_TEXT - 1] + "…"


def _more_rows(total: int, shown: int, listed: int, lang: Lang) -> str:
    """The rows not on the page: in the workbook, or (rows a database capped) beyond it."""
    if total <= shown:
        return ""
    if listed < total:  # the workbook lists only the first ``listed`` rows too
        return message("html.more_rows_capped", lang, n=f"{total - shown:,}", listed=f"{listed:,}")
    return message("html.more_rows", lang, n=f"{total - shown:,}")


def _evidence(card: Scorecard, lang: Lang, limit: int) -> list[dict[str, Any]]:
    """The rows behind each failing or warning standard (overall), at most ``limit`` each."""
    from cskpi.evaluate.datasets import ROW, SOURCE, said

    files = short_sources(card)  # several inputs: each row names its file
    sections = []
    for overall in card.listed():
        period = overall.period
        info = card.info(overall.standard)
        frame = overall.evidence if overall.evidence_rows is not None else None
        if info is None or frame is None or frame.empty:
            continue
        columns = [(fid, header if lang == "zh" else fid) for fid, header in info.columns]
        columns = [(fid, title) for fid, title in columns if fid in frame.columns]
        head = frame.head(limit)
        rows_behind = overall.evidence_rows
        total = len(frame) if rows_behind is None else rows_behind.count
        rows = [
            [
                *([files.get(str(row[SOURCE]), str(row[SOURCE]))] if files else []),
                str(row[ROW]),
                *(
                    with_said(_value_text(row[fid], lang), row.get(said(fid)))
                    for fid, _t in columns
                ),
            ]
            for _i, row in head.iterrows()
        ]
        sections.append(
            {
                "title": message(
                    "label.evidence_title",
                    lang,
                    standard=overall.name(lang),
                    period=period,
                    n=total,
                ),
                "headers": [
                    *([label("label.input_file", lang)] if files else []),
                    label("label.row", lang),
                    *(t for _f, t in columns),
                ],
                "rows": rows,
                "more": _more_rows(total, len(head), len(frame), lang),
            }
        )
    return sections


def render_html(
    card: Scorecard,
    lang: Lang,
    *,
    trend: Trend | None = None,
    generated_at: dt.datetime | None = None,
    max_groups: int = MAX_GROUPS,
    max_rows: int = MAX_ROWS,
) -> str:
    """The scorecard as one HTML document (a string; callers write it atomically)."""
    generated_at = generated_at or dt.datetime.now()
    rows = card.rows()
    summary = card.summary()
    overall = next((a for a in card.appraisal if a.group is None), None)
    page = {
        "lang": lang,
        "html_lang": "zh-CN" if lang == "zh" else "en",
        "title": message("html.title", lang, period=card.period, rulebook=card.rulebook_name(lang)),
        "rulebook": card.rulebook_name(lang),
        "period": card.period,
        "as_of": as_of_text(card),
        "partial": card.partial,
        "verdict": card.verdict,
        "verdict_text": verdict_text(card, lang),
        "counts": [
            (s, f"{MARK[s]} {label(f'status.{s}', lang)}", summary.counts[s])
            for s in ("pass", "warn", "fail", "unmet", "no_data", "insufficient")
            if summary.counts.get(s)
        ],
        "score": None
        if overall is None or overall.score is None
        else (
            f"{overall.score:.1f}",
            grade_text(overall, lang, short=True),
            coverage_text(overall, lang),  # what the score rests on
        ),
        "cards": [_card(i + 1, r[2], card, trend, lang) for i, r in enumerate(rows)],
        "matrix": _matrix(card, lang, max_groups),
        "evidence": _evidence(card, lang, max_rows),
        "lines": summary_lines(card, lang)[:-1],  # the verdict is the banner
        "warnings": [w.render(lang) for w in card.warnings],
        "notes": [f"{label('note.prefix', lang)}: {n.render(lang)}" for n in card.notes],
        "inputs": [(path, digest[:12]) for path, digest in card.inputs],
        "footer": message(
            "html.footer",
            lang,
            version=__version__,
            time=generated_at.strftime("%Y-%m-%d %H:%M"),
            rulebook=card.rulebook_id,
        ),
    }
    labels = {
        key.split(".", 1)[1]: label(key, lang)
        for key in (
            "label.period",
            "label.as_of",
            "label.target",
            "label.actual",
            "label.ci",
            "label.budget",
            "label.trend",
            "label.score",
            "label.grade",
            "label.input_file",
            "label.standard",
            "warning.prefix",
            "html.standards",
            "html.matrix",
            "html.evidence",
            "html.partial",
            "html.about",
        )
    }
    return _environment().get_template("scorecard.html.j2").render(page=page, t=labels)
