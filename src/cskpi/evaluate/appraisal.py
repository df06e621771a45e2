"""Turning results into a score a manager can defend: weights, partial credit, grade bands.

Pure: results in, one :class:`GroupScore` per group out. The rule, in words a manager can
repeat: each required standard is worth its weight; met earns all of it, a warning earns
``warn_credit`` of it, a failure nothing; a standard with no data (or too few answers) is
left out of the total and named. A standard evaluated over several windows (a quarter run)
earns the average over its windows. Excellent-level standards are not scored: when every
required standard passes and every excellent-level standard is met, the grade is lifted to
the top band (优秀), whatever the score.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from cskpi.evaluate.scorecard import GroupScore, Result
from cskpi.rulebook.models import Appraisal, Grade

CREDIT = {"pass": 1.0, "fail": 0.0}
NOT_SCORED = ("no_data", "insufficient")


def grade_for(score: float, appraisal: Appraisal) -> Grade:
    bands = sorted(appraisal.grades, key=lambda g: g.min_score, reverse=True)
    for band in bands:
        if score >= band.min_score - 1e-9:
            return band
    return bands[-1]


def score_group(results: Sequence[Result], group: str | None, appraisal: Appraisal) -> GroupScore:
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
    # lifted only when every required result is known and met: no data is not a pass
    required_ok = all(r.status in ("pass", "warn") for r in mine if r.level == "required")
    excellent = [r for r in mine if r.level == "excellent"]
    lifted = (
        bool(excellent) and required_ok and all(r.status in ("pass", "warn") for r in excellent)
    )
    if score is None and not lifted:
        return GroupScore(group, None, None, None, None, tuple(left_out))
    top = max(appraisal.grades, key=lambda g: g.min_score)
    band = grade_for(score if score is not None else math.inf, appraisal)
    if lifted and band is not top:
        band = top
    else:
        lifted = False
    return GroupScore(group, score, band.id, band.name.zh, band.name.en, tuple(left_out), lifted)


def appraise(
    results: Sequence[Result], groups: Sequence[str], appraisal: Appraisal
) -> tuple[GroupScore, ...]:
    """The overall appraisal, then one per group (results split by group once, not per group)."""
    by_group: dict[str | None, list[Result]] = {}
    for result in results:
        by_group.setdefault(result.group, []).append(result)
    return tuple(score_group(by_group.get(g, []), g, appraisal) for g in (None, *groups))
