"""The scheduled line: a command that runs under cron's bare environment and Task Scheduler.

Cron starts jobs with ``PATH=/usr/bin:/bin``, no virtual environment and often the C locale,
so the line names the Python that runs cskpi by its absolute path (a venv's python works
without activation), changes into the project, and sets a UTF-8 locale. Nothing here installs
anything: the user adds the line themselves, keeping their other jobs.
"""

from __future__ import annotations

import datetime as dt
import os
import shlex
import sys
from dataclasses import dataclass
from pathlib import Path

import cskpi
from cskpi.errors import UsageError
from cskpi.present.safe import visible

MINUTE, HOUR, DAY = 30, 6, 1  # 06:30 on the 1st: the previous month is complete


def launcher() -> list[str]:
    """The command that starts this very cskpi: this Python, absolute, with ``-m cskpi``."""
    return [str(Path(sys.executable).absolute()), "-m", "cskpi"]


def import_path() -> str | None:
    """The PYTHONPATH entry this cskpi was imported through, if any (a source checkout):
    cron will not have it, so the line has to carry it."""
    package_parent = str(Path(cskpi.__file__).resolve().parents[1])
    entries = [e for e in os.environ.get("PYTHONPATH", "").split(os.pathsep) if e]
    for entry in entries:
        if str(Path(entry).resolve()) == package_parent:
            return package_parent
    return None


def job_env() -> dict[str, str]:
    """What the job sets itself: a UTF-8 locale (and the import path when one is needed)."""
    env = {"LANG": "C.UTF-8", "PYTHONUTF8": "1"}
    extra = import_path()
    if extra:
        env["PYTHONPATH"] = extra
    return env


def check_schedulable(root: Path) -> None:
    """A folder whose path holds a line break or another control character cannot be in a
    crontab line (a newline there would start a second, different job): refused (exit 2)."""
    text = str(root.resolve())
    if visible(text) != text:
        raise UsageError("usage.folder_unschedulable", folder=visible(text))


def job_command(root: Path, args: tuple[str, ...] = ("run", "--period", "previous")) -> str:
    """The shell command of the job: cd into the project, UTF-8 locale, absolute launcher."""
    check_schedulable(root)
    env = " ".join(f"{k}={shlex.quote(v)}" for k, v in job_env().items())
    command = " ".join(shlex.quote(part) for part in (*launcher(), *args))
    return f"cd {shlex.quote(str(root))} && {env} {command}"


def crontab_line(root: Path) -> str:
    """One crontab entry; ``%`` is a newline to cron, so it is escaped."""
    return f"{MINUTE} {HOUR} {DAY} * * " + job_command(root).replace("%", "\\%")


def crontab_text(root: Path) -> str:
    """The whole of crontab.txt: what it does, how to add it safely, the line."""
    here = shlex.quote(str(root / "crontab.txt"))
    return (
        "# cskpi: 每月 1 日 06:30 评估上个月 / on the 1st at 06:30, evaluate the previous month\n"
        "# 添加(保留已有任务)/ add it, keeping your other jobs:\n"
        f"#   (crontab -l 2>/dev/null; cat {here}) | crontab -\n"
        "# 检查 / check it: cskpi doctor\n"
        f"{crontab_line(root)}\n"
    )


def task_name(root: Path) -> str:
    return f"cskpi {root.name or 'project'}"


def schtasks_command(root: Path) -> str:
    """Windows Task Scheduler: the same run, monthly on the 1st at 06:30 (``schtasks /Create``).

    ``--project`` instead of a ``cd``, so no ``cmd /c`` is needed; quotes inside ``/TR`` are
    escaped with a backslash, as schtasks expects.
    """
    parts = [*launcher(), "run", "--project", str(root), "--period", "previous"]
    inner = " ".join(f'\\"{p}\\"' if (" " in p or "\\" in p or ":" in p) else p for p in parts)
    return (
        f'schtasks /Create /TN "{task_name(root)}" /SC MONTHLY /D {DAY} '
        f'/ST {HOUR:02d}:{MINUTE:02d} /TR "{inner}"'
    )


def laptop_settings(root: Path) -> str:
    """PowerShell: run a missed start as soon as the laptop is on, on battery too (schtasks
    alone creates a task that needs AC power and skips a start the machine slept through)."""
    name = task_name(root).replace("'", "''")
    settings = "New-ScheduledTaskSettingsSet -StartWhenAvailable -AllowStartIfOnBatteries"
    settings += " -DontStopIfGoingOnBatteries"
    command = f"Set-ScheduledTask -TaskName '{name}' -Settings ({settings})"
    return f'powershell -NoProfile -Command "{command}"'


SCHTASKS_TR_LIMIT = 261  # characters schtasks accepts in /TR


def schtasks_too_long(root: Path) -> bool:
    command = schtasks_command(root)
    return len(command.split('/TR "', 1)[1]) - 1 > SCHTASKS_TR_LIMIT


@dataclass(frozen=True)
class NextRun:
    at: dt.datetime
    period: str  # the month that run evaluates


def next_run(now: dt.datetime) -> NextRun:
    """When the scheduled line runs next and which month it evaluates (the one before)."""
    at = now.replace(day=DAY, hour=HOUR, minute=MINUTE, second=0, microsecond=0)
    if at <= now:
        year, month = (now.year + 1, 1) if now.month == 12 else (now.year, now.month + 1)
        at = at.replace(year=year, month=month)
    prev = (at.replace(day=1) - dt.timedelta(days=1)).strftime("%Y-%m")
    return NextRun(at, prev)
