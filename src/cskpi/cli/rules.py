"""cskpi rules check / list / explain and cskpi template: the rulebook's commands.

Registered on the one typer app of :mod:`cskpi.cli.base`; :mod:`cskpi.cli.app` imports it."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from cskpi.cli.base import DebugOpt, LangOpt, RulesOpt, app, rules_app
from cskpi.cli.console import boundary, finish, parse_lang, print_line, write_err, write_out
from cskpi.cli.helptext import h
from cskpi.errors import ExitCode, UsageError
from cskpi.i18n import Lang, message

if TYPE_CHECKING:
    from cskpi.rulebook.compiled import Rulebook


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
                print_line(
                    message(
                        "rules.ok",
                        parse_lang(lang),
                        file=str(loaded.path),
                        n=len(loaded.standards),
                    )
                )
        except typer.Exit:
            failed = True
    finish(int(ExitCode.USAGE) if failed else 0)


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
        chosen = parse_lang(lang)
        if output_format not in ("table", "json"):
            raise UsageError("usage.bad_format", value=output_format, known="table, json")
        if show_all:
            _list_bundled(rules, output_format, chosen)
        elif output_format == "json":
            from cskpi.present.rulelist import rules_json

            write_out(rules_json(_loaded(rules), chosen) + "\n")
        else:
            from cskpi.present.rulelist import rules_table

            write_out(rules_table(_loaded(rules), chosen) + "\n")
    finish(0)


def _list_bundled(rules: str | None, output_format: str, lang: Lang) -> None:
    """Every bundled rulebook, so a user finds the one for their role."""
    from cskpi.present.rulelist import rulebooks_json, rulebooks_table
    from cskpi.rulebook.load import DEFAULT_RULEBOOK, bundled_names

    if rules is not None:
        raise UsageError("usage.all_and_rules")
    books = [_loaded(name) for name in bundled_names()]
    render = rulebooks_json if output_format == "json" else rulebooks_table
    write_out(render(books, DEFAULT_RULEBOOK, lang) + "\n")


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

        parse_lang(lang)
        if path.exists() and not force:
            raise UsageError("usage.exists", file=str(path))
        check_writable(path)
        model = _loaded(rules)
        names = [t.strip() for t in re.split("[,，、;；]", teams) if t.strip()]
        write_atomic(path, lambda tmp: write_template(model, tmp, teams=names or ["一组"]))
        from cskpi.present.safe import visible

        print_line(message("template.written", parse_lang(lang), file=visible(str(path))))
    finish(0)


@rules_app.command("explain", help=h("rules.explain"))
def rules_explain(
    standard: Annotated[str, typer.Argument(help=h("rules.explain.standard"))],
    rules: RulesOpt = None,
    lang: LangOpt = "zh",
    debug: DebugOpt = False,
) -> None:
    """Explain in plain words how a standard is computed (说明标准的计算方法)."""
    with boundary(lang, debug):
        chosen = parse_lang(lang)
        from cskpi.present.explain import explain_standard, find_standard

        model = _loaded(rules)
        found, exact = find_standard(model, standard, chosen)  # an id, a name, a close match
        if not exact:
            name = found.name.zh if chosen == "zh" else found.name.en
            write_err(message("explain.closest", chosen, standard=standard, name=name))
        for line in explain_standard(model, found, chosen):
            print_line(line)
    finish(0)
