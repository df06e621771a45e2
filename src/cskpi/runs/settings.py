"""cskpi.toml: the settings' shape (pydantic), their defaults, and errors with file and line.

Paths in it are relative to the project folder; backslashes and drive letters written on
Windows are read as Windows paths; a notification URL must name its scheme."""

from __future__ import annotations

import os
import re
from pathlib import Path, PureWindowsPath
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, ValidationError
from pydantic_core import PydanticCustomError

from cskpi.errors import Problem, UsageError
from cskpi.rulebook.check import unknown_key
from cskpi.rulebook.load import DEFAULT_RULEBOOK
from cskpi.rulebook.models import Calendar
from cskpi.rulebook.yamlfile import LineMap

SETTINGS_FILE = "cskpi.toml"


DEFAULT_INPUT = "inputs/{period}.xlsx"


DEFAULT_OUTPUT = "scorecards/{period}.xlsx"


DEFAULT_PAGE = "scorecards/{period}.html"  # the HTML scorecard beside the workbook


DEFAULT_HISTORY = "history.sqlite3"


DEFAULT_LOG = "cskpi.log"


def _as_list(value: Any) -> Any:
    return [value] if isinstance(value, str) else value


def _blank_is_none(value: Any) -> Any:
    return None if value == "" else value


_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")


def _with_scheme(url: str) -> str:
    """A target without ``scheme://`` is refused when cskpi.toml is read, never sent or shown
    (a webhook address pasted without its scheme is mostly token)."""
    if not _SCHEME.match(url):
        raise PydanticCustomError("notify_no_scheme", "no scheme")
    return url


# A scheme of two letters or more: 'C://x' stays a (strange) Windows path, never a URL.
_URL_LIKE = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]+://")


def _a_path(text: str | None) -> str | None:
    """A setting that names a file or folder refuses ``scheme://...`` when cskpi.toml is read:
    a database or web address there (its password in it) is a mistake, never a path."""
    if text is not None and _URL_LIKE.match(text):
        raise PydanticCustomError("path_is_url", "a URL where a path belongs")
    return text


def shown_value(value: Any) -> Any:
    """A setting's value as an error may quote it: a database URL's password and a notify
    URL's token masked, even when the URL was given where another setting belongs."""
    if not isinstance(value, str) or not _SCHEME.match(value):
        return value
    from cskpi.read.database import is_database_url, mask_url
    from cskpi.runs.notify import shown_url

    return mask_url(value) if is_database_url(value) else shown_url(value)


Templates = Annotated[list[str], BeforeValidator(_as_list), Field(min_length=1)]
PathText = Annotated[str, AfterValidator(_a_path)]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class NotifySettings(_Model):
    """Where alerts go and when: ``fail`` also means a run that could not finish."""

    on: Literal["fail", "warn", "always"] = "fail"
    urls: list[Annotated[str, AfterValidator(_with_scheme)]] = []


class Settings(_Model):
    """``cskpi.toml``: everything ``cskpi run`` needs, validated when it is read."""

    rulebook: PathText = f"{DEFAULT_RULEBOOK}.yaml"
    inputs: Templates = [DEFAULT_INPUT]  # files or a database URL
    outputs: Annotated[list[PathText], BeforeValidator(_as_list), Field(min_length=1)] = [
        DEFAULT_OUTPUT,
        DEFAULT_PAGE,
    ]
    history: PathText = DEFAULT_HISTORY
    log: Annotated[str | None, BeforeValidator(_blank_is_none), AfterValidator(_a_path)] = (
        DEFAULT_LOG
    )
    by: Annotated[str | None, BeforeValidator(_blank_is_none)] = None
    lang: Literal["zh", "en"] = "zh"
    strict: bool = False
    lock_timeout: float = Field(default=60.0, ge=0, allow_inf_nan=False)
    notify: NotifySettings = NotifySettings()
    calendar: Calendar = Calendar()


_TABLE = re.compile(r"^\s*\[\s*([^\[\]]+?)\s*\]\s*(#.*)?$")


_KEY = re.compile(r"^\s*([A-Za-z0-9_-]+|\"[^\"]*\")\s*=")


def toml_lines(text: str) -> LineMap:
    """Key path -> line, for the plain TOML a person writes (tables and ``key = value``)."""
    lines = LineMap()
    table: tuple[str, ...] = ()
    for number, line in enumerate(text.splitlines(), start=1):
        if match := _TABLE.match(line):
            table = tuple(part.strip().strip('"') for part in match.group(1).split("."))
            lines.lines.setdefault(table, number)
        elif match := _KEY.match(line):
            lines.lines.setdefault((*table, match.group(1).strip('"')), number)
    return lines


def settings_problems(exc: ValidationError, file: str, lines: LineMap) -> list[Problem]:
    problems = []
    for err in exc.errors():
        loc = tuple(err["loc"])
        detail: Problem | str = err["msg"]
        if err["type"] == "extra_forbidden":
            tables: dict[tuple[Any, ...], type[BaseModel]] = {
                ("notify",): NotifySettings,
                ("calendar",): Calendar,
            }
            detail = unknown_key(loc[-1], sorted(tables.get(loc[:-1], Settings).model_fields))
        elif err["type"] == "notify_no_scheme":
            detail = Problem("notify.no_scheme")
        elif err["type"] == "path_is_url":
            detail = Problem("project.path_is_url", {"url": shown_value(err["input"])})
        elif err["type"] == "literal_error":
            detail = Problem(
                "rules.not_allowed",
                {
                    "value": repr(shown_value(err["input"])),
                    "allowed": err["ctx"].get("expected", ""),
                },
            )
        path = ".".join(str(p) for p in loc if not isinstance(p, int)) or "-"
        problems.append(
            Problem(
                "rules.invalid",
                {"file": file, "line": lines.line(loc), "path": path, "detail": detail},
            )
        )
    return problems


def local_path(text: str, root: Path) -> Path:
    """A path from cskpi.toml: relative to the project, Windows spelling understood anywhere."""
    if os.name != "nt" and ("\\" in text or re.match(r"^[A-Za-z]:", text)):
        windows = PureWindowsPath(text)
        if windows.drive or windows.root:
            return Path(text)  # another machine's absolute path: reported as given
        text = windows.as_posix()
    path = Path(text).expanduser()
    return path if path.is_absolute() else root / path


def check_placeholders(settings: Settings, file: str, lines: LineMap) -> None:
    """``{perod}`` in an input, output, history or log path: file, line, exit 2."""
    from cskpi.read.database import is_database_url
    from cskpi.read.paths import unknown_placeholder

    named: list[tuple[tuple[Any, ...], str | None]] = [
        *((("inputs", i), t) for i, t in enumerate(settings.inputs) if not is_database_url(t)),
        *((("outputs", i), t) for i, t in enumerate(settings.outputs)),
        (("history",), settings.history),
        (("log",), settings.log),
    ]
    for loc, text in named:
        problem = None if text is None else unknown_placeholder(text)
        if problem is not None:
            raise UsageError(
                "rules.invalid",
                file=file,
                line=lines.line(loc),
                path=str(loc[0]),
                detail=Problem("usage.placeholder", {"text": shown_value(text), "detail": problem}),
            )
