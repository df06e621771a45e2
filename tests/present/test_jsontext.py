"""cskpi's JSON writer is the standard library's indented JSON, byte for byte, only faster."""

from __future__ import annotations

import json
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cskpi.present import jsontext
from cskpi.present.safe import json_safe

plain = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.text()
    | st.floats(allow_nan=False, allow_infinity=False)
)
nested = st.recursive(
    plain,
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=5), children, max_size=4)
    ),
    max_leaves=30,
)


flat_dicts = st.lists(
    st.dictionaries(st.text(max_size=5), plain, min_size=1, max_size=4), min_size=1
)
records = st.dictionaries(st.text(max_size=5), flat_dicts | st.lists(flat_dicts), max_size=3)


def standard(obj) -> str:
    return json_safe(json.dumps(obj, ensure_ascii=False, indent=2, allow_nan=False))


@settings(max_examples=300, deadline=None)
@given(nested)
def test_the_same_text_as_the_standard_library(obj):
    assert jsontext.dumps(obj) == standard(obj)


@settings(max_examples=300, deadline=None)
@given(records)
def test_lists_of_flat_records_written_in_one_call_are_the_same_text(obj):
    assert jsontext.dumps(obj) == standard(obj)


def test_a_scorecard_shaped_object_by_hand():
    card = {"period": "2026-10", "inputs": [], "results": [{"a": 1, "b": None}, {"c": [1, 2]}]}
    assert jsontext.dumps(card) == (
        "{\n"
        '  "period": "2026-10",\n'
        '  "inputs": [],\n'
        '  "results": [\n'
        "    {\n"
        '      "a": 1,\n'
        '      "b": null\n'
        "    },\n"
        "    {\n"
        '      "c": [\n'
        "        1,\n"
        "        2\n"
        "      ]\n"
        "    }\n"
        "  ]\n"
        "}"
    )


def test_keys_json_turns_into_text_and_tuples():
    obj = {"x": {1: "a", None: (True, 2.5)}, "y": ({"k": "v"},)}
    assert jsontext.dumps(obj) == standard(obj)


def test_no_nan_and_no_raw_terminal_control():
    with pytest.raises(ValueError):
        jsontext.dumps({"a": [math.nan]})
    with pytest.raises(ValueError):
        jsontext.dumps({"a": {"b": math.inf}, "c": [{}]})
    text = jsontext.dumps({"name": "A\x1b[2J\u202e"})
    assert "\x1b" not in text and "\u202e" not in text
    assert json.loads(text) == {"name": "A\x1b[2J\u202e"}
