"""Safe YAML reading that remembers the line of every key, for messages that point at it.

Only plain data is accepted: no tags beyond YAML's core types, no aliases (so no alias bombs),
no duplicate keys (PyYAML would silently keep the last), and a size cap.
"""

from __future__ import annotations

import hashlib
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from cskpi.errors import Problem, RulebookError

MAX_BYTES = 1_000_000
MAX_DEPTH = 64  # nested lists and mappings; a rulebook needs fewer than 10, Python's stack 1000
_CORE_TAGS = {
    f"tag:yaml.org,2002:{name}"
    for name in ("str", "int", "float", "bool", "null", "map", "seq", "timestamp")
}


@dataclass(frozen=True)
class LineMap:
    """Key path (as in pydantic's ``loc``) -> 1-based line number."""

    lines: dict[tuple[Any, ...], int] = field(default_factory=dict)

    def line(self, loc: tuple[Any, ...]) -> int:
        """The line of ``loc``, or of its nearest ancestor that the file spells out."""
        for end in range(len(loc), -1, -1):
            if loc[:end] in self.lines:
                return self.lines[loc[:end]]
        return 1


# libyaml's C parser when PyYAML was built with it (10x faster); the same safe constructor.
_Loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Refused(Exception):
    def __init__(self, key: str, line: int, **params: object) -> None:
        super().__init__(key)
        self.key, self.line, self.params = key, line, params


_TIMESTAMP = "tag:yaml.org,2002:timestamp"


def _is_date(node: yaml.Node) -> bool:
    """Whether a scalar YAML reads as a date is one (2026-13-01 looks like one and is not)."""
    try:
        yaml.constructor.SafeConstructor().construct_yaml_timestamp(node)
    except ValueError:
        return False
    return True


def _walk(
    node: yaml.Node,
    path: tuple[Any, ...],
    lines: dict[tuple[Any, ...], int],
    problems: list[tuple[str, int, dict[str, object]]],
) -> None:
    if node.tag not in _CORE_TAGS:
        problems.append(("rules.yaml_tag", node.start_mark.line + 1, {"tag": node.tag}))
        return
    if node.tag == _TIMESTAMP and not _is_date(node):
        node.tag = "tag:yaml.org,2002:str"  # 2026-13-01: text, refused where a date is due
    if isinstance(node, yaml.MappingNode):
        first: dict[Any, int] = {}
        for key_node, value_node in node.value:
            key = key_node.value
            line = key_node.start_mark.line + 1
            if key in first:
                problems.append(("rules.duplicate_key", line, {"key": key, "first": first[key]}))
                continue
            first[key] = line
            lines[(*path, key)] = line
            _walk(value_node, (*path, key), lines, problems)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            lines[(*path, index)] = item.start_mark.line + 1
            _walk(item, (*path, index), lines, problems)


def _kind(mode: int) -> Problem:
    if stat.S_ISDIR(mode):
        return Problem("filetype.folder")
    return Problem("filetype.fifo" if stat.S_ISFIFO(mode) else "filetype.special")


def read_capped(path: Path, limit: int = MAX_BYTES) -> bytes:
    """The bytes of a regular file of at most ``limit`` bytes.

    Opened without blocking (a FIFO must not hang the run), the type checked on the open
    descriptor before any read, and at most ``limit + 1`` bytes read whatever the size says
    (``/dev/zero`` and ``/proc`` files report 0).
    """
    file = str(path)
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        raise RulebookError("rules.unreadable", file=file, reason=exc.strerror or exc) from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise RulebookError("rules.not_regular", file=file, kind=_kind(info.st_mode))
        if info.st_size > limit:
            raise RulebookError("rules.too_large", file=file, size=info.st_size, limit=limit)
        chunks, total = [], 0
        while total <= limit:
            chunk = os.read(fd, min(1 << 16, limit + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
    except OSError as exc:
        raise RulebookError("rules.unreadable", file=file, reason=exc.strerror or exc) from None
    finally:
        os.close(fd)
    if total > limit:
        raise RulebookError("rules.too_large", file=file, size=f"> {limit}", limit=limit)
    return b"".join(chunks)


def load_yaml(path: Path) -> tuple[Any, LineMap, str]:
    """Read ``path`` as plain-data YAML: (data, line map, SHA-256 of the bytes)."""
    file = str(path)
    raw = read_capped(path)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise RulebookError("rules.unreadable", file=file, reason=f"not UTF-8: {exc}") from None
    try:
        # Aliases and deep nesting are refused from the event stream, before anything could
        # expand or recurse (composing 5,000 nested lists overflows Python's stack).
        depth = 0
        for event in yaml.parse(text, Loader=_Loader):
            if isinstance(event, yaml.AliasEvent):
                raise _Refused("rules.yaml_alias", event.start_mark.line + 1, alias=event.anchor)
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
                if depth > MAX_DEPTH:
                    raise _Refused("rules.yaml_deep", event.start_mark.line + 1, limit=MAX_DEPTH)
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
        root = yaml.compose(text, Loader=_Loader)
    except _Refused as exc:
        raise RulebookError(exc.key, file=file, line=exc.line, **exc.params) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        if "maximum nesting depth" in str(exc.problem):  # libyaml's own limit (PyYAML >= 6.0.4)
            raise RulebookError("rules.yaml_deep", file=file, line=line, limit=MAX_DEPTH) from None
        detail = " ".join(str(part) for part in (exc.context, exc.problem) if part)
        raise RulebookError("rules.yaml_syntax", file=file, line=line, detail=detail) from None
    lines: dict[tuple[Any, ...], int] = {}
    problems: list[tuple[str, int, dict[str, object]]] = []
    if root is not None:
        _walk(root, (), lines, problems)
    if problems:
        raise RulebookError.of(
            [Problem(key, {"file": file, "line": line, **params}) for key, line, params in problems]
        )
    loader = _Loader(text)
    try:
        data = loader.construct_document(root) if root is not None else None
    finally:
        loader.dispose()
    return data, LineMap(lines), hashlib.sha256(raw).hexdigest()
