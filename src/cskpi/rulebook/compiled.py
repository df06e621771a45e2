"""The compiled rulebook: a frozen value, the only form of a rulebook the program evaluates.

Built once by :func:`cskpi.rulebook.compile.compile_rulebook` from a validated file: names
resolved to field ids, expressions bound to typed trees with their literals already read
(:mod:`cskpi.language.tree`), each column's spelling settled, derive rules parsed. Nothing
can change it afterwards, and :class:`Rulebook` checks on construction that every standard
points at columns that exist and holds compiled predicates, so a half-checked rulebook
cannot exist.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from cskpi.i18n import Lang, Named
from cskpi.language.spelling import Spelling
from cskpi.language.tree import Predicate
from cskpi.language.typecheck import Schema
from cskpi.rulebook.derive import DeadlineRule
from cskpi.rulebook.models import Appraisal, Calendar, ColumnType, Comparison, KeepLast, Names

Period = Literal["month", "quarter", "year"]
Level = Literal["required", "excellent"]


@dataclass(frozen=True)
class Column:
    """One field of a dataset: canonical header, accepted aliases, value type, spelling."""

    id: str
    header: str
    aliases: tuple[str, ...]
    type: ColumnType
    spelling: Spelling  # how its cells (and literals compared with it) are read
    personal: bool = False
    derive: DeadlineRule | None = None  # filled in when the sheet has no value

    @property
    def named(self) -> Named:
        """How messages name this field: its header (投诉日期) in Chinese, its id in English."""
        return Named(zh=self.header, en=self.id)


@dataclass(frozen=True)
class Dataset:
    """One kind of sheet (complaint log, survey, ...): where to find it and its columns."""

    id: str
    names: Names
    sheets: tuple[str, ...]
    columns: Mapping[str, Column]
    lookup: Mapping[str, str]  # every accepted name, normalized -> field id
    schema: Schema  # what expressions over this dataset may name
    date_column: str | None = None
    category_column: str | None = None
    id_column: str | None = None
    bad_values: Literal["fail", "skip"] = "fail"
    missing: tuple[str, ...] = ()
    keep_last: KeepLast | None = None
    table: str | None = None  # a database input: this table or view
    query: str | None = None  # a database input: this read-only SELECT
    optional: bool = False  # may be absent from the inputs

    @property
    def named(self) -> Named:
        """How every message names this dataset, the language chosen when it is rendered:
        its Chinese name (投诉记录) in Chinese, its id (complaints) in English, where ids are
        what users type; its id in Chinese too when the rulebook gives no Chinese name."""
        return Named(zh=self.names.zh or self.id, en=self.id)

    def title(self, lang: Lang) -> str:
        """Its name in a table cell (--explain-columns, rules list): the rulebook's name in
        ``lang`` (Complaints in English), else its id."""
        return getattr(self.names, lang) or self.id


@dataclass(frozen=True)
class Standard:
    """One performance standard (绩效标准), resolved: which rows, which metric, what target."""

    id: str
    name: Names
    description: Names
    dataset: str
    metric: str
    comparison: Comparison
    target: float
    period: Period = "month"
    source: str | None = None
    date_field: str | None = None  # None: a snapshot, every row counts
    column_field: str | None = None  # for mean, sum, count_distinct, ...
    filter: Predicate | None = None
    condition: Predicate | None = None
    warn_target: float | None = None
    level: Level = "required"
    weight: float = 1.0
    min_answers: int | None = None
    fields: frozenset[str] = frozenset()  # dataset fields this standard reads


@dataclass(frozen=True)
class Rulebook:
    """A whole compiled rulebook, where it came from and a hash of its text (for the history)."""

    id: str
    name: Names
    datasets: Mapping[str, Dataset]
    standards: tuple[Standard, ...]
    appraisal: Appraisal
    calendar: Calendar
    path: Path
    sha256: str
    moments: Spelling  # how --as-of and other dates given to a run are read (the zone)
    version: str | None = None
    source: str | None = None
    part: Names | None = None  # the part of the source document, in both languages
    _by_id: Mapping[str, Standard] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        for std in self.standards:
            _check_standard(std, self.datasets)
        object.__setattr__(self, "_by_id", {s.id: s for s in self.standards})

    def standard(self, standard_id: str) -> Standard:
        return self._by_id[standard_id]

    def required_fields(self, dataset_id: str) -> set[str]:
        """Fields of ``dataset_id`` that some standard reads (with what derived ones need)."""
        out: set[str] = set()
        for std in self.standards:
            if std.dataset == dataset_id:
                out |= std.fields
        columns = self.datasets[dataset_id].columns
        for fid in list(out):
            rule = columns[fid].derive
            if rule is not None:
                out.add(rule.source)
        return out

    def placed_by(self, dataset_id: str) -> tuple[str, ...]:
        """The dates that place a dataset's rows in time: its ``date_column``, else the
        dates its standards take windows by (a task's due date); none for a snapshot."""
        spec = self.datasets[dataset_id]
        if spec.date_column:
            return (spec.date_column,)
        return tuple(
            sorted(
                {s.date_field for s in self.standards if s.dataset == dataset_id and s.date_field}
            )
        )

    def is_snapshot(self, dataset_id: str) -> bool:
        """Nothing places the dataset in time (the staff roster): each input's copy is the
        whole of it as that file was saved, so only one copy may count."""
        return not self.placed_by(dataset_id)

    def sheet_required(self, dataset_id: str) -> set[str]:
        """Required fields the sheet itself must have: derived ones may be missing."""
        columns = self.datasets[dataset_id].columns
        return {f for f in self.required_fields(dataset_id) if columns[f].derive is None}


def _check_standard(std: Standard, datasets: Mapping[str, Dataset]) -> None:
    """A standard must point at its dataset's columns through compiled predicates."""
    dataset = datasets.get(std.dataset)
    if dataset is None:
        raise ValueError(f"standard {std.id}: no dataset {std.dataset}")
    for predicate in (std.filter, std.condition):
        if predicate is not None and not isinstance(predicate, Predicate):
            raise TypeError(f"standard {std.id}: {predicate!r} is not a compiled predicate")
    if (std.metric == "share") != (std.condition is not None):
        raise ValueError(f"standard {std.id}: a share needs a condition, nothing else takes one")
    named = {f for f in (std.date_field, std.column_field) if f is not None}
    for predicate in (std.filter, std.condition):
        named |= predicate.fields if predicate is not None else set()
    if not named <= std.fields:
        raise ValueError(f"standard {std.id}: fields {sorted(named - std.fields)} not listed")
    unknown = std.fields - dataset.columns.keys()
    if unknown:
        raise ValueError(f"standard {std.id}: no columns {sorted(unknown)} in {std.dataset}")
