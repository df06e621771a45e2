"""Writing the scorecard to a file whose suffix picks its format (:mod:`.formats`), atomically."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from cskpi.atomic import check_writable, write_atomic, write_text_atomic
from cskpi.errors import UsageError
from cskpi.evaluate.scorecard import Scorecard
from cskpi.evaluate.trend import Trend
from cskpi.i18n import Lang
from cskpi.present.formats import BOM, RenderOptions, by_suffix


def check_output(output: Path, inputs: Sequence[str]) -> None:
    """Refuse a bad --output before any input is read (an input path, a missing folder)."""
    by_suffix(output)
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
    private: bool = False,
    trend: Trend | None = None,
    csv_bom: bool = True,
) -> None:
    """Write ``card`` to ``output`` in the format its suffix names.

    A CSV file starts with a UTF-8 byte-order mark unless ``csv_bom`` is off: without it,
    Excel on a Chinese Windows reads the file as GBK and shows mojibake.
    """
    fmt = by_suffix(output)
    options = RenderOptions(trend=trend)
    if fmt.write is not None:
        # These list the rows behind failures (agents, complaint text): owner-only.
        write = fmt.write
        write_atomic(output, lambda tmp: write(card, tmp, lang, options), private=fmt.rows)
        return
    assert fmt.text is not None
    text = fmt.text(card, lang, options)
    if fmt.bom and csv_bom:
        text = BOM + text
    write_text_atomic(output, text, private=private or fmt.rows)
