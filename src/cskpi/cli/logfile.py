"""``evaluate --log-file``: one JSON line per run, in the run's language, at a path whose
``{period}``, ``{yyyy}``, ``{mm}`` are filled as ``--output``'s are (with the evaluated period).

A failed run is logged too, before the error boundary reports it, so the log is checked before
anything else; a run that fails before its period is known logs to the file of the period it
was asked for (``--period``; else the previous month, the default of a template run).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import typer

from cskpi.errors import CskpiError, ExitCode, UsageError
from cskpi.i18n import Lang, message

OPTION = "--log-file"


def filled(template: Path, period: str | None) -> Path:
    """The log of ``period`` (a label, ``previous`` or None: the previous month); a path with
    no placeholder as it is."""
    from cskpi.evaluate.periods import parse_period
    from cskpi.read.paths import fill_template, is_template

    if not is_template(str(template)):
        return template
    try:
        window = parse_period(period or "previous")
    except UsageError:  # a bad --period is reported by the run; its failure is logged here
        window = parse_period("previous")
    return fill_template(str(template), window)


def append_success(template: Path, card: Any, code: int, lang: Lang) -> None:
    """The line of a finished run, in the log of the period it evaluated (checked with the
    outputs before anything was written: :func:`cskpi.runs.run.execute`)."""
    from cskpi.present.formatting import summary_lines
    from cskpi.runs.runlog import append_log, log_line

    append_log(
        filled(template, card.period),
        log_line(
            period=card.period,
            inputs=[p for p, _h in card.inputs],
            exit_code=code,
            verdict=card.verdict,
            summary=summary_lines(card, lang)[0],  # the run's language
        ),
    )


@contextmanager
def logged(
    log_file: Path | None,
    files: list[str],
    period: str | None,
    lang: Lang,
    read: tuple[str | Path | None, ...] = (),
    written: tuple[tuple[str, Path | None], ...] = (),
) -> Iterator[None]:
    """Log a failed run (message only, never cell contents, in the run's ``lang`` like the
    project's log) before the boundary reports it.

    The log is checked first (no unknown placeholder; a regular file, none of the inputs, the
    rulebook or the waivers in ``read``, nor the history or output in ``written``; as given and
    filled for the period a failure would be logged under), so a refused log is never written
    to, not even with the failure."""
    from cskpi.read.database import mask_url

    failed_log = None
    if log_file is not None:
        from cskpi.read.paths import check_placeholders
        from cskpi.runs.runpaths import check_log

        check_placeholders([log_file])
        given = [Path(f) for f in read if f is not None and Path(f).is_file()]
        failed_log = filled(log_file, period)
        for path in dict.fromkeys((log_file, failed_log)):
            check_log(path, OPTION, files, given, written)
    files = [mask_url(f) for f in files]  # a database URL's password never reaches the log
    try:
        yield
    except CskpiError as exc:
        # a --log-file refused as an input (or another output) is never written to
        if failed_log is not None and OPTION not in _options(exc):
            _append_failure(
                failed_log, period, files, int(exc.exit_code), exc.render(lang, redact=True)
            )
        raise
    except (typer.Exit, typer.Abort, KeyboardInterrupt):
        raise
    except Exception as exc:
        if failed_log is not None:
            error = message("internal.logged", lang, detail=type(exc).__name__)
            _append_failure(failed_log, period, files, int(ExitCode.OUTPUT), error)
        raise


def _append_failure(
    path: Path, period: str | None, files: Sequence[str], code: int, error: str
) -> None:
    from cskpi.runs.runlog import append_log, log_line

    append_log(path, log_line(period=period, inputs=files, exit_code=code, error=error))


def _options(exc: CskpiError) -> set[object]:
    """The options an error names as refused files (--output, --log-file, --history)."""
    return {exc.problems[0].params.get(k) for k in ("option", "other")}
