"""Plain-words explanations of a standard: what a manager reads before trusting a number."""

from __future__ import annotations

from cskpi.i18n import Lang, label, message, pick
from cskpi.present.formatting import SYMBOL
from cskpi.rulebook.compiled import Rulebook, Standard
from cskpi.rulebook.metrics import METRICS


def _header(rulebook: Rulebook, std: Standard, field: str | None, lang: Lang) -> str:
    if field is None:
        return ""
    column = rulebook.datasets[std.dataset].columns[field]
    return column.header if lang == "zh" else f"{column.header} ({field})"


def _target(std: Standard) -> str:
    if METRICS[std.metric].share:
        return f"{SYMBOL[std.comparison]} {std.target * 100:g}%"
    return f"{SYMBOL[std.comparison]} {std.target:g}"


def explain_standard(rulebook: Rulebook, std: Standard, lang: Lang) -> list[str]:
    """A few sentences: sheet and columns, which rows count, period, metric, target, level."""
    spec = rulebook.datasets[std.dataset]
    columns = (
        "、".join(_header(rulebook, std, f, lang) for f in sorted(std.fields))
        if (lang == "zh")
        else ", ".join(_header(rulebook, std, f, lang) for f in sorted(std.fields))
    )
    lines = [
        f"{pick(std.name.model_dump(), lang)} ({std.id})",
        pick(std.description.model_dump(), lang),
        message("explain.data", lang, sheet=" / ".join(spec.sheets), columns=columns or "-"),
    ]
    if std.date_field:
        lines.append(
            message(
                f"explain.period.{std.period}",
                lang,
                column=_header(rulebook, std, std.date_field, lang),
            )
        )
    else:
        lines.append(message("explain.snapshot", lang))
    if std.filter:
        lines.append(message("explain.filter", lang, filter=std.filter.text))
    metric = METRICS[std.metric]
    lines.append(
        message(
            metric.explain,
            lang,
            metric=std.metric,
            condition=std.condition.text if std.condition else "",
            column=_header(rulebook, std, std.column_field, lang),
        )
    )
    if metric.share and std.min_answers:
        lines.append(message("explain.min_answers", lang, n=std.min_answers))
    lines.append(
        message(
            "explain.target",
            lang,
            target=_target(std),
            level=label(f"level.{std.level}", lang),
            weight=f"{std.weight:g}",
        )
    )
    if std.warn_target is not None:
        lines.append(
            message("explain.warn", lang, warn=f"{SYMBOL[std.comparison]} {std.warn_target:g}")
        )
    if std.source:
        lines.append(message("explain.source", lang, source=std.source))
    return lines
