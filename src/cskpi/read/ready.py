"""Is an input ready to read? Exit 75 ("retry later") only for a file really being written.

cron retries a run that exits 75, so that answer must be true: a workbook open in Excel (a
fresh ``~$`` owner file beside it) or a file whose size or time changes while we watch. A
file that cannot be read for a lasting reason (empty, corrupt, a folder or a pipe) is left
to the reader, which names the real reason at once (exit 3), however recent the file.
"""

from __future__ import annotations

import stat
import time
from collections.abc import Sequence
from pathlib import Path

from cskpi.errors import NotReadyError, Problem

RECENT_SECONDS = 60  # a file modified this recently is watched before it is read
SETTLE_SECONDS = 1.0  # how long it is watched: a change in size or time means "being written"
STALE_OWNER_HOURS = 4.0  # an Excel owner file older than this was left by a crash


def _wait(seconds: float) -> None:
    """The one pause of a run (tests replace it, so they never sleep)."""
    time.sleep(seconds)


def _owner_file(path: Path) -> Path | None:
    """Excel's lock file (~$name.xlsx) beside a workbook that is open for editing."""
    owner = path.with_name("~$" + path.name)
    if owner.exists():
        return owner
    short = path.with_name("~$" + path.name[2:]) if len(path.name) > 2 else None
    return short if short is not None and short.exists() else None


def check_ready(
    paths: Sequence[Path],
    warnings: list[Problem],
    *,
    stale_owner_hours: float = STALE_OWNER_HOURS,
) -> None:
    """Exit 75 only for a file really being written; anything lasting is left to the reader.

    A fresh Excel owner file (~$name.xlsx) means the workbook is open: retry later. An older
    one was left by a crash: a warning. Files modified in the last minute are watched for
    one short pause together: a size or time that changes means a copy or save in progress.
    A file that stays the same but cannot be read is broken, and says why (exit 3).
    """
    now = time.time()
    watched: list[tuple[Path, tuple[int, int]]] = []
    for path in paths:
        owner = _owner_file(path) if path.exists() else None
        if owner is not None:
            try:
                hours = (now - owner.stat().st_mtime) / 3600
            except OSError:
                hours = 0.0
            if hours < stale_owner_hours:
                reason = Problem("reason.owner_file", {"owner": owner.name})
                raise NotReadyError("input.not_ready", file=str(path), reason=reason)
            warnings.append(
                Problem(
                    "input.stale_owner",
                    {"file": str(path), "owner": owner.name, "hours": f"{hours:.0f}"},
                )
            )
        try:
            info = path.stat()
        except OSError:
            continue  # the reader names the real reason
        if stat.S_ISREG(info.st_mode) and 0 <= now - info.st_mtime < RECENT_SECONDS:
            watched.append((path, (info.st_size, info.st_mtime_ns)))
    if not watched:
        return
    _wait(SETTLE_SECONDS)
    for path, before in watched:
        try:
            info = path.stat()
        except OSError:
            continue
        if (info.st_size, info.st_mtime_ns) != before:
            reason = Problem("reason.changing", {"seconds": f"{SETTLE_SECONDS:g}"})
            raise NotReadyError("input.not_ready", file=str(path), reason=reason)
