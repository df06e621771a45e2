"""Atomic output: write to a temporary file in the target folder, then rename over the target.

A reader never sees a half-written scorecard, and a failed write leaves the previous one intact.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Callable
from pathlib import Path

from cskpi.errors import OutputError


def check_writable(path: Path) -> None:
    """Fail early (before reading any input) when ``path`` cannot be written."""
    folder = path.parent if str(path.parent) else Path()
    if not folder.is_dir():
        raise OutputError("output.no_folder", file=str(path), folder=str(folder))
    if not os.access(folder, os.W_OK | os.X_OK):
        raise OutputError("output.write_failed", file=str(path), reason="permission denied")
    if path.is_dir():
        raise OutputError("output.write_failed", file=str(path), reason="it is a folder")


def write_atomic(path: Path, write: Callable[[Path], None], *, private: bool = False) -> None:
    """Call ``write(tmp)`` and move the result to ``path``.

    ``private`` files (holding personal data) are created with mode 0600; others get the usual
    permissions of the user's umask.
    """
    folder = path.parent if str(path.parent) else Path()
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        write(tmp)
        if not private:
            umask = os.umask(0)
            os.umask(umask)
            tmp.chmod(0o666 & ~umask)
        with tmp.open("rb+") as handle:
            os.fsync(handle.fileno())
        tmp.replace(path)
    except OutputError:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    except (OSError, ValueError) as exc:
        with contextlib.suppress(OSError):
            tmp.unlink()
        reason = getattr(exc, "strerror", None) or str(exc)
        raise OutputError("output.write_failed", file=str(path), reason=reason) from None
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise


def write_text_atomic(path: Path, text: str, *, private: bool = False) -> None:
    def write(tmp: Path) -> None:
        tmp.write_text(text, encoding="utf-8")

    write_atomic(path, write, private=private)
