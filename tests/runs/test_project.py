"""A project folder: init, run, silence when all passes, history per project, settings errors."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from typer.testing import CliRunner

from cskpi.cli import app as cli
from cskpi.evaluate.periods import previous_month
from cskpi.runs.settings import local_path
from tests.conftest import ROOT, SAMPLE
from tests.months import month_book

runner = CliRunner()


def invoke(*args, cwd: Path | None = None):
    if cwd is None:
        return runner.invoke(cli.app, [str(a) for a in args])
    here = Path.cwd()
    os.chdir(cwd)
    try:
        return runner.invoke(cli.app, [str(a) for a in args])
    finally:
        os.chdir(here)


@pytest.fixture
def project(tmp_path) -> Path:
    folder = tmp_path / "cs"
    assert invoke("init", folder, "--lang", "en").exit_code == 0
    return folder


def test_init_says_what_to_do_next(tmp_path, monkeypatch):
    from cskpi.evaluate import periods

    monkeypatch.setattr(periods, "now", lambda *_: pd.Timestamp(2027, 3, 9, 10, 0))
    folder = tmp_path / "cs"
    out = invoke("init", folder, "--lang", "en").stdout
    assert f"created: {folder / 'cskpi.toml'}" in out
    assert f"1. Try the sample: cd {folder} && cskpi run --period 2026-10" in out
    assert "(e.g. inputs/2027-03.xlsx); a blank template: cskpi template inputs/2027-03.xlsx" in out
    assert "cskpi schedule prints the scheduled job" in out


def settings(folder: Path, old: str, new: str) -> None:
    path = folder / "cskpi.toml"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def history_rows(folder: Path) -> list[tuple[str, str]]:
    with sqlite3.connect(folder / "history.sqlite3") as conn:
        return conn.execute("SELECT period, rulebook FROM runs ORDER BY id").fetchall()


def test_init_makes_a_project_and_never_overwrites(project):
    names = sorted(str(p.relative_to(project)) for p in project.rglob("*"))
    assert names == [
        "crontab.txt",
        "cskpi.toml",
        "customer-service-supervisor.yaml",
        "inputs",
        "inputs/2026-10.xlsx",
        "scorecards",
    ]
    assert (project / "inputs" / "2026-10.xlsx").read_bytes() == SAMPLE.read_bytes()
    assert (project / "customer-service-supervisor.yaml").read_bytes() == (
        ROOT / "rules" / "customer-service-supervisor.yaml"
    ).read_bytes()
    before = {p: p.read_bytes() for p in project.rglob("*") if p.is_file()}
    again = invoke("init", project, "--lang", "en")
    assert again.exit_code == 2
    assert (
        "already has cskpi.toml, customer-service-supervisor.yaml, inputs/2026-10.xlsx, "
        "crontab.txt; nothing was overwritten" in again.stderr
    )
    assert {p: p.read_bytes() for p in project.rglob("*") if p.is_file()} == before


def test_first_run_on_the_sample_writes_the_scorecards_and_log_but_no_history(project):
    result = invoke("run", "--period", "2026-10", cwd=project / "inputs")  # found from below
    assert result.exit_code == 1, result.output
    card = project / "scorecards" / "2026-10.xlsx"
    lines = result.stdout.splitlines()
    # a cron mail says which month of which rulebook, and where every scorecard is
    assert lines[0].startswith("Scorecard 2026-10 (as of 2026-10-31 23:59:59)")
    assert lines[-2:] == [f"Scorecard: {card}", f"Scorecard: {card.with_suffix('.html')}"]
    assert "✗" in result.stdout and "Verdict: standards not met." in result.stdout
    assert openpyxl.load_workbook(card).sheetnames[0] == "Summary"
    page = (project / "scorecards" / "2026-10.html").read_text(encoding="utf-8")  # beside it
    assert "Verdict: standards not met." in page and "钱**" in page  # rows behind, masked
    # the trial on the bundled sample is not a month of records: the trend never shows it
    history = project / "history.sqlite3"
    trial = "the input is the bundled sample: a trial run, not recorded in the history"
    assert f"{trial} {history}" in result.stderr
    assert not history.exists()
    (line,) = (project / "cskpi.log").read_text(encoding="utf-8").splitlines()
    logged = json.loads(line)
    assert (logged["period"], logged["exit_code"]) == ("2026-10", 1)
    # two teams without a successor: not achieved (excellent level), not failed
    assert logged["summary"].startswith(
        "56 results: 36 pass · 2 warn · 16 fail · 0 no data · 2 excellent-level not achieved."
    )


def test_the_log_speaks_the_projects_language(tmp_path):
    """A Chinese project's log line reads like its error lines and its terminal: in Chinese."""
    folder = tmp_path / "cs"
    assert invoke("init", folder).exit_code == 0  # zh, the default
    assert invoke("run", "--period", "2026-10", cwd=folder).exit_code == 1
    (line,) = (folder / "cskpi.log").read_text(encoding="utf-8").splitlines()
    assert json.loads(line)["summary"].startswith("共 56 项:达标 36 · 预警 2 · 未达标 16")


def test_a_passing_run_prints_nothing_and_exits_0(project):
    month_book(project / "inputs" / "2026-07.xlsx", 2026, 7)
    result = invoke("run", "--project", project, "--period", "2026-07")
    assert (result.exit_code, result.stdout, result.stderr) == (0, "", "")
    assert (project / "scorecards" / "2026-07.xlsx").is_file()
    assert history_rows(project) == [("2026-07", "customer-service-supervisor")]


def test_outputs_are_templates_and_folders_are_made(project):
    month_book(project / "inputs" / "2026-07.xlsx", 2026, 7)
    settings(
        project,
        'outputs = ["scorecards/{period}.xlsx", "scorecards/{period}.html"]',
        'outputs = ["scorecards/{yyyy}/{period}.xlsx", "scorecards/{yyyy}/{period}.json",'
        ' "scorecards/{yyyy}/{period}.html"]',
    )
    assert invoke("run", "--project", project, "--period", "2026-07").exit_code == 0
    data = json.loads((project / "scorecards" / "2026" / "2026-07.json").read_text("utf-8"))
    assert data["period"] == "2026-07" and data["summary"]["fail"] == 0
    assert (project / "scorecards" / "2026" / "2026-07.xlsx").is_file()
    page = (project / "scorecards" / "2026" / "2026-07.html").read_text(encoding="utf-8")
    assert "2026-07" in page and "<html" in page.lower()


def test_the_log_is_a_template_too(project):
    month_book(project / "inputs" / "2026-07.xlsx", 2026, 7)
    settings(project, 'log = "cskpi.log"', 'log = "logs/{yyyy}/{period}.log"')
    assert invoke("run", "--project", project, "--period", "2026-07").exit_code == 0
    assert invoke("run", "--project", project, "--period", "2026-09").exit_code == 3  # no input
    logs = project / "logs" / "2026"
    assert sorted(p.name for p in logs.iterdir()) == ["2026-07.log", "2026-09.log"]
    assert json.loads((logs / "2026-07.log").read_text("utf-8"))["exit_code"] == 0
    assert json.loads((logs / "2026-09.log").read_text("utf-8"))["exit_code"] == 3


def test_a_missing_month_is_exit_3_naming_the_file_and_logged(project):
    result = invoke("run", "--project", project, "--period", "2026-09")  # lang = "en" there
    assert result.exit_code == 3
    expected = project / "inputs" / "2026-09.xlsx"
    assert f"{expected}: no input for period 2026-09" in result.stderr
    logged = json.loads((project / "cskpi.log").read_text(encoding="utf-8"))
    assert logged["exit_code"] == 3 and "no input for period 2026-09" in logged["error"]


def test_run_outside_a_project_says_how_to_start_one(tmp_path):
    result = invoke("run", "--lang", "en", cwd=tmp_path)
    assert result.exit_code == 2
    assert f"no cskpi.toml in {tmp_path.resolve()} or any folder above it" in result.stderr
    assert "cskpi init FOLDER" in result.stderr


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (
            'by = "team"',
            'by = "team"\nouptuts = []',
            "cskpi.toml:12: ouptuts: unknown key 'ouptuts'",
        ),
        ('on = "fail"', 'on = "sometimes"', "cskpi.toml:18: notify.on: 'sometimes' is not allowed"),
        ("strict = false", 'strict = "maybe"', "cskpi.toml:13: strict: "),
        (
            'outputs = ["scorecards/{period}.xlsx", "scorecards/{period}.html"]',
            'outputs = ["scorecards/{period}.pdf"]',
            "cskpi.toml:8: outputs: unsupported output scorecards/{period}.pdf",
        ),
        ('history = "history.sqlite3"', 'history = "C:\\data\\h.sqlite3"', "TOML syntax error"),
    ],
)
def test_settings_errors_name_the_file_and_line(project, old, new, expected):
    settings(project, old, new)
    result = invoke("run", "--project", project, "--lang", "en")
    assert result.exit_code == 2
    assert expected in result.stderr
    assert str(project / "cskpi.toml") in result.stderr


def test_did_you_mean_for_a_misspelt_key(project):
    settings(project, 'by = "team"', 'by = "team"\noutptus = []')
    result = invoke("run", "--project", project, "--lang", "en")
    assert "unknown key 'outptus' (did you mean 'outputs'?)" in result.stderr


def test_windows_paths_in_settings():
    root = Path("/p")
    assert local_path("inputs\\{period}.xlsx", root) == Path("/p/inputs/{period}.xlsx")
    assert local_path("inputs/{period}.xlsx", root) == Path("/p/inputs/{period}.xlsx")
    assert local_path("/data/{period}.xlsx", root) == Path("/data/{period}.xlsx")
    if os.name != "nt":  # a drive letter is not relative to the project, on any system
        assert local_path("D:\\数据\\{period}.xlsx", root) == Path("D:\\数据\\{period}.xlsx")


def test_windows_backslashes_in_a_real_project(project):
    month_book(project / "inputs" / "2026-07.xlsx", 2026, 7)
    settings(project, 'inputs = ["inputs/{period}.xlsx"]', "inputs = ['inputs\\{period}.xlsx']")
    settings(
        project,
        'outputs = ["scorecards/{period}.xlsx", "scorecards/{period}.html"]',
        "outputs = ['scorecards\\{period}.md']",
    )
    assert invoke("run", "--project", project, "--period", "2026-07").exit_code == 0
    assert (project / "scorecards" / "2026-07.md").is_file()


def test_evaluate_records_nothing_unless_asked(tmp_path, private_data_home):
    result = invoke("evaluate", SAMPLE, "-f", "json", cwd=tmp_path)
    assert result.exit_code == 1
    assert not any(private_data_home.rglob("*")) and not any(tmp_path.iterdir())
    db = tmp_path / "mine.sqlite3"
    assert invoke("evaluate", SAMPLE, "--history", db).exit_code == 1
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT period FROM runs").fetchall() == [("2026-10",)]
    assert invoke("evaluate", SAMPLE, "--no-history").exit_code == 1  # still accepted


def test_evaluate_inside_a_project_leaves_its_history_alone(project):
    assert invoke("evaluate", SAMPLE, cwd=project).exit_code == 1
    assert not (project / "history.sqlite3").exists()


def test_history_reads_the_project_or_needs_a_path(project, tmp_path):
    month_book(project / "inputs" / "2026-07.xlsx", 2026, 7)
    invoke("run", "--project", project, "--period", "2026-07")
    inside = invoke("history", "-f", "json", cwd=project / "scorecards")
    assert inside.exit_code == 0
    stored = json.loads(inside.stdout)["results"]
    assert {r["period"] for r in stored} == {"2026-07", "2026Q3"}
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    outside = invoke("history", "--lang", "en", cwd=elsewhere)
    assert outside.exit_code == 2
    assert "is not inside a project: give --history PATH" in outside.stderr
    named = invoke("history", "--project", project, "-f", "json", cwd=elsewhere)
    assert json.loads(named.stdout)["results"] == stored


def test_carrying_over_an_old_history_file(project, tmp_path):
    """README: copy the old file over the project's history.sqlite3; its months show."""
    old = tmp_path / "old.sqlite3"
    assert invoke("evaluate", SAMPLE, "--history", old).exit_code == 1
    shutil.copyfile(old, project / "history.sqlite3")
    month_book(project / "inputs" / "2026-07.xlsx", 2026, 7)
    invoke("run", "--project", project, "--period", "2026-07")
    stored = json.loads(invoke("history", "--project", project, "-f", "json").stdout)
    assert {"2026-07", "2026-10"} <= {r["period"] for r in stored["results"]}


def test_the_crontab_line_runs_under_crons_bare_environment(project, tmp_path):
    """The line from init, run as cron runs it: no venv on PATH, no locale, only HOME."""
    month = previous_month(dt.date.today())  # what `--period previous` means today
    (project / "inputs" / "2026-10.xlsx").unlink()
    month_book(project / "inputs" / f"{month.label}.xlsx", month.start.year, month.start.month)
    lines = (project / "crontab.txt").read_text(encoding="utf-8").splitlines()
    (entry,) = [ln for ln in lines if ln.strip() and not ln.startswith("#")]
    fields = entry.split(" ", 5)
    assert fields[:5] == ["30", "6", "1", "*", "*"]
    command = fields[5]
    assert command.startswith(f"cd {project.resolve()} && LANG=C.UTF-8 PYTHONUTF8=1 ")
    home = tmp_path / "home"
    home.mkdir()
    done = subprocess.run(
        ["/bin/sh", "-c", command],
        env={"PATH": "/usr/bin:/bin", "HOME": str(home)},
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=120,
    )
    assert (done.returncode, done.stdout, done.stderr) == (0, "", "")
    assert (project / "scorecards" / f"{month.label}.xlsx").is_file()
    assert history_rows(project) == [(month.label, "customer-service-supervisor")]
    assert not any(home.iterdir())  # nothing written to the home folder


def test_a_project_run_without_unix_only_modules(project):
    """As on Windows: fcntl, termios, pwd, grp and resource cannot be imported."""
    from tests import hostile

    month_book(project / "inputs" / "2026-07.xlsx", 2026, 7)
    done = subprocess.run(
        [sys.executable, "-c", hostile.NO_UNIX, "run", "--period", "2026-07"],
        capture_output=True,
        text=True,
        cwd=project / "scorecards",
        timeout=120,
        check=False,
    )
    assert (done.returncode, done.stdout, done.stderr) == (0, "", "")
    assert history_rows(project) == [("2026-07", "customer-service-supervisor")]
    assert (project / "scorecards" / "2026-07.xlsx").is_file()
