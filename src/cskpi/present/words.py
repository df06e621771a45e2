"""A standard in the words a supervisor uses: targets (≥ 95%), periods (月), metrics (比例) and
filters as sentences (「解决日期」为空,或「解决日期」晚于「承诺期限」).

Filters and conditions are rendered from the compiled tree (:mod:`cskpi.language.tree`), not
from their text: the tree is what is evaluated, with every column resolved to its header and
every literal already read as its column reads it, so the words say what is computed.

Light on purpose (no pandas): ``cskpi rules list`` and ``rules explain`` answer at once.
"""

from __future__ import annotations

import datetime as dt

from cskpi.i18n import Lang, label, message
from cskpi.language import tree as t
from cskpi.language.spelling import SATISFIED_FROM
from cskpi.rulebook.compiled import Dataset, Standard
from cskpi.rulebook.metrics import METRICS

SYMBOL = {"<=": "≤", "<": "<", ">=": "≥", ">": ">", "==": "="}


def target_text(comparison: str, target: float, *, share: bool) -> str:
    """≤ 5, ≥ 95% (no needless decimals)."""
    if share:
        return f"{SYMBOL[comparison]} {target * 100:g}%"
    return f"{SYMBOL[comparison]} {target:g}"


def standard_target(std: Standard) -> str:
    return target_text(std.comparison, std.target, share=METRICS[std.metric].share)


def period_text(std: Standard, lang: Lang) -> str:
    """月 / 季度 / 年, or 快照 for a standard with no date column (every row counts)."""
    return label(f"period.{std.period if std.date_field else 'snapshot'}", lang)


def metric_text(name: str, lang: Lang) -> str:
    """The metric's name in words (计数, 比例, 平均值...), from the registry's catalog key."""
    metric = METRICS.get(name)
    return name if metric is None else label(metric.label, lang)


def condition_words(node: t.Condition, dataset: Dataset, lang: Lang) -> str:
    """A compiled filter or condition as a sentence in ``lang``."""
    return _Words(dataset, lang).condition(node)


class _Words:
    def __init__(self, dataset: Dataset, lang: Lang) -> None:
        self.dataset, self.lang = dataset, lang

    def w(self, key: str, **params: object) -> str:
        return message(f"words.{key}", self.lang, **params)

    def condition(self, node: t.Condition, *, inner: bool = False) -> str:
        match node:
            case t.And(items) | t.Or(items):
                joiner = self.w("and" if isinstance(node, t.And) else "or")
                text = joiner.join(self.condition(i, inner=True) for i in items)
                return self.w("group", text=text) if inner else text
            case t.Not(item):
                return self.w("not", text=self.condition(item))
            case t.IsBlank(operand, negate):
                return self.w("not_blank" if negate else "blank", a=self.operand(operand))
            case t.Contains(operand, needle):
                return self.w("contains", a=self.operand(operand), b=self.w("text", text=needle))
            case t.InSet(operand, values, negate):
                shown = self.w("list_sep").join(self.operand(v) for v in values)
                key = "none_of" if negate else "one_of"
                return self.w(key, a=self.operand(operand), values=shown)
            case t.Truth(field):
                kind = self.dataset.columns[field.id].type
                if kind == "rating":
                    return self.w("satisfied", a=self.column(field.id), n=SATISFIED_FROM)
                return self.w("yes", a=self.column(field.id))
            case t.Constant(value):
                return self.w("every_row" if value else "no_row")
            case t.Compare(op, left, right, typ):
                words = typ if typ in ("date", "number") else "equal"
                return self.w(f"{words}.{op}", a=self.operand(left), b=self.operand(right))
        return str(node)

    def operand(self, node: t.Operand) -> str:
        match node:
            case t.Field(fid):
                return self.column(fid)
            case t.Moment(name):
                return self.w(f"moment.{name}")
            case t.Value(value, typ):
                return self.value(value, typ)
        return self.condition(node, inner=True)

    def column(self, fid: str) -> str:
        return self.w("column", header=self.dataset.columns[fid].header)

    def value(self, value: object, typ: str) -> str:
        if typ == "bool":
            return label("value.yes" if value else "value.no", self.lang)
        if typ == "date" and isinstance(value, dt.datetime):
            shown = value.strftime("%Y-%m-%d %H:%M" if value.time() != dt.time(0) else "%Y-%m-%d")
            return shown
        if typ == "number" and isinstance(value, float):
            return f"{value:g}"
        return self.w("text", text=str(value))
