"""Property-based tests (hypothesis) and fuzzing of the loader and the expression parser."""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import zipfile

import numpy as np
import pandas as pd
import pyarrow as pa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cskpi.errors import CskpiError
from cskpi.evaluate.interpreter import evaluate as evaluate_expression
from cskpi.language.syntax import (
    ExpressionError,
    normalize_name,
)
from cskpi.language.typecheck import (
    ColumnRef,
    Schema,
    compile_expression,
)
from cskpi.read.values import EXCEL_EPOCH, to_date

SCHEMA = Schema(
    "d",
    {
        normalize_name(k): v
        for k, v in {
            "n": ColumnRef("n", "number"),
            "t": ColumnRef("t", "text"),
            "b": ColumnRef("b", "bool"),
        }.items()
    },
)
CONTEXT = {
    "as_of": pd.Timestamp("2026-10-31"),
    "window_start": pd.Timestamp("2026-10-01"),
    "window_end": pd.Timestamp("2026-10-31"),
}
TEXTS = ["a", "b", "一组"]

rows = st.lists(
    st.tuples(
        st.one_of(st.none(), st.integers(-3, 3)),
        st.one_of(st.none(), st.sampled_from(TEXTS)),
        st.one_of(st.none(), st.booleans()),
    ),
    min_size=0,
    max_size=12,
)


@st.composite
def conditions(draw, depth: int = 0):
    """Random expressions of the language, with a Python reference for one row."""
    leaf = depth >= 3 or draw(st.booleans())
    if leaf:
        kind = draw(st.sampled_from(["cmp_n", "eq_t", "in_t", "blank", "bool"]))
        if kind == "cmp_n":
            op = draw(st.sampled_from(["<", "<=", ">", ">=", "==", "!="]))
            k = draw(st.integers(-3, 3))
            ops = {
                "<": np.less,
                "<=": np.less_equal,
                ">": np.greater,
                ">=": np.greater_equal,
                "==": np.equal,
                "!=": np.not_equal,
            }
            return (
                f"n {op} {k}",
                lambda r, op=op, k=k: None if r[0] is None else bool(ops[op](r[0], k)),
            )
        if kind == "eq_t":
            v = draw(st.sampled_from(TEXTS))
            return f"t == '{v}'", lambda r, v=v: None if r[1] is None else r[1] == v
        if kind == "in_t":
            vs = draw(st.lists(st.sampled_from(TEXTS), min_size=1, max_size=2))
            text = ", ".join(f"'{v}'" for v in vs)
            return f"t in ({text})", lambda r, vs=vs: None if r[1] is None else r[1] in vs
        if kind == "blank":
            return "n is blank", lambda r: r[0] is None
        return "b", lambda r: r[2]
    op = draw(st.sampled_from(["and", "or", "not"]))
    left_text, left = draw(conditions(depth + 1))
    if op == "not":
        return f"not ({left_text})", lambda r: None if left(r) is None else not left(r)
    right_text, right = draw(conditions(depth + 1))

    def kleene(r, op=op):
        a, b = left(r), right(r)
        if op == "and":
            if a is False or b is False:
                return False
            return None if a is None or b is None else True
        if a is True or b is True:
            return True
        return None if a is None or b is None else False

    return f"({left_text}) {op} ({right_text})", kleene


def frame_of(data) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "n": pd.array([r[0] for r in data], dtype="Float64"),
            "t": pd.array([r[1] for r in data], dtype="string"),
            "b": pd.array([r[2] for r in data], dtype="boolean"),
        }
    )


@settings(max_examples=300, deadline=None)
@given(rows, conditions())
def test_expressions_agree_with_a_row_by_row_reference(data, condition):
    text, reference = condition
    got = evaluate_expression(compile_expression(text, SCHEMA), frame_of(data), CONTEXT)
    expected = [reference(r) for r in data]
    assert [None if pd.isna(v) else bool(v) for v in got] == expected, text


@settings(max_examples=100, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["一组", "二组", "三组"]),
            st.one_of(st.none(), st.sampled_from([1, 2, 3, 4, 5, "满意", "一般"])),
        ),
        max_size=30,
    )
)
def test_shares_stay_in_0_1_and_group_counts_add_up(answers):
    from cskpi.evaluate.engine import evaluate
    from cskpi.evaluate.periods import parse_period
    from cskpi.read.values import to_rating
    from cskpi.rulebook.load import load_rulebook

    model = load_rulebook()
    n = len(answers)
    speed, _bad = to_rating(
        pa.array([None if a is None else str(a) for _t, a in answers], type=pa.string())
    )
    survey = pd.DataFrame(
        {
            "team": pd.array([t for t, _a in answers], dtype="string"),
            "surveyed_at": pd.Series([pd.Timestamp("2026-10-05")] * n, dtype="datetime64[us]"),
            "speed": speed.array,
            "accuracy": speed.array,
            "courtesy": speed.array,
            "outcome": speed.array,
            "_row": np.arange(n),
            "_source": "x",
        }
    )
    complaints = pd.DataFrame(
        {
            "team": pd.array([t for t, _a in answers], dtype="string"),
            "received_at": pd.Series([pd.Timestamp("2026-10-05")] * n, dtype="datetime64[us]"),
            "promised_by": pd.Series([pd.NaT] * n, dtype="datetime64[us]"),
            "resolved_at": pd.Series([pd.NaT] * n, dtype="datetime64[us]"),
            "_row": np.arange(n),
            "_source": "x",
        }
    )
    card = evaluate(
        model, {"survey": survey, "complaints": complaints}, parse_period("2026-10"), None, "team"
    )
    for r in card.results:
        if r.metric == "share" and r.actual is not None:
            assert 0.0 <= r.actual <= 1.0
    counts = [r for r in card.results if r.standard == "complaints_per_month"]
    overall = next(r.actual for r in counts if r.group is None)
    assert overall == n
    assert sum(r.actual for r in counts if r.group is not None) == overall


@settings(max_examples=200, deadline=None)
@given(
    st.datetimes(min_value=dt.datetime(1900, 3, 1), max_value=dt.datetime(9999, 12, 30)).map(
        lambda d: d.replace(microsecond=0)
    )
)
def test_excel_date_serials_round_trip(moment):
    serial = (pd.Timestamp(moment) - EXCEL_EPOCH) / pd.Timedelta(days=1)
    values, bad = to_date(pa.array([repr(serial)], type=pa.string()))
    assert not bad[0]
    assert values[0] == pd.Timestamp(moment)


@settings(max_examples=400, deadline=None)
@given(st.text(max_size=80))
def test_any_expression_text_compiles_or_is_refused_cleanly(text):
    with contextlib.suppress(ExpressionError):
        compile_expression(text, SCHEMA)


def _valid_xlsx() -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    ws = book.active
    ws.title = "投诉记录"
    ws.append(["投诉编号", "投诉日期", "团队", "承诺期限", "解决日期"])
    ws.append(["C1", dt.datetime(2026, 10, 3), "一组", "2026-10-05", None])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


VALID = _valid_xlsx()


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(
    st.one_of(
        st.binary(max_size=2048),
        st.tuples(st.integers(0, len(VALID) - 1), st.binary(min_size=1, max_size=16)).map(
            lambda cut: VALID[: cut[0]] + cut[1] + VALID[cut[0] + len(cut[1]) :]
        ),
        st.integers(30, len(VALID)).map(lambda n: VALID[:n]),
    )
)
def test_any_bytes_load_or_raise_the_projects_own_error(tmp_path_factory, content):
    from cskpi.read.inputs import read_workbook
    from cskpi.rulebook.load import load_rulebook
    from tests.conftest import make_old

    path = tmp_path_factory.mktemp("fuzz") / "f.xlsx"
    path.write_bytes(content)
    make_old(path)
    with contextlib.suppress(CskpiError):
        read_workbook(path, load_rulebook())


def test_fuzzing_reaches_the_parser_not_just_the_sniffer():
    """The mutated-workbook strategy keeps a real zip most of the time."""
    mutated = VALID[:100] + b"\x00" + VALID[101:]
    assert zipfile.is_zipfile(io.BytesIO(VALID))
    assert mutated[:4] == b"PK\x03\x04"
