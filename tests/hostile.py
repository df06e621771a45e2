"""Builds the hostile fixtures of the catalogue (issue "Hostile and broken input").

Every fixture is generated here, in a temporary folder; none is a committed binary. Each
builder takes a folder and returns the path to evaluate.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import re
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

from openpyxl import Workbook

from tests.conftest import COMPLAINT_HEADERS, ROOT, write_workbook

ROW = [
    "C1",
    dt.datetime(2026, 10, 3, 9),
    "一组",
    "王芳",
    dt.date(2026, 10, 6),
    None,
    "描述",
    "张三",
    "13800000000",
]


def age(path: Path, seconds: int = 300) -> Path:
    """Written a while ago: an unreadable file is broken, not still being copied."""
    past = time.time() - seconds
    os.utime(path, (past, past))
    return path


def workbook(
    folder: Path, rows: list[list[object]], name: str = "m.xlsx", sheet: str = "投诉记录"
) -> Path:
    return write_workbook(folder / name, {sheet: rows})


def rewrite_zip(source: Path, target: Path, edit: Callable[[str, bytes], bytes]) -> Path:
    """Copy an xlsx, passing every part through ``edit(name, data)``."""
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info.filename, edit(info.filename, src.read(info.filename)))
    return age(target)


def missing(folder: Path) -> Path:
    return folder / "2026-10.xlsx"


def zero_bytes(folder: Path) -> Path:
    path = folder / "empty.xlsx"
    path.write_bytes(b"")
    return age(path)


def truncated(folder: Path) -> Path:
    good = workbook(folder, [COMPLAINT_HEADERS, ROW], "good.xlsx")
    path = folder / "truncated.xlsx"
    path.write_bytes(good.read_bytes()[:1500])
    good.unlink()
    return age(path)


def xls_named_xlsx(folder: Path) -> Path:
    import xlwt

    book = xlwt.Workbook(encoding="utf-8")
    ws = book.add_sheet("投诉记录")
    for c, header in enumerate(COMPLAINT_HEADERS):
        ws.write(0, c, header)
    ws.write(1, 0, "C1")
    ws.write(1, 1, "2026-10-03")
    ws.write(1, 2, "一组")
    path = folder / "old.xlsx"
    book.save(str(path))
    return age(path)


def encrypted(folder: Path) -> Path:
    """An OLE compound file with an EncryptedPackage stream, as Excel writes for a password."""
    header = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504
    directory = "EncryptedPackage".encode("utf-16-le") + b"\x00" * 94
    path = folder / "locked.xlsx"
    path.write_bytes(header + directory + b"\x00" * 1024)
    return age(path)


def too_many_entries(folder: Path) -> Path:
    path = folder / "entries.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        for i in range(10_001):
            archive.writestr(f"x/{i}", b"")
    return age(path)


def high_ratio(folder: Path) -> Path:
    path = folder / "ratio.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"\x00" * (40 * 1024**2))
    return age(path)


def billion_laughs(folder: Path) -> Path:
    good = workbook(folder, [COMPLAINT_HEADERS, ROW], "base.xlsx")
    bomb = (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
    )

    def edit(name: str, data: bytes) -> bytes:
        if name == "xl/worksheets/sheet1.xml":
            return bomb + (data.split(b"?>", 1)[1] if b"?>" in data else data)
        return data

    path = rewrite_zip(good, folder / "laughs.xlsx", edit)
    good.unlink()
    return path


def formatted_to_last_row(folder: Path) -> Path:
    book = Workbook()
    ws = book.active
    ws.title = "投诉记录"
    ws.append(COMPLAINT_HEADERS)
    ws.append(ROW)
    ws.cell(row=1_048_576, column=1).number_format = "@"  # styled, empty, last row
    path = folder / "formatted.xlsx"
    book.save(path)
    return path


def wrong_dimension(folder: Path) -> Path:
    good = workbook(folder, [COMPLAINT_HEADERS, ROW, ["C2", "2026-10-04", "二组"]], "dim.xlsx")

    def edit(name: str, data: bytes) -> bytes:
        if name.startswith("xl/worksheets/"):
            start = data.find(b"<dimension ref=")
            end = data.find(b"/>", start)
            return data[:start] + b'<dimension ref="A1:B2"' + data[end:]
        return data

    path = rewrite_zip(good, folder / "dimension.xlsx", edit)
    good.unlink()
    return path


def merged_and_odd_headers(folder: Path) -> Path:
    book = Workbook()
    ws = book.active
    ws.title = "投诉记录"
    ws.append(["2026年10月投诉", None, None])
    ws.merge_cells("A1:C1")
    headers = ["\ufeff投诉编号", "投诉日期 ", "团　队", None, "承诺期限", "解决\u200b日期"]
    ws.append(headers)
    ws.append(["C1", "2026-10-03", "一组", "x", "2026-10-05", None])
    path = folder / "headers.xlsx"
    book.save(path)
    return path


def uncached_formula(folder: Path) -> Path:
    book = Workbook()
    ws = book.active
    ws.title = "投诉记录"
    ws.append(COMPLAINT_HEADERS)
    ws.append(["C1", "=DATE(2026,10,3)", "一组", "王芳", "2026-10-06", None, "描述", "张三", "1"])
    path = folder / "formula.xlsx"
    book.save(path)
    return path


def uncached_formula_beside_survey(folder: Path) -> Path:
    """Two dataset sheets, parsed two at a time: the formula scan runs after the parses."""
    book = Workbook()
    survey = book.active
    survey.title = "客户满意度"
    survey.append(["问卷编号", "调查日期", "团队", "到达速度", "回答准确", "服务礼貌", "解决结果"])
    survey.append(["S1", "2026-10-03", "一组", 5, 5, 5, 5])
    ws = book.create_sheet("投诉记录")
    ws.append(COMPLAINT_HEADERS)
    ws.append(["C1", "2026-10-02", "一组", "王芳", "2026-10-06", None, "描述", "张三", "1"])
    ws.append(["C2", "2026-10-03", "一组", "王芳", "=DATE(2026,10,9)", None, "描述", "李四", "1"])
    path = folder / "formula-two-sheets.xlsx"
    book.save(path)
    return path


def cached_errors(folder: Path) -> Path:
    book = Workbook()
    ws = book.active
    ws.title = "客户满意度"
    ws.append(["问卷编号", "调查日期", "团队", "到达速度", "回答准确", "服务礼貌", "解决结果"])
    ws.append(["S1", "2026-10-03", "一组", "#DIV/0!", 5, 5, "#N/A"])
    path = folder / "errors.xlsx"
    book.save(path)
    return path


def bad_values(folder: Path) -> Path:
    book = Workbook()
    ws = book.active
    ws.title = "客户满意度"
    ws.append(["问卷编号", "调查日期", "团队", "到达速度", "回答准确", "服务礼貌", "解决结果"])
    ws.append(["S1", "2026-10-03", "一组", "6分", 5, 5, 5])
    ws.append(["S2", "十月三日", "一组", 5, "N/A", 5, 5])
    ws.append(["S3", "2026-10-04", "一组", 4, 4, 4, 4])
    for row in ws.iter_rows():
        for cell in row:
            if isinstance(cell.value, str):
                cell.data_type = "s"
    path = folder / "bad.xlsx"
    book.save(path)
    return path


def csv_bytes(folder: Path, content: bytes, name: str = "complaints.csv") -> Path:
    path = folder / name
    path.write_bytes(content)
    return age(path)


def zipped(data: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in data.items():
            archive.writestr(name, content)
    return buffer.getvalue()


# --- files and history (issue "Safe by construction") -----------------------------------------

# The history schema before PRAGMA user_version (version 0), as cskpi 0.1 created it.
LEGACY_SCHEMA = """
CREATE TABLE runs (id INTEGER PRIMARY KEY, recorded_at TEXT NOT NULL, rulebook TEXT NOT NULL,
    rulebook_sha256 TEXT NOT NULL, period TEXT NOT NULL, as_of TEXT NOT NULL,
    group_by TEXT NOT NULL, inputs TEXT NOT NULL, cskpi_version TEXT NOT NULL,
    exit_code INTEGER NOT NULL);
CREATE TABLE results (rulebook TEXT NOT NULL, standard TEXT NOT NULL, group_by TEXT NOT NULL,
    group_value TEXT NOT NULL, period TEXT NOT NULL, status TEXT NOT NULL, actual REAL,
    comparison TEXT NOT NULL, target REAL NOT NULL, level TEXT NOT NULL, metric TEXT NOT NULL,
    run_id INTEGER NOT NULL REFERENCES runs(id), recorded_at TEXT NOT NULL,
    PRIMARY KEY (rulebook, standard, group_by, group_value, period));
CREATE TABLE waivers (rulebook TEXT NOT NULL, period TEXT NOT NULL, record_id TEXT NOT NULL,
    standard TEXT NOT NULL, reason TEXT NOT NULL, approver TEXT NOT NULL,
    approved_on TEXT NOT NULL, run_id INTEGER NOT NULL REFERENCES runs(id),
    PRIMARY KEY (rulebook, period, record_id, standard));
INSERT INTO runs VALUES (1, '2026-10-01T06:30:00', 'customer-service-supervisor', 'x',
    '2026-09', '2026-09-30T23:59:59', '', '[]', '0.1.0', 0);
INSERT INTO results VALUES ('customer-service-supervisor', 'complaints_per_month', '', '',
    '2026-09', 'pass', 4, '<=', 5, 'required', 'count', 1, '2026-10-01T06:30:00');
"""


def legacy_history(folder: Path) -> Path:
    import sqlite3

    path = folder / "old.sqlite3"
    with sqlite3.connect(path) as conn:
        conn.executescript(LEGACY_SCHEMA)
    conn.close()
    return path


# Runs cskpi with the Excel writer slowed down: once the temporary card is fully written it
# touches the marker file (argv[1]) and sleeps, so a test can kill the run mid-write.
SLOW_WRITE = """
import sys, time, pathlib
import cskpi.present.excel as excel
real, marker = excel.write_xlsx, pathlib.Path(sys.argv[1])
def slow(card, tmp, *args, **kwargs):
    real(card, tmp, *args, **kwargs)
    marker.write_text(str(tmp))
    time.sleep(120)
excel.write_xlsx = slow
from cskpi.cli import main
sys.argv = ["cskpi", *sys.argv[2:]]
main()
"""

# Runs cskpi with the Unix-only modules made unimportable, as on Windows.
NO_UNIX = """
import sys
for name in ("fcntl", "termios", "pwd", "grp", "resource"):
    sys.modules[name] = None  # import raises ImportError
from cskpi.cli import main
sys.argv = ["cskpi", *sys.argv[1:]]
main()
"""

# Holds a read transaction on a SQLite file (argv[1]) until stdin closes.
READER = """
import sqlite3, sys
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute("BEGIN")
conn.execute("SELECT COUNT(*) FROM results").fetchone()
print("reading", flush=True)
sys.stdin.read()
"""


# --- data is only ever text (issue 13): hostile cell values ---------------------------------

# A name for each case, and the text a hostile workbook puts in a cell.
HOSTILE_TEXT = {
    "clear screen": "\x1b[2J红队",
    "window title": "\x1b]0;owned\x07组",
    "bel nul del": "a\x07b\x00c\x7f",
    "c1 csi": "\x9b31m红",
    "rtl override": "\u202e队一",
    "isolates": "\u2066组\u2069",
    "closing tag": "[/]",
    "styled pass": "[green]✓ 达标[/green]",
    "link": "[link=http://x.invalid]点我[/link]",
    "formula": "=1+1",
    "dde": "cmd|' /C calc'!A0",
    "unc reference": "'\\\\host\\s\\[x.xlsx]s'!$A$1",
    "at": "@SUM(A1)",
    "markdown": "a|b<script>*x*",
}


def complaint_row(
    cid: str, team: str = "一组", text: str = "描述", customer: str = "张三", phone: str = "1"
) -> list[object]:
    """A complaint received on 2026-10-03, promised for 10-06 and never resolved: overdue."""
    return ["C" + cid, "2026-10-03", team, text, "2026-10-06", "", text, customer, phone]


def complaints_csv(folder: Path, rows: list[list[object]], name: str = "c.csv") -> Path:
    """A complaints CSV (any character survives in CSV; a workbook cell refuses controls)."""
    import csv

    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows([COMPLAINT_HEADERS, *rows])
    return csv_bytes(folder, buffer.getvalue().encode("utf-8"), name)


# Characters XML cannot hold: Excel stores them as _xHHHH_ (fastexcel decodes them back).
XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")
MARK = re.compile("\ue000([0-9A-F]{4})\ue001")  # private use: never in the generated text


def complaints_xlsx(folder: Path, rows: list[list[object]], name: str = "c.xlsx") -> Path:
    """The same rows in a workbook, control characters written as Excel writes them."""

    def mark(value: object) -> object:
        if isinstance(value, str):
            return XML_ILLEGAL.sub(lambda m: f"\ue000{ord(m.group()):04X}\ue001", value)
        return value

    plain = workbook(folder, [COMPLAINT_HEADERS, *[[mark(v) for v in r] for r in rows]], "p.xlsx")

    def edit(part: str, data: bytes) -> bytes:
        if part.endswith(".xml"):
            return MARK.sub(r"_x\1_", data.decode("utf-8")).encode("utf-8")
        return data

    path = rewrite_zip(plain, folder / name, edit)
    plain.unlink()
    return path


def xlsx_formulas(path: Path) -> tuple[list[str], list[str], list[str]]:
    """Every cell formula (<f>), every chart reference (<c:f>) and the sheet names."""
    import re

    formulas: list[str] = []
    references: list[str] = []
    with zipfile.ZipFile(path) as archive:
        for part in archive.namelist():
            text = archive.read(part).decode("utf-8")
            if part.startswith("xl/worksheets/"):
                formulas += re.findall(r"<f[ >].*?</f>", text)
            if part.startswith("xl/charts/"):
                references += re.findall(r"<c:f>(.*?)</c:f>", text)
        names = re.findall(r'<sheet name="([^"]*)"', archive.read("xl/workbook.xml").decode())
    return formulas, references, names


def complaints_rules(folder: Path, limit: int = 5, extra: tuple[dict, ...] = ()) -> Path:
    """The default rulebook with only its complaints dataset and standards (a workbook of
    complaints alone is then complete), ``limit`` complaints a month allowed, and ``extra``
    standards added."""
    import yaml

    text = (ROOT / "rules" / "customer-service-supervisor.yaml").read_text(encoding="utf-8")
    book = yaml.safe_load(text)
    book["datasets"] = {"complaints": book["datasets"]["complaints"]}
    book["standards"] = [s for s in book["standards"] if s["dataset"] == "complaints"]
    book["standards"] += list(extra)
    book["standards"][0]["target"] = limit  # complaints_per_month
    path = folder / f"complaints-{limit}.yaml"
    path.write_text(yaml.safe_dump(book, allow_unicode=True), encoding="utf-8")
    return path
