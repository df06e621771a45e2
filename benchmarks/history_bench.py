"""Benchmark: the history of a 2,000-agent call centre over three years (issue 15).

    python benchmarks/history_bench.py [--months 36] [--agents 2000] [--repeat 3]

Records 36 monthly runs of the default rulebook by agent (2,000 agents x 14 standards, about
a million stored results), copies the file into the schema of version 1 (results as a rowid
table, as before version 2), then measures each file's size and `cskpi history --by agent` in
a fresh process, the two alternating (median of --repeat), with the machine's load average.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from cskpi.evaluate.scorecard import Result, Scorecard
from cskpi.rulebook.load import load_rulebook
from cskpi.runs import history


def month_card(rulebook, month: pd.Timestamp, agents: list[str], rng) -> Scorecard:
    label = f"{month.year:04d}-{month.month:02d}"
    results = []
    for std in rulebook.standards:
        share = std.metric == "share"
        for group in (None, *agents):
            actual = float(rng.random()) if share else float(rng.integers(0, 8))
            failed = actual < std.target if share else actual > std.target
            results.append(
                Result(
                    standard=std.id,
                    name_zh=std.name.zh,
                    name_en=std.name.en,
                    group=group,
                    period=label,
                    status="fail" if failed else "pass",
                    actual=actual,
                    comparison=std.comparison,
                    target=std.target,
                    warn_target=None,
                    level=std.level,
                    metric=std.metric,
                    sample_size=10,
                    evidence_count=0,
                )
            )
    return Scorecard(
        rulebook_id=rulebook.id,
        rulebook_name_zh=rulebook.name.zh,
        rulebook_name_en=rulebook.name.en,
        period=label,
        as_of=month + pd.offsets.MonthEnd(0),
        group_by="agent",
        groups=tuple(agents),
        results=tuple(results),
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--months", type=int, default=36)
    parser.add_argument("--agents", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--keep", type=Path, help="copy the history (schema 2) here")
    args = parser.parse_args()
    rulebook = load_rulebook()
    agents = [f"客服{i:04d}" for i in range(args.agents)]
    rng = np.random.default_rng(7)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "history.sqlite"
        conn = history.connect(path)
        assert conn is not None
        began = time.perf_counter()
        for i in range(args.months):
            month = pd.Timestamp("2023-11-01") + pd.DateOffset(months=i)
            card = month_card(rulebook, month, agents, rng)
            with history.writing(conn, path, timeout=60):
                history.record(conn, card, rulebook_sha256=rulebook.sha256, exit_code=1)
        recording = time.perf_counter() - began
        stored = conn.execute("SELECT COUNT(*) FROM results").fetchone()[0]
        conn.close()
        old = Path(tmp) / "history-v1.sqlite"
        as_version_1(path, old)
        if args.keep:
            shutil.copy(path, args.keep)
        print(f"load average before: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
        print(f"\n{args.months} months x {args.agents:,} agents: {stored:,} stored results")
        print(f"  recording {args.months} runs            {recording:8.1f} s")
        measured = {}
        for _ in range(args.repeat):  # the two schemas alternate
            for name, file in (("v1", old), ("v2", path)):
                measured.setdefault(name, []).append(history_command(file))
        for name, file in (("v1", old), ("v2", path)):
            times = [t for t, _c in measured[name]]
            cpu = statistics.median(c for _t, c in measured[name])
            spread = ", ".join(f"{t:.2f}" for t in times)
            print(f"  schema {name}: SQLite file {file.stat().st_size / 1e6:8.1f} MB")
            print(f"    cskpi history --by agent   {statistics.median(times):8.2f} s   ({spread})")
            print(f"    its CPU (user + system)    {cpu:8.2f} s")
        print(f"load average after: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")


def as_version_1(path: Path, out: Path) -> None:
    """A copy of the history in the schema of version 1 (results as a rowid table with an index
    of the key), as cskpi 0.x kept it: the before of the before/after."""
    shutil.copy(path, out)
    with sqlite3.connect(out) as conn:
        (sql,) = conn.execute("SELECT sql FROM sqlite_master WHERE name = 'results'").fetchone()
        conn.execute(
            sql.replace("CREATE TABLE results", "CREATE TABLE old").replace("WITHOUT ROWID", "")
        )
        conn.execute("INSERT INTO old SELECT * FROM results")
        conn.execute("DROP TABLE results")
        conn.execute("ALTER TABLE old RENAME TO results")
        conn.execute("PRAGMA user_version = 1")
    conn.execute("VACUUM")
    conn.close()


def history_command(path: Path) -> tuple[float, float]:
    """(seconds, CPU seconds) of `cskpi history --by agent` in a fresh process."""
    command = [sys.executable, "-m", "cskpi", "history", "--by", "agent", "--history", str(path)]
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL)
    _pid, status, usage = os.wait4(process.pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    return time.perf_counter() - start, usage.ru_utime + usage.ru_stime


if __name__ == "__main__":
    main()
