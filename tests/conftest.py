"""Tiny workbooks and frames built in tmp_path, so every number in a test is worked out by hand."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import Workbook

from cskpi.evaluate.engine import evaluate
from cskpi.evaluate.periods import parse_period
from cskpi.evaluate.scorecard import Result, Scorecard
from cskpi.read.inputs import read_workbook
from cskpi.rulebook.compiled import Rulebook
from cskpi.rulebook.load import load_rulebook

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "samples" / "2026-10.xlsx"

COMPLAINT_HEADERS = [
    "投诉编号",
    "投诉日期",
    "团队",
    "客服人员",
    "承诺期限",
    "解决日期",
    "投诉内容",
    "客户名称",
    "联系电话",
]
SURVEY_HEADERS = ["问卷编号", "调查日期", "团队", "到达速度", "回答准确", "服务礼貌", "解决结果"]

Rows = Sequence[Sequence[object]]


def write_workbook(path: Path, sheets: dict[str, Rows]) -> Path:
    """Write ``sheets`` (name -> rows, header included) with openpyxl; dates stay real dates."""
    wb = Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for row in rows:
            ws.append(list(row))
            for cell in ws[ws.max_row]:
                if isinstance(cell.value, str):
                    cell.data_type = "s"  # '=1+1' or '#N/A' typed by a person: text, not formula
    wb.save(path)
    return path


def sheet_cells(path: Path) -> dict[str, list[list[str | None]]]:
    """Every sheet's cells as text, as an independent reader (fastexcel) sees them."""
    import fastexcel

    reader = fastexcel.read_excel(str(path))
    out = {}
    for name in reader.sheet_names:
        batch = reader.load_sheet(name, header_row=None, dtypes="string", skip_rows=0).to_arrow()
        out[name] = [list(row.values()) for row in batch.to_pylist()]
    return out


def make_old(path: Path, seconds: int = 300) -> Path:
    """Pretend ``path`` was written a while ago (a fresh unreadable file is 'not ready')."""
    import os
    import time

    past = time.time() - seconds
    os.utime(path, (past, past))
    return path


def complaint(
    cid: str,
    received: object,
    team: str = "一组",
    promised: object = None,
    resolved: object = None,
    agent: str = "王芳",
) -> list[object]:
    return [cid, received, team, agent, promised, resolved, "描述", "张三", "13800000000"]


def pytest_configure(config):
    """Module-scoped fixtures run before the per-test one below: keep them off ~ too."""
    import os
    import tempfile

    os.environ["XDG_DATA_HOME"] = tempfile.mkdtemp(prefix="cskpi-xdg-")


@pytest.fixture(autouse=True)
def private_data_home(tmp_path_factory, monkeypatch):
    """Every test gets its own history database, never the user's."""
    home = tmp_path_factory.mktemp("xdg")
    monkeypatch.setenv("XDG_DATA_HOME", str(home))
    return home


NOW = pd.Timestamp("2026-11-29 10:00:00")  # the suite's clock: October 2026 is over


@pytest.fixture(autouse=True)
def clock(monkeypatch) -> Callable[[str], None]:
    """Fix the one clock of a run (cskpi.evaluate.periods.now); call it to move it."""
    from cskpi.evaluate import periods

    def set_now(moment: str) -> None:
        monkeypatch.setattr(periods, "now", lambda *_: pd.Timestamp(moment))

    set_now(str(NOW))
    return set_now


@pytest.fixture(autouse=True)
def settle(monkeypatch) -> list[float]:
    """Inputs written just now are watched for a pause before reading: never sleep in tests.

    The pauses asked for are recorded; a test may replace ``cskpi.read.ready._wait`` to
    change a file during the pause."""
    from cskpi.read import ready

    waits: list[float] = []
    monkeypatch.setattr(ready, "_wait", waits.append)
    return waits


@pytest.fixture(scope="session")
def pg_server():
    """The PostgreSQL server of the test session (tests/databases.py), or a skip saying why."""
    import os

    from tests.databases import postgres_server

    server = postgres_server()
    url = next(server)
    if url is None:
        if os.environ.get("CI"):
            pytest.fail("CI must run the PostgreSQL tests: no server and no initdb/pg_ctl found")
        pytest.skip("no PostgreSQL: set CSKPI_TEST_POSTGRES_URL or install postgresql")
    yield url
    next(server, None)


@pytest.fixture
def pg_url(pg_server):
    """A fresh, empty database on the session's server."""
    import uuid

    import psycopg

    name = f"cskpi_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(pg_server, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    base, _, _db = pg_server.rpartition("/")
    yield f"{base}/{name}"
    with psycopg.connect(pg_server, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def rulebook() -> Rulebook:
    return load_rulebook()


@pytest.fixture
def make_book(tmp_path: Path) -> Callable[..., Path]:
    counter = iter(range(1000))

    def make(sheets: dict[str, Rows], name: str | None = None) -> Path:
        return write_workbook(tmp_path / (name or f"book{next(counter)}.xlsx"), sheets)

    return make


@pytest.fixture
def score(make_book: Callable[..., Path], rulebook: Rulebook) -> Callable[..., Scorecard]:
    """Write sheets, read them back through the real loader, and evaluate a period."""

    def run(
        sheets: dict[str, Rows],
        period: str = "2026-10",
        *,
        by: str | None = None,
        as_of: pd.Timestamp | None = None,
        strict: bool = False,
    ) -> Scorecard:
        data = read_workbook(make_book(sheets), rulebook, group_fields=["team"] if by else [])
        return evaluate(rulebook, data.frames, parse_period(period), as_of, by, strict=strict)

    return run


def pick(
    card: Scorecard, standard: str, group: str | None = None, period: str | None = None
) -> Result:
    found = [
        r
        for r in card.results
        if r.standard == standard and r.group == group and (period is None or r.period == period)
    ]
    assert len(found) == 1, found
    return found[0]


D = dt.datetime
