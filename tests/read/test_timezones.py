"""One time-zone rule for every source: aware times (CSV text, Parquet, --as-of, filter
literals) are converted to the rulebook's zone; naive ones are taken as already in it."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from cskpi.cli import app as cli
from tests.conftest import ROOT, make_old
from tests.months import rules_for

runner = CliRunner()
UTC = dt.UTC

# Around the turn of June 2020 in Shanghai (UTC+8): June 1, July 3, August 1.
INSTANTS = [
    ("C1", "2020-06-30T15:59:00Z"),  # 23:59 on 30 June in Shanghai
    ("C2", "2020-06-30T16:00:00Z"),  # midnight, 1 July
    ("C3", "2020-07-01T01:00+08:00"),  # the case: counted in June before
    ("C4", "2020-07-31T23:30:00+08:00"),
    ("C5", "2020-07-31T16:30:00Z"),  # 00:30 on 1 August
]
HEADER = ["投诉编号", "投诉日期", "团队", "承诺期限", "解决日期"]
MONTHS = {"2020-06": 1, "2020-07": 3, "2020-08": 1}


def as_instant(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(UTC)


def write_csv(folder, encoding="utf-8", delimiter=","):
    folder.mkdir()
    lines = [delimiter.join(HEADER)]
    lines += [delimiter.join([cid, when, "一组", "", ""]) for cid, when in INSTANTS]
    path = folder / "complaints.csv"
    path.write_bytes(("\n".join(lines) + "\n").encode(encoding))
    return make_old(path)


def write_parquet(folder, zone: str):
    folder.mkdir()
    stamps = [as_instant(when) for _cid, when in INSTANTS]
    table = pa.table(
        {
            "投诉编号": [cid for cid, _w in INSTANTS],
            "投诉日期": pa.array(stamps, pa.timestamp("us", tz="UTC")).cast(
                pa.timestamp("us", tz=zone)
            ),
            "团队": ["一组"] * len(INSTANTS),
            "承诺期限": pa.nulls(len(INSTANTS), pa.timestamp("us")),
            "解决日期": pa.nulls(len(INSTANTS), pa.timestamp("us")),
        }
    )
    path = folder / "complaints.parquet"
    pq.write_table(table, path)
    return make_old(path)


def counts(path, rules, *extra: str) -> dict[str, float]:
    out = {}
    for period in MONTHS:
        result = runner.invoke(
            cli.app,
            ["evaluate", str(path), "-r", str(rules), "-p", period, "-f", "json", "--no-history"],
        )
        # 5: the log has no promised deadlines, so the overdue standard cannot be decided
        assert result.exit_code in (0, 1, 5), result.output
        data = json.loads(result.stdout)
        out[period] = next(
            r["actual"] for r in data["results"] if r["standard"] == "complaints_per_month"
        )
    return out


@pytest.mark.parametrize(
    "source",
    [
        lambda tmp: write_csv(tmp / "utf8"),
        lambda tmp: write_csv(tmp / "utf16", "utf-16", "\t"),  # Excel's "Unicode text"
        lambda tmp: write_parquet(tmp / "utc", "UTC"),
        lambda tmp: write_parquet(tmp / "ny", "America/New_York"),
    ],
    ids=["csv", "utf16-csv", "parquet-utc", "parquet-new-york"],
)
def test_csv_and_parquet_with_the_same_instants_give_the_same_months(tmp_path, source):
    rules = rules_for(tmp_path, "complaints")
    assert counts(source(tmp_path), rules) == MONTHS


def test_as_of_with_an_offset_is_converted_to_the_rulebooks_zone(tmp_path):
    path = write_csv(tmp_path / "csv")
    rules = rules_for(tmp_path, "complaints")
    for as_of, shown in [
        ("2020-07-20T12:00+08:00", "2020-07-20T12:00:00"),
        ("2020-07-20T04:00Z", "2020-07-20T12:00:00"),
        ("2020-07-20 12:00", "2020-07-20T12:00:00"),
        ("2020年7月20日", "2020-07-20T23:59:59"),
    ]:
        result = runner.invoke(
            cli.app,
            [
                "evaluate",
                str(path),
                "-r",
                str(rules),
                "-p",
                "2020-07",
                "--as-of",
                as_of,
                "-f",
                "json",
                "--no-history",
            ],
        )
        assert result.exit_code in (0, 1, 5), result.output  # 5: no deadlines (see above)
        data = json.loads(result.stdout)
        assert data["as_of"] == shown, as_of
        counted = next(
            r["actual"] for r in data["results"] if r["standard"] == "complaints_per_month"
        )
        assert counted == 2  # C2 and C3; C4 is on the 31st


def test_a_filter_literal_with_an_offset_is_read_in_the_rulebooks_zone(tmp_path):
    from cskpi.language import tree as t
    from cskpi.rulebook.load import load_rulebook

    text = (ROOT / "rules" / "customer-service-supervisor.yaml").read_text(encoding="utf-8")
    text = text.replace(
        "filter: resolved_at is blank or resolved_at > promised_by",
        "filter: received_at >= '2026-10-01T00:00+08:00' and received_at < '2026-10-20T16:00Z'",
    )
    path = tmp_path / "r.yaml"
    path.write_text(text, encoding="utf-8")
    tree = load_rulebook(path).standard("overdue_complaints_per_month").filter.tree
    received = t.Field("received_at", "date")
    assert tree == t.And(
        (
            t.Compare(">=", received, t.Value(dt.datetime(2026, 10, 1), "date"), "date"),
            t.Compare("<", received, t.Value(dt.datetime(2026, 10, 21), "date"), "date"),
        )
    )


def test_parquet_bytes_that_are_not_utf8_are_a_bad_value_named_by_cell(tmp_path):
    table = pa.table(
        {
            "投诉编号": pa.array([b"C1", b"C\xff2"], pa.binary()),
            "投诉日期": ["2026-10-02", "2026-10-03"],
            "团队": ["一组", "一组"],
            "承诺期限": ["2026-10-05", "2026-10-06"],
            "解决日期": [None, None],
        }
    )
    path = tmp_path / "complaints.parquet"
    pq.write_table(table, path)
    make_old(path)
    rules = rules_for(tmp_path, "complaints")
    result = runner.invoke(
        cli.app, ["evaluate", str(path), "-r", str(rules), "-p", "2026-10", "--no-history"]
    )
    assert result.exit_code == 3
    assert result.stderr.strip() == (
        f"错误: {path},工作表「complaints.parquet」,第 3 行,A 列(「投诉编号」):"
        "字节不是 UTF-8 文本。"
    )


def test_without_a_rulebook_zone_aware_times_are_read_in_the_machines_zone(tmp_path):
    """Both engines (column and literal) use the machine's zone: here TZ=America/New_York."""
    code = (
        "import pyarrow as pa\n"
        "from cskpi.language.spelling import Spelling, read_date\n"
        "from cskpi.read.values import convert\n"
        "s = Spelling('date')\n"
        "print(read_date('2020-07-01T00:00Z', s))\n"
        "print(convert(pa.array(['2020-07-01T00:00Z', '2020-01-01T00:00Z']), s).values.tolist())\n"
    )
    env = {**os.environ, "TZ": "America/New_York", "PYTHONPATH": str(ROOT / "src")}
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
    ).stdout.splitlines()
    assert out[0] == "2020-06-30 20:00:00"  # daylight saving time: UTC-4
    assert out[1] == "[Timestamp('2020-06-30 20:00:00'), Timestamp('2019-12-31 19:00:00')]"


def test_the_runs_clock_is_read_in_the_rulebooks_zone():
    """'Now' (the default as-of, the future check) is the rulebook zone's wall clock, whatever
    the machine's (a fresh process: the tests fix the clock of this one)."""
    code = (
        "import datetime as dt, pandas as pd\n"
        "from cskpi.evaluate.periods import now\n"
        "utc = pd.Timestamp.now(tz='UTC').tz_localize(None)\n"
        "print((now(dt.timezone(dt.timedelta(hours=8))) - utc).round('h'))\n"
    )
    env = {**os.environ, "TZ": "America/New_York", "PYTHONPATH": str(ROOT / "src")}
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
    )
    assert out.stdout.strip() == "0 days 08:00:00"


def test_the_time_a_scorecard_was_made_is_in_the_zone_of_its_as_of(tmp_path, monkeypatch):
    """On a machine in UTC, 01:26 on 30 November in Shanghai is 17:26 on the 29th: the page
    and the workbook say the Shanghai time, as the as-of beside it does."""
    import openpyxl
    import pandas as pd

    from cskpi.evaluate import periods

    shanghai = pd.Timestamp(2026, 11, 30, 1, 26)  # the rulebook zone's wall clock

    def clock(zone=None):
        assert zone is not None and str(zone) == "Asia/Shanghai"
        return shanghai

    monkeypatch.setattr(periods, "now", clock)
    sample = ROOT / "samples" / "2026-10.xlsx"
    for name in ("card.xlsx", "card.html"):
        args = ["evaluate", str(sample), "-p", "2026-10", "-q", "-o", str(tmp_path / name)]
        assert runner.invoke(cli.app, args).exit_code == 1
    page = (tmp_path / "card.html").read_text(encoding="utf-8")
    assert "生成于 2026-11-30 01:26" in page
    rows = openpyxl.load_workbook(tmp_path / "card.xlsx").worksheets[0].iter_rows(values_only=True)
    meta = {row[0]: row[1] for row in rows if row[0] in ("截至", "生成时间")}
    assert meta == {"截至": "2026-10-31 23:59:59", "生成时间": "2026-11-30 01:26:00"}
