"""Which files a run reads: {period} templates, globs and folders expanded, and whether an argument
reads a given file (so an output can never be one of the inputs)."""

from __future__ import annotations

import glob
import os
import re
from collections.abc import Sequence
from pathlib import Path, PurePath

from cskpi.errors import InputError, Problem, UsageError
from cskpi.evaluate.periods import Granularity, Period
from cskpi.read.sources import SUFFIXES
from cskpi.rulebook.compiled import Rulebook

PLACEHOLDERS = ("{yyyy}", "{mm}", "{period}")


TEMPLATE_DIGITS = (("{yyyy}", r"\d{4}"), ("{mm}", r"\d{2}"), ("{period}", r"\d{4}-\d{2}"))


_BRACED = re.compile(r"\{\w+\}")


def is_template(text: str) -> bool:
    return any(p in text for p in PLACEHOLDERS)


def unknown_placeholder(text: str) -> Problem | None:
    """A ``{word}`` that is none of the placeholders (``{perod}``), as the detail of a usage
    error: filled in by nothing, it would be read or written as it is."""
    import difflib

    for found in _BRACED.findall(text):
        if found not in PLACEHOLDERS:
            near = difflib.get_close_matches(found, PLACEHOLDERS, n=1, cutoff=0.6)
            hint = Problem("expr.did_you_mean", {"near": near[0]}) if near else ""
            known = ", ".join(PLACEHOLDERS)
            params = {"name": found, "known": known, "hint": hint}
            return Problem("usage.unknown_placeholder", params)
    return None


def check_placeholders(templates: Sequence[str | Path]) -> None:
    """An unknown ``{placeholder}`` in an input or output (``{perod}``) is a usage error:
    nothing fills it in, so the run would look for or write that very name."""
    for text in templates:
        problem = unknown_placeholder(str(text))
        if problem is not None:
            raise UsageError("usage.placeholder", text=str(text), detail=problem)


def fill_template(template: str, month: Period) -> Path:
    """Plain substitution of {yyyy}, {mm}, {period}: no format-string evaluation."""
    return Path(
        template.replace("{yyyy}", f"{month.start.year:04d}")
        .replace("{mm}", f"{month.start.month:02d}")
        .replace("{period}", month.label)
    )


def expand_inputs(
    args: Sequence[str], period: Period, rulebook: Rulebook
) -> tuple[list[Path], list[Problem], frozenset[Path]]:
    """Turn file arguments into paths, expanding templates for every month a standard needs.

    The evaluated period's own months must exist (exit 3 naming the expected path); earlier
    months that only a quarterly or yearly standard reaches are warned about when missing,
    and returned last: the files read only for those standards.
    """
    widest: Granularity = max(
        (s.period for s in rulebook.standards if s.date_field),
        key=lambda g: {"month": 0, "quarter": 1, "year": 2}[g],
        default="month",
    )
    start = min(period.containing(widest).start, period.start)
    months = Period(start, "month").split("month")
    while months[-1].end < period.end:
        months.append(Period(months[-1].end, "month"))
    paths: list[Path] = []
    warnings: list[Problem] = []
    earlier: set[Path] = set()
    for arg in args:
        if not is_template(arg):
            paths.append(Path(arg))
            continue
        for month in months:
            path = fill_template(arg, month)
            if path.exists():
                paths.append(path)
                if month.start < period.start:
                    earlier.add(path)
            elif month.start >= period.start:
                raise InputError(
                    "input.template_missing", file=str(path), period=month.label, template=arg
                )
            else:
                warnings.append(
                    Problem(
                        "input.template_month_missing", {"file": str(path), "period": month.label}
                    )
                )
    return list(dict.fromkeys(paths)), warnings, frozenset(earlier)


GLOB_CHARS = set("*?[")


def expand_paths(args: Sequence[str]) -> list[Path]:
    """Files as given; a folder or a glob stands for its input files, in name order.

    Excel's owner files (``~$name.xlsx``) and hidden files are skipped, so an open workbook
    in a monthly folder does not break the run.
    """
    out: list[Path] = []
    for arg in args:
        path = Path(arg)
        if path.is_dir():
            found = sorted(p for p in path.iterdir() if p.is_file())
        elif GLOB_CHARS & set(arg):
            found = sorted(Path(p) for p in glob.glob(arg))  # noqa: PTH207 - absolute patterns
        else:
            out.append(path)
            continue
        out += [
            p for p in found if p.suffix.lower() in SUFFIXES and not p.name.startswith(("~$", "."))
        ]
        if not found:
            out.append(path)  # nothing matched: reported as a missing file
    return list(dict.fromkeys(out))


def reads_as_input(arg: str, path: Path) -> bool:
    """Whether the input argument ``arg`` (a folder, a glob or a template) would read ``path``.

    An output written there would be read as data by the next run, so it is refused at once,
    before it exists (a file that already exists is caught as an input itself).
    """
    if path.suffix.lower() not in SUFFIXES or path.name.startswith(("~$", ".")):
        return False
    target = _absolute(path)
    fold = re.IGNORECASE if os.name == "nt" else 0
    if is_template(arg):
        pattern = re.escape(_absolute(arg))
        for placeholder, digits in TEMPLATE_DIGITS:
            pattern = pattern.replace(re.escape(placeholder), digits)
        return re.fullmatch(pattern, target, fold) is not None
    source = Path(arg)
    if source.is_dir():
        return path.parent.is_dir() and source.samefile(path.parent)
    if GLOB_CHARS & set(arg):
        return PurePath(target).match(_absolute(arg))
    return False


def _absolute(path: str | Path) -> str:
    """Absolute and normalised, symlinks kept (as glob and templates see a path)."""
    return os.path.normpath(Path(path).absolute())
