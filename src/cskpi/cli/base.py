"""The one typer app, its root options and the options the commands share.

Every command module registers itself on :data:`app`; :mod:`cskpi.cli.app` imports them all, in
the order ``cskpi --help`` lists them (``--version``, ``--lang`` for every command live here)."""

from __future__ import annotations

from typing import Annotated

import typer

from cskpi.cli.console import boundary, parse_lang
from cskpi.cli.helptext import h

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
            ctx.default_map = _defaults(ctx.command, {"lang": parse_lang(lang)})


def _defaults(command: object, values: dict[str, object]) -> dict[str, object]:
    """Click's default map giving every subcommand (nested too) the same option values."""
    return {
        name: _defaults(sub, values) if hasattr(sub, "commands") else dict(values)
        for name, sub in getattr(command, "commands", {}).items()
    }
