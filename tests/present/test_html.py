"""The HTML scorecard: self-contained, valid, every standard and the verdict on it, data text
escaped, the matrix and evidence capped with counts. The browser test is in test_browser.py."""

from __future__ import annotations

import json
import re
import stat

import html5lib
import pandas as pd
import pytest
from typer.testing import CliRunner

from cskpi.cli import app as cli
from cskpi.evaluate.scorecard import EvidenceRows, GroupScore, Result, Scorecard, StandardInfo
from cskpi.present.html import render_html
from tests.conftest import SAMPLE

runner = CliRunner()


def invoke(*args):
    return runner.invoke(cli.app, [str(a) for a in args])


@pytest.fixture(scope="module")
def pages(tmp_path_factory):
    """The sample by team in both languages (Chinese with two months of history), and JSON."""
    folder = tmp_path_factory.mktemp("html")
    history = folder / "h.sqlite3"
    args = ("--by", "team", "--history", history, "-q")
    assert invoke("evaluate", SAMPLE, "--period", "2026-09", *args).exit_code in (0, 1)
    out = {}
    for lang in ("zh", "en"):
        path = folder / f"card-{lang}.html"
        result = invoke("evaluate", SAMPLE, *args, "--lang", lang, "-o", path, "-f", "json")
        assert result.exit_code == 1, result.output
        out[lang] = (path, path.read_text(encoding="utf-8"), json.loads(result.stdout))
    return out


def text_of(page: str) -> str:
    """The page's visible text, tags removed and entities decoded, whitespace collapsed."""
    import html

    body = re.sub(r"<(style|title)[^>]*>.*?</\1>", " ", page, flags=re.S)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", body)).split())


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_self_contained_nothing_fetched_no_script(pages, lang):
    _path, page, _data = pages[lang]
    lowered = page.lower()
    for forbidden in ("<script", "http://", "https://", "src=", "href=", "url(", "@import", "//"):
        assert forbidden not in lowered.replace("<!doctype", ""), forbidden
    assert re.search(r"onload=|onerror=|onclick=|javascript:", lowered) is None
    # the browser is told so too: nothing may load, only the inline style applies
    assert "content=\"default-src 'none'; style-src 'unsafe-inline'\"" in page


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_valid_html5(pages, lang):
    _path, page, _data = pages[lang]
    parser = html5lib.HTMLParser(strict=True)  # any WHATWG parse error raises
    document = parser.parse(page)
    assert document.find(".//{http://www.w3.org/1999/xhtml}main") is not None


def test_every_standard_the_verdict_and_the_period_are_on_the_page(pages):
    for lang, expected in (
        ("zh", ("结论:未达标。", 'lang="zh-CN"')),
        (
            "en",
            (
                "Verdict: standards not met.",
                'lang="en"',
            ),
        ),
    ):
        _path, page, data = pages[lang]
        shown = text_of(page)
        assert expected[0] in shown and expected[1] in page
        assert data["period"] in shown and "2026-10-31 23:59:59" in shown
        for result in data["results"]:
            assert result["name"] in shown, result["name"]
    zh = text_of(pages["zh"][1])
    # the early warning in words, the interval, the score, the groups' marks
    assert "已用 1/1,剩余 61.0 天,预计 3.0" in zh
    assert "87.1% – 99.6%" in zh
    assert "得分 62.5 · 覆盖 13/13 项 · 等级 合格" in zh
    assert "三组 92.3% ✗" in zh


def test_matrix_lists_the_worst_group_first(pages):
    _path, page, _data = pages["en"]
    matrix = page[page.index('<table class="matrix">') :]
    groups = re.findall(r'<th class="group" scope="row">([^<]+)</th>', matrix)
    # 三组 fails 8 standards, 二组 5, 一组 3 (the terminal table of the sample)
    assert groups == ["Overall", "三组", "二组", "一组"]
    assert matrix.count('<th class="std"') == 14


def test_trend_sparklines_from_the_history(pages):
    page = pages["zh"][1]
    titles = re.findall(r"<title>(趋势: [^<]*)</title>", page)
    assert len(titles) == 14  # every standard has the two runs (September, October)
    assert titles[0] == "趋势: 2026-09 2 · 2026-10 5"  # complaints: 2 in September, 5 now
    assert "趋势: 2026Q3 1 · 2026Q4 1" in titles  # the quarterly report complaints
    assert "<title>Trend: 2026-09 2 · 2026-10 5</title>" in pages["en"][1]


def test_print_stylesheet_a4_landscape(pages):
    page = pages["zh"][1]
    assert "@page { size: A4 landscape;" in page
    assert "@media print" in page and "break-inside: avoid" in page


def test_personal_data_masked_and_file_owner_only(pages, tmp_path):
    path, page, _data = pages["zh"]
    assert "钱**" in page and "139****5014" in page
    assert "钱丽华" not in page and "13912345014" not in page
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    plain = tmp_path / "plain.html"
    assert invoke("evaluate", SAMPLE, "--show-personal", "-o", plain, "-q").exit_code == 1
    assert "钱丽华" in plain.read_text(encoding="utf-8")


def _result(standard, group, status, actual, **extra) -> Result:
    fields = {
        "name_zh": f"标准{standard}",
        "name_en": f"Standard {standard}",
        "period": "2026-10",
        "comparison": "<=",
        "target": 1.0,
        "warn_target": None,
        "level": "required",
        "metric": "count",
        "sample_size": int(actual or 0),
        "evidence_count": int(actual or 0),
    }
    return Result(standard, group=group, status=status, actual=actual, **(fields | extra))


def _card(results, groups=(), **extra) -> Scorecard:
    return Scorecard(
        rulebook_id="r",
        rulebook_name_zh="规则",
        rulebook_name_en="Rules",
        period="2026-10",
        as_of=pd.Timestamp("2026-10-31 23:59:59"),
        group_by="agent" if groups else None,
        groups=tuple(groups),
        results=tuple(results),
        **extra,
    )


def test_three_thousand_agents_capped_with_what_the_rest_are():
    """3,000 agents: 5 fail, 20 warn, the rest pass; 30 rows shown, the others counted."""
    groups = [f"A{i:04d}" for i in range(3000)]
    results = [_result("s", None, "fail", 40.0)]
    for i, g in enumerate(groups):
        status, actual = ("fail", 3.0) if i % 600 == 7 else ("pass", 0.0)
        if status == "pass" and i % 150 == 3:
            status, actual = "warn", 1.0
        results.append(_result("s", g, status, actual))
    page = render_html(_card(results, groups), "en")
    rows = re.findall(r'<th class="group" scope="row">([^<]+)</th>', page)
    assert len(rows) == 31  # overall + 30
    assert rows[1:6] == ["A0007", "A0607", "A1207", "A1807", "A2407"]  # the failures first
    assert rows[6:26] == [f"A{i:04d}" for i in range(3000) if i % 150 == 3]  # then warnings
    assert "2,970 more groups not listed: 2,970 all pass. The workbook and the CSV" in page
    assert "3,000 groups: 5 fail · 20 warn · 2,975 pass" in text_of(page)  # the card's line
    assert len(page) < 200_000  # an e-mail body, not a data dump


def test_hidden_groups_are_counted_by_their_worst_status():
    groups = [f"T{i}" for i in range(6)]
    statuses = ["fail", "fail", "warn", "no_data", "pass", "pass"]
    results = [_result("s", None, "fail", 5.0)]
    results += [
        _result("s", g, s, None if s == "no_data" else 1.0)
        for g, s in zip(groups, statuses, strict=True)
    ]
    page = render_html(_card(results, groups), "zh", max_groups=1)
    assert "另有 5 个组未列出:1 个有未达标项 · 1 个有预警 · 1 个有无数据项 · 2 个全部达标。" in page


def test_evidence_capped_with_a_count_and_data_text_escaped():
    hostile = [
        "<script>alert(1)</script>",
        "a\u202eevil",  # a right-to-left override would reverse what follows
        "\x1b[31mred",  # a terminal escape
        '" onmouseover="x',
    ]
    frame = pd.DataFrame(
        {
            "_row": range(2, 27),
            "_source": "in.xlsx",
            "note": pd.array((hostile * 7)[:25], dtype="string"),
        }
    )
    result = _result("s", None, "fail", 25.0, evidence_rows=EvidenceRows.of(frame))
    info = StandardInfo("s", "说明", "a <b>bold</b> rule", "d", (("note", "备注"),))
    card = _card(
        [result],
        standards=(info,),
        appraisal=(GroupScore(None, 0.0, "D", "不合格", "Unsatisfactory", ()),),
        inputs=(("<img src=x>.xlsx", "0" * 64),),
    )
    page = render_html(card, "en")
    assert "<script" not in page and "<img" not in page and "<b>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "a&lt;U+202E&gt;evil" in page and "\u202e" not in page
    assert "␛[31mred" in page and "\x1b" not in page
    assert "&#34; onmouseover=&#34;x" in page
    assert page.count("<tr><td>") == 20
    assert "... and 5 more, in the workbook." in page
    html5lib.HTMLParser(strict=True).parse(page)


def test_html_to_stdout_is_refused_and_htm_works(tmp_path):
    refused = invoke("evaluate", SAMPLE, "--format", "html", "--lang", "en")
    assert refused.exit_code == 2
    assert "use -o scorecard.html" in refused.stderr
    out = tmp_path / "card.htm"
    result = invoke("evaluate", SAMPLE, "-o", out, "--lang", "en")
    assert result.stderr.splitlines()[-1] == f"written: {out}"
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
