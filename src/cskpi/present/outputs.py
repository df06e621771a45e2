"""Writing the scorecard to a file chosen by its suffix (.xlsx, .json, .csv, .md), atomically."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from cskpi.atomic import check_writable, write_atomic, write_text_atomic
from cskpi.errors import UsageError
from cskpi.evaluate.scorecard import Scorecard
from cskpi.evaluate.trend import Trend
from cskpi.i18n import Lang

OUTPUT_SUFFIXES = {".xlsx": "xlsx", ".json": "json", ".csv": "csv", ".md": "markdown"}


def check_output(output: Path, inputs: Sequence[str]) -> None:
    """Refuse a bad --output before any input is read (an input path, a missing folder)."""
    suffix = output.suffix.lower()
    if suffix not in OUTPUT_SUFFIXES:
        raise UsageError("usage.output_suffix", file=str(output), suffix=suffix or "(none)")
    target = output.resolve()
    for name in inputs:
        source = Path(name)
        same = source.exists() and output.exists() and source.samefile(output)
        if same or source.resolve() == target:
            raise UsageError("usage.output_is_input", file=str(output))
    check_writable(output)


def write_output(
    card: Scorecard,
    output: Path,
    lang: Lang,
    *,
    strict: bool = False,
    private: bool = False,
    trend: Trend | None = None,
) -> None:
    """Write ``card`` to ``output`` in the format its suffix names."""
    from cskpi.present import terminal as report

    kind = OUTPUT_SUFFIXES[output.suffix.lower()]
    if kind == "xlsx":
        from cskpi.present.excel import write_xlsx

        # The workbook lists the rows behind failures (agents, complaint text): owner-only.
        write_atomic(output, lambda tmp: write_xlsx(card, tmp, lang, trend=trend), private=True)
        return
    write_text_atomic(output, report.render_text(card, kind, lang, strict=strict), private=private)
