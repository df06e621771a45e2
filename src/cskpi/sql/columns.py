"""A dataset's fields as typed SQL expressions, with the same meaning the file readers give.

Each field becomes one expression over the relation's column, typed as the evaluation needs
it (text, number, date, yes/no), with NULL for a blank cell. Only spellings the engine can
read exactly as :mod:`cskpi.read.values` reads them are typed in SQL:

- text: trimmed of the same white space, blank -> NULL, the dataset's ``missing`` markers ->
  NULL; whole numbers as their digits (``5``);
- dates: native timestamps and dates; a timestamp with a time zone as the wall clock of the
  rulebook's zone (``timezone()``); in SQLite (which stores dates as text) ISO text
  ``2026-10-05``, ``2026-10-05 14:30``, ``2026-10-05 14:30:00``, ``2026-10-05T14:30:00`` that
  is a real date; a deadline at 00:00 (in that zone) is the end of that day;
- ratings and yes/no: native booleans, numbers (1-5; 1/0), and the words of the column's
  vocabulary (是/否, 满意, its true_values and rating_words...), compared lower-cased;
- numbers: native numbers within ±10^15 (not NaN or infinite);
- every date within the rulebook's ``date_range``.

Anything else (``2026/10/05``, ``2026年10月5日``, ``1,234``, text with an offset, a custom
``formats:``) gives NULL where a value was: the probe (:func:`probe`) counts those cells, and
a dataset that has any is read instead (only its needed columns), so text the engine cannot
parse is parsed by the one set of rules in Python and a bad cell is still named by row.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from cskpi.language.patterns import INVISIBLE, LARGEST, WHITESPACE, WHITESPACE_RUN
from cskpi.language.spelling import SATISFIED_FROM, SCALE, Spelling
from cskpi.read.database import CLEAN_FUNCTION
from cskpi.rulebook.compiled import Column, Dataset

WHITE_SPACE = WHITESPACE  # what the file readers trim, so SQL trims the same
ISO_DATE = r"[0-9]{4}-[0-9]{2}-[0-9]{2}"
ISO_FORMS = (
    ISO_DATE,
    rf"{ISO_DATE} [0-9]{{2}}:[0-9]{{2}}",
    rf"{ISO_DATE}[ T][0-9]{{2}}:[0-9]{{2}}:[0-9]{{2}}",
)
_GLOB_DATE = "[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]"
_GLOB_TIME = "[0-9][0-9]:[0-9][0-9]"
SQLITE_FORMS = (
    _GLOB_DATE,
    f"{_GLOB_DATE} {_GLOB_TIME}",
    f"{_GLOB_DATE} {_GLOB_TIME}:[0-9][0-9]",
    f"{_GLOB_DATE}T{_GLOB_TIME}:[0-9][0-9]",
)
END_OF_DAY = " 23:59:59.999999"
PUSHDOWN_DIALECTS = ("sqlite", "duckdb", "postgresql")


@dataclass(frozen=True)
class Kinds:
    """The engine's type of each column (``dynamic``: SQLite, typed value by value)."""

    of: Mapping[
        str, str
    ]  # column name -> text | integer | float | boolean | timestamp | date | ...

    def get(self, name: str) -> str:
        return self.of.get(name, "dynamic")


@dataclass(frozen=True)
class Typed:
    """One field as SQL: its typed value, and whether the raw cell held something."""

    value: Any  # NULL where blank or unreadable
    present: Any  # boolean: the cell is not blank (after trimming and missing markers)


class Cells:
    """Stage one: each column once per row as its raw value, storage class (SQLite) and
    trimmed text, so the typed expressions above it never repeat the trimming. In SQLite
    the stage is ``LIMIT -1``: a subquery SQLite does not flatten into its outer query."""

    def __init__(
        self,
        dialect: str,
        relation: Any,
        names: Sequence[str],
        kinds: Kinds,
        untrimmed: Collection[str] = (),
        carry: Sequence[str] = (),
    ) -> None:
        self.dialect, self.kinds = dialect, kinds
        self.index = {name: i for i, name in enumerate(names)}
        columns = []
        for i, name in enumerate(names):
            col = relation.c[name]
            columns.append(col.label(f"r{i}"))
            if dialect == "sqlite":
                kind = sa.func.typeof(col)
                columns.append(kind.label(f"k{i}"))
                text: Any
                if name in untrimmed:  # only text, none with white space at its ends
                    text = sa.func.nullif(col, "")
                else:
                    text = sa.case(
                        (kind == "text", _trim(dialect, col)),
                        (kind == "integer", sa.cast(col, sa.Text)),
                        else_=sa.null(),
                    )
                columns.append(text.label(f"t{i}"))
            elif kinds.get(name) == "text":
                plain = sa.func.nullif(col, "") if name in untrimmed else _trim(dialect, col)
                columns.append(plain.label(f"t{i}"))
        columns += [relation.c[name] for name in carry]  # passed through (a row number)
        query = sa.select(*columns).select_from(relation)
        # OFFSET: a subquery SQLite never flattens, so a cell trimmed with the Unicode set
        # is trimmed once per row; plain cells flatten into the query above (faster)
        isolate = dialect == "sqlite" and len(untrimmed) < len(names)
        self.sub = (query.limit(-1).offset(0) if isolate else query).subquery("cells")

    def raw(self, name: str) -> Any:
        return self.sub.c[f"r{self.index[name]}"]

    def storage(self, name: str) -> Any:
        """SQLite's storage class of the cell (text, integer, real, blob, null)."""
        return self.sub.c[f"k{self.index[name]}"]

    def trimmed(self, name: str) -> Any:
        """The trimmed text, or None where the column is not text (DuckDB, PostgreSQL)."""
        return self.sub.c.get(f"t{self.index[name]}", None)


def untrimmed_probe(dialect: str, relation: Any, names: Sequence[str], kinds: Kinds) -> list[Any]:
    """Per column, the cells that are not plain text: numbers in SQLite, or text with white
    space at an end. Most columns have none; they are then read as they are in every query
    (no trimming with a Unicode set, no storage test), which is most of a query's cost."""
    pattern = f"^[{WHITE_SPACE}]|[{WHITE_SPACE}]$"
    out: list[Any] = []
    for name in names:
        col = relation.c[name]
        if dialect == "sqlite":
            storage = sa.func.typeof(col)
            changed = sa.or_(
                storage.not_in(["text", "null"]),
                _trim("sqlite", col).is_distinct_from(sa.func.nullif(col, "")),
            )
        elif kinds.get(name) != "text":
            out.append(sa.literal(0))
            continue
        elif dialect == "duckdb":
            changed = sa.func.regexp_matches(col, sa.literal(pattern))
        else:
            changed = col.op("~")(sa.literal(pattern))
        out.append(sa.func.coalesce(sa.func.sum(sa.case((changed, 1), else_=0)), 0))
    return out


def _trim(dialect: str, expr: Any) -> Any:
    ws = sa.literal(WHITE_SPACE, sa.String)
    trimmed = sa.func.btrim(expr, ws) if dialect == "postgresql" else sa.func.trim(expr, ws)
    return sa.func.nullif(trimmed, "")


class Typer:
    """Builds typed expressions over the cells of one relation for one dialect."""

    def __init__(
        self,
        dialect: str,
        cells: Cells,
        spec: Dataset,
        kinds: Kinds,
        trusted: Mapping[str, str] | None = None,
    ) -> None:
        self.dialect, self.cells, self.spec, self.kinds = dialect, cells, spec, kinds
        # SQLite date columns whose every value the probe checked: "as is" (already
        # YYYY-MM-DD HH:MM:SS) or "datetime" (ISO forms datetime() normalises)
        self.trusted = dict(trusted or {})

    def date_forms(self, name: str) -> list[tuple[str, Any]]:
        """Cheaper spellings of a SQLite date column, for the probe to check row by row."""
        text = self._text(name)
        return [("as is", text), ("datetime", sa.func.datetime(text))]

    def _text(self, name: str) -> Any:
        """The column as trimmed text (NULL if blank or a missing marker), or None."""
        kind = self.kinds.get(name)
        text: Any = self.cells.trimmed(name)
        if text is None:
            if kind != "integer":
                return None
            col = self.cells.raw(name)
            text = sa.cast(col, sa.Text if self.dialect == "postgresql" else sa.String)
        if self.spec.missing:
            text = sa.case((text.in_(list(self.spec.missing)), sa.null()), else_=text)
        return text

    def present(self, name: str) -> Any:
        """The raw cell is not blank (what the readers call a cell with data)."""
        col = self.cells.raw(name)
        kind = self.kinds.get(name)
        if self.dialect == "sqlite":
            storage = self.cells.storage(name)
            blank = sa.and_(storage == "text", self.cells.trimmed(name).is_(None))
            filled = sa.and_(col.is_not(None), sa.not_(blank))
        elif kind == "text":
            filled = self.cells.trimmed(name).is_not(None)
        else:
            filled = col.is_not(None)
        if self.spec.missing and (self.dialect == "sqlite" or kind == "text"):
            text = self._text(name)
            filled = sa.and_(filled, text.is_not(None)) if text is not None else filled
        return filled

    # -- per column type ----------------------------------------------------------------
    def field(self, name: str, column: Column) -> Typed | None:
        """The typed field, or None when the engine cannot type this column at all."""
        kind = column.type
        if column.spelling.formats and kind in ("date", "deadline"):
            return None  # custom strptime formats: read in Python
        if column.spelling.decimal != "." and kind in ("number", "rating"):
            return None  # decimal commas: read in Python
        zone = column.spelling.zone_name
        if kind in ("rating", "yesno"):
            value = self._boolean(name, column.spelling, scored=kind == "rating")
        elif kind in ("date", "deadline"):
            value = (self._as_date if kind == "date" else self._as_deadline)(name, zone)
        else:
            value = (self._as_text if kind == "text" else self._as_number)(name)
        if value is None:
            return None
        if kind in ("date", "deadline"):
            value = self._plausible(value, column.spelling)
        return Typed(value, self.present(name))

    def _plausible(self, value: Any, spelling: Spelling) -> Any:
        """NULL outside the rulebook's date_range (the readers refuse such a cell)."""
        low = dt.datetime.combine(spelling.earliest, dt.time())
        high = dt.datetime.combine(spelling.latest + dt.timedelta(days=1), dt.time())
        inside = sa.and_(
            value >= sa.literal(date_param(self.dialect, low)),
            value < sa.literal(date_param(self.dialect, high)),
        )
        return sa.case((inside, value), else_=sa.null())

    def _as_text(self, name: str) -> Any:
        return self._text(name)

    def _as_number(self, name: str) -> Any:
        col, kind = self.cells.raw(name), self.kinds.get(name)
        plausible = sa.func.abs(col) <= LARGEST  # false for NaN and infinities too
        if self.dialect == "sqlite":
            numeric = self.cells.storage(name).in_(["integer", "real"])
            return sa.case((sa.and_(numeric, plausible), sa.cast(col, sa.Float)), else_=sa.null())
        if kind in ("integer", "float", "decimal"):
            return sa.case((plausible, sa.cast(col, sa.Float)), else_=sa.null())
        return None

    def _as_date(self, name: str, zone: str | None = None) -> Any:
        """The cell as a date; a zoned timestamp as the wall clock of the rulebook's ``zone``
        (as the readers convert it; without a zone name, the machine's: read in Python)."""
        col, kind = self.cells.raw(name), self.kinds.get(name)
        if kind == "zoned":
            return None if zone is None else sa.func.timezone(sa.cast(zone, sa.Text), col)
        if self.dialect == "sqlite" and name in self.trusted:
            text = self._text(name)  # every value checked: already ISO, or normalised cheaply
            return text if self.trusted[name] == "as is" else sa.func.datetime(text)
        if self.dialect == "sqlite":
            text = self._text(name)
            shaped = sa.or_(*(text.op("GLOB")(form) for form in SQLITE_FORMS))
            normal = sa.func.datetime(text)
            real = normal == sa.func.datetime(sa.func.julianday(text))  # 02-30, 24:00: not real
            return sa.case((sa.and_(shaped, real), normal), else_=sa.null())
        if kind == "timestamp":
            return col
        if kind == "date":
            return sa.cast(col, sa.DateTime)
        if kind == "text" and self.dialect == "duckdb":
            text = self._text(name)
            shaped = sa.or_(*(sa.func.regexp_full_match(text, form) for form in ISO_FORMS))
            return sa.case((shaped, sa.try_cast(text, sa.DateTime)), else_=sa.null())
        return None

    def _as_deadline(self, name: str, zone: str | None = None) -> Any:
        value = self._as_date(name, zone)
        if value is None:
            return None
        if self.dialect == "sqlite":
            midnight = sa.func.substr(value, 12) == "00:00:00"
            end = sa.func.substr(value, 1, 10) + END_OF_DAY
            return sa.case((midnight, end), else_=value)
        midnight = sa.cast(sa.cast(value, sa.Date), sa.DateTime) == value
        end = value + sa.text("INTERVAL '1 day'") - sa.text("INTERVAL '1 microsecond'")
        return sa.case((midnight, end), else_=value)

    def _words(self, name: str, words: Mapping[str, bool]) -> Any:
        text = self._text(name)
        if text is None:
            return None
        folded = sa.func.lower(text)
        yes = [w for w, v in words.items() if v]
        no = [w for w, v in words.items() if not v]
        return sa.case((folded.in_(yes), sa.true()), (folded.in_(no), sa.false()), else_=sa.null())

    def _boolean(self, name: str, spelling: Spelling, *, scored: bool) -> Any:
        """Yes/no, or a rating as satisfied or not, by the column's own vocabulary."""
        col, kind = self.cells.raw(name), self.kinds.get(name)
        words = dict(spelling.yes_no)
        if scored:  # words and whole scores written as text
            words |= {w: s >= SATISFIED_FROM for w, s in spelling.scores.items()}
            words |= {str(n): n >= SATISFIED_FROM for n in range(1, 6)}

        def from_number(x: Any) -> Any:
            if scored:  # 1-5: 4 and 5 are satisfied; 4.5 too
                return sa.case((x.between(*SCALE), x >= SATISFIED_FROM), else_=sa.null())
            return sa.case((x == 1, sa.true()), (x == 0, sa.false()), else_=sa.null())

        if self.dialect == "sqlite":
            storage = self.cells.storage(name)
            return sa.case(
                (storage.in_(["integer", "real"]), from_number(col)),
                (storage == "text", self._words(name, words)),
                else_=sa.null(),
            )
        if kind == "boolean":
            return col
        if kind in ("integer", "float", "decimal"):
            return from_number(col)
        if kind == "text":
            return self._words(name, words)
        return None


def clean_text(dialect: str, expr: Any) -> Any:
    """Text as the readers compare it (:func:`cskpi.language.spelling.clean`: NFKC, zero-width
    marks dropped, runs of white space as one space, trimmed). SQLite and DuckDB call that
    very function (registered on each connection); PostgreSQL spells it with ``normalize``
    (its Unicode tables, 13 and later, in a UTF8 database: :func:`cleans_text`)."""
    if dialect != "postgresql":
        return getattr(sa.func, CLEAN_FUNCTION)(expr)
    nfkc = sa.func.normalize(expr, sa.literal_column("NFKC"))
    visible = sa.func.regexp_replace(nfkc, sa.literal(INVISIBLE), sa.literal(""), sa.literal("g"))
    spaced = sa.func.regexp_replace(
        visible, sa.literal(WHITESPACE_RUN), sa.literal(" "), sa.literal("g")
    )
    return sa.func.btrim(spaced, sa.literal(" ")).collate("C")  # ordered by code point


def cleans_text(dialect: str, conn: Any) -> bool:
    """Whether text can be cleaned in this database (PostgreSQL: normalize() needs version 13
    and a UTF8 server encoding); where not, a text comparison is evaluated in Python."""
    if dialect != "postgresql":
        return dialect in ("sqlite", "duckdb")
    version = conn.execute(sa.text("SHOW server_version_num")).scalar()
    encoding = conn.execute(sa.text("SHOW server_encoding")).scalar()
    return int(version) >= 130000 and str(encoding).upper() in ("UTF8", "UTF-8")


def date_param(dialect: str, value: Any) -> Any:
    """A date for comparison with a typed date: text in SQLite (its dates are ISO text)."""
    stamp = value.to_pydatetime() if hasattr(value, "to_pydatetime") else value
    if dialect != "sqlite":
        return stamp
    text = stamp.strftime("%Y-%m-%d %H:%M:%S")
    return text + f".{stamp.microsecond:06d}" if stamp.microsecond else text
