"""Example rulebooks on real public exports, checked against counts made independently here
with plain pandas on the raw files (two periods and two groups each, at least)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from cskpi.cli import app as cli
from tests.conftest import ROOT

runner = CliRunner()
EXAMPLES = ROOT / "rules" / "examples"
# beside the checkout; CSKPI_REALDATA points elsewhere (a worktree two levels down)
REALDATA = Path(os.environ.get("CSKPI_REALDATA", ROOT.parent / "shared" / "realdata"))
needs_shared = pytest.mark.skipif(
    not REALDATA.is_dir(),
    reason="needs ../shared/realdata, full public exports kept beside the repository, not in it "
    "(nothing to fix: the samples/ slices are tested either way)",
)


def results(path: Path, rules: str, period: str, by: str) -> dict[tuple[str, str | None], float]:
    result = runner.invoke(
        cli.app,
        [
            "evaluate",
            str(path),
            "--rules",
            str(EXAMPLES / rules),
            "--period",
            period,
            "--by",
            by,
            "-f",
            "json",
            "--no-history",
        ],
    )
    assert result.exit_code in (0, 1), result.output
    return {(r["standard"], r["group"]): r["actual"] for r in json.loads(result.stdout)["results"]}


def cfpb_counts(frame: pd.DataFrame, date_col: str, company: str, timely: str, no: str):
    dates = pd.to_datetime(frame[date_col], format="mixed")
    month = dates.dt.strftime("%Y-%m")
    return month, frame[company], frame[timely].astype(str).str.strip() == no


@pytest.mark.parametrize(
    ("period", "company"),
    [
        ("2019-04", "TRANSUNION INTERMEDIATE HOLDINGS, INC."),
        ("2019-05", "Experian Information Solutions Inc."),
    ],
)
def test_cfpb_sample_against_plain_pandas(period, company):
    path = ROOT / "samples" / "cfpb_complaints_2019_2020.csv"
    raw = pd.read_csv(path, dtype=str, keep_default_na=False)
    month, companies, late = cfpb_counts(raw, "Date received", "Company", "Timely response?", "No")
    got = results(path, "cfpb.yaml", period, "company")
    in_month = month == period
    assert got[("complaints_per_month", None)] == in_month.sum()
    assert got[("complaints_per_month", company)] == (in_month & (companies == company)).sum()
    assert got[("untimely_responses_per_month", None)] == (in_month & late).sum()
    assert (in_month & (companies == company)).sum() > 0  # the group really has rows


@pytest.mark.parametrize(("period", "agency"), [("2018-06", "NYPD"), ("2019-03", "HPD")])
def test_nyc311_sample_against_plain_pandas(period, agency):
    path = ROOT / "samples" / "nyc311_2018-06_2019-03.csv"
    raw = pd.read_csv(path, dtype=str, keep_default_na=False)
    fmt = "%m/%d/%Y %I:%M:%S %p"
    created = pd.to_datetime(raw["Created Date"], format=fmt)
    closed = pd.to_datetime(raw["Closed Date"].replace("", None), format=fmt)
    due = pd.to_datetime(raw["Due Date"].replace("", None), format=fmt)
    in_month = created.dt.strftime("%Y-%m") == period
    late = due.notna() & closed.notna() & (closed > due)
    mine = raw["Agency"] == agency
    got = results(path, "nyc311.yaml", period, "agency")
    assert got[("requests_per_month", None)] == in_month.sum()
    assert got[("requests_per_month", agency)] == (in_month & mine).sum() > 0
    assert got[("closed_after_due_per_month", None)] == (in_month & late).sum()
    assert got[("closed_after_due_per_month", agency)] == (in_month & late & mine).sum()


@needs_shared
@pytest.mark.parametrize(("period", "group"), [("2016-02", "Group 70"), ("2016-03", "Group 24")])
def test_servicenow_event_log_against_plain_pandas(period, group):
    path = REALDATA / "it_incident_event_log_servicenow_head_chinthan11shah.csv"
    raw = pd.read_csv(path, dtype=str, keep_default_na=False)
    raw["sys_mod_count"] = raw["sys_mod_count"].astype(int)
    last = raw.sort_values(["number", "sys_mod_count"]).drop_duplicates("number", keep="last")
    opened = pd.to_datetime(last["opened_at"], format="%d-%m-%Y %H:%M")
    in_month = opened.dt.strftime("%Y-%m") == period
    missed = last["made_sla"] == "FALSE"
    mine = last["assignment_group"] == group
    got = results(path, "servicenow.yaml", period, "assignment_group")
    assert got[("incidents_per_month", None)] == in_month.sum()
    assert got[("incidents_per_month", group)] == (in_month & mine).sum() > 0
    assert got[("sla_missed_per_month", None)] == (in_month & missed).sum()
    assert got[("sla_missed_per_month", group)] == (in_month & missed & mine).sum()


@needs_shared
@pytest.mark.parametrize(
    ("name", "period", "date_col", "timely", "no"),
    [
        (
            "cfpb_complaints_2013_nobieyi00.csv",
            "2016-01",
            "Date received",
            "Timely response?",
            "No",
        ),
        (
            "cfpb_complaints_snakecase_owain_nortal.csv",
            "2017-03",
            "date_received",
            "timely_response",
            "false",
        ),
    ],
)
def test_other_cfpb_exports_against_plain_pandas(name, period, date_col, timely, no):
    path = REALDATA / name
    raw = pd.read_csv(path, dtype=str, keep_default_na=False)
    month = pd.to_datetime(raw[date_col], format="mixed").dt.strftime("%Y-%m")
    got = results(path, "cfpb.yaml", period, "company")
    in_month = month == period
    assert got[("complaints_per_month", None)] == in_month.sum() > 0
    late = raw[timely].str.strip().str.lower() == no.lower()
    assert got[("untimely_responses_per_month", None)] == (in_month & late).sum()


@needs_shared
def test_cfpb_export_with_junk_lines_above_the_header():
    path = REALDATA / "cfpb_complaints_2015_2020_with_preamble_head_tgschwartz.csv"
    raw = pd.read_csv(path, dtype=str, keep_default_na=False, skiprows=2)
    month = pd.to_datetime(raw["Date received"]).dt.strftime("%Y-%m")
    got = results(path, "cfpb.yaml", "2019-04", "company")
    assert got[("complaints_per_month", None)] == (month == "2019-04").sum() == 1391
