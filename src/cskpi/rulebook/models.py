"""The pydantic models of ``rules/*.yaml``: the shape of the file, nothing more.

A validated model is only the text's shape. What the program evaluates is the compiled
rulebook (:mod:`cskpi.rulebook.compiled`), which :func:`cskpi.rulebook.load.load_rulebook`
returns: no model here is ever changed after validation.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from cskpi.language.tree import ValueType

ColumnType = Literal["date", "deadline", "rating", "yesno", "text", "number"]
Comparison = Literal["<=", "<", ">=", ">", "=="]
# .nan and .inf are refused where the file is read: a target of NaN passes no comparison and
# JSON cannot hold it
StrictNumber = Annotated[float, Field(strict=True, allow_inf_nan=False)]
Score = Annotated[float, Field(strict=True, allow_inf_nan=False, ge=1, le=5)]

EXPRESSION_TYPE: dict[ColumnType, ValueType] = {
    "date": "date",
    "deadline": "date",
    "rating": "bool",
    "yesno": "bool",
    "text": "text",
    "number": "number",
}


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Names(_Model):
    """A text in Chinese and English."""

    zh: str
    en: str


class ColumnSpec(_Model):
    """One field of a dataset: its canonical (Chinese) header, accepted aliases and value type.

    ``deadline`` is a date where a value with no time of day means the end of that day.
    ``personal`` columns hold customer data and are masked in every output.
    """

    header: str
    aliases: list[str] = []
    type: ColumnType = "text"
    personal: bool = False
    # e.g. "received_at + 3 working days": used when the sheet has no such column, or the
    # cell is blank (China's official calendar with its make-up working days)
    derive: str | None = None
    # date formats to try first (strptime codes), for exports that write 7/29/2013 or
    # 29-02-2016 01:16; the usual spellings follow (checked when the rulebook is read)
    formats: list[str] = []
    # numbers: the decimal mark, "." (1,234.5) or "," (1.234,5 as Europe writes it)
    decimal: Literal[".", ","] = "."
    # yes/no and rating columns: more words for yes and for no (pandas' names)
    true_values: list[str] = []
    false_values: list[str] = []
    # rating columns: words and their scores on the 1-5 scale ({很满意: 5, 比较满意: 4})
    rating_words: dict[str, Score] = {}


class KeepLast(_Model):
    key: str
    by: str


class DatasetSpec(_Model):
    """One kind of sheet (complaint log, survey, ...): where to find it and its columns."""

    names: Names
    sheets: list[str] = Field(min_length=1)
    date_column: str | None = None
    category_column: str | None = None  # complaints per category in the Excel export
    id_column: str | None = None  # a row's id: rows read twice (two files) count once
    # unreadable values in evaluated columns: fail the run (exit 3), or skip those rows
    bad_values: Literal["fail", "skip"] = "fail"
    # cell texts that mean "nothing here" in this export, such as "?" or "N/A"
    missing: list[str] = []
    # an event log (one row per update): keep only the row with the highest `by` per `key`
    keep_last: KeepLast | None = None
    # a database input: read this table or view (``schema.table``), or this read-only
    # SELECT (``:start``/``:end`` bound to the run's span), instead of finding it by name
    table: str | None = None
    query: str | None = None
    # may be absent from the inputs (its standards then have no data, with the reason);
    # a dataset that is not optional and is found in no input stops the run (exit 3)
    optional: bool = False
    columns: dict[str, ColumnSpec] = Field(min_length=1)


class StandardSpec(_Model):
    """One performance standard (绩效标准): which rows, which metric, compared with what."""

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    name: Names
    description: Names
    source: str | None = None
    dataset: str
    date_column: str | None = None
    period: Literal["month", "quarter", "year"] = "month"
    metric: str  # a name in the metric registry (cskpi.rulebook.metrics), checked on compile
    column: str | None = None
    condition: str | None = None
    filter: str | None = None
    comparison: Comparison
    target: StrictNumber
    warn_target: StrictNumber | None = None
    level: Literal["required", "excellent"] = "required"
    weight: StrictNumber = Field(default=1.0, ge=0)
    # shares from fewer answers are "insufficient" (shown, never failing); off by default
    min_answers: int | None = Field(default=None, ge=1)


class DateRange(_Model):
    """Dates a cell may plausibly hold; anything outside is a bad value, not a data point."""

    earliest: dt.date = dt.date(2000, 1, 1)
    latest: dt.date = dt.date(2100, 12, 31)


class RulebookInfo(_Model):
    id: str
    name: Names
    version: str | None = None
    source: str | None = None
    # which part of the source document it encodes (第三篇 ...): `rules list --all` shows it,
    # so a user finds the rulebook for their role
    part: Names | None = None
    # the IANA zone every time is read in (aware times are converted to it); default: the
    # machine's zone
    timezone: str | None = None
    date_range: DateRange = DateRange()


class Grade(_Model):
    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    name: Names
    min_score: StrictNumber = Field(ge=0, le=100)


DEFAULT_GRADES = [
    Grade(id="excellent", name=Names(zh="优秀", en="Excellent"), min_score=90),
    Grade(id="good", name=Names(zh="良好", en="Good"), min_score=80),
    Grade(id="pass", name=Names(zh="合格", en="Satisfactory"), min_score=60),
    Grade(id="fail", name=Names(zh="不合格", en="Unsatisfactory"), min_score=0),
]


class Appraisal(_Model):
    """How results become a score out of 100 and a grade (绩效考核).

    A standard met earns its weight, a warning ``warn_credit`` of it, a failure nothing;
    standards with no data (or too few answers) leave the denominator. Grades are bands on
    the score, highest first; the first grade is also reached when every required standard
    passes and every excellent-level standard is met (培养出可以替代经理的员工).
    ``min_coverage``: the share of the required standards' weight a score must rest on to be
    graded; below it the score is shown with no grade (不评级).
    """

    warn_credit: StrictNumber = Field(default=0.5, ge=0, le=1)
    min_coverage: StrictNumber = Field(default=0.5, ge=0, le=1)
    grades: list[Grade] = Field(default_factory=lambda: list(DEFAULT_GRADES), min_length=1)


class Calendar(_Model):
    """Extra days for the working-day calendar: local holidays, local make-up working days.

    ``complete_years``: years whose holidays and make-up days are all listed here (copied from
    the State Council's notice before chinesecalendar ships it): their deadlines are final.
    """

    holidays: list[dt.date] = []
    workdays: list[dt.date] = []
    complete_years: list[int] = []


class RulebookSpec(_Model):
    """A whole rulebook file."""

    rulebook: RulebookInfo
    datasets: dict[str, DatasetSpec] = Field(min_length=1)
    standards: list[StandardSpec] = Field(min_length=1)
    appraisal: Appraisal = Appraisal()
    calendar: Calendar = Calendar()
