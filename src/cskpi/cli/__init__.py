"""The command line (typer): parse arguments, call the core, render, return an exit code.

:func:`main` is the console-script entry point. It sets up UTF-8 output and imports the typer
application only then, so importing :mod:`cskpi.cli` stays cheap.
"""

from __future__ import annotations

import os
import signal
import sys


class Stopped(BaseException):
    """Ctrl-C, SIGTERM, SIGHUP or Ctrl-Break: unwind, so temporary files are removed and the
    history transaction is rolled back, then exit 128 + the signal number (130 for Ctrl-C,
    never 1, which means a standard failed)."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


def _stop(signum: int, _frame: object) -> None:
    raise Stopped(signum)


def main() -> None:
    """Console-script entry point: UTF-8 output whatever the locale, then the command.

    A stream closed before the start (``>&-``) is the null device, and a pipe closed while
    the output is flushed at the end (``| head -1``) is not an error: the command's own exit
    code stands.
    """
    for name in ("SIGINT", "SIGTERM", "SIGHUP", "SIGBREAK"):  # SIGHUP: Unix; SIGBREAK: Windows
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), _stop)
    if sys.stdout is None:
        sys.stdout = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115, PTH123
    if sys.stderr is None:
        sys.stderr = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115, PTH123
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None and (stream.encoding or "").lower() not in ("utf-8", "utf8"):
            reconfigure(encoding="utf-8", errors="replace")
    # pydantic looks for plugins in every installed package's metadata (13 ms); cskpi uses none
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    import typer.main

    from cskpi.cli.app import app
    from cskpi.cli.console import discard_stdout, stdout_guard
    from cskpi.cli.helptext import localize

    try:
        localize(typer.main.get_command(app))(prog_name="cskpi")
    except Stopped as stop:
        sys.exit(128 + stop.signum)
    finally:
        try:
            with stdout_guard():  # the last flush, before Python's own at exit
                pass
        except (OSError, ValueError):  # the exit code is decided: keep it
            discard_stdout()
