"""Waivers: approved exclusions of single records from a standard, with a reason.

A manager excludes a complaint that was not the team's fault without editing the source
data: a YAML file or a sheet named 豁免 (waivers) lists the record id, the standard (or
``all``), the reason, the approver and the date. Waived rows are left out of the
computation, counted in every output and kept in the history.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from pathlib import Path

from cskpi.errors import InputError
from cskpi.evaluate.datasets import Waiver

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
    approved = values.get("approved_on")
    if isinstance(approved, dt.datetime):
        approved = approved.date()
    return Waiver(
        str(values["record_id"]).strip(),
        standard,
        str(values["reason"]).strip(),
        str(values["approver"]).strip(),
        str(approved or "").strip()[:10],
    )


def load_waivers(path: Path, standards: Iterable[str]) -> list[Waiver]:
    """Read a waivers file: YAML (``waivers: [...]``) or a workbook with a 豁免 sheet."""
    known = set(standards)
    if not path.is_file():  # missing, or a FIFO, device or folder: refused before opening
        from cskpi.read.inputs import sniff

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
    from cskpi.read.inputs import sniff
    from cskpi.read.sources import ExcelSource, TableSource

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
