"""pydantic's errors about a rulebook's shape, as located, translated problems.

Each names the file, the line and the key, with the close match for a misspelt key. What
pydantic cannot see (references, expressions) is checked by :mod:`cskpi.rulebook.compile`.
"""

from __future__ import annotations

import difflib
from typing import Any

from pydantic import BaseModel, ValidationError

from cskpi.errors import Problem
from cskpi.rulebook.models import (
    Appraisal,
    Calendar,
    ColumnSpec,
    DatasetSpec,
    DateRange,
    Grade,
    Names,
    RulebookInfo,
    RulebookSpec,
    StandardSpec,
)
from cskpi.rulebook.yamlfile import LineMap

_MODEL_AT: list[tuple[tuple[str, ...], type[BaseModel]]] = [
    (("rulebook",), RulebookInfo),
    (("rulebook", "part"), Names),
    (("rulebook", "date_range"), DateRange),
    (("appraisal",), Appraisal),
    (("appraisal", "grades", "*"), Grade),
    (("calendar",), Calendar),
    (("datasets", "*", "columns", "*"), ColumnSpec),
    (("datasets", "*", "names"), Names),
    (("datasets", "*"), DatasetSpec),
    (("standards", "*", "name"), Names),
    (("standards", "*", "description"), Names),
    (("standards", "*"), StandardSpec),
    ((), RulebookSpec),
]


def unknown_key(key: object, known: list[str]) -> Problem:
    """A key the model does not have, with the nearest known one (a typo) or all of them;
    for rulebooks and cskpi.toml alike."""
    near = difflib.get_close_matches(str(key), known, n=1)
    hint = (
        Problem("expr.did_you_mean", {"near": near[0]})
        if near
        else Problem("rules.allowed_keys", {"known": ", ".join(known)})
    )
    return Problem("rules.unknown_key", {"key": key, "hint": hint})


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
            detail = unknown_key(loc[-1], sorted(model.model_fields) if model else [])
        elif err["type"] == "missing":
            detail = Problem("rules.missing_key", {"key": loc[-1]})
        elif err["type"] == "literal_error":
            detail = Problem(
                "rules.not_allowed",
                {"value": repr(err["input"]), "allowed": err["ctx"].get("expected", "")},
            )
        elif err["type"] in ("float_type", "float_parsing"):
            detail = Problem("rules.not_a_number", {"value": repr(err["input"])})
        elif err["type"] == "finite_number":
            detail = Problem("rules.not_finite", {"value": repr(err["input"])})
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
