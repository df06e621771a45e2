"""Refusing hostile workbook archives before any parser sees them.

An .xlsx is a zip of XML parts. A zip bomb (too many entries, too much uncompressed data,
an absurd compression ratio) or XML with a DOCTYPE (entity expansion, "billion laughs")
is refused here, reading only the zip directory and the first bytes of each XML part, so
memory stays bounded whatever the file claims.
"""

from __future__ import annotations

import html
import re
import zipfile
import zlib
from pathlib import Path

from cskpi.errors import InputError

MAX_ENTRIES = 10_000
MAX_TOTAL_BYTES = 4 * 1024**3  # uncompressed; a million-row month is well under 1 GB
MAX_RATIO = 200  # real sheets compress about 10:1; repeated data rarely beyond 100:1
RATIO_FLOOR = 10 * 1024**2  # small parts may compress absurdly well and still be harmless
XML_HEAD = 4096


def check_zip(path: Path) -> None:
    """Raise :class:`InputError` for an archive that is a bomb or carries XML entities."""
    file = str(path)
    try:
        with zipfile.ZipFile(path) as archive:
            entries = archive.infolist()
            if len(entries) > MAX_ENTRIES:
                raise InputError(
                    "input.zip_bomb",
                    file=file,
                    reason=f"{len(entries)} entries (limit {MAX_ENTRIES})",
                )
            total = sum(e.file_size for e in entries)
            if total > MAX_TOTAL_BYTES:
                raise InputError(
                    "input.zip_bomb",
                    file=file,
                    reason=f"{total:,} bytes uncompressed (limit {MAX_TOTAL_BYTES:,})",
                )
            for entry in entries:
                ratio = entry.file_size / max(entry.compress_size, 1)
                if entry.file_size > RATIO_FLOOR and ratio > MAX_RATIO:
                    raise InputError(
                        "input.zip_bomb",
                        file=file,
                        reason=f"{entry.filename} expands {ratio:,.0f} times (limit {MAX_RATIO})",
                    )
            for entry in entries:
                if not entry.filename.endswith((".xml", ".rels", ".vml")):
                    continue
                with archive.open(entry) as handle:
                    head = handle.read(XML_HEAD)
                if b"<!DOCTYPE" in head or b"<!ENTITY" in head:
                    raise InputError("input.xml_entities", file=file, part=entry.filename)
    except zipfile.BadZipFile as exc:
        raise InputError("input.corrupt", file=file, reason=str(exc)) from None
    except (OSError, EOFError, NotImplementedError, ValueError, zlib.error) as exc:
        raise InputError(
            "input.corrupt", file=file, reason=str(exc) or type(exc).__name__
        ) from None


UNCACHED = "formula"  # marker for a formula cell whose result was never saved
SCAN_LIMIT = 2 * 1024**3  # compressed sheet size; beyond it (far past Excel's row limit) no scan
_CELL = re.compile(  # a cell holding a formula and no (or an empty) value
    rb'<c r="([A-Z]+)(\d+)"[^>]*>\s*<f(?:\s[^>]*)?(?:/>|>[^<]*</f>)\s*'
    rb"(?:<v\s*/>|<v>\s*</v>)?\s*</c>"
)
_SHEET = re.compile(r'<sheet\b[^>]*?\bname="([^"]*)"[^>]*?\br:id="([^"]*)"')
_REL = re.compile(r'<Relationship\b[^>]*?\bId="([^"]*)"[^>]*?\bTarget="([^"]*)"')
_REL_REVERSED = re.compile(r'<Relationship\b[^>]*?\bTarget="([^"]*)"[^>]*?\bId="([^"]*)"')


def _column_index(letters: bytes) -> int:
    index = 0
    for ch in letters:
        index = index * 26 + (ch - 64)
    return index - 1


def sheet_parts(archive: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name -> the zip part holding it, from workbook.xml and its relationships."""
    workbook = archive.read("xl/workbook.xml").decode("utf-8", "replace")
    rels = archive.read("xl/_rels/workbook.xml.rels").decode("utf-8", "replace")
    targets = dict(_REL.findall(rels)) | {i: t for t, i in _REL_REVERSED.findall(rels)}
    parts = {}
    for name, rid in _SHEET.findall(workbook):
        target = targets.get(rid, "")
        part = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
        parts[html.unescape(name)] = part
    return parts


def uncached_formulas(path: Path, sheet: str) -> set[tuple[int, int]]:
    """(row, column), 0-based, of formula cells with no saved result in one xlsx sheet.

    Such a cell reads as blank, which would silently drop a value: it is reported instead.
    The XML is streamed in 1 MB chunks (bounded memory); the caller runs this beside the
    parser, on the other core.
    """
    try:
        with zipfile.ZipFile(path) as archive:
            part = sheet_parts(archive).get(sheet)
            if part is None or archive.getinfo(part).compress_size > SCAN_LIMIT:
                return set()
            found: set[tuple[int, int]] = set()
            tail = b""
            with archive.open(part) as handle:
                while chunk := handle.read(1 << 20):
                    data = tail + chunk
                    if b"<f" in data:
                        for match in _CELL.finditer(data):
                            found.add((int(match.group(2)) - 1, _column_index(match.group(1))))
                    cut = data.rfind(b"<c ")
                    tail = data[cut:] if cut >= 0 else b""
            return found
    except (KeyError, zipfile.BadZipFile, OSError, EOFError, ValueError, zlib.error):
        return set()  # a damaged part: the reader reports the workbook itself


_DIMENSION = re.compile(rb'<dimension ref="([A-Z]+)(\d+)(?::([A-Z]+)(\d+))?"')
XML_BYTES_PER_CELL = 30  # a sheet with no <dimension>: shared-string cells take about this


def sheet_cells(path: Path, sheets: list[str]) -> int | None:
    """About how many cells ``sheets`` of an xlsx hold: rows x columns of each sheet's
    ``<dimension>`` (read from the first bytes of its XML), else its XML size over
    :data:`XML_BYTES_PER_CELL`; None when the parts cannot be read."""
    try:
        with zipfile.ZipFile(path) as archive:
            parts = sheet_parts(archive)
            total = 0
            for sheet in sheets:
                info = archive.getinfo(parts[sheet])
                with archive.open(info) as handle:
                    head = handle.read(XML_HEAD)
                found = _DIMENSION.search(head)
                if found is None or found.group(3) is None:
                    total += info.file_size // XML_BYTES_PER_CELL
                    continue
                rows = int(found.group(4)) - int(found.group(2)) + 1
                columns = _column_index(found.group(3)) - _column_index(found.group(1)) + 1
                total += max(rows, 0) * max(columns, 0)
            return total
    except (KeyError, zipfile.BadZipFile, OSError, EOFError, ValueError, zlib.error):
        return None
