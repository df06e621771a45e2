"""Why a dataset is read instead of run in the database (``--verbose``): each reason is a
catalog problem (``sql.why.*`` in messages.yaml), so it is said in the run's language, and
fields are named as the user knows them (投诉日期 in Chinese, received_at in English)."""

from __future__ import annotations

from collections.abc import Sequence

from cskpi.errors import Problem
from cskpi.i18n import Named
from cskpi.rulebook.compiled import Dataset


def why(key: str, /, **params: object) -> Problem:
    """The reason ``sql.why.<key>``."""
    return Problem(f"sql.why.{key}", params)


def field_names(spec: Dataset, ids: Sequence[str]) -> Named:
    """Fields of ``spec`` as messages name them (Column.named): 投诉日期、解决日期 in
    Chinese, received_at, resolved_at in English; an id it lacks as itself."""
    zh = [spec.columns[f].header if f in spec.columns else f for f in ids]
    return Named(zh="、".join(zh), en=", ".join(ids))


def joined(reasons: Sequence[Problem]) -> Problem:
    """Several reasons as one (``a; b`` in English, ``a;b`` in Chinese)."""
    out = reasons[0]
    for then in reasons[1:]:
        out = why("and", first=out, then=then)
    return out
