"""The schedule: the lines cskpi prints (never installs), and what doctor finds before cron does."""

from __future__ import annotations

import datetime as dt
import socket
import sqlite3
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cskpi.cli import app as cli
from cskpi.runs import doctor, schedule
from cskpi.runs.project import load_project
from tests.runs.test_project import settings

runner = CliRunner()


def invoke(*args):
    return runner.invoke(cli.app, [str(a) for a in args])


@pytest.fixture
def project(tmp_path) -> Path:
    folder = tmp_path / "cs kpi"  # a space, as in "My Documents"
    assert invoke("init", folder, "--lang", "en").exit_code == 0
    return folder


def test_schedule_prints_cron_and_windows_and_installs_nothing(project, monkeypatch):
    calls = []
    monkeypatch.setattr("subprocess.run", lambda *a, **k: calls.append(a))
    result = invoke("schedule", "--project", project, "--lang", "en")
    assert result.exit_code == 0
    root = project.resolve()
    lines = result.stdout.splitlines()
    cron = next(ln for ln in lines if ln.startswith("30 6 1 * * "))
    assert cron.startswith(f"30 6 1 * * cd '{root}' && LANG=C.UTF-8 PYTHONUTF8=1 ")
    assert f"{sys.executable} -m cskpi run --period previous" in cron
    assert cron in (project / "crontab.txt").read_text(encoding="utf-8")
    assert f"(crontab -l 2>/dev/null; cat '{root}/crontab.txt') | crontab -" in result.stdout
    windows = next(ln for ln in lines if ln.startswith("schtasks /Create"))
    assert windows.startswith('schtasks /Create /TN "cskpi cs kpi" /SC MONTHLY /D 1 /ST 06:30 ')
    assert f'run --project \\"{root}\\" --period previous"' in windows
    laptop = lines[lines.index(windows) + 2]
    assert laptop == (
        "powershell -NoProfile -Command \"Set-ScheduledTask -TaskName 'cskpi cs kpi' -Settings"
        " (New-ScheduledTaskSettingsSet -StartWhenAvailable -AllowStartIfOnBatteries"
        ' -DontStopIfGoingOnBatteries)"'
    )
    assert calls == []  # nothing was run, nothing installed


def test_windows_command_quotes_paths_with_spaces_and_drive_letters(monkeypatch):
    monkeypatch.setattr(
        schedule, "launcher", lambda: ["C:\\Program Files\\Python311\\python.exe", "-m", "cskpi"]
    )
    command = schedule.schtasks_command(Path("D:/客服/kpi"))
    assert command.endswith(
        '/TR "\\"C:\\Program Files\\Python311\\python.exe\\" -m cskpi run --project '
        '\\"D:/客服/kpi\\" --period previous"'
    )
    assert not schedule.schtasks_too_long(Path("D:/客服/kpi"))
    assert schedule.schtasks_too_long(Path("D:/" + "x" * 200))


def test_percent_signs_are_escaped_for_cron(tmp_path):
    line = schedule.crontab_line(tmp_path / "100%")
    assert "100\\%" in line and "100%'" not in line


@pytest.mark.parametrize(
    ("now", "at", "period"),
    [
        (dt.datetime(2026, 11, 29, 14, 0), dt.datetime(2026, 12, 1, 6, 30), "2026-11"),
        (dt.datetime(2026, 12, 1, 6, 0), dt.datetime(2026, 12, 1, 6, 30), "2026-11"),
        (dt.datetime(2026, 12, 1, 7, 0), dt.datetime(2027, 1, 1, 6, 30), "2026-12"),
    ],
)
def test_next_run(now, at, period):
    assert schedule.next_run(now) == schedule.NextRun(at, period)


def test_doctor_on_a_new_project(project):
    result = invoke("doctor", "--project", project, "--lang", "en")
    out = result.stdout
    assert result.exit_code == 0, out
    line = schedule.job_command(project.resolve())
    assert f"✓ the scheduled command (from crontab.txt) starts in cron's environment: {line}" in out
    assert "is still the bundled sample; before real use delete it" in out
    assert "! the next run (" in out and "which is not there yet" in out


def test_doctor_finds_a_launcher_cron_cannot_start(project):
    """The venv the line was written for is gone: cron would say 'not found' (127)."""
    crontab = project / "crontab.txt"
    text = crontab.read_text(encoding="utf-8")
    crontab.write_text(text.replace(sys.executable, "/gone/venv/bin/python"), encoding="utf-8")
    result = invoke("doctor", "--project", project, "--lang", "en")
    assert result.exit_code == 1
    assert "✗ the scheduled command (from crontab.txt) cannot start under cron (exit 127" in (
        result.stdout
    )
    assert "/gone/venv/bin/python -m cskpi run --period previous" in result.stdout


def test_doctor_finds_a_broken_project_as_cron_would(project):
    settings(project, 'rulebook = "customer-service-supervisor.yaml"', 'rulebook = "nope.yaml"')
    findings = doctor.examine(load_project(project), dt.datetime(2026, 11, 29, 14, 0))
    (probe, *_rest) = findings
    assert probe.level == "error"
    assert probe.problem.key == "doctor.probe_failed"
    assert "nope.yaml" in probe.problem.render("en")


def test_doctor_unwritable_folder_lock_and_unreachable_target(project, tmp_path):
    port = _closed_port()
    settings(project, "urls = []", f'urls = ["json://127.0.0.1:{port}/hook"]')
    settings(  # a folder inside a file: never writable, even for root
        project,
        'outputs = ["scorecards/{period}.xlsx", "scorecards/{period}.html"]',
        'outputs = ["cskpi.toml/x/{period}.xlsx"]',
    )
    found = load_project(project)
    holder = sqlite3.connect(found.history, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")  # another run recording
    try:
        findings = doctor.examine(found, dt.datetime(2026, 11, 29, 14, 0))
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    text = {f.level + " " + f.problem.render("en") for f in findings}
    assert f"error the folder {project.resolve()}/cskpi.toml/x cannot be written" in text
    assert any(
        t.startswith("warn ") and "the history is in use by another program" in t for t in text
    )
    assert (
        f"error the notification target does not answer: 127.0.0.1:{port} (Connection refused)"
        in text
    )


def test_doctor_warns_about_the_calendar_of_the_coming_year(project):
    settings(
        project,
        'rulebook = "customer-service-supervisor.yaml"',
        'rulebook = "customer-service-manager"',
    )
    found = load_project(project)
    keys = [
        (f.level, f.problem.key, f.problem.params.get("year"))
        for f in doctor.calendar(found, dt.datetime(2026, 11, 29))
    ]
    assert keys == [("warn", "doctor.calendar_guess", 2027)]
    settings(project, "complete_years = []", "complete_years = [2027]")
    assert list(doctor.calendar(load_project(project), dt.datetime(2026, 11, 29))) == []


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]
