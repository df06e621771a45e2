"""The hostile catalogue, files and history: nothing written over an input, odd paths refused
at once, the history and the card committed together, temporary files never left behind."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cskpi.cli import app as cli
from tests import hostile
from tests.conftest import ROOT, SAMPLE

runner = CliRunner()
RULES = ROOT / "rules" / "customer-service-supervisor.yaml"
unix_only = pytest.mark.skipif(os.name != "posix", reason="FIFOs and signals are POSIX")


def invoke(*args: object):
    return runner.invoke(cli.app, [str(a) for a in args])


def cskpi(*args: object, timeout: float = 60, script: str | None = None, **kwargs):
    """cskpi in its own process (a hang is caught by the timeout instead of hanging the suite)."""
    prefix = ["-c", script] if script else ["-m", "cskpi"]
    return subprocess.run(
        [
            sys.executable,
            *prefix,
            *(os.fsdecode(a) if isinstance(a, bytes) else str(a) for a in args),
        ],
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
        **kwargs,
    )


def temps(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


# --- odd paths: refused at once -----------------------------------------------------------


@unix_only
@pytest.mark.parametrize("command", ["evaluate", "rules check"])
def test_a_fifo_rulebook_is_refused_without_blocking(tmp_path, command):
    fifo = tmp_path / "rules.yaml"
    os.mkfifo(fifo)
    args = {
        "evaluate": ["evaluate", SAMPLE, "--rules", fifo, "--no-history"],
        "rules check": ["rules", "check", fifo],
    }[command]
    result = cskpi(*args, "--lang", "en", timeout=30)  # before the fix: blocked forever
    assert result.returncode == 2
    text = f"{fifo}: not a regular file but a named pipe (FIFO); a rulebook must be a file."
    assert text in result.stderr


def test_a_device_rulebook_is_refused_and_the_cap_holds_when_the_size_says_0(tmp_path):
    result = invoke("evaluate", SAMPLE, "--rules", os.devnull, "--no-history", "--lang", "en")
    assert result.exit_code == 2
    assert f"{os.devnull}: not a regular file but a device or socket" in result.stderr
    from cskpi.errors import RulebookError
    from cskpi.rulebook.yamlfile import read_capped

    proc = Path("/proc/self/maps")  # a regular file whose st_size is 0
    if proc.exists():
        assert proc.stat().st_size == 0
        with pytest.raises(RulebookError, match="rulebook too large"):
            read_capped(proc, limit=10)


@unix_only
def test_dev_zero_rulebook_is_refused(tmp_path):
    result = cskpi("rules", "check", "/dev/zero", "--lang", "en", timeout=30)
    assert result.returncode == 2
    assert "/dev/zero: not a regular file but a device or socket" in result.stderr


@unix_only
def test_a_fifo_waivers_file_is_refused_without_blocking(tmp_path):
    fifo = tmp_path / "waivers.yaml"
    os.mkfifo(fifo)
    result = cskpi(
        "evaluate", SAMPLE, "--waivers", fifo, "--no-history", "--lang", "en", timeout=30
    )
    assert result.returncode == 3
    text = f"{fifo}: not a regular file but a named pipe (FIFO); it cannot be read."
    assert text in result.stderr


@pytest.mark.parametrize("value", ["nan", "inf", "-1", "-inf"])
def test_lock_timeout_must_be_finite_and_not_negative(tmp_path, value):
    db = tmp_path / "h.sqlite3"
    result = invoke("evaluate", SAMPLE, "--history", db, "--lock-timeout", value, "--lang", "en")
    assert result.exit_code == 2
    assert f"--lock-timeout '{value}' is not valid" in result.stderr
    assert not db.exists()


def test_a_245_byte_output_name_is_written(tmp_path):
    out = tmp_path / ("卡" * 80 + "a" * 2 + ".xlsx")  # 80 x 3 + 2 + 5 = 247 bytes
    assert len(os.fsencode(out.name)) == 247
    result = invoke("evaluate", SAMPLE, "-o", out, "--no-history", "--lang", "en")
    assert result.exit_code == 1, result.stderr
    assert out.is_file() and temps(tmp_path) == []


@pytest.mark.skipif(sys.platform != "linux", reason="only Linux file names may be any bytes")
def test_file_names_that_are_not_utf8_work(tmp_path):
    folder = os.fsencode(tmp_path)
    source = folder + b"/\xff\xfe.xlsx"
    Path(os.fsdecode(source)).write_bytes(SAMPLE.read_bytes())
    hostile.age(Path(os.fsdecode(source)))
    out, db, log = (folder + name for name in (b"/\xfd.json", b"/\xfc.sqlite3", b"/\xfb.log"))
    result = cskpi("evaluate", source, "-o", out, "--history", db, "--log-file", log, "-f", "json")
    assert result.returncode == 1, result.stderr
    shown = f"{tmp_path}/\\xff\\xfe.xlsx"
    assert json.loads(result.stdout)["inputs"][0]["path"] == shown
    assert (
        json.loads(Path(os.fsdecode(out)).read_text(encoding="utf-8"))["inputs"][0]["path"] == shown
    )
    assert json.loads(Path(os.fsdecode(log)).read_text(encoding="utf-8"))["inputs"] == [shown]
    history = cskpi("history", "--history", db, "-f", "json")
    assert len(json.loads(history.stdout)["results"]) == 14
    missing = cskpi("evaluate", folder + b"/\xf0.xlsx", "--no-history", "--lang", "en")
    assert missing.returncode == 3
    assert f"{tmp_path}/\\xf0.xlsx: file not found." in missing.stderr


# --- no output over an input ----------------------------------------------------------------


def _month(folder: Path, name: str = "2026-10.xlsx") -> Path:
    path = folder / name
    path.write_bytes(SAMPLE.read_bytes())
    return path


def _refused(result, option: str, out: Path, source: object) -> None:
    assert result.exit_code == 2, result.output
    assert (
        f"{option} {out} is the input {source}; refusing to write over an input." in result.stderr
    )


@pytest.mark.parametrize("form", ["template", "glob", "folder", "symlink", "hard link"])
def test_output_over_an_expanded_input_is_refused(tmp_path, form):
    data = tmp_path / "d"
    data.mkdir()
    source = _month(data)
    before = source.read_bytes()
    argument = {
        "template": f"{data}/{{period}}.xlsx",
        "glob": f"{data}/*.xlsx",
        "folder": str(data),
        "symlink": str(tmp_path / "link.xlsx"),
        "hard link": str(tmp_path / "same.xlsx"),
    }[form]
    if form == "symlink":
        Path(argument).symlink_to(source)
    if form == "hard link":
        os.link(source, argument)
    shown = argument if form in ("symlink", "hard link") else source
    result = invoke("evaluate", argument, "--period", "2026-10", "-o", source, "--lang", "en")
    _refused(result, "--output", source, shown)
    assert source.read_bytes() == before


@pytest.mark.parametrize("option", ["--history", "--log-file"])
def test_history_and_log_over_an_input_are_refused(tmp_path, option):
    source = _month(tmp_path)
    before = source.read_bytes()
    result = invoke("evaluate", f"{tmp_path}/*.xlsx", option, source, "--lang", "en")
    if option == "--log-file":  # refused before the glob is expanded (a failure is logged too)
        assert result.exit_code == 2
        assert f"--log-file {source} is where the input {tmp_path}/*.xlsx reads" in result.stderr
    else:
        _refused(result, option, source, source)
    assert source.read_bytes() == before


def test_log_over_the_rulebook_and_output_over_the_waivers_are_refused(tmp_path):
    rules = tmp_path / "rules.yaml"
    rules.write_bytes(RULES.read_bytes())
    result = invoke("evaluate", SAMPLE, "--rules", rules, "--log-file", rules, "--lang", "en")
    _refused(result, "--log-file", rules, rules)
    waivers = tmp_path / "waivers.csv"
    waivers.write_text("编号,标准,原因,批准人,日期\nC1,all,x,y,2026-10-01\n", encoding="utf-8")
    result = invoke("evaluate", SAMPLE, "--waivers", waivers, "-o", waivers, "--lang", "en")
    _refused(result, "--output", waivers, waivers)


def test_an_output_the_next_run_would_read_is_refused_before_it_exists(tmp_path):
    _month(tmp_path)
    for argument, out in (
        (str(tmp_path), tmp_path / "scorecard.xlsx"),
        (f"{tmp_path}/*.xlsx", tmp_path / "scorecard.xlsx"),
        (f"{tmp_path}/{{period}}.xlsx", tmp_path / "2026-11.xlsx"),
        (str(tmp_path), tmp_path / "scorecard.csv"),
    ):
        result = invoke("evaluate", argument, "--period", "2026-10", "-o", out, "--lang", "en")
        assert result.exit_code == 2, (argument, result.output)
        assert f"--output {out} is where the input {argument} reads from" in result.stderr
        assert not out.exists()
    fine = invoke(
        "evaluate", tmp_path, "-o", tmp_path / "scorecard.json", "--no-history", "--lang", "en"
    )
    assert fine.exit_code == 1, fine.output  # .json is never read as an input


def test_two_outputs_in_one_file_are_refused(tmp_path):
    out = tmp_path / "s.json"
    result = invoke("evaluate", SAMPLE, "-o", out, "--history", out, "--lang", "en")
    assert result.exit_code == 2
    assert f"--output {out} is the same file as --history" in result.stderr


# --- the history and the card commit together -----------------------------------------------


def test_a_reader_holding_the_history_gives_75_and_leaves_everything_as_it_was(tmp_path):
    db, card = tmp_path / "h.sqlite3", tmp_path / "card.xlsx"
    assert invoke("evaluate", SAMPLE, "--history", db, "-o", card).exit_code == 1
    old_card, old_db = card.read_bytes(), db.read_bytes()
    reader = subprocess.Popen(
        [sys.executable, "-c", hostile.READER, str(db)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert reader.stdout is not None and reader.stdout.readline() == "reading\n"
        busy = invoke(
            "evaluate", SAMPLE, "--history", db, "-o", card, "--lock-timeout", "0.5", "--lang", "en"
        )
    finally:
        reader.communicate("", timeout=30)
    assert busy.exit_code == 75, busy.output
    assert f"{db}: the history is in use by another program" in busy.stderr
    assert card.read_bytes() == old_card and db.read_bytes() == old_db
    assert temps(tmp_path) == []
    assert invoke("evaluate", SAMPLE, "--history", db, "-o", card).exit_code == 1
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT COUNT(*) FROM runs").fetchone() == (2,)


def test_a_failed_commit_puts_the_previous_card_back(tmp_path, monkeypatch):
    from cskpi.errors import OutputError
    from cskpi.runs import history

    db, card = tmp_path / "h.sqlite3", tmp_path / "card.json"
    card.write_text("previous", encoding="utf-8")

    def failing_commit(_conn, path):
        raise OutputError("history.unusable", file=str(path), reason="disk I/O error")

    monkeypatch.setattr(history, "commit", failing_commit)
    result = invoke("evaluate", SAMPLE, "--history", db, "-o", card, "--lang", "en")
    assert result.exit_code == 4
    assert f"{db}: cannot use the history (disk I/O error)." in result.stderr
    assert card.read_text(encoding="utf-8") == "previous"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["card.json", "h.sqlite3"]


def _killed_mid_write(tmp_path: Path, signum: int) -> tuple[subprocess.Popen, Path]:
    card, marker = tmp_path / "card.xlsx", tmp_path / "marker"
    card.write_bytes(b"previous card")
    args = ["evaluate", str(SAMPLE), "-o", str(card), "--history", str(tmp_path / "h.sqlite3")]
    run = subprocess.Popen(
        [sys.executable, "-c", hostile.SLOW_WRITE, str(marker), *args],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while not marker.exists() and time.monotonic() < deadline and run.poll() is None:
        time.sleep(0.05)
    assert marker.exists(), "the run never reached the write"
    tmp = Path(marker.read_text())
    assert tmp.exists() and tmp.name.startswith(".card.xlsx.cskpi-") and tmp.name.endswith(".tmp")
    assert tmp.stat().st_mode & 0o777 == 0o600
    run.send_signal(signum)
    run.wait(timeout=30)
    marker.unlink()
    return run, tmp


@unix_only
def test_sigterm_mid_write_removes_the_temporary_file(tmp_path):
    run, tmp = _killed_mid_write(tmp_path, signal.SIGTERM)
    assert run.returncode == 128 + signal.SIGTERM
    assert not tmp.exists() and temps(tmp_path) == []
    assert (tmp_path / "card.xlsx").read_bytes() == b"previous card"
    stored = invoke("history", "--history", tmp_path / "h.sqlite3", "-f", "json")
    assert json.loads(stored.stdout)["results"] == []  # rolled back


@unix_only
def test_kill_9_leaves_a_temporary_file_that_the_next_run_removes(tmp_path):
    run, tmp = _killed_mid_write(tmp_path, signal.SIGKILL)
    assert run.returncode == -signal.SIGKILL
    assert tmp.exists()  # nothing can clean up after kill -9 ...
    assert (tmp_path / "card.xlsx").read_bytes() == b"previous card"
    ours_but_new = tmp_path / ".card.xlsx.cskpi-newer123.tmp"
    not_ours = tmp_path / ".card.xlsx.abcdefgh.tmp"
    for path in (ours_but_new, not_ours):
        path.write_bytes(b"x")
    future = time.time() + 3600  # as if another run started after this one
    os.utime(ours_but_new, (future, future))
    result = invoke("evaluate", SAMPLE, "-o", tmp_path / "card.xlsx", "--no-history")
    assert result.exit_code == 1
    assert not tmp.exists()  # ... the next run does
    assert temps(tmp_path) == sorted([ours_but_new.name, not_ours.name])


def test_a_newer_history_is_refused_by_name(tmp_path):
    db = tmp_path / "h.sqlite3"
    with sqlite3.connect(db) as conn:
        conn.execute("PRAGMA user_version = 99")
    conn.close()
    before = db.read_bytes()
    for command in (["evaluate", SAMPLE, "-o", tmp_path / "s.json"], ["history"]):
        result = invoke(*command, "--history", db, "--lang", "en")
        assert result.exit_code == 4
        assert (
            f"{db}: the history was written by a newer cskpi (schema version 99; this version "
            "reads up to 2)" in result.stderr
        )
    assert db.read_bytes() == before and not (tmp_path / "s.json").exists()


def test_an_older_history_is_migrated_in_place(tmp_path):
    db = hostile.legacy_history(tmp_path)
    shown = json.loads(invoke("history", "--history", db, "-f", "json").stdout)["results"]
    assert [(r["period"], r["actual"], r["partial"]) for r in shown] == [("2026-09", 4, False)]
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA user_version").fetchone() == (0,)  # reading changes nothing
    conn.close()
    assert invoke("evaluate", SAMPLE, "--history", db).exit_code == 1
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA user_version").fetchone() == (2,)
        runs = conn.execute("SELECT period, verdict, partial FROM runs ORDER BY id").fetchall()
        count = conn.execute(
            "SELECT period, actual FROM results WHERE standard = 'complaints_per_month'"
            " ORDER BY period"
        ).fetchall()
    conn.close()
    assert runs[0] == ("2026-09", None, 0) and runs[1][0] == "2026-10"
    assert count == [("2026-09", 4.0), ("2026-10", 5.0)]


@pytest.mark.parametrize("content", [b"not a database at all" * 100, "other"])
def test_a_file_that_is_not_a_cskpi_history_is_refused_by_name(tmp_path, content):
    db = tmp_path / "h.sqlite3"
    if isinstance(content, bytes):
        db.write_bytes(content)
        text = f"{db}: cannot use the history (file is not a database)."
    else:
        with sqlite3.connect(db) as conn:
            conn.execute("CREATE TABLE invoices (id INTEGER)")
        conn.close()
        text = f"{db}: not a cskpi history (it holds other tables: invoices)"
    before = db.read_bytes()
    result = invoke("evaluate", SAMPLE, "--history", db, "--lang", "en")
    assert result.exit_code == 4 and text in result.stderr
    assert db.read_bytes() == before


def test_a_read_only_history_is_named(tmp_path, monkeypatch):
    db = tmp_path / "h.sqlite3"
    assert invoke("evaluate", SAMPLE, "--history", db).exit_code == 1
    real = os.access

    def access(path, mode):  # as for a user who may read the file but not write it
        return False if Path(path) == db and mode & os.W_OK else real(path, mode)

    monkeypatch.setattr(os, "access", access)
    result = invoke("evaluate", SAMPLE, "--history", db, "--lang", "en")
    assert result.exit_code == 4
    assert f"{db}: the history cannot be written (permission denied)." in result.stderr
    assert invoke("history", "--history", db, "-f", "json").exit_code == 0  # reading still works


def test_evaluate_with_history_runs_without_unix_only_modules(tmp_path):
    db = tmp_path / "h.sqlite3"
    result = cskpi("evaluate", SAMPLE, "--history", db, "--lang", "en", script=hostile.NO_UNIX)
    assert result.returncode == 1, result.stderr
    assert "Verdict: standards not met." in result.stdout
    shown = cskpi("history", "--history", db, "-f", "json", script=hostile.NO_UNIX)
    assert len(json.loads(shown.stdout)["results"]) == 14
    sources = (ROOT / "src" / "cskpi").rglob("*.py")
    unix = ("fcntl", "termios", "pwd", "grp", "resource")
    for source in sources:
        text = source.read_text(encoding="utf-8")
        for name in unix:
            assert f"import {name}" not in text and f"from {name} " not in text, source


# --- partial periods in the history ---------------------------------------------------------


def _stored(db: Path) -> dict[tuple[str, str], tuple[float, bool]]:
    shown = json.loads(invoke("history", "--history", db, "-f", "json").stdout)["results"]
    return {(r["standard"], r["period"]): (r["actual"], r["partial"]) for r in shown}


def test_a_partial_run_never_replaces_a_complete_one(tmp_path):
    db = tmp_path / "h.sqlite3"
    key = ("complaints_per_month", "2026-10")
    quarter = ("info_complaints_per_quarter", "2026Q4")
    # the sample's October complaints were received on the 3rd, 8th, 12th, 20th and 29th
    invoke("evaluate", SAMPLE, "--history", db, "--as-of", "2026-10-10")
    assert _stored(db)[key] == (2, True)
    invoke("evaluate", SAMPLE, "--history", db, "--as-of", "2026-10-20")
    assert _stored(db)[key] == (4, True)  # a later partial run replaces a partial one
    invoke("evaluate", SAMPLE, "--history", db)
    assert _stored(db)[key] == (5, False)  # the complete month replaces it
    assert _stored(db)[quarter][1] is True  # Q4 was not over at the end of October
    invoke("evaluate", SAMPLE, "--history", db, "--as-of", "2026-10-10")
    assert _stored(db)[key] == (5, False)  # and a what-if never replaces the final month
    table = invoke("history", "--history", db, "--lang", "en").stdout
    assert "recorded before the period was over" in table
