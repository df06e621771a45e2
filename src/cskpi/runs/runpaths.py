"""Which files a run reads and writes, kept apart: how messages name them, and the log's check
(made before anything else, since a run that fails is logged too)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import NamedTuple

from cskpi.atomic import check_regular
from cskpi.errors import UsageError
from cskpi.present.outputs import check_apart, same_file
from cskpi.read.database import is_database_url
from cskpi.read.paths import is_template, reads_as_input


class Names(NamedTuple):
    """How messages name the files a run writes: options, or a project's settings."""

    output: str = "--output"
    log: str = "--log-file"
    history: str = "--history"


OPTION_NAMES = Names()
PROJECT_NAMES = Names("cskpi.toml outputs", "cskpi.toml log", "cskpi.toml history")


def input_reader(files: Sequence[str]) -> Callable[[Path], str | None]:
    """The input argument (folder, glob, template) that would read a path as data, if any."""

    def reader(path: Path) -> str | None:
        args = (arg for arg in files if not is_database_url(arg))
        return next((arg for arg in args if reads_as_input(arg, path)), None)

    return reader


def check_log(
    log: Path,
    name: str,
    files: Sequence[str],
    read: Sequence[Path],
    written: Sequence[tuple[str, Path | None]] = (),
) -> None:
    """Before anything else, since a run that fails is logged too: the log is a regular file
    (or not there yet), none of the files the run reads (``files`` as given, with their
    templates, globs and folders; ``read``: rulebook, waivers, settings) and none it writes."""
    check_regular(log, name)
    plain = [Path(f) for f in files if not is_database_url(f) and not is_template(f)]
    check_apart([(name, log)], [*read, *plain], input_reader(files))
    for other_name, other in written:
        if other is not None and same_file(log, other):
            raise UsageError("usage.outputs_clash", option=name, file=str(log), other=other_name)
