"""Benchmark: reading and evaluating a call centre's month, against the fastest plain reader.

    python benchmarks/read_bench.py [--sizes 100000 1000000] [--repeat 3]

Generates workbooks (benchmarks/generate.py) of N complaint rows plus N survey rows, then runs
in one process, alternating:
  (a) the fastest plain read of the same two sheets: fastexcel -> Arrow -> pandas;
  (b) pandas.read_excel(engine="openpyxl") of the same sheets (100k only: ~250 s at 1M);
  (c) the full `cskpi evaluate --by team` in-process (read, type, evaluate, render JSON).
Prints medians and ratios, and the peak RSS of (c) run alone in a child process.
Goals: (c) <= 1.3x (a); (c) at least 20x faster than (b) at 100k; peak RSS < 1.5 GB at 1M.
"""

from __future__ import annotations

import argparse
import functools
import io
import resource
import statistics
import subprocess
import sys
import time
from contextlib import redirect_stdout
from pathlib import Path

HERE = Path(__file__).resolve().parent
SHEETS = ("投诉记录", "客户满意度")


def plain_fastexcel(path: Path) -> None:
    import fastexcel

    reader = fastexcel.read_excel(str(path))
    for name in SHEETS:
        reader.load_sheet(name).to_pandas()


def plain_openpyxl(path: Path) -> None:
    import pandas as pd

    pd.read_excel(path, sheet_name=list(SHEETS), engine="openpyxl")


@functools.cache
def rulebook_of_the_sheets() -> Path:
    """The default rulebook cut to the two generated sheets (a dataset in no input stops a run)."""
    import yaml

    bundled = HERE.parent / "rules" / "customer-service-supervisor.yaml"
    data = yaml.safe_load(bundled.read_text(encoding="utf-8"))
    keep = {"complaints", "survey"}
    data["datasets"] = {k: v for k, v in data["datasets"].items() if k in keep}
    data["standards"] = [s for s in data["standards"] if s["dataset"] in keep]
    path = HERE / "out" / "two-sheets.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def cskpi_evaluate(path: Path) -> None:
    from typer.testing import CliRunner

    from cskpi.cli import app as cli

    result = CliRunner().invoke(
        cli.app,
        [
            "evaluate",
            str(path),
            "--rules",
            str(rulebook_of_the_sheets()),
            "--by",
            "team",
            "--format",
            "json",
            "--no-history",
            "--period",
            "2026-10",
        ],
    )
    assert result.exit_code in (0, 1), result.output[-2000:]


def peak_rss_mb(path: Path) -> float:
    """Peak RSS of one `cskpi evaluate` run in a fresh child process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    subprocess.run(
        [
            sys.executable,
            "-m",
            "cskpi",
            "evaluate",
            str(path),
            "--rules",
            str(rulebook_of_the_sheets()),
            "--by",
            "team",
            "--format",
            "json",
            "--no-history",
            "--period",
            "2026-10",
        ],
        stdout=subprocess.DEVNULL,
        check=False,
    )
    after = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(before, after) / 1024


def timed(run, path: Path) -> float:
    began = time.perf_counter()
    with redirect_stdout(io.StringIO()):
        run(path)
    return time.perf_counter() - began


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    sys.path.insert(0, str(HERE))
    from generate import write

    for rows in args.sizes:
        path = HERE / "out" / f"{rows}.xlsx"
        if not path.exists():
            print(f"generating {path} ...", flush=True)
            write(rows, path)
        runs = {"(a) fastexcel plain read": plain_fastexcel, "(c) cskpi evaluate": cskpi_evaluate}
        if rows <= 100_000:
            runs["(b) pandas + openpyxl"] = plain_openpyxl
        times: dict[str, list[float]] = {name: [] for name in runs}
        for name, run in runs.items():  # warm-up, not counted: imports, page cache
            if name != "(b) pandas + openpyxl":
                timed(run, path)
        for _ in range(args.repeat):
            for name, run in runs.items():
                times[name].append(timed(run, path))
        med = {name: statistics.median(v) for name, v in times.items()}
        print(f"\n{rows:,} complaint rows + {rows:,} survey rows, median of {args.repeat}")
        for name, value in med.items():
            print(f"  {name:28s} {value:8.2f} s")
        a, c = med["(a) fastexcel plain read"], med["(c) cskpi evaluate"]
        print(f"  (c) / (a)                    {c / a:8.2f}x   (goal <= 1.3x)")
        if "(b) pandas + openpyxl" in med:
            print(
                f"  (b) / (c)                    {med['(b) pandas + openpyxl'] / c:8.2f}x"
                "   (goal >= 20x)"
            )
        print(f"  peak RSS of (c), own process {peak_rss_mb(path):8.0f} MB  (goal < 1500 MB)")


if __name__ == "__main__":
    main()
