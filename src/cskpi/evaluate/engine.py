"""The pure core: (datasets, rulebook, period, as-of, grouping) -> Scorecard.

Knows nothing of files or terminals, so every number it produces can be tested on a few
hand-made rows.
"""

from __future__ import annotations

import difflib
import math
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from cskpi.errors import Problem, UsageError
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
from cskpi.evaluate.interpreter import evaluate as evaluate_expression
from cskpi.evaluate.metrics import (
    Groups,
    Selection,
    bool_array,
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
from cskpi.evaluate.scorecard import EvidenceRows, Result, Scorecard, StandardInfo, Status
from cskpi.evaluate.workdays import derive_columns
from cskpi.language.syntax import normalize_name
from cskpi.rulebook.compiled import Dataset, Rulebook, Standard
from cskpi.rulebook.metrics import METRICS, Metric

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
    known: dict[str, str] = {}  # field id -> its canonical header, in the rulebook's order
    for spec in rulebook.datasets.values():
        lookup = spec.lookup
        if wanted in lookup:
            return lookup[wanted]
        for field_id, column in spec.columns.items():
            known.setdefault(field_id, column.header)
    near = difflib.get_close_matches(wanted, [*known.values(), *known], n=1)
    hint = Problem("expr.did_you_mean", {"near": near[0]}) if near else ""
    # both spellings --by accepts: the sheet's header (团队) and the field id (team)
    shown = [f"{header} ({fid})" if header != fid else fid for fid, header in known.items()]
    raise UsageError("usage.unknown_group", value=name, hint=hint, known=", ".join(shown))


_CN_DIGITS = {ch: i for i, ch in enumerate("零一二三四五六七八九")}
_NUMBER_RUN = re.compile(r"\d+|[零一二三四五六七八九十]+")


def _cn_number(run: str) -> str:
    """一 -> '1', 十二 -> '12', 二十三 -> '23' (enough for team names), as digits."""
    if "十" not in run:
        return "".join(str(_CN_DIGITS[ch]) for ch in run)
    tens, _, ones = run.partition("十")
    value = (_CN_DIGITS.get(tens, 1) if tens else 1) * 10 + (_CN_DIGITS.get(ones, 0) if ones else 0)
    return str(value)


def _number_key(digits: str) -> tuple[int, int, str]:
    """A digit string compared as a number without int(): by length, then digit by digit.

    int() refuses more than 4,300 digits (and is quadratic below that); a group name is data.
    """
    digits = digits.lstrip("0") or "0"
    return (0, len(digits), digits)


def natural_key(text: str) -> tuple[tuple[int, int, str] | tuple[int, str], ...]:
    """Team 2 before Team 10, 二组 before 三组 before 十组; any length of digits."""
    key: list[tuple[int, int, str] | tuple[int, str]] = []
    pos = 0
    for match in _NUMBER_RUN.finditer(text):
        if match.start() > pos:
            key.append((1, text[pos : match.start()]))
        run = match.group()
        if run.isdigit():  # any script's digits: '５' and '٥' are 5
            run = "".join(str(unicodedata.digit(ch)) for ch in run)
        else:
            run = _cn_number(run)
        key.append(_number_key(run))
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


@dataclass(frozen=True)
class Pace:
    """A window still running at as-of: its length, the days elapsed and the days left."""

    total: float
    elapsed: float
    days_left: float

    def budget(self, count: float) -> Budget:
        return Budget(projected=count * self.total / self.elapsed, days_left=self.days_left)


def pace(window: Period, as_of: pd.Timestamp) -> Pace | None:
    """Days elapsed count from the window's start to the as-of time, at least one day, so a
    run on the first morning does not multiply one complaint by thirty. None when the
    window is already complete."""
    if as_of >= window.last_instant:
        return None
    day = pd.Timedelta(days=1)
    end = window.end
    return Pace(
        total=(end - window.start) / day,
        elapsed=max((as_of - window.start) / day, 1.0),
        days_left=(end - as_of) / day,
    )


def project(count: float, window: Period, as_of: pd.Timestamp) -> Budget | None:
    """Projection at the current pace: count x days in the window / days elapsed."""
    running = pace(window, as_of)
    return None if running is None else running.budget(count)


def undecided(metric: Metric, std: Standard, value: float | None, missing: int) -> bool:
    """Whether ``missing`` rows placed in no window (their date is blank) could turn a count
    limit's pass into a failure: then the pass is not known."""
    if not missing or value is None or metric.unit != "rows" or std.comparison not in ("<=", "<"):
        return False
    return judge(value + missing, std.comparison, std.target) == "fail"


@dataclass(frozen=True)
class _Slot:
    """What was measured for one result (overall or one group) in one window."""

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
        in_window = _in_window(std, frame, window, as_of)
        unsure = None if guessed is None else guessed & in_window
        selection, could = _selection(std, frame, window, as_of, in_window, waived)
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
            results.append(_result(std, metric, window, group, slot, running))
    return results


def _selection(
    std: Standard,
    frame: pd.DataFrame,
    window: Period,
    as_of: pd.Timestamp,
    in_window: np.ndarray,
    waived: np.ndarray | None = None,
) -> tuple[Selection, np.ndarray]:
    """The rows of one window that pass the filter, and the share condition on every row;
    beside it, every row the filter counts or cannot decide (a blank it compares)."""
    end = min(window.last_instant, as_of)
    context = {"as_of": as_of, "window_start": window.start, "window_end": end}
    mask = in_window
    could = np.ones(len(frame), dtype=bool)
    if std.filter is not None:
        passes = evaluate_expression(std.filter, frame, context)
        mask = mask & bool_array(passes)
        could = passes.fillna(True).to_numpy(dtype=bool)
    met = known = None
    if std.condition is not None:
        condition = evaluate_expression(std.condition, frame, context)
        met, known = bool_array(condition), condition.notna().to_numpy(dtype=bool)
    if waived is None:
        return Selection(mask, met, known), could
    return Selection(mask & ~waived, met, known, mask & waived), could


def _in_window(
    std: Standard, frame: pd.DataFrame, window: Period, as_of: pd.Timestamp
) -> np.ndarray:
    """Rows placed in ``window`` by the standard's date (every row for a snapshot)."""
    if not std.date_field:
        return np.ones(len(frame), dtype=bool)
    dates = frame[std.date_field]
    return bool_array((dates >= window.start) & (dates <= min(window.last_instant, as_of)))


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
        fields=tuple(sorted(std.fields)),
        id_field=spec.id_column,
    )


def category_breakdowns(
    rulebook: Rulebook,
    frames: Mapping[str, pd.DataFrame],
    period: Period,
    as_of: pd.Timestamp,
    counted: Mapping[str, Mapping[str, int]] | None = None,
) -> tuple[tuple[str, tuple[tuple[str, int], ...]], ...]:
    """Rows per category in the period (largest first), for datasets that declare one
    (``counted``: datasets a database counted itself).

    The source asks the manager to sum up common product defects (归纳总结带有共性的产品缺陷).
    """
    out = []
    for dataset_id, spec in rulebook.datasets.items():
        frame = frames.get(dataset_id)
        column, date = spec.category_column, spec.date_column
        if counted and dataset_id in counted:
            counts = pd.Series(counted[dataset_id], dtype="int64")
        elif frame is None or column is None or column not in frame.columns:
            continue
        else:
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
    rulebook: Rulebook,
    frames: Mapping[str, pd.DataFrame],
    waivers: Sequence[Waiver],
    elsewhere: Iterable[str] = (),
) -> list[Problem]:
    """A warning for every waiver whose record id is in no dataset's id column
    (``elsewhere``: ids a database found)."""
    wanted = {w.record_id for w in waivers}
    found: set[str] = set(elsewhere)
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
            _waived(frame, spec.id_column, std.id, waivers),
            Problem("reason.dataset_absent", {"dataset": spec.id, "names": " / ".join(spec.sheets)})
            if frame is None
            else None,
            _guessed(derived.guessed.get(std.dataset, {}), std),
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
        appraisal=appraise(results, groups, rulebook.appraisal, required_weights(rulebook)),
        waivers=tuple(waivers),
        columns=tuple(data.matches),
        partial=as_of < period.last_instant,
        strict=strict,
        doubts=tuple(skipped_doubts(rulebook, frames, data.skipped)),
    )
