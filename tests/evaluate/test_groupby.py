"""The one-pass group-by engine agrees with the per-group evaluation it replaced.

The oracle below is the old algorithm, kept here on purpose: a boolean mask per group and a
plain pandas reduction of each metric on the masked rows. Every metric, filters with blanks
(three-valued logic), waivers, a quarter run (three monthly windows and one quarterly),
``min_answers``, a mid-quarter as-of (early warnings), rows with a blank date that could
break a count limit and data none of which is in the period are compared on generated data,
and the bundled sample by team and by agent.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cskpi.evaluate.datasets import ROW, SOURCE, Waiver
from cskpi.evaluate.engine import evaluate
from cskpi.evaluate.interpreter import evaluate as evaluate_expression
from cskpi.evaluate.periods import parse_period, windows_for
from cskpi.evaluate.status import judge, project
from cskpi.read.inputs import read_workbook
from cskpi.rulebook.load import load_rulebook
from tests.conftest import SAMPLE

RULEBOOK = """\
rulebook: {id: diff, name: {zh: 差分, en: diff}}
datasets:
  d:
    names: {zh: 数据, en: data}
    sheets: [数据]
    date_column: at
    id_column: id
    columns:
      id: {header: 编号, type: text}
      at: {header: 日期, type: date}
      team: {header: 团队, type: text}
      n: {header: 数值, type: number}
      ok: {header: 满意, type: rating}
      cat: {header: 类别, type: text}
standards:
"""
STANDARDS = [
    # (id, metric, extra keys)
    ("c_count", "count", "filter: n > 0\ncomparison: '<='\ntarget: 2"),
    ("c_share", "share", "condition: ok\ncomparison: '>='\ntarget: 0.5\nmin_answers: 2"),
    (
        "c_share_f",
        "share",
        "condition: n >= 1 or ok\nfilter: cat != 'x'\ncomparison: '>='\ntarget: 0.9",
    ),
    ("c_mean", "mean", "column: n\nfilter: cat in ('a', 'b')\ncomparison: '>='\ntarget: 0.5"),
    ("c_median", "median", "column: n\ncomparison: '<='\ntarget: 1"),
    ("c_min", "min", "column: n\nfilter: not (ok)\ncomparison: '>='\ntarget: -1"),
    ("c_max", "max", "column: n\ncomparison: '<'\ntarget: 3"),
    ("c_sum", "sum", "column: n\nfilter: cat is not blank\ncomparison: '<='\ntarget: 4"),
    ("c_distinct", "count_distinct", "column: cat\ncomparison: '>='\ntarget: 2"),
    ("q_count", "count", "period: quarter\ncomparison: '<'\ntarget: 5"),
    ("snap_count", "count", "snapshot: true\ncomparison: '<='\ntarget: 3"),
]


def rulebook_text() -> str:
    out = RULEBOOK
    for sid, metric, extra in STANDARDS:
        lines = [f"id: {sid}", f"name: {{zh: {sid}, en: {sid}}}", "description: {zh: x, en: x}"]
        lines += ["dataset: d", f"metric: {metric}"]
        keys = extra.splitlines()
        if "snapshot: true" not in keys:
            lines.append("date_column: at")
        lines += [k for k in keys if k != "snapshot: true"]
        out += "  - " + "\n    ".join(lines) + "\n"
    return out


def load(tmp_path):
    path = tmp_path / "diff.yaml"
    path.write_text(rulebook_text(), encoding="utf-8")
    return load_rulebook(path)


# --- the oracle: the old per-group algorithm -----------------------------------------------


def _bool(series: pd.Series) -> np.ndarray:
    return series.fillna(False).to_numpy(dtype=bool)


def old_metric(std, frame: pd.DataFrame, rows: np.ndarray, met, known):
    """(value, sample size, evidence mask) of one group, as the per-group engine computed it."""
    if std.metric == "count":
        return float(rows.sum()), int(rows.sum()), rows
    if std.metric == "share":
        answered = rows & known
        denominator = int(answered.sum())
        numerator = int((answered & met).sum())
        value = numerator / denominator if denominator else None
        return value, denominator, answered & ~met
    series = frame[std.column_field]
    present = rows & series.notna().to_numpy(dtype=bool)
    values = series[present]
    if values.empty:  # nothing to count is 0, like count; a mean of nothing is no value
        return (0.0 if std.metric == "count_distinct" else None), 0, present
    if std.metric == "count_distinct":
        return float(values.nunique()), int(present.sum()), present
    return float(getattr(values.astype(float), std.metric)()), int(present.sum()), present


def oracle(rulebook, frames, period, as_of, group_field, waivers=()):
    """{(standard, window, group): (actual, sample, evidence rows, waived, status, projected)}."""
    out = {}
    for std in rulebook.standards:
        frame = frames[std.dataset]
        groups = []
        if group_field and group_field in frame.columns:  # every group of the run
            groups = sorted(
                {
                    str(v)
                    for f in frames.values()
                    if group_field in f
                    for v in f[group_field].dropna()
                }
            )
        ids = {w.record_id for w in waivers if w.covers(std.id)}
        id_field = rulebook.datasets[std.dataset].id_column
        waived = np.zeros(len(frame), bool)
        if ids and id_field in frame.columns:
            waived = _bool(frame[id_field].isin(ids))
        windows = windows_for(period, std.period, as_of) if std.date_field else [period]
        for window in windows:
            end = min(window.last_instant, as_of)
            context = {"as_of": as_of, "window_start": window.start, "window_end": end}
            base = np.ones(len(frame), dtype=bool)
            blank = np.zeros(len(frame), dtype=bool)  # rows whose date ('at', owed) is blank
            empty = False  # dated rows, none in the window or the period: no result
            if std.date_field:
                dates = frame[std.date_field]
                base &= _bool((dates >= window.start) & (dates <= end))
                blank = dates.isna().to_numpy(dtype=bool).copy()
                start = min(window.start, period.start)
                last = min(max(window.last_instant, period.last_instant), as_of)
                empty = dates.notna().any() and not ((dates >= start) & (dates <= last)).any()
            if std.filter is not None:
                passes = evaluate_expression(std.filter, frame, context)
                base &= _bool(passes)
                blank &= passes.fillna(True).to_numpy(dtype=bool)
            met = known = None
            if std.condition is not None:
                cond = evaluate_expression(std.condition, frame, context)
                met, known = _bool(cond), cond.notna().to_numpy(dtype=bool)
            excused = base & waived
            base = base & ~waived
            for group in (None, *groups):
                in_group = (
                    np.ones(len(frame), bool)
                    if group is None
                    else _bool(frame[group_field].astype("string") == group)
                )
                rows = base & in_group
                value, sample, evidence = old_metric(std, frame, rows, met, known)
                status = judge(value, std.comparison, std.target, std.warn_target)
                missing = int((blank & in_group).sum())
                if (
                    status in ("pass", "warn")
                    and std.metric == "count"
                    and std.comparison in ("<=", "<")
                    and missing
                    and judge(value + missing, std.comparison, std.target) == "fail"
                ):
                    status = "no_data"  # the blank dates could break the limit
                if status == "fail" and std.level == "excellent":
                    status = "unmet"  # an excellent level missed is not achieved, not failed
                few = std.min_answers is not None and sample < std.min_answers
                if std.metric == "share" and value is not None and sample and few:
                    status = "insufficient"
                projected = None
                if std.metric == "count" and std.comparison in ("<=", "<"):
                    budget = project(value, window, as_of)
                    if budget is not None:
                        projected = budget.projected
                        if status == "pass" and judge(projected, std.comparison, std.target) == (
                            "fail"
                        ):
                            status = "warn"
                if empty and status != "fail":
                    status = "no_data"
                out[(std.id, window.label, group)] = (
                    value,
                    sample,
                    tuple(frame.loc[evidence, ROW]),
                    int((excused & in_group).sum()),
                    status,
                    projected,
                )
    return out


def new(card):
    return {
        (r.standard, r.period, r.group): (
            r.actual,
            r.sample_size,
            tuple(r.evidence[ROW]) if r.evidence is not None else (),
            r.waived,
            r.status,
            r.projected,
        )
        for r in card.results
    }


def assert_same(got: dict, want: dict) -> None:
    assert got.keys() == want.keys()
    for key, expected in want.items():
        actual = got[key]
        assert actual[1:] == expected[1:], key
        if expected[0] is None or actual[0] is None:
            assert actual[0] == expected[0], key
        else:  # pandas sums pairwise, bincount in order: equal up to rounding
            assert math.isclose(actual[0], expected[0], rel_tol=1e-12, abs_tol=1e-12), key


# --- generated data ------------------------------------------------------------------------

TEAMS = ["一组", "二组", "十组", "Team 2"]
row_strategy = st.tuples(
    st.one_of(st.none(), st.integers(0, 120)),  # day in 2026Q3 (+ a few past its end)
    st.one_of(st.none(), st.sampled_from(TEAMS)),
    st.one_of(st.none(), st.sampled_from([-2.0, 0.0, 0.5, 1.0, 2.0, 3.0, 1e-3, 7.25])),
    st.one_of(st.none(), st.booleans()),
    st.one_of(st.none(), st.sampled_from(["a", "b", "x"])),
)


def frame_of(data) -> pd.DataFrame:
    start = pd.Timestamp("2026-07-01 09:00")
    return pd.DataFrame(
        {
            "id": pd.array([f"R{i}" for i in range(len(data))], dtype="string"),
            "at": pd.Series(
                [None if r[0] is None else start + pd.Timedelta(days=r[0]) for r in data],
                dtype="datetime64[us]",
            ),
            "team": pd.array([r[1] for r in data], dtype="string"),
            "n": pd.array([r[2] for r in data], dtype="Float64"),
            "ok": pd.array([r[3] for r in data], dtype="boolean"),
            "cat": pd.array([r[4] for r in data], dtype="string"),
            ROW: np.arange(2, len(data) + 2, dtype="int64"),
            SOURCE: "gen.xlsx",
        }
    )


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    data=st.lists(row_strategy, max_size=40),
    as_of_day=st.integers(0, 95),
    waived=st.lists(st.tuples(st.integers(0, 39), st.sampled_from(["all", "c_count", "c_share"]))),
    period=st.sampled_from(["2026Q3", "2026-08"]),
)
def test_every_metric_agrees_with_the_per_group_oracle(tmp_path, data, as_of_day, waived, period):
    rulebook = load(tmp_path)
    frames = {"d": frame_of(data)}
    evaluated = parse_period(period)
    as_of = min(
        evaluated.last_instant, pd.Timestamp("2026-07-01 12:00") + pd.Timedelta(days=as_of_day)
    )
    as_of = max(as_of, evaluated.start + pd.Timedelta(hours=1))  # at the start is refused
    waivers = [Waiver(f"R{i}", sid, "r", "a", "2026-10-01") for i, sid in waived]
    for by in (None, "team"):
        card = evaluate(rulebook, frames, evaluated, as_of, by, waivers=waivers)
        assert_same(new(card), oracle(rulebook, frames, evaluated, as_of, by and "team", waivers))


def test_the_generated_rulebook_covers_every_registered_metric(tmp_path):
    from cskpi.rulebook.metrics import METRICS

    assert {s.metric for s in load(tmp_path).standards} == set(METRICS)


def test_groups_with_no_rows_and_rows_with_no_group(tmp_path):
    """A blank team counts overall only; a team with no rows in a window gets its empty value."""
    rulebook = load(tmp_path)
    data = [(1, None, 1.0, True, "a"), (2, "一组", 2.0, False, "b"), (40, "二组", 0.5, True, "a")]
    frames = {"d": frame_of(data)}
    card = evaluate(rulebook, frames, parse_period("2026-07"), None, "team")
    got = new(card)
    assert got[("c_count", "2026-07", None)][:2] == (2.0, 2)  # n > 0, both July rows
    assert got[("c_count", "2026-07", "一组")][:2] == (1.0, 1)
    assert got[("c_count", "2026-07", "二组")][:2] == (0.0, 0)  # its row is in August
    assert got[("c_mean", "2026-07", "二组")][0] is None
    assert got[("c_share", "2026-07", None)][:2] == (0.5, 2)
    assert_same(got, oracle(rulebook, frames, parse_period("2026-07"), card.as_of, "team"))


# --- the bundled sample, through the real reader -------------------------------------------


def test_the_sample_agrees_with_the_oracle_by_team_and_by_agent():
    rulebook = load_rulebook()
    data = read_workbook(SAMPLE, rulebook, group_fields=["team", "agent"])
    frames = data.frames
    for period, as_of in (("2026-10", None), ("2026Q4", pd.Timestamp("2026-10-20 12:00"))):
        evaluated = parse_period(period)
        at = evaluated.last_instant if as_of is None else as_of
        waivers = [Waiver("C202610-003", "all", "r", "a", "2026-10-01")]
        for by, field in (("team", "team"), ("agent", "agent"), (None, None)):
            card = evaluate(rulebook, frames, evaluated, as_of, by, waivers=waivers)
            assert_same(new(card), oracle(rulebook, frames, evaluated, at, field, waivers))
