"""Turning results into a score a manager can defend: weights, partial credit, grade bands.

Pure: results in, one :class:`GroupScore` per group out. The rule, in words a manager can
repeat: each required standard is worth its weight; met earns all of it, a warning earns
``warn_credit`` of it, a failure nothing; a standard with no data (or too few answers) is
left out of the total and named. A standard evaluated over several windows (a quarter run)
earns the average over its windows. Excellent-level standards are not scored: when every
required standard passes and every excellent-level standard is met, the grade is lifted to
the top band (优秀), whatever the score.

A score says what it covers: how many of the rulebook's required standards it rests on, and
their share of the required weight. Below ``min_coverage`` of the weight there is a score but
no grade (不评级): an agent judged on 2 complaint standards out of 13 is not 优秀 for them.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import replace

from cskpi.evaluate.scorecard import GroupScore, Result
from cskpi.rulebook.compiled import Rulebook
from cskpi.rulebook.models import Appraisal, Grade

CREDIT = {"pass": 1.0, "fail": 0.0}
NOT_SCORED = ("no_data", "insufficient")


def grade_for(score: float, appraisal: Appraisal) -> Grade:
    bands = sorted(appraisal.grades, key=lambda g: g.min_score, reverse=True)
    for band in bands:
        if score >= band.min_score - 1e-9:
            return band
    return bands[-1]


def score_group(
    results: Sequence[Result],
    group: str | None,
    appraisal: Appraisal,
    required: Mapping[str, float] | None = None,
) -> GroupScore:
    """The score of one group. ``required``: every required standard of the rulebook and its
    weight, which coverage is measured against (default: those among ``results``)."""
    mine = [r for r in results if r.group == group]
    earned: dict[str, list[float]] = {}
    weights: dict[str, float] = {}
    left_out: list[str] = []
    for r in mine:
        if r.level != "required":
            continue
        weights[r.standard] = r.weight
        if r.status in NOT_SCORED:
            earned.setdefault(r.standard, [])
            continue
        credit = appraisal.warn_credit if r.status == "warn" else CREDIT[r.status]
        earned.setdefault(r.standard, []).append(credit)
    total = got = 0.0
    for standard, credits in earned.items():
        if not credits:
            left_out.append(standard)
            continue
        total += weights[standard]
        got += weights[standard] * sum(credits) / len(credits)
    score = None if total <= 0 else round(100 * got / total, 1)
    scored = [s for s, credits in earned.items() if credits]
    everything = dict(weights if required is None else required)
    base = GroupScore(
        group, None, None, None, None, tuple(left_out),
        covered=len(scored), of=len(everything), coverage=_coverage(scored, everything),
    )  # fmt: skip
    # lifted only when every required result is known and met: no data is not a pass
    required_ok = all(r.status in ("pass", "warn") for r in mine if r.level == "required")
    excellent = [r for r in mine if r.level == "excellent"]
    lifted = (
        bool(excellent) and required_ok and all(r.status in ("pass", "warn") for r in excellent)
    )
    if score is None and not lifted:
        return base
    if base.coverage < appraisal.min_coverage - 1e-9:  # too little to grade: the score stays
        return replace(base, score=score, needed=float(appraisal.min_coverage))
    top = max(appraisal.grades, key=lambda g: g.min_score)
    band = grade_for(score if score is not None else math.inf, appraisal)
    if lifted and band is not top:
        band = top
    else:
        lifted = False
    return replace(
        base,
        score=score,
        grade=band.id,
        grade_zh=band.name.zh,
        grade_en=band.name.en,
        lifted=lifted,
    )


def _coverage(scored: Sequence[str], required: Mapping[str, float]) -> float:
    """The scored standards' share of the required weight (by count when no weight is set)."""
    if not required:
        return 0.0
    total = sum(required.values())
    if total <= 0:
        return sum(1 for s in scored if s in required) / len(required)
    return sum(required.get(s, 0.0) for s in scored) / total


def required_weights(rulebook: Rulebook) -> dict[str, float]:
    """Every required standard of the rulebook and its weight: what coverage is measured by."""
    return {s.id: s.weight for s in rulebook.standards if s.level == "required"}


def appraise(
    results: Sequence[Result],
    groups: Sequence[str],
    appraisal: Appraisal,
    required: Mapping[str, float] | None = None,
) -> tuple[GroupScore, ...]:
    """The overall appraisal, then one per group (results split by group once, not per group)."""
    by_group: dict[str | None, list[Result]] = {}
    for result in results:
        by_group.setdefault(result.group, []).append(result)
    return tuple(score_group(by_group.get(g, []), g, appraisal, required) for g in (None, *groups))
