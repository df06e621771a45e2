"""What a file really is, from its first bytes, before anything parses it.

A CSV renamed .xlsx is read as the CSV it is; a FIFO or a folder is refused before it is
opened (it would block the run); an encrypted workbook is named as such, never guessed at."""

from __future__ import annotations

import hashlib
import stat
from pathlib import Path

from cskpi.errors import InputError, Problem
from cskpi.read.archive import check_zip
from cskpi.read.sources import SUFFIXES, TABLE_SUFFIXES, ExcelSource, Source
from cskpi.read.tablefile import TableSource


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def sniff(path: Path) -> str:
    """The real format of ``path`` from its first bytes: 'excel', 'table' or 'parquet'.

    A CSV renamed .xlsx is read as the CSV it is; an OLE container that is not an .xls is an
    encrypted (password-protected) workbook; anything else is named, never guessed at.
    """
    file = str(path)
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        raise InputError("input.file_not_found", file=file) from None
    except PermissionError:
        raise InputError("input.permission", file=file) from None
    if not stat.S_ISREG(mode):  # checked before opening: a FIFO would block the run
        kind = (
            "filetype.folder"
            if stat.S_ISDIR(mode)
            else "filetype.fifo"
            if stat.S_ISFIFO(mode)
            else "filetype.special"
        )
        raise InputError("input.not_a_file", file=file, kind=Problem(kind))
    try:
        with path.open("rb") as handle:
            sample = handle.read(1 << 16)
    except PermissionError:
        raise InputError("input.permission", file=file) from None
    if not sample:
        raise InputError("input.empty_file", file=file)
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise InputError("input.unsupported_suffix", file=file, suffix=suffix or "(none)")
    if sample.startswith(b"\xd0\xcf\x11\xe0"):
        # An OLE container: an encrypted (password-protected) xlsx, or a real .xls
        if "EncryptedPackage".encode("utf-16-le") in sample:
            raise InputError("input.encrypted", file=file)
        return "excel" if suffix == ".xls" else "excel-by-content"
    if sample.startswith(b"PK\x03\x04"):
        if suffix in TABLE_SUFFIXES:
            raise InputError("input.wrong_format", file=file, kind=Problem("format.zip"))
        check_zip(path)
        return "excel" if suffix != ".xls" else "excel-by-content"
    if sample.startswith(b"PAR1"):
        return "parquet"
    if suffix in TABLE_SUFFIXES or _looks_like_text(sample):  # a CSV's bad bytes: named later
        return "table"
    raise InputError("input.wrong_format", file=file, kind=Problem("format.binary"))


def _looks_like_text(sample: bytes) -> bool:
    if b"\x00" in sample:
        return False
    for encoding in ("utf-8", "gb18030"):
        try:
            sample.decode(encoding)
            return True
        except UnicodeDecodeError as exc:
            if exc.start > len(sample) - 4:  # a character cut by the sample's end
                return True
    return False


def open_source(path: Path, kind: str) -> Source:
    if kind.startswith("excel"):
        return ExcelSource(path, by_content=kind == "excel-by-content")
    return TableSource(path, parquet=kind == "parquet")
