"""Database inputs: a URL instead of a file, opened read-only, with a statement timeout.

``sqlite:///crm.db``, ``duckdb:///warehouse.duckdb``, ``postgresql://user@host/db`` and any
URL SQLAlchemy reaches (MySQL, SQL Server, ...). SQLAlchemy Core is the one query layer: it
knows each dialect's quoting and parameter style, and its reflection lists tables and views.

Safety, whatever the rulebook says:
- read-only at the connection: SQLite ``mode=ro`` (and ``query_only``), DuckDB
  ``read_only=True``, PostgreSQL ``default_transaction_read_only`` and ``SET TRANSACTION READ
  ONLY``, MySQL ``SET SESSION TRANSACTION READ ONLY``;
- a statement timeout (PostgreSQL ``statement_timeout``, MySQL ``max_execution_time``, an
  interrupt for the embedded engines);
- credentials never shown: every place a URL is printed uses :func:`mask_url`, and a
  driver's error text has the password removed before it becomes a message. Passwords belong
  in the environment (``PGPASSWORD``) or the driver's own files (``~/.pgpass``).
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from cskpi.errors import InputError
from cskpi.urlsecrets import SECRET_WORDS, USERINFO, mask_userinfo

DEFAULT_TIMEOUT = 300.0  # seconds for one statement

# schemes (before any "+driver") that name a database
DIALECTS = {
    "sqlite",
    "duckdb",
    "postgresql",
    "postgres",
    "mysql",
    "mariadb",
    "mssql",
    "oracle",
    "trino",
    "clickhouse",
    "databricks",
    "snowflake",
    "bigquery",
}
DRIVER_EXTRAS = {  # which optional extra installs the driver (README "Database inputs")
    "postgresql": "postgresql",
    "mysql": "mysql",
    "mariadb": "mysql",
}
_URL = re.compile(r"^([A-Za-z][A-Za-z0-9]*)(\+[A-Za-z0-9_]+)?://")
# a query parameter whose name says it holds a secret (sslpassword, motherduck_token, api_key)
_SECRET_NAME = re.compile(SECRET_WORDS, re.IGNORECASE)
_PARAM = re.compile(r"([?&;])([^=&;#]*)=([^&;#]*)")


def is_database_url(text: str) -> bool:
    """``scheme://...`` with a database scheme (a Windows path ``C:\\x`` never matches)."""
    match = _URL.match(text)
    return match is not None and match.group(1).lower() in DIALECTS


def anchored(text: str, root: Path) -> str:
    """A SQLite or DuckDB URL whose file path is relative, made absolute under ``root`` (a
    project's folder: cron runs from elsewhere); any other URL as it is."""
    match = re.match(r"^((?:sqlite|duckdb)(?:\+\w+)?:///)([^?]*)(\?.*)?$", text)
    if match is None or not match.group(2) or match.group(2) == ":memory:":
        return text
    path = Path(match.group(2))
    if path.is_absolute():
        return text
    return f"{match.group(1)}{(root / path).as_posix()}{match.group(3) or ''}"


def mask_url(text: str) -> str:
    """The URL as it may be shown: the password and every secret query parameter as ***.

    Masked on the text as given (so a Windows path reads as typed), and more than
    SQLAlchemy's ``render_as_string(hide_password=True)`` would: a password with an unencoded
    ``@``, ``/``, ``?``, ``#`` or space is hidden whole (:mod:`cskpi.urlsecrets`, the rule every
    printed message follows too), and so are ``sslpassword=``, ``token=``, ``api_key=``...
    """
    masked = mask_userinfo(text)
    return _PARAM.sub(_masked_param, masked)


def _masked_param(match: re.Match[str]) -> str:
    name = unquote(match.group(2))
    return f"{match.group(1)}{match.group(2)}=***" if _SECRET_NAME.search(name) else match.group(0)


def _secrets(text: str, url: Any) -> list[str]:
    """Every form a secret of the URL may take in a driver's message (longest first)."""
    found: list[str] = []
    given = USERINFO.search(text)
    if given is not None and given.group(2):
        raw = given.group(2)
        found += [raw, unquote(raw), *(p for p in re.split(r"[@/]", raw) if len(p) > 1)]
    if url is not None and url.password:
        found.append(str(url.password))
    for match in _PARAM.finditer(text):
        if _SECRET_NAME.search(unquote(match.group(2))) and match.group(3):
            found += [match.group(3), unquote(match.group(3))]
    return sorted({s for s in found if len(s) > 1}, key=len, reverse=True)


@dataclass
class Database:
    """An open, read-only database: the SQLAlchemy engine and how to show it."""

    engine: Any  # sqlalchemy.engine.Engine
    label: str  # the masked URL, the only form ever shown
    dialect: str  # sqlite, duckdb, postgresql, ...
    timeout: float
    secrets: tuple[str, ...] = ()
    path: Path | None = None  # the file of an embedded database

    def scrub(self, text: str) -> str:
        """A driver's message without any secret of the URL in it."""
        for secret in self.secrets:
            text = text.replace(secret, "***")
        return mask_url(text)

    def error(self, exc: BaseException, table: str | None = None) -> InputError:
        """A database failure as an input error naming the masked URL (never the password)."""
        original = getattr(exc, "orig", None) or exc
        lines = str(original).strip().splitlines() or [type(original).__name__]
        reason = self.scrub(lines[0])
        if table:
            return InputError("input.db_query_failed", url=self.label, table=table, reason=reason)
        return InputError("input.db_failed", url=self.label, reason=reason)

    @contextmanager
    def connect(self) -> Iterator[Any]:
        """A connection inside one read-only transaction, interrupted after ``timeout``."""
        try:
            conn = self.engine.connect()
        except Exception as exc:  # the driver's own error classes: no common base
            raise self.error(exc) from None
        timer: threading.Timer | None = None
        try:
            with conn.begin():
                _read_only_transaction(conn, self.dialect, self.timeout)
                raw = conn.connection.dbapi_connection
                interrupt = getattr(raw, "interrupt", None)
                if interrupt is not None and self.dialect in ("sqlite", "duckdb"):
                    timer = threading.Timer(self.timeout, interrupt)
                    timer.daemon = True
                    timer.start()
                yield conn
        finally:
            if timer is not None:
                timer.cancel()
            conn.close()

    def close(self) -> None:
        self.engine.dispose()


def _read_only_transaction(conn: Any, dialect: str, timeout: float) -> None:
    from sqlalchemy import text

    ms = max(1, int(timeout * 1000))
    if dialect == "postgresql":
        conn.execute(text("SET TRANSACTION READ ONLY"))
        conn.execute(text(f"SET LOCAL statement_timeout = {ms}"))  # an int we made, not input
    elif dialect in ("mysql", "mariadb"):
        conn.execute(text("SET SESSION TRANSACTION READ ONLY"))
        if dialect == "mysql":
            conn.execute(text(f"SET SESSION max_execution_time = {ms}"))


def open_database(
    text: str,
    *,
    timeout: float = DEFAULT_TIMEOUT,
    label: str | None = None,
    allowed: Sequence[str] = (),
) -> Database:
    """Connect to ``text`` (a database URL) read-only; errors name the masked URL
    (or ``label``: what the user gave, for a database cskpi made itself). ``allowed``: the
    only files a DuckDB connection may read besides its database (``--engine duckdb``'s)."""
    try:
        from sqlalchemy import create_engine, event
        from sqlalchemy.engine import make_url
        from sqlalchemy.exc import ArgumentError, NoSuchModuleError
        from sqlalchemy.pool import NullPool
    except ModuleNotFoundError:  # pragma: no cover - a core dependency
        raise InputError(
            "input.db_driver", url=mask_url(text), extra="", package="sqlalchemy"
        ) from None
    label = label or mask_url(text)
    try:
        url = make_url(text)
    except ArgumentError:
        raise InputError("input.db_bad_url", url=label) from None
    dialect = url.get_backend_name()
    if dialect == "postgres":
        url = url.set(drivername="postgresql")
        dialect = "postgresql"
    options: dict[str, Any] = {"poolclass": NullPool}
    path: Path | None = None
    if dialect == "sqlite":
        path = _embedded_path(url, label)
        uri = path.resolve().as_uri() + "?mode=ro"  # file:///C:/... on Windows too

        def creator() -> Any:
            import sqlite3

            conn = sqlite3.connect(uri, uri=True, check_same_thread=False)
            conn.execute("PRAGMA query_only = ON")
            conn.create_function(CLEAN_FUNCTION, 1, _clean_cell, deterministic=True)
            return conn

        options["creator"] = creator
    elif dialect == "duckdb":
        path = _embedded_path(url, label)
        options["connect_args"] = {"read_only": True}
    elif dialect == "postgresql":
        if url.get_driver_name() == "psycopg2" and "+" not in url.drivername:
            url = url.set(drivername=_postgres_driver())
        ms = max(1, int(timeout * 1000))
        options["connect_args"] = {
            "options": f"-c default_transaction_read_only=on -c statement_timeout={ms}",
            "connect_timeout": max(1, min(int(timeout), 30)),
        }
    try:
        engine = create_engine(url, **options)
    except (NoSuchModuleError, ModuleNotFoundError) as exc:
        package = getattr(exc, "name", None) or url.get_driver_name()
        raise InputError(
            "input.db_driver", url=label, extra=DRIVER_EXTRAS.get(dialect, dialect), package=package
        ) from None
    if dialect in ("mysql", "mariadb"):
        event.listen(engine, "connect", _mysql_read_only)
    if dialect == "duckdb":
        event.listen(engine, "connect", _duckdb_setup(tuple(allowed)))
    return Database(engine, label, dialect, timeout, tuple(_secrets(text, url)), path)


CLEAN_FUNCTION = "cskpi_clean"  # SQLite and DuckDB: text cleaned as the readers compare it


@lru_cache(maxsize=1 << 16)
def _clean_cell(value: object) -> str | None:
    """:func:`cskpi.language.spelling.clean` for SQLite (a team name repeats a million times)."""
    from cskpi.language.spelling import clean

    return None if value is None else clean(str(value))


def _duckdb_clean(dbapi_connection: Any, _record: object) -> None:
    """The same cleaning as a DuckDB function: each distinct value of a vector cleaned once."""
    import duckdb
    import pyarrow as pa
    import pyarrow.compute as pc

    def clean_vector(values: Any) -> Any:
        if isinstance(values, pa.ChunkedArray):
            values = values.combine_chunks()
        encoded = values.cast(pa.string()).dictionary_encode()
        cleaned = [_clean_cell(v) for v in encoded.dictionary.to_pylist()]
        return pc.take(pa.array(cleaned, pa.string()), encoded.indices)

    text = duckdb.string_type()
    dbapi_connection.create_function(
        CLEAN_FUNCTION, clean_vector, [text], text, type="arrow", side_effects=False
    )


def _duckdb_setup(allowed: tuple[str, ...]) -> Any:
    """Each DuckDB connection: the cleaning function, then shut off from everything else.

    No file, URL or extension beyond the database (and ``allowed``, the files of
    ``--engine duckdb``'s views): a rulebook ``query:`` that says ``read_csv('/etc/passwd')``
    or reaches for ``httpfs`` is refused by DuckDB itself, and the configuration is locked so
    no statement can turn this back on.
    """

    def setup(dbapi_connection: Any, record: object) -> None:
        _duckdb_clean(dbapi_connection, record)
        if allowed:
            dbapi_connection.execute("SET allowed_paths = $1", [list(allowed)])
        for setting in LOCKDOWN:
            dbapi_connection.execute(f"SET {setting}")  # constant text, no input

    return setup


LOCKDOWN = (  # in this order: the lock last
    "enable_external_access = false",
    "autoinstall_known_extensions = false",
    "autoload_known_extensions = false",
    "lock_configuration = true",
)


def _mysql_read_only(dbapi_connection: Any, _record: object) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("SET SESSION TRANSACTION READ ONLY")
    cursor.close()


def _postgres_driver() -> str:
    """psycopg (3) when installed, else psycopg2: ``postgresql://`` works with either."""
    import importlib.util

    if importlib.util.find_spec("psycopg") is not None:
        return "postgresql+psycopg"
    return "postgresql+psycopg2"


def _embedded_path(url: Any, label: str) -> Path:
    """The file of a SQLite or DuckDB URL; it must exist (read-only never creates one)."""
    name = url.database
    if not name or name == ":memory:":
        raise InputError("input.db_bad_url", url=label)
    path = Path(name)
    if not path.exists():
        raise InputError("input.file_not_found", file=label)
    if not path.is_file():
        raise InputError("input.not_a_file", file=label)
    return path


def relations(db: Database) -> list[str]:
    """Tables and views of the default schema, in name order."""
    from sqlalchemy import inspect

    try:
        with db.connect() as conn:
            inspector = inspect(conn)
            names = set(inspector.get_table_names()) | set(inspector.get_view_names())
    except InputError:
        raise
    except Exception as exc:
        raise db.error(exc) from None
    return sorted(names)


def primary_key(db: Database, table: str, schema: str | None) -> list[str]:
    """The primary key's columns (rows are read in its order), or none.

    Asked on a connection of its own: a dialect that cannot say aborts that transaction.
    """
    from sqlalchemy import inspect

    try:
        with db.connect() as conn:
            found = inspect(conn).get_pk_constraint(table, schema=schema)
    except Exception:  # a view, or a dialect that cannot say: the engine's order
        return []
    return list(found.get("constrained_columns") or [])


def bind_names(params: Mapping[str, object]) -> dict[str, object]:
    """Parameters as the driver takes them (timestamps as Python datetimes)."""
    out: dict[str, object] = {}
    for key, value in params.items():
        to_py = getattr(value, "to_pydatetime", None)
        out[key] = to_py() if to_py is not None else value
    return out
