"""The scorecard and the history as JSON and CSV: the documented shapes.

Values are exact (rounded only where the JSON shape says); text from files is made safe for its
medium by :mod:`cskpi.present.safe` (escaped JSON, formula-proof CSV cells)."""

from __future__ import annotations

import csv
import io
from typing import Any

from cskpi.evaluate.scorecard import Result, Scorecard
from cskpi.evaluate.trend import Trend
from cskpi.i18n import Lang
from cskpi.present import jsontext, safe


def result_dict(
    result: Result, lang: Lang, reasons: dict[int, str] | None = None
) -> dict[str, Any]:
    """One result in the documented JSON shape. ``reasons``: texts already rendered, by the
    reason's identity (every group of a standard shares one reason object)."""
    reason = None
    if result.reason is not None:
        if reasons is None:
            reason = result.reason.render(lang)
        elif (reason := reasons.get(id(result.reason))) is None:
            reason = reasons[id(result.reason)] = result.reason.render(lang)
    return {
        "standard": result.standard,
        "name": result.name(lang),
        "group": result.group,
        "period": result.period,
        "status": result.status,
        "actual": result.actual,
        "comparison": result.comparison,
        "target": result.target,
        "warn_target": result.warn_target,
        "level": result.level,
        "metric": result.metric,
        "sample_size": result.sample_size,
        "evidence_count": result.evidence_count,
        "projected": None if result.projected is None else round(result.projected, 2),
        "days_left": None if result.days_left is None else round(result.days_left, 1),
        "ci_low": None if result.ci_low is None else round(result.ci_low, 4),
        "ci_high": None if result.ci_high is None else round(result.ci_high, 4),
        "weight": result.weight,
        "waived": result.waived,
        "reason": reason,
        "provisional": result.provisional,
    }


def summary_dict(card: Scorecard) -> dict[str, Any]:
    summary = card.summary()
    return {
        "total": summary.total,
        **summary.counts,
        "required_failed": summary.required_failed,
        "required_missing": summary.required_missing,
        "excellent": summary.excellent,
        "verdict": card.verdict,
        "exit_code": int(card.exit_code),
    }


def scorecard_dict(card: Scorecard, lang: Lang) -> dict[str, Any]:
    reasons: dict[int, str] = {}  # alive as long as card.results holds the reasons
    return {
        "period": card.period,
        "as_of": card.as_of.isoformat(timespec="seconds"),
        "partial": card.partial,
        "rulebook": card.rulebook_id,
        "group_by": card.group_by,
        "inputs": [{"path": path, "sha256": digest} for path, digest in card.inputs],
        "warnings": [w.render(lang) for w in card.warnings],
        "notes": [n.render(lang) for n in card.notes],
        "skipped_rows": dict(card.skipped),
        "provisional": card.provisional,
        "results": [result_dict(r, lang, reasons) for r in card.results],
        "waivers": [
            {
                "record_id": w.record_id,
                "standard": w.standard,
                "reason": w.reason,
                "approver": w.approver,
                "approved_on": w.approved_on,
            }
            for w in card.waivers
        ],
        "appraisal": [
            {
                "group": a.group,
                "score": a.score,
                "grade": a.grade,
                "grade_name": a.grade_name(lang),
                "lifted": a.lifted,
                "left_out": list(a.left_out),
                # what the score rests on: required standards scored, of all, share of weight
                "covered": a.covered,
                "of": a.of,
                "coverage": round(a.coverage, 4),
                "min_coverage": a.needed,  # set only when it is why there is no grade
            }
            for a in card.appraisal
        ],
        "summary": summary_dict(card),
    }


def render_json(card: Scorecard, lang: Lang) -> str:
    """The documented JSON; values exact, with no raw terminal control inside (safe.json_safe)."""
    return jsontext.dumps(scorecard_dict(card, lang))


CSV_FIELDS = (
    "standard",
    "name",
    "group",
    "period",
    "status",
    "actual",
    "comparison",
    "target",
    "level",
    "sample_size",
    "evidence_count",
)


def render_csv(card: Scorecard, lang: Lang) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(
        buffer, fieldnames=CSV_FIELDS, extrasaction="ignore", lineterminator="\n"
    )
    writer.writeheader()
    reasons: dict[int, str] = {}
    for result in card.results:
        row = result_dict(result, lang, reasons)
        writer.writerow({k: safe.csv_cell(row[k]) for k in CSV_FIELDS})
    return buffer.getvalue()


def history_dicts(trend: Trend) -> list[dict[str, Any]]:
    return [
        {
            "standard": line.standard,
            "group": line.group,
            "period": row.period,
            "status": row.status,
            "actual": row.actual,
            "target": row.target,
            "recorded_at": row.recorded_at,
            "partial": row.partial,
        }
        for line in trend.lines
        for row in line.cells.values()
    ]


def render_history_json(trend: Trend, waivers: list[dict[str, str]] | None = None) -> str:
    return jsontext.dumps({"results": history_dicts(trend), "waivers": waivers or []})


def render_history_csv(trend: Trend) -> str:
    buffer = io.StringIO()
    fields = (
        "standard",
        "group",
        "period",
        "status",
        "actual",
        "target",
        "recorded_at",
        "partial",
    )
    writer = csv.DictWriter(buffer, fieldnames=fields, lineterminator="\n")
    writer.writeheader()
    for row in history_dicts(trend):
        writer.writerow({k: safe.csv_cell(row[k]) for k in fields})
    return buffer.getvalue()
