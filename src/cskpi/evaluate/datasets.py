"""What the core is given: typed datasets and the facts about how they were read.

Value types both the readers and the presenters need live here, below both, so neither has to
import the other: the evidence frame's bookkeeping columns, header matches, approved waivers.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from cskpi.errors import Problem

ROW = "_row"  # Excel row number of each data row, kept for messages and evidence
SOURCE = "_source"  # which file a row came from
# what a rating or yes/no cell said (``2``, ``不满意``) beside its reading (否): kept, as
# ``said(field)``, only when rows will be shown (evidence, the Excel and HTML exports)
SAID = "_said:"


def said(field: str) -> str:
    """The column holding what ``field``'s cells said, as written."""
    return SAID + field


# A column with this header marks example rows (the template's): any mark there, and the row
# is left out with a note. Written by the template, read by the sheet reader.
EXAMPLE_HEADERS = ("示例", "example")
EXAMPLE_MARK = "示例"


@dataclass(frozen=True)
class ColumnMatch:
    """Which header of which sheet became which field (for --explain-columns)."""

    file: str
    sheet: str
    dataset: str
    field: str
    header: str | None  # None: not found
    column: str | None  # the column letter
    closest: str | None = None  # for a field not found: the nearest header in the sheet


@dataclass(frozen=True)
class Waiver:
    record_id: str
    standard: str  # a standard id, or "all"
    reason: str
    approver: str
    approved_on: str  # ISO date

    def covers(self, standard: str) -> bool:
        return self.standard in ("all", standard)


@dataclass(frozen=True)
class InputFile:
    path: str
    sha256: str


@dataclass(frozen=True)
class Slot:
    """One result's numbers computed by a database (pushdown): the rows stay there."""

    value: float | None
    sample_size: int
    evidence_count: int
    waived: int = 0


@dataclass
class Pushed:
    """What a database computed for the standards it ran (README "Pushdown").

    ``slots`` is keyed by (standard, window label, group or None for overall); ``groups``
    are the values of the run's group field in those datasets; ``breakdowns`` rows per
    category; ``found_ids`` the waived record ids that exist there.
    """

    standards: set[str] = field(default_factory=set)
    grouped: set[str] = field(default_factory=set)  # standards whose dataset has the group field
    slots: dict[tuple[str, str, str | None], Slot] = field(default_factory=dict)
    groups: set[str] = field(default_factory=set)
    # group -> the raw spellings the database holds of it (cleaned as the readers clean)
    spellings: dict[str, set[str]] = field(default_factory=dict)
    breakdowns: dict[str, dict[str, int]] = field(default_factory=dict)
    found_ids: set[str] = field(default_factory=set)
    datasets: set[str] = field(default_factory=set)  # datasets whose rows stayed there
    # (standard, window label) -> why it has no result: none of the dataset's dated rows there
    gaps: dict[tuple[str, str], Problem] = field(default_factory=dict)


@dataclass
class Datasets:
    """What was read: one typed frame per dataset found, plus warnings and input fingerprints."""

    frames: dict[str, pd.DataFrame] = field(default_factory=dict)
    warnings: list[Problem] = field(default_factory=list)
    # facts worth recording but not news (a snapshot's older copy not used): shown in the
    # exports and with --verbose, never a reason to print on a quiet run
    notes: list[Problem] = field(default_factory=list)
    files: list[InputFile] = field(default_factory=list)
    skipped: dict[str, int] = field(default_factory=dict)  # dataset -> rows left out
    matches: list[ColumnMatch] = field(default_factory=list)  # header -> field, per sheet
    pushed: Pushed | None = None  # standards a database evaluated itself
