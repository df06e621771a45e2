"""Validating a rulebook completely: every problem, with the file, the line and the key.

pydantic checks the shape; this module turns its errors into located, translated problems
(with the close match for a misspelt key) and adds what pydantic cannot see: datasets and
columns that do not exist, metrics missing their column or condition, expressions that do
not type-check, derived columns and event-log settings that point nowhere.
"""

from __future__ import annotations

import difflib
from typing import Any

from pydantic import BaseModel, ValidationError

from cskpi.errors import Problem
from cskpi.language.syntax import ExpressionError, Name
from cskpi.language.typecheck import compile_expression
from cskpi.rulebook.derive import parse_rule
from cskpi.rulebook.models import (
    EXPRESSION_TYPE,
    Appraisal,
    Calendar,
    ColumnSpec,
    DatasetSpec,
    Grade,
    Names,
    Rulebook,
    RulebookInfo,
    Standard,
)
from cskpi.rulebook.yamlfile import LineMap

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


def pydantic_problems(exc: ValidationError, file: str, lines: LineMap, data: Any) -> list[Problem]:
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


def check_references(model: Rulebook, file: str, lines: LineMap) -> list[Problem]:
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
