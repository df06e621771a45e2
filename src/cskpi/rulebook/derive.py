"""The `derive` setting of a column: ``received_at + 3 working days``.

Part of the rulebook's syntax, so it is parsed and checked when the rulebook is loaded; the
calendar arithmetic lives in :mod:`cskpi.evaluate.workdays`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_RULE = re.compile(
    r"^\s*(?P<field>\w+)\s*\+\s*(?P<n>\d+)\s*(?P<unit>working days?|days?|hours?)\s*$"
)


@dataclass(frozen=True)
class DeadlineRule:
    """``received_at + 3 working days``: from which field, how far, in which unit."""

    source: str
    amount: int
    unit: str  # "working days" | "days" | "hours"


def parse_rule(text: str) -> DeadlineRule | None:
    match = _RULE.match(text)
    if match is None:
        return None
    unit = match["unit"].rstrip("s")
    unit = {"working day": "working days", "day": "days", "hour": "hours"}[unit]
    return DeadlineRule(match["field"], int(match["n"]), unit)
