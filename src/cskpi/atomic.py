"""Atomic output: write to a temporary file in the target folder, then rename over the target.

A reader never sees a half-written scorecard, and a failed write leaves the previous one intact.
A write can also be *staged* (written, not yet in place) so that it is put in place together
with the history's commit, and undone if that commit fails (:class:`Staged`).

Temporary files are named ``.<name>.cskpi-XXXXXXXX.tmp``: the marker makes them recognisably
ours, so the stale ones a killed run (``kill -9``) leaves behind are removed by the next run
(:func:`remove_stale`), and the name stays within 255 bytes for any legal target name.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import stat
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path

from cskpi.errors import OutputError, Problem

NAME_MAX = 255  # bytes in one file name, on every file system cskpi writes to
_MARK, _SUFFIX, _RANDOM = ".cskpi-", ".tmp", 8  # tempfile's random part is 8 characters
_TEMP = re.compile(r"^\..*\.cskpi-[a-z0-9_]{8}\.tmp$", re.DOTALL)


def file_kind(path: Path) -> Problem | None:
    """What an existing ``path`` is when it is not a regular file (a folder, a FIFO, a device),
    found without opening it: opening a FIFO blocks until another program opens its other end.
    None for a regular file and for a file not there yet."""
    try:
        mode = path.stat().st_mode
    except (OSError, ValueError):  # not there (it will be created), a broken link, a NUL
        return None
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISDIR(mode):
        return Problem("filetype.folder")
    return Problem("filetype.fifo" if stat.S_ISFIFO(mode) else "filetype.special")


def check_regular(path: Path, option: str) -> None:
    """Refuse a file to write that exists and is not a regular file (exit 4, naming it)."""
    kind = file_kind(path)
    if kind is not None:
        raise OutputError("output.not_a_file", option=option, file=str(path), kind=kind)


def check_writable(path: Path, option: str = "--output") -> None:
    """Fail early (before reading any input) when ``path`` cannot be written."""
    folder = path.parent if str(path.parent) else Path()
    if not folder.is_dir():
        raise OutputError("output.no_folder", file=str(path), folder=str(folder))
    if not os.access(folder, os.W_OK | os.X_OK):
        raise OutputError("output.write_failed", file=str(path), reason="permission denied")
    check_regular(path, option)
    try:  # root passes os.access anywhere, yet /proc, /sys or a read-only mount refuse a file
        _temp_beside(path).unlink()
    except OSError as exc:
        raise _failed(path, exc) from None


def _prefix(path: Path) -> str:
    """``.<name>.cskpi-``, the name cut (by whole characters) so the temp name fits NAME_MAX."""
    room = NAME_MAX - 1 - len(_MARK) - _RANDOM - len(_SUFFIX)
    name = path.name
    while len(os.fsencode(name)) > room:
        name = name[:-1]
    return f".{name}{_MARK}"


def _temp_beside(path: Path) -> Path:
    folder = path.parent if str(path.parent) else Path()
    fd, name = tempfile.mkstemp(prefix=_prefix(path), suffix=_SUFFIX, dir=folder)
    os.close(fd)
    return Path(name)


def remove_stale(folder: Path, before: float) -> list[Path]:
    """Remove our temporary files in ``folder`` last modified before ``before`` (a time stamp).

    Only regular files with our marker, owned by this user, that no run started since could
    be writing: what a killed run left behind (they may hold personal data).
    """
    removed: list[Path] = []
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return removed
    uid = os.geteuid() if hasattr(os, "geteuid") else None
    for entry in entries:
        if not _TEMP.match(entry.name):
            continue
        try:
            info = entry.stat(follow_symlinks=False)
            if not entry.is_file(follow_symlinks=False) or info.st_mtime >= before:
                continue
            if uid is not None and info.st_uid != uid:
                continue
            Path(entry.path).unlink()
            removed.append(Path(entry.path))
        except OSError:
            continue
    return removed


def _failed(path: Path, exc: BaseException) -> OutputError:
    if isinstance(exc, OutputError):
        return exc
    reason = getattr(exc, "strerror", None) or str(exc)
    return OutputError("output.write_failed", file=str(path), reason=reason)


class Staged:
    """A file written beside its target, waiting to be put in place (or thrown away).

    :meth:`place` moves it over the target and keeps the previous file as a backup;
    :meth:`undo` puts the previous file back; :meth:`finish` drops the backup.
    """

    def __init__(self, target: Path, write: Callable[[Path], object], *, private: bool) -> None:
        self.target = target
        self.backup: Path | None = None
        self.placed = False
        try:
            self.tmp = _temp_beside(target)  # mkstemp: created 0600, owner only
        except OSError as exc:  # a folder that takes no new file (/proc, a read-only mount)
            raise _failed(target, exc) from None
        try:
            write(self.tmp)
            if not private:
                umask = os.umask(0)
                os.umask(umask)
                self.tmp.chmod(0o666 & ~umask)
            with self.tmp.open("rb+") as handle:
                os.fsync(handle.fileno())
        except BaseException as exc:
            with contextlib.suppress(OSError):
                self.tmp.unlink()
            if isinstance(exc, OSError | ValueError | OutputError):
                raise _failed(target, exc) from None
            raise

    def place(self) -> None:
        """Move the new file over the target, keeping the previous one aside until finish()."""
        try:
            if self.target.is_file():
                self.backup = _temp_beside(self.target)
                try:
                    self.backup.unlink()
                    os.link(self.target, self.backup)  # the target never disappears
                except OSError:  # no hard links here (FAT, some shares): a copy does
                    shutil.copy2(self.target, self.backup)
            self.tmp.replace(self.target)
            self.placed = True
        except OSError as exc:
            self.undo()
            raise _failed(self.target, exc) from None

    def undo(self) -> None:
        """Leave things as they were before: the previous file in place, no temporary file."""
        with contextlib.suppress(OSError):
            if self.placed:
                if self.backup is not None:
                    self.backup.replace(self.target)
                    self.backup = None
                else:
                    self.target.unlink()
                self.placed = False
        for leftover in (self.tmp, self.backup):
            if leftover is not None:
                with contextlib.suppress(OSError):
                    leftover.unlink(missing_ok=True)

    def finish(self) -> None:
        if self.backup is not None:
            with contextlib.suppress(OSError):
                self.backup.unlink()
            self.backup = None


def place_all(staged: Sequence[Staged], commit: Callable[[], None]) -> None:
    """Put every staged file in place, then ``commit()``; if anything fails, every previous
    file returns (and no temporary file is left)."""
    try:
        for item in staged:
            item.place()
        commit()
    except BaseException:
        for item in reversed(staged):
            item.undo()
        raise
    for item in staged:
        item.finish()


def place_with(staged: Staged, commit: Callable[[], None]) -> None:
    """Put ``staged`` in place, then ``commit()``; if the commit fails, the old file returns."""
    place_all([staged], commit)


def write_atomic(path: Path, write: Callable[[Path], object], *, private: bool = False) -> None:
    """Call ``write(tmp)`` and move the result to ``path``.

    ``private`` files (holding personal data) are created with mode 0600; others get the usual
    permissions of the user's umask.
    """
    place_with(Staged(path, write, private=private), lambda: None)


def write_text_atomic(path: Path, text: str, *, private: bool = False) -> None:
    def write(tmp: Path) -> None:
        tmp.write_text(text, encoding="utf-8")

    write_atomic(path, write, private=private)
