"""A run against one database: plan which datasets run there, read the rest, push the rest down.

Pushdown is used for SQLite, DuckDB and PostgreSQL inputs unless ``--engine pandas``; other
dialects and datasets the probe sends back are read through the file readers (only needed
columns, every column when rows are shown). When rows are shown (``--evidence``, an Excel
or HTML output), the rows behind each listed result are fetched after the verdict, capped
(:mod:`cskpi.sql.evidence`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from cskpi.errors import CskpiError, Problem
from cskpi.evaluate.datasets import ColumnMatch, Pushed
from cskpi.evaluate.periods import windows_for
from cskpi.evaluate.scorecard import EvidenceRows, Scorecard
from cskpi.i18n import Named
from cskpi.language.spelling import clean
from cskpi.read.database import Database, relations
from cskpi.read.tables import Explained
from cskpi.rulebook.compiled import Rulebook
from cskpi.sql.columns import PUSHDOWN_DIALECTS, cleans_text
from cskpi.sql.compile import Compiler, Unsupported
from cskpi.sql.coverage import window_gaps
from cskpi.sql.evidence import EVIDENCE_CAP, fetch_evidence
from cskpi.sql.plan import Decision, Plan, columns_of, plan_dataset, relation_for
from cskpi.sql.pushdown import (
    Run,
    aggregates,
    breakdown,
    found_ids,
    group_values,
    groups_cleaned,
    latest_date,
    measure_standard,
)
from cskpi.sql.reasons import why


def plan_database(
    db: Database,
    rulebook: Rulebook,
    group_field: str | None,
    span: Mapping[str, object] | None,
    explained: Explained | None,
) -> Decision:
    """Which datasets run in the database (plans) and which are read (with the reason)."""
    decision = Decision()
    if db.dialect not in PUSHDOWN_DIALECTS:
        decision.read = dict.fromkeys(rulebook.datasets, why("engine", dialect=db.dialect))
        return decision
    names = relations(db)
    try:
        with db.connect() as conn:
            decision.cleans = cleans_text(db.dialect, conn)
            for dataset_id, spec in rulebook.datasets.items():
                selectable = relation_for(db, spec, names, span)
                if selectable is None:
                    decision.read[dataset_id] = why("not_found")
                    continue
                relation = columns_of(conn, selectable)
                found = plan_dataset(db, conn, spec, relation, rulebook, group_field, explained)
                if isinstance(found, Problem):
                    decision.read[dataset_id] = found
                    continue
                refused = _unsupported(db, found, rulebook, dataset_id, decision.cleans)
                if refused:
                    decision.read[dataset_id] = refused
                else:
                    decision.plans[dataset_id] = found
    except (CskpiError, Unsupported):
        raise
    except Exception as exc:  # the driver's own errors
        raise db.error(exc) from None
    return decision


def _unsupported(
    db: Database, plan: Plan, rulebook: Rulebook, dataset_id: str, cleans: bool
) -> Problem | None:
    """Why some standard of the dataset cannot run in this engine, or None."""
    now = pd.Timestamp("2000-01-01")
    moments = {"as_of": now, "window_start": now, "window_end": now}
    comp = Compiler(db.dialect, plan.fields, moments, cleans=cleans)
    for std in rulebook.standards:
        if std.dataset != dataset_id:
            continue
        try:
            for expr in (std.filter, std.condition):
                if expr is not None:
                    comp.condition(expr)
            aggregates(db, plan, std, comp, None)
        except Unsupported as exc:
            what, *kind = exc.args  # a field id, else a function or metric's name
            column = rulebook.datasets[dataset_id].columns.get(what)
            named = column.named if column is not None else what
            reason = why(kind[0], field=named) if kind else named
            return why("needs", standard=Named(zh=std.name.zh, en=std.id), what=reason)
    return None


def push_down(db: Database, decision: Decision, run: Run) -> Pushed:
    """Run every standard of the planned datasets in the database."""
    pushed = Pushed(datasets=set(decision.plans))
    try:
        with db.connect() as conn:
            for dataset_id, plan in decision.plans.items():
                spec = run.rulebook.datasets[dataset_id]
                if run.group_field:
                    raw = group_values(db, conn, plan, run.group_field)
                    cleaned = groups_cleaned(run, dataset_id)
                    for value in raw:
                        name = clean(value) if cleaned else value
                        if name:
                            pushed.groups.add(name)
                            pushed.spellings.setdefault(name, set()).add(value)
                for std in run.rulebook.standards:
                    if std.dataset == dataset_id:
                        measure_standard(db, conn, plan, std, run, pushed)
                        windows = (
                            windows_for(run.period, std.period, run.as_of)
                            if std.date_field
                            else [run.period]
                        )
                        gaps = window_gaps(db, conn, plan, spec, std, windows, run)
                        pushed.gaps.update({(std.id, w): p for w, p in gaps.items()})
                        pushed.standards.add(std.id)
                counts = breakdown(db, conn, plan, spec, run)
                if counts is not None:
                    pushed.breakdowns[dataset_id] = counts
                pushed.found_ids |= found_ids(db, conn, plan, spec, run.waivers)
    except CskpiError:
        raise
    except Exception as exc:  # the driver's own errors
        raise db.error(exc) from None
    return pushed


def latest_dates(db: Database, decision: Decision, rulebook: Rulebook) -> dict[str, pd.DataFrame]:
    """The latest date of each planned dataset, as one-row frames (for latest_period)."""
    out = {}
    with db.connect() as conn:
        for dataset_id, plan in decision.plans.items():
            spec = rulebook.datasets[dataset_id]
            top = latest_date(db, conn, plan, spec)
            if top is not None and spec.date_column:
                out[dataset_id] = pd.DataFrame({spec.date_column: [top]})
    return out


def matches(db: Database, decision: Decision, rulebook: Rulebook) -> list[ColumnMatch]:
    """Which column became which field, for --explain-columns and --verbose."""
    out = []
    for dataset_id, plan in decision.plans.items():
        spec = rulebook.datasets[dataset_id]
        by_field = plan.columns
        for fid in spec.columns:
            name = by_field.get(fid)
            out.append(ColumnMatch(db.label, plan.name, dataset_id, fid, name, name))
    return out


def notes(decision: Decision, rulebook: Rulebook) -> list[Problem]:
    """--verbose: which datasets ran in the database, which were read and why (each dataset
    named as every message names it: 投诉记录 in Chinese, complaints in English)."""
    named = rulebook.datasets
    out = [Problem("sql.pushed", {"dataset": named[d].named}) for d in decision.plans]
    out += [
        Problem("sql.read", {"dataset": named[d].named, "reason": r})
        for d, r in decision.read.items()
    ]
    return out


class Session:
    """One database input evaluated by pushdown where it can be (see the module doc)."""

    def __init__(
        self,
        url: str,
        rulebook: Rulebook,
        group_field: str | None,
        timeout: float,
        span: Mapping[str, object] | None,
        explained: Explained | None,
        label: str | None = None,
        allowed: tuple[str, ...] = (),
    ) -> None:
        from cskpi.read.database import open_database

        self.rulebook, self.group_field, self.explained = rulebook, group_field, explained
        self.run: Run | None = None  # what push() asked, for the evidence rows after it
        self.db = open_database(url, timeout=timeout, label=label, allowed=allowed)
        try:
            self.decision = plan_database(self.db, rulebook, group_field, span, explained)
        except BaseException:
            self.db.close()
            raise

    @property
    def read_only(self) -> frozenset[str]:
        """The datasets the file readers must read."""
        return frozenset(self.decision.read)

    def latest(self) -> dict[str, pd.DataFrame]:
        try:
            return latest_dates(self.db, self.decision, self.rulebook)
        except CskpiError:
            raise
        except Exception as exc:
            raise self.db.error(exc) from None

    @property
    def rows(self) -> int:
        """Rows with data in the datasets evaluated here (the probe counted them)."""
        return sum(plan.rows for plan in self.decision.plans.values())

    def push(self, data: Any, period: Any, as_of: pd.Timestamp, waivers: Any) -> Any:
        """``data`` with the database's results for the planned datasets."""
        from dataclasses import replace

        run = Run(
            self.rulebook,
            period,
            as_of,
            self.group_field,
            waivers,
            self.explained,
            self.decision.cleans,
        )
        self.run = run
        pushed = push_down(self.db, self.decision, run)
        if self.explained is not None:
            self.explained.notes.extend(notes(self.decision, self.rulebook))
        from cskpi.read.records import merge_notes

        examples = [p.examples for p in self.decision.plans.values() if p.examples is not None]
        return replace(
            data,
            pushed=pushed,
            matches=[*data.matches, *matches(self.db, self.decision, self.rulebook)],
            warnings=merge_notes([*data.warnings, *examples]),  # as the readers note them
        )

    def evidence(self, card: Scorecard) -> Scorecard:
        """``card`` with the rows behind each listed result the database computed (capped)."""
        from dataclasses import replace

        plans = {std.id: self.decision.plans.get(std.dataset) for std in self.rulebook.standards}
        wanted = [r for r in card.listed() if plans.get(r.standard) is not None]
        if not wanted:
            return card
        by_id = {std.id: std for std in self.rulebook.standards}
        run = self.run
        assert run is not None, "push() first"
        found: dict[tuple[str, str], EvidenceRows] = {}
        try:
            for result in wanted:
                std = by_id[result.standard]
                windows = (
                    windows_for(run.period, std.period, run.as_of)
                    if std.date_field
                    else [run.period]
                )
                window = next(w for w in windows if w.label == result.period)
                plan = plans[std.id]
                assert plan is not None
                # a connection each: an embedded engine's timeout covers one query, not all
                with self.db.connect() as conn:
                    found[(std.id, window.label)] = fetch_evidence(
                        self.db, conn, plan, std, window, run, result.evidence_count
                    )
        except CskpiError:
            raise
        except Exception as exc:  # the driver's own errors
            raise self.db.error(exc) from None
        if self.explained is not None:
            self.explained.notes.append(
                Problem("sql.evidence", {"n": len(found), "cap": f"{EVIDENCE_CAP:,}"})
            )
        results = tuple(
            replace(r, evidence_rows=found[(r.standard, r.period)])
            if r.group is None and (r.standard, r.period) in found
            else r
            for r in card.results
        )
        return replace(card, results=results)

    def close(self) -> None:
        self.db.close()
