"""The first month of a supervisor who has never used a command line (issue 19), through the CLI.

Each test is one friction met on the way: what the user typed or filled in, and what cskpi must
say back so that no question to anyone is needed.
"""

from __future__ import annotations

from typer.testing import CliRunner

from cskpi.cli import app as cli
from tests.conftest import ROOT, SAMPLE, write_workbook
from tests.months import good_month

runner = CliRunner()
DOCUMENT = "《客户服务主管的绩效标准》"


def invoke(*args: object):
    return runner.invoke(cli.app, [str(a) for a in args])


def test_the_rulebook_copy_names_the_source_document_not_a_path_users_lack(tmp_path):
    assert invoke("init", tmp_path / "cs").exit_code == 0
    copy = (tmp_path / "cs" / "customer-service-supervisor.yaml").read_text(encoding="utf-8")
    bundled = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "rules").glob("*.yaml"))]
    assert len(bundled) == 4
    for text in (copy, *bundled):
        head = text.split("\nrulebook:")[0]
        assert DOCUMENT in head
        assert "shared/" not in text and "seeds" not in text and ".txt" not in text


def test_a_grade_beside_not_met_says_why_both_can_be_true(tmp_path):
    why = (
        "The score weighs the standards; the verdict needs every required standard met, so a "
        'high score can still be "not met".'
    )
    failed = invoke("evaluate", SAMPLE, "--lang", "en")
    assert failed.exit_code == 1
    assert failed.stdout.splitlines()[-3:] == [
        "Appraisal (Overall): score 62.5, covers 13 of 13 standards, grade Satisfactory.",
        why,
        "Verdict: standards not met.",
    ]
    zh = invoke("evaluate", SAMPLE).stdout.splitlines()
    assert zh[-2] == "得分按权重累计各项标准;结论要求每项必达标准都达标,所以得分高也可能未达标。"
    passed = invoke("evaluate", write_workbook(tmp_path / "m.xlsx", good_month()), "--lang", "en")
    assert passed.exit_code == 0, passed.output
    assert why not in passed.stdout
    assert passed.stdout.splitlines()[-1] == "Verdict: standards met."


def test_quick_start_says_the_sample_fails_on_purpose_and_why():
    import json
    import re

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    quick = readme.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    block = re.search(r"```bash\n(.*?)```", quick, re.S)
    assert block is not None and len(block.group(1).splitlines()) == 2  # a tool parses this
    result = invoke("evaluate", SAMPLE, "-f", "json", "--lang", "en")
    assert result.exit_code == 1  # a failure, not an incomplete run (5) nor a set-up error
    failed = [r for r in json.loads(result.stdout)["results"] if r["status"] == "fail"]
    assert len(failed) == 4
    said = quick.split("**The sample is meant to fail", 1)[1].split("**Skipped tests", 1)[0]
    said = said.replace("\n", " ")
    assert "exit code 1" in said and "4 standards fail on purpose" in said
    for r, shown in zip(failed, ("3 overdue", "92.5%", "85%", "80%"), strict=True):
        assert shown in said, r["standard"]
    assert "结论:未达标" in said


def test_skipped_real_data_tests_say_why_and_that_nothing_is_wrong():
    from tests.read.test_realdata import needs_shared

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "5 skipped" in readme and "../shared/realdata" in readme
    reason = needs_shared.kwargs["reason"]
    assert "../shared/realdata" in reason and "nothing to fix" in reason


def test_explain_columns_shows_the_mapping_when_a_required_column_is_missing(tmp_path):
    from tests.conftest import COMPLAINT_HEADERS, complaint
    from tests.months import rules_for

    headers = ["承诺时间" if h == "承诺期限" else h for h in COMPLAINT_HEADERS]
    book = write_workbook(
        tmp_path / "m.xlsx", {"投诉记录": [headers, complaint("C1", "2026-10-03")]}
    )
    rules = rules_for(tmp_path, "complaints")
    result = invoke("evaluate", book, "-r", rules, "--explain-columns", "--lang", "en")
    assert result.exit_code == 3
    mapping = result.stdout
    row = next(line for line in mapping.splitlines() if "promised_by" in line)
    assert "not found (closest: 承诺时间)" in row
    assert any("received_at" in line and "投诉日期" in line for line in mapping.splitlines())
    assert result.stderr == (
        f"error: {book}, sheet '投诉记录': required column '承诺期限' is missing (accepted "
        "headers: 承诺期限, promised_by, deadline, 承诺解决日期); the closest header found is "
        "'承诺时间'.\n"
    )
    # without the option only the error is shown, as before
    plain = invoke("evaluate", book, "-r", rules, "--lang", "en")
    assert plain.exit_code == 3 and plain.stdout == "" and plain.stderr == result.stderr


def test_a_score_says_what_it_covers_and_too_little_is_not_graded(tmp_path):
    import json

    import openpyxl

    # by agent, only the two complaint standards have a result per agent: weights 15 + 15 of
    # the 100 the 13 required standards weigh = 30% < min_coverage 0.5: a score, no grade.
    # 刘洋: 1 complaint <= 5 and 0 overdue <= 1 -> 30/30 = 100.0; 赵磊: 2 overdue > 1 -> 50.0
    out = tmp_path / "card.xlsx"
    table = invoke("evaluate", SAMPLE, "--by", "agent", "-o", out)
    assert table.exit_code == 1
    lines = table.stdout.splitlines()
    assert "考核得分(全部):62.5 分,覆盖 13/13 项,等级 合格。" in lines
    assert (
        "考核得分(刘洋):100.0 分,覆盖 2/13 项(权重 30%),等级 不评级(评级需覆盖 50% 的权重)。"
    ) in lines
    assert not any("优秀" in line for line in lines if "考核得分" in line)
    data = json.loads(invoke("evaluate", SAMPLE, "--by", "agent", "-f", "json").stdout)
    scores = {a["group"]: a for a in data["appraisal"]}
    assert {k: scores["赵磊"][k] for k in ("score", "grade", "covered", "of", "coverage")} == {
        "score": 50.0,
        "grade": None,
        "covered": 2,
        "of": 13,
        "coverage": 0.3,
    }
    assert scores["赵磊"]["min_coverage"] == 0.5
    assert (scores[None]["grade"], scores[None]["coverage"], scores[None]["min_coverage"]) == (
        "pass",
        1.0,
        None,
    )
    ws = openpyxl.load_workbook(out).worksheets[0]
    rows = {r[0]: r for r in ws.iter_rows(values_only=True) if r[0] in ("得分", "覆盖", "等级")}
    header = next(r for r in ws.iter_rows(values_only=True) if r[0] == "绩效标准")
    liu = header.index("刘洋")
    assert (rows["得分"][liu], rows["覆盖"][liu], rows["等级"][liu]) == (
        100.0,
        "2/13 (30%)",
        "不评级",
    )
    assert (rows["覆盖"][3], rows["等级"][3]) == ("13/13", "合格")
    ranking = openpyxl.load_workbook(out)["排名"]
    assert [c.value for c in ranking[1]][5:] == ["得分", "等级", "覆盖"]
    assert [c.value for c in ranking[2]][1:] == ["赵磊", 1, 0, 0, 50, "不评级", "2/13 (30%)"]
    # many groups (here: more than --top): scores in the ranked list, and why no grade
    ranked = invoke("evaluate", SAMPLE, "--by", "agent", "--top", "2", "--lang", "en")
    lines = ranked.stdout.splitlines()
    assert any(line.split() == ["赵磊", "✓", "✗", "1", "50.0", "(2/13)", "not", "graded"]
               for line in lines)  # fmt: skip
    assert "4 groups' scores cover less than 50% of the weight: not graded." in lines
    page = tmp_path / "card.html"
    assert invoke("evaluate", SAMPLE, "--by", "agent", "-o", page).exit_code == 1
    html = page.read_text(encoding="utf-8")
    assert "<small>得分 62.5 · 覆盖 13/13 项 · 等级 合格</small>" in html
    assert (
        "考核得分(赵磊):50.0 分,覆盖 2/13 项(权重 30%),等级 不评级(评级需覆盖 50% 的权重)。" in html
    )
    # the summary lines under the table say what a grade needs
    assert any(
        r[0]
        == "考核得分(刘洋):100.0 分,覆盖 2/13 项(权重 30%),等级 不评级(评级需覆盖 50% 的权重)。"
        for r in ws.iter_rows(values_only=True)
    )


def test_the_minimum_coverage_is_a_rulebook_setting(tmp_path):
    text = (ROOT / "rules" / "customer-service-supervisor.yaml").read_text(encoding="utf-8")
    assert text.count("min_coverage: 0.5") == 1
    rules = tmp_path / "r.yaml"
    rules.write_text(text.replace("min_coverage: 0.5", "min_coverage: 0.25"), encoding="utf-8")
    result = invoke("evaluate", SAMPLE, "--by", "agent", "-r", rules, "--lang", "en")
    assert (
        "Appraisal (刘洋): score 100.0, covers 2 of 13 standards (30% of the weight), grade "
        "Excellent." in result.stdout.splitlines()
    )
    rules.write_text(text.replace("min_coverage: 0.5", "min_coverage: 1.5"), encoding="utf-8")
    bad = invoke("rules", "check", rules, "--lang", "en")
    assert bad.exit_code == 2 and "min_coverage" in bad.stderr


def test_history_in_time_order_with_gaps_natural_groups_and_a_scale_around_the_target(tmp_path):
    from tests.conftest import COMPLAINT_HEADERS, SURVEY_HEADERS, D, complaint, make_old
    from tests.months import INFO_HEADERS, rules_for

    teams = ["一组", "二组", "三组", "十组"]
    complaints = [COMPLAINT_HEADERS]
    # limit 5 a month: June 6, July 7 (fail); no run for August; September 8 (fail)
    for month, n in ((6, 6), (7, 7), (9, 8)):
        complaints += [
            complaint(f"C{month}-{i}", D(2026, month, 1 + i), team=teams[i % 4]) for i in range(n)
        ]
    survey = [SURVEY_HEADERS]
    # 40 answers in June and in July, none in September (no data). Arrival: June all 5
    # (100%), July one 1 (39/40 = 97.5%). Accuracy: four 1s each month (36/40 = 90% < 95%)
    for month, slow in ((6, 0), (7, 1)):
        for i in range(40):
            arrival, accuracy = (1 if i < slow else 5), (1 if i < 4 else 5)
            survey.append(
                [f"S{month}-{i}", D(2026, month, 1 + i % 28), "一组", arrival, accuracy, 5, 5]
            )
    book = make_old(
        write_workbook(
            tmp_path / "y.xlsx",
            {"投诉记录": complaints, "客户满意度": survey, "信息反馈": [INFO_HEADERS]},
        )
    )
    rules = rules_for(tmp_path, "complaints", "survey", "info_feedback")
    db = tmp_path / "h.sqlite3"
    for period in ("2026-06", "2026-07", "2026-09"):
        ran = invoke("evaluate", book, "-p", period, "--by", "team", "--history", db, "-r", rules)
        assert ran.exit_code == 1, ran.output
    shown = invoke("history", "--history", db, "-r", rules, "--lang", "en")
    assert shown.exit_code == 0, shown.output
    lines = shown.stdout.splitlines()
    head = next(line for line in lines if "Standard" in line)
    # a quarter after its last month; August, with no run, is a column of its own
    columns = [c.strip() for c in head.split("┃")[2:-3]]
    assert columns == ["2026-06", "2026Q2", "2026-07", "2026-08", "2026-09", "2026Q3"]

    def row(name: str) -> list[str]:
        line = next(line for line in lines if line.startswith(f"│ {name} "))
        return [c.strip() for c in line.split("│")[2:-1]]

    # 6, 7, (gap), 8 against 5, on a scale from 2 to 8 around the limit: ▆▇·█; the
    # streak runs over the month with no run: 3
    assert row("Customer complaints per month") == [
        "6 ✗", "", "7 ✗", "·", "8 ✗", "", "▆▇·█", "3",
    ]  # fmt: skip
    # 100% -> 97.5% against 95%, on 90-100%: █ then ▆, not the floor
    assert row("Satisfaction: prompt arrival")[-2] == "█▆··"
    # failed, failed, no run, no data: the streak is still 2
    assert row("Satisfaction: accurate answers") == [
        "90.0% ✗", "", "90.0% ✗", "·", "– –", "", "▁▁··", "2",
    ]  # fmt: skip
    assert row("Complaints about reports and data per quarter")[:6] == [
        "", "0 ✓", "", "", "", "0 ✓",
    ]  # fmt: skip
    assert lines[-1] == (
        "· no result for that period (no run, no data or too few answers); a fail streak "
        "carries on across it, it does not reset."
    )
    by_team = invoke("history", "--history", db, "-r", rules, "--by", "team", "-s",
                     "complaints_per_month")  # fmt: skip
    names = [line.split("│")[1].strip() for line in by_team.stdout.splitlines() if "│" in line]
    assert names == [
        f"月度客户投诉次数{team}" for team in ["", " · 一组", " · 二组", " · 三组", " · 十组"]
    ]


def test_a_date_or_a_stray_number_in_the_group_column_is_a_warning(tmp_path):
    import json

    from tests.conftest import COMPLAINT_HEADERS, D, complaint, make_old
    from tests.months import rules_for

    rows = [
        COMPLAINT_HEADERS,
        complaint("C1", D(2026, 10, 3), agent="1001"),
        complaint("C2", D(2026, 10, 4), team=D(2026, 11, 3), agent="1002"),  # row 3
        complaint("C3", D(2026, 10, 5), team=5, agent="1003"),  # row 4
        complaint("C4", D(2026, 10, 6), team=D(2026, 11, 3), agent="1001"),  # row 5
    ]
    for row in rows[1:]:  # deadlines met: blank ones would make the month incomplete
        row[4], row[5] = D(2026, 10, 9), D(2026, 10, 8)
    book = make_old(write_workbook(tmp_path / "m.xlsx", {"投诉记录": rows}))
    rules = rules_for(tmp_path, "complaints")
    result = invoke("evaluate", book, "-r", rules, "--by", "team", "--lang", "en", "-f", "json")
    assert result.exit_code == 0
    assert result.stderr.splitlines() == [
        f"warning: {book}, dataset 'complaints', rows 3, 5: the group column '团队' holds "
        "'2026-11-03 00:00:00', which looks like a date, not a group name; it is evaluated as "
        "a group of its own. Check these cells.",
        f"warning: {book}, dataset 'complaints', rows 4: the group column '团队' holds '5', "
        "which looks like a number, not a group name; it is evaluated as a group of its own. "
        "Check these cells.",
    ]
    assert len(json.loads(result.stdout)["warnings"]) == 2
    zh = invoke("evaluate", book, "-r", rules, "--by", "team", "-q")
    assert (
        f"{book},数据表「投诉记录」第 3, 5 行:分组列「团队」的值「2026-11-03 00:00:00」像是日期"
        in (zh.stderr)
    )
    # staff numbers throughout (工号) are meant: no warning
    agents = invoke("evaluate", book, "-r", rules, "--by", "agent", "-q")
    assert agents.exit_code == 0 and agents.stderr == ""


def test_a_refused_cell_says_what_its_column_would_read(tmp_path):
    from tests.conftest import COMPLAINT_HEADERS, SURVEY_HEADERS, D, complaint, make_old
    from tests.months import ROSTER_HEADERS, rules_for

    book = make_old(
        write_workbook(
            tmp_path / "m.xlsx",
            {
                "投诉记录": [
                    COMPLAINT_HEADERS,
                    complaint("C1", "2026年10月2号"),  # read: 2 October
                    complaint("C2", "10月2日"),  # no year: refused
                ],
                # 5分 is a score of 5, 比较满意 a 4: both read
                "客户满意度": [
                    SURVEY_HEADERS,
                    ["S1", D(2026, 10, 3), "一组", "5分", "比较满意", 5, 5],
                ],
                "员工名册": [ROSTER_HEADERS, ["王芳", "一组", "满意"]],  # not a yes or a no
            },
        )
    )
    rules = rules_for(tmp_path, "complaints", "survey", "staff")
    result = invoke("evaluate", book, "-r", rules, "--lang", "en")
    assert result.exit_code == 3
    assert result.stderr.splitlines() == [
        f"error: {book}, sheet '投诉记录', row 3, column B ('投诉日期'): unreadable date "
        "'10月2日': expected a date such as 2026-11-02, 2026/11/2, 2026年11月2日, 20261102, "
        "with or without a time (2026-11-02 14:30), or an Excel date cell.",
        f"error: {book}, sheet '员工名册', row 2, column C ('可接替经理'): unreadable yes/no "
        "'满意': expected a yes (是, 是的, 对, 有, yes, 1) or a no (否, 不是, 不对, 无, no, 0) "
        "(true_values / false_values add words for the column).",
    ]
    zh = invoke("evaluate", book, "-r", rules)
    assert "无法识别的评分" not in zh.stderr
    assert (
        "无法识别的日期「10月2日」:应为日期,如 2026-11-02, 2026/11/2, 2026年11月2日, 20261102,"
        "可带时间(如 2026-11-02 14:30),或 Excel 的日期单元格。"
    ) in zh.stderr


def test_every_spelling_a_refusal_offers_is_read():
    import pyarrow as pa

    from cskpi.language.spelling import Spelling, accepted, read_cell
    from cskpi.read.values import convert

    offered = 0
    for spelling in (
        Spelling("date"),
        Spelling("deadline"),
        Spelling("number"),
        Spelling("number", decimal=","),
        Spelling("yesno", true_values=("达标",), false_values=("未达标",)),
        Spelling("rating", rating_words=(("还行", 3.0),)),
    ):
        params = accepted(spelling).params
        shown = [str(v) for k, v in params.items() if k in ("examples", "timed", "yes", "no")]
        shown += [str(params.get("scores", ""))]
        shown += [w.rsplit(" ", 1)[0] for w in str(params.get("words", "")).split(", ")]
        cells = [c for text in shown for c in text.split(", ") if c]
        assert cells, spelling
        engine = convert(pa.array(cells), spelling)
        for i, cell in enumerate(cells):
            assert read_cell(cell, spelling) is not None, (spelling.kind, cell)
            assert not engine.bad[i], (spelling.kind, cell)
        offered += len(cells)
    assert offered > 40


def test_evidence_shows_what_a_rating_cell_said_beside_its_reading(tmp_path):
    import openpyxl

    # the sample's accuracy failures: S1001 answered 2, S1004 不满意, S1007 2 (all read 否)
    shown = invoke("evaluate", SAMPLE, "--evidence", "--lang", "en")
    lines = shown.stdout.splitlines()
    start = next(i for i, line in enumerate(lines) if "Satisfaction: accurate answers (" in line)
    head = [c.strip() for c in lines[start + 2].split("┃")]
    rows = [[c.strip() for c in line.split("│")] for line in lines[start : start + 8]]
    rows = [r for r in rows if len(r) == len(head)]
    accuracy, speed = head.index("accuracy"), head.index("speed")
    assert [r[accuracy] for r in rows] == ["2 → no", "不满意 → no", "2 → no"]
    assert rows[1][speed] == "非常满意 → yes"
    out = tmp_path / "card.xlsx"
    assert invoke("evaluate", SAMPLE, "-o", out).exit_code == 1
    ws = openpyxl.load_workbook(out)["满意度：准确回答明细"]
    header = [c.value for c in ws[2]]
    at = header.index("回答准确")
    assert header[at + 1] == "回答准确(原文)"
    assert [(r[at].value, r[at + 1].value) for r in ws.iter_rows(min_row=3, max_row=5)] == [
        ("否", "2"),
        ("否", "不满意"),
        ("否", "2"),
    ]
    page = tmp_path / "card.html"
    assert invoke("evaluate", SAMPLE, "-o", page).exit_code == 1
    assert "不满意 → 否" in page.read_text(encoding="utf-8")


def test_what_cells_said_is_kept_only_when_rows_are_shown(tmp_path):
    from cskpi.evaluate.datasets import SAID
    from cskpi.read.inputs import read_inputs
    from cskpi.rulebook.load import load_rulebook

    model = load_rulebook()
    lean = read_inputs([SAMPLE], model, all_columns=False).frames["survey"]
    shown = read_inputs([SAMPLE], model, all_columns=True).frames["survey"]
    assert not any(c.startswith(SAID) for c in lean.columns)
    assert {c for c in shown.columns if c.startswith(SAID)} == {
        f"{SAID}{f}" for f in ("speed", "accuracy", "courtesy", "outcome")
    }


WORDS_RULES = """rulebook:
  id: words
  name: {zh: 文字, en: words}
datasets:
  log:
    names: {zh: 记录, en: log}
    sheets: [记录]
    columns:
      at: {header: 日期, type: date}
      team: {header: 团队, type: text}
      note: {header: 备注, type: text}
      amount: {header: 金额, type: number}
      ok: {header: 已处理, type: yesno}
      score: {header: 评分, type: rating}
standards:
  - id: a
    name: {zh: 甲, en: A}
    description: {zh: 甲, en: A}
    dataset: log
    metric: count
    filter: team in ('一组', '二组') and not (note contains '退款' or amount > 1000)
    comparison: "<="
    target: 5
  - id: b
    name: {zh: 乙, en: B}
    description: {zh: 乙, en: B}
    dataset: log
    metric: share
    filter: team not in ('三组') and at >= '2026-10-05' and at <= window_end
    condition: ok == no or score
    comparison: ">="
    target: 0.9
  - id: c
    name: {zh: 丙, en: C}
    description: {zh: 丙, en: C}
    dataset: log
    metric: mean
    column: amount
    filter: team != '三组' and amount >= 10 and at < as_of
    comparison: "<="
    target: 500
"""


def test_explain_says_filters_and_conditions_in_words_not_syntax(tmp_path):
    rules = tmp_path / "words.yaml"
    rules.write_text(WORDS_RULES, encoding="utf-8")

    def lines(standard: str, lang: str) -> list[str]:
        result = invoke("rules", "explain", standard, "-r", rules, "--lang", lang)
        assert result.exit_code == 0, result.output
        return result.stdout.splitlines()[4:6]

    blank = {
        "zh": ";无法判断(空白)的不计入。",
        "en": "; rows where it cannot be told (blank) are not counted.",
    }
    assert lines("a", "zh")[0] == (
        "计入的记录:「团队」是「一组」、「二组」之一,且并非(「备注」包含「退款」,或「金额」大于1000)"
        "的记录" + blank["zh"]
    )
    assert lines("a", "en")[0] == (
        "Rows counted: those where '团队' is one of '一组', '二组' and not ('备注' contains '退款' "
        "or '金额' is more than 1000)" + blank["en"]
    )
    assert lines("b", "zh") == [
        "计入的记录:「团队」不是「三组」中的任何一个,且「日期」不早于2026-10-05,且「日期」不晚于期间结束"
        "的记录" + blank["zh"],
        "指标:「已处理」为否,或「评分」为满意(4 分及以上,或满意类词语)的记录所占比例;"
        "分母是作答的记录,空白答案不计入。",
    ]
    assert lines("b", "en")[1] == (
        "Metric: the share of rows where '已处理' is no or '评分' is satisfied (a score of 4 or "
        "more, or a satisfied word), among the rows that answered (blank answers are left out)."
    )
    assert lines("c", "zh") == [
        "计入的记录:「团队」不为「三组」,且「金额」不少于10,且「日期」早于评估时间的记录"
        + blank["zh"],
        "指标:「金额」的平均值。",
    ]
    assert lines("c", "en")[0] == (
        "Rows counted: those where '团队' is not '三组' and '金额' is at least 10 and '日期' is "
        "before the as-of time" + blank["en"]
    )


def test_explain_finds_a_standard_by_its_name_or_a_close_match():
    by_name = invoke("rules", "explain", "月度逾期未解决投诉")
    assert by_name.exit_code == 0 and by_name.stderr == ""
    assert by_name.stdout.splitlines()[0] == "月度逾期未解决投诉 (overdue_complaints_per_month)"
    assert "计入的记录:「解决日期」为空,或「解决日期」晚于「承诺期限」的记录" in by_name.stdout
    english = invoke("rules", "explain", "complaints not resolved by the promised DEADLINE")
    assert english.stdout.splitlines()[0] == "月度逾期未解决投诉 (overdue_complaints_per_month)"
    word = invoke("rules", "explain", "逾期", "--lang", "en")
    assert word.exit_code == 0
    assert word.stdout.startswith("Complaints not resolved by the promised deadline (")
    assert word.stderr == (
        "(No standard is called '逾期'; showing the closest, 'Complaints not resolved by the "
        "promised deadline'.)\n"
    )
    several = invoke("rules", "explain", "满意度")
    assert several.exit_code == 2
    assert several.stderr.startswith(
        "错误: 「满意度」可能是以下几项之一,请写出完整名称或编号:"
        "满意度:迅速到达 (satisfaction_speed), "
    )
    none = invoke("rules", "explain", "xyzzy", "--lang", "en")
    assert none.exit_code == 2
    assert none.stderr.startswith(
        "error: no standard 'xyzzy' in the rulebook; name one by id or name: Customer complaints "
        "per month (complaints_per_month), "
    )


def test_rules_list_in_chinese_says_targets_periods_and_metrics_in_words():
    lines = invoke("rules", "list").stdout.splitlines()
    row = {line.split()[0]: line.split()[1:] for line in lines[4:]}
    assert row["satisfaction_speed"] == [
        "满意度:迅速到达",
        "客户满意度",  # the sheet's name, not the dataset id (survey)
        "月",
        "比例",
        "≥",
        "95%",
        "必达",
    ]
    assert row["info_complaints_per_quarter"][2:] == ["季度", "计数", "≤", "1", "必达"]
    assert row["successor_ready"][2:] == ["快照", "计数", "≥", "1", "优秀"]
    en = invoke("rules", "list", "--lang", "en").stdout
    assert "month     share   ≥ 95%" in en
    data = invoke("rules", "list", "-f", "json").stdout  # machines keep the rulebook's values
    assert '"metric": "share"' in data and '"target": 0.95' in data


def test_every_metric_has_its_name_in_both_languages():
    from cskpi.i18n import catalog
    from cskpi.rulebook.metrics import METRICS

    for metric in METRICS.values():
        names = catalog()[metric.label]
        assert names["zh"] and names["en"] and names["zh"] != metric.name
