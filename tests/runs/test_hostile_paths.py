"""The hostile catalogue, paths a run writes: a project's log, history and outputs kept apart
from everything it reads, and files that are not regular files refused at once."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cskpi.cli import app as cli
from tests.conftest import ROOT, SAMPLE
from tests.months import month_book
from tests.runs.test_hostile_files import cskpi, unix_only

runner = CliRunner()


def invoke(*args: object):
    return runner.invoke(cli.app, [str(a) for a in args])


@pytest.fixture
def project(tmp_path) -> Path:
    folder = tmp_path / "cs"
    assert invoke("init", folder, "--lang", "en").exit_code == 0
    # a month of its own: a run on the bundled sample is a trial that keeps no history
    (folder / "inputs" / "2026-10.xlsx").unlink()
    month_book(folder / "inputs" / "2026-10.xlsx", 2026, 10)
    return folder


def settings(folder: Path, old: str, new: str) -> None:
    path = folder / "cskpi.toml"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def hashes(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in folder.rglob("*")
        if p.is_file()
    }


# --- a project's log, history and outputs ------------------------------------------------


@pytest.mark.parametrize(
    ("key", "value", "expected"),
    [
        ("log", "inputs/2026-10.xlsx", "is the input {root}/inputs/2026-10.xlsx"),
        (
            "log",
            "customer-service-supervisor.yaml",
            "is the input {root}/customer-service-supervisor.yaml",
        ),
        ("log", "cskpi.toml", "is the input {root}/cskpi.toml"),
        ("log", "history.sqlite3", "is the same file as cskpi.toml history"),
        ("log", "scorecards/2026-10.html", "is the same file as cskpi.toml outputs"),
        ("log", "inputs/2026-11.xlsx", "is where the input {root}/inputs/{{period}}.xlsx reads"),
        ("history", "cskpi.toml", "is the input {root}/cskpi.toml"),
        ("history", "inputs/2026-10.xlsx", "is the input {root}/inputs/2026-10.xlsx"),
    ],
)
def test_a_projects_log_and_history_never_write_over_what_it_reads(project, key, value, expected):
    default = {"log": 'log = "cskpi.log"', "history": 'history = "history.sqlite3"'}[key]
    settings(project, default, f'{key} = "{value}"')
    before = hashes(project)
    result = invoke("run", "--project", project, "--period", "2026-10", "--lang", "en")
    assert result.exit_code == 2, result.stderr
    shown = f"cskpi.toml {key} {project / value} " + expected.format(root=project)
    assert shown in result.stderr.replace("\n", " ")
    after = hashes(project)
    assert {k: after[k] for k in before} == before  # not one byte appended, to any file
    # a refused log is not written to; a refused history is a failure the log records
    assert (project / "cskpi.log").exists() == (key == "history")


def test_a_refused_log_is_not_written_when_the_run_fails_for_another_reason(project):
    """A broken rulebook and a log over the input: the failure is not logged into the input."""
    settings(project, 'log = "cskpi.log"', 'log = "inputs/2026-10.xlsx"')
    (project / "customer-service-supervisor.yaml").write_text("standards: [", encoding="utf-8")
    before = hashes(project)
    result = invoke("run", "--project", project, "--period", "2026-10", "--lang", "en")
    assert result.exit_code == 2
    assert hashes(project) == before


def test_run_check_refuses_the_log_too(project):
    settings(project, 'log = "cskpi.log"', 'log = "cskpi.toml"')
    result = invoke("run", "--project", project, "--check", "--period", "2026-10", "--lang", "en")
    assert result.exit_code == 2
    assert f"cskpi.toml log {project / 'cskpi.toml'} is the input" in result.stderr


def test_evaluate_log_file_over_an_input_is_not_written_even_by_a_failed_run(tmp_path):
    data = tmp_path / "m.xlsx"
    data.write_bytes(SAMPLE.read_bytes())
    broken = tmp_path / "rules.yaml"
    broken.write_text("standards: [", encoding="utf-8")
    for rules, log in ((broken, data), (broken, broken)):
        before = (data.read_bytes(), broken.read_bytes())
        result = invoke("evaluate", data, "--rules", rules, "--log-file", log, "--lang", "en")
        assert result.exit_code == 2
        assert f"--log-file {log} is the input {log}" in result.stderr
        assert (data.read_bytes(), broken.read_bytes()) == before


# --- files that are not regular files -----------------------------------------------------


@unix_only
@pytest.mark.parametrize("option", ["--log-file", "--history", "--output"])
def test_a_fifo_to_write_is_refused_without_blocking(tmp_path, option):
    fifo = tmp_path / ("out.json" if option == "--output" else "out.fifo")
    os.mkfifo(fifo)
    result = cskpi("evaluate", SAMPLE, option, fifo, "--lang", "en", timeout=30)
    assert result.returncode == 4, result.stderr  # before the fix: blocked forever
    kind = "not a regular file but a named pipe (FIFO)"
    expected = {
        "--log-file": f"--log-file {fifo}: {kind}; cskpi writes only to regular files.",
        "--history": f"{fifo}: {kind}; the history must be a file.",
        "--output": f"--output {fifo}: {kind}; cskpi writes only to regular files.",
    }[option]
    assert expected in result.stderr


@unix_only
def test_history_command_on_a_fifo_is_refused_without_blocking(tmp_path):
    fifo = tmp_path / "h.sqlite3"
    os.mkfifo(fifo)
    result = cskpi("history", "--history", fifo, "--lang", "en", timeout=30)
    assert result.returncode == 4
    assert f"{fifo}: not a regular file but a named pipe (FIFO)" in result.stderr


@unix_only
@pytest.mark.parametrize("key", ["log", "history"])
def test_a_projects_fifo_log_or_history_is_refused_without_blocking(project, key):
    fifo = project / "pipe"
    os.mkfifo(fifo)
    default = {"log": 'log = "cskpi.log"', "history": 'history = "history.sqlite3"'}[key]
    settings(project, default, f'{key} = "pipe"')
    result = cskpi("run", "--project", project, "--period", "2026-10", "--lang", "en", timeout=60)
    assert result.returncode == 4, result.stderr
    assert f"{fifo}: not a regular file but a named pipe (FIFO)" in result.stderr


@unix_only
def test_the_log_never_opens_a_fifo_even_when_asked_directly(tmp_path, capsys):
    """append_log opens without blocking: a FIFO with no reader is a warning, not a hang."""
    from cskpi.runs.runlog import append_log

    fifo = tmp_path / "log"
    os.mkfifo(fifo)
    append_log(fifo, "{}")
    assert f"cskpi: cannot write the log {fifo}" in capsys.readouterr().err


def test_evaluate_log_file_over_the_history_is_refused_before_a_failed_run_logs(tmp_path):
    """A broken rulebook would log its failure: never into the history it shares a name with."""
    broken = tmp_path / "rules.yaml"
    broken.write_text("standards: [", encoding="utf-8")
    shared = tmp_path / "h.sqlite3"
    shared.write_bytes(b"SQLite format 3\x00")
    args = ("evaluate", SAMPLE, "--rules", broken, "--history", shared, "--log-file", shared)
    result = invoke(*args, "--lang", "en")
    assert result.exit_code == 2
    assert f"--log-file {shared} is the same file as --history" in result.stderr
    assert shared.read_bytes() == b"SQLite format 3\x00"


# --- control characters in the project's own path ----------------------------------------


@unix_only
@pytest.mark.parametrize("name", ["cs\n0 * * * * touch pwned", "cs\x1b[2Jkpi", "cs\rkpi"])
def test_a_folder_with_a_control_character_is_refused_for_the_schedule(tmp_path, name):
    """A newline in the folder would give crontab.txt a second, different job."""
    folder = tmp_path / name
    result = invoke("init", folder, "--lang", "en")
    assert result.exit_code == 2, result.stdout
    assert "cannot be scheduled" in result.stderr
    assert not folder.exists()  # nothing written
    assert "\n0 * * * *" not in result.stderr and "\x1b" not in result.stderr


@unix_only
def test_schedule_refuses_a_project_moved_into_such_a_folder(tmp_path):
    good = tmp_path / "cs"
    assert invoke("init", good, "--lang", "en").exit_code == 0
    moved = good.rename(tmp_path / "cs\n* * * * * evil")
    result = invoke("schedule", "--project", moved, "--lang", "en")
    assert result.exit_code == 2
    assert "cs␊* * * * * evil: the path holds a line break" in result.stderr
    assert "* * * * * evil" not in result.stdout


@unix_only
def test_paths_are_printed_with_control_characters_escaped(tmp_path):
    """A line break in a printed path would forge a second line of output (stdout keeps the
    line breaks of multi-line messages, so the path itself is escaped)."""
    path = tmp_path / "t\nwritten: fake\x1b]0;title\x07.xlsx"
    result = invoke("template", path, "--lang", "en")
    assert result.exit_code == 0, result.stderr
    assert "t␊written: fake␛]0;title␇.xlsx" in result.stdout
    assert "\x1b" not in result.stdout and result.stdout.count("\n") == 1


# --- deeply nested YAML and TOML -----------------------------------------------------------


@pytest.mark.parametrize("option", ["--rules", "--waivers"])
@pytest.mark.parametrize("nested", ["[" * 5000 + "]" * 5000, "{a: " * 3000 + "1" + "}" * 3000])
def test_deeply_nested_yaml_is_one_clear_error(tmp_path, option, nested):
    """Before: RecursionError, reported as an internal error."""
    file = tmp_path / "deep.yaml"
    file.write_text(f"{option[2:]}:\n  - {nested}\n", encoding="utf-8")
    result = invoke("evaluate", SAMPLE, option, file, "--lang", "en")
    assert result.exit_code == 2, result.stderr
    assert f"{file}:2: lists or mappings nested more than 64 deep" in result.stderr
    assert "internal error" not in result.stderr


def test_deeply_nested_toml_is_one_clear_error(project):
    settings(project, "holidays = []", "holidays = " + "[" * 5000 + "]" * 5000)
    result = invoke("run", "--project", project, "--lang", "en")
    assert result.exit_code == 2
    assert f"{project / 'cskpi.toml'}: arrays or tables nested too deeply to read." in result.stderr


# --- folders that take no new file --------------------------------------------------------

linux_proc = pytest.mark.skipif(not Path("/proc/version").is_file(), reason="Linux /proc only")


@linux_proc
@pytest.mark.parametrize("target", ["/proc/version.json", "/proc/scorecard.xlsx"])
def test_an_output_in_proc_is_an_output_error_not_an_internal_error(target):
    """Root passes os.access there, yet /proc refuses a new file: before, an internal error."""
    result = invoke("evaluate", SAMPLE, "-o", target, "--lang", "en")
    assert result.exit_code == 4, result.stderr
    assert f"{target}: cannot write the output (" in result.stderr
    assert "internal error" not in result.stderr


@linux_proc
def test_staging_in_a_folder_that_takes_no_file_is_an_output_error():
    from cskpi.atomic import Staged
    from cskpi.errors import OutputError

    with pytest.raises(OutputError, match="cannot write"):
        Staged(Path("/proc/x.json"), lambda p: p.write_text("{}"), private=False)


# --- unknown placeholders ------------------------------------------------------------------


def test_an_unknown_placeholder_in_an_input_or_output_is_a_usage_error(tmp_path):
    data = tmp_path / "2026-10.xlsx"
    data.write_bytes(SAMPLE.read_bytes())
    out = tmp_path / "out-{perod}.json"
    result = invoke("evaluate", data, "-o", out, "--lang", "en")
    assert result.exit_code == 2
    assert f"{out}: unknown placeholder {{perod}} (did you mean '{{period}}'?)" in result.stderr
    assert not out.exists()  # before: written under that very name
    template = tmp_path / "{perod}.xlsx"
    result = invoke("evaluate", template, "--period", "2026-10", "--lang", "en")
    assert result.exit_code == 2  # before: 3, "file not found"
    assert f"{template}: unknown placeholder {{perod}}" in result.stderr


def test_a_file_whose_name_really_has_braces_is_read(tmp_path):
    data = tmp_path / "{backup}.xlsx"
    data.write_bytes(SAMPLE.read_bytes())
    result = invoke("evaluate", data, "--lang", "en", "-q")
    assert result.exit_code == 1, result.stderr  # the sample fails four standards


@pytest.mark.parametrize(
    ("old", "new", "line"),
    [
        ('"inputs/{period}.xlsx"', '"inputs/{perod}.xlsx"', "inputs"),
        ('"scorecards/{period}.html"', '"scorecards/{yyy}.html"', "outputs"),
        ('log = "cskpi.log"', 'log = "logs/{month}.log"', "log"),
    ],
)
def test_an_unknown_placeholder_in_cskpi_toml_names_the_line(project, old, new, line):
    settings(project, old, new)
    result = invoke("run", "--project", project, "--lang", "en")
    assert result.exit_code == 2
    text = result.stderr.replace("\n", " ")
    assert "cskpi.toml:" in text and f": {line}: " in text and "unknown placeholder {" in text


# --- a history that is not there ------------------------------------------------------------


@pytest.mark.parametrize("where", ["missing/h.sqlite3", "h.sqlite3"])
def test_history_of_a_file_that_is_not_there_is_an_error_not_an_empty_history(tmp_path, where):
    """A typo in --history used to read as 'no results yet', exit 0."""
    path = tmp_path / where
    result = invoke("history", "--history", path, "--lang", "en")
    assert result.exit_code == 3
    reason = "the file does not exist" if where == "h.sqlite3" else f"the folder {path.parent}"
    assert f"{path}: no history there ({reason}" in result.stderr
    assert not path.parent.joinpath("h.sqlite3").exists()


def test_evaluate_creates_the_folder_of_a_new_history(tmp_path):
    """The documented choice: --history names where to record; its folder is created."""
    path = tmp_path / "new" / "h.sqlite3"
    assert invoke("evaluate", SAMPLE, "--history", path, "-q").exit_code == 1
    result = invoke("history", "--history", path, "-f", "json")
    assert result.exit_code == 0 and '"2026-10"' in result.stdout


# --- a history changed by hand ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("column", "value", "shown"),
    [
        ("actual", 9e999, "inf"),
        ("target", float("-inf"), "-inf"),
        ("actual", "abc", "'abc'"),
        ("target", b"\x00\xff", "b'\\x00\\xff'"),
        ("period", "garbage", "'garbage'"),
        ("period", "previous", "'previous'"),
        ("status", "weird", "'weird'"),
        ("comparison", "!!", "'!!'"),
        ("metric", b"\x01", "b'\\x01'"),  # a text column keeps a blob as it is
        ("recorded_at", b"\x02", "b'\\x02'"),
    ],
)
def test_a_tampered_history_is_one_message_naming_the_file(tmp_path, column, value, shown):
    """Before: ValueError/KeyError/TypeError as internal errors, or --period 'garbage'."""
    import sqlite3

    db = tmp_path / "h.sqlite3"
    assert invoke("evaluate", SAMPLE, "--history", db, "-q").exit_code == 1
    with sqlite3.connect(db) as conn:
        conn.execute(
            f"UPDATE results SET {column} = ? WHERE standard = 'complaints_per_month'",  # noqa: S608
            (value,),
        )
    conn.close()
    for fmt in ("table", "json", "csv"):
        result = invoke("history", "--history", db, "-f", fmt, "--lang", "en")
        assert result.exit_code == 4, result.stderr
        text = result.stderr.replace("\n", " ")
        assert f"{db}: a stored result (standard complaints_per_month, period " in text
        assert f"has an invalid {column}: {shown}; the file was changed outside cskpi" in text


# --- personal ids in messages -----------------------------------------------------------------


def _personal_ids(tmp_path: Path) -> Path:
    """The bundled rulebook with the complaint id marked personal (a customer's phone as id)."""
    text = (ROOT / "rules" / "customer-service-supervisor.yaml").read_text(encoding="utf-8")
    old = "complaint_id: {header: 投诉编号, aliases: [id, 编号], type: text}"
    assert old in text
    rules = tmp_path / "rules.yaml"
    rules.write_text(text.replace(old, old[:-1] + ", personal: true}"), encoding="utf-8")
    return rules


def test_a_personal_id_is_masked_in_errors_and_warnings(tmp_path):
    from tests.conftest import D, complaint, write_workbook
    from tests.months import good_month

    rules = _personal_ids(tmp_path)
    phone = "13912345678"
    month = good_month()
    month["投诉记录"].append(complaint(phone, D(2026, 10, 20)))
    month["投诉记录"].append(complaint(phone, D(2026, 10, 21)))
    path = write_workbook(tmp_path / "m.xlsx", month)
    result = invoke("evaluate", path, "--rules", rules, "--no-history", "--lang", "en")
    assert result.exit_code == 3
    assert "both have 投诉编号 '139****5678' but differ" in result.stderr
    assert phone not in result.stderr
    waivers = tmp_path / "waivers.csv"
    waivers.write_text(
        f"编号,标准,原因,批准人,日期\n{phone}9,all,x,y,2026-10-01\n", encoding="utf-8"
    )
    month = good_month()
    path = write_workbook(tmp_path / "ok.xlsx", month)
    args = ("evaluate", path, "--rules", rules, "--waivers", waivers, "--no-history")
    result = invoke(*args, "--lang", "en", "-q")
    assert "waiver for record '********6789'" in result.stderr, result.stderr  # 12 digits
    assert f"{phone}9" not in result.stderr


def test_a_personal_id_in_two_files_that_differ_is_masked_in_the_error(tmp_path):
    from tests.conftest import D, complaint, write_workbook
    from tests.months import good_month

    rules = _personal_ids(tmp_path)
    phone = "13912345678"
    for name, team in (("a.xlsx", "一组"), ("b.xlsx", "二组")):  # one record, rows differ
        month = good_month()
        month["投诉记录"].append(complaint(phone, D(2026, 10, 20), team=team))
        write_workbook(tmp_path / name, month)
    args = ("evaluate", tmp_path / "a.xlsx", tmp_path / "b.xlsx", "--rules", rules)
    result = invoke(*args, "--no-history", "--lang", "en", "-q")
    assert result.exit_code == 3, result.stderr
    assert "投诉编号 '139****5678'" in result.stderr, result.stderr
    assert phone not in result.stderr


# --- files far too big to be a month of records -----------------------------------------------


def test_a_csv_wider_than_a_worksheet_is_refused_at_its_first_line(tmp_path):
    wide = tmp_path / "wide.csv"
    wide.write_text(",".join(f"c{i}" for i in range(20_000)) + "\n" + "1," * 19_999 + "1\n")
    result = invoke("evaluate", wide, "--lang", "en")
    assert result.exit_code == 3, result.stderr
    assert f"{wide}: line 1 has 20000 columns, more than a table holds (16,384)" in result.stderr


def test_a_parquet_with_too_many_rows_is_refused_from_its_footer(tmp_path, monkeypatch):
    """The size comes from the footer: the table itself is never read (reading it would
    load 30 million rows before anything could say no)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from cskpi.read import parquet

    path = tmp_path / "long.parquet"
    pq.write_table(pa.table({"投诉编号": [f"C{i}" for i in range(12)]}), path)
    monkeypatch.setattr(parquet, "MAX_ROWS", 10)

    def never(*_args, **_kwargs):
        raise AssertionError("the table was read")

    monkeypatch.setattr(pq.ParquetFile, "read", never)
    result = invoke("evaluate", path, "--lang", "en")
    assert result.exit_code == 3, result.stderr
    assert f"{path}: 12 rows, more than cskpi loads from one CSV or Parquet file (10)" in (
        result.stderr.replace("\n", " ")
    )
    assert "--engine duckdb" in result.stderr


def test_a_csv_with_too_many_rows_is_refused(tmp_path, monkeypatch):
    from cskpi.read import tablefile

    path = tmp_path / "long.csv"
    path.write_text("投诉编号\n" + "".join(f"C{i}\n" for i in range(12)), encoding="utf-8")
    monkeypatch.setattr(tablefile, "MAX_ROWS", 10)
    result = invoke("evaluate", path, "--lang", "en")
    assert result.exit_code == 3, result.stderr
    assert f"{path}: > 10 rows, more than cskpi loads" in result.stderr.replace("\n", " ")


def test_a_tampered_waiver_in_the_history_is_one_message(tmp_path):
    import sqlite3

    waivers = tmp_path / "waivers.csv"
    waivers.write_text("编号,标准,原因,批准人,日期\nC1,all,x,y,2026-10-01\n", encoding="utf-8")
    db = tmp_path / "h.sqlite3"
    assert invoke("evaluate", SAMPLE, "--waivers", waivers, "--history", db, "-q").exit_code == 1
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE waivers SET reason = ?", (b"\x00\xff",))
    conn.close()
    result = invoke("history", "--history", db, "-f", "json", "--lang", "en")
    assert result.exit_code == 4  # before: bytes not JSON serializable, an internal error
    assert "has an invalid reason: b'\\x00\\xff'; the file was changed" in result.stderr
