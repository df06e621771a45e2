"""The one safe-text module: each writer's function, case by case (the hostile catalogue and
the property test in tests/cli/test_hostile.py drive the same functions through the CLI)."""

from __future__ import annotations

import csv
import html
import io
import json

import pandas as pd
import pytest

from cskpi.present import safe


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("\x1b[2J", "␛[2J"),  # clear screen
        ("\x1b]0;owned\x07", "␛]0;owned␇"),  # window title (OSC), ended by BEL
        ("a\x00b", "a␀b"),
        ("x\x7f", "x␡"),
        ("\x9b31m", "<U+009B>31m"),  # C1 CSI, an 8-bit escape
        ("\u202e✗ fail", "<U+202E>✗ fail"),  # right-to-left override
        ("\u2066a\u2069", "<U+2066>a<U+2069>"),  # isolates
        ("\u200fx", "<U+200F>x"),  # right-to-left mark
        ("a\nb\r\tc", "a␊b␍␉c"),  # one value stays on one line
        ("a\u2028b", "a<U+2028>b"),
        ("\udc80", "<U+DC80>"),  # a lone surrogate (an undecodable file name)
        ("[red]x[/red] [/] [link=http://x]y[/link] :smile:", None),  # markup: unchanged
        ("张三 Team 2", None),
    ],
)
def test_visible(raw, shown):
    assert safe.visible(raw) == (raw if shown is None else shown)


def test_visible_multiline_keeps_lines_and_tabs_only():
    assert safe.visible("a\r\nb\tc\rd\x1b", multiline=True) == "a\nb\tc␍d␛"


def test_terminal_text_is_never_markup():
    from rich.console import Console

    console = Console(file=io.StringIO(), width=80, color_system=None)
    console.print(safe.terminal("[/] [bold]x[/bold] [link=http://evil]ok[/link]"))
    assert console.file.getvalue() == "[/] [bold]x[/bold] [link=http://evil]ok[/link]\n"


def test_cut_counts_wide_characters_twice():
    assert safe.cut("投诉内容很长很长", 9) == "投诉内容…"
    assert safe.cut("short", 9) == "short"
    assert safe.terminal("x" * 100, width=10).plain == "x" * 9 + "…"


def test_markdown_escapes_table_emphasis_links_and_html():
    assert safe.markdown("a|b") == "a\\|b"
    assert safe.markdown("[click](javascript:x)") == "\\[click\\](javascript:x)"
    assert safe.markdown("<img src=x onerror=alert(1)>") == "&lt;img src=x onerror=alert(1)&gt;"
    assert safe.markdown("&amp; *b* _i_ `c` ~s~ $m$ \\") == (
        "&amp;amp; \\*b\\* \\_i\\_ \\`c\\` \\~s\\~ \\$m\\$ \\\\"
    )
    assert safe.markdown("\x1b[2J") == "␛\\[2J"


@pytest.mark.parametrize(
    ("value", "escaped"),
    [
        ("see https://evil.example/x", "see https&#58;//evil.example/x"),
        ("ftp://h/f", "ftp&#58;//h/f"),
        ("mail bob@example.com", "mail bob&#64;example.com"),
        ("WWW.Example.com/a", "WWW&#46;Example.com/a"),
        ("12:30 at www", "12:30 at www"),
    ],
)
def test_markdown_never_lets_a_bare_url_or_address_become_a_link(value, escaped):
    """GitHub links bare URLs, www. and e-mail addresses: the trigger is an entity instead,
    which every CommonMark viewer shows as the character itself."""
    from markdown_it import MarkdownIt

    assert safe.markdown(value) == escaped
    rendered = MarkdownIt().render(safe.markdown(value))
    assert rendered == f"<p>{html.escape(value, quote=False)}</p>\n"


def test_html_escapes_text_and_attributes():
    assert safe.html("<b onclick=\"x\">'&'</b>\x1b") == (
        "&lt;b onclick=&quot;x&quot;&gt;&#x27;&amp;&#x27;&lt;/b&gt;␛"
    )


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        ("=1+1", "'=1+1"),
        ("+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tTAB", "'␉TAB"),
        ("\rCR", "'␍CR"),
        ("  =1+1", "'  =1+1"),  # after spaces: some readers trim them
        ("＝1+1", "'＝1+1"),  # full-width equals sign
        ("一组", "一组"),
        ("Team-2", "Team-2"),  # only the first character matters
        (-3.5, -3.5),  # a number cskpi computed stays a number
        (0, 0),
        (None, ""),
        (True, "True"),
    ],
)
def test_csv_cell(value, cell):
    assert safe.csv_cell(value) == cell


def test_csv_cells_round_trip_through_the_csv_module():
    buffer = io.StringIO()
    csv.writer(buffer).writerow([safe.csv_cell(v) for v in ('=HYPERLINK("x")', "a,b", -1.5)])
    assert next(csv.reader(io.StringIO(buffer.getvalue()))) == ['\'=HYPERLINK("x")', "a,b", "-1.5"]


def test_json_safe_is_valid_json_with_the_same_values():
    value = {"team": "\x1b[2J\x9b\u202e\u2028\x7f\udc80x"}
    text = safe.json_safe(json.dumps(value, ensure_ascii=False))
    assert json.loads(text) == value
    assert not any(ch in text for ch in "\x1b\x9b\u202e\u2028\x7f\udc80")
    text.encode("utf-8")  # no lone surrogate left to fail the write


def test_excel_keeps_lines_and_cuts_at_the_cell_limit():
    assert safe.excel("a\r\nb\tc\x1bd\u202e") == "a\r\nb\tc␛d<U+202E>"
    long = safe.excel("y" * (safe.EXCEL_MAX + 10))
    assert len(long) == safe.EXCEL_MAX and long.endswith(safe.EXCEL_TRUNCATED)


def test_excel_column_equals_the_single_value_function():
    values = ["ok", "a\x1bb", None, "\u202ex", "z" * (safe.EXCEL_MAX + 1), "中\r\n文"]
    column = safe.excel_column(pd.Series(values, dtype="string"))
    expected = [None if v is None else safe.excel(v) for v in values]
    assert [None if v is pd.NA else v for v in column.tolist()] == expected


def test_error_lines_keep_one_line_per_problem():
    from cskpi.errors import InputError, Problem

    error = InputError.of(
        [
            Problem("input.file_not_found", {"file": "a\nerror: all good\x1b[2J"}),
            Problem("input.file_not_found", {"file": "b"}),
        ]
    )
    lines = safe.error_lines(error, "en")
    assert len(lines) == 2
    assert lines[0].startswith("a␊error: all good␛[2J")


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("postgresql://kpi:s3cret@db/x", "postgresql://kpi:***@db/x"),
        ("mysql://a:p@ss/w0rd@h/db?sslpassword=zz&x=1", "mysql://a:***@h/db?sslpassword=***&x=1"),
        ("https://h/x?token=abc&id=2", "https://h/x?token=***&id=2"),
        ("postgresql:/cs:pw@h/cs: cannot read", "postgresql:/cs:***@h/cs: cannot read"),
        ("C:\\data\\a.xlsx", "C:\\data\\a.xlsx"),
        ("see http://host:8080/path ok", "see http://host:8080/path ok"),
        ("mail 张三@example.com", "mail 张三@example.com"),
    ],
)
def test_url_secrets_masks_passwords_and_secret_parameters_only(text, shown):
    assert safe.url_secrets(text) == shown
