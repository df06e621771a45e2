"""Plain-text formatting of values and the summary, shared by the terminal and the exports."""

from __future__ import annotations

from collections import Counter
from pathlib import PurePath

from cskpi.evaluate.scorecard import GroupScore, Result, Scorecard
from cskpi.evaluate.status import judge
from cskpi.i18n import Lang, label, message
from cskpi.present.words import SYMBOL

# the status beside its colour, so it reads in black and white and for the colour-blind
MARK = {"pass": "✓", "warn": "!", "fail": "✗", "unmet": "◦", "no_data": "–", "insufficient": "?"}


def format_value(value: float | None, *, share: bool) -> str:
    """96.5% for shares, 3 for whole numbers, 2.75 otherwise; '–' for no value."""
    if value is None:
        return "–"
    if share:
        return f"{value * 100:.1f}%"
    if float(value).is_integer():
        return str(int(value))
    return f"{value:.2f}"


def short_sources(card: Scorecard) -> dict[str, str]:
    """Each input's name without its folder, for the evidence rows of a run over several
    inputs (empty for one: the row number is enough); a name two inputs share stays whole."""
    paths = [path for path, _digest in card.inputs]
    if len(paths) < 2:
        return {}
    names = {path: PurePath(path).name or path for path in paths}
    shared = Counter(names.values())
    return {path: name if shared[name] == 1 else path for path, name in names.items()}


def result_name(result: Result, lang: Lang) -> str:
    """A standard's name as every output shows it, marked when it is excellent-level."""
    name = result.name(lang)
    if result.level == "excellent":
        name += f" ({label('level.excellent', lang)})"
    return name


def with_said(reading: str, said: object) -> str:
    """A rating or yes/no cell as read, after what it said when that differs: '2 → 否'."""
    if not isinstance(said, str) or not said or said == reading:
        return reading
    return f"{said} → {reading}"


def format_actual(result: Result) -> str:
    """The value; a share with its 95% interval ('92.5% (80-97)'); a running count limit
    with where the pace leads ('2 → 6.2')."""
    text = format_value(result.actual, share=result.is_share)
    if result.ci_low is not None and result.ci_high is not None:
        text += f" ({result.ci_low * 100:.0f}–{result.ci_high * 100:.0f})"
    if result.projected is not None:
        text += f" → {projection_text(result)}"
    return text


BROKEN = {"<=": ">", "<": "≥"}  # how a projection past a count limit reads when digits cannot


def projection_text(result: Result) -> str:
    """Where the pace leads, with the digits it takes for a projection that breaks the limit
    to read as breaking it: 1.03 against ≤ 1 (1.0 would not); past 3 decimals, '> 1'."""
    projected = result.projected
    assert projected is not None
    comparison, target = result.comparison, result.target
    breaks = judge(projected, comparison, target) == "fail"
    for digits in (1, 2, 3):
        text = f"{projected:.{digits}f}"
        if not breaks or judge(float(text), comparison, target) == "fail":
            return text
    return f"{BROKEN.get(comparison, SYMBOL[comparison])} {format_value(target, share=False)}"


def _budget_words(result: Result, key: str) -> tuple[str, dict[str, str]]:
    """The budget's words: '3 of 5 used', or once past the limit '7 used (limit 5, 2 over)'."""
    actual, target = result.actual, result.target
    numbers = {
        "used": format_value(actual, share=False),
        "limit": format_value(target, share=False),
        "days": f"{result.days_left:.1f}",
        "projected": projection_text(result),
    }
    if actual is not None and judge(actual, result.comparison, target) == "fail":
        return f"{key}_over", {**numbers, "over": format_value(actual - target, share=False)}
    return key, numbers


def provisional_mark(result: Result) -> str:
    """'*' after a status that rests on a guessed working-day calendar (see the note)."""
    return "*" if result.provisional else ""


def budget_lines(card: Scorecard, lang: Lang) -> list[str]:
    """One line per count limit whose window is still running (overall results)."""
    lines = []
    for r in card.results:
        if r.group is None and r.projected is not None and r.days_left is not None:
            key, numbers = _budget_words(r, "budget.line")
            lines.append(message(key, lang, name=r.name(lang), period=r.period, **numbers))
    return lines


def budget_text(result: Result, lang: Lang) -> str:
    """A running count limit in a few words (used/limit, days left, projection); else ''."""
    if result.projected is None or result.days_left is None:
        return ""
    key, numbers = _budget_words(result, "budget.cell")
    return message(key, lang, **numbers)


def interval_text(result: Result) -> str:
    """The 95% interval of a share ('80.0% – 97.0%'); '' when there is none."""
    if result.ci_low is None or result.ci_high is None:
        return ""
    return f"{result.ci_low:.1%} – {result.ci_high:.1%}"


def format_target(result: Result) -> str:
    """≤ 5, ≥ 95% (no needless decimals in a target)."""
    if result.is_share and float(result.target * 100).is_integer():
        return f"{SYMBOL[result.comparison]} {int(result.target * 100)}%"
    return f"{SYMBOL[result.comparison]} {format_value(result.target, share=result.is_share)}"


def as_of_text(card: Scorecard) -> str:
    return card.as_of.strftime("%Y-%m-%d %H:%M:%S")


def scorecard_title(card: Scorecard, lang: Lang) -> str:
    return message(
        "title.scorecard_partial" if card.partial else "title.scorecard",
        lang,
        period=card.period,
        as_of=as_of_text(card),
        rulebook=card.rulebook_name(lang),
    )


def coverage_text(score: GroupScore, lang: Lang, *, short: bool = False) -> str:
    """What a score rests on: '覆盖 2/13 项(权重 30%)'; the weight only when not all of it.
    ``short``: '2/13 (30%)', for a cell under a heading that says 覆盖."""
    if not score.of:
        return ""
    if short:
        part = f" ({score.coverage:.0%})" if score.coverage < 1 - 1e-9 else ""
        return f"{score.covered}/{score.of}{part}"
    key = "appraisal.coverage" if score.coverage >= 1 - 1e-9 else "appraisal.coverage_part"
    return message(key, lang, covered=score.covered, of=score.of, weight=f"{score.coverage:.0%}")


def grade_text(score: GroupScore, lang: Lang, *, short: bool = False) -> str:
    """The grade's name, '不评级' when the score covers too little (with the coverage a grade
    needs, unless ``short``), or 'no score'."""
    if score.needed is not None:
        if short:
            return label("appraisal.ungraded_short", lang)
        return message("appraisal.ungraded", lang, needed=f"{score.needed:.0%}")
    name = score.grade_name(lang)
    return message("appraisal.none", lang) if name is None else name


def score_cell(score: GroupScore, lang: Lang) -> str:
    """A score in a narrow cell: '90.0'; with what it covers when not everything, and
    '不评级' when that is too little to grade: '100.0 (2/13) 不评级'."""
    if score.score is None:
        return "–"
    text = f"{score.score:.1f}"
    if score.coverage < 1 - 1e-9 and score.of:
        text += f" ({score.covered}/{score.of})"
    if score.ungraded:
        text += " " + grade_text(score, lang, short=True)
    return text


def appraisal_line(score: GroupScore, lang: Lang) -> str:
    """'考核得分(一组):90.0 分,覆盖 13/13 项,等级 优秀。'"""
    group = score.group if score.group is not None else label("label.overall", lang)
    coverage = coverage_text(score, lang)
    return message(
        "appraisal.line",
        lang,
        group=group,
        score="–" if score.score is None else f"{score.score:.1f}",
        coverage=message("appraisal.coverage_sep", lang, text=coverage) if coverage else "",
        grade=grade_text(score, lang),
        lifted=message("appraisal.lifted", lang) if score.lifted else "",
    )


def summary_lines(card: Scorecard, lang: Lang, *, per_group: bool = True) -> list[str]:
    """The counts, the excellent mark (优秀绩效) when earned, and the verdict.

    ``per_group=False`` keeps only the overall appraisal line (the terminal's ranking shows
    each listed group's score; 3,000 lines of scores would bury the verdict).
    """
    s = card.summary()
    lines = [
        message(
            "summary.line",
            lang,
            total=s.total,
            pass_=s.counts["pass"],
            warn=s.counts["warn"],
            fail=s.counts["fail"],
            no_data=s.counts["no_data"],
            required_failed=s.required_failed,
            insufficient=(
                message("summary.unmet", lang, n=s.counts["unmet"]) if s.counts["unmet"] else ""
            )
            + (
                message("summary.insufficient", lang, n=s.counts["insufficient"])
                if s.counts["insufficient"]
                else ""
            ),
        )
    ]
    for score in card.appraisal if per_group else card.appraisal[:1]:
        lines.append(appraisal_line(score, lang))
    ungraded = [a for a in card.appraisal[1:] if a.needed is not None]
    if ungraded and not per_group:  # the listed scores say 不评级; here is why
        needed = f"{ungraded[0].needed:.0%}"
        lines.append(message("appraisal.ungraded_groups", lang, n=len(ungraded), needed=needed))
    overall = next((a for a in card.appraisal if a.group is None), None)
    if overall is not None and overall.left_out:
        names = {r.standard: r.name(lang) for r in card.results}
        lines.append(
            message(
                "appraisal.left_out",
                lang,
                standards=", ".join(names.get(s, s) for s in overall.left_out),
            )
        )
    named = dict(card.dataset_names)
    for dataset, rows in card.skipped:
        lines.append(message("summary.skipped", lang, dataset=named.get(dataset, dataset), n=rows))
    if card.waivers:  # which waivers this run applied, in every output (ids, not people)
        shown = [f"{w.record_id} ({w.standard}, {w.approved_on})" for w in card.waivers[:5]]
        more = f" (+{len(card.waivers) - 5})" if len(card.waivers) > 5 else ""
        applied = ", ".join(shown) + more
        lines.append(message("summary.waivers", lang, n=len(card.waivers), waivers=applied))
    provisional = sum(r.provisional for r in card.results)
    if provisional:
        lines.append(message("summary.provisional", lang, n=provisional))
    if s.excellent:
        lines.append(message("summary.excellent", lang))
    # one Problem per absent dataset, shared by its results: rendered once each
    problems = {id(r.reason): r.reason for r in card.results if r.reason is not None}
    lines += list(dict.fromkeys(p.render(lang) for p in problems.values()))
    lines += [doubt.render(lang) for doubt in card.doubts]
    if card.verdict == "fail" and any(a.grade is not None for a in card.appraisal):
        lines.append(message("appraisal.why_both", lang))  # a grade beside 未达标 needs a reason
    lines.append(verdict_text(card, lang))
    return lines


def verdict_text(card: Scorecard, lang: Lang) -> str:
    """The verdict line every output shows, with what it rests on when that is less than all
    the rows: results met only with waived rows (README "What 达标 means"). Rows skipped as
    unreadable have their own line above it (summary.skipped)."""
    missing = card.summary().required_missing
    key = f"summary.verdict_{card.verdict}"
    if card.verdict == "incomplete" and not missing:
        key = "summary.verdict_doubt"  # the doubts are the lines above
    text = message(key, lang, n=missing)
    waived = sum(
        1
        for r in card.results
        if r.waived and r.level == "required" and r.status in ("pass", "warn")
    )
    if not waived:
        return text
    note = message("summary.caveat_waived", lang, n=waived)
    return text + message("summary.verdict_caveats", lang, notes=note)
