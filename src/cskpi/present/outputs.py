"""Writing the scorecard to a file whose suffix picks its format (:mod:`.formats`), atomically,
and the checks that keep every file a run writes apart from every file it reads."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from pathlib import Path

from cskpi.atomic import Staged, check_writable, place_with
from cskpi.errors import UsageError
from cskpi.evaluate.scorecard import Scorecard
from cskpi.evaluate.trend import Trend
from cskpi.i18n import Lang
from cskpi.present.formats import BOM, RenderOptions, by_suffix


def check_output(output: Path, option: str = "--output") -> None:
    """Refuse a bad --output before any input is read (its suffix, a missing folder, a FIFO)."""
    by_suffix(output)
    check_writable(output, option)


def same_file(a: Path, b: Path) -> bool:
    """One file under two names: the same resolved path (symlinks), or the same inode."""
    try:
        if a.resolve() == b.resolve():
            return True
    except (OSError, RuntimeError):
        pass
    try:
        return a.samefile(b)
    except (OSError, ValueError):
        return False


def check_apart(
    outputs: Sequence[tuple[str, Path | None]],
    inputs: Sequence[Path],
    reader: Callable[[Path], str | None] = lambda _path: None,
) -> None:
    """Every file a run writes is none of the files it reads, nor any other file it writes.

    ``outputs`` are (option, path) pairs; ``inputs`` are the input files after templates,
    globs and folders were expanded, plus the rulebook and waivers. ``reader(path)`` names the
    input argument (a folder, glob or template) that would read ``path`` as data next time.
    """
    given = [(option, path) for option, path in outputs if path is not None]
    for i, (option, path) in enumerate(given):
        for source in inputs:
            if same_file(path, source):
                raise UsageError(
                    "usage.output_is_input", option=option, file=str(path), input=str(source)
                )
        argument = reader(path)
        if argument is not None:
            raise UsageError(
                "usage.output_read_next", option=option, file=str(path), input=argument
            )
        for other_option, other in given[i + 1 :]:
            if same_file(path, other):
                raise UsageError(
                    "usage.outputs_clash", option=option, file=str(path), other=other_option
                )


def stage_output(
    card: Scorecard,
    output: Path,
    lang: Lang,
    *,
    private: bool = False,
    trend: Trend | None = None,
    csv_bom: bool = True,
    generated_at: dt.datetime | None = None,
) -> Staged:
    """Write ``card`` beside ``output`` in the format its suffix names, not yet in place.

    A CSV file starts with a UTF-8 byte-order mark unless ``csv_bom`` is off: without it,
    Excel on a Chinese Windows reads the file as GBK and shows mojibake.
    """
    fmt = by_suffix(output)
    options = RenderOptions(trend=trend, generated_at=generated_at)
    if fmt.write is not None:
        # These list the rows behind failures (agents, complaint text): owner-only.
        write = fmt.write
        return Staged(output, lambda tmp: write(card, tmp, lang, options), private=fmt.rows)
    assert fmt.text is not None
    text = fmt.text(card, lang, options)
    if fmt.bom and csv_bom:
        text = BOM + text
    return Staged(
        output, lambda tmp: tmp.write_text(text, encoding="utf-8"), private=private or fmt.rows
    )


def write_output(
    card: Scorecard,
    output: Path,
    lang: Lang,
    *,
    private: bool = False,
    trend: Trend | None = None,
    csv_bom: bool = True,
) -> None:
    """Write ``card`` to ``output`` in the format its suffix names."""
    staged = stage_output(card, output, lang, private=private, trend=trend, csv_bom=csv_bom)
    place_with(staged, lambda: None)
