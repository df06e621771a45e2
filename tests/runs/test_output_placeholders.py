"""evaluate's --output with {period}, {yyyy}, {mm}: filled with the evaluated period (as a
project's outputs are), and the filled name kept apart from every input."""

from __future__ import annotations

import hashlib
import json

from typer.testing import CliRunner

from cskpi.cli import app as cli
from tests.months import month_book

runner = CliRunner()


def invoke(*args: object):
    return runner.invoke(cli.app, [str(a) for a in args])


def test_output_placeholders_are_filled_with_the_period_read(tmp_path):
    data = month_book(tmp_path / "month.xlsx", 2026, 10)
    # no --period: 2026-10 is known only once the workbook is read (the latest month over)
    card = tmp_path / "card-{period}.json"
    notes = tmp_path / "{yyyy}年{mm}月.md"
    result = invoke("evaluate", data, "-o", card, "-o", notes, "--lang", "en")
    assert result.exit_code == 0, result.stderr
    written = tmp_path / "card-2026-10.json"
    assert json.loads(written.read_text(encoding="utf-8"))["period"] == "2026-10"
    assert (tmp_path / "2026年10月.md").is_file()
    assert not card.exists() and not notes.exists()  # before: written under these names
    assert f"written: {written}" in result.stderr.replace("\n", "")


def test_a_quarter_fills_its_own_label_and_first_month(tmp_path):
    for month in (7, 8, 9):
        month_book(tmp_path / f"2026-{month:02d}.xlsx", 2026, month)
    out = tmp_path / "out"
    out.mkdir()
    files = [tmp_path / f"2026-{m:02d}.xlsx" for m in (7, 8, 9)]
    result = invoke(
        "evaluate", *files, "--period", "2026Q3", "-o", out / "{period}-{mm}.json", "-q"
    )
    assert result.exit_code == 0, result.stderr
    assert [p.name for p in out.iterdir()] == ["2026Q3-07.json"]


def test_a_filled_output_that_is_an_input_is_refused(tmp_path):
    data = month_book(tmp_path / "2026-10.xlsx", 2026, 10)
    before = hashlib.sha256(data.read_bytes()).hexdigest()
    result = invoke("evaluate", data, "-o", tmp_path / "{period}.xlsx", "--lang", "en")
    assert result.exit_code == 2, result.stderr
    text = result.stderr.replace("\n", "")
    assert f"--output {data} is the input {data}" in text
    assert hashlib.sha256(data.read_bytes()).hexdigest() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["2026-10.xlsx"]


def test_a_filled_output_a_folder_input_would_read_is_refused(tmp_path):
    inputs = tmp_path / "inputs"
    inputs.mkdir()
    month_book(inputs / "month.xlsx", 2026, 10)
    card = inputs / "card-{period}.xlsx"
    result = invoke("evaluate", inputs, "-o", card, "--lang", "en")
    assert result.exit_code == 2, result.stderr
    text = result.stderr.replace("\n", "")
    # whatever the period, the folder reads it: refused as given, before anything is read
    assert f"--output {card} is where the input {inputs} reads" in text
    assert [p.name for p in inputs.iterdir()] == ["month.xlsx"]


def test_a_filled_folder_that_does_not_exist_exits_4(tmp_path):
    data = month_book(tmp_path / "month.xlsx", 2026, 10)
    result = invoke("evaluate", data, "-o", tmp_path / "{yyyy}" / "card.json", "--lang", "en")
    assert result.exit_code == 4, result.stderr
    folder = tmp_path / "2026"
    assert f"the output folder {folder} does not exist" in result.stderr.replace("\n", "")


# --- --log-file: the same placeholders, filled the same way ----------------------------------


def test_log_file_placeholders_are_filled_with_the_period_read(tmp_path):
    data = month_book(tmp_path / "month.xlsx", 2026, 10)
    log = tmp_path / "run-{period}-{yyyy}-{mm}.log"
    result = invoke("evaluate", data, "--log-file", log, "--no-history", "-q")
    assert result.exit_code == 0, result.stderr
    written = tmp_path / "run-2026-10-2026-10.log"
    assert json.loads(written.read_text(encoding="utf-8"))["period"] == "2026-10"
    assert not log.exists()  # before: appended under this very name
    month_book(tmp_path / "month.xlsx", 2026, 9)
    assert invoke("evaluate", data, "--log-file", log, "--no-history", "-q").exit_code == 0
    assert (tmp_path / "run-2026-09-2026-09.log").is_file()  # its own month, not October's


def test_a_failed_run_logs_under_the_period_asked_for(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("nothing,we,know\n1,2,3\n", encoding="utf-8")
    log = tmp_path / "{yyyy}年{mm}月.log"
    result = invoke("evaluate", bad, "--period", "2026-09", "--log-file", log, "--lang", "en")
    assert result.exit_code == 3, result.stderr
    line = json.loads((tmp_path / "2026年09月.log").read_text(encoding="utf-8"))
    assert (line["period"], line["exit_code"]) == ("2026-09", 3)
    assert "match no dataset" in line["error"]


def test_an_unknown_placeholder_in_the_log_file_exits_2(tmp_path):
    data = month_book(tmp_path / "month.xlsx", 2026, 10)
    log = tmp_path / "run-{perod}.log"
    result = invoke("evaluate", data, "--log-file", log, "--lang", "en")
    assert result.exit_code == 2, result.stderr
    text = result.stderr.replace("\n", "")
    assert f"{log}: unknown placeholder {{perod}} (did you mean '{{period}}'?)" in text
    assert sorted(p.name for p in tmp_path.iterdir()) == ["month.xlsx"]  # not even the failure


def test_a_filled_log_file_that_is_an_input_is_refused(tmp_path):
    # no --period: 2025-03 is known only once the workbook is read, so the run checks the log
    # once filled, before writing anything (the scorecard neither)
    data = month_book(tmp_path / "2025-03.xlsx", 2025, 3)
    before = hashlib.sha256(data.read_bytes()).hexdigest()
    out = tmp_path / "card.json"
    result = invoke(
        "evaluate", data, "--log-file", tmp_path / "{period}.xlsx", "-o", out, "--lang", "en"
    )
    assert result.exit_code == 2, result.stderr
    assert f"--log-file {data} is the input {data}" in result.stderr.replace("\n", "")
    assert hashlib.sha256(data.read_bytes()).hexdigest() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["2025-03.xlsx"]
