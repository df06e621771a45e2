"""Benchmark: how long quick commands take from a cold process, against `python -c pass`.

    python benchmarks/startup_bench.py [--repeat 10]

Goal: `cskpi --help`, `cskpi rules check` and `cskpi rules list` under 0.3 s and without
importing pandas (the test suite checks the imports; this measures the time).
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time

COMMANDS = {
    "python -c pass": [sys.executable, "-c", "pass"],
    "cskpi --help": [sys.executable, "-m", "cskpi", "--help"],
    "cskpi rules check": [
        sys.executable,
        "-m",
        "cskpi",
        "rules",
        "check",
        "customer-service-supervisor",
    ],
    "cskpi rules list": [sys.executable, "-m", "cskpi", "rules", "list"],
}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=10)
    args = parser.parse_args()
    times: dict[str, list[float]] = {name: [] for name in COMMANDS}
    for _ in range(args.repeat):
        for name, command in COMMANDS.items():
            began = time.perf_counter()
            subprocess.run(
                command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False
            )
            times[name].append(time.perf_counter() - began)
    base = statistics.median(times["python -c pass"])
    print(f"median of {args.repeat} cold starts")
    for name, values in times.items():
        med = statistics.median(values)
        print(f"  {name:20s} {med:6.3f} s   (+{med - base:.3f} s over python -c pass)")


if __name__ == "__main__":
    main()
