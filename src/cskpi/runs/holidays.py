"""`cskpi calendar [YEAR]`: which years the working-day calendar knows, and how to add one."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from cskpi.evaluate.workdays import calendar_version, official_years, rulebook_calendar
from cskpi.i18n import Lang, message


def calendar_report(
    year: int | None, *, project: Path | None, rules: str | None, lang: Lang
) -> list[str]:
    """Coverage of the official data, the status of each year asked, the listed extra days."""
    from cskpi.rulebook.load import load_rulebook
    from cskpi.runs.project import find_project, locate

    if rules is not None:
        model = load_rulebook(rules)
    elif project is not None or locate() is not None:
        model = find_project(explicit=project).load_rulebook()
    else:
        model = load_rulebook(None)
    work = rulebook_calendar(model)
    first, last = official_years()
    lines = [message("calendar.official", lang, version=calendar_version(), first=first, last=last)]
    this_year = dt.date.today().year
    years = [year] if year is not None else [this_year, this_year + 1]
    for wanted in years:
        holidays = sum(d.year == wanted for d in work.extra_holidays)
        workdays = sum(d.year == wanted for d in work.extra_workdays)
        if first <= wanted <= last:
            key = "calendar.year_official"
        elif wanted in work.complete_years:
            key = "calendar.year_listed"
        else:
            key = "calendar.year_guessed"
        lines.append(message(key, lang, year=wanted, holidays=holidays, workdays=workdays))
    missing = [y for y in years if not work.covers(y)]
    if missing:
        key = "calendar.how_to_add" if missing[0] > last else "calendar.how_to_add_past"
        lines.append(message(key, lang, year=missing[0]))
    return lines
