"""Rows with a blank owed date (the dataset's own date, a deadline) are read, not pushed
down: the readers' path counts them, names up to five and keeps a count limit they could
break from passing (evaluate/coverage.py). The plan's probe counts them per column."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import Any

import sqlalchemy as sa

from cskpi.errors import Problem
from cskpi.evaluate.coverage import owed
from cskpi.rulebook.compiled import Dataset, Rulebook
from cskpi.sql.reasons import joined, why


def owed_dates(rulebook: Rulebook, spec: Dataset, typed: Collection[str]) -> list[str]:
    """The fields among ``typed`` that some standard of ``spec`` needs in every row."""
    return sorted(
        {
            s.date_field
            for s in rulebook.standards
            if s.dataset == spec.id and s.date_field is not None and owed(s, spec)
        }
        & set(typed)
    )


def blank_probes(values: Any, fields: Sequence[str]) -> list[Any]:
    """One count per field: the rows where its value (``v_<field>``) is blank."""
    return [
        sa.func.coalesce(sa.func.sum(sa.case((values.c[f"v_{f}"].is_(None), 1), else_=0)), 0)
        for f in fields
    ]


def read_reason(spec: Dataset, fields: Sequence[str], counts: Sequence[int]) -> Problem | None:
    """Why the dataset is read (--verbose), or None when no owed date is blank."""
    blanks = [
        why("blank_date", n=n, header=spec.columns[f].header)
        for f, n in zip(fields, counts, strict=True)
        if n
    ]
    return why("blank_dates", blanks=joined(blanks)) if blanks else None
