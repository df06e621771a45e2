"""Working days past the holiday data: a guessed year warns, runs, and marks results provisional."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from typer.testing import CliRunner

from cskpi.cli import app as cli
from cskpi.evaluate import periods
from cskpi.evaluate.workdays import WorkCalendar, calendar_from, official_years
from tests.conftest import ROOT

runner = CliRunner()
MANAGER = ROOT / "samples" / "manager-2026-10.xlsx"


def invoke(*args):
    return runner.invoke(cli.app, [str(a) for a in args])


def shifted(path: Path, *, months: int = 0, years: int = 0) -> Path:
    """The manager sample with every date moved by whole months (the day kept)."""
    book = openpyxl.load_workbook(MANAGER)
    for ws in book:
        for row in ws.iter_rows():
            for cell in row:
                if isinstance(cell.value, dt.datetime):
                    total = cell.value.year * 12 + cell.value.month - 1 + months + 12 * years
                    cell.value = cell.value.replace(year=total // 12, month=total % 12 + 1)
    book.save(path)
    return path


@pytest.fixture
def clock(monkeypatch):
    """Today is 15 February 2027, whatever the machine says (runs before and after 2027)."""
    monkeypatch.setattr(periods, "now", lambda *_: pd.Timestamp(2027, 2, 15, 9, 0))


def test_official_data_is_2004_to_2026_in_the_pinned_version():
    assert official_years() == (2004, 2026)


def test_a_guessed_year_counts_monday_to_friday():
    calendar = WorkCalendar()
    # Wed 30 Dec 2026 + 3: Thu 31 Dec (official working day), Fri 1 Jan 2027 (guessed: a
    # weekday; really New Year's Day), Mon 4 Jan
    assert calendar.deadline(dt.date(2026, 12, 30), 3) == (dt.date(2027, 1, 4), True)
    assert calendar.deadline(dt.date(2026, 12, 28), 3) == (dt.date(2026, 12, 31), False)
    listed = calendar_from([dt.date(2027, 1, 1)], [])
    assert listed.deadline(dt.date(2026, 12, 30), 3) == (dt.date(2027, 1, 5), True)
    complete = calendar_from([dt.date(2027, 1, 1)], [dt.date(2027, 1, 9)], [2027])
    # Sat 9 Jan listed as a make-up working day; 2027 listed in full: final, not guessed
    assert complete.deadline(dt.date(2026, 12, 30), 3) == (dt.date(2027, 1, 5), False)
    assert complete.deadline(dt.date(2027, 1, 7), 2) == (dt.date(2027, 1, 9), False)
    # before the data too: Wed 1 Oct 2003 + 3 is Mon 6 Oct (really National Day week)
    assert calendar.deadline(dt.date(2003, 10, 1), 3) == (dt.date(2003, 10, 6), True)


def _json(*args) -> tuple[int, dict]:
    result = invoke(
        "evaluate", *args, "--rules", "customer-service-manager", "-f", "json", "--lang", "en"
    )
    assert result.exit_code in (0, 1), result.output
    return result.exit_code, json.loads(result.stdout)


def _results(data: dict, standard: str) -> list[dict]:
    return [r for r in data["results"] if r["standard"] == standard and r["group"] is None]


def test_manager_rulebook_in_january_2027_warns_and_runs(tmp_path, clock):
    """Repairs R00-R09 requested Tue 12 Jan 2027 + 2 working days, guessed: Thu 14 Jan.
    R00-R07 done on the 13th (on time), R08 on the 16th (late), R09 never: 8/10 = 80%, below
    the 90% target. R90 (30 Dec 2026) belongs to December."""
    book = shifted(tmp_path / "2027-01.xlsx", months=3)
    code, data = _json(book, "--period", "2027-01")
    assert code == 1
    (repairs,) = _results(data, "repairs_on_time")
    assert (repairs["actual"], repairs["status"], repairs["provisional"]) == (0.8, "fail", True)
    assert data["provisional"] is True
    assert any(w.startswith("no official holiday data for 2027 yet") for w in data["warnings"])
    others = [r for r in data["results"] if r["standard"] != "repairs_on_time"]
    assert others and not any(r["provisional"] for r in others)


def test_a_december_deadline_reaching_into_2027_is_provisional(tmp_path, clock):
    """R90, requested Wed 30 Dec 2026 + 2 working days: Thu 31 Dec, then Fri 1 Jan 2027
    (guessed); done 9 Jan: late either way, but its deadline is a guess."""
    book = shifted(tmp_path / "2026-12.xlsx", months=3)
    _code, data = _json(book, "--period", "2026-12")
    (repairs,) = _results(data, "repairs_on_time")
    assert (repairs["actual"], repairs["provisional"]) == (0.0, True)


def test_a_year_before_the_data(tmp_path):
    """October 2003: R00-R09 requested Sun 12 Oct + 2 (Mon 13, Tue 14): 8/10 on time."""
    book = shifted(tmp_path / "2003-10.xlsx", years=-23)
    _code, data = _json(book, "--period", "2003-10")
    (repairs,) = _results(data, "repairs_on_time")
    assert (repairs["actual"], repairs["provisional"]) == (0.8, True)
    assert any("no official holiday data for 2003" in w for w in data["warnings"])


def test_table_and_excel_mark_provisional_results(tmp_path, clock):
    book = shifted(tmp_path / "2027-01.xlsx", months=3)
    out = tmp_path / "card.xlsx"
    result = invoke(
        "evaluate",
        book,
        "--rules",
        "customer-service-manager",
        "--period",
        "2027-01",
        "--lang",
        "en",
        "-o",
        out,
    )
    assert result.exit_code == 1
    assert "✗ fail*" in result.stdout
    assert "* Provisional: 1 results rest on working days in a year with no official" in (
        result.stdout.replace("\n", " ")
    )
    assert "warning: no official holiday data for 2027 yet" in result.stderr
    ws = openpyxl.load_workbook(out)["Summary"]
    rows = [row for row in ws.iter_rows(values_only=True) if row[0]]
    header = next(row for row in rows if row[0] == "Standard")
    statuses = {row[header.index("ID")]: row[header.index("Status")] for row in rows}
    assert statuses["repairs_on_time"] == "✗ fail*"
    notes = [row[0] for row in ws.iter_rows(values_only=True) if row[0]]
    assert any(str(n).startswith("* Provisional: 1 results") for n in notes)


def test_listing_the_year_in_the_project_makes_it_final(tmp_path, clock):
    folder = tmp_path / "cs"
    assert invoke("init", folder).exit_code == 0
    shifted(folder / "inputs" / "2027-01.xlsx", months=3)
    toml = folder / "cskpi.toml"
    text = toml.read_text(encoding="utf-8")
    text = text.replace(
        'rulebook = "customer-service-supervisor.yaml"', 'rulebook = "customer-service-manager"'
    )
    text = text.replace(
        'outputs = ["scorecards/{period}.xlsx", "scorecards/{period}.html"]',
        'outputs = ["scorecards/{period}.json"]',
    )
    text = text.replace("holidays = []", "holidays = [2027-01-13]")  # a local holiday
    text = text.replace("complete_years = []", "complete_years = [2027]")
    toml.write_text(text, encoding="utf-8")
    result = invoke("run", "--project", folder, "--period", "2027-01", "--lang", "en")
    assert result.exit_code == 1
    assert "no official holiday data" not in result.stderr
    data = json.loads((folder / "scorecards" / "2027-01.json").read_text(encoding="utf-8"))
    (repairs,) = _results(data, "repairs_on_time")
    # the 13th off: Tue 12 + 2 working days is Fri 15; R08 (done Sat 16) still late: 8/10
    assert (repairs["actual"], repairs["provisional"]) == (0.8, False)


def test_calendar_command():
    shown = invoke("calendar", "2027", "--lang", "en").stdout
    assert "chinesecalendar 1.11.0, covering 2004-2026" in shown
    assert "2027: not covered. Monday to Friday count as working days" in shown
    assert "python -m pip install -U chinesecalendar" in shown
    assert "complete_years = [2027]" in shown
    official = invoke("calendar", "2026", "--lang", "en").stdout
    assert "2026: official data" in official and "To add" not in official
    past = invoke("calendar", "2003", "--lang", "en").stdout
    assert "chinesecalendar has no years before 2004" in past and "pip install" not in past
