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


def probe(project: Project) -> Finding:
    """The job's own command, with ``--check``, in cron's environment."""
    args = ("run", "--period", "previous", "--check")
    if os.name == "nt":
        cmd: list[str] | str = [*launcher(), *args[:3], "--project", str(project.root), args[3]]
        env = {**cron_env(), **job_env()}
        shell = False
    else:
        cmd = job_command(project.root, args)
        env = cron_env()
        shell = True
    try:
        done = subprocess.run(  # noqa: S603 - our own launcher, our own arguments
            cmd,
            shell=shell,
            env=env,
            capture_output=True,
            text=True,
            encoding="utf-8",
            errors="replace",
            timeout=PROBE_TIMEOUT,
            cwd=str(project.root),
            executable="/bin/sh" if shell else None,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        return _error("doctor.launcher_failed", command=launcher()[0], detail=str(exc))
    if done.returncode == 127 or done.returncode == 126:
        return _error("doctor.launcher_missing", command=launcher()[0])
    if done.returncode != 0:
        tail = " | ".join((done.stderr or done.stdout).strip().splitlines()[-3:])
        return _error("doctor.probe_failed", code=done.returncode, detail=tail or "-")
    return _ok("doctor.probe_ok", command=launcher()[0])


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
    if project.log is not None:
        targets.add(project.log.parent)
    for folder in sorted(targets):
        if not _writable(folder):
            yield _error("doctor.not_writable", folder=str(folder))


def next_input(project: Project, now: dt.datetime) -> Iterator[Finding]:
    from cskpi.evaluate.periods import parse_period
    from cskpi.read.inputs import fill_template, is_template

    upcoming = next_run(now)
    month = parse_period(upcoming.period)
    for template in project.inputs():
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
        with history.locked(project.history, 0):
            pass
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
    findings = [probe(project)]
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
