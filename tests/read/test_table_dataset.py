"""A CSV or Parquet file is a dataset only when its headers carry that dataset's required
columns (as a sheet found by its headers must) or its name names it: one shared header such
as 团队 does not make a survey a complaint log."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cskpi.cli import app as cli
from tests.conftest import COMPLAINT_HEADERS, SURVEY_HEADERS
from tests.months import rules_for

runner = CliRunner()


def invoke(*args: object):
    return runner.invoke(cli.app, [str(a) for a in args])


def write_csv(path: Path, rows: list[list[object]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)
    return path


def complaints(folder: Path) -> Path:
    row = ["C1", "2026-10-05 10:00", "一组", "王芳", "2026-10-09 10:00", "2026-10-06 10:00"]
    row += ["慢", "客户甲", "13900000000"]
    assert len(row) == len(COMPLAINT_HEADERS)
    return write_csv(folder / "export-1.csv", [COMPLAINT_HEADERS, row])


def survey(folder: Path) -> Path:
    row = ["S1", "2026-10-06", "一组", 5, 5, 5, 5]
    return write_csv(folder / "export-2.csv", [SURVEY_HEADERS, row])


def test_a_survey_sharing_one_header_is_not_the_complaint_log(tmp_path):
    rules = rules_for(tmp_path, "complaints")
    other = survey(tmp_path)
    args = ["evaluate", complaints(tmp_path), other, "--rules", rules, "--lang", "en"]
    result = invoke(*args, "--period", "2026-10")
    assert result.exit_code == 3, result.output
    message = result.stderr.replace("\n", " ")
    # before: read as complaints, and stopped on its missing 投诉编号 column
    assert f"{other}: its headers match no dataset of the rulebook (complaints)" in message


def test_duckdb_leaves_the_survey_out_with_a_warning(tmp_path):
    rules = rules_for(tmp_path, "complaints")
    other = survey(tmp_path)
    args = ["evaluate", complaints(tmp_path), other, "--rules", rules, "--lang", "en"]
    result = invoke(*args, "--period", "2026-10", "--engine", "duckdb", "-f", "json")
    assert result.exit_code == 0, result.output
    message = result.stderr.replace("\n", " ")
    assert f"warning: {other}: its headers match no dataset" in message
    results = {r["standard"]: r["actual"] for r in json.loads(result.stdout)["results"]}
    assert results["complaints_per_month"] == 1  # the one complaint; the survey row is no complaint


@pytest.mark.parametrize("name", ["complaints.csv", "投诉记录.csv"])
def test_a_file_named_like_the_dataset_is_still_read_as_it(tmp_path, name):
    """Named, it is that dataset: a missing column is then named, not "no dataset"."""
    rules = rules_for(tmp_path, "complaints")
    headers = [h for h in COMPLAINT_HEADERS if h != "承诺期限"]  # a required column
    path = write_csv(tmp_path / name, [headers, ["2026-10-05"] * len(headers)])
    result = invoke("evaluate", path, "--rules", rules, "--lang", "en", "--period", "2026-10")
    assert result.exit_code == 3, result.output
    assert "承诺期限" in result.stderr and "match no dataset" not in result.stderr
