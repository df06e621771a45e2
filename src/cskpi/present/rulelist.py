"""A rulebook's standards, or every bundled rulebook, as rows, JSON or a table (`cskpi rules list`).

Kept apart from :mod:`cskpi.report` so that listing a rulebook never imports pandas.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import Any

from cskpi.i18n import Lang, display_width, label, message, pick
from cskpi.present import jsontext
from cskpi.present.safe import visible
from cskpi.present.words import metric_text, period_text, standard_target
from cskpi.rulebook.compiled import Rulebook


def standard_rows(model: Rulebook, lang: Lang) -> list[dict[str, Any]]:
    return [
        {
            "id": s.id,
            "name": pick(s.name.model_dump(), lang),
            "dataset": s.dataset,
            "period": s.period if s.date_field else "snapshot",
            "metric": s.metric,
            "comparison": s.comparison,
            "target": s.target,
            "level": s.level,
            "weight": s.weight,
        }
        for s in model.standards
    ]


def rules_json(loaded: Rulebook, lang: Lang) -> str:
    return jsontext.dumps(
        {"rulebook": loaded.id, "path": str(loaded.path), "standards": standard_rows(loaded, lang)}
    )


def rules_table(model: Rulebook, lang: Lang) -> str:
    """One row per standard as plain text; wide (CJK) characters count twice, so it lines up.

    Plain text rather than rich: `cskpi rules list` should answer at once.
    """
    heads = [
        label(k, lang)
        for k in (
            "label.id",
            "label.standard",
            "label.dataset",
            "label.period",
            "label.metric",
            "label.target",
            "label.level",
        )
    ]
    rows = [  # in words: ≥ 95%, 月, 比例 (the JSON keeps the rulebook's values)
        [
            visible(s.id),
            visible(pick(s.name.model_dump(), lang)),
            visible(model.datasets[s.dataset].title(lang)),
            period_text(s, lang),
            metric_text(s.metric, lang),
            standard_target(s),
            label(f"level.{s.level}", lang),
        ]
        for s in model.standards
    ]
    title = visible(message("title.rules", lang, rulebook=pick(model.name.model_dump(), lang)))
    return "\n".join([title, "", *_aligned(heads, rows)])


def rulebook_rows(rulebooks: Sequence[Rulebook], default: str, lang: Lang) -> list[dict[str, Any]]:
    """One row per rulebook: what a user needs to pick the one for their role."""
    return [
        {
            "id": book.id,
            "name": pick(book.name.model_dump(), lang),
            "standards": len(book.standards),
            "part": pick(book.part.model_dump(), lang) if book.part else None,
            "default": book.id == default,
            "path": str(book.path),
        }
        for book in rulebooks
    ]


def rulebooks_json(rulebooks: Sequence[Rulebook], default: str, lang: Lang) -> str:
    return jsontext.dumps({"rulebooks": rulebook_rows(rulebooks, default, lang)})


def rulebooks_table(rulebooks: Sequence[Rulebook], default: str, lang: Lang) -> str:
    """`cskpi rules list --all`: id, name, number of standards, part of the source document."""
    heads = [
        label(k, lang)
        for k in ("label.id", "label.rulebook", "label.standards_count", "label.source_part")
    ]
    rows = [
        [r["id"], r["name"], str(r["standards"]), r["part"] or "-"]
        for r in rulebook_rows(rulebooks, default, lang)
    ]
    return "\n".join(
        [
            message("title.rulebooks", lang),
            "",
            *_aligned(heads, rows),
            "",
            message("rules.default_note", lang, rulebook=default),
        ]
    )


def _aligned(heads: list[str], rows: list[list[str]]) -> list[str]:
    """Header, rule and rows as plain text; wide (CJK) characters count twice."""
    widths = [max(display_width(row[i]) for row in [heads, *rows]) for i in range(len(heads))]

    def line(cells: list[str]) -> str:
        return "  ".join(
            c + " " * (w - display_width(c)) for c, w in zip(cells, widths, strict=True)
        ).rstrip()

    return [line(heads), "  ".join("-" * w for w in widths), *(line(r) for r in rows)]


def console() -> Any:
    """A rich console; not squeezed to 80 columns when writing to a file or a pipe.

    Markup and emoji codes are off: text is printed as it is (data arrives as ``Text`` from
    :mod:`cskpi.present.safe` anyway; this keeps a stray plain string from being styled).
    """
    from rich.console import Console

    class Quiet(Console):
        def on_broken_pipe(self) -> None:
            """Rich exits 1 on a broken pipe; the command's own exit code must stand, so the
            error goes back to the caller (cskpi.cli.console.stdout_guard) and printing stops."""
            self.quiet = True
            raise BrokenPipeError(32, "Broken pipe")

    options: dict[str, Any] = {
        "highlight": False,
        "soft_wrap": False,
        "markup": False,
        "emoji": False,
    }
    terminal = Quiet(**options)
    if terminal.is_terminal or os.environ.get("COLUMNS", "").isdigit():  # a width asked for
        return terminal
    return Quiet(**options, width=max(terminal.width, 140))
