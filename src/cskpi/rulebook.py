"""Rulebooks: the pydantic models of ``rules/*.yaml`` and their loading with YAML line numbers.

A rulebook is validated completely when it is read: every problem (YAML syntax, unknown or
misspelt keys, wrong types, unknown columns, bad expressions) is reported at once with the
file and line, before any input workbook is opened.
"""

from __future__ import annotations

import datetime as dt
import difflib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, ValidationError

from cskpi.errors import Problem, RulebookError
from cskpi.expressions import (
    ExpressionError,
    Name,
    ValueType,
    normalize_name,
)
from cskpi.typecheck import (
    ColumnRef,
    Expression,
    Schema,
    compile_expression,
)
from cskpi.workdays import parse_rule
from cskpi.yamlfile import LineMap, load_yaml

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
    installed = Path(__file__).with_name("rules")
    if installed.is_dir():
        return installed
    return Path(__file__).resolve().parents[2] / "rules"


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


# --- validation ----------------------------------------------------------------------------

_MODEL_AT: list[tuple[tuple[str, ...], type[BaseModel]]] = [
    (("rulebook",), RulebookInfo),
    (("appraisal",), Appraisal),
    (("appraisal", "grades", "*"), Grade),
    (("calendar",), Calendar),
    (("datasets", "*", "columns", "*"), ColumnSpec),
    (("datasets", "*", "names"), Names),
    (("datasets", "*"), DatasetSpec),
    (("standards", "*", "name"), Names),
    (("standards", "*", "description"), Names),
    (("standards", "*"), Standard),
    ((), Rulebook),
]


def _model_at(loc: tuple[Any, ...]) -> type[BaseModel] | None:
    for pattern, model in _MODEL_AT:
        if len(pattern) == len(loc) and all(
            p in ("*", part) for p, part in zip(pattern, loc, strict=True)
        ):
            return model
    return None


def _path(loc: tuple[Any, ...], data: Any) -> str:
    """standards.3.target -> standards[3:satisfaction_speed].target, so a person can find it."""
    parts = [str(p) for p in loc]
    if len(loc) >= 2 and loc[0] == "standards" and isinstance(loc[1], int):
        try:
            std_id = data["standards"][loc[1]]["id"]
        except (KeyError, IndexError, TypeError):
            std_id = None
        parts[1] = f"{loc[1]}:{std_id}" if std_id else str(loc[1])
        return f"standards[{parts[1]}]" + "".join(f".{p}" for p in parts[2:])
    return ".".join(parts)


def _pydantic_problems(exc: ValidationError, file: str, lines: LineMap, data: Any) -> list[Problem]:
    problems = []
    for err in exc.errors():
        loc = tuple(err["loc"])
        detail: Problem | str = err["msg"]  # pydantic's own wording (English) for the rest
        if err["type"] == "extra_forbidden":
            model = _model_at(loc[:-1])
            known = sorted(model.model_fields) if model else []
            near = difflib.get_close_matches(str(loc[-1]), known, n=1)
            hint = (
                Problem("expr.did_you_mean", {"near": near[0]})
                if near
                else Problem("rules.allowed_keys", {"known": ", ".join(known)})
            )
            detail = Problem("rules.unknown_key", {"key": loc[-1], "hint": hint})
        elif err["type"] == "missing":
            detail = Problem("rules.missing_key", {"key": loc[-1]})
        elif err["type"] == "literal_error":
            detail = Problem(
                "rules.not_allowed",
                {"value": repr(err["input"]), "allowed": err["ctx"].get("expected", "")},
            )
        elif err["type"] in ("float_type", "float_parsing"):
            detail = Problem("rules.not_a_number", {"value": repr(err["input"])})
        problems.append(
            Problem(
                "rules.invalid",
                {
                    "file": file,
                    "line": lines.line(loc),
                    "path": _path(loc, data),
                    "detail": detail,
                },
            )
        )
    return problems


def _check_references(model: Rulebook, file: str, lines: LineMap) -> list[Problem]:
    """Cross-field checks pydantic cannot see: datasets, columns, metrics and expressions."""
    problems: list[Problem] = []
    seen: set[str] = set()

    def report(index: int, key: str, detail: Problem | str) -> None:
        problems.append(
            Problem(
                "rules.expression",
                {
                    "file": file,
                    "line": lines.line(("standards", index, key)),
                    "standard": model.standards[index].id,
                    "key": key,
                    "detail": detail,
                },
            )
        )

    for dataset_id, dataset in model.datasets.items():
        for fid, column in dataset.columns.items():
            if column.derive is None:
                continue
            rule = parse_rule(column.derive)
            source = dataset.columns.get(rule.source) if rule else None
            if rule is None or source is None or source.type not in ("date", "deadline"):
                problems.append(
                    Problem(
                        "rules.invalid",
                        {
                            "file": file,
                            "line": lines.line(("datasets", dataset_id, "columns", fid, "derive")),
                            "path": f"datasets.{dataset_id}.columns.{fid}.derive",
                            "detail": f"'{column.derive}' is not '<date column> + N working days' "
                            "(or days, hours) over a date column of this dataset",
                        },
                    )
                )
        if dataset.keep_last is not None:
            for part in ("key", "by"):
                name = getattr(dataset.keep_last, part)
                if name not in dataset.columns:
                    problems.append(
                        Problem(
                            "rules.invalid",
                            {
                                "file": file,
                                "line": lines.line(("datasets", dataset_id, "keep_last", part)),
                                "path": f"datasets.{dataset_id}.keep_last.{part}",
                                "detail": f"'{name}' is not a column id of this dataset",
                            },
                        )
                    )
        for key in ("date_column", "category_column", "id_column"):
            name = getattr(dataset, key)
            if name is not None and name not in dataset.columns:
                problems.append(
                    Problem(
                        "rules.invalid",
                        {
                            "file": file,
                            "line": lines.line(("datasets", dataset_id, key)),
                            "path": f"datasets.{dataset_id}.{key}",
                            "detail": f"'{name}' is not a column id of this dataset "
                            f"(known: {', '.join(dataset.columns)})",
                        },
                    )
                )
    for i, std in enumerate(model.standards):
        if std.id in seen:
            report(i, "id", Problem("rules.duplicate_standard", {"standard": std.id}))
        seen.add(std.id)
        dataset = model.datasets.get(std.dataset)
        if dataset is None:
            report(
                i,
                "dataset",
                Problem(
                    "rules.unknown_dataset",
                    {"dataset": std.dataset, "known": ", ".join(model.datasets)},
                ),
            )
            continue
        schema = dataset.schema(std.dataset)
        fields: set[str] = set()
        for key in ("date_column", "column"):
            name = getattr(std, key)
            if name is None:
                continue
            try:
                ref = schema.resolve(Name(name, 0, quoted=True))
            except ExpressionError as exc:
                report(i, key, exc.problem)
                continue
            fields.add(ref.field)
            std._resolved[key] = ref.field
            col_type = dataset.columns[ref.field].type
            if key == "date_column" and ref.type != "date":
                report(
                    i,
                    key,
                    Problem(
                        "rules.not_a_date_column",
                        {"column": name, "kind": Problem(f"kind.{EXPRESSION_TYPE[col_type]}")},
                    ),
                )
            if key == "column" and std.metric not in ("count_distinct",) and ref.type != "number":
                report(
                    i,
                    key,
                    Problem(
                        "rules.metric_numeric",
                        {
                            "metric": std.metric,
                            "column": name,
                            "kind": Problem(f"kind.{EXPRESSION_TYPE[col_type]}"),
                        },
                    ),
                )
        needs = {
            "share": "condition",
            "mean": "column",
            "median": "column",
            "min": "column",
            "max": "column",
            "sum": "column",
            "count_distinct": "column",
        }.get(std.metric)
        if needs and getattr(std, needs) is None:
            report(
                i, "metric", Problem("rules.metric_needs", {"metric": std.metric, "field": needs})
            )
        for extra in ("condition", "column"):
            if extra != needs and getattr(std, extra) is not None:
                report(
                    i,
                    extra,
                    Problem("rules.metric_forbids", {"metric": std.metric, "field": extra}),
                )
        for key in ("filter", "condition"):
            text = getattr(std, key)
            if text is None:
                continue
            try:
                expr = compile_expression(text, schema)
            except ExpressionError as exc:
                report(i, key, exc.problem)
                continue
            setattr(std, f"_{key}", expr)
            fields |= expr.fields
        std._fields = frozenset(fields)
    return problems


def load_rulebook(name_or_path: str | Path | None = None) -> LoadedRulebook:
    """Read, validate and compile a rulebook; raise :class:`RulebookError` listing every problem."""
    path = resolve_rulebook(str(name_or_path) if name_or_path is not None else None)
    data, lines, digest = load_yaml(path)
    file = str(path)
    try:
        model = Rulebook.model_validate(data)
    except ValidationError as exc:
        raise RulebookError.of(_pydantic_problems(exc, file, lines, data)) from None
    problems = _check_references(model, file, lines)
    if problems:
        raise RulebookError.of(problems)
    return LoadedRulebook(path=path, model=model, sha256=digest, lines=lines)
