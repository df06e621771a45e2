"""One evaluation run, from file names to a scorecard: the glue between the edges and the core."""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import pandas as pd

from cskpi.atomic import Staged, check_regular, place_all, remove_stale
from cskpi.errors import InputError, Problem, UsageError
from cskpi.evaluate import periods
from cskpi.evaluate.datasets import ColumnMatch, Waiver
from cskpi.evaluate.defaultperiod import default_period
from cskpi.evaluate.engine import evaluate
from cskpi.evaluate.groups import resolve_group_field
from cskpi.evaluate.periods import Granularity, Period, check_as_of, check_not_future
from cskpi.evaluate.scorecard import Scorecard
from cskpi.evaluate.trend import Trend, build_trend
from cskpi.i18n import Lang, printable
from cskpi.present.formats import by_suffix
from cskpi.present.outputs import check_apart, check_output, stage_output
from cskpi.present.privacy import is_personal, mask_scorecard
from cskpi.read.database import DEFAULT_TIMEOUT, is_database_url
from cskpi.read.inputs import Progress, read_inputs
from cskpi.read.paths import (
    check_placeholders,
    expand_inputs,
    expand_paths,
    fill_template,
    is_template,
)
from cskpi.read.ready import STALE_OWNER_HOURS
from cskpi.read.tables import DatabaseOptions, Explained
from cskpi.read.waivers import approved_by
from cskpi.rulebook.compiled import Rulebook
from cskpi.runs import history, historyrows
from cskpi.runs.runpaths import OPTION_NAMES, Names, input_reader


@dataclass(frozen=True)
class RunRequest:
    files: Sequence[str]  # paths, or templates with {yyyy} {mm} {period}
    rulebook: Rulebook
    period: Period | None = None
    as_of: pd.Timestamp | None = None
    group_by: str | None = None
    show_personal: bool = False
    evidence: bool = False  # rows will be shown (export, --evidence): load every column
    waivers: tuple[Waiver, ...] = ()
    now: pd.Timestamp | None = None  # the run's clock; None: periods.now()
    statement_timeout: float = DEFAULT_TIMEOUT  # seconds, for database inputs
    explained: Explained | None = None  # collects the SQL sent, for --explain-sql
    # collects the header matches as sheets are read: --explain-columns shows them even when
    # reading stops at a missing column
    columns: list[ColumnMatch] | None = None
    stale_owner_hours: float = STALE_OWNER_HOURS  # an older ~$ owner file is only a warning
    engine: str = "auto"  # auto: a database input runs there where it can; pandas: read rows
    waivers_file: Path | None = None  # where the waivers were read (never written over)
    settings_file: Path | None = None  # a project's cskpi.toml (never written over)


@dataclass(frozen=True)
class Inputs:
    """What a run reads: files after templates, globs and folders are expanded; databases."""

    paths: list[Path]
    warnings: list[Problem]
    period: Period | None  # the period a template was expanded for
    urls: list[str]
    # files a template gave for months before the period: read only for longer standards
    context: frozenset[Path] = frozenset()


def find_inputs(request: RunRequest) -> Inputs:
    """Check the period and expand the file arguments (only existence is checked: nothing is
    opened yet)."""
    now = request.now if request.now is not None else periods.now(request.rulebook.moments.zone)
    period = request.period
    if period is not None:  # refused before any file is read
        check_not_future(period, request.as_of, now)
        check_as_of(period, request.as_of)
    urls = [f for f in request.files if is_database_url(f)]
    files = [f for f in request.files if not is_database_url(f)]
    check_placeholders([f for f in files if not Path(f).exists()])
    if any(is_template(f) for f in files):
        period = period or periods.previous_month(now.date())
        paths, warnings, context = expand_inputs(files, period, request.rulebook)
        return Inputs(paths, warnings, period, urls, context)
    return Inputs(expand_paths(files), [], period, urls)


def run_evaluation(
    request: RunRequest,
    progress: Progress | None = None,
    *,
    strict: bool = False,
    found: Inputs | None = None,
) -> Scorecard:
    """Read every input, pick the period and evaluate, on the true values.

    The scorecard is assembled once, by the core, from what was read: what this function
    returns is what ``evaluate()`` returns for the same data and clock. Personal data is
    masked afterwards, on what is shown (:func:`shown_card`): a filter, a count of distinct
    customers or a grouping must not change with ``--show-personal``.
    """
    model = request.rulebook
    now = request.now if request.now is not None else periods.now(request.rulebook.moments.zone)
    group_fields = [resolve_group_field(model, request.group_by)] if request.group_by else []
    if group_fields and not request.show_personal and is_personal(model, group_fields[0]):
        # one result per customer would name every customer: only when asked for
        raise UsageError("usage.by_personal", value=request.group_by)
    found = found or find_inputs(request)
    paths, warnings, period, urls = found.paths, found.warnings, found.period, found.urls
    context = {printable(str(p)) for p in found.context}  # read only for longer standards
    options = DatabaseOptions(
        timeout=request.statement_timeout,
        span=None if period is None else run_span(model, period, request.as_of),
        explained=request.explained,
    )
    views = None
    if request.engine == "duckdb" and paths:  # files evaluated by DuckDB, not pandas
        from cskpi.sql.files import build_views

        views = build_views(paths, model)
        urls, paths = [views.url], []
        warnings = [*warnings, *views.warnings]
        options = replace(options, label=views.label, allowed=tuple(views.allowed))
    session = None
    if request.engine != "pandas" and len(urls) == 1 and not paths:
        from cskpi.sql.session import Session  # the standards run inside the database

        session = Session(
            urls[0],
            model,
            group_fields[0] if group_fields else None,
            request.statement_timeout,
            options.span,
            request.explained,
            options.label,
            options.allowed,
        )
        options = replace(options, only=session.read_only, counted=session.rows)
    try:
        data = read_inputs(
            paths,
            model,
            group_fields=group_fields,
            warnings=warnings,
            progress=progress,
            all_columns=request.evidence,
            databases=urls,
            database_options=options,
            stale_owner_hours=request.stale_owner_hours,
            matches=request.columns,
            now=now,
            context=context,
        )
        remote = {} if session is None else session.latest()
        if period is None:  # the latest month that is over (evaluate/defaultperiod.py)
            period, chosen = default_period(model, {**data.frames, **remote}, now)
            data.warnings.extend(chosen)
        if period is None:
            raise InputError("input.no_dated_rows")
        waivers, later = approved_by(request.waivers, request.as_of)
        data.warnings.extend(later)
        if session is not None:
            as_of = check_not_future(period, request.as_of, now) or min(period.last_instant, now)
            data = session.push(data, period, as_of, waivers)
        if views is not None:
            data = replace(data, files=views.files)  # the files, not the views' database
        card = evaluate(
            model,
            data,
            period,
            request.as_of,
            request.group_by,
            now=now,
            strict=strict,
            keep_evidence=request.evidence,
            waivers=waivers,
        )
        if session is not None and request.evidence:  # the rows behind what is listed
            card = session.evidence(card)
    finally:
        if session is not None:
            session.close()
        if views is not None:
            views.close()
    return card


def run_span(model: Rulebook, period: Period, as_of: pd.Timestamp | None) -> dict[str, object]:
    """The instants a run reads: from the start of the widest window any standard needs to
    the end of the period (or as-of). A dataset's query receives them as :start and :end."""
    widest: Granularity = max(
        (s.period for s in model.standards if s.date_field),
        key=lambda g: {"month": 0, "quarter": 1, "year": 2}[g],
        default="month",
    )
    end = period.last_instant if as_of is None else as_of
    return {"start": min(period.containing(widest).start, period.start), "end": end}


@dataclass(frozen=True)
class RunOptions:
    """What happens around the evaluation: where results go and how the history is kept."""

    output: Path | None = None
    more_outputs: tuple[Path, ...] = ()  # a project's other formats (json, html, ...)
    lang: Lang = "zh"
    strict: bool = False
    history: Path | None = None  # None: no history
    lock_timeout: float = 60.0
    trend_periods: int = 12
    csv_bom: bool = True  # a CSV file starts with a UTF-8 BOM (Excel on Chinese Windows)
    log_file: Path | None = None  # appended by the caller; here filled, kept apart from inputs
    names: Names = OPTION_NAMES

    @property
    def outputs(self) -> list[Path]:
        return [p for p in (self.output, *self.more_outputs) if p is not None]


def check_paths(request: RunRequest, options: RunOptions, found: Inputs) -> None:
    """No file the run writes is a file it reads (after expansion), or another written file."""
    inputs = [*found.paths, request.rulebook.path]
    inputs += [p for p in (request.waivers_file, request.settings_file) if p is not None]
    names = options.names
    outputs = [
        *((names.output, p) for p in (options.output, *options.more_outputs)),
        (names.log, options.log_file),
        (names.history, options.history),
    ]
    check_apart(outputs, inputs, input_reader(request.files))


def shown_card(card: Scorecard, request: RunRequest) -> Scorecard:
    """The scorecard every output receives: personal data masked unless --show-personal."""
    return card if request.show_personal else mask_scorecard(card, request.rulebook)


def recorded_card(card: Scorecard, rulebook: Rulebook) -> Scorecard:
    """What the history keeps: the true results, but never a personal value. Grouped by a
    personal column (--show-personal --by customer), only the overall results are kept."""
    if card.group_by is None or not is_personal(rulebook, card.group_by):
        return card
    return replace(
        card,
        groups=(),
        results=tuple(r for r in card.results if r.group is None),
        appraisal=tuple(a for a in card.appraisal if a.group is None),
    )


def execute(
    request: RunRequest, options: RunOptions, progress: Progress | None = None
) -> Scorecard:
    """Evaluate, record the history and write the outputs as one unit.

    Nothing is written until the history is held (exit 75 after ``lock_timeout``, nothing
    written); then each output is written beside its target, moved into place, and the
    history committed; if anything fails the previous files are put back.
    """
    started = time.time()
    check_placeholders([p for p in (*options.outputs, options.log_file) if p is not None])
    for output in options.outputs:  # a {period} in its folder: checked once filled
        by_suffix(output)
        if not is_template(str(output)):
            check_output(output, options.names.output)
    if options.log_file is not None and not is_template(str(options.log_file)):
        check_regular(options.log_file, options.names.log)
    found = find_inputs(request)
    options = _outputs_filled(request, options, found, found.period, started)
    if options.history is not None:
        history.check(options.history)
    true_card = run_evaluation(request, progress, strict=options.strict, found=found)
    written = (*options.outputs, options.log_file)
    if any(p is not None and is_template(str(p)) for p in written):  # the period is known now
        period = periods.parse_period(true_card.period)
        options = _outputs_filled(request, options, found, period, started)
    outputs = options.outputs
    card = shown_card(true_card, request)
    if options.history is None:
        place_all(_stage(card, outputs, request, options), lambda: None)
        return card
    path = options.history
    conn = history.connect(path)
    assert conn is not None
    try:
        with history.writing(conn, path, options.lock_timeout):
            history.record(
                conn,
                recorded_card(true_card, request.rulebook),
                rulebook_sha256=request.rulebook.sha256,
                exit_code=int(card.exit_code),
            )
            if outputs:
                rows = historyrows.load(conn, card.rulebook_id, group_by=card.group_by)
                order = [s.id for s in request.rulebook.standards]
                trend = build_trend(rows, options.trend_periods, order)
                staged = _stage(card, outputs, request, options, trend)
                place_all(staged, lambda: history.commit(conn, path))
    finally:
        conn.close()
    return card


def _outputs_filled(
    request: RunRequest, options: RunOptions, found: Inputs, period: Period | None, started: float
) -> RunOptions:
    """--output's and --log-file's {period}, {yyyy}, {mm} filled with the evaluated period once
    known (as a project's are); a filled path is checked like any other, and against the inputs."""
    if period is not None and (given := options.outputs):
        fill = [fill_template(str(p), period) for p in given]
        for output in (f for f, p in zip(fill, given, strict=True) if f != p):
            check_output(output, options.names.output)
        options = replace(options, output=fill[0], more_outputs=tuple(fill[1:]))
    if period is not None and options.log_file is not None and is_template(str(options.log_file)):
        options = replace(options, log_file=(log := fill_template(str(options.log_file), period)))
        check_regular(log, options.names.log)
    check_paths(request, options, found)
    for folder in {p.parent for p in options.outputs if not is_template(str(p))}:
        remove_stale(folder, started)
    return options


def _stage(
    card: Scorecard,
    outputs: list[Path],
    request: RunRequest,
    options: RunOptions,
    trend: Trend | None = None,
) -> list[Staged]:
    """Every output written beside its target; if one fails, those written are removed."""
    staged: list[Staged] = []
    # the run's clock in the rulebook's zone, as the as-of beside it (not the machine's zone)
    clock = request.now if request.now is not None else periods.now(request.rulebook.moments.zone)
    try:
        for output in outputs:
            staged.append(
                stage_output(
                    card,
                    output,
                    options.lang,
                    private=request.show_personal,
                    trend=trend,
                    csv_bom=options.csv_bom,
                    generated_at=clock.to_pydatetime(),
                )
            )
    except BaseException:
        for done in staged:
            done.undo()
        raise
    return staged
