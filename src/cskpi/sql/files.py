"""``--engine duckdb``: a folder or glob of Parquet/CSV files evaluated by DuckDB, not pandas.

Each file is matched to a dataset by its column names (as a CSV or Parquet file is without
the engine: the headers it carries, the file name breaking ties); the files of one dataset
become one view over all of them (``read_parquet([...], union_by_name)``, CSV read as text),
in a small DuckDB database of views only, in a temporary folder. That database is then an
input like any ``duckdb:///`` URL: opened read-only, its standards pushed down, and only a
dataset whose cells DuckDB cannot type is read (its needed columns, through Arrow). The
view definitions are SQL that DuckDB writes itself from the file list: no path is ever
formatted into SQL by hand. DuckDB reads a path as a glob, so the glob characters of a
name (``*``, ``?``, ``[``) are escaped (``[*]``): a file named ``x[1].parquet`` is that file,
never ``x1.parquet``; and the connections that query the views may read those files only
(``allowed``, DuckDB's ``allowed_paths``), nothing else on the machine or the network.
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa

from cskpi.errors import InputError, Problem
from cskpi.evaluate.datasets import InputFile
from cskpi.read.inputs import _table_dataset
from cskpi.read.sniff import sha256_of
from cskpi.read.tables import table_sheet
from cskpi.rulebook.compiled import Rulebook

SUFFIXES = {".parquet": "parquet", ".csv": "csv", ".tsv": "csv", ".txt": "csv"}


@dataclass
class FileViews:
    """A temporary DuckDB database of views over the input files."""

    url: str
    label: str
    files: list[InputFile] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    allowed: list[str] = field(default_factory=list)  # the files (as given to DuckDB and as read)
    folder: tempfile.TemporaryDirectory[str] | None = None

    def close(self) -> None:
        if self.folder is not None:
            self.folder.cleanup()
            self.folder = None


_GLOB = re.compile(r"([*?\[])")


def literal_path(path: Path) -> str:
    """``path`` as a DuckDB file pattern that matches only itself (glob characters escaped)."""
    return _GLOB.sub(r"[\1]", str(path))


def _relation(conn: object, kind: str, files: Sequence[str]) -> object:
    if kind == "parquet":
        return conn.read_parquet(list(files), union_by_name=True)  # type: ignore[attr-defined]
    return conn.read_csv(list(files), header=True, all_varchar=True, union_by_name=True)  # type: ignore[attr-defined]


def build_views(paths: Sequence[Path], rulebook: Rulebook) -> FileViews:
    """Views named like the datasets' sheets over ``paths`` (Parquet and CSV files)."""
    import duckdb

    folder = tempfile.TemporaryDirectory(prefix="cskpi-duckdb-")
    target = Path(folder.name) / "views.duckdb"
    label = f"duckdb: {paths[0].parent if paths else '.'} ({len(paths)} files)"
    views = FileViews(f"duckdb:///{target.as_posix()}", label, folder=folder)
    grouped: dict[tuple[str, str], list[str]] = {}
    conn = duckdb.connect(str(target))
    try:
        for given in paths:
            path = given.absolute()
            kind = SUFFIXES.get(path.suffix.lower())
            if kind is None or not path.is_file():
                raise InputError(
                    "input.engine_file", file=str(given), reason=path.suffix or "(none)"
                )
            try:
                names = list(_relation(conn, kind, [literal_path(path)]).columns)  # type: ignore[attr-defined]
            except duckdb.Error as exc:
                raise InputError(
                    "input.engine_file", file=str(given), reason=str(exc).splitlines()[0]
                ) from None
            header_only = table_sheet(path.name, names, [pa.nulls(0, pa.string())] * len(names))
            dataset = _table_dataset(header_only, rulebook, path.stem)
            if dataset is None:
                known = ", ".join(rulebook.datasets)
                views.warnings.append(
                    Problem("input.no_dataset", {"file": str(given), "datasets": known})
                )
                continue
            if any(d == dataset and k != kind for d, k in grouped):
                raise InputError(
                    "input.engine_file", file=str(given), reason="Parquet and CSV for one dataset"
                )
            grouped.setdefault((dataset, kind), []).append(literal_path(path))
            views.allowed += dict.fromkeys([literal_path(path), str(path)])
            views.files.append(InputFile(str(given), sha256_of(path)))
        for (dataset, kind), files in grouped.items():
            query = _relation(conn, kind, files).sql_query()  # type: ignore[attr-defined]
            name = rulebook.datasets[dataset].sheets[0].replace('"', '""')
            conn.execute(f'CREATE OR REPLACE VIEW "{name}" AS {query}')
    except BaseException:
        conn.close()
        views.close()
        raise
    conn.close()
    return views
