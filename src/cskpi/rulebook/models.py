"""Rulebooks: the pydantic models of ``rules/*.yaml`` and their loading with YAML line numbers.

A rulebook is validated completely when it is read: every problem (YAML syntax, unknown or
misspelt keys, wrong types, unknown columns, bad expressions) is reported at once with the
file and line, before any input workbook is opened.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, ValidationError

from cskpi.errors import RulebookError
from cskpi.language.syntax import (
    ValueType,
    normalize_name,
)
from cskpi.language.typecheck import (
    ColumnRef,
    Expression,
    Schema,
)
from cskpi.rulebook.derive import parse_rule
from cskpi.rulebook.yamlfile import LineMap, load_yaml

DEFAULT_RULEBOOK = "customer-service-supervisor"

ColumnType = Literal["date", "deadline", "rating", "yesno", "text", "number"]
MetricName = Literal["count", "share", "mean", "median", "min", "max", "sum", "count_distinct"]
Comparison = Literal["<=", "<", ">=", ">", "=="]
StrictNumber = Annotated[float, Field(strict=True)]

EXPRESSION_TYPE: dict[ColumnType, ValueType] = {
    "date": "date",
    "deadline": "date",
    "rating": "bool",
    "yesno": "bool",
    "text": "text",
    "number": "number",
}


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Names(_Model):
    """A text in Chinese and English."""

    zh: str
    en: str


class ColumnSpec(_Model):
    """One field of a dataset: its canonical (Chinese) header, accepted aliases and value type.

    ``deadline`` is a date where a value with no time of day means the end of that day.
    ``personal`` columns hold customer data and are masked in every output.
    """

    header: str
    aliases: list[str] = []
    type: ColumnType = "text"
    personal: bool = False
    # e.g. "received_at + 3 working days": used when the sheet has no such column, or the
    # cell is blank (China's official calendar with its make-up working days)
    derive: str | None = None
    # date formats to try first (strptime codes), for exports that write 7/29/2013 or
    # 29-02-2016 01:16; the usual formats follow
    formats: list[str] = []


class KeepLast(_Model):
    key: str
    by: str


class DatasetSpec(_Model):
    """One kind of sheet (complaint log, survey, ...): where to find it and its columns."""

    names: Names
    sheets: list[str] = Field(min_length=1)
    date_column: str | None = None
    category_column: str | None = None  # complaints per category in the Excel export
    id_column: str | None = None  # a row's id: rows read twice (two files) count once
    # unreadable values in evaluated columns: fail the run (exit 3), or skip those rows
    bad_values: Literal["fail", "skip"] = "fail"
    # cell texts that mean "nothing here" in this export, such as "?" or "N/A"
    missing: list[str] = []
    # an event log (one row per update): keep only the row with the highest `by` per `key`
    keep_last: KeepLast | None = None
    columns: dict[str, ColumnSpec] = Field(min_length=1)

    def lookup(self) -> dict[str, str]:
        """Every accepted name (field id, header, alias), normalized -> field id."""
        out: dict[str, str] = {}
        for fid, col in self.columns.items():
            for name in (fid, col.header, *col.aliases):
                out.setdefault(normalize_name(name), fid)
        return out

    def schema(self, dataset_id: str) -> Schema:
        names = {
            key: ColumnRef(fid, EXPRESSION_TYPE[self.columns[fid].type])
            for key, fid in self.lookup().items()
        }
        return Schema(dataset_id, names)


class Standard(_Model):
    """One performance standard (绩效标准): which rows, which metric, compared with what."""

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    name: Names
    description: Names
    source: str | None = None
    dataset: str
    date_column: str | None = None
    period: Literal["month", "quarter", "year"] = "month"
    metric: MetricName
    column: str | None = None
    condition: str | None = None
    filter: str | None = None
    comparison: Comparison
    target: StrictNumber
    warn_target: StrictNumber | None = None
    level: Literal["required", "excellent"] = "required"
    weight: StrictNumber = Field(default=1.0, ge=0)
    # shares from fewer answers are "insufficient" (shown, never failing); off by default
    min_answers: int | None = Field(default=None, ge=1)

    _filter: Expression | None = PrivateAttr(default=None)
    _condition: Expression | None = PrivateAttr(default=None)
    _fields: frozenset[str] = PrivateAttr(default=frozenset())
    _resolved: dict[str, str] = PrivateAttr(default_factory=dict)

    @property
    def filter_expr(self) -> Expression | None:
        return self._filter

    @property
    def condition_expr(self) -> Expression | None:
        return self._condition

    @property
    def fields(self) -> frozenset[str]:
        """Dataset fields this standard reads (resolved to field ids)."""
        return self._fields

    @property
    def date_field(self) -> str | None:
        """The field id of ``date_column`` (None: a snapshot, every row counts)."""
        return self._resolved.get("date_column")

    @property
    def column_field(self) -> str | None:
        """The field id of ``column`` (for mean, sum, count_distinct, ...)."""
        return self._resolved.get("column")


class RulebookInfo(_Model):
    id: str
    name: Names
    version: str | None = None
    source: str | None = None


class Grade(_Model):
    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    name: Names
    min_score: StrictNumber = Field(ge=0, le=100)


DEFAULT_GRADES = [
    Grade(id="excellent", name=Names(zh="优秀", en="Excellent"), min_score=90),
    Grade(id="good", name=Names(zh="良好", en="Good"), min_score=80),
    Grade(id="pass", name=Names(zh="合格", en="Satisfactory"), min_score=60),
    Grade(id="fail", name=Names(zh="不合格", en="Unsatisfactory"), min_score=0),
]


class Appraisal(_Model):
    """How results become a score out of 100 and a grade (绩效考核).

    A standard met earns its weight, a warning ``warn_credit`` of it, a failure nothing;
    standards with no data (or too few answers) leave the denominator. Grades are bands on
    the score, highest first; the first grade is also reached when every required standard
    passes and every excellent-level standard is met (培养出可以替代经理的员工).
    """

    warn_credit: StrictNumber = Field(default=0.5, ge=0, le=1)
    grades: list[Grade] = Field(default_factory=lambda: list(DEFAULT_GRADES), min_length=1)


class Calendar(_Model):
    """Extra days for the working-day calendar: local holidays, local make-up working days."""

    holidays: list[dt.date] = []
    workdays: list[dt.date] = []


class Rulebook(_Model):
    """A whole rulebook file."""

    rulebook: RulebookInfo
    datasets: dict[str, DatasetSpec] = Field(min_length=1)
    standards: list[Standard] = Field(min_length=1)
    appraisal: Appraisal = Appraisal()
    calendar: Calendar = Calendar()

    def standard(self, standard_id: str) -> Standard:
        for std in self.standards:
            if std.id == standard_id:
                return std
        raise KeyError(standard_id)

    def required_fields(self, dataset_id: str) -> set[str]:
        """Fields of ``dataset_id`` that some standard reads (with what derived ones need)."""
        out: set[str] = set()
        for std in self.standards:
            if std.dataset == dataset_id:
                out |= std.fields
        spec = self.datasets[dataset_id]
        for fid in list(out):
            rule = parse_rule(spec.columns[fid].derive or "")
            if rule is not None:
                out.add(rule.source)
        return out

    def sheet_required(self, dataset_id: str) -> set[str]:
        """Required fields the sheet itself must have: derived ones may be missing."""
        spec = self.datasets[dataset_id]
        return {f for f in self.required_fields(dataset_id) if not spec.columns[f].derive}


@dataclass(frozen=True)
class LoadedRulebook:
    """A validated rulebook, where it came from and a hash of its text (for the history)."""

    path: Path
    model: Rulebook
    sha256: str
    lines: LineMap = field(repr=False)

    @property
    def id(self) -> str:
        return self.model.rulebook.id


# --- locating ------------------------------------------------------------------------------


def bundled_dir() -> Path:
    """Where the bundled rulebooks are: inside the installed package, or the source checkout."""
    installed = Path(__file__).resolve().parents[1] / "rules"
    if installed.is_dir():
        return installed
    return Path(__file__).resolve().parents[3] / "rules"


def bundled_names() -> list[str]:
    return sorted(p.stem for p in bundled_dir().glob("*.yaml"))


def resolve_rulebook(name_or_path: str | None) -> Path:
    """A path as given, or the bundled rulebook of that name (default: the supervisor's)."""
    if name_or_path is None:
        name_or_path = DEFAULT_RULEBOOK
    candidate = Path(name_or_path)
    if candidate.suffix in (".yaml", ".yml") or candidate.exists() or "/" in name_or_path:
        return candidate
    bundled = bundled_dir() / f"{name_or_path}.yaml"
    if bundled.is_file():
        return bundled
    raise RulebookError("rules.not_found", name=name_or_path, known=", ".join(bundled_names()))


def load_rulebook(name_or_path: str | Path | None = None) -> LoadedRulebook:
    """Read, validate and compile a rulebook; raise :class:`RulebookError` listing every problem."""
    path = resolve_rulebook(str(name_or_path) if name_or_path is not None else None)
    data, lines, digest = load_yaml(path)
    file = str(path)
    from cskpi.rulebook.check import check_references, pydantic_problems

    try:
        model = Rulebook.model_validate(data)
    except ValidationError as exc:
        raise RulebookError.of(pydantic_problems(exc, file, lines, data)) from None
    problems = check_references(model, file, lines)
    if problems:
        raise RulebookError.of(problems)
    return LoadedRulebook(path=path, model=model, sha256=digest, lines=lines)
