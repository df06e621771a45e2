"""Every user-facing string, in Chinese and English: the catalog is data (``messages.yaml``).

One catalog, keyed by a stable id, so a test can prove that no message lacks a translation
and the terminal, JSON and error text all speak the chosen language. A translator edits the
YAML file, not code. It is read once, on the first message.
"""

from __future__ import annotations

import functools
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

Lang = Literal["zh", "en"]
LANGS: tuple[Lang, ...] = ("zh", "en")
CATALOG_FILE = Path(__file__).with_name("messages.yaml")


@functools.cache
def catalog() -> Mapping[str, Mapping[str, str]]:
    """Key -> {zh, en}, from messages.yaml (plain data, read with PyYAML's safe loader)."""
    import yaml

    safe_loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    loader = safe_loader(CATALOG_FILE.read_text(encoding="utf-8"))
    try:
        data: dict[str, dict[str, str]] = loader.get_single_data()
    finally:
        loader.dispose()
    return data


@dataclass(frozen=True)
class Named:
    """A message parameter said differently per language: a dataset is 投诉记录 in Chinese
    and keeps its id (complaints) in English, where ids are the names users type."""

    zh: str
    en: str


def message(key: str, lang: Lang, /, **params: object) -> str:
    """Render catalog entry ``key`` in ``lang``; nested problems render in the same language."""
    entry = catalog()[key]
    rendered = {name: _render(value, lang) for name, value in params.items()}
    return entry[lang].format(**rendered)


def _render(value: object, lang: Lang) -> object:
    """A nested problem or note (anything with a catalog ``key`` and ``params``) as text."""
    key, params = getattr(value, "key", None), getattr(value, "params", None)
    if isinstance(key, str) and isinstance(params, Mapping):
        return message(key, lang, **params)
    if isinstance(value, Named):
        return printable(getattr(value, lang))
    return printable(value) if isinstance(value, str) else value


def printable(text: str) -> str:
    """A file name whose bytes are not UTF-8 (kept by Python as lone surrogates) as ``\\xff``
    escapes, so it can be shown, logged and stored as UTF-8 text."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raw = text.encode("utf-8", "surrogateescape")
        return raw.decode("utf-8", "backslashreplace")
    return text


def label(key: str, lang: Lang) -> str:
    """A short label with no parameters (status names, column headings)."""
    return catalog()[key][lang]


def pick(names: dict[str, str], lang: Lang) -> str:
    """Choose the text for ``lang`` from a rulebook's {zh, en} pair, falling back to the other."""
    return names.get(lang) or next(iter(names.values()), "")


@functools.lru_cache(maxsize=1 << 16)
def display_width(text: str) -> int:
    """Terminal/Excel columns a text needs: CJK and full-width characters count twice.

    Cached, ASCII counted at once: a ranking of 9,000 agents measures the same names often."""
    if text.isascii():
        return len(text)
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)
