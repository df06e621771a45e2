"""A rulebook's standards as rows, JSON or a table (`cskpi rules list`).

Kept apart from :mod:`cskpi.report` so that listing a rulebook never imports pandas.
"""

from __future__ import annotations

import json
from typing import Any

from cskpi.i18n import Lang, label, message, pick
from cskpi.rulebook import LoadedRulebook, Rulebook


def standard_rows(model: Rulebook, lang: Lang) -> list[dict[str, Any]]:
    return [
        {
            "id": s.id,
            "name": pick(s.name.model_dump(), lang),
            "dataset": s.dataset,
            "period": s.period if s.date_column else "snapshot",
            "metric": s.metric,
            "comparison": s.comparison,
            "target": s.target,
            "level": s.level,
            "weight": s.weight,
        }
        for s in model.standards
    ]


def rules_json(loaded: LoadedRulebook, lang: Lang) -> str:
    return json.dumps(
        {
            "rulebook": loaded.id,
            "path": str(loaded.path),
            "standards": standard_rows(loaded.model, lang),
        },
        ensure_ascii=False,
        indent=2,
    )


def render_rules(model: Rulebook, console: Any, lang: Lang) -> None:
    """One row per standard, in a rich table (wide Chinese text lines up)."""
    from rich.table import Table

    title = message("title.rules", lang, rulebook=pick(model.rulebook.name.model_dump(), lang))
    table = Table(title=title, header_style="bold")
    for key in (
        "label.id",
        "label.standard",
        "label.dataset",
        "label.period",
        "label.metric",
        "label.target",
        "label.level",
    ):
        table.add_column(label(key, lang))
    for row in standard_rows(model, lang):
        target = f"{row['comparison']} {row['target']:g}"
        table.add_row(
            row["id"],
            row["name"],
            row["dataset"],
            row["period"],
            row["metric"],
            target,
            label(f"level.{row['level']}", lang),
        )
    console.print(table)
