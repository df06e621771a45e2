"""``--explain-sql``: the SQL each dataset or standard sent to a database, with its parameters.

Parameters are shown beside the statement, as they were bound, never written into it; text
from a rulebook's query is shown without control characters (no terminal escapes).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def render_sql(entries: Sequence[tuple[str, str, Mapping[str, object]]]) -> str:
    """One block per statement: ``-- what``, the SQL, then ``-- :name = value`` lines."""
    blocks = []
    for what, sql, params in entries:
        lines = [f"-- {what}", _CONTROL.sub("", sql).strip() + ";"]
        lines += [f"-- :{key} = {_CONTROL.sub('', str(value))}" for key, value in params.items()]
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)
