"""The compile step: a validated rulebook file -> the frozen :class:`Rulebook` the program runs.

Checks what pydantic cannot see and reports every problem at once, with file and line:
datasets and columns that do not exist, metrics missing their column or condition,
expressions that do not type-check, date formats with unknown directives, spelling settings
on columns they do not fit, an unknown time zone, derived columns and event-log settings
that point nowhere. What passes is resolved once (names to field ids, expressions to typed
trees with their literals read, each column's spelling) into values nothing can change.
"""

from __future__ import annotations

import dataclasses
import difflib
import zoneinfo
from pathlib import Path
from types import MappingProxyType

from cskpi.errors import Problem
from cskpi.language.patterns import Unreadable, format_pattern
from cskpi.language.spelling import Spelling, fold
from cskpi.language.syntax import ExpressionError, Name, normalize_name
from cskpi.language.tree import Predicate
from cskpi.language.typecheck import ColumnRef, Schema, bind
from cskpi.rulebook.compiled import Column, Dataset, Rulebook, Standard
from cskpi.rulebook.derive import DeadlineRule, parse_rule
from cskpi.rulebook.metrics import METRICS
from cskpi.rulebook.models import (
    EXPRESSION_TYPE,
    ColumnSpec,
    DatasetSpec,
    RulebookInfo,
    RulebookSpec,
    StandardSpec,
)
from cskpi.rulebook.yamlfile import LineMap


class _Problems:
    """Every problem of one rulebook file, located by line."""

    def __init__(self, file: str, lines: LineMap) -> None:
        self.file, self.lines = file, lines
        self.found: list[Problem] = []

    def invalid(self, loc: tuple[str | int, ...], detail: Problem | str) -> None:
        self.found.append(
            Problem(
                "rules.invalid",
                {
                    "file": self.file,
                    "line": self.lines.line(loc),
                    "path": ".".join(map(str, loc)),
                    "detail": detail,
                },
            )
        )

    def standard(self, index: int, std_id: str, key: str, detail: object) -> None:
        self.found.append(
            Problem(
                "rules.expression",
                {
                    "file": self.file,
                    "line": self.lines.line(("standards", index, key)),
                    "standard": std_id,
                    "key": key,
                    "detail": detail,
                },
            )
        )


# which column types each spelling setting fits
_SETTING_TYPES = {
    "formats": ("date", "deadline"),
    "decimal": ("number", "rating"),
    "true_values": ("yesno", "rating"),
    "false_values": ("yesno", "rating"),
    "rating_words": ("rating",),
}


def _base_spelling(info: RulebookInfo, problems: _Problems) -> Spelling:
    """The rulebook-wide part of every column's spelling: time zone and plausible dates."""
    zone = None
    if info.timezone is not None:
        try:
            zone = zoneinfo.ZoneInfo(info.timezone)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            problems.invalid(
                ("rulebook", "timezone"), Problem("rules.bad_timezone", {"value": info.timezone})
            )
    earliest, latest = info.date_range.earliest, info.date_range.latest
    if earliest > latest:
        problems.invalid(
            ("rulebook", "date_range"),
            Problem("rules.date_range_order", {"earliest": earliest, "latest": latest}),
        )
    return Spelling("date", zone=zone, zone_name=info.timezone, earliest=earliest, latest=latest)


def _spelling(
    where: tuple[str | int, ...], col: ColumnSpec, base: Spelling, problems: _Problems
) -> Spelling:
    """A column's spelling: its type and settings on top of the rulebook's zone and range."""
    for setting, types in _SETTING_TYPES.items():
        value = getattr(col, setting)
        if value and value != "." and col.type not in types:
            problems.invalid(
                (*where, setting),
                Problem(
                    "rules.setting_for_type",
                    {"setting": setting, "types": ", ".join(types), "kind": col.type},
                ),
            )
    formats: list[str] = []  # the valid ones: a bad one is reported, not also tried
    for i, fmt in enumerate(col.formats):
        try:
            format_pattern(fmt)
            formats.append(fmt)
        except Unreadable as exc:
            problems.invalid(
                (*where, "formats", i),
                Problem("rules.bad_format", {"format": fmt, "why": exc.why or ""}),
            )
    spelling = dataclasses.replace(
        base,
        kind=col.type,
        formats=tuple(formats),
        decimal=col.decimal,
        true_values=tuple(col.true_values),
        false_values=tuple(col.false_values),
        rating_words=tuple(col.rating_words.items()),
    )
    twice = {fold(w) for w in col.true_values} & {fold(w) for w in col.false_values}
    if col.type == "rating":
        twice |= {fold(w) for w in col.rating_words} & set(spelling.yes_no)
    for word in sorted(twice):
        problems.invalid(where, Problem("rules.word_twice", {"word": word}))
    return spelling


def _dataset(dataset_id: str, spec: DatasetSpec, base: Spelling, problems: _Problems) -> Dataset:
    columns: dict[str, Column] = {}
    for fid, col in spec.columns.items():
        rule: DeadlineRule | None = None
        if col.derive is not None:
            rule = parse_rule(col.derive)
            source = spec.columns.get(rule.source) if rule else None
            if rule is None or source is None or source.type not in ("date", "deadline"):
                problems.invalid(
                    ("datasets", dataset_id, "columns", fid, "derive"),
                    f"'{col.derive}' is not '<date column> + N working days' "
                    "(or days, hours) over a date column of this dataset",
                )
                rule = None
        columns[fid] = Column(
            id=fid,
            header=col.header,
            aliases=tuple(col.aliases),
            type=col.type,
            spelling=_spelling(("datasets", dataset_id, "columns", fid), col, base, problems),
            personal=col.personal,
            derive=rule,
        )
    if spec.keep_last is not None:
        for part in ("key", "by"):
            name = getattr(spec.keep_last, part)
            if name not in spec.columns:
                problems.invalid(
                    ("datasets", dataset_id, "keep_last", part),
                    f"'{name}' is not a column id of this dataset",
                )
    for key in ("date_column", "category_column", "id_column"):
        name = getattr(spec, key)
        if name is not None and name not in spec.columns:
            problems.invalid(
                ("datasets", dataset_id, key),
                f"'{name}' is not a column id of this dataset (known: {', '.join(spec.columns)})",
            )
    if spec.table is not None and spec.query is not None:
        problems.invalid(("datasets", dataset_id, "query"), Problem("rules.table_and_query"))
    if spec.query is not None:
        from cskpi.rulebook.sqlcheck import check_query

        refused = check_query(spec.query)
        if refused is not None:
            problems.invalid(
                ("datasets", dataset_id, "query"),
                Problem("rules.query_not_select", {"reason": refused}),
            )
    lookup: dict[str, str] = {}
    for fid, col in spec.columns.items():
        for name in (fid, col.header, *col.aliases):
            lookup.setdefault(normalize_name(name), fid)
    schema = Schema(
        dataset_id,
        MappingProxyType(
            {
                key: ColumnRef(fid, EXPRESSION_TYPE[columns[fid].type], columns[fid].spelling)
                for key, fid in lookup.items()
            }
        ),
        moments=base,
    )
    return Dataset(
        id=dataset_id,
        names=spec.names,
        sheets=tuple(spec.sheets),
        columns=MappingProxyType(columns),
        lookup=MappingProxyType(lookup),
        schema=schema,
        date_column=spec.date_column,
        category_column=spec.category_column,
        id_column=spec.id_column,
        bad_values=spec.bad_values,
        missing=tuple(spec.missing),
        keep_last=spec.keep_last,
        table=spec.table,
        query=spec.query,
        optional=spec.optional,
    )


def _standard(
    index: int, std: StandardSpec, dataset: Dataset, problems: _Problems
) -> Standard | None:
    """The compiled standard, or None after reporting why it cannot be compiled."""
    before = len(problems.found)

    def report(key: str, detail: object) -> None:
        problems.standard(index, std.id, key, detail)

    resolved: dict[str, str] = {}
    fields: set[str] = set()
    metric = METRICS.get(std.metric)
    if metric is None:
        near = difflib.get_close_matches(std.metric, list(METRICS), n=1)
        report(
            "metric",
            Problem(
                "rules.unknown_metric",
                {
                    "metric": std.metric,
                    "known": ", ".join(METRICS),
                    "hint": Problem("expr.did_you_mean", {"near": near[0]}) if near else "",
                },
            ),
        )
    for key in ("date_column", "column"):
        name = getattr(std, key)
        if name is None:
            continue
        try:
            ref = dataset.schema.resolve(Name(name, 0, quoted=True))
        except ExpressionError as exc:
            report(key, exc.problem)
            continue
        fields.add(ref.field)
        resolved[key] = ref.field
        kind = Problem(f"kind.{EXPRESSION_TYPE[dataset.columns[ref.field].type]}")
        if key == "date_column" and ref.type != "date":
            report(key, Problem("rules.not_a_date_column", {"column": name, "kind": kind}))
        if key == "column" and metric is not None and metric.numeric and ref.type != "number":
            report(
                key,
                Problem(
                    "rules.metric_numeric", {"metric": std.metric, "column": name, "kind": kind}
                ),
            )
    needs = None if metric is None else metric.needs
    if needs in ("column", "condition") and getattr(std, needs) is None:
        report("metric", Problem("rules.metric_needs", {"metric": std.metric, "field": needs}))
    for extra in ("condition", "column"):
        if metric is not None and extra != needs and getattr(std, extra) is not None:
            report(extra, Problem("rules.metric_forbids", {"metric": std.metric, "field": extra}))
    expressions: dict[str, Predicate] = {}
    for key in ("filter", "condition"):
        text = getattr(std, key)
        if text is None:
            continue
        try:
            expressions[key] = bind(text, dataset.schema)
        except ExpressionError as exc:
            report(key, exc.problem)
            continue
        fields |= expressions[key].fields
    if len(problems.found) > before:
        return None
    return Standard(
        id=std.id,
        name=std.name,
        description=std.description,
        dataset=std.dataset,
        metric=std.metric,
        comparison=std.comparison,
        target=std.target,
        period=std.period,
        source=std.source,
        date_field=resolved.get("date_column"),
        column_field=resolved.get("column"),
        filter=expressions.get("filter"),
        condition=expressions.get("condition"),
        warn_target=std.warn_target,
        level=std.level,
        weight=std.weight,
        min_answers=std.min_answers,
        fields=frozenset(fields),
    )


def compile_rulebook(
    spec: RulebookSpec, *, path: Path, sha256: str, lines: LineMap
) -> Rulebook | list[Problem]:
    """The compiled rulebook, or every problem found (each with file and line)."""
    problems = _Problems(str(path), lines)
    base = _base_spelling(spec.rulebook, problems)
    datasets = {did: _dataset(did, ds, base, problems) for did, ds in spec.datasets.items()}
    standards: list[Standard] = []
    seen: set[str] = set()
    for index, std in enumerate(spec.standards):
        if std.id in seen:
            problems.standard(
                index, std.id, "id", Problem("rules.duplicate_standard", {"standard": std.id})
            )
        seen.add(std.id)
        dataset = datasets.get(std.dataset)
        if dataset is None:
            problems.standard(
                index,
                std.id,
                "dataset",
                Problem(
                    "rules.unknown_dataset",
                    {"dataset": std.dataset, "known": ", ".join(spec.datasets)},
                ),
            )
            continue
        compiled = _standard(index, std, dataset, problems)
        if compiled is not None:
            standards.append(compiled)
    if standards and not any(s.level == "required" for s in standards):
        # nothing a verdict could fail on: it would say 达标 whatever the data
        problems.found.append(
            Problem("rules.no_required", {"file": str(path), "line": lines.line(("standards",))})
        )
    if problems.found:
        return problems.found
    return Rulebook(
        id=spec.rulebook.id,
        name=spec.rulebook.name,
        version=spec.rulebook.version,
        source=spec.rulebook.source,
        part=spec.rulebook.part,
        datasets=MappingProxyType(datasets),
        standards=tuple(standards),
        appraisal=spec.appraisal,
        calendar=spec.calendar,
        path=path,
        sha256=sha256,
        moments=base,
    )
