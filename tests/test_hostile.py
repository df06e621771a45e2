"""The hostile-input catalogue: every case ends in the documented behaviour, and the
invariants hold (inputs unchanged, no partial output, the place named, no personal data)."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cskpi.cli import app as cli
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
            "'5分'.",
            f"error: {path}, sheet '客户满意度', row 3, column B ('调查日期'): unreadable date "
            "'十月三日'.",
            f"error: {path}, sheet '客户满意度', row 3, column E ('回答准确'): unreadable rating "
            "'N/A'.",
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


# --- rulebooks: refused (exit 2) before any input is read --------------------------------

RULEBOOK_CASES = [
    ("import", "filter: __import__('os').system('id')", "a double-underscore name"),
    ("decorator", "filter: \"@pd.compat.os.system('x')\"", "the @ operator"),
    ("attribute", "filter: resolved_at.__class__", "attribute access (.)"),
    ("comprehension", 'filter: "[x for x in y]"', "a subscript or comprehension"),
    ("lambda", 'filter: "lambda: 1"', "the Python keyword 'lambda'"),
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
