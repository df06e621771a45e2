"""Plain-words explanations of a standard: what a manager reads before trusting a number.

A standard is found the way a supervisor names it: by id, by its Chinese or English name as
every output shows it, or by a close match (a word of the name, a typo).
"""

from __future__ import annotations

import difflib

from cskpi.errors import RulebookError
from cskpi.i18n import Lang, label, message, pick
from cskpi.language.syntax import normalize_name
from cskpi.present.words import SYMBOL, condition_words, metric_text, standard_target
from cskpi.rulebook.compiled import Rulebook, Standard
from cskpi.rulebook.metrics import METRICS


def _header(rulebook: Rulebook, std: Standard, field: str | None, lang: Lang) -> str:
    if field is None:
        return ""
    column = rulebook.datasets[std.dataset].columns[field]
    return column.header if lang == "zh" else f"{column.header} ({field})"


CLOSE = 0.6  # difflib's similarity for a close match
CLEARLY = 0.1  # the closest is taken alone when it is this much closer than the next


def find_standard(rulebook: Rulebook, text: str, lang: Lang) -> tuple[Standard, bool]:
    """The standard ``text`` names, and whether it named it exactly (id or a name; NFKC,
    case and spaces ignored). Otherwise the one standard whose id or name holds ``text``,
    or else is closest to it; several candidates, or none, are an error listing them."""
    names = {
        normalize_name(key): std
        for std in rulebook.standards
        for key in (std.id, std.name.zh, std.name.en)
    }
    wanted = normalize_name(text)
    if wanted in names:
        return names[wanted], True
    found = {s.id: s for key, s in names.items() if len(wanted) >= 2 and wanted in key}
    if not found:  # a typo: the clearly closest, else every close one
        ratios = sorted(
            ((difflib.SequenceMatcher(None, wanted, key).ratio(), key) for key in names),
            reverse=True,
        )
        close = [(r, key) for r, key in ratios if r >= CLOSE]
        if close and (len(close) == 1 or close[0][0] - close[1][0] >= CLEARLY):
            close = close[:1]
        found = {names[key].id: names[key] for _r, key in close}
    if len(found) == 1:
        return next(iter(found.values())), False
    listed = found.values() if found else rulebook.standards
    known = ", ".join(f"{pick(s.name.model_dump(), lang)} ({s.id})" for s in listed)
    key = "rules.ambiguous_standard" if found else "rules.unknown_standard"
    raise RulebookError(key, standard=text, known=known)


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
    if std.filter:  # in words, from the compiled tree: what is evaluated
        lines.append(
            message("explain.filter", lang, filter=condition_words(std.filter.tree, spec, lang))
        )
    metric = METRICS[std.metric]
    lines.append(
        message(
            metric.explain,
            lang,
            metric=metric_text(std.metric, lang),
            condition=condition_words(std.condition.tree, spec, lang) if std.condition else "",
            column=_header(rulebook, std, std.column_field, lang),
        )
    )
    if metric.share and std.min_answers:
        lines.append(message("explain.min_answers", lang, n=std.min_answers))
    lines.append(
        message(
            "explain.target",
            lang,
            target=standard_target(std),
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
