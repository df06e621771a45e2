"""Finding and loading a rulebook: a bundled name or a path -> the compiled rulebook."""

from __future__ import annotations

from pathlib import Path

from pydantic import ValidationError

from cskpi.errors import RulebookError
from cskpi.rulebook.check import pydantic_problems
from cskpi.rulebook.compile import compile_rulebook
from cskpi.rulebook.compiled import Rulebook
from cskpi.rulebook.models import RulebookSpec
from cskpi.rulebook.yamlfile import load_yaml

DEFAULT_RULEBOOK = "customer-service-supervisor"


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


def load_rulebook(name_or_path: str | Path | None = None) -> Rulebook:
    """Read, validate and compile a rulebook; raise :class:`RulebookError` listing every problem."""
    path = resolve_rulebook(str(name_or_path) if name_or_path is not None else None)
    data, lines, digest = load_yaml(path)
    try:
        spec = RulebookSpec.model_validate(data)
    except ValidationError as exc:
        raise RulebookError.of(pydantic_problems(exc, str(path), lines, data)) from None
    compiled = compile_rulebook(spec, path=path, sha256=digest, lines=lines)
    if isinstance(compiled, list):
        raise RulebookError.of(compiled)
    return compiled
