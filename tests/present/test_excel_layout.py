"""The workbook a manager forwards as is: readable tab names, names before ids, the early
warning explained, numbers formatted everywhere, charts whole on a printed page."""

from __future__ import annotations

import json
import re
import zipfile

import openpyxl
import pytest
from typer.testing import CliRunner

from cskpi.cli import app as cli
from cskpi.present.xlsxcells import short_sheet_name
from tests.conftest import SAMPLE

runner = CliRunner()


def invoke(*args):
    return runner.invoke(cli.app, [str(a) for a in args])


@pytest.fixture(scope="module")
def exports(tmp_path_factory):
    """The sample by team in Chinese (with two months of history) and in English."""
    folder = tmp_path_factory.mktemp("layout")
    history = folder / "h.sqlite3"
    earlier = invoke(
        "evaluate", SAMPLE, "--period", "2026-09", "--by", "team", "--history", history, "-q"
    )
    assert earlier.exit_code in (0, 1), earlier.output
    zh = folder / "zh.xlsx"
    result = invoke("evaluate", SAMPLE, "--by", "team", "--history", history, "-o", zh, "-q")
    assert result.exit_code == 1, result.output
    en = folder / "en.xlsx"
    result = invoke(
        "evaluate", SAMPLE, "--by", "team", "--lang", "en", "--no-history", "-o", en, "-f", "json"
    )
    return zh, en, json.loads(result.stdout)


def test_sheet_names_are_the_standards_names_in_the_output_language(exports):
    zh, en, _data = exports
    assert openpyxl.load_workbook(zh).sheetnames == [
        "总览",
        "月度逾期未解决投诉明细",
        "满意度：迅速到达明细",  # the rulebook's ':' may not be in a tab name: full-width
        "满意度：准确回答明细",
        "满意度：解决结果明细",
        "季度信息数据投诉明细",
        "解决建议满意度明细",
        "按时间表完成工作明细",
        "员工了解上级期望明细",
        "员工了解自身表现明细",
        "员工具备知识技能明细",
        # no sheet for the successor standard: a team without one has not achieved an
        # excellent level (未达成), which is no failure and has no rows to look into
        "图表",
        "趋势",
        "问题类型",
        "排名",  # every team, worst first
        "按组结果",  # every team's results as rows
    ]
    names = openpyxl.load_workbook(en).sheetnames
    assert names[:4] == [
        "Summary",
        "Complaints not resolved by the…",
        "Satisfaction - prompt arrival",
        "Satisfaction - accurate answers",
    ]
    assert all(len(n) <= 31 for n in names) and len(set(names)) == len(names)


@pytest.mark.parametrize(
    ("title", "suffix", "expected"),
    [
        ("月度逾期未解决投诉", "明细", "月度逾期未解决投诉明细"),
        ("Complaints not resolved by the promised deadline", "", "Complaints not resolved by the…"),
        ("Complaints about reports and data per quarter", "", "Complaints about reports and…"),
        ("A" * 40, "", "A" * 30 + "…"),
        ("一" * 40, "明细", "一" * 28 + "…明细"),
        ("Rate [a/b]?", "", "Rate (a／b)？"),
        ("Satisfaction: accurate answers", " 2026-09", "Satisfaction - accurat… 2026-09"),
    ],
)
def test_short_sheet_name(title, suffix, expected):
    assert short_sheet_name(title, set(), suffix) == expected


def test_short_sheet_names_stay_unique():
    used: set[str] = set()
    first = short_sheet_name("Staff know what is expected of them", used)
    second = short_sheet_name("Staff know what is expected of us", used)
    assert first == "Staff know what is expected of…"
    assert second == "Staff know what is… (2)"
    assert short_sheet_name("月度投诉", used, "明细") == "月度投诉明细"
    assert short_sheet_name("月度投诉", used, "明细") == "月度投诉明细 (2)"


def _summary(path):
    ws = openpyxl.load_workbook(path).worksheets[0]
    rows = list(ws.iter_rows())
    at = next(i for i, r in enumerate(rows) if r[0].value in ("绩效标准", "Standard"))
    header = [c.value for c in rows[at]]
    body = []
    for row in rows[at + 1 :]:
        if row[0].value is None:
            break
        body.append(dict(zip(header, row, strict=False)))
    return ws, header, body


def test_summary_names_first_verdict_on_top_and_the_warning_explained(exports):
    zh, en, _data = exports
    ws, header, body = _summary(zh)
    assert ws["A2"].value == "结论:未达标。"
    assert [r["绩效标准"].value for r in body[:2]] == ["月度客户投诉次数", "月度逾期未解决投诉"]
    assert body[-1]["绩效标准"].value == "培养出可接替经理的员工 (优秀)"
    assert header[-1] == "编号" and body[0]["编号"].value == "complaints_per_month"
    warn = next(r for r in body if r["编号"].value == "info_complaints_per_quarter")
    # one report complaint in October, 61 days of Q4 left: 1 x 92 / 31 days = 3.0 (README)
    assert warn["预警说明"].value == "已用 1/1,剩余 61.0 天,预计 3.0"
    assert warn["结果"].value == "! 预警"
    ws_en, _header_en, body_en = _summary(en)
    assert ws_en["A2"].value == "Verdict: standards not met."
    warn_en = next(r for r in body_en if r["ID"].value == "info_complaints_per_quarter")
    assert warn_en["Early warning"].value == "1 of 1 used, 61.0 days left, 3.0 projected"
    passing = next(r for r in body_en if r["ID"].value == "complaints_per_month")
    assert passing["Early warning"].value in (None, "")


def test_interval_and_row_count_are_apart_and_typed(exports):
    _zh, en, data = exports
    _ws, header, body = _summary(en)
    # '2' beside '68.6% – 97.1%' read as '268.6%': the two columns are not neighbours
    assert abs(header.index("95% interval") - header.index("Rows")) > 1
    speed = next(r for r in body if r["ID"].value == "satisfaction_speed")
    result = next(
        r for r in data["results"] if r["standard"] == "satisfaction_speed" and r["group"] is None
    )
    assert speed["95% interval"].value == f"{result['ci_low']:.1%} – {result['ci_high']:.1%}"
    assert speed["Rows"].value == 1 and speed["Rows"].data_type == "n"


def test_names_link_to_their_evidence_sheet(exports):
    _zh, en, _data = exports
    _ws, _header, body = _summary(en)
    overdue = next(r for r in body if r["ID"].value == "overdue_complaints_per_month")
    assert overdue["Standard"].hyperlink.location == "'Complaints not resolved by the…'!A1"
    passing = next(r for r in body if r["ID"].value == "complaints_per_month")
    assert passing["Standard"].hyperlink is None


def test_chart_data_is_formatted_like_the_summary(exports):
    zh, _en, _data = exports
    ws = openpyxl.load_workbook(zh)["图表"]
    formats = {}
    for row in ws.iter_rows():
        if isinstance(row[0].value, str) and row[0].value.startswith("满意度:迅速到达"):
            formats["share"] = (row[1].number_format, row[2].number_format, row[2].value)
        if isinstance(row[0].value, str) and row[0].value.startswith("月度客户投诉次数"):
            formats["count"] = (row[1].number_format, row[2].number_format, row[2].value)
    assert formats["share"] == ("0.0%", '0.0%" ✓"', 0.975)
    assert formats["count"] == ("0", '0" ✓"', 5)
    assert len(ws.row_breaks.brk) == 1  # shares on one page, counts on the next


def test_trend_counts_are_integers_and_shares_percentages(exports):
    zh, _en, _data = exports
    ws = openpyxl.load_workbook(zh)["趋势"]
    header = [c.value for c in ws[3]]
    assert header[:2] == ["绩效标准", "目标"]
    sep, oct_ = header.index("2026-09"), header.index("2026-10")
    rows = {r[0].value: r for r in ws.iter_rows(min_row=4, max_row=17)}
    complaints = rows["月度客户投诉次数"]
    assert (complaints[sep].value, complaints[oct_].value) == (2, 5)  # the sample: Sept, Oct
    assert complaints[oct_].number_format == '0" ✓"'
    assert rows["满意度:迅速到达"][oct_].number_format == '0.0%" ✓"'
    assert rows["满意度:迅速到达"][sep].number_format == '0.0%" ✗"'  # 5 answers, none happy
    assert rows["月度客户投诉次数"][1].number_format == '"≤ "0'


def _anchors(path):
    """Sheet name -> [(first row, last row)] of each chart, read from the drawing XML."""
    archive = zipfile.ZipFile(path)
    book = archive.read("xl/workbook.xml").decode()
    rels = archive.read("xl/_rels/workbook.xml.rels").decode()
    targets = dict(re.findall(r'Id="(rId\d+)" [^>]*Target="([^"]+)"', rels))
    targets |= {k: v for v, k in re.findall(r'Target="([^"]+)" [^>]*Id="(rId\d+)"', rels)}
    out = {}
    for name, rid in re.findall(r'<sheet name="([^"]+)" sheetId="\d+" r:id="(rId\d+)"', book):
        sheet = targets[rid].rsplit("/", 1)[-1]
        sheet_rels = f"xl/worksheets/_rels/{sheet}.rels"
        if sheet_rels not in archive.namelist():
            continue
        drawing = re.search(r'Target="../drawings/([^"]+)"', archive.read(sheet_rels).decode())
        if drawing is None:
            continue
        xml = archive.read(f"xl/drawings/{drawing.group(1)}").decode()
        marks = re.findall(r"<xdr:row>(\d+)</xdr:row><xdr:rowOff>(\d+)</xdr:rowOff>", xml)
        spans = []
        for (first, _off), (to, to_off) in zip(marks[0::2], marks[1::2], strict=True):
            # a chart ending at offset 0 of a row ends above it
            spans.append((int(first), int(to) if int(to_off) else int(to) - 1))
        out[name] = spans
    return out


def test_no_chart_is_cut_by_a_page_break(exports):
    zh, _en, _data = exports
    anchors = _anchors(zh)
    book = openpyxl.load_workbook(zh)
    assert set(anchors) == {"图表", "趋势"}
    assert len(anchors["趋势"]) == 14  # one small chart per standard
    for name, charts in anchors.items():
        breaks = [b.id for b in book[name].row_breaks.brk]  # 0-based first row of a new page
        assert breaks, name
        for first, last in charts:  # 0-based rows the chart covers
            assert not any(first < b <= last for b in breaks), (name, first, last, breaks)
        ws = book[name]
        assert ws.page_setup.orientation == "landscape" and ws.page_setup.fitToHeight == 0


def test_too_few_answers_is_written_grey(tmp_path):
    """A share below its min_answers ('insufficient') once had no fill and broke the export."""
    import pandas as pd

    from cskpi.evaluate.scorecard import Result, Scorecard
    from cskpi.present.excel import write_xlsx

    result = Result(
        standard="s",
        name_zh="满意度",
        name_en="Satisfaction",
        group=None,
        period="2026-10",
        status="insufficient",
        actual=None,
        comparison=">=",
        target=0.95,
        warn_target=None,
        level="required",
        metric="share",
        sample_size=3,
        evidence_count=0,
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
    )
    out = tmp_path / "w.xlsx"
    write_xlsx(card, out, "en")
    _ws, _header, body = _summary(out)
    assert body[0]["Status"].value == "? too few answers"
    assert body[0]["Status"].fill.fgColor.rgb == "FFD9D9D9"
    assert openpyxl.load_workbook(out).worksheets[0]["A2"].value.startswith("Verdict: incomplete")


def test_a_quarter_run_names_each_months_sheet_and_column(tmp_path):
    """Monthly standards over 2026Q3 give one result per month: the tab and the HTML matrix
    name the month (September's five unhappy survey answers fail the four satisfactions)."""
    book, page = tmp_path / "q3.xlsx", tmp_path / "q3.html"
    args = ("evaluate", SAMPLE, "--by", "team", "--period", "2026Q3", "--no-history", "-q")
    assert invoke(*args, "-o", book).exit_code == 1
    names = openpyxl.load_workbook(book).sheetnames
    assert "满意度：迅速到达明细 2026-09" in names and "满意度：解决结果明细 2026-09" in names
    assert invoke(*args, "-o", page).exit_code == 1
    headers = re.findall(r'<th class="std">([^<]+)</th>', page.read_text(encoding="utf-8"))
    assert headers[:3] == [
        "1. 月度客户投诉次数 2026-07",
        "2. 月度客户投诉次数 2026-08",
        "3. 月度客户投诉次数 2026-09",
    ]
    assert any(h.endswith("员工了解自身表现") for h in headers)  # one quarterly window: no month
