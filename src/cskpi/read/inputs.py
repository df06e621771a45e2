"""Input files: which files a run reads, whether they are ready, and reading them as one data set.

Workbooks are sniffed before they are parsed (a CSV renamed .xlsx, an encrypted workbook),
a file really being written (a fresh Excel owner file, a size that changes while we watch)
is told apart from a broken one (exit 75 vs 3), path templates name a month without shell
arithmetic, the same file given twice is read once, and a record read from two files counts
once (read/combine.py).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from cskpi.errors import InputError, Problem
from cskpi.evaluate.datasets import ColumnMatch, Datasets, InputFile
from cskpi.i18n import printable
from cskpi.language.syntax import normalize_name
from cskpi.read.combine import combine_inputs
from cskpi.read.lookup import FileLayout, check_presence, header_fields, locate_datasets
from cskpi.read.ready import STALE_OWNER_HOURS, check_ready
from cskpi.read.records import example_column, merge_notes
from cskpi.read.sheets import HEADER_SEARCH_ROWS, BadCells, fields_to_load, find_columns, read_sheet
from cskpi.read.sniff import open_source, sha256_of, sniff
from cskpi.read.sources import RawSheet, Source
from cskpi.read.tablefile import TableSource
from cskpi.read.tables import DatabaseOptions
from cskpi.rulebook.compiled import Dataset, Rulebook

if TYPE_CHECKING:
    from cskpi.read.tables import DatabaseSource

# Progress callback: (file, sheet, rows read or None when starting)
Progress = Callable[[str, str, int | None], None]


def _table_dataset(raw: RawSheet, rulebook: Rulebook, stem: str) -> str | None:
    """For a CSV or Parquet file: the dataset named by its stem, or whose headers carry the
    dataset's required columns (as a sheet found by headers must); most headers wins, the stem
    breaks ties. A survey sharing only 团队 with the complaint log is no complaint log."""
    head = raw.head(HEADER_SEARCH_ROWS)
    best, best_score = None, (0, False)
    for dataset_id, spec in rulebook.datasets.items():
        fields = header_fields(head, spec)
        named = normalize_name(stem) in {normalize_name(s) for s in (*spec.sheets, dataset_id)}
        if not named and not rulebook.sheet_required(dataset_id) <= fields:
            continue
        score = (len(fields), named)
        if score > best_score:
            best, best_score = dataset_id, score
    return best


def _columns_used(look: RawSheet, spec: Dataset) -> set[int] | None:
    """The columns of a table that its dataset's fields and its example mark are in: the
    only ones converted (the header is found again in the same first rows by read_sheet).
    None (every column) when no header is found: the error then names what it found."""
    head = look.head(HEADER_SEARCH_ROWS)
    try:
        index, positions = find_columns(head, spec, file="", sheet="")
    except InputError:
        return None
    mark = example_column(head[index], spec)
    return set(positions.values()) | ({mark} if mark is not None else set())


def read_workbook(
    path: Path,
    rulebook: Rulebook,
    *,
    group_fields: Iterable[str] = (),
    into: Datasets | None = None,
    progress: Progress | None = None,
    all_columns: bool = True,
) -> Datasets:
    """Read every dataset of ``rulebook`` found in one file (appending to ``into`` if given).

    One file alone may lack datasets; :func:`read_inputs` is what a run uses, and stops
    when a dataset is in none of its inputs.
    """
    result = into if into is not None else Datasets()
    check_ready([path], result.warnings)
    _read_file(path, rulebook, result, group_fields, progress, all_columns)
    return result


def _read_file(
    path: Path,
    rulebook: Rulebook,
    result: Datasets,
    group_fields: Iterable[str],
    progress: Progress | None,
    all_columns: bool,
    seen: dict[str, str] | None = None,
    fingerprint: bool = False,
) -> FileLayout | None:
    """Read one file into ``result``; None when its content was already read (``seen``)."""
    file = printable(str(path))  # a name that is not UTF-8 is shown with \x escapes
    kind = sniff(path)
    digest = sha256_of(path)
    if seen is not None:
        if digest in seen:
            result.warnings.append(
                Problem("input.same_file", {"file": file, "first": seen[digest]})
            )
            return None
        seen[digest] = file
    source = open_source(path, kind)
    result.files.append(InputFile(file, digest))
    try:
        layout, sheets = _sheets_for(source, rulebook, result.warnings, progress)
        _read_sheets(
            sheets, file, rulebook, result, group_fields, progress, all_columns, fingerprint
        )
    finally:
        source.close()
    return layout


def read_database(
    url: str,
    rulebook: Rulebook,
    options: DatabaseOptions,
    *,
    group_fields: Iterable[str] = (),
    into: Datasets | None = None,
    progress: Progress | None = None,
    all_columns: bool = True,
    layouts: list[FileLayout] | None = None,
    fingerprint: bool = False,
) -> Datasets:
    """Read every dataset of ``rulebook`` from the tables of a database (read-only)."""
    from cskpi.read.database import open_database
    from cskpi.read.tables import DatabaseSource

    result = into if into is not None else Datasets()
    db = open_database(url, timeout=options.timeout, label=options.label, allowed=options.allowed)
    try:
        source = DatabaseSource(db, rulebook, params=options.span, explained=options.explained)
        result.files.append(InputFile(db.label, ""))  # a database has no file digest
        layout, sheets = _tables_for(source, rulebook, progress, options.only)
        _read_sheets(
            sheets, db.label, rulebook, result, group_fields, progress, all_columns, fingerprint
        )
        if layouts is not None:
            layouts.append(layout)
    finally:
        db.close()
    return result


def _tables_for(
    source: DatabaseSource,
    rulebook: Rulebook,
    progress: Progress | None,
    only: frozenset[str] | None = None,
) -> tuple[FileLayout, list[tuple[str, RawSheet]]]:
    """What the database holds and its (dataset, table) pairs: a dataset's ``table:`` /
    ``query:``, or a table named like it. ``only``: read just these (the others are found
    here but evaluated inside the database)."""
    layout = FileLayout(source.label, tuple(source.sheet_names()), single_table=False)
    pairs = []
    for dataset_id, spec in rulebook.datasets.items():
        name = source.find(spec)
        if name is None:
            continue
        layout.datasets[dataset_id] = name
        if only is not None and dataset_id not in only:
            continue
        if progress is not None:
            progress(source.label, name, None)
        pairs.append((dataset_id, source.sheet_for(spec, name)))
    return layout, pairs


def _read_sheets(
    sheets: Iterable[tuple[str, RawSheet]],
    file: str,
    rulebook: Rulebook,
    result: Datasets,
    group_fields: Iterable[str],
    progress: Progress | None,
    all_columns: bool,
    fingerprint: bool = False,
) -> None:
    """Type each (dataset, raw sheet) and append it to ``result`` (other files' copies of a
    record are sorted out once every input is read: read/combine.py)."""
    bad_cells = BadCells()  # unreadable cells that fail the run
    lenient = BadCells()  # those of datasets that skip such rows: warnings only
    for dataset_id, raw in sheets:
        spec = rulebook.datasets[dataset_id]
        frame = read_sheet(
            raw,
            spec,
            file=file,
            required=rulebook.sheet_required(dataset_id),
            wanted=fields_to_load(rulebook, dataset_id, group_fields, everything=all_columns),
            checked=fields_to_load(rulebook, dataset_id, group_fields),
            bad_cells=lenient if spec.bad_values == "skip" else bad_cells,
            matches=result.matches,
            dataset_id=dataset_id,
            notes=result.warnings,
            keep_said=all_columns,  # rows will be shown: keep what rating cells said
            fingerprint=fingerprint and not rulebook.is_snapshot(dataset_id),
        )
        if lenient.skipped:
            result.skipped[dataset_id] = result.skipped.get(dataset_id, 0) + lenient.skipped
            lenient.skipped = 0
        if progress is not None:
            progress(file, raw.name, len(frame))
        previous = result.frames.get(dataset_id)
        if previous is None:
            result.frames[dataset_id] = frame
        else:
            result.frames[dataset_id] = pd.concat([previous, frame], ignore_index=True)
    if bad_cells.total:
        raise InputError.of(bad_cells.problems())
    if lenient.total:
        result.warnings += lenient.problems()


def read_rows(raw: RawSheet, dataset_id: str, rulebook: Rulebook, file: str) -> pd.DataFrame:
    """Some rows of a table (a database's evidence rows) typed exactly as a read of the whole
    table types them, every column kept; rows are numbered 1..n in the order given."""
    into = Datasets()
    _read_sheets([(dataset_id, raw)], file, rulebook, into, (), None, all_columns=True)
    return into.frames[dataset_id]


def _sheets_for(
    source: Source, rulebook: Rulebook, warnings: list[Problem], progress: Progress | None
) -> tuple[FileLayout, list[tuple[str, RawSheet]]]:
    """What the file holds and its (dataset, raw sheet) pairs: the one table of a CSV or
    Parquet file, or a workbook's sheets found by name or by headers."""
    file = str(source.path)
    names = source.sheet_names()
    if source.single_table:
        (look,) = source.looks(names[:1], HEADER_SEARCH_ROWS)
        dataset_id = _table_dataset(look, rulebook, source.path.stem)
        if dataset_id is None:
            raise InputError("input.no_dataset", file=file, datasets=", ".join(rulebook.datasets))
        used = _columns_used(look, rulebook.datasets[dataset_id])
        if isinstance(source, TableSource):
            raw = source.sheet(names[0], columns=used)
        else:
            raw = source.sheet(names[0])
        layout = FileLayout(file, tuple(names), single_table=True, datasets={dataset_id: raw.name})
        return layout, [(dataset_id, raw)]

    def announce(sheet: str) -> None:
        if progress is not None:
            progress(file, sheet, None)

    return locate_datasets(source, rulebook, warnings, announce)


def read_inputs(
    paths: Sequence[Path],
    rulebook: Rulebook,
    *,
    group_fields: Iterable[str] = (),
    warnings: Iterable[Problem] = (),
    progress: Progress | None = None,
    all_columns: bool = True,
    databases: Sequence[str] = (),
    database_options: DatabaseOptions | None = None,
    stale_owner_hours: float = STALE_OWNER_HOURS,
    matches: list[ColumnMatch] | None = None,
    now: pd.Timestamp | None = None,
    context: Collection[str] = (),
) -> Datasets:
    """Read several files (and database URLs) as one data set.

    ``all_columns=False``: only what is evaluated. A dataset that is not optional and is in
    none of the inputs stops the run (exit 3); so do inputs that hold no record at all (an
    untouched template: its example rows are not data). ``matches`` collects the header
    matches as sheets are read, so they can be shown when reading stops (a missing column).
    ``now`` and ``context`` (files read only for longer standards): see read/combine.py.
    """
    data = Datasets(warnings=list(warnings), matches=[] if matches is None else matches)
    check_ready(paths, data.warnings, stale_owner_hours=stale_owner_hours)
    layouts: list[FileLayout] = []
    several = len(paths) + len(databases) > 1  # rows are compared across inputs
    for url in databases:
        read_database(
            url,
            rulebook,
            database_options or DatabaseOptions(),
            group_fields=group_fields,
            into=data,
            progress=progress,
            all_columns=all_columns,
            layouts=layouts,
            fingerprint=several,
        )
    seen: dict[str, str] = {}
    for path in paths:
        layout = _read_file(
            path, rulebook, data, group_fields, progress, all_columns, seen, several
        )
        if layout is not None:
            layouts.append(layout)
    check_presence(rulebook, layouts, data.warnings)
    combine_inputs(data, rulebook, now, context)
    data.warnings = merge_notes(data.warnings)
    for dataset_id, frame in list(data.frames.items()):
        last = rulebook.datasets[dataset_id].keep_last
        if last is not None and {last.key, last.by} <= set(frame.columns):
            order = frame.sort_values([last.key, last.by], kind="stable")
            data.frames[dataset_id] = (
                order.drop_duplicates(last.key, keep="last").sort_index().reset_index(drop=True)
            )
    in_database = 0 if database_options is None else database_options.counted
    if not in_database and not any(len(frame) for frame in data.frames.values()):
        examples = any(w.key.startswith("input.example_rows") for w in data.warnings)
        raise InputError(
            "input.no_rows",
            files=", ".join(f.path for f in data.files),
            hint=Problem("input.no_rows_examples" if examples else "punct.end"),
        )
    return data
