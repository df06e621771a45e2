"""Never a false pass from the inputs: every dataset is there, every record counts once,
quiet is not silent about warnings, and "retry later" only for a file being written."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cskpi.cli import app as cli
from cskpi.read import ready
from tests.conftest import COMPLAINT_HEADERS, D, complaint, make_old, write_workbook
from tests.months import INFO_HEADERS, good_month, rules_for

runner = CliRunner()


def invoke(*args: object):
    return runner.invoke(cli.app, [str(a) for a in args])


def evaluate_json(*args: object) -> dict:
    result = invoke("evaluate", *args, "-f", "json", "--no-history")
    assert result.exit_code in (0, 1, 5), result.output
    return json.loads(result.stdout)


def actuals(data: dict) -> dict[tuple[str, str], object]:
    return {(r["standard"], r["period"]): (r["status"], r["actual"]) for r in data["results"]}


def renamed(month: dict, old: str, new: str) -> dict:
    return {new if name == old else name: rows for name, rows in month.items()}


# --- 1. a missing dataset stops the run --------------------------------------------------


@pytest.mark.parametrize("name", ["投诉登记", "工作表1", "Export"])
def test_a_renamed_sheet_is_found_by_its_headers_with_a_warning(tmp_path, name):
    good = write_workbook(tmp_path / "good.xlsx", good_month())
    path = write_workbook(tmp_path / "m.xlsx", renamed(good_month(), "投诉记录", name))
    result = invoke("evaluate", path, "--no-history", "--lang", "en", "-f", "json")
    assert result.exit_code == 0, result.output
    assert result.stderr.splitlines() == [
        f"warning: {path}: dataset 'complaints' is read from sheet '{name}', recognised by its "
        "headers (its name is none of 投诉记录 / complaints / 投诉 / complaint log)."
    ]
    assert actuals(json.loads(result.stdout)) == actuals(evaluate_json(good))
    zh = invoke("evaluate", path, "--no-history", "--quiet")
    assert (zh.exit_code, zh.stdout) == (0, "")
    assert zh.stderr.strip() == (
        f"注意: {path}:数据表「投诉记录」读取自工作表「{name}」(按表头识别;名称不是 投诉记录 / "
        "complaints / 投诉 / complaint log 之一)。"
    )


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        (
            "zh",
            "错误: 数据表「投诉记录」不在任何输入中:查找了名为 投诉记录 / complaints / 投诉 / "
            "complaint log 的工作表,以及表头含 投诉日期, 承诺期限, 解决日期 的工作表;现有工作表:"
            "{path}: 客户满意度, 信息反馈, 建议反馈, 工作任务, 员工调查, 员工名册, Export"
            ";最接近的是 {path} 的工作表「Export」,但它缺少表头:「承诺期限」(可用表头:承诺期限, "
            "promised_by, deadline, 承诺解决日期)。",
        ),
        (
            "en",
            "error: dataset 'complaints' is in none of the inputs: looked for a sheet named "
            "投诉记录 / complaints / 投诉 / complaint log, or one whose headers include 投诉日期, "
            "承诺期限, 解决日期; sheets present: {path}: 客户满意度, 信息反馈, 建议反馈, 工作任务, "
            "员工调查, 员工名册, Export; the closest is sheet 'Export' of {path}, which lacks the "
            "headers: '承诺期限' (accepted headers: 承诺期限, promised_by, deadline, "
            "承诺解决日期).",
        ),
    ],
)
def test_a_dataset_in_no_input_exits_3_naming_it_and_the_closest_sheet(tmp_path, lang, text):
    month = good_month()
    del month["投诉记录"]
    keep = [i for i, h in enumerate(COMPLAINT_HEADERS) if h != "承诺期限"]
    rows = good_month()["投诉记录"]
    month["Export"] = [[row[i] for i in keep] for row in rows]  # a CRM export lacking a column
    path = write_workbook(tmp_path / "m.xlsx", month)
    for extra in ([], ["--quiet"], ["-f", "json"]):
        result = invoke("evaluate", path, "--no-history", "--lang", lang, *extra)
        assert result.exit_code == 3
        assert result.stdout == ""
        assert result.stderr.strip() == text.format(path=path)


def test_a_missing_sheet_with_no_near_headers_names_the_nearest_sheet_name(tmp_path):
    month = good_month()
    del month["客户满意度"]
    month["客户满意"] = [["x"], ["1"]]
    path = write_workbook(tmp_path / "m.xlsx", month)
    result = invoke("evaluate", path, "--no-history", "--lang", "en")
    assert result.exit_code == 3
    assert result.stderr.strip().endswith(f"; the closest name is sheet '客户满意' of {path}.")


def test_every_missing_dataset_is_named_at_once(tmp_path):
    path = write_workbook(tmp_path / "m.xlsx", {"投诉记录": good_month()["投诉记录"]})
    result = invoke("evaluate", path, "--no-history", "--lang", "en")
    assert result.exit_code == 3
    named = [line.split("'")[1] for line in result.stderr.splitlines()]
    assert named == ["survey", "info_feedback", "suggestions", "tasks", "staff"]


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        (
            "zh",
            "错误: {path}:表头与规则手册中的任何数据表(complaints, survey, info_feedback, "
            "suggestions, tasks, staff_survey, staff)都不匹配;文件或 --rules 是否正确?",
        ),
        (
            "en",
            "error: {path}: its headers match no dataset of the rulebook (complaints, survey, "
            "info_feedback, suggestions, tasks, staff_survey, staff); is it the right file, and "
            "the right --rules?",
        ),
    ],
)
def test_a_csv_that_matches_no_dataset_exits_3(tmp_path, lang, text):
    path = tmp_path / "export.csv"
    path.write_text("订单号,金额\nA1,10\n", encoding="utf-8")
    result = invoke("evaluate", path, "--no-history", "--lang", lang, "--period", "2026-10")
    assert result.exit_code == 3
    assert result.stderr.strip() == text.format(path=path)


@pytest.mark.parametrize(
    ("lang", "reason"),
    [
        (
            "zh",
            "可选数据表「员工调查」不在输入中(查找了 员工调查 / staff_survey / staff survey),"
            "其标准无数据。",
        ),
        (
            "en",
            "Optional dataset 'staff_survey' is not in the inputs (looked for 员工调查 / "
            "staff_survey / staff survey); its standards have no data.",
        ),
    ],
)
def test_an_optional_dataset_may_be_absent_and_its_standards_say_why(tmp_path, lang, reason):
    month = good_month()
    del month["员工调查"]  # the staff survey is done once a quarter: optional
    path = write_workbook(tmp_path / "m.xlsx", month)
    result = invoke("evaluate", path, "--no-history", "--lang", lang)
    assert result.exit_code == 5
    assert result.stderr == ""
    assert reason in result.stdout.splitlines()
    data = json.loads(invoke("evaluate", path, "--no-history", "--lang", lang, "-f", "json").stdout)
    staff = [r for r in data["results"] if r["standard"].startswith("staff_")]
    assert len(staff) == 4 and {(r["status"], r["reason"]) for r in staff} == {("no_data", reason)}
    assert data["summary"]["verdict"] == "incomplete"


def test_a_workbook_of_several_missing_a_dataset_is_named_in_a_warning(tmp_path):
    def month_book(m: int, *, complaints: bool) -> Path:
        sheets: dict = {
            "信息反馈": [INFO_HEADERS, [f"F{m}", D(2026, m, 4), "一组", "甲", "提供延迟"]]
        }
        if complaints:
            resolved = {"promised": D(2026, m, 6), "resolved": D(2026, m, 5)}
            sheets["投诉记录"] = [COMPLAINT_HEADERS, complaint(f"C{m}", D(2026, m, 3), **resolved)]
        return write_workbook(tmp_path / f"2026-{m:02d}.xlsx", sheets)

    files = [month_book(7, complaints=True), month_book(8, complaints=True)]
    files.append(month_book(9, complaints=False))
    rules = rules_for(tmp_path, "complaints", "info_feedback")
    result = invoke(
        "evaluate", *files, "-r", rules, "--period", "2026Q3", "--no-history", "--lang", "en"
    )
    assert result.exit_code == 1  # three report complaints in the quarter, limit 1
    assert result.stderr.splitlines() == [
        f"warning: {files[2]}: no sheet for dataset 'complaints' (looked for 投诉记录 / "
        "complaints / 投诉 / complaint log), though other inputs have one; no such rows were "
        "read from this file."
    ]
    # several single-dataset files (one per kind of record) are not warned about
    split = [
        write_workbook(tmp_path / "c.xlsx", {"投诉记录": [COMPLAINT_HEADERS]}),
        write_workbook(
            tmp_path / "i.xlsx",
            {"信息反馈": [INFO_HEADERS, ["F1", D(2026, 10, 4), "一组", "甲", "x"]]},
        ),
    ]
    quiet = invoke("evaluate", *split, "-r", rules, "--no-history", "--quiet")
    assert quiet.stderr == ""


@pytest.mark.parametrize(
    ("second", "lang", "text"),
    [
        (
            "投诉记录\u3000",  # a full-width space: the same name once folded
            "en",
            "error: {path}: sheets '投诉记录' and '投诉记录\u3000' could both be dataset "
            "'complaints'; cskpi will not guess which: delete or rename one of them.",
        ),
        (
            "Complaints",
            "zh",
            "错误: {path}:工作表「投诉记录」和「Complaints」都可能是数据表「投诉记录」,"
            "无法确定用哪一个;请删除或改名其中一个。",
        ),
    ],
)
def test_twin_or_alias_sheets_of_one_dataset_exit_3_naming_both(tmp_path, second, lang, text):
    month = good_month()
    month[second] = [COMPLAINT_HEADERS, complaint("Z1", D(2026, 10, 5))]
    path = write_workbook(tmp_path / "m.xlsx", month)
    result = invoke("evaluate", path, "--no-history", "--lang", lang)
    assert result.exit_code == 3
    assert result.stderr.strip() == text.format(path=path)


def test_two_sheets_that_both_look_like_a_missing_dataset_exit_3(tmp_path):
    month = good_month()
    rows = month.pop("投诉记录")
    month["Sheet1"] = rows
    month["Sheet2"] = rows
    path = write_workbook(tmp_path / "m.xlsx", month)
    result = invoke("evaluate", path, "--no-history", "--lang", "en")
    assert result.exit_code == 3
    assert "sheets 'Sheet1' and 'Sheet2' could both be dataset 'complaints'" in result.stderr


# --- 5. each record counts once ----------------------------------------------------------


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        (
            "zh",
            "注意: {path},工作表「投诉记录」:4 行与前面同编号的行完全相同,只计一次"
            "(行号=首次出现的行号):4=3, 5=3, 6=3, 7=3。",
        ),
        (
            "en",
            "warning: {path}, sheet '投诉记录': 4 rows repeat an earlier row with the same id "
            "exactly and count once (row=first row): 4=3, 5=3, 6=3, 7=3.",
        ),
    ],
)
def test_one_complaint_five_times_counts_once_with_a_warning(tmp_path, lang, text):
    month = good_month()
    twice = month["投诉记录"][2]
    month["投诉记录"] += [list(twice)] * 4  # C2 five times in all
    path = write_workbook(tmp_path / "m.xlsx", month)
    result = invoke("evaluate", path, "--no-history", "--lang", lang, "-f", "json")
    assert result.exit_code == 0
    assert result.stderr.strip() == text.format(path=path)
    count = actuals(json.loads(result.stdout))[("complaints_per_month", "2026-10")]
    assert count == ("pass", 2)


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        (
            "zh",
            "错误: {path},工作表「投诉记录」:第 3 行和第 4 行的投诉编号都是「C2」,但内容不同;"
            "同一编号只能有一条记录。",
        ),
        (
            "en",
            "error: {path}, sheet '投诉记录': rows 3 and 4 both have 投诉编号 'C2' but differ; "
            "one id is one record.",
        ),
    ],
)
def test_two_different_rows_under_one_id_exit_3_naming_both(tmp_path, lang, text):
    month = good_month()
    month["投诉记录"].append(complaint("C2", D(2026, 10, 20)))
    path = write_workbook(tmp_path / "m.xlsx", month)
    for extra in ([], ["--evidence"]):  # the same answer whichever columns are read
        result = invoke("evaluate", path, "--no-history", "--lang", lang, *extra)
        assert result.exit_code == 3
        assert result.stderr.strip() == text.format(path=path)


def test_the_same_file_given_twice_is_read_once(tmp_path):
    path = write_workbook(tmp_path / "2026-10.xlsx", good_month())
    copy = tmp_path / "copy.xlsx"
    copy.write_bytes(path.read_bytes())
    link = tmp_path / "link.xlsx"
    link.symlink_to(path)
    once = evaluate_json(path)
    for files in ([path, copy], [path, link], [path, tmp_path / "*.xlsx"]):
        result = invoke("evaluate", *files, "-f", "json", "--no-history", "--lang", "en")
        assert result.exit_code == 0, result.output
        data = json.loads(result.stdout)
        assert actuals(data) == actuals(once)  # tasks stay 10 of 10, not 20 of 20
        tasks = next(r for r in data["results"] if r["standard"] == "tasks_on_time")
        assert tasks["sample_size"] == 10
        assert len(data["inputs"]) == 1
        assert (
            "same content as" in result.stderr and f"{path} (SHA-256); read once." in result.stderr
        )


# --- 6. quiet means no news --------------------------------------------------------------


def test_a_passing_quiet_run_prints_nothing_at_all(tmp_path):
    path = write_workbook(tmp_path / "m.xlsx", good_month())
    result = invoke("evaluate", path, "--quiet")
    assert (result.exit_code, result.stdout, result.stderr) == (0, "", "")
    loud = invoke("evaluate", path)
    assert loud.stdout.splitlines()[-1] == "结论:达标。"


def test_a_quiet_run_still_prints_its_warnings_on_stderr(tmp_path):
    month = good_month()
    month["投诉记录"].append(list(month["投诉记录"][1]))
    path = write_workbook(tmp_path / "m.xlsx", month)
    result = invoke("evaluate", path, "--quiet", "--lang", "en")
    assert (result.exit_code, result.stdout) == (0, "")
    assert result.stderr.startswith(f"warning: {path}, sheet '投诉记录': 1 rows repeat")


def test_a_quiet_incomplete_run_shows_the_rows_without_a_result(tmp_path):
    month = good_month()
    month["员工调查"] = month["员工调查"][:1]
    path = write_workbook(tmp_path / "m.xlsx", month)
    result = invoke("evaluate", path, "--quiet", "--lang", "en")
    assert result.exit_code == 5
    rows = [line for line in result.stdout.splitlines() if line.startswith("│")]
    assert len(rows) == 4 and all("no data" in row for row in rows)
    assert result.stdout.splitlines()[-1].startswith("Verdict: incomplete.")


# --- 7. exit 75 only for a file really being written -------------------------------------


def test_a_fresh_owner_file_means_retry_and_a_stale_one_is_a_warning(tmp_path):
    path = make_old(write_workbook(tmp_path / "2026-10.xlsx", good_month()))
    owner = tmp_path / "~$2026-10.xlsx"
    owner.write_bytes(b"owner")
    fresh = invoke("evaluate", path, "--no-history", "--lang", "en")
    assert fresh.exit_code == 75
    assert fresh.stderr.strip() == (
        f"error: {path}: input not ready (it is open in Excel: ~$2026-10.xlsx is beside it); "
        "retry later."
    )
    make_old(owner, 5 * 3600)
    stale = invoke("evaluate", path, "--no-history", "--lang", "en", "--quiet")
    assert (stale.exit_code, stale.stdout) == (0, "")
    assert stale.stderr.strip() == (
        f"warning: {path}: ~$2026-10.xlsx beside it is 5 hours old, left by a crash; ignored, "
        "and the saved file is read."
    )
    zh = invoke("evaluate", path, "--no-history", "--quiet")
    assert "已有 5 小时,是 Excel 异常退出留下的" in zh.stderr
    assert invoke("evaluate", path, "--no-history", "--stale-owner-hours", "6").exit_code == 75


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("zh", "错误: {path}:文件尚未就绪(它在 1 秒内仍在变化,正在被写入),请稍后重试。"),
        (
            "en",
            "error: {path}: input not ready (it changed within 1 s, so it is being written); "
            "retry later.",
        ),
    ],
)
def test_a_file_that_changes_while_watched_means_retry(tmp_path, monkeypatch, lang, text):
    path = write_workbook(tmp_path / "m.xlsx", good_month())

    def still_copying(seconds: float) -> None:
        assert seconds == 1.0
        with path.open("ab") as handle:
            handle.write(b"more bytes")

    monkeypatch.setattr(ready, "_wait", still_copying)
    result = invoke("evaluate", path, "--no-history", "--lang", lang)
    assert result.exit_code == 75
    assert result.stderr.strip() == text.format(path=path)


def test_an_old_file_is_not_watched(tmp_path, settle):
    path = make_old(write_workbook(tmp_path / "m.xlsx", good_month()))
    assert invoke("evaluate", path, "--no-history").exit_code == 0
    assert settle == []


def test_lasting_faults_exit_3_at_once_even_when_fresh(tmp_path):
    empty = tmp_path / "empty.xlsx"
    empty.write_bytes(b"")
    folder = tmp_path / "folder.xlsx"
    folder.mkdir()
    fifo = tmp_path / "pipe.xlsx"
    os.mkfifo(fifo)
    corrupt = tmp_path / "corrupt.xlsx"
    corrupt.write_bytes(b"PK\x03\x04" + b"\x00" * 50)
    undecodable = tmp_path / "complaints.csv"
    undecodable.write_bytes("投诉编号,投诉日期\n".encode() + b"\xff\xfe\xfd\x80\x80\n")
    expected = {
        empty: "the file is empty (0 bytes).",
        folder: "not a regular file but a folder; it cannot be read.",
        fifo: "not a regular file but a named pipe (FIFO); it cannot be read.",
        corrupt: "cannot read the workbook; it may be corrupt",
        undecodable: "neither UTF-8 nor GBK/GB18030",
    }
    for path, text in expected.items():
        started = time.monotonic()
        result = invoke("evaluate", path, "--no-history", "--lang", "en")
        assert result.exit_code == 3, (path, result.output)
        assert text in result.stderr, (path, result.stderr)
        assert time.monotonic() - started < 10  # a FIFO is never opened, so never waited on
    zh = invoke("evaluate", fifo, "--no-history")
    assert zh.stderr.strip() == f"错误: {fifo}:不是普通文件,而是命名管道(FIFO),无法读取。"


def test_a_waivers_sheet_is_never_taken_for_a_missing_log(tmp_path):
    month = good_month()
    del month["信息反馈"]  # 编号 and 日期 would name two of its five columns
    month["豁免"] = [
        ["编号", "标准", "原因", "批准人", "日期"],
        ["C1", "all", "配件停产", "周经理", D(2026, 10, 28)],
    ]
    path = write_workbook(tmp_path / "m.xlsx", month)
    result = invoke("evaluate", path, "--no-history", "--lang", "en")
    assert result.exit_code == 3
    assert result.stderr.startswith("error: dataset 'info_feedback' is in none of the inputs")
    month["Sheet1"] = [["日期", "编号", "团队"], [D(2026, 10, 3), "F1", "一组"]]  # 3 of 5
    path = write_workbook(tmp_path / "n.xlsx", month)
    found = invoke("evaluate", path, "--no-history", "--lang", "en", "-f", "json")
    assert found.exit_code == 0, found.output
    assert "dataset 'info_feedback' is read from sheet 'Sheet1'" in found.stderr
