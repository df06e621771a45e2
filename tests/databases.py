"""The same tables in SQLite, DuckDB and PostgreSQL, with native column types where they fit.

A column whose values are all date-times becomes TIMESTAMP, all whole numbers INTEGER, all
numbers DOUBLE; anything mixed is TEXT holding the text a workbook cell would show (5, not
5.0). SQLite keeps what it is given (its columns are typed by value).

The PostgreSQL server: ``CSKPI_TEST_POSTGRES_URL`` if set; else one started for the test
session from the machine's own binaries (``initdb``/``pg_ctl``, as the ``postgres`` user when
run as root, on a socket and a free loopback port); else the tests skip, saying why, except
under CI (``CI=true``), where a missing server is a failure. The server it starts trusts
every role but :data:`PASSWORD_ROLE`, which must give a password (scram-sha-256).
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path

from openpyxl import load_workbook

Table = tuple[list[str], list[list[object]]]  # header, rows
PASSWORD_ROLE = "cskpi_login"  # noqa: S105 - a role name: the session server asks it for a password


def tables_from_workbook(path: Path) -> dict[str, Table]:
    """Every sheet as (header, rows): title rows above the header and blank rows dropped."""
    out: dict[str, Table] = {}
    for ws in load_workbook(path, data_only=True):
        rows = [list(r) for r in ws.iter_rows(values_only=True)]
        start = next(i for i, r in enumerate(rows) if sum(isinstance(c, str) for c in r) >= 2)
        header = [str(h) for h in rows[start] if h is not None]
        body = [r[: len(header)] for r in rows[start + 1 :] if any(c is not None for c in r)]
        out[ws.title] = (header, body)
    return out


def _kind(values: Sequence[object]) -> str:
    present = [v for v in values if v is not None]
    if present and all(isinstance(v, dt.datetime) for v in present):
        return "timestamp"
    if present and all(isinstance(v, int) and not isinstance(v, bool) for v in present):
        return "integer"
    if present and all(isinstance(v, int | float) and not isinstance(v, bool) for v in present):
        return "double"
    return "text"


def _cell(value: object, kind: str) -> object:
    if value is None or kind != "text":
        return value
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    return str(value)


def typed(table: Table) -> tuple[list[str], list[list[object]]]:
    header, rows = table
    kinds = [_kind([r[i] for r in rows]) for i in range(len(header))]
    return kinds, [[_cell(v, k) for v, k in zip(r, kinds, strict=True)] for r in rows]


def _ddl(name: str, header: list[str], kinds: list[str], sql_types: dict[str, str]) -> str:
    cols = ", ".join(f'"{h}" {sql_types[k]}' for h, k in zip(header, kinds, strict=True))
    return f'CREATE TABLE "{name}" ({cols})'


def to_sqlite(path: Path, tables: dict[str, Table], *, native: bool = True) -> str:
    """Write ``tables`` into a new SQLite file; return its URL."""
    import sqlite3

    types = {"timestamp": "TIMESTAMP", "integer": "INTEGER", "double": "REAL", "text": "TEXT"}
    conn = sqlite3.connect(path)
    for name, table in tables.items():
        kinds, rows = typed(table)
        if not native:
            kinds = ["text"] * len(kinds)
            rows = [[_cell(v, "text") for v in r] for r in table[1]]
        conn.execute(_ddl(name, table[0], kinds, types))
        marks = ", ".join("?" * len(table[0]))
        conn.executemany(
            f'INSERT INTO "{name}" VALUES ({marks})',
            [
                [v.strftime("%Y-%m-%d %H:%M:%S") if isinstance(v, dt.datetime) else v for v in r]
                for r in rows
            ],
        )
    conn.commit()
    conn.close()
    return f"sqlite:///{path}"


def to_duckdb(path: Path, tables: dict[str, Table]) -> str:
    import duckdb

    types = {"timestamp": "TIMESTAMP", "integer": "BIGINT", "double": "DOUBLE", "text": "VARCHAR"}
    conn = duckdb.connect(str(path))
    for name, table in tables.items():
        kinds, rows = typed(table)
        conn.execute(_ddl(name, table[0], kinds, types))
        if rows:
            marks = ", ".join("?" * len(table[0]))
            conn.executemany(f'INSERT INTO "{name}" VALUES ({marks})', rows)
    conn.close()
    return f"duckdb:///{path}"


def to_postgres(url: str, tables: dict[str, Table]) -> None:
    import psycopg

    types = {
        "timestamp": "TIMESTAMP",
        "integer": "BIGINT",
        "double": "DOUBLE PRECISION",
        "text": "TEXT",
    }
    with psycopg.connect(url.replace("postgresql+psycopg", "postgresql"), autocommit=True) as c:
        for name, table in tables.items():
            kinds, rows = typed(table)
            c.execute(_ddl(name, table[0], kinds, types))
            if rows:
                marks = ", ".join(["%s"] * len(table[0]))
                with c.cursor() as cur:
                    cur.executemany(f'INSERT INTO "{name}" VALUES ({marks})', rows)


def _binaries() -> Path | None:
    found = shutil.which("pg_ctl")
    if found:
        return Path(found).resolve().parent
    versions = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"))
    return versions[-1].parent if versions else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def postgres_server() -> Iterator[str | None]:
    """Yield a superuser URL of a running server, or None (with the reason printed)."""
    given = os.environ.get("CSKPI_TEST_POSTGRES_URL")
    if given:
        yield given
        return
    binaries = _binaries()
    if binaries is None:
        yield None
        return
    base = Path(tempfile.mkdtemp(prefix="cskpi-pg-"))
    as_root = os.geteuid() == 0 if hasattr(os, "geteuid") else False
    prefix: list[str] = []
    if as_root:  # initdb refuses root: run the server as the postgres user
        shutil.chown(base, user="postgres")
        prefix = ["runuser", "-u", "postgres", "--"]
    data, port = base / "data", _free_port()
    subprocess.run(
        [
            *prefix,
            str(binaries / "initdb"),
            "-D",
            str(data),
            "-A",
            "trust",
            "-U",
            "postgres",
            "-E",
            "UTF8",
            "--locale",
            "C",
        ],
        check=True,
        capture_output=True,
    )
    # trust for the tests' superuser; PASSWORD_ROLE must give a password (scram-sha-256)
    hba = data / "pg_hba.conf"
    hba.write_text(
        "local all all trust\n"
        f"host all {PASSWORD_ROLE} 127.0.0.1/32 scram-sha-256\n"
        "host all all 127.0.0.1/32 trust\n",
        encoding="utf-8",
    )
    if as_root:
        shutil.chown(hba, user="postgres")
    options = f"-p {port} -k {base} -c listen_addresses=127.0.0.1 -c fsync=off"
    subprocess.run(
        [
            *prefix,
            str(binaries / "pg_ctl"),
            "-D",
            str(data),
            "-o",
            options,
            "-l",
            str(base / "log"),
            "-w",
            "start",
        ],
        check=True,
        capture_output=True,
    )
    try:
        yield f"postgresql://postgres@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run(
            [*prefix, str(binaries / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"],
            capture_output=True,
        )
        shutil.rmtree(base, ignore_errors=True)
