"""Every input format gives the same scorecard; pruning columns changes nothing; startup is lean."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys

import openpyxl
import pandas as pd
import pytest
from typer.testing import CliRunner

from cskpi.cli import app as cli
from cskpi.cli import evaluate as evaluate_command
from cskpi.evaluate.engine import evaluate
from cskpi.evaluate.periods import parse_period
from cskpi.read.inputs import read_inputs, read_workbook
from tests.conftest import (
    COMPLAINT_HEADERS,
    SAMPLE,
    SURVEY_HEADERS,
    D,
    make_old,
    write_workbook,
)
from tests.months import rules_for

runner = CliRunner()

COMPLAINTS = [
    COMPLAINT_HEADERS,
    [
        "C1",
        D(2026, 10, 2, 9, 30),
        "一组",
        "王芳",
        dt.date(2026, 10, 5),
        D(2026, 10, 4, 10, 0),
        "热线占线",
        "张三",
        "13800000001",
    ],
    [
        "C2",
        D(2026, 10, 8),
        "二组",
        "李娜",
        dt.date(2026, 10, 10),
        None,
        "退款慢",
        "李四",
        "13800000002",
    ],
    [
        "C3",
        D(2026, 10, 20, 16, 45),
        "一组",
        "王芳",
        dt.date(2026, 10, 25),
        D(2026, 10, 25, 18, 0),
        "上门迟到",
        "王五",
        "13800000003",
    ],
    [
        "C0",
        D(2026, 9, 28, 8, 0),
        "二组",
        "李娜",
        dt.date(2026, 9, 30),
        D(2026, 9, 29, 8, 0),
        "九月",
        "赵六",
        "13800000004",
    ],
]
SURVEY = [
    SURVEY_HEADERS,
    ["S1", D(2026, 10, 3), "一组", 5, 4, 5, 5],
    ["S2", D(2026, 10, 9), "二组", 2, 5, None, 4],
    ["S3", D(2026, 10, 15), "一组", "满意", "一般", 5, 5],
]
# Worked out by hand: 3 October complaints; C2 is open past its 10 October deadline;
# speed 2 of 3 satisfied; accuracy 2 of 3; courtesy 2 of 2 (one blank); outcome 3 of 3.
EXPECTED = {
    "complaints_per_month": 3,
    "overdue_complaints_per_month": 1,
    "satisfaction_speed": 2 / 3,
    "satisfaction_accuracy": 2 / 3,
    "satisfaction_courtesy": 1.0,
    "satisfaction_outcome": 1.0,
}


def as_text(value: object) -> object:
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def frame_of(rows):
    return pd.DataFrame(rows[1:], columns=rows[0])


def write_xls(path, sheets):
    import xlwt

    book = xlwt.Workbook(encoding="utf-8")
    date = xlwt.easyxf(num_format_str="yyyy-mm-dd hh:mm")
    for name, rows in sheets.items():
        ws = book.add_sheet(name)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if value is None:
                    continue
                if isinstance(value, dt.date):
                    if not isinstance(value, dt.datetime):
                        value = dt.datetime(value.year, value.month, value.day)
                    ws.write(r, c, value, date)
                else:
                    ws.write(r, c, value)
    book.save(str(path))
    return path


def write_ods(path, sheets):
    with pd.ExcelWriter(path, engine="odf") as writer:
        for name, rows in sheets.items():
            frame_of(rows).to_excel(writer, sheet_name=name, index=False)
    return path


def write_csv(folder, encoding):
    folder.mkdir()
    for name, rows in (("complaints", COMPLAINTS), ("survey", SURVEY)):
        text = frame_of([rows[0], *[[as_text(v) for v in r] for r in rows[1:]]])
        text.to_csv(folder / f"{name}.csv", index=False, encoding=encoding)
    return folder


def write_parquet(folder):
    folder.mkdir()
    for name, rows in (("complaints", COMPLAINTS), ("survey", SURVEY)):
        frame = frame_of(rows)
        for column in frame.columns:
            if frame[column].map(lambda v: isinstance(v, dt.date)).any():
                frame[column] = pd.to_datetime(frame[column])
            elif column not in (
                "投诉编号",
                "问卷编号",
                "团队",
                "客服人员",
                "投诉内容",
                "客户名称",
                "联系电话",
            ):
                frame[column] = frame[column].astype(str).replace("None", None)
        frame.to_parquet(folder / f"{name}.parquet")
    return folder


SHEETS = {"投诉记录": COMPLAINTS, "客户满意度": SURVEY}
WRITERS = {
    "xlsx": lambda tmp: write_workbook(tmp / "m.xlsx", SHEETS),
    "xls": lambda tmp: write_xls(tmp / "m.xls", SHEETS),
    "ods": lambda tmp: write_ods(tmp / "m.ods", SHEETS),
    "csv-utf8": lambda tmp: write_csv(tmp / "csv", "utf-8"),
    "csv-bom": lambda tmp: write_csv(tmp / "csv", "utf-8-sig"),
    "csv-gbk": lambda tmp: write_csv(tmp / "csv", "gbk"),
    "parquet": lambda tmp: write_parquet(tmp / "pq"),
}


@pytest.mark.parametrize("kind", list(WRITERS))
def test_every_format_gives_the_hand_worked_results(tmp_path, kind):
    target = WRITERS[kind](tmp_path)
    rules = str(rules_for(tmp_path, "complaints", "survey"))
    result = runner.invoke(
        cli.app,
        ["evaluate", str(target), "-f", "json", "--no-history", "--period", "2026-10", "-r", rules],
    )
    data = json.loads(result.stdout)
    got = {r["standard"]: r["actual"] for r in data["results"] if r["standard"] in EXPECTED}
    assert got == pytest.approx(EXPECTED), kind


def test_gbk_csv_with_junk_lines_and_quoted_newlines(tmp_path, rulebook):
    path = tmp_path / "complaints.csv"
    text = (
        "Archive:  export.zip\n  inflating: complaints.csv\n"
        + "投诉编号,投诉日期,团队,承诺期限,解决日期,投诉内容\n"
        + 'C1,2026-10-02,一组,2026-10-05,,"第一行\n第二行,含逗号"\n'
        + "C2,2026-10-03,二组,2026-10-06,2026-10-04,正常\n"
    )
    path.write_bytes(text.encode("gbk"))
    frame = read_workbook(path, rulebook).frames["complaints"]
    assert list(frame["complaint_id"]) == ["C1", "C2"]
    assert frame.loc[0, "description"] == "第一行\n第二行,含逗号"
    assert list(frame["_row"]) == [4, 5]  # records, so a quoted newline keeps counts right


def test_undecodable_csv_bytes_are_named_by_line(tmp_path, rulebook):
    from cskpi.errors import InputError

    path = tmp_path / "complaints.csv"
    path.write_bytes("投诉编号,投诉日期\nC1,2026-10-02\n".encode() + b"\xff\xfe\xfd\x80\x80\n")
    make_old(path)
    with pytest.raises(InputError) as info:
        read_workbook(path, rulebook)
    assert info.value.render("en") == (
        f"{path}, line 3: neither UTF-8 nor GBK/GB18030; cannot decode it."
    )


def test_fast_reader_agrees_with_openpyxl_cell_for_cell(tmp_path, rulebook):
    rows = [
        COMPLAINT_HEADERS,
        [
            "00123",
            dt.datetime(2026, 10, 5),
            "一组",
            "王芳",
            dt.datetime(2026, 10, 6, 0, 0),
            None,
            "描述",
            "张三",
            "13800000000",
        ],
        [
            123,
            "2026-10-05 14:30",
            "  二组 ",
            None,
            "2026-10-07",
            dt.datetime(2026, 10, 6, 9),
            None,
            None,
            None,
        ],
    ]
    path = write_workbook(tmp_path / "cells.xlsx", {"投诉记录": rows})
    frame = read_workbook(path, rulebook).frames["complaints"]
    ws = openpyxl.load_workbook(path)["投诉记录"]
    opened = [[c.value for c in row] for row in ws.iter_rows(min_row=2)]
    assert list(frame["complaint_id"]) == ["00123", "123"] == [str(r[0]) for r in opened]
    assert frame.loc[0, "received_at"] == pd.Timestamp(opened[0][1])  # a date at midnight
    assert frame.loc[1, "received_at"] == pd.Timestamp("2026-10-05 14:30")
    assert frame.loc[1, "team"] == opened[1][2].strip()
    assert pd.isna(frame.loc[1, "agent"]) and opened[1][3] is None  # blank stays blank
    assert pd.isna(frame.loc[0, "resolved_at"])
    assert frame.loc[1, "resolved_at"] == pd.Timestamp(opened[1][5])
    # a deadline at 00:00 means the end of that day, from a date cell or from text alike
    assert frame.loc[0, "promised_by"] == pd.Timestamp("2026-10-06 23:59:59.999999")
    assert frame.loc[1, "promised_by"] == pd.Timestamp("2026-10-07 23:59:59.999999")


def test_column_pruning_changes_no_result(rulebook):
    period = parse_period("2026-10")
    results = []
    for everything in (True, False):
        data = read_inputs([SAMPLE], rulebook, group_fields=["team"], all_columns=everything)
        card = evaluate(rulebook, data.frames, period, None, "team", keep_evidence=everything)
        results.append(
            [
                (r.standard, r.group, r.period, r.status, r.actual, r.sample_size, r.evidence_count)
                for r in card.results
            ]
        )
        if not everything:
            assert "description" not in data.frames["complaints"].columns
    assert results[0] == results[1]


def test_folder_and_glob_inputs_skip_owner_and_hidden_files(tmp_path):
    folder = tmp_path / "q3"
    folder.mkdir()
    for month in (7, 8):
        write_workbook(
            folder / f"2026-{month:02d}.xlsx",
            {
                "投诉记录": [
                    COMPLAINT_HEADERS,
                    [f"C{month}", D(2026, month, 3), "一组", "甲", None, None, "x", "y", "z"],
                ]
            },
        )
    (folder / "~$notes.xlsx").write_bytes(b"owner file")
    (folder / ".hidden.xlsx").write_bytes(b"junk")
    rules = str(rules_for(tmp_path, "complaints"))
    for target in (folder, folder / "*.xlsx"):
        result = runner.invoke(
            cli.app,
            [
                "evaluate",
                str(target),
                "--period",
                "2026Q3",
                "-f",
                "json",
                "--no-history",
                "-r",
                rules,
            ],
        )
        data = json.loads(result.stdout)
        counts = {
            r["period"]: r["actual"]
            for r in data["results"]
            if r["standard"] == "complaints_per_month"
        }
        assert counts == {"2026-07": 1, "2026-08": 1, "2026-09": 0}
        assert len(data["inputs"]) == 2


def _padded_sample(path):
    """The sample plus an unused zip member of random bytes: a >2 MB file reads with progress."""
    import shutil
    import zipfile

    shutil.copyfile(SAMPLE, path)
    with zipfile.ZipFile(path, "a", compression=zipfile.ZIP_STORED) as archive:
        padding = os.urandom(evaluate_command.PROGRESS_BYTES + 100_000)
        archive.writestr("docProps/padding.bin", padding)
    return path


def test_progress_shows_on_a_terminal_and_never_in_a_pipe(tmp_path):
    import pty
    import select

    big = _padded_sample(tmp_path / "big.xlsx")
    command = [sys.executable, "-m", "cskpi", "evaluate", str(big), "-f", "json", "--lang", "en"]
    env = {**os.environ, "COLUMNS": "120"}
    # stderr is a terminal: the progress display is drawn there, stdout stays pure JSON
    leader, follower = pty.openpty()
    with subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=follower, env=env, stdin=subprocess.DEVNULL
    ) as proc:
        os.close(follower)
        seen = b""
        while True:
            ready, _, _ = select.select([leader], [], [], 60)
            if not ready:
                break
            try:
                chunk = os.read(leader, 65536)
            except OSError:  # the child closed the terminal
                break
            if not chunk:
                break
            seen += chunk
        out = proc.stdout.read() if proc.stdout else b""
        proc.wait(60)
    os.close(leader)
    assert b"reading" in seen or b"read " in seen, seen[-500:]
    assert b"big.xlsx" in seen
    json.loads(out)  # nothing of the progress display reached stdout
    assert b"\x1b" not in out
    # stderr is a pipe: no progress at all
    done = subprocess.run(command, capture_output=True, env=env, timeout=120, check=False)
    json.loads(done.stdout)
    assert b"reading" not in done.stderr and b"\x1b" not in done.stderr


@pytest.mark.parametrize(
    "args", [["--help"], ["rules", "list"], ["rules", "check", "customer-service-supervisor"]]
)
def test_quick_commands_do_not_import_pandas(args):
    code = (
        f"import sys\nsys.argv = ['cskpi', *{args!r}]\nfrom cskpi.cli import main\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "print('pandas' in sys.modules, 'pyarrow' in sys.modules, file=sys.stderr)"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False
    )
    assert done.stderr.strip().splitlines()[-1] == "False False"
