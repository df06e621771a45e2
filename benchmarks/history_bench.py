"""Benchmark: the history of a 2,000-agent call centre over three years (issue 15).

    python benchmarks/history_bench.py [--months 36] [--agents 2000] [--repeat 3]

Records 36 monthly runs of the default rulebook by agent (2,000 agents x 14 standards, about
a million stored results), then measures the SQLite file's size and `cskpi history --by
agent` in a fresh process (median of --repeat), with the machine's load average.
"""

from __future__ import annotations

import argparse
import os
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
        size = path.stat().st_size / 1e6
        print(f"load average before: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
        command = [
            sys.executable,
            "-m",
            "cskpi",
            "history",
            "--by",
            "agent",
            "--history",
            str(path),
        ]
        times, cpu = [], []
        for _ in range(args.repeat):
            start = time.perf_counter()
            process = subprocess.Popen(command, stdout=subprocess.DEVNULL)
            _pid, status, usage = os.wait4(process.pid, 0)
            assert os.waitstatus_to_exitcode(status) == 0
            times.append(time.perf_counter() - start)
            cpu.append(usage.ru_utime + usage.ru_stime)
        print(f"\n{args.months} months x {args.agents:,} agents: {stored:,} stored results")
        print(f"  SQLite file                  {size:8.1f} MB")
        print(f"  recording 36 runs            {recording:8.1f} s")
        spread = ", ".join(f"{t:.2f}" for t in times)
        print(f"  cskpi history --by agent     {statistics.median(times):8.2f} s   ({spread})")
        print(f"    its CPU (user + system)    {statistics.median(cpu):8.2f} s")
        print(f"load average after: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
