"""The pure core: (datasets, rulebook, period, as-of, grouping) -> Scorecard.

Knows nothing of files or terminals, so every number it produces can be tested on a few
hand-made rows.
"""

from __future__ import annotations

import difflib
import math
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from cskpi.errors import Problem, UsageError
from cskpi.evaluate.appraisal import appraise
from cskpi.evaluate.datasets import Datasets, Waiver
from cskpi.evaluate.interpreter import evaluate as evaluate_expression
from cskpi.evaluate.metrics import Condition, MetricInput, MetricValue, compute_metric, wilson
from cskpi.evaluate.periods import Period, check_not_future, period_of, windows_for
from cskpi.evaluate.scorecard import Result, Scorecard, StandardInfo, Status
from cskpi.evaluate.workdays import derive_columns
from cskpi.language.syntax import normalize_name
from cskpi.rulebook.compiled import Rulebook, Standard

_COMPARE: dict[str, Callable[[float, float], bool]] = {
    "<=": lambda a, b: a <= b,
    "<": lambda a, b: a < b,
    ">=": lambda a, b: a >= b,
    ">": lambda a, b: a > b,
    "==": lambda a, b: math.isclose(a, b),
}


def judge(
    actual: float | None, comparison: str, target: float, warn_target: float | None = None
) -> Status:
    """pass / warn / fail / no_data for one value.

    ``warn`` means the target is met but the stricter ``warn_target`` is not.
    """
    if actual is None:
        return "no_data"
    value = round(actual, 9)  # 19/20 must equal 0.95, not 0.9499999
    if not _COMPARE[comparison](value, target):
        return "fail"
    if warn_target is not None and not _COMPARE[comparison](value, warn_target):
        return "warn"
    return "pass"


def resolve_group_field(rulebook: Rulebook, name: str) -> str:
    """Map ``--by team`` / ``--by 团队`` to a field id known to some dataset."""
    wanted = normalize_name(name)
    known: set[str] = set()
    for spec in rulebook.datasets.values():
        lookup = spec.lookup
        if wanted in lookup:
            return lookup[wanted]
        known |= set(spec.columns)
    near = difflib.get_close_matches(wanted, sorted(known), n=1)
    hint = Problem("expr.did_you_mean", {"near": near[0]}) if near else ""
    raise UsageError("usage.unknown_group", value=name, hint=hint, known=", ".join(sorted(known)))


def latest_period(
    rulebook: Rulebook, frames: Mapping[str, pd.DataFrame], now: pd.Timestamp | None = None
) -> Period | None:
    """The latest month with data in any dataset's own date column (None: no dated rows).

    Rows dated after ``now`` (a typo such as 2099) cannot choose a period that has not begun.
    """
    latest: pd.Timestamp | None = None
    for dataset_id, frame in frames.items():
        column = rulebook.datasets[dataset_id].date_column
        if not column or column not in frame.columns:
            continue
        dates = frame[column] if now is None else frame[column][frame[column] <= now]
        if dates.notna().any():
            top = dates.max()
            latest = top if latest is None or top > latest else latest
    return None if latest is None else period_of(latest, "month")


_CN_DIGITS = {ch: i for i, ch in enumerate("零一二三四五六七八九")}
_NUMBER_RUN = re.compile(r"\d+|[零一二三四五六七八九十]+")


def _cn_number(run: str) -> int:
    """一 -> 1, 十二 -> 12, 二十三 -> 23 (enough for team names)."""
    if "十" not in run:
        return int("".join(str(_CN_DIGITS[ch]) for ch in run))
    tens, _, ones = run.partition("十")
    return (_CN_DIGITS.get(tens, 1) if tens else 1) * 10 + (_CN_DIGITS.get(ones, 0) if ones else 0)


def natural_key(text: str) -> tuple[tuple[int, int | str], ...]:
    """Team 2 before Team 10, 二组 before 三组 before 十组."""
    key: list[tuple[int, int | str]] = []
    pos = 0
    for match in _NUMBER_RUN.finditer(text):
        if match.start() > pos:
            key.append((1, text[pos : match.start()]))
        run = match.group()
        key.append((0, int(run) if run.isdigit() else _cn_number(run)))
        pos = match.end()
    if pos < len(text):
        key.append((1, text[pos:]))
    return tuple(key)


def collect_groups(frames: Mapping[str, pd.DataFrame], group_field: str) -> tuple[str, ...]:
    """Every group value in every loaded dataset that has the field, in natural order
    (a team with no rows in one sheet still gets a result there)."""
    values: dict[str, None] = {}
    for frame in frames.values():
        if group_field in frame.columns:
            values |= dict.fromkeys(str(v) for v in frame[group_field].dropna().unique())
    return tuple(sorted(values, key=natural_key))


@dataclass(frozen=True)
class Budget:
    """How much of a count limit is used, and where the current pace leads."""

    projected: float
    days_left: float


def project(count: float, window: Period, as_of: pd.Timestamp) -> Budget | None:
    """Projection at the current pace: count x days in the window / days elapsed.

    Days elapsed are counted from the window's start to the as-of time, at least one day,
    so a run on the first morning does not multiply one complaint by thirty. None when the
    window is already complete.
    """
    if as_of >= window.last_instant:
        return None
    day = pd.Timedelta(days=1)
    elapsed = max((as_of - window.start) / day, 1.0)
    total = (window.end - window.start) / day
    return Budget(projected=count * total / elapsed, days_left=(window.end - as_of) / day)


def _result(
    std: Standard,
    window: Period,
    group: str | None,
    measured: MetricValue | None,
    frame: pd.DataFrame | None,
    as_of: pd.Timestamp,
    keep_evidence: bool,
    absent: Problem | None = None,
) -> Result:
    value = None if measured is None else measured.value
    evidence = None
    if measured is not None and frame is not None and keep_evidence:
        evidence = frame[measured.evidence]
    status = judge(value, std.comparison, std.target, std.warn_target)
    sample = 0 if measured is None else measured.sample_size
    interval = None
    if std.metric == "share" and value is not None and sample:
        interval = wilson(round(value * sample), sample)
        if std.min_answers is not None and sample < std.min_answers:
            status = "insufficient"
    budget = None
    if std.metric == "count" and std.comparison in ("<=", "<") and value is not None:
        budget = project(value, window, as_of)
        if (
            budget is not None
            and status == "pass"
            and judge(budget.projected, std.comparison, std.target) == "fail"
        ):
            status = "warn"  # within the limit so far, but the pace breaks it
    return Result(
        standard=std.id,
        name_zh=std.name.zh,
        name_en=std.name.en,
        group=group,
        period=window.label,
        status=status,
        actual=value,
        comparison=std.comparison,
        target=std.target,
        warn_target=std.warn_target,
        level=std.level,
        metric=std.metric,
        sample_size=0 if measured is None else measured.sample_size,
        evidence_count=0 if measured is None else int(measured.evidence.sum()),
        evidence=evidence,
        projected=None if budget is None else budget.projected,
        days_left=None if budget is None else budget.days_left,
        weight=std.weight,
        ci_low=None if interval is None else interval[0],
        ci_high=None if interval is None else interval[1],
        reason=absent if frame is None else None,
    )


def _bool(series: pd.Series) -> np.ndarray:
    out: np.ndarray = series.fillna(False).to_numpy(dtype=bool)
    return out


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
) -> list[Result]:
    """All results of one standard: each of its windows, overall and per group.

    Rows are selected with masks over the whole dataset; evidence rows are materialised
    only when an output will show them. A result is provisional when one of the rows placed
    in its window has a deadline computed across a year the calendar only guesses.
    """
    date_field = std.date_field
    windows = windows_for(period, std.period, as_of) if date_field else [period]
    group_masks: dict[str, np.ndarray] = {}
    if frame is not None and group_field is not None and group_field in frame.columns:
        codes, uniques = pd.factorize(frame[group_field])
        position = {str(u): i for i, u in enumerate(uniques)}
        empty = np.zeros(len(frame), dtype=bool)
        group_masks = {g: (codes == position[g]) if g in position else empty for g in groups}
    grouped = group_field is not None and (frame is None or group_field in frame.columns)
    results: list[Result] = []
    for window in windows:
        base = None if frame is None else _selection(std, frame, window, as_of)
        unsure = None
        if guessed is not None and frame is not None:
            unsure = guessed & _in_window(std, frame, window, as_of)
        waived_rows = None
        if base is not None and waived is not None:
            waived_rows = base.mask & waived  # selected, but excused by an approved waiver
            base = replace(base, mask=base.mask & ~waived)
        targets: list[tuple[str | None, np.ndarray | None]] = [
            (None, None if base is None else base.mask)
        ]
        if grouped:
            targets += [
                (group, None if base is None else base.mask & group_masks[group])
                for group in groups
            ]
        for group, rows in targets:
            measured = (
                None
                if base is None or rows is None
                else compute_metric(std.metric, replace(base, mask=rows))
            )
            result = _result(std, window, group, measured, frame, as_of, keep_evidence, absent)
            if waived_rows is not None:
                excused = waived_rows if group is None else waived_rows & group_masks[group]
                result = replace(result, waived=int(excused.sum()))
            if unsure is not None:
                rows_unsure = unsure if group is None else unsure & group_masks[group]
                result = replace(result, provisional=bool(rows_unsure.any()))
            results.append(result)
    return results


def _selection(
    std: Standard, frame: pd.DataFrame, window: Period, as_of: pd.Timestamp
) -> MetricInput:
    """The rows of one window that pass the filter, and the share condition on every row."""
    end = min(window.last_instant, as_of)
    context = {"as_of": as_of, "window_start": window.start, "window_end": end}
    mask = _in_window(std, frame, window, as_of)
    if std.filter is not None:
        mask = mask & _bool(evaluate_expression(std.filter, frame, context))
    condition = None
    if std.condition is not None:
        met = evaluate_expression(std.condition, frame, context)
        condition = Condition(met=_bool(met), known=met.notna().to_numpy(dtype=bool))
    return MetricInput(frame, mask, std.column_field, condition)


def _in_window(
    std: Standard, frame: pd.DataFrame, window: Period, as_of: pd.Timestamp
) -> np.ndarray:
    """Rows placed in ``window`` by the standard's date (every row for a snapshot)."""
    if not std.date_field:
        return np.ones(len(frame), dtype=bool)
    dates = frame[std.date_field]
    return _bool((dates >= window.start) & (dates <= min(window.last_instant, as_of)))


def _guessed(masks: Mapping[str, np.ndarray], std: Standard) -> np.ndarray | None:
    """Rows where a field the standard reads holds a deadline from a guessed year."""
    read = [mask for fid, mask in masks.items() if fid in std.fields]
    return np.logical_or.reduce(read) if read else None


def describe_standard(rulebook: Rulebook, std: Standard) -> StandardInfo:
    """The parts of a standard an export shows beside its results.

    When the standard is placed in time by a deadline and reads one other date (resolved,
    done), its evidence can say how many days late each row is.
    """
    spec = rulebook.datasets[std.dataset]
    date_field = std.date_field
    deadline = date_field if date_field and spec.columns[date_field].type == "deadline" else None
    others = sorted(f for f in std.fields if f != deadline and spec.columns[f].type == "date")
    return StandardInfo(
        id=std.id,
        description_zh=std.description.zh,
        description_en=std.description.en,
        dataset=std.dataset,
        columns=tuple((fid, col.header) for fid, col in spec.columns.items()),
        deadline_field=deadline,
        done_field=others[0] if deadline and len(others) == 1 else None,
    )


def category_breakdowns(
    rulebook: Rulebook, frames: Mapping[str, pd.DataFrame], period: Period, as_of: pd.Timestamp
) -> tuple[tuple[str, tuple[tuple[str, int], ...]], ...]:
    """Rows per category in the period (largest first), for datasets that declare one.

    The source asks the manager to sum up common product defects (归纳总结带有共性的产品缺陷).
    """
    out = []
    for dataset_id, spec in rulebook.datasets.items():
        frame = frames.get(dataset_id)
        column, date = spec.category_column, spec.date_column
        if frame is None or column is None or column not in frame.columns:
            continue
        rows = frame
        if date and date in frame.columns:
            end = min(period.last_instant, as_of)
            rows = frame[(frame[date] >= period.start) & (frame[date] <= end)]
        counts = rows[column].dropna().value_counts(sort=False)
        ordered = sorted(counts.items(), key=lambda kv: (-kv[1], str(kv[0])))
        if ordered:
            out.append((dataset_id, tuple((str(k), int(v)) for k, v in ordered)))
    return tuple(out)


def _waived(
    frame: pd.DataFrame | None, id_field: str | None, standard: str, waivers: Sequence[Waiver]
) -> np.ndarray | None:
    """Rows of ``frame`` that an approved waiver excuses from ``standard``."""
    ids = {w.record_id for w in waivers if w.covers(standard)}
    if frame is None or not ids or id_field is None or id_field not in frame.columns:
        return None
    out: np.ndarray = frame[id_field].isin(ids).fillna(False).to_numpy(dtype=bool)
    return out


def unknown_waivers(
    rulebook: Rulebook, frames: Mapping[str, pd.DataFrame], waivers: Sequence[Waiver]
) -> list[Problem]:
    """A warning for every waiver whose record id is in no dataset's id column."""
    wanted = {w.record_id for w in waivers}
    found: set[str] = set()
    for name, frame in frames.items() if wanted else ():
        column = rulebook.datasets[name].id_column
        if column and column in frame.columns:
            found |= set(frame[column][frame[column].isin(wanted).fillna(False)].astype(str))
    return [
        Problem("waivers.unknown_id", {"id": w.record_id, "standard": w.standard})
        for w in waivers
        if w.record_id not in found
    ]


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
    result a failure.
    """
    if not isinstance(data, Datasets):
        data = Datasets(frames=dict(data))
    frames = data.frames
    if now is not None:
        as_of = check_not_future(period, as_of, now)
    if as_of is None:
        as_of = period.last_instant if now is None else min(period.last_instant, now)
    if as_of < period.start:
        raise UsageError("usage.as_of_before_period", as_of=str(as_of), period=period.label)
    derived = derive_columns(rulebook, frames)
    frames = derived.frames
    group_field = resolve_group_field(rulebook, group_by) if group_by else None
    groups = collect_groups(frames, group_field) if group_field else ()
    results: list[Result] = []
    for std in rulebook.standards:
        frame = frames.get(std.dataset)
        spec = rulebook.datasets[std.dataset]
        results += evaluate_standard(
            std,
            frame,
            period,
            as_of,
            group_field,
            groups,
            keep_evidence,
            _waived(frame, spec.id_column, std.id, waivers),
            Problem("reason.dataset_absent", {"dataset": spec.id, "names": " / ".join(spec.sheets)})
            if frame is None
            else None,
            _guessed(derived.guessed.get(std.dataset, {}), std),
        )
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
            *derived.warnings,
            *unknown_waivers(rulebook, frames, waivers),
        ),
        inputs=tuple((f.path, f.sha256) for f in data.files),
        standards=tuple(describe_standard(rulebook, std) for std in rulebook.standards),
        breakdowns=category_breakdowns(rulebook, frames, period, as_of),
        skipped=tuple(data.skipped.items()),
        appraisal=appraise(results, groups, rulebook.appraisal),
        waivers=tuple(waivers),
        columns=tuple(data.matches),
        partial=as_of < period.last_instant,
        strict=strict,
    )
