"""cskpi history: the trend of past runs, from a project's history or --history.

Registered on the one typer app of :mod:`cskpi.cli.base`; :mod:`cskpi.cli.app` imports it."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from cskpi.cli.base import DebugOpt, LangOpt, RulesOpt, app
from cskpi.cli.console import boundary, finish, parse_lang, stdout_console, stdout_guard
from cskpi.cli.helptext import h
from cskpi.errors import UsageError


@app.command("history", help=h("history"))
def history_command(
    rules: RulesOpt = None,
    standard: Annotated[
        str | None, typer.Option("--standard", "-s", help=h("history.standard"))
    ] = None,
    by: Annotated[str | None, typer.Option("--by", help=h("history.by"))] = None,
    last: Annotated[int, typer.Option("--last", help=h("history.last"))] = 12,
    top: Annotated[int, typer.Option("--top", min=1, help=h("history.top"))] = 20,
    output_format: Annotated[
        str, typer.Option("--format", "-f", help=h("history.format"))
    ] = "table",
    history_path: Annotated[
        Path | None, typer.Option("--history", help=h("history.history"))
    ] = None,
    project: Annotated[Path | None, typer.Option("--project", help=h("history.project"))] = None,
    lang: LangOpt = "zh",
    debug: DebugOpt = False,
) -> None:
    """Results of past runs: periods across, standards down, trend and failure streak (历史)."""
    with boundary(lang, debug):
        chosen = parse_lang(lang)
        from cskpi.evaluate.groups import resolve_group_field
        from cskpi.evaluate.trend import build_trend
        from cskpi.present import jsoncsv
        from cskpi.present import terminal as report
        from cskpi.runs import history, historyrows
        from cskpi.runs.project import history_source

        loaded, path = history_source(rules, history_path, project)
        group_by = resolve_group_field(loaded, by) if by else None
        if output_format not in ("table", "json", "csv"):
            raise UsageError("usage.bad_format", value=output_format, known="table, json, csv")
        rows, waived = [], []
        conn = history.connect(path, read_only=True)
        if conn is not None:
            try:
                rows = historyrows.load(conn, loaded.id, standard=standard, group_by=group_by)
                waived = historyrows.load_waivers(conn, loaded.id)
            finally:
                conn.close()
        order = [s.id for s in loaded.standards]
        trend = build_trend(rows, last, order)
        names = {s.id: (s.name.zh if chosen == "zh" else s.name.en) for s in loaded.standards}
        with stdout_guard():
            if output_format == "json":
                sys.stdout.write(jsoncsv.render_history_json(trend, waived) + "\n")
            elif output_format == "csv":
                sys.stdout.write(jsoncsv.render_history_csv(trend))
            else:
                word = None
                if group_by is not None:
                    word = next(
                        spec.columns[group_by].header
                        for spec in loaded.datasets.values()
                        if group_by in spec.columns
                    )
                report.render_history(
                    trend,
                    names,
                    stdout_console(),
                    chosen,
                    waived,
                    top=top,
                    group_by=group_by,
                    group_word=word,
                )
    finish(0)
