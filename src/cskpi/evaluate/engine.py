"""The pure core: (datasets, rulebook, period, as-of, grouping) -> Scorecard.

Knows nothing of files or terminals, so every number it produces can be tested on a few
hand-made rows.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import NamedTuple

import numpy as np
import pandas as pd

from cskpi.errors import Problem
from cskpi.evaluate.appraisal import appraise, required_weights
from cskpi.evaluate.coverage import (
    empty_window,
    out_of_period_warnings,
    owed,
    skipped_doubts,
    undated,
    undated_reason,
    undated_warning,
    waived_warnings,
)
from cskpi.evaluate.datasets import Datasets, Pushed, Waiver
from cskpi.evaluate.groupcheck import normalise_groups, odd_groups
from cskpi.evaluate.groups import collect_groups, natural_key, resolve_group_field
from cskpi.evaluate.metrics import (
    Groups,
    count_per_slot,
    factorize_groups,
    measure,
    prepare_column,
    wilson,
)
from cskpi.evaluate.periods import (
    Period,
    check_as_of,
    check_not_future,
    windows_for,
)
from cskpi.evaluate.placement import future_rows
from cskpi.evaluate.scorecard import EvidenceRows, Result, Scorecard
from cskpi.evaluate.selection import guessed_rows, rows_in_window, select_rows
from cskpi.evaluate.standards import (
    category_breakdowns,
    describe_standard,
    unknown_waivers,
    waived_rows,
)
from cskpi.evaluate.status import Pace, judge, pace, undecided
from cskpi.evaluate.workdays import derive_columns
from cskpi.rulebook.compiled import Dataset, Rulebook, Standard
from cskpi.rulebook.metrics import METRICS, Metric


class _Slot(NamedTuple):
    """What was measured for one result (overall or one group) in one window (a tuple: a
    year of 9,000 agents makes 600,000, and a frozen dataclass's checked init costs 3x)."""

    value: float | None = None
    sample: int = 0
    evidence_count: int = 0
    evidence: EvidenceRows | None = None
    waived: int = 0
    provisional: bool = False
    undated: int = 0  # rows the window may miss: the standard's date is blank (coverage.py)


_NOTHING = _Slot()


def _result(
    std: Standard,
    metric: Metric,
    window: Period,
    group: str | None,
    slot: _Slot,
    running: Pace | None,
    absent: Problem | None = None,
    unplaced: Problem | None = None,
    like: Result | None = None,
) -> Result:
    value, sample = slot.value, slot.sample
    status = judge(value, std.comparison, std.target, std.warn_target)
    if status in ("pass", "warn") and undecided(metric, std, value, slot.undated):
        status, absent = "no_data", unplaced  # undated rows could break the limit
    if status == "fail" and std.level == "excellent":
        status = "unmet"  # an excellent-level standard fails nothing: not (yet) achieved
    interval = None
    if metric.interval and value is not None and sample:
        interval = wilson(round(value * sample), sample)
        if std.min_answers is not None and sample < std.min_answers:
            status = "insufficient"
    budget = None
    if metric.projects and std.comparison in ("<=", "<") and value is not None:
        budget = None if running is None else running.budget(value)
        if (
            budget is not None
            and status == "pass"
            and judge(budget.projected, std.comparison, std.target) == "fail"
        ):
            status = "warn"  # within the limit so far, but the pace breaks it
    varying = {
        "group": group,
        "status": status,
        "actual": value,
        "sample_size": sample,
        "evidence_count": slot.evidence_count,
        "evidence_rows": slot.evidence,
        "projected": None if budget is None else budget.projected,
        "days_left": None if budget is None else budget.days_left,
        "ci_low": None if interval is None else interval[0],
        "ci_high": None if interval is None else interval[1],
        "waived": slot.waived,
        "provisional": slot.provisional,
        "reason": absent,
    }
    if like is not None:  # the same standard and window: only these differ (9,000 agents)
        return like.evolve(**varying)
    return Result(
        standard=std.id,
        name_zh=std.name.zh,
        name_en=std.name.en,
        period=window.label,
        comparison=std.comparison,
        target=std.target,
        warn_target=std.warn_target,
        level=std.level,
        metric=std.metric,
        weight=std.weight,
        **varying,  # type: ignore[arg-type]
    )


def evaluate_standard(
    std: Standard,
    frame: pd.DataFrame | None,
    period: Period,
    as_of: pd.Timestamp,
    group_field: str | None,
    groups: tuple[str, ...],
    keep_evidence: bool = True,
    waived: np.ndarray | None = None,
    absent: Problem | None = None,
    guessed: np.ndarray | None = None,
    codes: Groups | None = None,
    spec: Dataset | None = None,
    unplaced: list[np.ndarray] | None = None,
) -> list[Result]:
    """All results of one standard: each of its windows, overall and per group.

    One pass per window: the filter is interpreted once on the whole dataset and the metric
    reduces every group at once (``codes``: the group column factorized once per dataset;
    computed here when not given). Evidence rows are kept as positions. A result is
    provisional when one of the rows placed in its window has a deadline computed across a
    year the calendar only guesses. A window with none of the dataset's dated rows has no
    result but a failure (coverage.empty_window). Rows its date leaves blank that the window
    may miss (``spec``: the dataset, whose own date places them) are appended to
    ``unplaced``, and a count limit they could break is no longer a pass (coverage.py).
    """
    metric = METRICS[std.metric]
    windows = windows_for(period, std.period, as_of) if std.date_field else [period]
    grouped = group_field is not None and (frame is None or group_field in frame.columns)
    if frame is not None and grouped and codes is None:
        assert group_field is not None
        codes = factorize_groups(frame[group_field], groups)
    column = None
    if frame is not None and std.column_field is not None:
        column = prepare_column(frame[std.column_field], metric.numeric)
    names: tuple[str | None, ...] = (None, *groups) if grouped else (None,)
    results: list[Result] = []
    for window in windows:
        running = pace(window, as_of) if metric.projects else None
        if frame is None:  # the same empty result for every group (9,000 agents: one made)
            empty = _result(std, metric, window, None, _NOTHING, running, absent)
            results += [empty, *(empty.evolve(group=group) for group in names[1:])]
            continue
        gap = None if spec is None else empty_window(std, spec, frame, window, as_of, period)
        in_window = rows_in_window(std, frame, window, as_of)
        unsure = None if guessed is None else guessed & in_window
        selection, could = select_rows(std, frame, window, as_of, in_window, waived)
        measured = measure(
            metric,
            selection,
            codes if grouped else None,
            column,
            keep_evidence=keep_evidence,
            flagged=unsure,
        )
        missing = reason = None
        if spec is not None and owed(std, spec):
            blank = undated(std, frame, window, as_of, could, spec.date_column)
            if blank.any():
                missing = count_per_slot(blank, codes if grouped else None).tolist()
                reason = undated_reason(std, spec, window, int(blank.sum()))
                if unplaced is not None:
                    unplaced.append(blank)
        values = measured.values
        sizes = measured.sizes.tolist()
        counts = measured.evidence_counts.tolist()
        excused = measured.waived.tolist()
        flagged = measured.flagged.tolist()
        like = None
        for i, group in enumerate(names):
            rows = measured.evidence(i)
            slot = _Slot(
                values[i],
                sizes[i],
                counts[i],
                None if rows is None else EvidenceRows(frame, rows),
                excused[i],
                flagged[i] > 0,
                0 if missing is None else missing[i],
            )
            result = _result(std, metric, window, group, slot, running, None, reason, like)
            if gap is not None and (result.status != "fail" or result.reason is None):
                result = result.evolve(  # 0 rows of it: never a pass
                    status="fail" if result.status == "fail" else "no_data", reason=gap
                )
            results.append(result)
            like = like or result
    return results


def pushed_results(
    std: Standard,
    period: Period,
    as_of: pd.Timestamp,
    groups: tuple[str, ...],
    pushed: Pushed,
) -> list[Result]:
    """The results of a standard a database evaluated: its numbers, judged here as any other.

    A window or group with no row there has no slot: its value is what the metric gives
    for no rows (a count 0, a share no data).
    """
    metric = METRICS[std.metric]
    windows = windows_for(period, std.period, as_of) if std.date_field else [period]
    names: tuple[str | None, ...] = (None, *groups) if std.id in pushed.grouped else (None,)
    results = []
    for window in windows:
        running = pace(window, as_of) if metric.projects else None
        for group in names:
            got = pushed.slots.get((std.id, window.label, group))
            if got is None:
                slot = _Slot(metric.empty)
            else:
                value = metric.empty if got.sample_size == 0 else got.value
                slot = _Slot(value, got.sample_size, got.evidence_count, None, got.waived)
            result = _result(std, metric, window, group, slot, running)
            gap = pushed.gaps.get((std.id, window.label))
            if gap is not None and (result.status != "fail" or result.reason is None):
                result = result.evolve(  # 0 rows of it: never a pass (as evaluate_standard)
                    status="fail" if result.status == "fail" else "no_data", reason=gap
                )
            results.append(result)
    return results


def evaluate(
    rulebook: Rulebook,
    data: Datasets | Mapping[str, pd.DataFrame],
    period: Period,
    as_of: pd.Timestamp | None = None,
    group_by: str | None = None,
    *,
    now: pd.Timestamp | None = None,
    strict: bool = False,
    keep_evidence: bool = True,
    waivers: Sequence[Waiver] = (),
) -> Scorecard:
    """Evaluate every standard of ``rulebook`` on ``data`` for ``period``: the whole card.

    ``data`` is what the reader returned (frames, warnings, inputs, skipped rows, header
    matches), or bare frames. ``now`` is the caller's clock (the core never reads one): a
    period that starts after it, or an as-of after it, is refused, and ``as_of`` defaults
    to ``min(end of period, now)``; without ``now``, to the end of the period. A period not
    over at as-of is marked ``partial``. ``group_by`` adds one result per value of that
    column beside the overall result; ``keep_evidence=False`` skips copying the rows behind
    each result (their count is always kept); ``strict`` makes a required standard with no
    result a failure. Rows dated after ``now`` (when known) are warned about: they count
    in no window.
    """
    if not isinstance(data, Datasets):
        data = Datasets(frames=dict(data))
    frames = data.frames
    if now is not None:
        as_of = check_not_future(period, as_of, now)
    if as_of is None:
        as_of = period.last_instant if now is None else min(period.last_instant, now)
    check_as_of(period, as_of)
    derived = derive_columns(rulebook, frames)
    frames = derived.frames
    # rows dated after now: counted nowhere, and said so
    placed = future_rows(rulebook, frames, data.matches, now) if now is not None else []
    group_field = resolve_group_field(rulebook, group_by) if group_by else None
    merged: list[Problem] = []
    if group_field:  # Ａ组 and A组 are one team (NFKC, as text is compared)
        spelt = data.pushed.spellings if data.pushed is not None else None
        frames, merged = normalise_groups(frames, group_field, rulebook, spelt)
    groups = collect_groups(frames, group_field) if group_field else ()
    odd = odd_groups(frames, group_field, rulebook) if group_field else []  # a date as a team
    pushed = data.pushed
    if pushed is not None and group_field:
        groups = tuple(sorted(set(groups) | pushed.groups, key=natural_key))
    codes = {  # the group column factorized once per dataset
        name: factorize_groups(frame[group_field], groups)
        for name, frame in frames.items()
        if group_field is not None and group_field in frame.columns
    }
    results: list[Result] = []
    unplaced: list[Problem] = []
    for std in rulebook.standards:
        if pushed is not None and std.id in pushed.standards:
            results += pushed_results(std, period, as_of, groups, pushed)
            continue
        frame = frames.get(std.dataset)
        spec = rulebook.datasets[std.dataset]
        blanks: list[np.ndarray] = []
        results += evaluate_standard(
            std,
            frame,
            period,
            as_of,
            group_field,
            groups,
            keep_evidence,
            waived_rows(frame, spec.id_column, std.id, waivers),
            Problem(
                "reason.dataset_absent",
                {"dataset": spec.named, "names": " / ".join(spec.sheets)},
            )
            if frame is None
            else None,
            guessed_rows(derived.guessed.get(std.dataset, {}), std),
            codes.get(std.dataset),
            spec,
            blanks,
        )
        if blanks and frame is not None:
            unplaced.append(undated_warning(std, spec, frame, np.logical_or.reduce(blanks)))
    return Scorecard(
        rulebook_id=rulebook.id,
        rulebook_name_zh=rulebook.name.zh,
        rulebook_name_en=rulebook.name.en,
        period=period.label,
        as_of=as_of,
        group_by=group_field,
        groups=groups,
        results=tuple(results),
        warnings=(
            *data.warnings,
            *placed,
            *derived.warnings,
            *merged,
            *odd,
            *unplaced,
            *out_of_period_warnings(results, data.matches),
            *unknown_waivers(rulebook, frames, waivers, pushed.found_ids if pushed else ()),
            *waived_warnings(results, waivers),
        ),
        inputs=tuple((f.path, f.sha256) for f in data.files),
        notes=tuple(data.notes),
        standards=tuple(describe_standard(rulebook, std) for std in rulebook.standards),
        breakdowns=category_breakdowns(
            rulebook, frames, period, as_of, pushed.breakdowns if pushed else {}
        ),
        skipped=tuple(data.skipped.items()),
        dataset_names=tuple((d, spec.named) for d, spec in rulebook.datasets.items()),
        appraisal=appraise(results, groups, rulebook.appraisal, required_weights(rulebook)),
        waivers=tuple(waivers),
        columns=tuple(data.matches),
        partial=as_of < period.last_instant,
        strict=strict,
        doubts=tuple(skipped_doubts(rulebook, frames, data.skipped)),
    )
