"""Benchmark: a wide CSV or Parquet file costs the columns the rulebook uses.

    python benchmarks/wide_bench.py [--rows 500000] [--columns 200] [--repeat 3]

Writes a complaint log of N rows: the 9 columns of the generated workbooks plus filler
columns (备注1, 备注2, ...: short text a CRM export carries) up to --columns, as CSV and as
Parquet, and the same N rows with only the 9 columns. Then alternates in one process
`cskpi evaluate --period 2026-10 --format json` of each (a rulebook of the complaints only),
prints medians and the ratios wide / narrow: what the unused columns add. Each is also run
alone in a fresh process for its peak RSS (VmHWM) and CPU seconds. Run it on two commits to
compare.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
BASE = HERE.parent / "rules" / "customer-service-supervisor.yaml"


def rules() -> Path:
    import yaml

    data = yaml.safe_load(BASE.read_text("utf-8"))
    data["datasets"] = {"complaints": data["datasets"]["complaints"]}
    data["standards"] = [s for s in data["standards"] if s["dataset"] == "complaints"]
    path = HERE / "out" / "complaints-only.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), "utf-8")
    return path


def build(folder: Path, rows: int, columns: int) -> dict[str, Path]:
    """complaints.csv / .parquet, wide and narrow, in ``folder``."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.csv as pacsv
    import pyarrow.parquet as pq
    from generate import AGENTS, TEAMS, TEXTS

    rng = np.random.default_rng(7)
    start = np.datetime64(dt.datetime(2026, 10, 1), "m")
    received = start + rng.integers(0, 31 * 24 * 60, rows).astype("timedelta64[m]")
    resolved = received + rng.integers(60, 6 * 24 * 60, rows).astype("timedelta64[m]")
    who = rng.integers(0, len(AGENTS), rows)
    as_text = np.datetime_as_string  # "2026-10-05T14:30": the readers' ISO text
    core = {
        "投诉编号": pa.array([f"C{i:08d}" for i in range(rows)]),
        "投诉日期": pa.array(as_text(received)),
        "团队": pa.array(np.array(TEAMS)[who % len(TEAMS)]),
        "客服人员": pa.array(np.array(AGENTS)[who]),
        "承诺期限": pa.array(as_text(received + np.timedelta64(3, "D"), unit="D")),
        "解决日期": pa.array(np.where(rng.random(rows) < 0.05, None, as_text(resolved))),
        "投诉内容": pa.array(np.array(TEXTS)[rng.integers(0, len(TEXTS), rows)]),
        "客户名称": pa.array(np.full(rows, "王先生")),
        "联系电话": pa.array([f"138{i:08d}" for i in range(rows)]),
    }
    filler = pa.array([f"备{i % 997}" for i in range(rows)])
    wide = dict(core) | {f"备注{i}": filler for i in range(1, columns - len(core) + 1)}
    paths = {}
    for kind, table in (("wide", pa.table(wide)), ("narrow", pa.table(core))):
        (folder / kind).mkdir(parents=True, exist_ok=True)
        paths[f"{kind} csv"] = folder / kind / "complaints.csv"
        paths[f"{kind} parquet"] = folder / kind / "complaints.parquet"
        pacsv.write_csv(table, paths[f"{kind} csv"])
        pq.write_table(table, paths[f"{kind} parquet"])
    return paths


def args_for(path: Path) -> list[str]:
    rulebook = ["--rules", str(rules()), "--period", "2026-10"]
    return ["evaluate", str(path), *rulebook, "--format", "json", "--no-history"]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=500_000)
    parser.add_argument("--columns", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    sys.path.insert(0, str(HERE))
    from groups_bench import child, invoke, load, timed

    folder = HERE / "out" / f"wide-{args.rows}-{args.columns}"
    paths = build(folder, args.rows, args.columns) if not folder.exists() else None
    paths = paths or {
        f"{kind} {suffix}": folder / kind / f"complaints.{suffix}"
        for kind in ("wide", "narrow")
        for suffix in ("csv", "parquet")
    }
    print(f"load average before: {load()}", flush=True)
    timed(invoke, args_for(paths["narrow parquet"]))  # warm-up, not counted: imports, page cache
    times: dict[str, list[float]] = {name: [] for name in paths}
    for _ in range(args.repeat):
        for name, path in paths.items():
            times[name].append(timed(invoke, args_for(path)))
    med = {name: statistics.median(v) for name, v in times.items()}
    print(f"\n{args.rows:,} rows, {args.columns} or 9 columns, median of {args.repeat}")
    for name, value in med.items():
        spread = ", ".join(f"{v:.2f}" for v in times[name])
        print(f"  {name:16s} {value:8.2f} s   ({spread})")
    for suffix in ("csv", "parquet"):
        ratio = med[f"wide {suffix}"] / med[f"narrow {suffix}"]
        print(f"  wide / narrow {suffix:8s} {ratio:6.2f}x")
    for name, path in paths.items():
        seconds, cpu, peak = child([sys.executable, "-m", "cskpi", *args_for(path)])
        print(f"  {name:16s} alone {seconds:6.2f} s, {cpu:6.2f} s CPU, peak RSS {peak:6.0f} MB")
    print(f"load average after: {load()}")


if __name__ == "__main__":
    main()
