"""``--explain-sql``: the SQL each dataset or standard sent to a database, with its parameters.

Parameters are shown beside the statement, as they were bound, never written into it. The
SQL quotes names and text that come from the data or the rulebook (a column named ``团\\n队``
or ``团\\u2028队`` matches 团队; a table or a filter value may hold an escape sequence), so
every control, bidi and line-separator character is shown as a visible escape
(:func:`cskpi.present.safe.visible`): inside a quoted name or string literal even a line
feed is (``␊``), so no value can start a line that looks like SQL or a parameter of its
own; between them the statement keeps the line breaks SQLAlchemy gives it. The text is
written to stderr as it is, never parsed as rich markup.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from cskpi.present.safe import visible

# a quoted name or string literal ('' "" `` doubled inside), or an unterminated one to the end
_QUOTED = re.compile(r"\"(?:[^\"]|\"\")*\"?|'(?:[^']|'')*'?|`(?:[^`]|``)*`?")


def sql_visible(sql: str) -> str:
    """``sql`` with its quoted parts on one line each and nothing unsafe anywhere."""
    out, end = [], 0
    for match in _QUOTED.finditer(sql):
        out.append(visible(sql[end : match.start()], multiline=True))
        out.append(visible(match.group()))
        end = match.end()
    out.append(visible(sql[end:], multiline=True))
    return "".join(out)


def render_sql(entries: Sequence[tuple[str, str, Mapping[str, object]]]) -> str:
    """One block per statement: ``-- what``, the SQL, then ``-- :name = value`` lines."""
    blocks = []
    for what, sql, params in entries:
        lines = [f"-- {visible(what)}", sql_visible(sql).strip() + ";"]
        lines += [f"-- :{visible(key)} = {visible(value)}" for key, value in params.items()]
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)
