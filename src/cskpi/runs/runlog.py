"""The run log for cron: one line per run (time, period, inputs, summary, exit code).

Errors are logged with their message but never with cell contents.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import stat
from collections.abc import Sequence
from pathlib import Path

from cskpi.i18n import printable
from cskpi.present.safe import json_safe


def log_line(
    *,
    period: str | None,
    inputs: Sequence[str],
    exit_code: int,
    summary: str | None = None,
    verdict: str | None = None,
    error: str | None = None,
    notices: Sequence[str] = (),
    now: dt.datetime | None = None,
) -> str:
    fields = {
        "time": (now or dt.datetime.now()).isoformat(timespec="seconds"),
        "period": period,
        "inputs": [printable(name) for name in inputs],
        "exit_code": exit_code,
    }
    if verdict is not None:
        fields["verdict"] = verdict
    if summary is not None:
        fields["summary"] = summary
    if error is not None:
        fields["error"] = error
    if notices:  # notifications that could not be sent, warnings the run printed
        fields["notices"] = list(notices)
    # a name or message quoting data holds no raw terminal control (`tail -f` is safe)
    return json_safe(json.dumps(fields, ensure_ascii=False, allow_nan=False))


def append_log(path: Path, line: str) -> None:
    """Append one line; a log that cannot be written must not hide the run's own result."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        # Never blocks: a FIFO with no reader fails to open, one with a reader is refused
        # (the callers refuse a log that is not a regular file before the run, exit 4).
        flags = os.O_WRONLY | os.O_APPEND | os.O_CREAT
        flags |= getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
        fd = os.open(path, flags, 0o666)
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            os.close(fd)
            raise OSError(0, "not a regular file")
        # errors=: a file name that is not UTF-8 is logged with \x escapes, never a crash
        # a descriptor opened without blocking, not a path: Path.open cannot take it
        with open(fd, "a", encoding="utf-8", errors="backslashreplace") as handle:  # noqa: PTH123
            handle.write(line + "\n")
    except OSError as exc:
        import sys

        sys.stderr.write(f"cskpi: cannot write the log {path}: {exc.strerror or exc}\n")
