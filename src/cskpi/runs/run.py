"""One evaluation run, from file names to a scorecard: the glue between the edges and the core."""

from __future__ import annotations

import contextlib
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import pandas as pd

from cskpi.errors import InputError, UsageError
from cskpi.evaluate.datasets import Waiver
from cskpi.evaluate.engine import evaluate, latest_period, resolve_group_field
from cskpi.evaluate.periods import Period, parse_period
from cskpi.evaluate.scorecard import Scorecard
from cskpi.evaluate.trend import build_trend
from cskpi.i18n import Lang
from cskpi.present.outputs import check_output, write_output
from cskpi.present.privacy import mask_datasets
from cskpi.read.inputs import Progress, expand_inputs, expand_paths, is_template, read_inputs
from cskpi.read.waivers import unknown_ids
from cskpi.rulebook.compiled import Rulebook
from cskpi.runs import history


@dataclass(frozen=True)
class RunRequest:
    files: Sequence[str]  # paths, or templates with {yyyy} {mm} {period}
    rulebook: Rulebook
    period: Period | None = None
    as_of: pd.Timestamp | None = None
    group_by: str | None = None
    show_personal: bool = False
    evidence: bool = False  # rows will be shown (export, --evidence): load every column
    waivers: tuple[Waiver, ...] = ()


def personal_fields(rulebook: Rulebook) -> dict[str, set[str]]:
    """Dataset -> the columns its rulebook marks as personal (masked in every output)."""
    return {
        dataset_id: {fid for fid, col in spec.columns.items() if col.personal}
        for dataset_id, spec in rulebook.datasets.items()
    }


def run_evaluation(request: RunRequest, progress: Progress | None = None) -> Scorecard:
    """Read every input, pick the period, evaluate, and mask personal data unless asked not to."""
    model = request.rulebook
    group_fields = [resolve_group_field(model, request.group_by)] if request.group_by else []
    period = request.period
    if any(is_template(f) for f in request.files):
        period = period or parse_period("previous")
        paths, warnings = expand_inputs(request.files, period, model)
    else:
        paths, warnings = expand_paths(request.files), []
    data = read_inputs(
        paths,
        model,
        group_fields=group_fields,
        warnings=warnings,
        progress=progress,
        all_columns=request.evidence,
    )
    frames = (
        data.frames
        if request.show_personal
        else mask_datasets(data.frames, personal_fields(request.rulebook))
    )
    period = period or latest_period(model, data.frames)
    if period is None:
        raise InputError("input.no_dated_rows")
    if request.as_of is not None and request.as_of < period.start:
        raise UsageError("usage.as_of_before_period", as_of=str(request.as_of), period=period.label)
    card = evaluate(
        model,
        frames,
        period,
        request.as_of,
        request.group_by,
        keep_evidence=request.evidence,
        waivers=request.waivers,
    )
    return replace(
        card,
        warnings=tuple(data.warnings) + tuple(_unknown_waivers(request, frames)),
        inputs=tuple((f.path, f.sha256) for f in data.files),
        skipped=tuple(data.skipped.items()),
        columns=tuple(data.matches),
    )


def _unknown_waivers(request: RunRequest, frames: dict[str, pd.DataFrame]) -> list:
    """Warnings for waivers whose record id is in no dataset (only looked up when asked)."""
    wanted = {w.record_id for w in request.waivers}
    if not wanted:
        return []
    model = request.rulebook
    found: set[str] = set()
    for name, frame in frames.items():
        column = model.datasets[name].id_column
        if column and column in frame.columns:
            found |= set(frame[column][frame[column].isin(wanted).fillna(False)].astype(str))
    return unknown_ids(request.waivers, found)


@dataclass(frozen=True)
class RunOptions:
    """What happens around the evaluation: where results go and how the history is kept."""

    output: Path | None = None
    lang: Lang = "zh"
    strict: bool = False
    history: Path | None = None  # None: no history
    lock_timeout: float = 60.0
    trend_periods: int = 12
    csv_bom: bool = True  # a CSV file starts with a UTF-8 BOM (Excel on Chinese Windows)


def execute(
    request: RunRequest, options: RunOptions, progress: Progress | None = None
) -> Scorecard:
    """Evaluate, record the history and write the output as one unit.

    The history write and the output file succeed together or not at all: a run that fails
    before the end leaves the history as it was (and any previous output file intact).
    """
    if options.output is not None:
        check_output(options.output, request.files)
    guard = (
        history.locked(options.history, options.lock_timeout)
        if options.history is not None
        else contextlib.nullcontext()
    )
    with guard:
        card = run_evaluation(request, progress)
        code = int(card.summary().exit_code(strict=options.strict))
        if options.history is None:
            if options.output is not None:
                write_output(
                    card,
                    options.output,
                    options.lang,
                    strict=options.strict,
                    private=request.show_personal,
                    csv_bom=options.csv_bom,
                )
            return card
        conn = history.connect(options.history)
        try:
            with history.transaction(conn):
                history.record(conn, card, rulebook_sha256=request.rulebook.sha256, exit_code=code)
                if options.output is not None:
                    rows = history.load(conn, card.rulebook_id, group_by=card.group_by)
                    order = [s.id for s in request.rulebook.standards]
                    trend = build_trend(rows, options.trend_periods, order)
                    write_output(
                        card,
                        options.output,
                        options.lang,
                        strict=options.strict,
                        private=request.show_personal,
                        trend=trend,
                        csv_bom=options.csv_bom,
                    )
        finally:
            conn.close()
    return card
