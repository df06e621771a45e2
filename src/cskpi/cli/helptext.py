"""The language of ``--help``, decided before the app is built, and its texts from the catalog.

Help is printed while the arguments are parsed (``--help`` is eager), before any ``--lang``
option has a value, so the language is read from the command line and the locale first:
``--lang zh`` anywhere in the arguments, else a ``zh_*`` locale (LC_ALL, LC_MESSAGES, LANG,
as POSIX orders them; the user's locale on Windows), else English. Click's own words
(Usage, Options, [default: ...]) are translated by a help formatter.
"""

from __future__ import annotations

import locale
import os
import re
import sys
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

from cskpi.i18n import LANGS, Lang, message


def help_language(
    argv: Sequence[str], environ: Mapping[str, str], system_locale: str | None = None
) -> Lang:
    """``--lang X`` in ``argv``, else the locale's language (zh for zh_*), else English."""
    for i, arg in enumerate(argv):
        value = argv[i + 1] if arg == "--lang" and i + 1 < len(argv) else None
        if arg.startswith("--lang="):
            value = arg.partition("=")[2]
        if value in LANGS:
            return value
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        if environ.get(name):
            return _from_locale(environ[name])
    return _from_locale(system_locale or "")


def _from_locale(name: str) -> Lang:
    # 'zh_CN.UTF-8' on POSIX; 'Chinese (Simplified)_China' from Windows' locale names
    return "zh" if name.lower().startswith(("zh", "chinese")) else "en"


def _system_locale() -> str | None:
    """The user's locale where no environment variable names one (Windows)."""
    if sys.platform != "win32":
        return None
    return locale.getlocale()[0]


HELP_LANG: Lang = help_language(sys.argv[1:], os.environ, _system_locale())


def h(key: str, **params: object) -> str:
    """The help text ``help.<key>`` in the help language."""
    return message(f"help.{key}", HELP_LANG, **params)


_CLICK_WORDS = {
    "Usage:": "help.click.usage",
    "Arguments": "help.click.arguments",
    "Options": "help.click.options",
    "Commands": "help.click.commands",
    "Show this message and exit.": "help.click.help",
}
_BRACKET = re.compile(r"\[(default: |required\])")


class _Words:
    """Mixed into click's help formatter (typer's own copy of click): its fixed English words
    in the help language, the layout unchanged."""

    lang: Lang = "en"

    def _word(self, text: str) -> str:
        key = _CLICK_WORDS.get(text)
        return message(key, self.lang) if key else text

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        super().write_usage(prog, args, prefix=self._word("Usage:") + " ")  # type: ignore[misc]

    @contextmanager
    def section(self, name: str) -> Iterator[None]:
        with super().section(self._word(name)):  # type: ignore[misc]
            yield

    def write_dl(self, rows: Sequence[tuple[str, str]], *args: int) -> None:
        super().write_dl([(term, self._help(text)) for term, text in rows], *args)  # type: ignore[misc]

    def _help(self, text: str) -> str:
        text = self._word(text)
        return _BRACKET.sub(
            lambda m: (
                "["
                + message(
                    "help.click.default"
                    if m.group(1).startswith("default")
                    else "help.click.required",
                    self.lang,
                )
            ),
            text,
        )


def localize(command: Any, lang: Lang = HELP_LANG) -> Any:
    """Give a click ``command`` and its subcommands a help formatter that speaks ``lang``,
    and every value a name a reader understands (``--period PERIOD``, ``FILES...``)."""
    _name_values(command, lang)
    if lang == "en":
        return command
    from typer._click.exceptions import UsageError

    from cskpi.cli.clickerrors import install

    install(UsageError, lang)  # click's own errors (unknown option, ...) in the same language
    base = command.context_class
    formatter = type("Formatter", (_Words, base.formatter_class), {"lang": lang})
    context = type("Context", (base,), {"formatter_class": formatter})
    for current in _commands(command):
        current.context_class = context
    return command


def _commands(command: Any) -> Iterator[Any]:
    stack = [command]
    while stack:
        current = stack.pop()
        yield current
        stack.extend(getattr(current, "commands", {}).values())


# typer names a value by its Python type (``<str>``, ``<list[str]>``, ``{files}...``), which
# means nothing to a reader. Names are English in both languages: click aligns the option list
# by characters, not by display width, so a Chinese name would push its line out of step.
METAVARS = {
    "files": "FILES", "paths": "FILES", "path": "FILE", "output": "FILE", "log_file": "FILE",
    "history_path": "FILE", "waivers": "FILE", "folder": "FOLDER", "project": "FOLDER",
    "standard": "STANDARD", "year": "YEAR", "rules": "RULEBOOK", "period": "PERIOD",
    "as_of": "DATE", "by": "COLUMN", "output_format": "FORMAT", "engine": "ENGINE",
    "lang": "zh|en", "last": "N", "lock_timeout": "SECONDS", "statement_timeout": "SECONDS",
    "stale_owner_hours": "HOURS", "teams": "TEAMS",
}  # fmt: skip
_BY_TYPE = {"<int>": "NUMBER", "<float>": "NUMBER", "<path>": "PATH"}


def _metavar(param: Any) -> str:
    return METAVARS.get(param.name) or _BY_TYPE.get(param.display_type(None), "TEXT")


def _name_values(command: Any, lang: Lang) -> None:
    """Options read ``--period PERIOD``; arguments ``FILES...`` in the usage line and list."""
    for current in _commands(command):
        if lang != "en":
            current.options_metavar = message("help.click.options_metavar", lang)
            if hasattr(current, "subcommand_metavar"):
                current.subcommand_metavar = message("help.click.subcommand_metavar", lang)
        for param in current.params:
            if param.param_type_name == "option" and not param.is_flag:
                param.metavar = _metavar(param)
            elif param.param_type_name == "argument":
                shown = _metavar(param) + ("..." if param.nargs != 1 else "")
                usage = shown if param.required else f"[{shown}]"
                param.metavar = shown
                # click's public hooks: no type after the name, no braces in the usage line
                param.display_type_rich = lambda ctx: None
                param.get_usage_pieces = lambda ctx, usage=usage: [usage]
