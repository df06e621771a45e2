"""Frozen value objects every output renders: one :class:`Result` per standard, group and window.

The terminal table, JSON, Markdown, CSV and the Excel export all read these, so they can
never disagree.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from functools import cached_property
from typing import Literal

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from cskpi.errors import ExitCode, Problem
from cskpi.evaluate.datasets import ColumnMatch, Waiver
from cskpi.i18n import Named
from cskpi.rulebook.metrics import is_share

# unmet: an excellent-level standard not achieved; it fails nothing (未达成, not 未达标)
Status = Literal["pass", "warn", "fail", "unmet", "no_data", "insufficient"]
STATUSES: tuple[Status, ...] = ("pass", "warn", "fail", "unmet", "no_data", "insufficient")
UNKNOWN: frozenset[str] = frozenset({"no_data", "insufficient"})  # no result to judge by
Verdict = Literal["pass", "fail", "incomplete"]
VERDICT_EXIT: dict[Verdict, ExitCode] = {
    "pass": ExitCode.OK,
    "fail": ExitCode.STANDARD_FAILED,
    "incomplete": ExitCode.INCOMPLETE,
}


@dataclass(frozen=True)
class EvidenceRows:
    """The rows behind a result: positions in its dataset's frame, copied only when shown.

    ``total``: how many rows are behind the result when only the first of them are here (a
    database sends at most a capped number of rows back, README "Pushdown"); None: all are.
    """

    source: pd.DataFrame = field(repr=False)
    positions: NDArray[np.int64]
    total: int | None = None

    @property
    def count(self) -> int:
        """Rows behind the result, listed here or not."""
        return len(self.positions) if self.total is None else self.total

    @property
    def capped(self) -> bool:
        """Only the first rows are listed (the outputs say how many of how many)."""
        return self.count > len(self.positions)

    @classmethod
    def of(cls, frame: pd.DataFrame) -> EvidenceRows:
        """Every row of ``frame`` (for a result built by hand)."""
        return cls(frame, np.arange(len(frame), dtype=np.int64))

    def frame(self) -> pd.DataFrame:
        return self.source.take(self.positions)


@dataclass(frozen=True)
class Result:
    """One standard evaluated for one group (None = overall) over one window."""

    standard: str
    name_zh: str
    name_en: str
    group: str | None
    period: str
    status: Status
    actual: float | None
    comparison: str
    target: float
    warn_target: float | None
    level: Literal["required", "excellent"]
    metric: str
    sample_size: int
    evidence_count: int
    evidence_rows: EvidenceRows | None = field(default=None, compare=False, repr=False)
    # count limits evaluated before their window ends: where the current pace leads
    projected: float | None = None
    days_left: float | None = None
    weight: float = 0.0
    # shares: Wilson 95% interval of the true share, given this many answers
    ci_low: float | None = None
    ci_high: float | None = None
    waived: int = 0  # rows left out by approved waivers
    reason: Problem | None = None  # why there is no result (an optional dataset is absent)
    # a deadline it rests on was computed across a year the holiday data does not cover yet
    provisional: bool = False

    @property
    def is_share(self) -> bool:
        return is_share(self.metric)

    @cached_property
    def evidence(self) -> pd.DataFrame | None:
        """The rows behind this result (None when the run did not keep them)."""
        return None if self.evidence_rows is None else self.evidence_rows.frame()

    def name(self, lang: str) -> str:
        return self.name_zh if lang == "zh" else self.name_en

    def evolve(self, **changes: object) -> Result:
        """``dataclasses.replace`` without its checked ``__init__``: masking a year of 9,000
        agents copies a million results, and replace costs six times as much."""
        unknown = changes.keys() - _RESULT_FIELDS
        if unknown:
            raise TypeError(f"Result has no field {sorted(unknown)}")
        new = object.__new__(Result)
        state = self.__dict__.copy()
        state.pop("evidence", None)  # a cached frame of the old rows
        state.update(changes)
        object.__setattr__(new, "__dict__", state)
        return new


_RESULT_FIELDS = frozenset(Result.__dataclass_fields__)


@dataclass(frozen=True)
class Summary:
    total: int
    counts: dict[str, int]
    required_failed: int
    excellent: bool
    required_missing: int = 0  # required results with no data or too few answers


@dataclass(frozen=True)
class StandardInfo:
    """What an export needs to know of a standard beyond its results."""

    id: str
    description_zh: str
    description_en: str
    dataset: str
    # (field id, canonical header) of the dataset's columns, in rulebook order
    columns: tuple[tuple[str, str], ...]
    deadline_field: str | None = None  # a deadline the evidence can count days late from
    done_field: str | None = None  # when the row was resolved/done
    fields: tuple[str, ...] = ()  # the fields the standard reads (shown first as evidence)
    id_field: str | None = None  # the dataset's record id

    def description(self, lang: str) -> str:
        return self.description_zh if lang == "zh" else self.description_en


@dataclass(frozen=True)
class GroupScore:
    """The appraisal of one group (None = overall): weighted score out of 100 and grade."""

    group: str | None
    score: float | None
    grade: str | None
    grade_zh: str | None
    grade_en: str | None
    left_out: tuple[str, ...]  # standards with no data, left out of the denominator
    lifted: bool = False  # raised to the top grade by the excellent-level standards
    covered: int = 0  # required standards the score rests on ...
    of: int = 0  # ... out of the rulebook's required standards
    coverage: float = 0.0  # their share of the required weight
    # set when the score covers less of the weight than a grade needs (不评级): that share
    needed: float | None = None

    @property
    def ungraded(self) -> bool:
        return self.needed is not None

    def grade_name(self, lang: str) -> str | None:
        return self.grade_zh if lang == "zh" else self.grade_en


@dataclass(frozen=True)
class Standing:
    """How one group fared over all its results: what a ranking of groups sorts by."""

    group: str
    required_failed: int = 0
    failed: int = 0
    warned: int = 0
    unknown: int = 0  # no data or too few answers
    passed: int = 0

    @property
    def all_pass(self) -> bool:
        return not (self.failed or self.warned or self.unknown)


@dataclass(frozen=True)
class Scorecard:
    """All results of one run, and what they were computed from."""

    rulebook_id: str
    rulebook_name_zh: str
    rulebook_name_en: str
    period: str
    as_of: pd.Timestamp
    group_by: str | None
    groups: tuple[str, ...]
    results: tuple[Result, ...]
    warnings: tuple[Problem, ...] = ()
    inputs: tuple[tuple[str, str], ...] = ()  # (path, sha256)
    notes: tuple[Problem, ...] = ()  # worth recording, not news (see Datasets.notes)
    standards: tuple[StandardInfo, ...] = ()
    # per dataset with a category column: (category, count), largest first
    breakdowns: tuple[tuple[str, tuple[tuple[str, int], ...]], ...] = ()
    skipped: tuple[tuple[str, int], ...] = ()  # dataset -> rows left out (bad_values: skip)
    # dataset -> how messages name it (its Dataset.named): outputs have no rulebook
    dataset_names: tuple[tuple[str, Named], ...] = ()
    appraisal: tuple[GroupScore, ...] = ()
    waivers: tuple[Waiver, ...] = ()  # the approved waivers applied
    columns: tuple[ColumnMatch, ...] = ()  # header matches per sheet
    partial: bool = False  # the period was not over at as-of: results are not final
    strict: bool = False  # a required standard with no result counts as failed (--strict)
    # why the results, though none fails, cannot be called met (no data for the period, too
    # many rows skipped): the verdict is then incomplete (evaluate/coverage.py)
    doubts: tuple[Problem, ...] = ()

    def rows(self) -> list[tuple[str, str, list[Result]]]:
        """Results grouped as every output shows them: (standard, window) -> [overall, *groups]."""
        return [(std, period, list(results)) for std, period, results in self._rows]

    @cached_property
    def _rows(self) -> tuple[tuple[str, str, tuple[Result, ...]], ...]:
        grouped: dict[tuple[str, str], list[Result]] = {}
        for result in self.results:
            grouped.setdefault((result.standard, result.period), []).append(result)
        return tuple((std, period, tuple(results)) for (std, period), results in grouped.items())

    def listed(self) -> list[Result]:
        """The overall result of each (standard, window) any of whose results fails or
        warns: the ones whose rows the outputs list (Excel sheets, the HTML page; the
        terminal's --evidence the overall failures among them). An excellent level not
        achieved (``unmet``) is no failure: nothing to list."""
        return [
            results[0]
            for _std, _period, results in self.rows()
            if any(r.status in ("fail", "warn") for r in results)
        ]

    def ranking(self) -> list[Standing]:
        """Groups worst first: the ones a manager should talk to this month at the top.

        Most required failures first, then failures, then warnings, then results with no
        data; ties keep the run's natural group order. Every output that shows a subset of
        the groups (terminal, HTML, Excel charts) takes it from here.
        """
        return list(self._ranking)

    @cached_property
    def _ranking(self) -> tuple[Standing, ...]:
        counts: dict[str, list[int]] = {g: [0, 0, 0, 0, 0] for g in self.groups}
        for r in self.results:
            if r.group is None or r.group not in counts:
                continue
            tally = counts[r.group]
            if r.status == "fail":
                tally[1] += 1
                tally[0] += r.level == "required"
            elif r.status == "warn":
                tally[2] += 1
            elif r.status in UNKNOWN:
                tally[3] += 1
            else:
                tally[4] += 1
        order = {g: i for i, g in enumerate(self.groups)}
        standings = [Standing(g, *tally) for g, tally in counts.items()]
        return tuple(
            sorted(
                standings,
                key=lambda s: (
                    -s.required_failed,
                    -s.failed,
                    -s.warned,
                    -s.unknown,
                    order[s.group],
                ),
            )
        )

    def info(self, standard_id: str) -> StandardInfo | None:
        return next((s for s in self.standards if s.id == standard_id), None)

    def summary(self) -> Summary:
        return self._summary

    @cached_property
    def _summary(self) -> Summary:
        counts = Counter(r.status for r in self.results)
        required = [r for r in self.results if r.level == "required"]
        required_failed = sum(1 for r in required if r.status == "fail")
        required_missing = sum(1 for r in required if r.status in UNKNOWN)
        excellent_results = [r for r in self.results if r.level == "excellent" and r.group is None]
        excellent = (
            bool(excellent_results)
            and required_failed == 0
            and required_missing == 0
            and all(r.status in ("pass", "warn") for r in excellent_results)
        )
        return Summary(
            total=len(self.results),
            counts={s: counts.get(s, 0) for s in STATUSES},
            required_failed=required_failed,
            excellent=excellent,
            required_missing=required_missing,
        )

    @cached_property
    def verdict(self) -> Verdict:
        """The one answer a manager acts on, computed from the results alone.

        ``pass`` only when every required result (overall and per group) is there and meets
        its target (``warn`` is met); any failure is ``fail``; otherwise a required result
        with no data or too few answers, or a doubt about the card as a whole (``doubts``),
        makes it ``incomplete`` (``fail`` with ``strict``).
        """
        summary = self._summary
        if summary.required_failed:
            return "fail"
        if summary.required_missing or self.doubts:
            return "fail" if self.strict else "incomplete"
        return "pass"

    @property
    def exit_code(self) -> ExitCode:
        """0 pass, 1 fail, 5 incomplete (README "Exit codes")."""
        return VERDICT_EXIT[self.verdict]

    @property
    def provisional(self) -> bool:
        """Some result rests on a guessed working-day calendar (see evaluate.workdays)."""
        return any(r.provisional for r in self.results)

    def rulebook_name(self, lang: str) -> str:
        return self.rulebook_name_zh if lang == "zh" else self.rulebook_name_en
