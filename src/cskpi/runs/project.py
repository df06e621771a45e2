"""A project: one folder with ``cskpi.toml``, the monthly inputs, the scorecards and the history.

``cskpi run`` evaluates a month of the project from wherever it is started (the folder or any
folder below it), so the scheduled line and a person at the keyboard do exactly the same thing,
and the project's history is the only one its runs write. Paths in ``cskpi.toml`` are relative
to the folder; ``{period}``, ``{yyyy}`` and ``{mm}`` are filled in; backslashes and drive letters
written on Windows are read as Windows paths.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from cskpi.errors import Problem, UsageError
from cskpi.i18n import Lang, message
from cskpi.rulebook.load import load_rulebook
from cskpi.rulebook.models import Calendar
from cskpi.runs.settings import (
    SETTINGS_FILE,
    Settings,
    check_placeholders,
    local_path,
    settings_problems,
    shown_value,
    toml_lines,
)


@dataclass(frozen=True)
class Project:
    """A project folder and its validated settings."""

    root: Path
    settings: Settings = field(default_factory=Settings)

    @property
    def file(self) -> Path:
        return self.root / SETTINGS_FILE

    def path(self, text: str) -> Path:
        return local_path(text, self.root)

    @property
    def history(self) -> Path:
        return self.path(self.settings.history)

    def log(self, period: str) -> Path | None:
        """The log of ``period`` (a label), {period} {yyyy} {mm} filled as in the outputs."""
        from cskpi.evaluate.periods import parse_period
        from cskpi.read.paths import fill_template

        if self.settings.log is None:
            return None
        return fill_template(str(self.path(self.settings.log)), parse_period(period))

    def inputs(self) -> list[str]:
        """Input templates as absolute paths (still holding their placeholders); a database
        URL as it is (a relative SQLite or DuckDB file under the project)."""
        from cskpi.read.database import anchored, is_database_url

        return [
            anchored(t, self.root) if is_database_url(t) else str(self.path(t))
            for t in self.settings.inputs
        ]

    def outputs(self, period: str) -> list[Path]:
        """The scorecard files of ``period`` (a label such as 2026-10)."""
        from cskpi.evaluate.periods import parse_period
        from cskpi.read.paths import fill_template

        window = parse_period(period)
        return [fill_template(str(self.path(t)), window) for t in self.settings.outputs]

    def rulebook_ref(self) -> str:
        """A rulebook file of the project, or else a bundled rulebook's name."""
        candidate = self.path(self.settings.rulebook)
        return str(candidate) if candidate.exists() else self.settings.rulebook

    def load_rulebook(self):  # -> Rulebook (annotated loosely: rulebook import stays lazy)
        """The rulebook, with the project's calendar days added to its own."""
        model = load_rulebook(self.rulebook_ref())
        own, extra = model.calendar, self.settings.calendar
        merged = Calendar(
            holidays=[*own.holidays, *extra.holidays],
            workdays=[*own.workdays, *extra.workdays],
            complete_years=[*own.complete_years, *extra.complete_years],
        )
        return replace(model, calendar=merged)


def load_project(root: Path) -> Project:
    """Read and validate ``root/cskpi.toml``; every problem names the file and line (exit 2)."""
    file = root / SETTINGS_FILE
    try:
        raw = file.read_bytes()
    except OSError as exc:
        raise UsageError("project.unreadable", file=str(file), reason=exc.strerror) from None
    try:
        text = raw.decode("utf-8-sig")
        data = tomllib.loads(text)
    except UnicodeDecodeError:
        raise UsageError("project.not_utf8", file=str(file)) from None
    except tomllib.TOMLDecodeError as exc:
        raise UsageError("project.bad_toml", file=str(file), reason=str(exc)) from None
    except RecursionError:  # tomllib recurses into nested arrays and inline tables
        raise UsageError("project.too_deep", file=str(file)) from None
    try:
        settings = Settings.model_validate(data)
    except RecursionError:
        raise UsageError("project.too_deep", file=str(file)) from None
    except ValidationError as exc:
        raise UsageError.of(settings_problems(exc, str(file), toml_lines(text))) from None
    from cskpi.present.formats import file_suffixes

    lines = toml_lines(text)
    check_placeholders(settings, str(file), lines)
    known = file_suffixes()
    bad = [t for t in settings.outputs if Path(t).suffix.lower() not in known]
    if bad:
        raise UsageError(
            "rules.invalid",
            file=str(file),
            line=lines.line(("outputs",)),
            path="outputs",
            detail=Problem(
                "project.output_suffix", {"file": shown_value(bad[0]), "known": " ".join(known)}
            ),
        )
    return Project(root.resolve(), settings)


def find_project(start: Path | None = None, explicit: Path | None = None) -> Project:
    """The project of ``--project DIR``, else of the current folder or the nearest parent."""
    if explicit is not None:
        root = explicit.parent if explicit.name == SETTINGS_FILE else explicit
        if not (root / SETTINGS_FILE).is_file():
            raise UsageError("project.not_found_at", folder=str(root))
        return load_project(root)
    found = locate(start)
    if found is None:
        raise UsageError("project.not_found", folder=str((start or Path.cwd()).resolve()))
    return load_project(found)


def locate(start: Path | None = None) -> Path | None:
    """The nearest folder at or above ``start`` holding a cskpi.toml, or None."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / SETTINGS_FILE).is_file():
            return folder
    return None


@dataclass(frozen=True)
class ProjectRun:
    """What ``cskpi run`` did: the scorecard, the files written, the exit code, the warnings
    it has to show besides the card's own (notifications that could not be sent)."""

    card: Any  # Scorecard
    outputs: tuple[Path, ...]
    exit_code: int
    notices: tuple[Problem, ...] = ()


def run_project(
    project: Project,
    period: str | None = None,
    lang: str | None = None,
    warn: Callable[[Problem], None] = lambda _p: None,
) -> ProjectRun:
    """Evaluate one period of the project (default: the previous month), record it in the
    project's history, write its scorecards, alert, and log the run.

    A run that cannot finish (input missing, rulebook broken, history busy) is logged and
    alerted as well, then raised. Notifications that fail go to ``warn`` (and the log).
    """
    from cskpi.errors import CskpiError
    from cskpi.evaluate.periods import parse_period
    from cskpi.present.formats import wants_rows
    from cskpi.runs.run import RunOptions, RunRequest, execute, find_inputs
    from cskpi.runs.runpaths import PROJECT_NAMES
    from cskpi.runs.setup import is_bundled_sample

    settings = project.settings
    shown: Lang = lang or settings.lang  # type: ignore[assignment]
    window = parse_period(period or "previous")
    outputs = project.outputs(window.label)
    _check_log(project, window, outputs)  # refused: not even the failure is written to it
    try:
        for output in outputs:
            _make_folder(output.parent)
        request = RunRequest(
            files=project.inputs(),
            rulebook=project.load_rulebook(),
            period=window,
            group_by=settings.by,
            evidence=any(wants_rows(p) for p in outputs),
            settings_file=project.file,
        )
        # the README's trial on the bundled sample must not become October in the trend
        found = find_inputs(request)
        trial = not found.urls and is_bundled_sample(found.paths)
        if trial:
            warn(Problem("project.trial", {"history": str(project.history)}))
        options = RunOptions(
            more_outputs=tuple(outputs),
            lang=shown,
            strict=settings.strict,
            history=None if trial else project.history,
            lock_timeout=settings.lock_timeout,
            log_file=project.log(window.label),
            names=PROJECT_NAMES,
        )
        card = execute(request, options)
    except CskpiError as exc:
        if PROJECT_NAMES.log in {exc.problems[0].params.get(k) for k in ("option", "other")}:
            raise  # the log itself was refused: nothing is written to it
        error = exc.render(shown, redact=True)
        _after_failure(project, window.label, error, int(exc.exit_code), shown, warn)
        raise
    except Exception as exc:
        error = message("internal.logged", shown, detail=type(exc).__name__)
        _after_failure(project, window.label, error, 4, shown, warn)
        raise
    code = int(card.exit_code)
    notices = _alert(project, card, outputs, shown)
    for notice in notices:
        warn(notice)
    _log(project, window.label, code, shown, card=card, notices=notices)
    return ProjectRun(card, tuple(outputs), code, tuple(notices))


def _check_log(project: Project, window: Any, outputs: list[Path]) -> None:
    """The log is checked before anything else, since a failed run is logged too: it must be
    a regular file (or not there yet) and none of the project's inputs (this period's files,
    and what its templates, globs and folders read), rulebook, settings, history or outputs."""
    from cskpi.read.database import is_database_url
    from cskpi.read.paths import fill_template
    from cskpi.runs.runpaths import PROJECT_NAMES, check_log

    log = project.log(window.label)
    if log is None:
        return
    files = project.inputs()
    read = [project.file, project.path(project.settings.rulebook)]
    read += [fill_template(f, window) for f in files if not is_database_url(f)]
    written = [
        (PROJECT_NAMES.history, project.history),
        *((PROJECT_NAMES.output, p) for p in outputs),
    ]
    check_log(log, PROJECT_NAMES.log, files, read, written)


def _make_folder(folder: Path) -> None:
    from cskpi.errors import OutputError

    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(
            "output.write_failed", file=str(folder), reason=exc.strerror or str(exc)
        ) from None


def _alert(project: Project, card: Any, outputs: list[Path], lang: Lang) -> list[Problem]:
    from cskpi.runs import notify

    rules = project.settings.notify
    verdict = card.verdict
    if not rules.urls or not notify.wanted(rules.on, verdict, card):
        return []
    workbook = next((p for p in outputs if p.suffix.lower() == ".xlsx"), None)
    note = notify.compose(card, verdict, lang, workbook or (outputs[0] if outputs else None))
    pages = [p for p in outputs if p.suffix.lower() in (".xlsx", ".html", ".htm")]
    return notify.send(rules.urls, note, attachments=pages)  # the workbook and the page


def _after_failure(
    project: Project,
    period: str,
    error: str,
    code: int,
    lang: Lang,
    warn: Callable[[Problem], None],
) -> None:
    """Alert (whatever ``on`` says: a run that did not finish is always news) and log."""
    from cskpi.runs import notify

    notices = notify.send(
        project.settings.notify.urls, notify.compose_error(period, error, lang, project.root)
    )
    for notice in notices:
        warn(notice)
    _log(project, period, code, lang, error=error, notices=notices)


def _log(
    project: Project,
    period: str,
    code: int,
    lang: Lang,
    *,
    card: Any = None,
    error: str | None = None,
    notices: Sequence[Problem] = (),
) -> None:
    """One line in the project's log, in the project's language like its error text."""
    from cskpi.runs.runlog import append_log, log_line

    log = project.log(period)
    if log is None:
        return
    summary = None
    if card is not None:
        from cskpi.present.formatting import summary_lines

        summary = summary_lines(card, lang)[0]
    from cskpi.read.database import mask_url

    inputs = [p for p, _h in card.inputs] if card is not None else project.inputs()
    inputs = [mask_url(i) for i in inputs]  # a password in a database URL never reaches the log
    append_log(
        log,
        log_line(
            period=period,
            inputs=inputs,
            exit_code=code,
            summary=summary,
            error=error,
            notices=[n.render(lang) for n in notices],
        ),
    )


def check_project(project: Project, period: str | None = None) -> None:
    """What ``run --check`` proves: the settings, the rulebook and the period are valid and
    the scorecard folders can be written. Reads no input and writes nothing."""
    from cskpi.errors import OutputError
    from cskpi.evaluate.periods import parse_period

    window = parse_period(period or "previous")
    project.load_rulebook()
    _check_log(project, window, project.outputs(window.label))
    for output in project.outputs(window.label):
        here = output.parent
        while not here.exists() and here.parent != here:
            here = here.parent
        if not os.access(here, os.W_OK | os.X_OK):
            raise OutputError("output.write_failed", file=str(output), reason="permission denied")


def history_source(rules: str | None, path: Path | None, project: Path | None):
    """The rulebook and history ``cskpi history`` reads: ``--history`` as given, else the
    project's (here, above, or ``--project``); outside a project a path is required."""
    if path is not None and not path.exists():  # a typo must not read as "no results yet"
        from cskpi.errors import InputError

        where = path.parent if str(path.parent) else Path()
        reason = Problem(
            "history.no_file" if where.is_dir() else "history.no_folder", {"folder": str(where)}
        )
        raise InputError("history.not_found", file=str(path), reason=reason)
    if path is not None and project is None:
        return load_rulebook(rules), path
    if project is None and locate() is None:
        raise UsageError("history.no_project", folder=str(Path.cwd()))
    found = find_project(explicit=project)
    model = load_rulebook(rules) if rules is not None else found.load_rulebook()
    return model, path or found.history
