"""The filter language: what it accepts, what it refuses (with the message), what it computes."""

from __future__ import annotations

import pandas as pd
import pytest

from cskpi.evaluate.interpreter import evaluate
from cskpi.i18n import message
from cskpi.language.syntax import (
    MAX_DEPTH,
    ExpressionError,
    normalize_name,
)
from cskpi.language.typecheck import (
    ColumnRef,
    Schema,
    compile_expression,
)

SCHEMA = Schema(
    "complaints",
    {
        normalize_name(n): ref
        for n, ref in {
            "resolved_at": ColumnRef("resolved_at", "date"),
            "解决日期": ColumnRef("resolved_at", "date"),
            "promised_by": ColumnRef("promised_by", "date"),
            "team": ColumnRef("team", "text"),
            "团队": ColumnRef("team", "text"),
            "score": ColumnRef("score", "number"),
            "satisfied": ColumnRef("satisfied", "bool"),
            "Timely response?": ColumnRef("timely", "bool"),
        }.items()
    },
)

FRAME = pd.DataFrame(
    {
        "resolved_at": pd.to_datetime(["2026-10-05", None, "2026-10-20", "2026-10-01"]),
        "promised_by": pd.to_datetime(["2026-10-06", "2026-10-06", "2026-10-10", None]),
        "team": pd.array(["一组", "二组", None, "一组"], dtype="string"),
        "score": pd.array([1.0, 5.0, None, 3.0], dtype="Float64"),
        "satisfied": pd.array([True, False, None, True], dtype="boolean"),
        "timely": pd.array([True, True, False, None], dtype="boolean"),
    }
)
CONTEXT = {
    "as_of": pd.Timestamp("2026-10-31 23:59:59"),
    "window_start": pd.Timestamp("2026-10-01"),
    "window_end": pd.Timestamp("2026-10-31 23:59:59"),
}


def run(text: str) -> list[object]:
    result = evaluate(compile_expression(text, SCHEMA), FRAME, CONTEXT)
    return [None if pd.isna(v) else bool(v) for v in result]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("resolved_at > promised_by", [False, None, True, None]),
        ("解决日期 > promised_by", [False, None, True, None]),
        ("resolved_at is blank", [False, True, False, False]),
        ("resolved_at is not blank", [True, False, True, True]),
        ("resolved_at is blank or resolved_at > promised_by", [False, True, True, None]),
        ("not (resolved_at > promised_by)", [True, None, False, None]),
        ("team == '一组'", [True, False, None, True]),
        ('团队 = "一组" and score >= 3', [False, False, None, True]),
        ("team in ('一组', '三组')", [True, False, None, True]),
        ("team not in ('一组')", [False, True, None, False]),
        ("score < 2 or score > 4", [True, True, None, False]),
        ("satisfied", [True, False, None, True]),
        ("satisfied == 是", [True, False, None, True]),
        ("satisfied != yes", [False, True, None, False]),
        ("`Timely response?` == no", [False, False, True, None]),
        ("resolved_at >= '2026-10-05'", [True, None, True, False]),
        ("promised_by < as_of", [True, True, True, None]),
        ("team contains '一'", [True, False, None, True]),
        ("score = -1", [False, False, None, False]),
    ],
)
def test_evaluation_is_three_valued(text, expected):
    assert run(text) == expected


def refused(text: str) -> str:
    with pytest.raises(ExpressionError) as info:
        compile_expression(text, SCHEMA)
    note = info.value.problem
    return message(note.key, "en", **note.params)


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("__import__('os').system('id')", "double-underscore name at position 1"),
        ("@pd.compat.os.system('x')", "the @ operator at position 1"),
        ("resolved_at.__class__", "attribute access (.) at position 12"),
        ("[x for x in y]", "a subscript or comprehension ([ ]) at position 1"),
        ("f'{team}' == 'x'", "an f-string at position 1"),
        ("team[0] == 'x'", "a subscript or comprehension ([ ]) at position 5"),
        ("9**9**9", "exponentiation (**) at position 2"),
        ("score + 1 > 2", "arithmetic at position 7"),
        ("len(team) > 2", "a function call at position 1"),
    ],
)
def test_python_constructs_are_refused_by_name(text, words):
    message = refused(text)
    assert words in message
    assert "not allowed" in message


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("lambda: 1", "character ':' at position 7 is not part of the expression language"),
        ("import os", "unexpected 'os' at position 8; expected the end of the expression"),
        ("exec == 'x'", "no column 'exec' in dataset 'complaints'"),
        ("score > ²", "character '²' at position 9 is not part of the expression language"),
        ("score > ٣", "character '٣' at position 9 is not part of the expression language"),
    ],
)
def test_the_grammar_is_an_allow_list_so_keywords_are_plain_names(text, message):
    """Python keywords are names like any other: refused only as unknown columns or by the
    grammar; digits are ASCII or full-width, never superscripts or other scripts."""
    assert refused(text) == message


def test_keywords_can_be_column_names_and_full_width_digits_are_numbers():
    schema = Schema(
        "d",
        {
            "pass": ColumnRef("passed", "bool"),
            "from": ColumnRef("origin", "text"),
            "score": ColumnRef("score", "number"),
        },
    )
    frame = pd.DataFrame(
        {
            "passed": pd.array([True, False, True], dtype="boolean"),
            "origin": pd.array(["热线", "热线", "网站"], dtype="string"),
            "score": pd.array([3.0, 4.0, 5.0], dtype="Float64"),
        }
    )
    got = evaluate(
        compile_expression("pass and from == '热线' or score >= ５", schema), frame, CONTEXT
    )
    assert list(got) == [True, False, True]


def test_limits_refuse_huge_and_deep_expressions_quickly():
    assert "expression too long" in refused("(" * 5000 + "satisfied" + ")" * 5000)
    assert "nested too deeply" in refused("(" * 500 + "satisfied" + ")" * 500)
    assert "nested too deeply" in refused("not " * (MAX_DEPTH + 5) + "satisfied")
    assert "expression too long (100000 characters" in refused("a" * 100_000)
    assert "too complex" in refused(" or ".join(["a"] * 300))


def test_unknown_column_suggests_the_close_match():
    assert refused("resolvd_at is blank") == (
        "no column 'resolvd_at' in dataset 'complaints' (did you mean 'resolved_at'?)"
    )


COMMA = (
    "a comma that is not a thousands separator (if the column writes decimals with a comma, "
    'declare decimal: "," for it in the rulebook)'
)
YES_NO = (  # the words of the spelling tables, as a refused cell is told
    "expected a yes (是, 是的, 对, 有, yes, 1) or a no (否, 不是, 不对, 无, no, 0) "
    "(true_values / false_values add words for the column)"
)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("resolved_at > 5", "cannot compare date with number ('>')"),
        ("team > 5", "cannot compare text with number ('>')"),
        ("score == 'x'", "'x' is not a number"),
        ("score == '0,95'", "'0,95' is not a number: " + COMMA),
        ("score == 1e5", "unexpected 'e5' at position 11; expected the end of the expression"),
        ("satisfied == 'maybe'", "'maybe' is not a yes/no value: " + YES_NO),
        (
            "resolved_at > '2026-02-30'",
            "'2026-02-30' is not a date (expected YYYY-MM-DD): no such date or time",
        ),
        (
            "resolved_at > '46300'",
            "'46300' is not a date (expected YYYY-MM-DD): a number, not "
            "a date (a cell formatted as a date in Excel is read as a date)",
        ),
        ("satisfied > yes", "yes/no values cannot be ordered ('>')"),
        ("resolved_at > 'soon'", "'soon' is not a date (expected YYYY-MM-DD)"),
        ("team", "a condition must be true/false, but this is text"),
        ("score contains 'x'", "contains works on text columns only"),
    ],
)
def test_type_errors_name_both_types(text, message):
    assert refused(text) == message


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("team ==", "the expression ends too early; expected a column or a value"),
        ("(satisfied", "the expression ends too early; expected ')'"),
        (
            "satisfied satisfied",
            "unexpected 'satisfied' at position 11; expected the end of the expression",
        ),
        ("team == 'x", "the string starting at position 9 has no closing quote"),
        ("team ; 1", "character ';' at position 6 is not part of the expression language"),
        ("resolved_at is empty", "unexpected 'empty' at position 16; expected 'blank'"),
    ],
)
def test_syntax_errors_point_at_the_position(text, message):
    assert refused(text) == message


def test_fields_lists_the_columns_read():
    expr = compile_expression("解决日期 > promised_by and promised_by < as_of", SCHEMA)
    assert expr.fields == {"resolved_at", "promised_by"}


def test_text_is_compared_cleaned_on_both_sides():
    """NFKC and trimming apply to the cell as to the literal: Ａ组 is A组, in == and contains."""
    schema = Schema("d", {"team": ColumnRef("team", "text"), "note": ColumnRef("note", "text")})
    frame = pd.DataFrame(
        {
            "team": pd.array(["A组", "Ａ组 ", "B组", None], dtype="string"),
            "note": pd.array(["退款（未到账）", "退款(未到账)", "其他", None], dtype="string"),
        }
    )

    def on(text: str) -> list[object]:
        got = evaluate(compile_expression(text, schema), frame, CONTEXT)
        return [None if pd.isna(v) else bool(v) for v in got]

    assert on("team == 'Ａ组'") == [True, True, False, None]
    assert on("team in (' A组', 'C组')") == [True, True, False, None]
    assert on("note contains '(未到账)'") == [True, True, False, None]
    assert on("note contains '（未到账）'") == [True, True, False, None]


def test_literals_are_read_by_the_cells_vocabulary():
    """One vocabulary: what a yes/no cell accepts, a literal accepts; numbers and dates too."""
    from cskpi.language import tree as t
    from cskpi.language.spelling import Spelling

    yes_no = Spelling("yesno", true_values=("达标",))
    schema = Schema(
        "d",
        {
            "ok": ColumnRef("ok", "bool", yes_no),
            "amount": ColumnRef("amount", "number"),
            "due": ColumnRef("due", "date", Spelling("deadline")),
            "speed": ColumnRef("speed", "bool", Spelling("rating")),
        },
    )
    value = lambda text: compile_expression(text, schema).tree.right.value  # noqa: E731
    assert [value(f"ok == {w}") for w in ("对", "'是的'", "达标", "'1.0'", "有", "off")] == [
        True,
        True,
        True,
        True,
        True,
        False,
    ]
    assert value("amount >= '1,234'") == 1234.0
    assert value("amount >= '95%'") == 0.95
    assert value("amount >= ５") == 5.0
    # a deadline literal reads like a deadline cell: a date alone is the end of that day
    assert (
        value("due == '2026-10-05'")
        == t.Value(pd.Timestamp("2026-10-05 23:59:59.999999").to_pydatetime(), "date").value
    )
    assert value("speed == 是") is True
    with pytest.raises(ExpressionError) as info:
        compile_expression("speed == '满意'", schema)
    note = info.value.problem
    assert message(note.key, "en", **note.params) == (
        "'满意' is not a yes/no value: a rating column reads as satisfied or not; compare it "
        "with yes/no, or use it alone"
    )


def test_comparisons_of_literals_alone_are_folded_when_compiled():
    from cskpi.language import tree as t

    assert compile_expression("'Ａ' == 'A'", SCHEMA).tree == t.Constant(True)
    assert compile_expression("1 > 2 or satisfied", SCHEMA).tree == t.Or(
        (t.Constant(False), t.Truth(t.Field("satisfied", "bool")))
    )
