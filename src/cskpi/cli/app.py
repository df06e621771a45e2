"""The command line: parse arguments, call the core, render, return an exit code.

One error boundary (:func:`boundary`) turns every :class:`CskpiError` into one message and its
exit code; anything unexpected becomes exit 4 with a hint to use ``--debug``.
"""

from __future__ import annotations

import errno
import os
import re
import sys
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn

import typer

from cskpi.cli.helptext import h
from cskpi.errors import CskpiError, ExitCode, InputError, UsageError
from cskpi.i18n import LANGS, Lang, label, message
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

app = typer.Typer(
    name="cskpi",
    help=h("app"),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,  # plain help: importing rich's markdown costs 90 ms at every start
)
rules_app = typer.Typer(help=h("rules_app"), no_args_is_help=True, rich_markup_mode=None)
app.add_typer(rules_app, name="rules")

LangOpt = Annotated[str, typer.Option("--lang", help=h("lang"))]
DebugOpt = Annotated[bool, typer.Option("--debug", help=h("debug"))]
RulesOpt = Annotated[
    str | None,
    typer.Option("--rules", "-r", help=h("rules")),
]


def _show_version(value: bool) -> None:
    if value:
        from cskpi import __version__

        print(f"cskpi {__version__}")
        raise typer.Exit(0)


@app.callback()
def _root(
    ctx: typer.Context,
    version: Annotated[
        bool,
        typer.Option("--version", callback=_show_version, is_eager=True, help=h("version")),
    ] = False,
    lang: Annotated[str | None, typer.Option("--lang", help=h("root_lang"))] = None,
) -> None:
    """``cskpi --lang en <command>``: the default ``--lang`` of every command."""
    if lang is not None:
        with boundary("zh", False):
            ctx.default_map = _defaults(ctx.command, {"lang": _lang(lang)})


def _defaults(command: object, values: dict[str, object]) -> dict[str, object]:
    """Click's default map giving every subcommand (nested too) the same option values."""
    return {
        name: _defaults(sub, values) if hasattr(sub, "commands") else dict(values)
        for name, sub in getattr(command, "commands", {}).items()
    }


def _lang(value: str) -> Lang:
    if value not in LANGS:
        raise UsageError("usage.bad_lang", value=value)
    return value


def _stderr(text: str) -> None:
    """One line on stderr (callers escape data with cskpi.present.safe); a closed stderr is
    not a reason to lose the run's exit code."""
    try:
        sys.stderr.write(text + "\n")
        sys.stderr.flush()
    except (OSError, ValueError, AttributeError):
        pass


def _pipe_closed(exc: BaseException) -> bool:
    """The reader of stdout went away (`| head -1`) or stdout was closed."""
    if isinstance(exc, BrokenPipeError):
        return True
    if isinstance(exc, OSError):  # Windows reports a closed pipe as EINVAL
        return exc.errno in (errno.EPIPE, errno.EINVAL)
    return isinstance(exc, ValueError) and "closed file" in str(exc)


def discard_stdout() -> None:
    """Point stdout at the null device, so nothing more (not even Python's flush at exit)
    fails on a pipe nobody reads."""
    try:
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, sys.stdout.fileno())
        os.close(null)
    except (OSError, ValueError, AttributeError):  # no real file descriptor (tests)
        sys.stdout = Path(os.devnull).open("w", encoding="utf-8")  # noqa: SIM115


@contextmanager
def stdout_guard() -> Iterator[None]:
    """Around everything written to stdout: a closed pipe ends the output quietly, and the
    command keeps its own exit code (0 when every standard passed), with no traceback."""
    try:
        yield
        sys.stdout.flush()
    except (OSError, ValueError) as exc:
        if not _pipe_closed(exc):
            raise
        discard_stdout()


def _out(text: str) -> None:
    """Text on stdout, through :func:`stdout_guard` (the caller has escaped any data in it)."""
    with stdout_guard():
        sys.stdout.write(text)


def _print(line: str) -> None:
    """Lines on stdout, data in them shown as text (controls escaped: cskpi.present.safe)."""
    from cskpi.present.safe import visible

    _out(visible(line, multiline=True) + "\n")


@contextmanager
def boundary(lang: str, debug: bool) -> Iterator[None]:
    """The one place errors become messages and exit codes."""
    shown: Lang = lang if lang in LANGS else "zh"
    try:
        yield
    except CskpiError as exc:
        if debug:
            traceback.print_exc()
        from cskpi.present.safe import error_lines

        prefix = label("error.prefix", shown)
        for line in error_lines(exc, shown):
            _stderr(f"{prefix}: {line}")
        raise typer.Exit(int(exc.exit_code)) from None
    except (typer.Exit, typer.Abort, KeyboardInterrupt):
        raise
    except Exception as exc:
        if debug:
            traceback.print_exc()
        from cskpi.present.safe import visible

        detail = visible(f"{type(exc).__name__}: {exc}")
        _stderr(
            f"{label('error.prefix', shown)}: {message('internal.error', shown, detail=detail)}"
        )
        raise typer.Exit(int(ExitCode.OUTPUT)) from None


def _seconds(value: float) -> float:
    """A wait in seconds: finite and not negative (nan would wait forever)."""
    import math

    if not math.isfinite(value) or value < 0:
        raise UsageError("usage.bad_lock_timeout", value=f"{value:g}")
    return value


def _finish(code: int) -> NoReturn:
    raise typer.Exit(code)


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
    with boundary(lang, debug), _logged(log_file, files, period, (rules, waivers), apart):
        chosen = _lang(lang)
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
            lock_timeout=_seconds(lock_timeout),
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
            _stderr(f"{prefix}: {problem_line(warning, chosen)}")
        for note in () if quiet else card.notes:  # not news: only when not quiet
            _stderr(f"{label('note.prefix', chosen)}: {problem_line(note, chosen)}")
        if explain_sql:
            from cskpi.present.sqltext import render_sql

            _stderr(render_sql(explained.entries))
        if verbose:
            for note in explained.notes:
                _stderr(note.render(chosen))
        if verbose:
            for line in report.column_lines(card, chosen, loaded):
                _stderr(line)
        if not quiet:
            from cskpi.present.safe import visible

            for written in outputs:
                _stderr(visible(message("output.written", chosen, file=str(written))))
        with stdout_guard():
            if explain_columns:
                report.render_columns(card.columns, _console(), chosen, loaded)
            _print_card(
                card, shown_format, chosen, quiet=quiet, evidence=evidence, bom=csv_bom, top=top
            )
        if log_file is not None:
            from cskpi.present.formatting import summary_lines
            from cskpi.runs.runlog import append_log, log_line

            append_log(
                log_file,
                log_line(
                    period=card.period,
                    inputs=[p for p, _h in card.inputs],
                    exit_code=code,
                    verdict=card.verdict,
                    summary=summary_lines(card, "en")[0],
                ),
            )
    _finish(code)


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
                render_columns(columns, _console(), lang, rulebook)
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


@contextmanager
def _logged(
    log_file: Path | None,
    files: list[str],
    period: str | None,
    read: tuple[str | Path | None, ...] = (),
    written: tuple[tuple[str, Path | None], ...] = (),
) -> Iterator[None]:
    """Log a failed run (message only, never cell contents) before the boundary reports it.

    The log is checked first (a regular file, none of the inputs, the rulebook or the waivers
    in ``read``, nor the history or output in ``written``), so a refused log is never written
    to, not even with the failure."""
    from cskpi.read.database import mask_url

    if log_file is not None:
        from cskpi.runs.run import check_log

        given = [Path(f) for f in read if f is not None and Path(f).is_file()]
        check_log(log_file, "--log-file", files, given, written)
    files = [mask_url(f) for f in files]  # a database URL's password never reaches the log
    try:
        yield
    except CskpiError as exc:
        # a --log-file refused as an input (or another output) is never written to
        if log_file is not None and "--log-file" not in _options(exc):
            from cskpi.runs.runlog import append_log, log_line

            append_log(
                log_file,
                log_line(
                    period=period,
                    inputs=files,
                    exit_code=int(exc.exit_code),
                    error=exc.render("en", redact=True),
                ),
            )
        raise
    except (typer.Exit, typer.Abort, KeyboardInterrupt):
        raise
    except Exception as exc:
        if log_file is not None:
            from cskpi.runs.runlog import append_log, log_line

            append_log(
                log_file,
                log_line(
                    period=period,
                    inputs=files,
                    exit_code=int(ExitCode.OUTPUT),
                    error=f"internal error: {type(exc).__name__}",
                ),
            )
        raise


def _options(exc: CskpiError) -> set[object]:
    """The options an error names as refused files (--output, --log-file, --history)."""
    return {exc.problems[0].params.get(k) for k in ("option", "other")}


def _console():
    from cskpi.present.rulelist import console

    return console()


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

    console = _console()
    report.render_table(card, console, lang, quiet=quiet, top=top)
    if evidence:
        from cskpi.present.evidence import render_evidence

        render_evidence(card, console, lang)


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
        chosen = _lang(lang)
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
                    _console(),
                    chosen,
                    waived,
                    top=top,
                    group_by=group_by,
                    group_word=word,
                )
    _finish(0)


def _loaded(rules: str | None) -> Rulebook:
    from cskpi.rulebook.load import load_rulebook

    return load_rulebook(rules)


@rules_app.command("check", help=h("rules.check"))
def rules_check(
    paths: Annotated[list[str], typer.Argument(help=h("rules.check.paths"))],
    lang: LangOpt = "zh",
    debug: DebugOpt = False,
) -> None:
    """Validate rulebooks; every problem is listed with its file and line (校验规则手册)."""
    failed = False
    for path in paths:
        try:
            with boundary(lang, debug):
                loaded = _loaded(path)
                _print(
                    message(
                        "rules.ok",
                        _lang(lang),
                        file=str(loaded.path),
                        n=len(loaded.standards),
                    )
                )
        except typer.Exit:
            failed = True
    _finish(int(ExitCode.USAGE) if failed else 0)


@rules_app.command("list", help=h("rules.list"))
def rules_list(
    rules: RulesOpt = None,
    output_format: Annotated[
        str, typer.Option("--format", "-f", help=h("rules.list.format"))
    ] = "table",
    show_all: Annotated[
        bool,
        typer.Option("--all", help=h("rules.list.all")),
    ] = False,
    lang: LangOpt = "zh",
    debug: DebugOpt = False,
) -> None:
    """List the standards of a rulebook, or every bundled rulebook (列出绩效标准/规则手册)."""
    with boundary(lang, debug):
        chosen = _lang(lang)
        if output_format not in ("table", "json"):
            raise UsageError("usage.bad_format", value=output_format, known="table, json")
        if show_all:
            _list_bundled(rules, output_format, chosen)
        elif output_format == "json":
            from cskpi.present.rulelist import rules_json

            _out(rules_json(_loaded(rules), chosen) + "\n")
        else:
            from cskpi.present.rulelist import rules_table

            _out(rules_table(_loaded(rules), chosen) + "\n")
    _finish(0)


def _list_bundled(rules: str | None, output_format: str, lang: Lang) -> None:
    """Every bundled rulebook, so a user finds the one for their role."""
    from cskpi.present.rulelist import rulebooks_json, rulebooks_table
    from cskpi.rulebook.load import DEFAULT_RULEBOOK, bundled_names

    if rules is not None:
        raise UsageError("usage.all_and_rules")
    books = [_loaded(name) for name in bundled_names()]
    render = rulebooks_json if output_format == "json" else rulebooks_table
    _out(render(books, DEFAULT_RULEBOOK, lang) + "\n")


@app.command(help=h("template"))
def template(
    path: Annotated[Path, typer.Argument(help=h("template.path"))],
    rules: RulesOpt = None,
    teams: Annotated[str, typer.Option("--teams", help=h("template.teams"))] = "一组,二组,三组",
    force: Annotated[bool, typer.Option("--force", help=h("template.force"))] = False,
    lang: LangOpt = "zh",
    debug: DebugOpt = False,
) -> None:
    """Create a blank input workbook with every sheet, drop-downs and examples (生成模板)."""
    with boundary(lang, debug):
        from cskpi.atomic import check_writable, write_atomic
        from cskpi.present.template import write_template

        _lang(lang)
        if path.exists() and not force:
            raise UsageError("usage.exists", file=str(path))
        check_writable(path)
        model = _loaded(rules)
        names = [t.strip() for t in re.split("[,，、;；]", teams) if t.strip()]
        write_atomic(path, lambda tmp: write_template(model, tmp, teams=names or ["一组"]))
        from cskpi.present.safe import visible

        _print(message("template.written", _lang(lang), file=visible(str(path))))
    _finish(0)


@rules_app.command("explain", help=h("rules.explain"))
def rules_explain(
    standard: Annotated[str, typer.Argument(help=h("rules.explain.standard"))],
    rules: RulesOpt = None,
    lang: LangOpt = "zh",
    debug: DebugOpt = False,
) -> None:
    """Explain in plain words how a standard is computed (说明标准的计算方法)."""
    with boundary(lang, debug):
        chosen = _lang(lang)
        from cskpi.present.explain import explain_standard, find_standard

        model = _loaded(rules)
        found, exact = find_standard(model, standard, chosen)  # an id, a name, a close match
        if not exact:
            name = found.name.zh if chosen == "zh" else found.name.en
            _stderr(message("explain.closest", chosen, standard=standard, name=name))
        for line in explain_standard(model, found, chosen):
            _print(line)
    _finish(0)


# The project commands (init, run, schedule, doctor, calendar) live in their own module.
from cskpi.cli import project as _project_commands  # noqa: E402, F401
