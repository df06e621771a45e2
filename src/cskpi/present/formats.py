"""Every output format in one registry: its name, the suffixes that pick it, and its renderer.

``--format``, the suffix of ``-o``, the help texts and the error messages all read this list,
so adding a format is one entry here (and its renderer module) plus the message catalog.
Renderers are imported only when used, so listing the formats costs nothing at start-up.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from cskpi.errors import UsageError
from cskpi.i18n import Lang

if TYPE_CHECKING:  # the command line lists formats without importing pandas
    from cskpi.evaluate.scorecard import Scorecard
    from cskpi.evaluate.trend import Trend

BOM = "\ufeff"


@dataclass(frozen=True)
class RenderOptions:
    """What a renderer may need beyond the scorecard and the language."""

    trend: Trend | None = None  # past periods from the history, when it is kept
    generated_at: dt.datetime | None = None  # None: now
    top: int = 20  # groups listed by a text layout before one line for the rest (--top)


@dataclass(frozen=True)
class OutputFormat:
    """One output format.

    ``text`` formats render to a string (stdout with ``--format``, or a file); the others
    write a file (``-o``). ``terminal`` is the rich table, shown only on stdout. ``rows``
    formats list the rows behind failures, so the run keeps every column for them and
    their files are readable by their owner only (agents, complaint text).
    """

    name: str
    suffixes: tuple[str, ...] = ()
    text: Callable[[Scorecard, Lang, RenderOptions], str] | None = None
    write: Callable[[Scorecard, Path, Lang, RenderOptions], None] | None = None
    terminal: bool = False
    rows: bool = False
    bom: bool = False  # a UTF-8 byte-order mark helps Excel read it (CSV)

    @property
    def stdout(self) -> bool:
        return self.terminal or self.text is not None


def _json(card: Scorecard, lang: Lang, options: RenderOptions) -> str:
    from cskpi.present.jsoncsv import render_json

    return render_json(card, lang) + "\n"


def _csv(card: Scorecard, lang: Lang, options: RenderOptions) -> str:
    from cskpi.present.jsoncsv import render_csv

    return render_csv(card, lang)


def _markdown(card: Scorecard, lang: Lang, options: RenderOptions) -> str:
    from cskpi.present.markdown import render_markdown

    return render_markdown(card, lang, top=options.top)


def _xlsx(card: Scorecard, path: Path, lang: Lang, options: RenderOptions) -> None:
    from cskpi.present.excel import write_xlsx

    write_xlsx(card, path, lang, trend=options.trend, generated_at=options.generated_at)


def _html(card: Scorecard, path: Path, lang: Lang, options: RenderOptions) -> None:
    from cskpi.present.html import render_html

    text = render_html(card, lang, trend=options.trend, generated_at=options.generated_at)
    path.write_text(text, encoding="utf-8", newline="\n")


FORMATS: tuple[OutputFormat, ...] = (
    OutputFormat("table", terminal=True),
    OutputFormat("json", (".json",), text=_json),
    OutputFormat("markdown", (".md", ".markdown"), text=_markdown),
    OutputFormat("csv", (".csv",), text=_csv, bom=True),
    OutputFormat("xlsx", (".xlsx",), write=_xlsx, rows=True),
    OutputFormat("html", (".html", ".htm"), write=_html, rows=True),
)


def stdout_names() -> list[str]:
    """The values ``--format`` accepts."""
    return [f.name for f in FORMATS if f.stdout]


def file_suffixes() -> list[str]:
    """The suffixes ``-o`` accepts, in registry order."""
    return [s for f in FORMATS for s in f.suffixes]


def by_name(name: str) -> OutputFormat:
    """The format ``--format`` names; a file-only format or an unknown name is a usage error."""
    for fmt in FORMATS:
        if fmt.name == name and fmt.stdout:
            return fmt
        if fmt.name == name:
            raise UsageError("usage.format_file_only", value=name, suffix=fmt.suffixes[0])
    raise UsageError("usage.bad_format", value=name, known=", ".join(stdout_names()))


def by_suffix(path: Path) -> OutputFormat:
    """The format the suffix of ``-o PATH`` picks; an unknown suffix is a usage error."""
    suffix = path.suffix.lower()
    for fmt in FORMATS:
        if suffix in fmt.suffixes:
            return fmt
    raise UsageError(
        "usage.output_suffix",
        file=str(path),
        suffix=suffix or "(none)",
        known=" ".join(file_suffixes()),
    )


def wants_rows(output: Path | None) -> bool:
    """Whether the format of ``output`` lists the rows behind failures (every column is read)."""
    return output is not None and by_suffix(output).rows
