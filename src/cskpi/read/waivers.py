"""Waivers: approved exclusions of single records from a standard, with a reason.

A manager excludes a complaint that was not the team's fault without editing the source
data: a YAML file or a sheet named 豁免 (waivers) lists the record id, the standard (or
``all``), the reason, the approver and the date. Waived rows are left out of the
computation, counted in every output and kept in the history. A waiver must say when it
was approved, with a real date that is not still to come; one approved after an ``--as-of``
is left out of that run, with a warning.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from pathlib import Path

import pandas as pd

from cskpi.errors import InputError, Problem
from cskpi.evaluate.datasets import Waiver
from cskpi.language.spelling import clean

SHEET_NAMES = ("豁免", "waivers", "豁免清单")
HEADERS = {
    "record_id": ("编号", "记录编号", "record_id", "id"),
    "standard": ("标准", "standard"),
    "reason": ("原因", "理由", "reason"),
    "approver": ("批准人", "审批人", "approver"),
    "approved_on": ("日期", "批准日期", "date", "approved_on"),
}


def _waiver(values: Mapping[str, object], where: str, known: set[str]) -> Waiver:
    missing = [
        k for k in ("record_id", "reason", "approver") if not str(values.get(k) or "").strip()
    ]
    if missing:
        raise InputError("waivers.incomplete", where=where, fields=", ".join(missing))
    standard = str(values.get("standard") or "all").strip()
    if standard != "all" and standard not in known:
        raise InputError(
            "waivers.unknown_standard",
            where=where,
            standard=standard,
            known=", ".join(sorted(known)),
        )
    return Waiver(
        str(values["record_id"]).strip(),
        standard,
        str(values["reason"]).strip(),
        str(values["approver"]).strip(),
        _approved_on(values.get("approved_on"), where).isoformat(),
    )


_DATE = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:[ T].*)?")


def _approved_on(value: object, where: str) -> dt.date:
    """The approval date: a real date, not after today. A waiver with no date, a date that
    is not one (2026-13-01) or one still to come is not shown to be approved: refused."""
    from cskpi.evaluate.periods import today

    if isinstance(value, dt.datetime):
        day = value.date()
    elif isinstance(value, dt.date):
        day = value
    else:
        text = clean(str(value or ""))
        if not text:
            raise InputError("waivers.incomplete", where=where, fields="approved_on")
        match = _DATE.fullmatch(text)
        try:
            if match is None:
                raise ValueError(text)
            day = dt.date(*map(int, match.groups()))
        except ValueError:
            raise InputError("waivers.bad_date", where=where, value=text) from None
    if day > today():
        raise InputError("waivers.future_date", where=where, value=str(day), today=str(today()))
    return day


def approved_by(
    waivers: Iterable[Waiver], as_of: pd.Timestamp | None
) -> tuple[tuple[Waiver, ...], list[Problem]]:
    """The waivers approved by an ``--as-of`` given on the command line, and a warning per
    one approved after it (left out: the run shows things as they stood then). With no
    ``--as-of`` every waiver applies: a month's complaints are excused after it ends."""
    kept: list[Waiver] = []
    later: list[Problem] = []
    for w in waivers:
        if as_of is not None and w.approved_on > f"{as_of:%Y-%m-%d}":
            later.append(
                Problem(
                    "waivers.after_as_of",
                    {"id": w.record_id, "date": w.approved_on, "as_of": f"{as_of:%Y-%m-%d %H:%M}"},
                )
            )
        else:
            kept.append(w)
    return tuple(kept), later


def load_waivers(path: Path, standards: Iterable[str]) -> list[Waiver]:
    """Read a waivers file: YAML (``waivers: [...]``) or a workbook with a 豁免 sheet."""
    known = set(standards)
    if not path.is_file():  # missing, or a FIFO, device or folder: refused before opening
        from cskpi.read.sniff import sniff

        sniff(path)
        raise InputError("input.file_not_found", file=str(path))
    if path.suffix.lower() in (".yaml", ".yml"):
        from cskpi.rulebook.yamlfile import load_yaml

        data, lines, _digest = load_yaml(path)
        items = (data or {}).get("waivers") if isinstance(data, dict) else None
        if not isinstance(items, list):
            raise InputError("waivers.shape", file=str(path))
        return [
            _waiver(
                item if isinstance(item, dict) else {},
                f"{path}:{lines.line(('waivers', i))}",
                known,
            )
            for i, item in enumerate(items)
        ]
    return _from_sheet(path, known)


def _from_sheet(path: Path, known: set[str]) -> list[Waiver]:
    from cskpi.language.syntax import normalize_name
    from cskpi.read.sniff import sniff
    from cskpi.read.sources import ExcelSource
    from cskpi.read.tablefile import TableSource

    kind = sniff(path)
    source = (
        ExcelSource(path)
        if kind.startswith("excel")
        else TableSource(path, parquet=kind == "parquet")
    )
    names = source.sheet_names()
    wanted = {normalize_name(n) for n in SHEET_NAMES}
    sheet = next(
        (n for n in names if normalize_name(n) in wanted), names[0] if source.single_table else None
    )
    if sheet is None:
        raise InputError("waivers.no_sheet", file=str(path), present=", ".join(names))
    raw = source.sheet(sheet)
    head = raw.head(1)[0] if raw.rows else []
    lookup = {normalize_name(alias): key for key, aliases in HEADERS.items() for alias in aliases}
    columns = {
        lookup[normalize_name(c)]: i
        for i, c in enumerate(head)
        if c and normalize_name(c) in lookup
    }
    out = []
    for row in range(1, raw.rows):
        values = {
            key: raw.arrow(col, start=row, stop=row + 1)[0].as_py() for key, col in columns.items()
        }
        if not any(values.values()):
            continue
        out.append(_waiver(values, f"{path}, sheet '{sheet}', row {row + 1}", known))
    return out
