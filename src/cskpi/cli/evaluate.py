"""``cskpi evaluate``: parse its arguments, call :mod:`cskpi.runs`, render, return an exit code.

Errors become messages in :func:`cskpi.cli.console.boundary`; the run log of a failed run is
written before that (:mod:`cskpi.cli.logfile`).
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from cskpi.cli import logfile
from cskpi.cli.base import DebugOpt, LangOpt, RulesOpt, app
from cskpi.cli.console import (
    boundary,
    finish,
    parse_lang,
    parse_seconds,
    shown_lang,
    stdout_console,
    stdout_guard,
    write_err,
)
from cskpi.cli.helptext import h
from cskpi.errors import InputError, UsageError
from cskpi.i18n import Lang, label, message
from cskpi.present.formats import (
    OutputFormat,
    by_name,
    file_suffixes,
    stdout_names,
    wants_rows,
)

if TYPE_CHECKING:
    from cskpi.evaluate.datasets import ColumnMatch, Waiver
    from cskpi.read.inputs import Progress
    from cskpi.rulebook.compiled import Rulebook

ENGINES = ("auto", "pandas", "duckdb")


@app.command(help=h("evaluate"))
def evaluate(
    files: Annotated[
        list[str],
        typer.Argument(help=h("evaluate.files")),
    ],
    rules: RulesOpt = None,
    period: Annotated[
        str | None,
        typer.Option("--period", "-p", help=h("evaluate.period")),
    ] = None,
    as_of: Annotated[
        str | None,
        typer.Option("--as-of", help=h("evaluate.as_of")),
    ] = None,
    by: Annotated[str | None, typer.Option("--by", help=h("evaluate.by"))] = None,
    output_format: Annotated[
        str,
        typer.Option("--format", "-f", help=h("evaluate.format", known=", ".join(stdout_names()))),
    ] = "table",
    output: Annotated[
        list[Path] | None,
        typer.Option("--output", "-o", help=h("evaluate.output", known=" ".join(file_suffixes()))),
    ] = None,
    csv_bom: Annotated[
        bool | None,
        typer.Option(
            "--csv-bom/--no-csv-bom",
            help=h("evaluate.csv_bom"),
        ),
    ] = None,
    evidence: Annotated[bool, typer.Option("--evidence", help=h("evaluate.evidence"))] = False,
    show_personal: Annotated[
        bool, typer.Option("--show-personal", help=h("evaluate.show_personal"))
    ] = False,
    history_path: Annotated[
        Path | None,
        typer.Option("--history", help=h("evaluate.history")),
    ] = None,
    no_history: Annotated[
        bool, typer.Option("--no-history", help=h("evaluate.no_history"))
    ] = False,
    lock_timeout: Annotated[
        float, typer.Option("--lock-timeout", help=h("evaluate.lock_timeout"))
    ] = 60.0,
    stale_owner_hours: Annotated[
        float, typer.Option("--stale-owner-hours", help=h("evaluate.stale_owner_hours"))
    ] = 4.0,
    log_file: Annotated[
        Path | None, typer.Option("--log-file", help=h("evaluate.log_file"))
    ] = None,
    waivers: Annotated[
        Path | None,
        typer.Option("--waivers", help=h("evaluate.waivers")),
    ] = None,
    explain_columns: Annotated[
        bool, typer.Option("--explain-columns", help=h("evaluate.explain_columns"))
    ] = False,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help=h("evaluate.verbose"))] = False,
    explain_sql: Annotated[
        bool, typer.Option("--explain-sql", help=h("evaluate.explain_sql"))
    ] = False,
    statement_timeout: Annotated[
        float, typer.Option("--statement-timeout", help=h("evaluate.statement_timeout"))
    ] = 300.0,
    engine: Annotated[str, typer.Option("--engine", help=h("evaluate.engine"))] = "auto",
    lang: LangOpt = "zh",
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help=h("evaluate.quiet"))] = False,
    top: Annotated[int, typer.Option("--top", min=1, help=h("evaluate.top"))] = 20,
    strict: Annotated[bool, typer.Option("--strict", help=h("evaluate.strict"))] = False,
    debug: DebugOpt = False,
) -> None:
    """Evaluate input workbooks against a rulebook and print the scorecard (评估绩效)."""
    apart = (("--history", history_path), *(("--output", o) for o in output or ()))
    logged = logfile.logged(log_file, files, period, shown_lang(lang), (rules, waivers), apart)
    with boundary(lang, debug), logged:
        chosen = parse_lang(lang)
        from cskpi.evaluate.periods import parse_as_of, parse_period
        from cskpi.present import terminal as report
        from cskpi.rulebook.load import load_rulebook
        from cskpi.runs.run import RunOptions, RunRequest, execute

        shown_format = by_name(output_format)
        outputs = list(output or ())
        loaded = load_rulebook(rules)
        approved: tuple[Waiver, ...] = ()
        if waivers is not None:
            from cskpi.read.waivers import load_waivers

            approved = tuple(load_waivers(waivers, [s.id for s in loaded.standards]))
        from cskpi.read.tables import Explained

        if engine not in ENGINES:
            raise UsageError("usage.bad_engine", value=engine, known=", ".join(ENGINES))
        explained = Explained()
        columns: list[ColumnMatch] = []
        request = RunRequest(
            columns=columns,
            files=files,
            statement_timeout=statement_timeout,
            explained=explained,
            engine=engine,
            rulebook=loaded,
            waivers=approved,
            waivers_file=waivers,
            period=parse_period(period) if period else None,
            as_of=parse_as_of(as_of, loaded.moments) if as_of else None,
            group_by=by,
            show_personal=show_personal,
            evidence=evidence or any(wants_rows(p) for p in outputs),
            stale_owner_hours=stale_owner_hours,
        )
        options = RunOptions(
            output=outputs[0] if outputs else None,
            more_outputs=tuple(outputs[1:]),  # -o given again: every file, not only the last
            lang=chosen,
            strict=strict,
            history=None if no_history else history_path,  # ad hoc: no history unless asked
            lock_timeout=parse_seconds(lock_timeout),
            csv_bom=True if csv_bom is None else csv_bom,
            log_file=log_file,
        )
        with (
            _progress(files, chosen, quiet) as progress,
            _columns_shown_on_error(columns, chosen, explain_columns, loaded),
        ):
            card = execute(request, options, progress)
        code = int(card.exit_code)
        from cskpi.present.safe import problem_line

        prefix = label("warning.prefix", chosen)
        for warning in card.warnings:  # always, even when quiet: a warning is news
            write_err(f"{prefix}: {problem_line(warning, chosen)}")
        for note in () if quiet else card.notes:  # not news: only when not quiet
            write_err(f"{label('note.prefix', chosen)}: {problem_line(note, chosen)}")
        if explain_sql:
            from cskpi.present.sqltext import render_sql

            write_err(render_sql(explained.entries))
        if verbose:
            for note in explained.notes:
                write_err(note.render(chosen))
        if verbose:
            for line in report.column_lines(card, chosen, loaded):
                write_err(line)
        if not quiet:
            from cskpi.present.safe import visible
            from cskpi.read.paths import fill_template  # -o's {period}: the evaluated one

            for written in outputs:
                written = fill_template(str(written), parse_period(card.period))
                write_err(visible(message("output.written", chosen, file=str(written))))
        with stdout_guard():
            if explain_columns:
                report.render_columns(card.columns, stdout_console(), chosen, loaded)
            _print_card(
                card, shown_format, chosen, quiet=quiet, evidence=evidence, bom=csv_bom, top=top
            )
        if log_file is not None:
            logfile.append_success(log_file, card, code, chosen)
    finish(code)


@contextmanager
def _columns_shown_on_error(
    columns: list[ColumnMatch], lang: Lang, shown: bool, rulebook: Rulebook
) -> Iterator[None]:
    """--explain-columns: the header mapping read so far, before an input error is reported
    (a missing column is exactly when the mapping is needed)."""
    try:
        yield
    except InputError:
        if shown and columns:
            from cskpi.present.terminal import render_columns

            with stdout_guard():
                render_columns(columns, stdout_console(), lang, rulebook)
        raise


PROGRESS_BYTES = 2_000_000  # about a second of reading: smaller inputs show no progress


@contextmanager
def _progress(files: list[str], lang: Lang, quiet: bool) -> Iterator[Progress | None]:
    """A progress display on stderr for large reads; nothing when quiet or not a terminal."""
    from cskpi.read.database import is_database_url

    sizes = (Path(f).stat().st_size for f in files if not is_database_url(f) and Path(f).is_file())
    large = sum(sizes) > PROGRESS_BYTES
    if quiet or not large or not sys.stderr.isatty():
        yield None
        return
    from rich.console import Console

    from cskpi.present.terminal import ReadProgress

    with ReadProgress(Console(stderr=True), lang) as progress:
        yield progress


def _print_card(
    card,
    shown: OutputFormat,
    lang: Lang,
    *,
    quiet: bool,
    evidence: bool = False,
    bom: bool | None = None,
    top: int = 20,
) -> None:
    """The scorecard on stdout: the table, or a text format (a CSV BOM only when asked for)."""
    if shown.text is not None:
        from cskpi.present.formats import BOM, RenderOptions

        text = shown.text(card, lang, RenderOptions(top=top))
        sys.stdout.write((BOM if shown.bom and bom else "") + text)
        return
    from cskpi.present import terminal as report

    console = stdout_console()
    report.render_table(card, console, lang, quiet=quiet, top=top)
    if evidence:
        from cskpi.present.evidence import render_evidence

        render_evidence(card, console, lang)
