"""Commands of a project folder: init, run, schedule, doctor, calendar.

Registered on the one typer app of :mod:`cskpi.cli.base`; :mod:`cskpi.cli.app` imports this module.
"""

from __future__ import annotations

import shlex
import sys
from pathlib import Path
from typing import Annotated

import typer

from cskpi.cli.base import DebugOpt, LangOpt, app
from cskpi.cli.console import boundary, finish, parse_lang, write_err
from cskpi.cli.helptext import h
from cskpi.errors import Problem
from cskpi.i18n import Lang, label, message
from cskpi.present.safe import visible

ProjectOpt = Annotated[
    Path | None,
    typer.Option("--project", help=h("project.project")),
]


def _warn(lang: Lang):
    prefix = label("warning.prefix", lang)

    def show(problem: Problem) -> None:
        from cskpi.present.safe import problem_line  # a warning may quote a cell: escaped

        write_err(f"{prefix}: {problem_line(problem, lang)}")

    return show


@app.command(help=h("init"))
def init(
    folder: Annotated[Path, typer.Argument(help=h("init.folder"))] = Path(),
    lang: LangOpt = "zh",
    debug: DebugOpt = False,
) -> None:
    """Start a project: cskpi.toml, inputs/ with a sample, scorecards/, crontab.txt (初始化)."""
    with boundary(lang, debug):
        chosen = parse_lang(lang)
        from cskpi.runs.setup import SAMPLE_PERIOD, init_project

        for path in init_project(folder, chosen):
            print(message("init.written", chosen, file=visible(str(path))))
        from cskpi.evaluate.periods import now
        from cskpi.runs.schedule import next_run

        upcoming = next_run(now().to_pydatetime()).period  # the month the next run will need
        print(
            message(
                "init.next",
                chosen,
                folder=visible(str(folder)),
                period=SAMPLE_PERIOD,
                example=upcoming,
            )
        )
    finish(0)


@app.command(help=h("run"))
def run(
    project: ProjectOpt = None,
    period: Annotated[
        str | None,
        typer.Option("--period", "-p", help=h("run.period")),
    ] = None,
    check: Annotated[
        bool,
        typer.Option("--check", help=h("run.check")),
    ] = False,
    lang: Annotated[str | None, typer.Option("--lang", help=h("run.lang"))] = None,
    debug: DebugOpt = False,
) -> None:
    """Evaluate the project's month; silent when every standard passes (运行项目)."""
    with boundary(lang or "zh", debug):
        from cskpi.runs.project import find_project

        found = find_project(explicit=project)
        chosen = parse_lang(lang or found.settings.lang)
    with boundary(chosen, debug):  # from here on, errors speak the project's language
        if check:
            from cskpi.runs.project import check_project

            check_project(found, period)
            finish(0)
        from cskpi.runs.project import run_project

        done = run_project(found, period, chosen, warn=_warn(chosen))
        _report(done, chosen)
    finish(done.exit_code)


def _report(done, lang: Lang) -> None:
    """As ``evaluate --quiet``: nothing when the verdict is a pass and nothing was warned;
    else the warnings (stderr), the title (a cron mail says which rulebook and month), the
    rows that did not pass with the summary, and every scorecard file written."""
    card = done.card
    if card.verdict == "pass" and not card.warnings:
        return
    show = _warn(lang)
    for warning in card.warnings:
        show(warning)
    from cskpi.cli.console import print_line, stdout_console, stdout_guard
    from cskpi.present.formatting import scorecard_title
    from cskpi.present.terminal import render_table

    with stdout_guard():  # `| head` or a closed stdout: quiet, the run's own exit code
        print_line(scorecard_title(card, lang))
        render_table(card, stdout_console(), lang, quiet=True)
    for output in done.outputs:
        print_line(message("notify.scorecard", lang, file=visible(str(output))))


@app.command(help=h("schedule"))
def schedule(project: ProjectOpt = None, lang: LangOpt = "zh", debug: DebugOpt = False) -> None:
    """Print the crontab line and the Windows Task Scheduler command; installs nothing (定时)."""
    with boundary(lang, debug):
        chosen = parse_lang(lang)
        from cskpi.runs.project import find_project
        from cskpi.runs.schedule import (
            crontab_line,
            laptop_settings,
            schtasks_command,
            schtasks_too_long,
        )

        found = find_project(explicit=project)
        root = found.root
        print(message("schedule.cron", chosen))
        print(crontab_line(root))
        print(message("schedule.cron_add", chosen, file=shlex.quote(str(root / "crontab.txt"))))
        print()
        print(message("schedule.windows", chosen))
        print(schtasks_command(root))
        if schtasks_too_long(root):
            print(message("schedule.windows_long", chosen))
        print(message("schedule.windows_laptop", chosen))
        print(laptop_settings(root))
        print()
        print(message("schedule.after", chosen))
    finish(0)


@app.command(help=h("doctor"))
def doctor(project: ProjectOpt = None, lang: LangOpt = "zh", debug: DebugOpt = False) -> None:
    """Check that the scheduled run will work: launcher, inputs, folders, lock, calendar,
    notification targets (体检). Exit 1 when something must be fixed."""
    with boundary(lang, debug):
        chosen = parse_lang(lang)
        from cskpi.runs.doctor import examine
        from cskpi.runs.project import find_project

        findings = examine(find_project(explicit=project))
        marks = {"ok": "✓", "warn": "!", "error": "✗"}
        from cskpi.present.safe import problem_line

        for finding in findings:  # a finding may name a file: escaped
            print(f"{marks[finding.level]} {problem_line(finding.problem, chosen)}")
        errors = sum(f.level == "error" for f in findings)
        warnings = sum(f.level == "warn" for f in findings)
        print(message("doctor.summary", chosen, errors=errors, warnings=warnings))
    finish(1 if errors else 0)


@app.command("calendar", help=h("calendar"))
def calendar_command(
    year: Annotated[int | None, typer.Argument(help=h("calendar.year"))] = None,
    project: ProjectOpt = None,
    rules: Annotated[str | None, typer.Option("--rules", "-r", help=h("calendar.rules"))] = None,
    lang: LangOpt = "zh",
    debug: DebugOpt = False,
) -> None:
    """Which years the working-day calendar covers, and how to add one (工作日历)."""
    with boundary(lang, debug):
        chosen = parse_lang(lang)
        from cskpi.runs.holidays import calendar_report

        for line in calendar_report(year, project=project, rules=rules, lang=chosen):
            sys.stdout.write(line + "\n")
    finish(0)
