"""Click's own usage errors (unknown option, missing argument, ...) in the help language.

Typer's copy of click writes them as fixed English f-strings, so a Chinese user who mistypes an
option read "Error: No such option" under ``--lang zh``. The common messages are recognised by
their shape and said again from the catalog; any other keeps click's words after the
translated prefix. Only the text changes: the exit code (2) and stderr stay click's.
"""

from __future__ import annotations

import re
from typing import IO, Any

from cskpi.i18n import Lang, label, message

# click's message (after any suggestion is cut off) -> catalog key; groups become parameters
_SHAPES = [
    (re.compile(r"No such option: (?P<name>\S+)$"), "click.no_such_option"),
    (re.compile(r"No such command '(?P<name>.+)'\.$"), "click.no_such_command"),
    (re.compile(r"Missing argument '(?P<name>.+)'\.$"), "click.missing_argument"),
    (re.compile(r"Missing option '(?P<name>.+)'\.$"), "click.missing_option"),
    (re.compile(r"Option '(?P<name>.+)' requires an argument\.$"), "click.needs_value"),
    (
        re.compile(r"Got unexpected extra argument(?:s|\(s\))? \((?P<name>.*)\)$"),
        "click.extra_arguments",
    ),
    (re.compile(r"Invalid value for (?P<name>.+?): (?P<reason>.*)$", re.S), "click.invalid_value"),
]
_POSSIBLE = re.compile(r" \(Possible options: (?P<names>.+)\)$|\s+Did you mean (?P<one>\S+)\?$")


def translate(text: str, lang: Lang) -> str:
    """Click's error message in ``lang`` where its shape is known; else unchanged."""
    if lang == "en":
        return text
    hint = ""
    suggestion = _POSSIBLE.search(text)
    if suggestion:
        text = text[: suggestion.start()]
        names = suggestion.group("names") or suggestion.group("one")
        hint = message("click.possible", lang, names=names)
    for shape, key in _SHAPES:
        found = shape.match(text)
        if found:
            return message(key, lang, **found.groupdict()) + hint
    return text + hint


def install(exception_class: Any, lang: Lang) -> None:
    """Make ``exception_class`` (click's UsageError, and so its subclasses) speak ``lang``."""
    if lang == "en":
        return

    def show(self: Any, file: IO[str] | None = None) -> None:
        import sys

        out = file or sys.stderr
        ctx = self.ctx
        if ctx is not None:
            out.write(ctx.get_usage() + "\n")
            if ctx.command.get_help_option(ctx) is not None:
                try_help = f"{ctx.command_path} {ctx.help_option_names[0]}"
                out.write(message("click.try_help", lang, command=try_help) + "\n")
            out.write("\n")
        prefix = label("error.prefix", lang)
        out.write(f"{prefix}: {translate(self.format_message(), lang)}\n")

    exception_class.show = show
