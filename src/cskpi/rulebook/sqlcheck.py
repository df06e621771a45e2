"""A dataset's ``query:`` is one read-only SELECT, checked by a SQL parser (sqlglot).

Checked when the rulebook is loaded (any dialect) and again before it runs (the database's
own dialect). Allowed: one SELECT (with WITH, UNION, joins, subqueries). Refused: several
statements, anything that writes or changes the session (INSERT, UPDATE, DELETE, MERGE,
CREATE, DROP, ALTER, COPY, ATTACH, PRAGMA, SET, SELECT ... INTO, FOR UPDATE, a DELETE inside
a WITH), and parameters other than ``:start`` and ``:end`` (the run's span, always passed
as bound parameters, never written into the SQL). The connection is read-only as well:
the parser is the first wall, not the only one.
"""

from __future__ import annotations

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
        first = str(exc).splitlines()[0] if str(exc) else "syntax error"
        return f"not valid SQL ({first})"
    if len(statements) != 1:
        return f"{len(statements)} statements; one SELECT is allowed"
    tree = statements[0]
    if not isinstance(tree, exp.Query):
        return f"{type(tree).__name__.upper()} is not a SELECT"
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
