"""The Excel export, read back with openpyxl and pandas; atomic writes; masking; injection."""

from __future__ import annotations

import hashlib
import json
import stat

import openpyxl
import pandas as pd
import pytest
from typer.testing import CliRunner

from cskpi.cli import app as cli
from cskpi.i18n import label
from cskpi.present.privacy import mask_value
from cskpi.present.xlsxcells import MAX_CELL, TRUNCATED, safe_text, sheet_name
from tests.conftest import COMPLAINT_HEADERS, SAMPLE, D, complaint, sheet_cells, write_workbook
from tests.months import rules_for

runner = CliRunner()
MARKS = {"pass": "✓", "warn": "!", "fail": "✗", "unmet": "◦", "no_data": "–"}
STATUS_BY_LABEL = {
    f"{MARKS[s]} {label(f'status.{s}', 'en')}": s
    for s in ("pass", "warn", "fail", "unmet", "no_data")
}
FILL_OF = {
    "pass": "FFC6EFCE",
    "warn": "FFFFEB9C",
    "fail": "FFFFC7CE",
    "unmet": "FFF2F2F2",  # neutral grey, lighter than no data: not achieved is no failure
    "no_data": "FFD9D9D9",
}


def invoke(*args):
    return runner.invoke(cli.app, [str(a) for a in args])


@pytest.fixture(scope="module")
def sample_export(tmp_path_factory):
    out = tmp_path_factory.mktemp("x") / "scorecard.xlsx"
    result = invoke("evaluate", SAMPLE, "--by", "team", "--lang", "en", "-o", out, "-f", "json")
    assert result.exit_code == 1, result.output
    return out, json.loads(result.stdout)


def summary_rows(path):
    ws = openpyxl.load_workbook(path)["Summary"]
    rows = list(ws.iter_rows())
    header_index = next(i for i, r in enumerate(rows) if r[0].value == "Standard")
    header = [c.value for c in rows[header_index]]
    body = []
    for row in rows[header_index + 1 :]:
        if row[0].value is None:
            break
        body.append(dict(zip(header, row, strict=False)))
    return ws, header, body


def evidence_sheet(book, name):
    """The evidence sheet whose title names the standard (tabs carry shortened names)."""
    return next(ws for ws in book.worksheets[1:] if str(ws["A1"].value).startswith(name))


def test_summary_equals_the_json_of_the_same_run(sample_export):
    path, data = sample_export
    _ws, header, body = summary_rows(path)
    assert len(body) == 14
    results = {(r["standard"], r["group"]): r for r in data["results"]}
    groups = ["一组", "二组", "三组"]
    assert header[:8] == ["Standard", "Period", "Target", "Actual", "Status", *groups]
    assert header[-2:] == ["Description", "ID"]
    for row in body:
        overall = results[(row["ID"].value, None)]
        assert row["Standard"].value.startswith(overall["name"])
        assert row["Target"].value == pytest.approx(overall["target"])
        assert row["Actual"].value == pytest.approx(overall["actual"])
        assert STATUS_BY_LABEL[row["Status"].value] == overall["status"]
        assert row["Period"].value == overall["period"]
        for group in groups:
            expected = results[(row["ID"].value, group)]
            cell = row[group]
            assert cell.value == pytest.approx(expected["actual"])
            # the status reads without colour: its mark follows the number
            assert cell.number_format.endswith(f'" {MARKS[expected["status"]]}"')
            assert cell.fill.fgColor.rgb == FILL_OF[expected["status"]]


def test_status_fills_and_number_formats(sample_export):
    path, _data = sample_export
    _ws, _header, body = summary_rows(path)
    for row in body:
        status = STATUS_BY_LABEL[row["Status"].value]
        assert row["Status"].fill.fgColor.rgb == FILL_OF[status]
        assert row["Actual"].fill.fgColor.rgb == FILL_OF[status]
    share = next(r for r in body if r["ID"].value == "satisfaction_speed")
    assert share["Actual"].number_format == "0.0%"
    assert share["Target"].number_format == '"≥ "0%'
    count = next(r for r in body if r["ID"].value == "complaints_per_month")
    assert count["Actual"].number_format == "0"
    assert count["Target"].number_format == '"≤ "0'
    assert count["Rows"].number_format == "0"


def test_printable_and_frozen(sample_export):
    path, _data = sample_export
    ws, header, _body = summary_rows(path)
    assert ws.freeze_panes is not None
    assert ws.page_setup.orientation == "landscape"
    assert ws.page_setup.paperSize == 9  # A4
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws.page_setup.fitToWidth in (None, 1)  # 1 is the default, left unwritten
    assert ws.page_setup.fitToHeight == 0
    assert ws.print_title_rows is not None
    assert ws.column_dimensions["A"].width >= 20
    # printed: everything up to the level; the long description and the ids are left out
    last = openpyxl.utils.get_column_letter(header.index("Level") + 1)
    assert ws.print_area.startswith(f"'Summary'!$A$1:${last}$")


def test_evidence_sheets_hold_exactly_the_failing_rows(sample_export):
    path, data = sample_export
    book = openpyxl.load_workbook(path)
    failing = {r["name"] for r in data["results"] if r["status"] in ("fail", "warn")}
    for name in failing:
        evidence_sheet(book, name)
    overdue = evidence_sheet(book, "Complaints not resolved by the promised deadline").title
    frame = pd.read_excel(engine="openpyxl", io=path, sheet_name=overdue, header=1)
    assert list(frame["complaint_id"]) == ["C202609-014", "C202610-003", "C202610-004"]
    assert list(frame["Days late"]) == [2, 2, 8]
    # deadlines are shown as the promised day, not rounded to the next midnight
    assert list(frame["promised_by"].dt.strftime("%Y-%m-%d")) == [
        "2026-10-02",
        "2026-10-15",
        "2026-10-23",
    ]
    ws = book[overdue]
    assert ws.auto_filter.ref is not None
    accuracy = pd.read_excel(
        engine="openpyxl", io=path, sheet_name="Satisfaction - accurate answers", header=1
    )
    assert list(accuracy["response_id"]) == ["S1001", "S1004", "S1007"]
    assert set(accuracy["accuracy"]) == {"no"}


def test_personal_data_is_masked_in_the_workbook_and_the_terminal(sample_export):
    path, _data = sample_export
    overdue = evidence_sheet(openpyxl.load_workbook(path), "Complaints not resolved by the")
    frame = pd.read_excel(engine="openpyxl", io=path, sheet_name=overdue.title, header=1, dtype=str)
    assert list(frame["customer"]) == ["钱**", "郑*", "王**"]
    assert list(frame["phone"]) == ["139****5014", "135****3003", "134****4004"]
    wide = {"COLUMNS": "250"}  # every evidence column fits (narrower: the last ones are left out)
    args = ["evaluate", str(SAMPLE), "--evidence", "--quiet"]
    shown = runner.invoke(cli.app, args, env=wide)
    assert "钱**" in shown.stdout and "139****5014" in shown.stdout
    assert "钱丽华" not in shown.stdout and "13912345014" not in shown.stdout
    plain = runner.invoke(cli.app, [*args, "--show-personal"], env=wide)
    assert "钱丽华" in plain.stdout


def test_chart_and_category_sheets(sample_export):
    path, _data = sample_export
    book = openpyxl.load_workbook(path)
    assert "Chart" in book.sheetnames
    with pd.ExcelFile(path, engine="openpyxl") as xl:
        chart = pd.read_excel(engine="openpyxl", io=xl, sheet_name="Chart", header=19, nrows=9)
        categories = pd.read_excel(engine="openpyxl", io=xl, sheet_name="Categories")
    assert list(chart.columns) == ["Standard", "Target", "Overall", "一组", "二组", "三组"]
    assert list(categories["Category"]) == ["维修时效", "产品质量", "服务态度", "账务", "Total"]
    assert list(categories["Count"]) == [2, 1, 1, 1, 5]
    assert categories["Share"].iloc[0] == pytest.approx(0.4)
    import zipfile

    names = zipfile.ZipFile(path).namelist()
    assert any(n.startswith("xl/charts/chart") for n in names)


INJECTIONS = [
    "=1+1",
    "+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(A1)",
    "\tTAB",
    "\rCR",
    "#N/A",
    '=HYPERLINK("http://x.invalid","click")',
]


def test_input_text_is_never_a_formula_link_or_error(tmp_path):
    rows = [COMPLAINT_HEADERS]
    for i, text in enumerate(INJECTIONS):
        row = complaint(
            f"X{i}", D(2026, 10, 1 + i), promised="2026-10-01", resolved=D(2026, 10, 20)
        )
        row[6] = text
        rows.append(row)
    rows[1][6] = "abc" + "x" * (MAX_CELL + 50)  # control characters: see test_safe_text
    path = write_workbook(tmp_path / "in.xlsx", {"投诉记录": rows})
    out = tmp_path / "out.xlsx"
    rules = rules_for(tmp_path, "complaints")
    result = invoke("evaluate", path, "-o", out, "--lang", "en", "-r", rules)
    assert result.exit_code == 1
    ws = evidence_sheet(openpyxl.load_workbook(out), "Complaints not resolved by the")
    header = [c.value for c in ws[2]]
    cells = [row[header.index("description")] for row in ws.iter_rows(min_row=3)]
    assert all(c.data_type == "s" for c in cells)
    assert [c.value for c in cells[1:]] == [t.strip() for t in INJECTIONS[1:]]  # loader trims
    assert cells[0].value.startswith("abcxxx")
    assert len(cells[0].value) <= MAX_CELL


def test_safe_text_and_sheet_names():
    # shown, not removed: the reader sees that the cell held something odd
    assert safe_text("a\x01b\x1fc\td\x1b[2J\u202e") == "a␁b␟c\td␛[2J<U+202E>"
    long = safe_text("y" * (MAX_CELL + 10))
    assert len(long) == MAX_CELL and long.endswith(TRUNCATED)
    used: set[str] = set()
    names = [sheet_name("x" * 40, used), sheet_name("x" * 40, used), sheet_name("a[b]:c", used)]
    assert names == ["x" * 31, "x" * 29 + "~2", "a_b__c"]
    assert all(len(n) <= 31 for n in names)


@pytest.mark.parametrize(
    ("value", "masked"),
    [
        ("张三", "张*"),
        ("欧阳娜娜", "欧***"),
        ("13812345678", "138****5678"),
        ("+86 138 1234 5678", "+86 138 **** 5678"),
        ("A", "*"),
        (None, None),
    ],
)
def test_mask_value(value, masked):
    assert mask_value(value) == masked


def test_output_to_an_input_exits_2_before_reading(tmp_path):
    path = tmp_path / "month.xlsx"
    path.write_bytes(b"not even a workbook")
    result = invoke("evaluate", path, "-o", path, "--lang", "en")
    assert result.exit_code == 2
    assert f"--output {path} is the input {path}; refusing to write over an input" in result.stderr
    assert path.read_bytes() == b"not even a workbook"


def test_missing_output_folder_exits_4_before_reading(tmp_path):
    out = tmp_path / "no" / "such" / "scorecard.xlsx"
    result = invoke("evaluate", SAMPLE, "-o", out, "--lang", "en")
    assert result.exit_code == 4
    assert f"the output folder {out.parent} does not exist" in result.stderr


def test_failed_write_leaves_previous_scorecard_and_no_temp_file(tmp_path, monkeypatch):
    out = tmp_path / "scorecard.xlsx"
    assert invoke("evaluate", SAMPLE, "-o", out).exit_code == 1
    before = hashlib.sha256(out.read_bytes()).hexdigest()
    import cskpi.present.excel

    def disk_full(*_args, **_kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(cskpi.present.excel, "write_xlsx", disk_full)
    result = invoke("evaluate", SAMPLE, "-o", out, "--lang", "en")
    assert result.exit_code == 4
    assert f"{out}: cannot write the output (No space left on device)." in result.stderr
    assert hashlib.sha256(out.read_bytes()).hexdigest() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["scorecard.xlsx"]


def test_workbook_is_owner_only(tmp_path):
    out = tmp_path / "s.xlsx"
    invoke("evaluate", SAMPLE, "-o", out)
    assert stat.S_IMODE(out.stat().st_mode) == 0o600


@pytest.mark.parametrize(
    ("suffix", "fmt"), [(".json", "json"), (".csv", "csv"), (".md", "markdown")]
)
def test_text_outputs_equal_stdout(tmp_path, suffix, fmt):
    out = tmp_path / f"s{suffix}"
    result = invoke("evaluate", SAMPLE, "-o", out, "-f", fmt)
    bom = "\ufeff" if suffix == ".csv" else ""  # a CSV file is for Excel; stdout for pipes
    assert out.read_text(encoding="utf-8") == bom + result.stdout


def test_unknown_output_suffix_is_a_usage_error(tmp_path):
    result = invoke("evaluate", SAMPLE, "-o", tmp_path / "s.pdf", "--lang", "en")
    assert result.exit_code == 2
    assert "unsupported suffix .pdf" in result.stderr


def test_writer_keeps_leading_tab_cr_and_formula_text_as_strings(tmp_path):
    """The writer itself, without the loader's trimming in between."""
    from cskpi.evaluate.scorecard import EvidenceRows, Result, Scorecard, StandardInfo
    from cskpi.present.excel import write_xlsx

    evidence = pd.DataFrame(
        {
            "_row": range(2, 2 + len(INJECTIONS)),
            "_source": "in.xlsx",
            "note": pd.array(INJECTIONS, dtype="string"),
        }
    )
    result = Result(
        standard="s",
        name_zh="标准",
        name_en="Standard",
        group=None,
        period="2026-10",
        status="fail",
        actual=8.0,
        comparison="<=",
        target=1.0,
        warn_target=None,
        level="required",
        metric="count",
        sample_size=8,
        evidence_count=8,
        evidence_rows=EvidenceRows.of(evidence),
    )
    card = Scorecard(
        rulebook_id="r",
        rulebook_name_zh="规则",
        rulebook_name_en="Rules",
        period="2026-10",
        as_of=pd.Timestamp("2026-10-31 23:59:59"),
        group_by=None,
        groups=(),
        results=(result,),
        standards=(StandardInfo("s", "说明", "desc", "d", (("note", "备注"),)),),
    )
    out = tmp_path / "w.xlsx"
    write_xlsx(card, out, "en")
    ws = openpyxl.load_workbook(out)["Standard"]
    cells = [row[1] for row in ws.iter_rows(min_row=3)]
    assert {c.data_type for c in cells} == {"s"}
    # A CR is stored as _x000D_, as Excel does; calamine decodes it, openpyxl does not.
    rows = sheet_cells(out)["Standard"]
    assert [r[1] for r in rows[2:]] == INJECTIONS
