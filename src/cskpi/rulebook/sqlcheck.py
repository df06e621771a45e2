"""A dataset's ``query:`` is one read-only SELECT, checked by a SQL parser (sqlglot).

Checked when the rulebook is loaded (any dialect) and again before it runs (the database's
own dialect). Allowed: one SELECT (with WITH, UNION, joins, subqueries). Refused: several
statements, anything that writes or changes the session (INSERT, UPDATE, DELETE, MERGE,
CREATE, DROP, ALTER, COPY, ATTACH, PRAGMA, SET, SELECT ... INTO, FOR UPDATE, a DELETE inside
a WITH), calls of functions that read files, run programs, reach other databases or run
SQL given as text (:data:`READERS`: DuckDB's ``read_csv``, PostgreSQL's ``pg_read_file``,
``dblink``, ...), and parameters other than ``:start`` and ``:end`` (the run's span, always
passed as bound parameters, never written into the SQL). The connection is read-only as well
(and DuckDB's has no external access): the parser is the first wall, not the only one.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sqlglot import exp

PARAMETERS = ("start", "end")
DIALECTS = {  # SQLAlchemy dialect -> sqlglot dialect
    "sqlite": "sqlite",
    "duckdb": "duckdb",
    "postgresql": "postgres",
    "mysql": "mysql",
    "mariadb": "mysql",
    "mssql": "tsql",
    "oracle": "oracle",
    "trino": "trino",
    "clickhouse": "clickhouse",
    "snowflake": "snowflake",
    "bigquery": "bigquery",
    "databricks": "databricks",
}

# Functions a query may not call, by name (any case, any schema): a call is a node of the
# parsed tree, so the same word in a string, a comment or a quoted column name is no call.
READERS = frozenset(
    {
        # DuckDB: files, globs, other databases, SQL given as text, the environment
        "glob", "sniff_csv", "read_text", "read_blob", "read_parquet", "parquet_scan",
        "read_xlsx", "st_read", "delta_scan", "iceberg_scan", "sqlite_scan", "sqlite_attach",
        "query", "query_table", "getenv",
        # PostgreSQL: server files and programs
        "pg_read_file", "pg_read_binary_file", "pg_stat_file", "lo_import", "lo_export",
        # MySQL and SQLite: files and extensions
        "load_file", "load_extension", "readfile", "writefile",
    }
)  # fmt: skip
READER_PREFIXES = (
    "read_csv", "read_json", "read_ndjson", "parquet_", "iceberg_", "postgres_", "mysql_",
    "pg_ls_", "dblink", "query_to_xml", "lo_",
)  # fmt: skip
READS = "() reads outside the database's tables (files, programs, other databases)"


def _reader(tree: exp.Expr) -> str | None:
    """The first function in ``tree`` that reads outside the database's tables, or None."""
    from sqlglot import exp

    for node in tree.find_all(exp.Func):
        if isinstance(node, exp.Anonymous):
            names = [str(node.name)]
        else:
            names = list(type(node).sql_names())
        for name in (n.lower() for n in names):
            if name in READERS or name.startswith(READER_PREFIXES):
                return name
    return None


def _duckdb_reader(text: str) -> str | None:
    """The reader a query calls when read as DuckDB, for a query its own dialect cannot read."""
    import sqlglot
    from sqlglot.errors import ParseError, TokenError

    try:
        trees = sqlglot.parse(text, read="duckdb")
    except (ParseError, TokenError):
        return None
    return next((r for t in trees if t is not None and (r := _reader(t)) is not None), None)


def _forbidden() -> tuple[type, ...]:
    from sqlglot import exp

    names = (
        "DML",
        "DDL",
        "Command",
        "Into",
        "Lock",
        "Pragma",
        "Copy",
        "Set",
        "Use",
        "Transaction",
        "Commit",
        "Rollback",
        "Kill",
        "Attach",
        "Detach",
        "Install",
        "Refresh",
        "Grant",
        "Analyze",
        "Insert",
        "Update",
        "Delete",
        "Merge",
        "Create",
        "Drop",
        "Alter",
    )
    return tuple(getattr(exp, n) for n in names if hasattr(exp, n))


def check_query(text: str, dialect: str | None = None) -> str | None:
    """None when ``text`` is one read-only SELECT; else why it is refused (English)."""
    import sqlglot
    from sqlglot import exp
    from sqlglot.errors import ParseError, TokenError

    read = DIALECTS.get(dialect or "")
    try:
        statements = [s for s in sqlglot.parse(text, read=read) if s is not None]
    except (ParseError, TokenError) as exc:
        reader = _duckdb_reader(text)
        if reader is not None:  # glob('*'): DuckDB's, other dialects cannot even read it
            return reader + READS
        first = str(exc).splitlines()[0] if str(exc) else "syntax error"
        return f"not valid SQL ({first})"
    if len(statements) != 1:
        return f"{len(statements)} statements; one SELECT is allowed"
    tree = statements[0]
    if not isinstance(tree, exp.Query):
        return f"{type(tree).__name__.upper()} is not a SELECT"
    reader = _reader(tree)
    if reader is not None:
        return reader + READS
    forbidden = _forbidden()
    for node in tree.walk():
        if isinstance(node, forbidden):
            what = "SELECT ... INTO" if isinstance(node, exp.Into) else type(node).__name__.upper()
            if isinstance(node, exp.Lock):
                what = "FOR UPDATE/SHARE"
            return f"{what} is not allowed in a read-only query"
        if isinstance(node, exp.Parameter) or (
            isinstance(node, exp.Placeholder) and str(node.name) not in PARAMETERS
        ):
            return "only the parameters :start and :end are allowed"
    return None


def query_parameters(text: str) -> list[str]:
    """The parameters a (checked) query uses, in the order of :data:`PARAMETERS`."""
    import sqlglot
    from sqlglot import exp

    tree = sqlglot.parse_one(text)
    used = {str(p.name) for p in tree.find_all(exp.Placeholder)}
    return [p for p in PARAMETERS if p in used]
