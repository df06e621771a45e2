"""Benchmark: thousands of groups at the speed of one (issue 15), as ratios measured in one run.

    python benchmarks/groups_bench.py [--rows 1000000] [--agents 2000] [--repeat 3] [--year]

Generates (benchmarks/generate.py) N complaint + N survey rows for one month, 2,000 agents in
10 teams, then alternates in one process:
  (a) a plain sequential fastexcel read of the two sheets (every column, to pandas, both
      frames kept, as a user reading them would);
  (t) `cskpi evaluate --by team` in-process (read, type, evaluate, render JSON);
  (g) `cskpi evaluate --by agent`, the same with 2,000 groups.
Prints medians, the ratios (g)/(t) (goal <= 1.1) and (t)/(a) (goal <= 1.0), and the peak RSS
of each run alone in a child process (goal: (g) and (t) < 1.5 GB, (g)/(t) <= 1.1), as the
child's own VmHWM: its ru_maxrss would carry this process's peak (see PEAK).
--year adds 100,000 rows over all of 2026 for 9,000 agents:
`cskpi evaluate --period 2026 --by agent -o card.xlsx` in a child process (goal < 60 s).
The machine's load average is printed before and after: ratios from a busy machine are noisy.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import os
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import redirect_stdout
from pathlib import Path

HERE = Path(__file__).resolve().parent
SHEETS = ("投诉记录", "客户满意度")


def plain_fastexcel(path: Path) -> list:
    """The baseline: both sheets read to pandas one after the other, as a user would (both
    frames kept)."""
    import fastexcel

    reader = fastexcel.read_excel(str(path))
    return [reader.load_sheet(name).to_pandas() for name in SHEETS]


def rulebook() -> Path:
    """The supervisor's rulebook with every dataset but complaints and survey optional: the
    generated workbooks hold those two sheets (a missing dataset otherwise stops the run)."""
    import yaml

    path = HERE / "out" / "call-centre.yaml"
    data = yaml.safe_load(
        (HERE.parent / "rules" / "customer-service-supervisor.yaml").read_text("utf-8")
    )
    for name, spec in data["datasets"].items():
        if name not in ("complaints", "survey"):
            spec["optional"] = True
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), "utf-8")
    return path


def cli_args(path: Path, by: str, period: str = "2026-10") -> list[str]:
    return [
        "evaluate",
        str(path),
        "--rules",
        str(rulebook()),
        "--by",
        by,
        "--format",
        "json",
        "--period",
        period,
    ]


def invoke(args: list[str]) -> None:
    """``cskpi ARGS`` in this process (the other benchmarks time it too)."""
    from typer.testing import CliRunner

    from cskpi.cli import app as cli

    result = CliRunner().invoke(cli.app, args)
    assert result.exit_code in (0, 1, 5), result.output[-2000:]


def in_process(path: Path, by: str) -> None:
    invoke(cli_args(path, by))


# Run in the child: its own peak RSS (VmHWM) written to a file at exit. The child's ru_maxrss
# is no measure here: a child started by a process that has used 2 GB reports at least 2 GB
# on Linux (the high-water mark of the address space it was forked from survives the exec).
PEAK = """
import atexit, os, runpy, sys
def _peak():
    with open("/proc/self/status") as status:
        kb = next(line for line in status if line.startswith("VmHWM:")).split()[1]
    with open(os.environ["CSKPI_BENCH_PEAK"], "w") as out:
        out.write(kb)
atexit.register(_peak)
sys.argv = sys.argv[1:]  # [module, args...] or [-c, code]
if sys.argv[0] == "-c":
    exec(sys.argv[1])
else:
    runpy.run_module(sys.argv[0], run_name="__main__", alter_sys=True)
"""


IN_TURN = """
import sys
from cskpi.read import sources
sources.PARALLEL_CELLS = 0  # every workbook parsed one sheet at a time
from cskpi.cli import main
sys.argv = ["cskpi", *{args!r}]
main()
"""


def child(args: list[str]) -> tuple[float, float, float]:
    """(seconds, CPU seconds, peak RSS in MB) of one command in a fresh process.

    ``args`` is ``[python, -m, module, ...]`` or ``[python, -c, code]``. CPU seconds (user +
    system, every thread) do not grow when other work shares the cores.
    """
    with tempfile.TemporaryDirectory() as tmp:
        peak_file = Path(tmp) / "peak"
        env = {**os.environ, "CSKPI_BENCH_PEAK": str(peak_file)}
        assert args[1] in ("-m", "-c"), args
        command = (
            [args[0], "-c", PEAK, *args[2:]]
            if args[1] == "-m"
            else [*args[:1], "-c", PEAK, *args[1:]]
        )
        began = time.perf_counter()
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, env=env)
        _pid, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - began
        assert os.waitstatus_to_exitcode(status) in (0, 1, 5), args
        # no /proc (not Linux): the child's own figure, an upper bound
        peak = int(peak_file.read_text()) / 1024 if peak_file.exists() else usage.ru_maxrss / 1024
    return seconds, usage.ru_utime + usage.ru_stime, peak


def timed(run, *args) -> float:
    began = time.perf_counter()
    with redirect_stdout(io.StringIO()):
        run(*args)
    return time.perf_counter() - began


def load() -> str:
    return " ".join(f"{x:.1f}" for x in os.getloadavg())


def groups(rows: int, agents: int, repeat: int) -> None:
    sys.path.insert(0, str(HERE))
    from generate import write

    path = HERE / "out" / f"{rows}-{agents}.xlsx"
    if not path.exists():
        print(f"generating {path} ...", flush=True)
        write(rows, path, agents=agents, teams=10)
    runs = {
        "(a) fastexcel plain read": lambda: plain_fastexcel(path),
        "(t) cskpi --by team": lambda: in_process(path, "team"),
        "(g) cskpi --by agent": lambda: in_process(path, "agent"),
    }
    print(f"load average before: {load()}", flush=True)
    import fastexcel  # noqa: F401  (warm-up, not counted: imports; the page cache is warm)

    import cskpi.cli.app  # noqa: F401  (warm-up)

    times: dict[str, list[float]] = {name: [] for name in runs}
    for _ in range(repeat):
        for name, run in runs.items():
            times[name].append(timed(run))
    med = {name: statistics.median(v) for name, v in times.items()}
    print(
        f"\n{rows:,} complaint rows + {rows:,} survey rows, {agents:,} agents, median of {repeat}"
    )
    for name, value in med.items():
        spread = ", ".join(f"{v:.2f}" for v in times[name])
        print(f"  {name:28s} {value:8.2f} s   ({spread})")
    a, t, g = med.values()
    print(f"  (g) / (t)                    {g / t:8.2f}x   (goal <= 1.1x)")
    print(f"  (t) / (a)                    {t / a:8.2f}x   (goal <= 1.0x)")
    alone(path, repeat)


def alone(path: Path, repeat: int) -> None:
    """Each run alone in a fresh process, the cases alternating, ``repeat`` times: the peak RSS
    of two sheets parsed at once depends on how their parses overlap, so median and max."""
    cskpi = [sys.executable, "-m", "cskpi"]
    plain = [
        sys.executable,
        "-c",
        f"import sys; sys.path.insert(0, {str(HERE)!r});"
        f" from groups_bench import plain_fastexcel; from pathlib import Path;"
        f" plain_fastexcel(Path({str(path)!r}))",
    ]
    cases = {
        "(a)": plain,
        "(t)": [*cskpi, *cli_args(path, "team")],
        "(g)": [*cskpi, *cli_args(path, "agent")],
        # the trade-off: the same run with its two sheets parsed one after the other
        "(t) in turn": [sys.executable, "-c", IN_TURN.format(args=cli_args(path, "team"))],
    }
    runs: dict[str, list[tuple[float, float, float]]] = {name: [] for name in cases}
    for _ in range(repeat):
        for name, args in cases.items():
            runs[name].append(child(args))
    rss, cpu = {}, {}
    for name, measured in runs.items():
        seconds = statistics.median(s for s, _c, _m in measured)
        cpu[name] = statistics.median(c for _s, c, _m in measured)
        rss[name] = statistics.median(m for _s, _c, m in measured)
        top = max(m for _s, _c, m in measured)
        print(
            f"  {name:12s} alone: peak RSS median {rss[name]:6.0f} MB (max {top:6.0f}),"
            f" CPU {cpu[name]:6.1f} s, {seconds:6.1f} s"
        )
    print(f"  RSS (g) / (t)                {rss['(g)'] / rss['(t)']:8.2f}x   (goal <= 1.1x)")
    print(f"  CPU (g) / (t)                {cpu['(g)'] / cpu['(t)']:8.2f}x")
    print(f"load average after: {load()}")


def year(repeat: int) -> None:
    sys.path.insert(0, str(HERE))
    from generate import write

    path = HERE / "out" / "year-100000-9000.xlsx"
    if not path.exists():
        print(f"generating {path} ...", flush=True)
        write(
            100_000,
            path,
            agents=9000,
            teams=60,
            days=365,
            start=dt.datetime(2026, 1, 1),
        )
    print(f"load average before: {load()}", flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        args = [
            sys.executable,
            "-m",
            "cskpi",
            "evaluate",
            str(path),
            "--rules",
            str(rulebook()),
            "--period",
            "2026",
            "--by",
            "agent",
            "-o",
            str(Path(tmp) / "card.xlsx"),
        ]
        runs = [child(args) for _ in range(repeat)]
    seconds = statistics.median(s for s, _c, _m in runs)
    cpu = statistics.median(c for _s, c, _m in runs)
    print(f"\n100,000 + 100,000 rows over 2026, 9,000 agents, -o card.xlsx, median of {repeat}")
    print(f"  time                         {seconds:8.1f} s   (goal < 60 s)")
    print(f"  CPU (user + system)          {cpu:8.1f} s")
    print(f"  peak RSS                     {max(m for _s, _c, m in runs):8.0f} MB")
    print(f"load average after: {load()}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--agents", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--year", action="store_true", help="also the 9,000-agent year")
    parser.add_argument("--only-year", action="store_true")
    parser.add_argument("--only-alone", action="store_true", help="only the runs in children")
    args = parser.parse_args()
    if args.only_alone:
        print(f"load average before: {load()}", flush=True)
        alone(HERE / "out" / f"{args.rows}-{args.agents}.xlsx", args.repeat)
        print(f"load average after: {load()}")
    elif not args.only_year:
        groups(args.rows, args.agents, args.repeat)
    if args.year or args.only_year:
        year(args.repeat)


if __name__ == "__main__":
    main()
