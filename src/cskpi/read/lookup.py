"""Which sheet holds which dataset: by name, else by headers, and never a guess.

A WPS 工作表1 or a CRM's ``Export`` carries the complaint log under another name: a sheet
whose header row names the dataset's required columns is used, and the run says which.
Two sheets that could both be the dataset (twins such as 投诉记录 and 投诉记录　, or both
投诉记录 and Complaints) stop the run naming both; so does a dataset found in no input,
naming what was looked for, the sheets present and the closest one. Silently evaluating
without a dataset would read as "no complaints": a false pass. A dataset read from a hidden
sheet, and a sheet left unread that looks like a dataset read elsewhere, are named in a
warning.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from cskpi.errors import InputError, Problem
from cskpi.i18n import Named
from cskpi.language.syntax import normalize_name
from cskpi.read.sheets import HEADER_SEARCH_ROWS, closest_header, find_columns
from cskpi.read.sources import RawSheet, Source, load_sheets, look_sheets
from cskpi.read.waivers import SHEET_NAMES
from cskpi.rulebook.compiled import Dataset, Rulebook

WAIVER_SHEETS = frozenset(normalize_name(n) for n in SHEET_NAMES)  # never a dataset
MIN_HEADER_FIELDS = 2  # a sheet found by headers names at least this many fields,
MIN_HEADER_SHARE = 0.5  # and at least this share of the dataset's columns


@dataclass
class FileLayout:
    """What one input file holds: its sheets, the datasets found in it, and near misses."""

    file: str
    sheets: tuple[str, ...]
    single_table: bool
    datasets: dict[str, str] = field(default_factory=dict)  # dataset -> sheet
    # sheets not claimed by name: the dataset fields their best header row names
    fields: dict[str, dict[str, frozenset[str]]] = field(default_factory=dict)
    heads: dict[str, list[list[str | None]]] = field(default_factory=dict)  # their first rows


def header_fields(head: list[list[str | None]], spec: Dataset) -> frozenset[str]:
    """The fields of ``spec`` named by the best header row among ``head``."""
    best: frozenset[str] = frozenset()
    for row in head[:HEADER_SEARCH_ROWS]:
        found = frozenset(
            spec.lookup[key]
            for cell in row
            if isinstance(cell, str) and (key := normalize_name(cell)) in spec.lookup
        )
        if len(found) > len(best):
            best = found
    return best


def dataset_name(rulebook: Rulebook, dataset_id: str) -> Named:
    """How messages name a dataset: its Chinese name in Chinese, its id in English."""
    return rulebook.datasets[dataset_id].named


def _ambiguous(file: str, dataset: Named, sheets: list[str]) -> Problem:
    return Problem(
        "input.ambiguous_sheets", {"file": file, "dataset": dataset, "a": sheets[0], "b": sheets[1]}
    )


def _by_name(file: str, names: list[str], rulebook: Rulebook) -> dict[str, str]:
    """Dataset -> the one sheet named like it; two such sheets are an error naming both."""
    found: dict[str, str] = {}
    problems: list[Problem] = []
    for dataset_id, spec in rulebook.datasets.items():
        wanted = {normalize_name(s) for s in spec.sheets}
        named = [n for n in names if normalize_name(n) in wanted]
        if len(named) > 1:
            problems.append(_ambiguous(file, dataset_name(rulebook, dataset_id), named))
        elif named:
            found[dataset_id] = named[0]
    if problems:
        raise InputError.of(problems)
    return found


def _best_dataset(fields: dict[str, frozenset[str]], rulebook: Rulebook) -> str | None:
    """The dataset a sheet's headers describe: it names all the required fields and at least
    half of the dataset's columns, and more of them (as a share, then in number) than of any
    other dataset; ties: none. A waivers sheet (编号, 日期, ...) is never a log of 日期 rows."""
    scored = []
    for dataset_id, spec in rulebook.datasets.items():
        got = fields[dataset_id]
        share = len(got) / len(spec.columns)
        required = rulebook.sheet_required(dataset_id)
        if len(got) >= MIN_HEADER_FIELDS and share >= MIN_HEADER_SHARE and required <= got:
            scored.append(((share, len(got)), dataset_id))
    scored.sort(reverse=True)
    if not scored or (len(scored) > 1 and scored[0][0] == scored[1][0]):
        return None
    return scored[0][1]


def locate_datasets(
    source: Source,
    rulebook: Rulebook,
    warnings: list[Problem],
    announce: Callable[[str], None] | None = None,
) -> tuple[FileLayout, list[tuple[str, RawSheet]]]:
    """The (dataset, sheet) pairs of one workbook, and what it holds (for the presence check).

    A sheet is loaded in full only when it is read as a dataset, or when it is likely to be
    one (no more sheets left to look at than datasets missing): the others are looked at
    (their first rows and their row count, :func:`look_sheets`) for their headers.
    """
    file = str(source.path)
    names = source.sheet_names()
    layout = FileLayout(file, tuple(names), single_table=False)
    layout.datasets = _by_name(file, names, rulebook)
    seen: dict[str, RawSheet] = {}  # looked at (the head only) or loaded in full
    missing = [d for d in rulebook.datasets if d not in layout.datasets]
    if missing:
        claimed = set(layout.datasets.values())
        claimed |= {n for n in names if normalize_name(n) in WAIVER_SHEETS}
        candidates: dict[str, list[str]] = {}
        looked = [n for n in names if n not in claimed]
        if len(looked) <= len(missing):  # a WPS 工作表1: likely the dataset, loaded once
            found = load_sheets(source, looked)
        else:  # a sheet per month: looked at, and loaded again only if it is a dataset
            found = look_sheets(source, looked, HEADER_SEARCH_ROWS)
        seen.update(zip(looked, found, strict=True))
        for name in looked:
            head = seen[name].head(HEADER_SEARCH_ROWS)
            fields = {d: header_fields(head, spec) for d, spec in rulebook.datasets.items()}
            layout.fields[name] = fields
            layout.heads[name] = head
            best = _best_dataset(fields, rulebook)
            if best in missing:
                candidates.setdefault(best, []).append(name)
        problems = [
            _ambiguous(file, dataset_name(rulebook, d), s)
            for d, s in candidates.items()
            if len(s) > 1
        ]
        if problems:
            raise InputError.of(problems)
        for dataset_id, (sheet,) in candidates.items():
            layout.datasets[dataset_id] = sheet
            warnings.append(
                Problem(
                    "input.sheet_by_headers",
                    {
                        "file": file,
                        "dataset": dataset_name(rulebook, dataset_id),
                        "sheet": sheet,
                        "names": " / ".join(rulebook.datasets[dataset_id].sheets),
                    },
                )
            )
    wanted = [(d, layout.datasets[d]) for d in rulebook.datasets if d in layout.datasets]
    if announce is not None:
        for _dataset, sheet in wanted:
            announce(sheet)
    loaded = {s: raw for s, raw in seen.items() if raw.height is None}  # loaded in full
    rest = list(dict.fromkeys(s for _d, s in wanted if s not in loaded))
    loaded.update(zip(rest, load_sheets(source, rest), strict=True))  # two at a time
    warnings += _lookalikes(source, layout, rulebook, seen | loaded)
    return layout, [(dataset_id, loaded[sheet]) for dataset_id, sheet in wanted]


def _lookalikes(
    source: Source, layout: FileLayout, rulebook: Rulebook, seen: dict[str, RawSheet]
) -> list[Problem]:
    """Warnings for what would otherwise pass unseen: a dataset read from a hidden sheet,
    and a sheet left unread whose headers are those of a dataset read from another sheet
    (a second month pasted beside the first, a copy under 工作表2)."""
    out = []
    used = {sheet: dataset for dataset, sheet in layout.datasets.items()}
    skip = set(used) | {n for n in layout.sheets if normalize_name(n) in WAIVER_SHEETS}
    todo = [n for n in layout.sheets if n not in skip and n not in layout.fields]
    if not source.single_table:
        seen.update(zip(todo, look_sheets(source, todo, HEADER_SEARCH_ROWS), strict=True))
    for name in layout.sheets:
        if name in skip or source.single_table:
            continue
        if name not in layout.fields:
            head = seen[name].head(HEADER_SEARCH_ROWS)
            layout.fields[name] = {d: header_fields(head, s) for d, s in rulebook.datasets.items()}
        dataset = _best_dataset(layout.fields[name], rulebook)
        if dataset is None or dataset not in layout.datasets:
            continue
        chosen = layout.datasets[dataset]
        hidden = not seen[chosen].visible and seen[name].visible
        if hidden:
            used.pop(chosen, None)  # said here, with the visible sheet beside it
        out.append(
            Problem(
                "input.hidden_sheet_used" if hidden else "input.lookalike_sheet",
                {
                    "file": layout.file,
                    "sheet": name,
                    "n": max(_height(seen[name]) - 1, 0),
                    "dataset": dataset_name(rulebook, dataset),
                    "used": chosen,
                },
            )
        )
    for sheet, dataset in used.items():
        if not seen[sheet].visible:
            out.append(
                Problem(
                    "input.hidden_sheet",
                    {
                        "file": layout.file,
                        "sheet": sheet,
                        "dataset": dataset_name(rulebook, dataset),
                    },
                )
            )
    return out


def _height(raw: RawSheet) -> int:
    """A sheet's row count, whether it was loaded in full or only looked at."""
    return raw.rows if raw.height is None else raw.height


def _closest(dataset_id: str, rulebook: Rulebook, layouts: Iterable[FileLayout]) -> Problem:
    """The sheet nearest to being ``dataset_id``: most of its headers, else the nearest name."""
    spec = rulebook.datasets[dataset_id]
    required = rulebook.sheet_required(dataset_id)
    best: tuple[int, FileLayout, str, frozenset[str]] | None = None
    for layout in layouts:
        for sheet, fields in layout.fields.items():
            got = fields[dataset_id]
            if got and (best is None or len(got) > best[0]):
                best = (len(got), layout, sheet, got)
    if best is not None:
        _n, layout, sheet, got = best
        lacks = [f for f in spec.columns if f in required - got]
        return Problem(
            "input.closest_sheet",
            {
                "file": layout.file,
                "sheet": sheet,
                "lacks": _lacking(spec, lacks, layout.heads.get(sheet, [])),
            },
        )
    sheets = {
        s: layout.file for layout in layouts if not layout.single_table for s in layout.sheets
    }
    near = difflib.get_close_matches(spec.sheets[0], list(sheets), n=1, cutoff=0.3)
    if near:
        return Problem("input.closest_name", {"file": sheets[near[0]], "sheet": near[0]})
    return Problem("punct.end")


def _lacking(spec: Dataset, fields: list[str], head: list[list[str | None]]) -> Problem | str:
    """Each missing field with its accepted headers and the sheet's closest header."""
    if not fields:
        return "-"
    try:
        index, positions = find_columns(head, spec, file="", sheet="")
    except InputError:  # no header row, or one naming a field twice: no closest header
        index, positions = None, {}
    said = []
    for fid in fields:
        column = spec.columns[fid]
        near = None if index is None else closest_header(fid, spec, head[index], positions.values())
        said.append(
            Problem(
                "input.lacking_header",
                {
                    "column": column.header,
                    "aliases": ", ".join([column.header, fid, *column.aliases]),
                    "near": Problem("input.lacking_near", {"near": near}) if near else "",
                },
            )
        )
    joined: Problem = said[-1]
    for item in reversed(said[:-1]):
        joined = Problem("input.lacking_more", {"first": item, "rest": joined})
    return joined


def _required_headers(rulebook: Rulebook, dataset_id: str) -> str:
    spec = rulebook.datasets[dataset_id]
    required = rulebook.sheet_required(dataset_id)
    return ", ".join(c.header for f, c in spec.columns.items() if f in required) or "-"


def check_presence(rulebook: Rulebook, layouts: list[FileLayout], warnings: list[Problem]) -> None:
    """Every dataset that is not optional must be in some input (else exit 3, naming it).

    With several inputs, a workbook that lacks a dataset which a file like it holds (one
    sharing another dataset with it: last month's workbook) is named in a warning, as its
    month may be missing those rows. Files split by kind (one dataset each) are not.
    """
    problems: list[Problem] = []
    for dataset_id, spec in rulebook.datasets.items():
        holders = [layout for layout in layouts if dataset_id in layout.datasets]
        if spec.optional:
            continue
        if not holders:
            present = "; ".join(
                f"{layout.file}: " + (", ".join(layout.sheets) or "-")
                for layout in layouts
                if not layout.single_table
            )
            problems.append(
                Problem(
                    "input.dataset_missing",
                    {
                        "dataset": dataset_name(rulebook, dataset_id),
                        "names": " / ".join(spec.sheets),
                        "headers": _required_headers(rulebook, dataset_id),
                        "present": present or "-",
                        "closest": _closest(dataset_id, rulebook, layouts),
                    },
                )
            )
            continue
        for layout in layouts:
            alike = any(set(holder.datasets) & set(layout.datasets) for holder in holders)
            if not layout.single_table and layout not in holders and alike:
                warnings.append(
                    Problem(
                        "input.dataset_missing_in_file",
                        {
                            "file": layout.file,
                            "dataset": dataset_name(rulebook, dataset_id),
                            "names": " / ".join(spec.sheets),
                        },
                    )
                )
    if problems:
        raise InputError.of(problems)
