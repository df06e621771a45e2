"""`cskpi doctor`: what would go wrong with the scheduled run, found before it runs.

It runs the job's own command (with ``run --check``, which evaluates nothing) in a cron-like
environment, then looks at what the next runs need: the next month's input, folders it
writes, the history lock, the working-day calendar of the coming months, and whether the
notification targets answer. Each finding is ok, a warning, or an error.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import shlex
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from cskpi.errors import CskpiError, Problem
from cskpi.runs.project import Project
from cskpi.runs.schedule import job_command, job_env, launcher, next_run

Level = Literal["ok", "warn", "error"]
PROBE_TIMEOUT = 60.0  # seconds for the job's command to start and check the project


@dataclass(frozen=True)
class Finding:
    level: Level
    problem: Problem


def _ok(key: str, **params: object) -> Finding:
    return Finding("ok", Problem(key, params))


def _warn(key: str, **params: object) -> Finding:
    return Finding("warn", Problem(key, params))


def _error(key: str, **params: object) -> Finding:
    return Finding("error", Problem(key, params))


def cron_env(home: str | None = None) -> dict[str, str]:
    """The environment cron gives a job: a short PATH and HOME, nothing else."""
    if os.name == "nt":
        keep = (
            "SYSTEMROOT",
            "SYSTEMDRIVE",
            "TEMP",
            "TMP",
            "USERPROFILE",
            "APPDATA",
            "LOCALAPPDATA",
        )
        return {k: os.environ[k] for k in keep if k in os.environ}
    return {"PATH": "/usr/bin:/bin", "HOME": home or str(Path.home())}


def scheduled_command(project: Project) -> tuple[str, str]:
    """The job as the user installed it: (where it was found, the shell command).

    The line in the user's crontab that changes into this project, else the one in
    crontab.txt, else the line ``cskpi schedule`` would print now.
    """
    for source, lines in (
        ("crontab", _crontab_lines() or []),
        ("crontab.txt", _file_lines(project)),
    ):
        for command in _commands(lines, project.root):
            return source, command.replace("\\%", "%")  # as cron hands it to the shell
    return "schedule", job_command(project.root)


def _commands(lines: list[str], root: Path) -> list[str]:
    """The commands of crontab entries that change into ``root``."""
    marker = f"cd {shlex.quote(str(root))} "
    out = []
    for line in lines:
        fields = line.split(None, 5)
        if len(fields) == 6 and "=" not in fields[0] and fields[5].startswith(marker):
            out.append(fields[5])
    return out


def _crontab_lines() -> list[str] | None:
    """The user's crontab, read only; None where there is no crontab command (Windows)."""
    if os.name == "nt":
        return None
    try:
        done = subprocess.run(
            ["crontab", "-l"],  # noqa: S607 - wherever the system keeps it
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    return _entries(done.stdout) if done.returncode == 0 else []  # 1: no crontab yet


def installed(project: Project) -> Iterator[Finding]:
    """Where cron exists, whether the job is in the user's crontab."""
    lines = _crontab_lines()
    if lines is not None and not _commands(lines, project.root):
        yield _warn("doctor.not_installed", file=shlex.quote(str(project.root / "crontab.txt")))


def _file_lines(project: Project) -> list[str]:
    try:
        return _entries((project.root / "crontab.txt").read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError):
        return []


def _entries(text: str) -> list[str]:
    lines = (ln.strip() for ln in text.splitlines())
    return [ln for ln in lines if ln and not ln.startswith("#")]


def probe(project: Project) -> Finding:
    """The job's own command, with ``--check`` added, in cron's environment."""
    if os.name == "nt":
        source = "schedule"
        args = ("run", "--project", str(project.root), "--period", "previous", "--check")
        cmd: list[str] | str = [*launcher(), *args]
        env = {**cron_env(), **job_env()}
        shell = False
        shown = launcher()[0]
    else:
        source, line = scheduled_command(project)
        cmd = line + " --check"
        env = cron_env()
        shell = True
        shown = line
    home = Path(env.get("HOME") or env.get("USERPROFILE") or "/")
    try:
        done = subprocess.run(  # noqa: S603 - the user's own scheduled command
            cmd,
            shell=shell,
            env=env,
            capture_output=True,
            text=True,
            encoding="utf-8",
            errors="replace",
            timeout=PROBE_TIMEOUT,
            cwd=str(home if home.is_dir() else Path("/")),
            executable="/bin/sh" if shell else None,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        return _error("doctor.launcher_failed", command=shown, detail=str(exc))
    where = message_source(source)
    if done.returncode in (126, 127):
        return _error("doctor.launcher_missing", command=shown, source=where)
    if done.returncode != 0:
        tail = " | ".join((done.stderr or done.stdout).strip().splitlines()[-3:])
        return _error("doctor.probe_failed", code=done.returncode, detail=tail or "-", source=where)
    return _ok("doctor.probe_ok", command=shown, source=where)


def message_source(source: str) -> Problem:
    return Problem(f"doctor.source_{source.replace('.', '_')}", {})


def _writable(folder: Path) -> bool:
    """``folder`` can be written, or created inside the nearest folder that exists."""
    here = folder
    while not here.exists():
        if here.parent == here:
            return False
        here = here.parent
    return here.is_dir() and os.access(here, os.W_OK | os.X_OK)


def folders(project: Project, period: str) -> Iterator[Finding]:
    targets = {p.parent for p in project.outputs(period)} | {project.history.parent}
    if (log := project.log(period)) is not None:
        targets.add(log.parent)
    for folder in sorted(targets):
        if not _writable(folder):
            yield _error("doctor.not_writable", folder=str(folder))


def next_input(project: Project, now: dt.datetime) -> Iterator[Finding]:
    from cskpi.evaluate.periods import parse_period
    from cskpi.read.paths import fill_template, is_template

    upcoming = next_run(now)
    month = parse_period(upcoming.period)
    from cskpi.read.database import is_database_url

    for template in project.inputs():
        if is_database_url(template):  # a database: the run itself connects and says
            continue
        path = fill_template(template, month) if is_template(template) else Path(template)
        if path.exists():
            yield _ok("doctor.input_ready", file=str(path), period=upcoming.period)
        else:
            yield _warn(
                "doctor.input_missing",
                file=str(path),
                period=upcoming.period,
                when=upcoming.at.strftime("%Y-%m-%d %H:%M"),
            )


def sample_left(project: Project) -> Iterator[Finding]:
    """The bundled sample still among the inputs: its trial run is in the history too."""
    from cskpi.runs.setup import SAMPLE, sample_path

    candidate = project.path("inputs") / SAMPLE
    try:
        same = candidate.is_file() and _digest(candidate) == _digest(sample_path())
    except OSError:
        same = False
    if same:
        yield _warn("doctor.sample_left", file=str(candidate), history=str(project.history))


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def lock(project: Project) -> Iterator[Finding]:
    from cskpi.runs import history

    try:
        history.probe(project.history)
    except CskpiError as exc:
        yield Finding("warn" if exc.exit_code == 75 else "error", exc.problems[0])


def calendar(project: Project, now: dt.datetime, months: int = 12) -> Iterator[Finding]:
    """Years of the coming months the working-day deadlines will only guess."""
    model = project.load_rulebook()
    derived = [
        col
        for spec in model.datasets.values()
        for col in spec.columns.values()
        if col.derive is not None and col.derive.unit == "working days"
    ]
    if not derived:
        return
    from cskpi.evaluate.workdays import official_years, rulebook_calendar

    work = rulebook_calendar(model)
    first, last = official_years()
    years = sorted({(now.year * 12 + now.month - 1 + k) // 12 for k in range(months + 1)})
    for year in years:
        if not work.covers(year):
            yield _warn("doctor.calendar_guess", year=year, first=first, last=last)


def notify_targets(project: Project) -> Iterator[Finding]:
    from cskpi.runs.notify import reachable, shown_url

    for url in project.settings.notify.urls:
        problem = reachable(url)
        if problem is None:
            yield _ok("doctor.notify_ok", target=shown_url(url))
        else:
            yield Finding("error", problem)


def examine(project: Project, now: dt.datetime | None = None) -> list[Finding]:
    """Every check, in the order a person would fix them."""
    now = now or dt.datetime.now()
    upcoming = next_run(now)
    findings = [probe(project), *installed(project)]
    findings += list(next_input(project, now))
    findings += list(sample_left(project))
    findings += list(folders(project, upcoming.period))
    findings += list(lock(project))
    try:
        findings += list(calendar(project, now))
    except CskpiError as exc:
        findings.append(Finding("error", exc.problems[0]))
    findings += list(notify_targets(project))
    return findings
