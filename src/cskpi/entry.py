"""The console entry point, with a fast path for the quick rulebook commands.

typer builds every command's parameters when it starts, importing its pydantic adapters
(about 0.06 s beyond what the rulebook itself needs), so the plain forms of
`cskpi rules check` and `cskpi rules list` are served without it. Anything else, including
--help and any unusual option, goes to the full command line (:mod:`cskpi.cli`), which gives
the same output; a test checks that the two agree.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence

from cskpi.errors import CskpiError, ExitCode, render_error
from cskpi.i18n import LANGS, Lang, message


def _options(args: Sequence[str], allowed: set[str]) -> tuple[dict[str, str], list[str]] | None:
    """Split ``--key value`` / ``--key=value`` options from positionals; None if unusual."""
    options: dict[str, str] = {}
    positional: list[str] = []
    items = list(args)
    while items:
        item = items.pop(0)
        if item.startswith("-"):
            key, _, value = item.partition("=")
            key = {"-f": "--format", "-r": "--rules"}.get(key, key)
            if key not in allowed or (not value and not items):
                return None
            options[key] = value or items.pop(0)
        else:
            positional.append(item)
    return options, positional


def run_quick(argv: Sequence[str]) -> int | None:
    """The exit code of a plain `rules check` / `rules list`, or None to use the full CLI."""
    if len(argv) < 2 or argv[0] != "rules" or argv[1] not in ("check", "list"):
        return None
    listing = argv[1] == "list"
    allowed = {"--lang"} | ({"--rules", "--format"} if listing else set())
    parsed = _options(argv[2:], allowed)
    if parsed is None:
        return None
    options, positional = parsed
    lang = options.get("--lang", "zh")
    output_format = options.get("--format", "table")
    if (
        lang not in LANGS
        or (not listing and not positional)
        or (listing and (positional or output_format not in ("table", "json")))
    ):
        return None  # let the full command line explain the mistake
    chosen: Lang = lang  # type: ignore[assignment]
    from cskpi.rulebook import load_rulebook

    if not listing:
        failed = False
        for name in positional:
            try:
                loaded = load_rulebook(name)
            except CskpiError as exc:
                sys.stderr.write(render_error(exc, chosen) + "\n")
                failed = True
                continue
            print(message("rules.ok", chosen, file=str(loaded.path), n=len(loaded.model.standards)))
        return int(ExitCode.USAGE) if failed else 0
    try:
        loaded = load_rulebook(options.get("--rules"))
    except CskpiError as exc:
        sys.stderr.write(render_error(exc, chosen) + "\n")
        return int(exc.exit_code)
    from cskpi import rulelist

    if output_format == "json":
        print(rulelist.rules_json(loaded, chosen))
    else:
        print(rulelist.rules_table(loaded.model, chosen))
    return 0


def main() -> None:
    """Console-script entry point: UTF-8 output whatever the locale, then the command."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None and (stream.encoding or "").lower() not in ("utf-8", "utf8"):
            reconfigure(encoding="utf-8", errors="replace")
    # pydantic looks for plugins in every installed package's metadata (13 ms); cskpi uses none
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    code = run_quick(sys.argv[1:])
    if code is not None:
        sys.exit(code)
    from cskpi.cli import app

    app()
