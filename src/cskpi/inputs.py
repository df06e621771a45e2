"""Input files: which files a run reads, whether they are ready, and reading them as one data set.

Workbooks are sniffed before they are parsed (a CSV renamed .xlsx, an encrypted workbook),
files still being written are told apart from broken ones (exit 75 vs 3), path templates
name a month without shell arithmetic, and rows read twice from two files count once.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import python_calamine as calamine

from cskpi.errors import InputError, NotReadyError, Problem
from cskpi.periods import Period
from cskpi.rulebook import Rulebook
from cskpi.workbook import (
    MAX_LISTED_BAD_CELLS,
    SOURCE,
    SUFFIXES,
    _find_sheet,
    fields_to_load,
    read_sheet,
)

RECENT_SECONDS = 60  # an unreadable file younger than this is probably still being written


@dataclass(frozen=True)
class InputFile:
    path: str
    sha256: str


@dataclass
class Datasets:
    """What was read: one typed frame per dataset found, plus warnings and input fingerprints."""

    frames: dict[str, pd.DataFrame] = field(default_factory=dict)
    warnings: list[Problem] = field(default_factory=list)
    files: list[InputFile] = field(default_factory=list)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _sniff(path: Path) -> None:
    """Refuse files that are not what their name says, with the real format named."""
    file = str(path)
    if not path.exists():
        raise InputError("input.file_not_found", file=file)
    if not path.is_file():
        raise InputError("input.not_a_file", file=file)
    try:
        with path.open("rb") as handle:
            head = handle.read(8)
            handle.seek(0)
            sample = handle.read(1 << 16)
    except PermissionError:
        raise InputError("input.permission", file=file) from None
    if not head:
        raise InputError("input.empty_file", file=file)
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise InputError("input.unsupported_suffix", file=file, suffix=suffix or "(none)")
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        if "EncryptedPackage".encode("utf-16-le") in sample or suffix != ".xls":
            raise InputError("input.encrypted", file=file)
        return
    if head.startswith(b"PK"):
        return
    if suffix == ".xls":
        return
    kind = "CSV/text" if _looks_like_text(sample) else "an unknown binary file"
    raise InputError("input.wrong_format", file=file, kind=kind)


def _looks_like_text(sample: bytes) -> bool:
    for encoding in ("utf-8", "gb18030"):
        try:
            sample.decode(encoding)
            return True
        except UnicodeDecodeError:
            continue
    return False


def _open(path: Path) -> calamine.CalamineWorkbook:
    file = str(path)
    try:
        return calamine.CalamineWorkbook.from_path(str(path))
    except calamine.PasswordError:
        raise InputError("input.encrypted", file=file) from None
    except (calamine.CalamineError, OSError, ValueError) as exc:
        raise InputError("input.corrupt", file=file, reason=str(exc).splitlines()[0]) from None


def read_workbook(
    path: Path,
    rulebook: Rulebook,
    *,
    group_fields: Iterable[str] = (),
    into: Datasets | None = None,
) -> Datasets:
    """Read every dataset of ``rulebook`` from one workbook (appending to ``into`` if given)."""
    result = into if into is not None else Datasets()
    file = str(path)
    owner = _owner_file(path) if path.exists() else None
    if owner is not None:
        raise NotReadyError(
            "input.not_ready", file=file, reason=Problem("reason.owner_file", {"owner": owner.name})
        )
    try:
        _sniff(path)
        digest = _sha256(path)
        workbook = _open(path)
    except InputError as exc:
        if exc.problems[0].key == "input.file_not_found":
            raise
        raise _readiness(path, exc) from None
    result.files.append(InputFile(file, digest))
    bad_cells: list[Problem] = []
    try:
        sheet_names = list(workbook.sheet_names)
        for dataset_id, spec in rulebook.datasets.items():
            sheet = _find_sheet(sheet_names, spec)
            if sheet is None:
                result.warnings.append(
                    Problem(
                        "input.sheet_missing",
                        {
                            "file": file,
                            "dataset": dataset_id,
                            "names": " / ".join(spec.sheets),
                            "present": ", ".join(sheet_names) or "-",
                        },
                    )
                )
                continue
            try:
                rows = workbook.get_sheet_by_name(sheet).to_python(skip_empty_area=False)
            except calamine.CalamineError as exc:
                raise InputError(
                    "input.corrupt", file=file, reason=f"{sheet}: {str(exc).splitlines()[0]}"
                ) from None
            frame = read_sheet(
                [list(r) for r in rows],
                spec,
                dataset_id=dataset_id,
                file=file,
                sheet=sheet,
                required=rulebook.required_fields(dataset_id),
                wanted=fields_to_load(rulebook, dataset_id, group_fields),
                bad_cells=bad_cells,
            )
            previous = result.frames.get(dataset_id)
            if previous is None:
                result.frames[dataset_id] = frame
            else:
                frame = _dedupe(previous, frame, spec.id_column, dataset_id, result.warnings)
                result.frames[dataset_id] = pd.concat([previous, frame], ignore_index=True)
    finally:
        workbook.close()
    if bad_cells:
        listed = bad_cells[:MAX_LISTED_BAD_CELLS]
        if len(bad_cells) > MAX_LISTED_BAD_CELLS:
            listed.append(
                Problem("input.bad_values_more", {"n": len(bad_cells) - MAX_LISTED_BAD_CELLS})
            )
        raise InputError.of(listed)
    return result


def _owner_file(path: Path) -> Path | None:
    """Excel's lock file (~$name.xlsx) beside a workbook that is open for editing."""
    owner = path.with_name("~$" + path.name)
    if owner.exists():
        return owner
    short = path.with_name("~$" + path.name[2:]) if len(path.name) > 2 else None
    return short if short is not None and short.exists() else None


def _readiness(path: Path, error: InputError) -> InputError | NotReadyError:
    """An unreadable file modified within the last minute is 'not ready', not broken."""
    try:
        age = time.time() - path.stat().st_mtime
    except OSError:
        return error
    if 0 <= age < RECENT_SECONDS:
        reason = Problem("reason.recent", {"seconds": int(age)})
        return NotReadyError("input.not_ready", file=str(path), reason=reason)
    return error


def _dedupe(
    previous: pd.DataFrame,
    frame: pd.DataFrame,
    id_field: str | None,
    dataset_id: str,
    warnings: list[Problem],
) -> pd.DataFrame:
    """Drop rows of ``frame`` whose id was already read from another file, and say so."""
    if id_field is None or id_field not in frame.columns or id_field not in previous.columns:
        return frame
    seen = previous.dropna(subset=[id_field]).drop_duplicates(id_field).set_index(id_field)
    dup = frame[id_field].isin(seen.index).fillna(False).to_numpy(dtype=bool)
    if not dup.any():
        return frame
    dropped = frame[dup]
    for first, rows in dropped.groupby(dropped[id_field].map(seen[SOURCE]), sort=True):
        warnings.append(
            Problem(
                "input.duplicate_ids",
                {
                    "dataset": dataset_id,
                    "file": rows[SOURCE].iloc[0],
                    "first": first,
                    "n": len(rows),
                    "example": rows[id_field].iloc[0],
                },
            )
        )
    return frame[~dup]


def read_inputs(
    paths: Sequence[Path],
    rulebook: Rulebook,
    *,
    group_fields: Iterable[str] = (),
    warnings: Iterable[Problem] = (),
) -> Datasets:
    """Read several workbooks as one data set."""
    data = Datasets(warnings=list(warnings))
    for path in paths:
        read_workbook(path, rulebook, group_fields=group_fields, into=data)
    return data


PLACEHOLDERS = ("{yyyy}", "{mm}", "{period}")


def is_template(text: str) -> bool:
    return any(p in text for p in PLACEHOLDERS)


def fill_template(template: str, month: Period) -> Path:
    """Plain substitution of {yyyy}, {mm}, {period}: no format-string evaluation."""
    return Path(
        template.replace("{yyyy}", f"{month.start.year:04d}")
        .replace("{mm}", f"{month.start.month:02d}")
        .replace("{period}", month.label)
    )


def expand_inputs(
    args: Sequence[str], period: Period, rulebook: Rulebook
) -> tuple[list[Path], list[Problem]]:
    """Turn file arguments into paths, expanding templates for every month a standard needs.

    The evaluated period's own months must exist (exit 3 naming the expected path); earlier
    months that only a quarterly or yearly standard reaches are warned about when missing.
    """
    widest = max(
        (s.period for s in rulebook.standards if s.date_column),
        key=lambda g: {"month": 0, "quarter": 1, "year": 2}[g],
        default="month",
    )
    start = min(period.containing(widest).start, period.start)
    months = Period(start, "month").split("month")
    while months[-1].end < period.end:
        months.append(Period(months[-1].end, "month"))
    paths: list[Path] = []
    warnings: list[Problem] = []
    for arg in args:
        if not is_template(arg):
            paths.append(Path(arg))
            continue
        for month in months:
            path = fill_template(arg, month)
            if path.exists():
                paths.append(path)
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
    return list(dict.fromkeys(paths)), warnings
