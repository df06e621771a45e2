"""One evaluation run, from file names to a scorecard: the glue between the edges and the core."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import pandas as pd

from cskpi.errors import InputError, UsageError
from cskpi.evaluate import evaluate, latest_period, resolve_group_field
from cskpi.periods import Period
from cskpi.privacy import mask_scorecard
from cskpi.rulebook import LoadedRulebook
from cskpi.scorecard import Scorecard
from cskpi.workbook import Datasets, read_workbook


@dataclass(frozen=True)
class RunRequest:
    files: Sequence[Path]
    rulebook: LoadedRulebook
    period: Period | None = None
    as_of: pd.Timestamp | None = None
    group_by: str | None = None
    show_personal: bool = False


def personal_fields(rulebook: LoadedRulebook) -> dict[str, set[str]]:
    """Dataset -> the columns its rulebook marks as personal (masked in every output)."""
    return {
        dataset_id: {fid for fid, col in spec.columns.items() if col.personal}
        for dataset_id, spec in rulebook.model.datasets.items()
    }


def run_evaluation(request: RunRequest) -> Scorecard:
    """Read every input, pick the period, evaluate, and mask personal data unless asked not to."""
    model = request.rulebook.model
    group_fields = [resolve_group_field(model, request.group_by)] if request.group_by else []
    data = Datasets()
    for file in request.files:
        read_workbook(file, model, group_fields=group_fields, into=data)
    period = request.period or latest_period(model, data.frames)
    if period is None:
        raise InputError("input.no_dated_rows")
    if request.as_of is not None and request.as_of < period.start:
        raise UsageError("usage.as_of_before_period", as_of=str(request.as_of), period=period.label)
    card = evaluate(model, data.frames, period, request.as_of, request.group_by)
    card = replace(
        card, warnings=tuple(data.warnings), inputs=tuple((f.path, f.sha256) for f in data.files)
    )
    if not request.show_personal:
        card = mask_scorecard(card, personal_fields(request.rulebook))
    return card
