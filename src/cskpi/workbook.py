"""Reading input workbooks into typed datasets: find each sheet, its header row, map the headers.

Sheets are found by name (Chinese or English alias), headers matched after NFKC, trimming and
case-folding; title rows above the header and blank rows are skipped. Only the fields the
rulebook needs are converted. Every unreadable cell is collected and reported together, by
sheet, row and column. Input files are opened read-only and never modified.
"""

from __future__ import annotations

import difflib
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import python_calamine as calamine

from cskpi.errors import InputError, Problem
from cskpi.expressions import normalize_name
from cskpi.rulebook import DatasetSpec, Rulebook
from cskpi.values import CONVERTERS, cell_text

HEADER_SEARCH_ROWS = 30
MAX_LISTED_BAD_CELLS = 20
SUFFIXES = {".xlsx", ".xlsm", ".xls", ".ods", ".xlsb"}
ROW = "_row"  # Excel row number of each data row, kept for messages and evidence
SOURCE = "_source"  # which file a row came from


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


def column_letter(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


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


def _find_sheet(names: Iterable[str], spec: DatasetSpec) -> str | None:
    wanted = [normalize_name(s) for s in spec.sheets]
    by_norm = {normalize_name(n): n for n in names}
    for want in wanted:
        if want in by_norm:
            return by_norm[want]
    return None


def _find_header(rows: list[list[object]], lookup: dict[str, str]) -> int | None:
    """The index of the row that names the most known fields (ties: the first)."""
    best, best_hits = None, 0
    for i, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        hits = len(
            {
                lookup[key]
                for cell in row
                if isinstance(cell, str) and (key := normalize_name(cell)) in lookup
            }
        )
        if hits > best_hits:
            best, best_hits = i, hits
    return best


def read_sheet(
    rows: list[list[object]],
    spec: DatasetSpec,
    *,
    dataset_id: str,
    file: str,
    sheet: str,
    required: set[str],
    wanted: set[str],
    bad_cells: list[Problem],
) -> pd.DataFrame:
    """Turn one sheet's raw rows into a typed frame of the ``wanted`` fields that exist."""
    lookup = spec.lookup()
    header_index = _find_header(rows, lookup)
    if header_index is None:
        raise InputError(
            "input.no_header",
            file=file,
            sheet=sheet,
            n=HEADER_SEARCH_ROWS,
            columns=", ".join(c.header for c in spec.columns.values()),
        )
    header = rows[header_index]
    positions: dict[str, int] = {}
    for col, cell in enumerate(header):
        if not isinstance(cell, str) or normalize_name(cell) not in lookup:
            continue
        fid = lookup[normalize_name(cell)]
        if fid in positions:
            raise InputError(
                "input.duplicate_header",
                file=file,
                sheet=sheet,
                row=header_index + 1,
                header=str(cell).strip(),
                a=column_letter(positions[fid]),
                b=column_letter(col),
            )
        positions[fid] = col
    for fid in sorted(required - positions.keys()):
        col = spec.columns[fid]
        present = [str(c).strip() for c in header if isinstance(c, str) and c.strip()]
        near = difflib.get_close_matches(col.header, present, n=1, cutoff=0.4)
        hint = (
            Problem("input.missing_column_hint", {"near": near[0]})
            if near
            else Problem("punct.end")
        )
        raise InputError(
            "input.missing_column",
            file=file,
            sheet=sheet,
            column=col.header,
            aliases=", ".join([col.header, fid, *col.aliases]),
            hint=hint,
        )

    body = rows[header_index + 1 :]
    width = len(header)
    data = [r + [None] * (width - len(r)) if len(r) < width else r for r in body]
    raw = (
        pd.DataFrame(data, columns=range(width), dtype=object)
        if data
        else pd.DataFrame(columns=range(width), dtype=object)
    )
    raw[ROW] = range(header_index + 2, header_index + 2 + len(raw))
    used = [positions[f] for f in positions]
    if len(raw):
        cells = raw[used] if used else raw[[]]
        empty = cells.map(lambda v: v is None or (isinstance(v, str) and not v.strip()))
        raw = raw[~empty.all(axis=1)] if used else raw.iloc[0:0]

    frame = pd.DataFrame(index=raw.index)
    for fid in sorted(wanted & positions.keys()):
        col_spec = spec.columns[fid]
        values, bad = CONVERTERS[col_spec.type](raw[positions[fid]])
        frame[fid] = values
        for idx in bad[bad].index:
            bad_cells.append(
                Problem(
                    "input.bad_value",
                    {
                        "file": file,
                        "sheet": sheet,
                        "row": int(raw.at[idx, ROW]),
                        "column": column_letter(positions[fid]),
                        "header": col_spec.header,
                        "kind": Problem(
                            f"kind.{'date' if col_spec.type == 'deadline' else col_spec.type}"
                        ),
                        "value": "***"
                        if col_spec.personal
                        else cell_text(raw.at[idx, positions[fid]])[:40],
                    },
                )
            )
    frame[ROW] = raw[ROW].astype("int64")
    frame[SOURCE] = file
    return frame.reset_index(drop=True)


def fields_to_load(rulebook: Rulebook, dataset_id: str, extra: Iterable[str] = ()) -> set[str]:
    """Fields worth converting: the rulebook's, the grouping ones, and cheap text for evidence."""
    spec = rulebook.datasets[dataset_id]
    wanted = rulebook.required_fields(dataset_id)
    wanted |= {f for f in extra if f in spec.columns}
    wanted |= {f for f, c in spec.columns.items() if c.type == "text"}
    if spec.date_column:
        wanted.add(spec.date_column)
    return wanted


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
    _sniff(path)
    result.files.append(InputFile(file, _sha256(path)))
    workbook = _open(path)
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
            result.frames[dataset_id] = (
                frame if previous is None else pd.concat([previous, frame], ignore_index=True)
            )
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
