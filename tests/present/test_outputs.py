"""The output-format registry through the command line: suffixes, --format, the CSV BOM,
the "written" line and --version."""

from __future__ import annotations

import csv
import io
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from cskpi import __version__
from cskpi.cli import app as cli
from cskpi.present.formats import FORMATS, by_suffix, file_suffixes, stdout_names
from tests.conftest import SAMPLE

runner = CliRunner()
BOM = b"\xef\xbb\xbf"


def invoke(*args):
    return runner.invoke(cli.app, [str(a) for a in args])


def test_every_suffix_picks_one_format_and_every_format_is_reachable():
    suffixes = file_suffixes()
    assert len(suffixes) == len(set(suffixes))
    for fmt in FORMATS:
        assert fmt.suffixes or fmt.stdout, fmt.name
        for suffix in fmt.suffixes:
            assert by_suffix(SAMPLE.with_suffix(suffix.upper())) is fmt
    assert stdout_names() == ["table", "json", "markdown", "csv"]
    assert suffixes == [".json", ".md", ".markdown", ".csv", ".xlsx", ".html", ".htm"]


def test_help_and_errors_list_the_registry():
    help_text = " ".join(invoke("evaluate", "--help").stdout.split())
    assert "table, json, markdown, csv" in help_text  # help speaks zh or en (the locale)
    assert ".csv .xlsx .html .htm" in help_text
    bad = invoke("evaluate", SAMPLE, "-o", "scorecard.pdf", "--lang", "en")
    assert bad.exit_code == 2
    assert bad.stderr.strip() == (
        "error: --output scorecard.pdf: unsupported suffix .pdf "
        "(use one of .json .md .markdown .csv .xlsx .html .htm)."
    )
    wrong = invoke("evaluate", SAMPLE, "--format", "yaml", "--lang", "en")
    assert wrong.exit_code == 2
    assert "expected one of table, json, markdown, csv." in wrong.stderr


def test_a_file_only_format_on_stdout_names_the_option_to_use():
    result = invoke("evaluate", SAMPLE, "--format", "xlsx", "--lang", "en")
    assert result.exit_code == 2
    assert result.stderr.strip() == (
        "error: --format xlsx: this format is written to a file; use -o scorecard.xlsx."
    )
    assert result.stdout == ""


def test_csv_file_has_a_bom_and_stdout_has_none_unless_asked(tmp_path):
    out = tmp_path / "s.csv"
    result = invoke("evaluate", SAMPLE, "-o", out, "-f", "csv", "--no-history")
    assert out.read_bytes().startswith(BOM + b"standard,name,")
    assert result.stdout.startswith("standard,name,")
    # Excel's reading: with the BOM stripped, the Chinese names come back intact
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8-sig"))))
    assert rows[0]["name"] == "月度客户投诉次数"

    plain = tmp_path / "plain.csv"
    invoke("evaluate", SAMPLE, "-o", plain, "--no-csv-bom", "-q", "--no-history")
    assert plain.read_bytes().startswith(b"standard,name,")
    asked = invoke("evaluate", SAMPLE, "-f", "csv", "--csv-bom", "--no-history")
    assert asked.stdout.startswith("\ufeffstandard,name,")
    # the BOM is for CSV only: other text formats are untouched by the option
    json_out = tmp_path / "s.json"
    invoke("evaluate", SAMPLE, "-o", json_out, "--csv-bom", "-q", "--no-history")
    assert json_out.read_bytes().startswith(b"{")


def test_output_is_reported_on_stderr_unless_quiet(tmp_path):
    out = tmp_path / "s.json"
    zh = invoke("evaluate", SAMPLE, "-o", out, "--no-history")
    assert zh.stderr.splitlines()[-1] == f"已写入:{out}"
    en = invoke("evaluate", SAMPLE, "-o", out, "--no-history", "--lang", "en", "-f", "json")
    assert en.stderr.splitlines()[-1] == f"written: {out}"
    assert en.stdout.startswith("{")
    quiet = invoke("evaluate", SAMPLE, "-o", out, "--no-history", "--quiet")
    assert "已写入" not in quiet.stderr
    none = invoke("evaluate", SAMPLE, "--no-history")
    assert "已写入" not in none.stderr


def test_every_output_given_is_written_not_only_the_last(tmp_path):
    """-o twice used to keep the last one silently: the page a manager asked for was missing."""
    page, text = tmp_path / "s.html", tmp_path / "s.md"
    result = invoke("evaluate", SAMPLE, "-o", page, "-o", text)
    assert result.exit_code == 1
    assert result.stderr.splitlines()[-2:] == [f"已写入:{page}", f"已写入:{text}"]
    assert "<!DOCTYPE html>" in page.read_text(encoding="utf-8")
    assert text.read_text(encoding="utf-8").startswith("## 绩效评估 2026-10")
    again = invoke("evaluate", SAMPLE, "-o", page, "-o", page)  # one file twice: refused
    assert again.exit_code == 2


@pytest.mark.parametrize("args", [["--version"], ["--version", "evaluate"]])
def test_version(args):
    result = subprocess.run(
        [sys.executable, "-m", "cskpi", *args], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0
    assert result.stdout == f"cskpi {__version__}\n"
