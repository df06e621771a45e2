"""Property-based tests (hypothesis): the language against a reference, the two engines of the
vocabulary against each other, and checked rulebooks evaluated on random data."""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import io
import json
import tempfile
import zipfile
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd
import pyarrow as pa
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from cskpi.errors import CskpiError, RulebookError
from cskpi.evaluate.interpreter import evaluate as evaluate_expression
from cskpi.language.spelling import Spelling, Unreadable, read_cell
from cskpi.language.syntax import ExpressionError, normalize_name
from cskpi.language.typecheck import ColumnRef, Schema, bind
from cskpi.read.values import convert
from cskpi.rulebook.compiled import Rulebook

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
    got = evaluate_expression(bind(text, SCHEMA), frame_of(data), CONTEXT)
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


# --- the vocabulary's two engines agree on any cell ---------------------------------------

SHANGHAI = ZoneInfo("Asia/Shanghai")
SPELLINGS = [
    Spelling("number"),
    Spelling("number", decimal=","),
    Spelling("yesno", true_values=("达标",), false_values=("未达标",)),
    Spelling("rating", rating_words=(("还行", 3.0),)),
    Spelling("date", zone=SHANGHAI),
    Spelling("deadline", zone=SHANGHAI),
    Spelling("date", formats=("%m/%d/%Y %I:%M:%S %p", "%d.%m.%Y %H:%M%z"), zone=SHANGHAI),
    Spelling("text"),
]


@st.composite
def moments(draw) -> str:
    """A time spelt in one of the ways exports write them, zoned or not, sometimes wrong."""
    when = draw(st.datetimes(dt.datetime(1990, 1, 1), dt.datetime(2110, 12, 31)))
    style = draw(st.integers(0, 9))
    fraction = draw(st.sampled_from(["", ".1", ".123", ".123456", ".1234567"]))
    zone = draw(st.sampled_from(["", "Z", "+08:00", "-0500", " +08:00", " UTC", "+15:00"]))
    day = draw(st.integers(1, 31))
    return [
        f"{when:%Y-%m-%d %H:%M:%S}{fraction}",
        f"{when:%Y-%m-%dT%H:%M:%S}{fraction}{zone}",
        f"{when:%Y-%m-%d}",
        f"{when.year}-{when.month}-{day}",
        f"{when.year}年{when.month}月{when.day}日 {when:%H:%M}",
        f"{when.year}年{when.month}月{day}号",
        f"{when:%Y%m%d}",
        f"{when:%m/%d/%Y %I:%M:%S %p}",
        f"{when:%d.%m.%Y %H:%M}{zone.strip()}",
        f"{when:%Y/%m/%d %H:%M}",
    ][style]


ODD_CELLS = ["", " ", "\u200b", "1", "-5", "0,95", "1,234", "1 234", "95%", "９５％", "¥1,234.00",
         "1,234元", "RMB 5", "是", "是的", "对", "有", "无", "On", "off", "1.0", "0.0", "达标",
         "5分", "4.5", "满意", "还行", "一般", "6", "inf", "nan", "1e20", "1.234,5", "Ａ组",
         "46300", "2026-02-30", "2026-10-05 24:00", "1899-12-31 10:30:00"]  # fmt: skip
CELLS = st.one_of(
    st.none(),
    st.sampled_from(ODD_CELLS),
    moments(),
    st.text(max_size=12),
    st.from_regex(r"[-+¥$]?[0-9０-９]{1,7}([.,][0-9]{1,4})?[%元]?", fullmatch=True),
)


def _same(a: object, b: object) -> bool:
    if a is None or b is None or pd.isna(a) or pd.isna(b):  # type: ignore[arg-type]
        return (a is None or pd.isna(a)) and (b is None or pd.isna(b))  # type: ignore[arg-type]
    if isinstance(a, float | np.floating):
        return np.isclose(a, float(b), rtol=1e-12, atol=0)  # type: ignore[arg-type]
    return pd.Timestamp(a) == pd.Timestamp(b) if isinstance(a, dt.datetime) else a == b


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(SPELLINGS), st.lists(CELLS, min_size=1, max_size=6))
def test_the_column_engine_reads_every_cell_as_the_scalar_reader_does(spelling, cells):
    """Literals are read one at a time in Python, columns in Arrow: same values, same refusals."""
    column = convert(pa.array(cells, type=pa.string()), spelling)
    for i, cell in enumerate(cells):
        try:
            expected = read_cell(cell, spelling)
        except Unreadable as exc:
            assert column.bad[i], (cell, column.values[i])
            assert column.why(i) == exc.why, cell
            continue
        assert not column.bad[i], (cell, expected, column.why(i))
        assert _same(expected, column.values[i]), (cell, expected, column.values[i])


# --- any checked rulebook evaluates on random data ----------------------------------------

COLUMNS = {  # field: (header, type, extra settings)
    "at": ("日期", "date", ""),
    "due": ("期限", "deadline", ", formats: ['%d/%m/%Y']"),
    "n": ("数值", "number", ""),
    "team": ("团队", "text", ""),
    "ok": ("是否", "yesno", ", true_values: [达标]"),
    "r": ("评分", "rating", ", rating_words: {还行: 3}"),
    "pass": ("from", "text", ""),  # Python keywords are names like any other
}
# operands by the type they read as: columns first, then literals spelt as cells are
TYPED = {
    "date": (
        ["at", "due", "日期", "as_of", "window_start", "window_end"],
        ["'2026-10-01T00:00+08:00'", "'2026-10-01'", "'2026年10月1日'", "'20261001'",
         "'2026-10-05 14:30:00.123Z'", "'46300'", "'2026-02-30'", "'1899-12-31'"],
    ),
    "number": (["n", "数值"], ["1", "-1.5", "'1,234'", "'0,95'", "'95%'", "５", "²", "9" * 20]),
    "text": (["team", "团队", "pass", "`from`"], ["'一组'", "'Ａ组'", "''", "' a '", "5"]),
    "bool": (["ok", "r", "`是否`", "评分"], ["是", "否", "对", "yes", "'是的'", "达标", "'满意'"]),
}  # fmt: skip
ANYTHING = [w for names, literals in TYPED.values() for w in names + literals] + [
    "lambda", "import", "blank", "teem", "'nan'", "'inf'"
]  # fmt: skip
OPS = ["==", "!=", "<", "<=", ">", ">=", "=", "<>"]


@st.composite
def operands(draw, typ: str, column: bool = False) -> str:
    """Mostly an operand of ``typ`` (a column when ``column``), sometimes anything at all."""
    names, literals = TYPED[typ]
    if draw(st.integers(0, 9)) == 0:
        return draw(st.sampled_from(ANYTHING))
    return draw(st.sampled_from(names if column else names + literals))


@st.composite
def expressions(draw, depth: int = 0) -> str:
    """Random expressions over every column type and spelling, mostly well typed."""
    typ = draw(st.sampled_from(list(TYPED)))
    a, b = draw(operands(typ, column=True)), draw(operands(typ))
    shape = draw(st.integers(0, 8 if depth < 2 else 5))
    if shape in (0, 1):
        return f"{a} {draw(st.sampled_from(OPS))} {b}"
    if shape == 2:
        values = ", ".join(draw(st.lists(operands(typ), min_size=1, max_size=3)))
        return f"{a} {draw(st.sampled_from(['in', 'not in']))} ({values})"
    if shape == 3:
        return f"{a} is {draw(st.sampled_from(['', 'not ']))}blank"
    if shape == 4:
        return f"{draw(operands('text', column=True))} contains {b}"
    if shape == 5:
        return draw(operands("bool", column=True))
    left, right = draw(expressions(depth + 1)), draw(expressions(depth + 1))
    if shape == 6:
        return f"not ({left})"
    return f"({left}) {draw(st.sampled_from(['and', 'or']))} ({right})"


def rulebook_text(zone: str, standard: str) -> str:
    columns = "\n".join(
        f"      {fid}: {{header: {header}, type: {typ}{more}}}"
        for fid, (header, typ, more) in COLUMNS.items()
    )
    return f"""rulebook:
  id: fuzz
  name: {{zh: 随机, en: random}}
  timezone: {zone}
datasets:
  log:
    names: {{zh: 记录, en: log}}
    sheets: [记录]
    date_column: at
    columns:
{columns}
standards:
  - id: s
    name: {{zh: 随机, en: random}}
    description: {{zh: 随机, en: random}}
    dataset: log
{standard}"""


@st.composite
def rulebooks(draw) -> str:
    metric = draw(st.sampled_from(["count", "share", "mean", "sum", "min", "count_distinct"]))
    extra = ""
    if metric == "share":
        extra += f"    condition: {json.dumps(draw(expressions()), ensure_ascii=False)}\n"
    elif metric == "count_distinct":
        extra += f"    column: {draw(st.sampled_from(list(COLUMNS)))}\n"
    elif metric != "count":
        extra += f"    column: {draw(st.sampled_from(['n'] * 5 + ['at']))}\n"
    if draw(st.booleans()):
        extra += f"    filter: {json.dumps(draw(expressions()), ensure_ascii=False)}\n"
    if draw(st.booleans()):
        extra += f"    date_column: {draw(st.sampled_from(['at', 'due'] * 3 + ['n']))}\n"
    target = draw(st.sampled_from(["0", "1", "0.95", "1.0e+300", "-3"] * 3 + [".nan", ".inf"]))
    period = draw(st.sampled_from(["month", "quarter", "year"]))
    comparison = draw(st.sampled_from(["<=", "<", ">=", ">", "=="]))
    zone = draw(st.sampled_from(["Asia/Shanghai", "America/New_York"] * 4 + ["Mars/Olympus"]))
    standard = (
        f"    metric: {metric}\n    period: {period}\n    comparison: '{comparison}'\n"
        f"    target: {target}\n{extra}"
    )
    return rulebook_text(zone, standard)


CELL_OF = {
    "date": st.one_of(moments(), st.sampled_from(["", "1", "garbage"])),
    "deadline": st.one_of(moments(), st.sampled_from(["05/10/2026", "31/02/2026"])),
    "number": st.one_of(CELLS, st.floats(allow_nan=True, allow_infinity=True).map(repr)),
    "text": CELLS,
    "yesno": st.one_of(st.none(), st.sampled_from(["是", "否", "达标", "1.0", "x"])),
    "rating": st.one_of(st.none(), st.sampled_from(["5", "5分", "还行", "满意", "0", "是"])),
}


@st.composite
def raw_tables(draw) -> dict[str, list[str | None]]:
    n = draw(st.integers(0, 8))
    return {
        fid: draw(st.lists(CELL_OF[typ], min_size=n, max_size=n))
        for fid, (_h, typ, _m) in COLUMNS.items()
    }


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(rulebooks(), raw_tables(), st.sampled_from(["2026-10", "2026Q4", "2026"]), st.booleans())
def test_any_checked_rulebook_evaluates_on_random_data(tmp_path_factory, text, raw, period, by):
    """Whatever passes `rules check` runs: bad cells are refused when read (here: blanked),
    and what remains evaluates and renders as JSON without NaN, whatever the data holds."""
    from cskpi.evaluate.engine import evaluate
    from cskpi.evaluate.periods import parse_as_of, parse_period
    from cskpi.i18n import LANGS
    from cskpi.present.jsoncsv import render_json
    from cskpi.rulebook.load import load_rulebook

    path = tmp_path_factory.mktemp("rules") / "fuzz.yaml"
    path.write_text(text, encoding="utf-8")
    try:
        book = load_rulebook(path)
    except RulebookError:
        assume(False)
    dataset = book.datasets["log"]
    n = len(raw["at"])
    frame = pd.DataFrame(index=pd.RangeIndex(n))
    for fid, column in dataset.columns.items():
        values = convert(pa.array(raw[fid], type=pa.string()), column.spelling).values
        frame[fid] = values.array
    frame["_row"] = np.arange(n) + 2
    frame["_source"] = "fuzz.csv"
    as_of = parse_as_of("2026-10-20T12:00+08:00", book.moments)
    card = evaluate(book, {"log": frame}, parse_period(period), as_of, "team" if by else None)
    for lang in LANGS:
        json.loads(render_json(card, lang))  # allow_nan=False inside: raises on NaN


@functools.cache
def fuzz_book() -> Rulebook:
    """The fuzz rulebook's columns with one plain standard, for binding expressions alone."""
    from cskpi.rulebook.load import load_rulebook

    folder = Path(tempfile.mkdtemp(prefix="cskpi-fuzz-"))
    standard = "    metric: count\n    comparison: '<='\n    target: 1\n"
    (folder / "fuzz.yaml").write_text(rulebook_text("Asia/Shanghai", standard), encoding="utf-8")
    return load_rulebook(folder / "fuzz.yaml")


@settings(max_examples=100, deadline=None)
@given(expressions(), raw_tables())
def test_any_expression_that_binds_evaluates_on_random_data(text, raw):
    """A bound predicate never fails on data, only on its text (then with its own error)."""
    dataset = fuzz_book().datasets["log"]
    try:
        predicate = bind(text, dataset.schema)
    except ExpressionError:
        assume(False)
    n = len(raw["at"])
    frame = pd.DataFrame(index=pd.RangeIndex(n))
    for fid, column in dataset.columns.items():
        frame[fid] = convert(pa.array(raw[fid], type=pa.string()), column.spelling).values.array
    got = evaluate_expression(predicate, frame, CONTEXT)
    assert len(got) == n and str(got.dtype) == "boolean"


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
