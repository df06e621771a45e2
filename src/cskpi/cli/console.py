"""What the command line writes and how it ends: stdout and stderr that survive a closed pipe, and
the one error boundary that turns every CskpiError into a message and its exit code (anything
unexpected: exit 4 with a hint to use --debug)."""

from __future__ import annotations

import errno
import os
import sys
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import NoReturn

import typer

from cskpi.errors import CskpiError, ExitCode, UsageError
from cskpi.i18n import LANGS, Lang, label, message


def parse_lang(value: str) -> Lang:
    """A --lang value, checked here so a typo is a usage error (exit 2), not English."""
    if value not in LANGS:
        raise UsageError("usage.bad_lang", value=value)
    return value


def shown_lang(value: str) -> Lang:
    """The language of messages about the run, even when --lang itself was refused."""
    return value if value in LANGS else "zh"


def write_err(text: str) -> None:
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


def write_out(text: str) -> None:
    """Text on stdout, through :func:`stdout_guard` (the caller has escaped any data in it)."""
    with stdout_guard():
        sys.stdout.write(text)


def print_line(line: str) -> None:
    """Lines on stdout, data in them shown as text (controls escaped: cskpi.present.safe)."""
    from cskpi.present.safe import visible

    write_out(visible(line, multiline=True) + "\n")


@contextmanager
def boundary(lang: str, debug: bool) -> Iterator[None]:
    """The one place errors become messages and exit codes."""
    shown = shown_lang(lang)
    try:
        yield
    except CskpiError as exc:
        if debug:
            traceback.print_exc()
        from cskpi.present.safe import error_lines

        prefix = label("error.prefix", shown)
        for line in error_lines(exc, shown):
            write_err(f"{prefix}: {line}")
        raise typer.Exit(int(exc.exit_code)) from None
    except (typer.Exit, typer.Abort, KeyboardInterrupt):
        raise
    except Exception as exc:
        if debug:
            traceback.print_exc()
        from cskpi.present.safe import visible

        detail = visible(f"{type(exc).__name__}: {exc}")
        write_err(
            f"{label('error.prefix', shown)}: {message('internal.error', shown, detail=detail)}"
        )
        raise typer.Exit(int(ExitCode.OUTPUT)) from None


def parse_seconds(value: float) -> float:
    """A wait in seconds: finite and not negative (nan would wait forever)."""
    import math

    if not math.isfinite(value) or value < 0:
        raise UsageError("usage.bad_lock_timeout", value=f"{value:g}")
    return value


def finish(code: int) -> NoReturn:
    """End the command with ``code`` (after its output is written)."""
    raise typer.Exit(code)


def stdout_console():
    """The rich console for stdout (markup off, not squeezed when piped: see rulelist)."""
    from cskpi.present.rulelist import console

    return console()
