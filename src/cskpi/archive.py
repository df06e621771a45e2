"""Refusing hostile workbook archives before any parser sees them.

An .xlsx is a zip of XML parts. A zip bomb (too many entries, too much uncompressed data,
an absurd compression ratio) or XML with a DOCTYPE (entity expansion, "billion laughs")
is refused here, reading only the zip directory and the first bytes of each XML part, so
memory stays bounded whatever the file claims.
"""

from __future__ import annotations

import zipfile
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
    except (OSError, EOFError, NotImplementedError, ValueError) as exc:
        raise InputError(
            "input.corrupt", file=file, reason=str(exc) or type(exc).__name__
        ) from None
