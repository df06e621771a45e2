"""The hostile-input catalogue: every case ends in the documented behaviour, and the
invariants hold (inputs unchanged, no partial output, the place named, no personal data)."""

from __future__ import annotations

import csv
import functools
import hashlib
import io
import json
import re
import sqlite3
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

import html5lib
import markupsafe
import openpyxl
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from cskpi.cli import app as cli
from cskpi.evaluate.groups import natural_key
from cskpi.present import safe
from cskpi.read import archive
from tests import hostile
from tests.conftest import ROOT, write_workbook
from tests.months import good_month, rules_for

runner = CliRunner()
RULES = (ROOT / "rules" / "customer-service-supervisor.yaml").read_text(encoding="utf-8")


def digest(path: Path) -> str | None:
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.exists() else None


def run_case(tmp_path: Path, target: Path, *args: str):
    """Evaluate with an Excel output requested, and check the invariants of every case."""
    out_dir = tmp_path / "out"
    out_dir.mkdir(exist_ok=True)
    before = {p: digest(p) for p in tmp_path.iterdir() if p.is_file()}
    result = runner.invoke(
        cli.app,
        [
            "evaluate",
            str(target),
            "--lang",
            "en",
            "--no-history",
            "-o",
            str(out_dir / "scorecard.xlsx"),
            *args,
        ],
    )
    after = {p: digest(p) for p in before}
    assert before == after, "an input file changed"
    if result.exit_code not in (0, 1, 5):  # 5: a scorecard, incomplete; the rest: errors
        assert list(out_dir.iterdir()) == [], "partial or temporary output left behind"
    assert "Traceback" not in result.output
    return result


WORKBOOK_CASES = [
    ("missing", hostile.missing, 3, "{path}: file not found."),
    ("zero-byte", hostile.zero_bytes, 3, "{path}: the file is empty (0 bytes)."),
    ("truncated", hostile.truncated, 3, "{path}: cannot read the workbook; it may be corrupt"),
    ("encrypted", hostile.encrypted, 3, "{path}: workbook is encrypted (password-protected)"),
    (
        "entries",
        hostile.too_many_entries,
        3,
        "{path}: refused, the archive looks like a zip bomb (10001 entries (limit 10000)).",
    ),
    ("ratio", hostile.high_ratio, 3, "xl/worksheets/sheet1.xml expands"),
    (
        "entities",
        hostile.billion_laughs,
        3,
        "{path}: refused, xl/worksheets/sheet1.xml declares XML entities (DOCTYPE/ENTITY).",
    ),
    (
        "formula",
        hostile.uncached_formula,
        3,
        "{path}, sheet '投诉记录', row 2, column B ('投诉日期'): a formula with no saved result",
    ),
    (
        "formula-two-sheets",
        hostile.uncached_formula_beside_survey,
        3,
        "{path}, sheet '投诉记录', row 3, column E ('承诺期限'): a formula with no saved result",
    ),
    (
        "errors",
        hostile.cached_errors,
        3,
        "{path}, sheet '客户满意度', row 2, column D ('到达速度'): the cell holds the error "
        "#DIV/0!.",
    ),
]


@pytest.mark.parametrize(
    ("name", "build", "code", "text"), WORKBOOK_CASES, ids=[c[0] for c in WORKBOOK_CASES]
)
def test_broken_workbooks(tmp_path, name, build, code, text):
    path = build(tmp_path)
    result = run_case(tmp_path, path)
    assert result.exit_code == code, result.output
    assert text.format(path=path) in result.stderr


def test_cached_errors_are_listed_per_cell(tmp_path):
    path = hostile.cached_errors(tmp_path)
    lines = run_case(tmp_path, path).stderr.splitlines()
    assert any("column G ('解决结果'): the cell holds the error #N/A." in line for line in lines)


def test_xls_saved_as_xlsx_is_read_by_its_content(tmp_path):
    rules = str(rules_for(tmp_path, "complaints"))
    result = run_case(
        tmp_path, hostile.xls_named_xlsx(tmp_path), "-f", "json", "--period", "2026-10", "-r", rules
    )
    data = json.loads(result.stdout)
    count = next(r for r in data["results"] if r["standard"] == "complaints_per_month")
    assert count["actual"] == 1


@pytest.mark.parametrize("build", [hostile.formatted_to_last_row, hostile.wrong_dimension])
def test_true_rows_are_used_whatever_the_sheet_declares(tmp_path, build):
    from cskpi.read.inputs import read_workbook
    from cskpi.rulebook.load import load_rulebook

    frame = read_workbook(build(tmp_path), load_rulebook()).frames["complaints"]
    expected = ["C1"] if build is hostile.formatted_to_last_row else ["C1", "C2"]
    assert list(frame["complaint_id"]) == expected


def test_merged_title_empty_bom_full_width_and_zero_width_headers(tmp_path):
    from cskpi.read.inputs import read_workbook
    from cskpi.rulebook.load import load_rulebook

    frame = read_workbook(hostile.merged_and_odd_headers(tmp_path), load_rulebook()).frames[
        "complaints"
    ]
    assert list(frame["complaint_id"]) == ["C1"]
    assert list(frame["team"]) == ["一组"]
    assert "resolved_at" in frame.columns  # 解决\u200b日期 matched 解决日期


def test_bad_values_fail_with_every_cell_named_and_skip_mode_counts_them(tmp_path):
    path = hostile.bad_values(tmp_path)
    failed = run_case(tmp_path, path)
    assert failed.exit_code == 3
    assert sorted(failed.stderr.strip().splitlines()) == sorted(
        [
            f"error: {path}, sheet '客户满意度', row 2, column D ('到达速度'): unreadable rating "
            "'6分': a score outside 1-5.",
            f"error: {path}, sheet '客户满意度', row 3, column B ('调查日期'): unreadable date "
            "'十月三日': expected a date such as 2026-11-02, 2026/11/2, 2026年11月2日, 20261102, "
            "with or without a time (2026-11-02 14:30), or an Excel date cell.",
            f"error: {path}, sheet '客户满意度', row 3, column E ('回答准确'): unreadable rating "
            "'N/A': expected a score 1-5 (5, 4.5, 5分), a word (非常满意 5, 满意 4, 一般 3, "
            "不太满意 2, 很不满意 1) or a yes/no; 4 and above is satisfied.",
        ]
    )
    rules = rules_for(tmp_path, "survey")
    text = rules.read_text(encoding="utf-8")
    assert "    id_column: response_id\n" in text
    rules.write_text(
        text.replace(
            "    id_column: response_id\n", "    id_column: response_id\n    bad_values: skip\n"
        ),
        encoding="utf-8",
    )
    skipped = run_case(tmp_path, path, "--rules", str(rules), "-f", "json")
    data = json.loads(skipped.stdout)
    assert data["skipped_rows"] == {"survey": 2}
    speed = next(r for r in data["results"] if r["standard"] == "satisfaction_speed")
    assert (speed["actual"], speed["sample_size"]) == (1.0, 1)  # only S3 is left
    table = run_case(tmp_path, path, "--rules", str(rules))
    assert "survey: 2 rows with unreadable values were skipped" in table.stdout


def test_personal_cells_never_appear_in_messages(tmp_path):
    rules = tmp_path / "typed.yaml"
    rules.write_text(
        RULES.replace(
            "customer: {header: 客户名称, aliases: [客户], type: text, personal: true}",
            "customer: {header: 客户名称, aliases: [客户], type: date, personal: true}",
        ),
        encoding="utf-8",
    )
    rules.write_text(
        rules.read_text(encoding="utf-8").replace(
            "    filter: resolved_at is blank or resolved_at > promised_by",
            "    filter: (resolved_at is blank or resolved_at > promised_by)"
            " and customer is not blank",
        ),
        encoding="utf-8",
    )
    path = hostile.workbook(tmp_path, [hostile.COMPLAINT_HEADERS, hostile.ROW])
    result = run_case(tmp_path, path, "--rules", str(rules))
    assert result.exit_code == 3
    assert "unreadable date '***'" in result.stderr
    assert "张三" not in result.output


def test_ids_and_phones_keep_leading_zeros(tmp_path):
    from cskpi.read.inputs import read_workbook
    from cskpi.rulebook.load import load_rulebook

    row = ["000123", "2026-10-03", "一组", "王芳", None, None, "x", "y", "01088886666"]
    path = hostile.workbook(tmp_path, [hostile.COMPLAINT_HEADERS, row])
    frame = read_workbook(path, load_rulebook()).frames["complaints"]
    assert (frame.loc[0, "complaint_id"], frame.loc[0, "phone"]) == ("000123", "01088886666")


def test_header_only_sheets_give_no_data_not_a_crash(tmp_path):
    month = good_month()
    month["客户满意度"] = month["客户满意度"][:1]  # the survey sheet: headers, no answers
    path = write_workbook(tmp_path / "header-only.xlsx", month)
    result = run_case(tmp_path, path, "--period", "2026-10", "-f", "json")
    assert result.exit_code == 5  # incomplete: four required shares have nothing to judge
    data = json.loads(result.stdout)
    speed = next(r for r in data["results"] if r["standard"] == "satisfaction_speed")
    assert (speed["status"], speed["actual"]) == ("no_data", None)
    assert (data["summary"]["verdict"], data["summary"]["required_missing"]) == ("incomplete", 4)


def test_zip_limits_are_checked_from_the_directory_only(tmp_path, monkeypatch):
    monkeypatch.setattr(archive, "MAX_TOTAL_BYTES", 1000)
    path = hostile.csv_bytes(tmp_path, hostile.zipped({"a.xml": b"x" * 2000}), "big.xlsx")
    with pytest.raises(Exception, match="2,000 bytes uncompressed"):
        archive.check_zip(path)


# --- data is only ever text: terminal, Markdown, JSON, CSV, Excel (issue 13) -----------------

# What must never reach a terminal from data: C0 (a line feed is the output's own), DEL, C1,
# bidi embeddings, overrides, isolates and marks, line and paragraph separators.
CONTROL = re.compile(
    "[\x00-\x09\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]"
)
SOURCES = {"csv": hostile.complaints_csv, "xlsx": hostile.complaints_xlsx}


@functools.cache
def complaints_only() -> Path:
    """The complaint standards alone: a workbook of complaints is a complete input for them."""
    return hostile.complaints_rules(Path(tempfile.mkdtemp(prefix="cskpi-rules-")))


def invoke(*args: object):
    """The CLI; ``evaluate`` with the complaint standards unless a rulebook is given."""
    words = [str(a) for a in args]
    if words[0] == "evaluate" and "--rules" not in words and "-r" not in words:
        words += ["--rules", str(complaints_only())]
    return runner.invoke(cli.app, words)


def hostile_input(tmp_path: Path, source: str, text: str) -> Path:
    """Two overdue complaints (a failure, so evidence is shown), hostile text in every text cell."""
    rows = [hostile.complaint_row(str(i), team=text, text=text, customer=text) for i in (1, 2)]
    return SOURCES[source](tmp_path, rows)


# Every case from CSV; from a workbook, the ones Excel stores escaped (_x001B_ and the like).
TERMINAL_CASES = [("csv", case) for case in hostile.HOSTILE_TEXT] + [
    ("xlsx", case) for case in ("clear screen", "window title", "bel nul del", "rtl override")
]


@pytest.mark.parametrize(
    ("source", "case"), TERMINAL_CASES, ids=[f"{s}-{c}" for s, c in TERMINAL_CASES]
)
def test_data_reaches_the_terminal_as_text_only(tmp_path, source, case):
    text = hostile.HOSTILE_TEXT[case]
    path = hostile_input(tmp_path, source, text)
    common = ("evaluate", path, "--by", "team", "--no-history", "--lang", "en")
    table = invoke(*common, "--evidence", "--explain-columns", "--verbose")
    assert table.exit_code == 1, table.output  # the real verdict: never 4 from a '[/]'
    assert not CONTROL.search(table.stdout) and not CONTROL.search(table.stderr)
    shown = safe.visible(text.strip())
    assert shown in table.stdout  # the group header (and evidence), escaped, markup literal
    assert f"Appraisal ({shown})" in table.stdout
    markdown = invoke(*common, "-f", "markdown")
    assert not CONTROL.search(markdown.stdout)
    assert safe.markdown(text.strip()) in markdown.stdout
    data = invoke(*common, "-f", "json")
    assert not CONTROL.search(data.stdout)
    assert text.strip() in {r["group"] for r in json.loads(data.stdout)["results"]}  # exact
    rows = list(csv.reader(io.StringIO(invoke(*common, "-f", "csv").stdout)))
    assert {r[2] for r in rows[1:]} == {"", safe.csv_cell(text.strip())}
    assert not any(CONTROL.search(cell) for row in rows for cell in row)
    page = tmp_path / "card.html"  # group header, matrix row and evidence: shown, escaped
    assert invoke(*common, "-q", "-o", page).exit_code == 1
    html = page.read_text(encoding="utf-8")
    assert not CONTROL.search(html) and "<script" not in html
    assert str(markupsafe.escape(safe.visible(text.strip()))) in html
    html5lib.HTMLParser(strict=True).parse(html)


def test_excel_escapes_arrive_as_the_character_and_are_shown_escaped(tmp_path):
    path = hostile.complaints_xlsx(tmp_path, [hostile.complaint_row("1", team="\x1b[2J红队")])
    data = json.loads(invoke("evaluate", path, "--by", "team", "--no-history", "-f", "json").stdout)
    assert "\x1b[2J红队" in {r["group"] for r in data["results"]}  # fastexcel decoded _x001B_
    table = invoke("evaluate", path, "--by", "team", "--no-history")
    assert "␛[2J红队" in table.stdout and "\x1b" not in table.stdout


def test_cell_values_quoted_in_errors_and_warnings_are_escaped(tmp_path):
    row = hostile.complaint_row("1")
    row[1] = "\x1b]0;x\x07\x1b[2J"  # an unreadable date, quoted in the error
    duplicate = hostile.complaint_row("1", team="二组")  # the same id twice: a warning
    log = tmp_path / "run.log"
    named = hostile.complaints_csv(tmp_path, [row], "x\x1b[2J\u202e.csv")
    bad = invoke("evaluate", named, "--no-history", "--log-file", log, "--lang", "en")
    assert bad.exit_code == 3
    assert "unreadable date '␛]0;x␇␛[2J'" in bad.stderr and not CONTROL.search(bad.stderr)
    logged = log.read_text(encoding="utf-8")
    assert not CONTROL.search(logged)  # the log is safe to `tail -f`, and exact as JSON
    assert json.loads(logged)["inputs"] == [str(named)]
    first = hostile.complaints_csv(tmp_path, [hostile.complaint_row("1")], "a\x1b[31m.csv")
    second = hostile.complaints_csv(tmp_path, [duplicate], "b.csv")
    warned = invoke("evaluate", first, second, "--no-history", "--lang", "en")
    assert "a␛[31m.csv" in warned.stderr and not CONTROL.search(warned.stderr + warned.stdout)


def test_project_run_warnings_are_escaped(capsys):
    from cskpi.cli.project import _warn  # how `cskpi run` prints a run's warnings
    from cskpi.errors import Problem

    _warn("en")(Problem("input.file_not_found", {"file": "a\x1b[2J\u202e"}))
    err = capsys.readouterr().err
    assert "a␛[2J<U+202E>" in err and not CONTROL.search(err)


def test_headers_quoted_from_the_file_are_escaped(tmp_path):
    path = hostile.complaints_csv(tmp_path, [hostile.complaint_row("1")])
    path.write_bytes(path.read_bytes().replace("客户名称".encode(), "客户\x1b[2J名称".encode()))
    hostile.age(path)
    result = invoke("evaluate", path, "--no-history", "--explain-columns", "--lang", "en")
    assert result.exit_code in (0, 1, 5), result.output  # a verdict, whatever it is
    assert "客户␛[2J名称" in result.stdout and not CONTROL.search(result.stdout)


def test_long_cells_are_cut_in_the_terminal_and_whole_in_the_export(tmp_path):
    long = "很长的投诉内容" * 400  # 2,800 characters
    path = hostile.complaints_csv(
        tmp_path, [hostile.complaint_row(str(i), text=long) for i in (1, 2)]
    )
    out = tmp_path / "s.xlsx"
    shown = invoke("evaluate", path, "--evidence", "--no-history", "-o", out, "--lang", "en")
    assert long not in shown.stdout and "…" in shown.stdout
    assert len(shown.stdout) < 20_000  # two rows, each cell cut to 40 columns
    book = openpyxl.load_workbook(out)
    assert long in {c.value for ws in book for row in ws.iter_rows() for c in row}


REFERENCE = re.compile(r"^'?([^'!]+)'?!\$[A-Z]+\$\d+(?::\$[A-Z]+\$\d+)?$")


def assert_no_formula_from_data(path: Path, texts: list[str]) -> None:
    """No cell formula at all; every chart reference is a plain range of one of our sheets."""
    formulas, references, sheets = hostile.xlsx_formulas(path)
    assert formulas == []
    assert references, "the charts reference their cells"
    for ref in references:
        match = REFERENCE.match(ref)
        assert match and match.group(1) in sheets, ref
        assert ref not in {t.strip().lstrip("=") for t in texts}  # a name read as a reference


def test_team_names_never_become_chart_references_or_formulas(tmp_path):
    teams = [hostile.HOSTILE_TEXT[k] for k in ("dde", "unc reference", "formula", "at")]
    rows = [hostile.complaint_row(str(i), team=t) for i, t in enumerate(teams)]
    path = hostile.complaints_csv(tmp_path, rows)
    db = tmp_path / "h.sqlite3"
    out = tmp_path / "s.xlsx"
    for _ in range(2):  # the second run has a history: the trend sheet and its charts too
        result = invoke("evaluate", path, "--by", "team", "--history", db, "-o", out)
        assert result.exit_code == 1, result.output
    assert_no_formula_from_data(out, teams)
    chart = openpyxl.load_workbook(out)["图表"]
    header = next(r for r in chart.iter_rows(values_only=True) if teams[0] in r)
    assert [c for c in header if c in teams] == sorted(teams, key=natural_key)  # series names
    csv_out = tmp_path / "s.csv"
    invoke("evaluate", path, "--by", "team", "--no-history", "-o", csv_out)
    history_csv = invoke("history", "--by", "team", "--history", db, "-f", "csv").stdout
    for text in (csv_out.read_text(encoding="utf-8"), history_csv):
        cells = [c for row in csv.reader(io.StringIO(text)) for c in row]
        assert {"'=1+1", "'@SUM(A1)", "cmd|' /C calc'!A0"} <= set(cells)  # 'cmd' is not a formula
        assert not [c for c in cells if c[:1] in ("=", "+", "@", "\t", "\r")]
        assert all(float(c) < 0 for c in cells if c.startswith("-"))  # numbers stay numbers


def test_markdown_escapes_tables_links_and_html(tmp_path):
    rows = [hostile.complaint_row("1", team="x|y [a](http://evil) <img src=x>")]
    result = invoke(
        "evaluate",
        hostile.complaints_csv(tmp_path, rows),
        "--by",
        "team",
        "--no-history",
        "-f",
        "markdown",
    )
    header = next(line for line in result.stdout.splitlines() if line.startswith("| "))
    assert "x\\|y \\[a\\](http&#58;//evil) &lt;img src=x&gt;" in header  # no bare autolink
    assert header.count(" | ") == 4  # standard, period, target, overall, the team: 5 cells


# Hostile pieces a cell is built from, and any other character (no surrogates, no private
# use: the workbook builder marks with it).
PIECES = [
    *"\x1b\x07\x00\x08\x7f\x9b\x85\u202e\u2066\u2069\u200f\u2028\r\n\t[]/=+-@|<>'!*_`$",
    "[/]",
    "[red]",
    "[link=http://x.invalid]",
    "$A$1",
    "cmd|' /C calc'!A0",
    "=HYPERLINK(",
    "张",
]
CELL = st.lists(
    st.one_of(
        st.sampled_from(PIECES),
        st.text(st.characters(exclude_categories=("Cs", "Co")), max_size=3),
    ),
    min_size=1,
    max_size=6,
).map("".join)


@settings(
    max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(team=CELL, agent=CELL, description=CELL, customer=CELL)
def test_any_text_in_any_cell_stays_text(tmp_path_factory, team, agent, description, customer):
    """Random Unicode in team, agent, description and customer: no control character on
    stdout in any format, no crash, and no formula or reference in the exported files."""
    folder = tmp_path_factory.mktemp("p")
    rows = [hostile.complaint_row(str(i), team=team, customer=customer) for i in (1, 2)]
    for row in rows:
        row[3], row[6] = agent, description
    path = hostile.complaints_xlsx(folder, rows)
    xlsx, csv_out = folder / "s.xlsx", folder / "s.csv"
    common = ("evaluate", path, "--by", "team", "--no-history")
    for args in (
        ("--evidence", "--explain-columns", "-o", xlsx),
        ("-f", "markdown"),
        ("-f", "json", "-o", csv_out),
        ("-f", "csv"),
    ):
        result = invoke(*common, *args)
        assert result.exit_code == 1, result.output  # two overdue complaints, whatever the text
        assert not CONTROL.search(result.stdout) and not CONTROL.search(result.stderr)
    assert_no_formula_from_data(xlsx, [team, agent, description, customer])
    cells = [c for row in csv.reader(io.StringIO(csv_out.read_text(encoding="utf-8"))) for c in row]
    assert not [c for c in cells if c[:1] in ("=", "+", "@", "\t", "\r")]
    assert all(float(c) < 0 for c in cells if c.startswith("-"))


# --- group names of any length (issue 13) ------------------------------------------------------


def test_group_names_of_any_length_sort_naturally(tmp_path):
    teams = ["十组", "二组", "Team 10", "Team 2", "9" * 5000, "9" * 4999 + "8", "三组"]
    rows = [hostile.complaint_row(str(i), team=t) for i, t in enumerate(teams)]
    result = invoke(
        "evaluate",
        hostile.complaints_csv(tmp_path, rows),
        "--by",
        "team",
        "--no-history",
        "-f",
        "json",
    )
    assert result.exit_code == 1, result.output
    groups = [r["group"] for r in json.loads(result.stdout)["results"]][1 : len(teams) + 1]
    assert groups == ["二组", "三组", "十组", "9" * 4999 + "8", "9" * 5000, "Team 2", "Team 10"]


# --- masking at the edge (issue 13) ------------------------------------------------------------

PEOPLE = [("张三", "6543210"), ("张四", "8888-6666"), ("李四13912345678", "+86 138 1234 5678")]


def personal_input(tmp_path: Path) -> Path:
    rows = [
        hostile.complaint_row(str(i), customer=name, phone=phone)
        for i, (name, phone) in enumerate(PEOPLE)
    ]
    return hostile.complaints_csv(tmp_path, rows)


DISTINCT_CUSTOMERS = {
    "id": "distinct_customers",
    "name": {"zh": "投诉客户数", "en": "Customers who complained"},
    "description": {"zh": "不超过 2 位客户投诉。", "en": "At most 2 customers complained."},
    "source": "test",
    "dataset": "complaints",
    "date_column": "received_at",
    "period": "month",
    "metric": "count_distinct",
    "column": "customer",
    "comparison": "<=",
    "target": 2,
    "level": "required",
    "weight": 0,
}


@pytest.mark.parametrize("shown", [False, True])
def test_masking_never_changes_a_number(tmp_path, shown):
    path = personal_input(tmp_path)
    rules = hostile.complaints_rules(tmp_path, extra=(DISTINCT_CUSTOMERS,))
    flag = ["--show-personal"] if shown else []
    result = invoke("evaluate", path, "--rules", rules, "--no-history", "-f", "json", *flag)
    found = next(
        r for r in json.loads(result.stdout)["results"] if r["standard"] == "distinct_customers"
    )
    assert (found["actual"], found["status"]) == (3, "fail")  # 张三, 张四, 李四: never one 张*


def test_by_a_personal_column_needs_show_personal_and_keeps_people_apart(tmp_path):
    path = personal_input(tmp_path)
    refused = invoke("evaluate", path, "--by", "customer", "--no-history", "--lang", "en")
    assert refused.exit_code == 2
    assert "--by 'customer' is a personal column" in refused.stderr
    assert "add --show-personal" in refused.stderr
    db = tmp_path / "h.sqlite3"
    shown = invoke(
        "evaluate", path, "--by", "customer", "--show-personal", "--history", db, "-f", "json"
    )
    groups = {r["group"] for r in json.loads(shown.stdout)["results"]}
    assert groups == {None, "张三", "张四", "李四13912345678"}
    stored = sqlite3.connect(db)
    dump = "\n".join(stored.iterdump())
    stored.close()
    assert "张" not in dump and "李四" not in dump  # the history keeps results, not people
    assert "complaints_per_month" in dump


def test_personal_values_are_masked_in_every_output(tmp_path):
    path = personal_input(tmp_path)
    out, log = tmp_path / "s.xlsx", tmp_path / "run.log"
    table = invoke(
        "evaluate",
        path,
        "--evidence",
        "--no-history",
        "-o",
        out,
        "--log-file",
        log,
        "--lang",
        "en",
    )
    assert table.exit_code == 1
    masked = ["张*", "***3210", "****-6666", "李*139****5678", "+86 138 **** 5678"]
    sheet = next(  # the evidence sheet, found by its title (tabs carry shortened names)
        ws.title
        for ws in openpyxl.load_workbook(out).worksheets[1:]
        if str(ws["A1"].value).startswith("Complaints not resolved")
    )
    frame = pd.read_excel(out, engine="openpyxl", sheet_name=sheet, header=1, dtype=str)
    assert sorted(frame["customer"]) == ["张*", "张*", "李*139****5678"]
    assert sorted(frame["phone"]) == sorted(["***3210", "****-6666", "+86 138 **** 5678"])
    with zipfile.ZipFile(out) as archive:
        xml = "".join(
            archive.read(n).decode("utf-8") for n in archive.namelist() if n.endswith(".xml")
        )
    for leaked in (
        "张三",
        "张四",
        "李四",
        "6543210",
        "88886666",
        "8888-6666",
        "13912345678",
        "1234 5678",
    ):
        assert leaked not in xml and leaked not in table.stdout
        assert leaked not in log.read_text(encoding="utf-8")
    assert all(m in table.stdout for m in masked)


# --- pipes (issue 13) ----------------------------------------------------------------------------


def cskpi(*args: object) -> list[str]:
    return [sys.executable, "-m", "cskpi", *map(str, args)]


def passing_input(tmp_path: Path, agents: int = 1) -> Path:
    """Complaints resolved on time, one per agent: every standard passes (exit 0)."""
    rows = []
    for i in range(agents):
        row = hostile.complaint_row(str(i), team="一组")
        row[3], row[5] = f"客服{i}", "2026-10-05"
        rows.append(row)
    return hostile.complaints_csv(tmp_path, rows)


@pytest.mark.parametrize(("failing", "fmt"), [(False, "table"), (False, "json"), (True, "table")])
def test_a_pipe_closed_early_ends_quietly_with_the_runs_own_code(tmp_path, failing, fmt):
    path = personal_input(tmp_path) if failing else passing_input(tmp_path)
    db = tmp_path / "h.sqlite3"
    out = tmp_path / "s.xlsx"
    rules = hostile.complaints_rules(tmp_path)
    proc = subprocess.Popen(
        cskpi("evaluate", path, "-r", rules, "--history", db, "-o", out, "-f", fmt, "--lang", "en"),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
    )
    proc.stdout.close()  # nobody reads: the first write is a broken pipe
    _out, err = proc.communicate(timeout=120)
    assert proc.returncode == (1 if failing else 0)
    assert err.decode().splitlines() == [f"written: {out}"]  # no traceback, no error
    assert (
        out.exists() and sqlite3.connect(db).execute("SELECT count(*) FROM results").fetchone()[0]
    )


def test_head_1_on_a_long_output_and_a_closed_stdout(tmp_path):
    path = passing_input(tmp_path, agents=150)  # about 200 KB of CSV: more than a pipe holds
    rules = hostile.complaints_rules(tmp_path, limit=1000)  # 150 complaints pass: exit 0
    head = subprocess.run(
        [
            "bash",
            "-c",
            'set -o pipefail; "$@" | head -1',
            "sh",
            *cskpi("evaluate", path, "-r", rules, "--by", "agent", "--no-history", "-f", "csv"),
        ],
        capture_output=True,
        timeout=120,
        check=False,
    )
    assert head.stdout.decode().startswith("standard,name,group")
    assert (head.returncode, head.stderr) == (0, b"")
    closed = subprocess.run(
        [
            "bash",
            "-c",
            'exec "$@" >&-',
            "sh",
            *cskpi("evaluate", path, "-r", rules, "--no-history", "-f", "json"),
        ],
        capture_output=True,
        timeout=120,
        check=False,
    )
    assert (closed.returncode, closed.stderr) == (0, b"")


# --- rulebooks: refused (exit 2) before any input is read --------------------------------

RULEBOOK_CASES = [
    ("import", "filter: __import__('os').system('id')", "a double-underscore name"),
    ("decorator", "filter: \"@pd.compat.os.system('x')\"", "the @ operator"),
    ("attribute", "filter: resolved_at.__class__", "attribute access (.)"),
    ("comprehension", 'filter: "[x for x in y]"', "a subscript or comprehension"),
    ("lambda", 'filter: "lambda: 1"', "character ':' at position 7 is not part of"),
    ("fstring", "filter: f'{x}' == 'a'", "an f-string"),
    ("subscript", "filter: team[0] == 'a'", "a subscript or comprehension"),
    ("power", "filter: 9**9**9", "exponentiation (**)"),
    ("nesting", 'filter: "' + "(" * 5000 + "team == 'a'" + ")" * 5000 + '"', "expression too long"),
    ("deep", 'filter: "' + "(" * 60 + "team == 'a'" + ")" * 60 + '"', "nested too deeply"),
    ("huge", 'filter: "' + " or ".join(["team == 'a'"] * 9000) + '"', "expression too long"),
    ("typo", "filter: successor_raedy", "did you mean 'successor_ready'?"),
    ("types", "filter: successor_ready > 5", "cannot compare yes/no with number ('>')"),
]


@pytest.mark.parametrize(
    ("name", "line", "text"), RULEBOOK_CASES, ids=[c[0] for c in RULEBOOK_CASES]
)
def test_hostile_filters_are_refused_before_input_is_read(tmp_path, name, line, text):
    rules = tmp_path / "r.yaml"
    rules.write_text(RULES.replace("    filter: successor_ready", "    " + line), encoding="utf-8")
    result = run_case(tmp_path, tmp_path / "no-such-input.xlsx", "--rules", str(rules))
    assert result.exit_code == 2  # not 3: the missing input was never looked at
    assert "standard 'successor_ready', filter:" in result.stderr
    assert text in result.stderr


YAML_CASES = [
    ("tag", "!!python/object/apply:os.system ['id']", "YAML tag"),
    ("alias bomb", None, "YAML aliases"),
    ("duplicate", None, "duplicate key 'target' (first at line"),
    ("unknown key", None, "unknown key 'targte' (did you mean 'target'?)"),
    ("percent", None, "expected a number, got '95%'"),
]


def yaml_case(name: str) -> str:
    if name == "tag":
        return RULES.replace("target: 5\n", "target: !!python/object/apply:os.system ['id']\n", 1)
    if name == "alias bomb":
        laughs = (
            'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
            "b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\n"
        )
        return laughs + RULES
    if name == "duplicate":
        return RULES.replace("target: 5\n", "target: 5\n    target: 6\n", 1)
    if name == "unknown key":
        return RULES.replace("target: 5\n", "targte: 5\n", 1)
    return RULES.replace("target: 0.95", 'target: "95%"', 1)


@pytest.mark.parametrize("case", [c[0] for c in YAML_CASES])
def test_hostile_yaml_is_refused_with_its_line(tmp_path, case):
    text = {c[0]: c[2] for c in YAML_CASES}[case]
    rules = tmp_path / "r.yaml"
    rules.write_text(yaml_case(case), encoding="utf-8")
    result = run_case(tmp_path, tmp_path / "no-such-input.xlsx", "--rules", str(rules))
    assert result.exit_code == 2
    assert f"{rules}:" in result.stderr and text in result.stderr


def test_oversized_rulebook(tmp_path):
    rules = tmp_path / "r.yaml"
    rules.write_text(RULES + "#" * 1_100_000, encoding="utf-8")
    result = run_case(tmp_path, tmp_path / "x.xlsx", "--rules", str(rules))
    assert result.exit_code == 2 and "rulebook too large" in result.stderr


# --- outputs ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "error", [OSError(28, "No space left on device"), PermissionError(13, "Permission denied")]
)
def test_write_failures_exit_4_and_keep_the_previous_output(tmp_path, monkeypatch, error):
    from tests.conftest import SAMPLE

    out = tmp_path / "s.json"
    out.write_text("previous", encoding="utf-8")
    import cskpi.atomic

    def fail(*_args, **_kwargs):
        raise error

    monkeypatch.setattr(cskpi.atomic.Path, "write_text", fail)
    result = runner.invoke(
        cli.app, ["evaluate", str(SAMPLE), "-o", str(out), "--no-history", "--lang", "en"]
    )
    assert result.exit_code == 4
    assert f"{out}: cannot write the output ({error.strerror})." in result.stderr
    assert out.read_text(encoding="utf-8") == "previous"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["s.json"]
