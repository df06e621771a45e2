"""Database inputs at scale: pushdown against reading the rows, time and peak RSS, one run each.

    python benchmarks/database_bench.py [--rows 1000000] [--parquet-rows 10000000]

1. A 1M-row SQLite complaints table (2,000 agents, ISO text dates as SQLite stores them),
   ``cskpi evaluate sqlite:///... --by agent``: pushdown (the default) against
   ``--engine pandas`` (every needed row read into pandas). Goal: peak RSS under 400 MB.
   Then pushdown with ``-o card.xlsx``, whose evidence sheets list the rows behind each
   failure (at most 1,000 each, fetched after the verdict).
2. 10M complaints in ten monthly Parquet files (1M each, typed columns),
   ``cskpi evaluate folder --engine duckdb --by agent`` against reading the same files into
   pandas (``pd.read_parquet`` of every file, concatenated: the floor of any pandas path).

Each command runs in a fresh child process; its wall time and peak RSS (ru_maxrss) are
measured by a small parent of its own, so no measurement sees another's memory. Figures go
in the README's performance table as measured, with the ratios.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
AGENTS = 2000
TEAMS = 20
MEASURE = (
    "import resource, subprocess, sys, time\n"
    "t = time.perf_counter()\n"
    "code = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL).returncode\n"
    "print(time.perf_counter() - t, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, code)\n"
)


def measure(args: list[str]) -> tuple[float, float]:
    """(seconds, peak RSS in MB) of one command in a fresh process."""
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    out = subprocess.run(
        [sys.executable, "-c", MEASURE, *args], capture_output=True, text=True, env=env, check=True
    ).stdout.split()
    seconds, rss_kb, code = float(out[0]), int(out[1]), int(out[2])
    if code not in (0, 1, 5):
        raise SystemExit(f"{args} exited {code}")
    return seconds, rss_kb / 1024


def complaints(rows: int, month: int, seed: int) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)
    start = np.datetime64(f"2026-{month:02d}-01T00:00")
    received = start + rng.integers(0, 28 * 24 * 60, rows).astype("timedelta64[m]")
    promised = received.astype("datetime64[D]") + rng.integers(1, 6, rows).astype("timedelta64[D]")
    resolved = received + rng.integers(60, 8 * 24 * 60, rows).astype("timedelta64[m]")
    open_ = rng.random(rows) < 0.05
    return {
        "投诉编号": np.char.add(f"C{month:02d}-", np.arange(rows).astype(str)),
        "投诉日期": received,
        "团队": np.char.add("组", rng.integers(1, TEAMS + 1, rows).astype(str)),
        "客服人员": np.char.add("客服", rng.integers(1, AGENTS + 1, rows).astype(str)),
        "承诺期限": promised.astype("datetime64[m]"),
        "解决日期": np.where(open_, np.datetime64("NaT"), resolved),
    }


def rules(folder: Path) -> Path:
    """The default rulebook cut down to the complaint log (what the tables hold)."""
    import yaml

    data = yaml.safe_load((ROOT / "rules" / "customer-service-supervisor.yaml").read_text("utf-8"))
    data["datasets"] = {"complaints": data["datasets"]["complaints"]}
    data["standards"] = [s for s in data["standards"] if s["dataset"] == "complaints"]
    path = folder / "complaints-rules.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def _sqlite_text(values: np.ndarray) -> list[object]:
    """Date-times as SQLite stores them (ISO text), NaT as NULL."""
    if values.dtype.kind != "M":
        return values.tolist()
    text = np.char.replace(np.datetime_as_string(values, unit="s"), "T", " ").astype(object)
    text[np.isnat(values)] = None
    return text.tolist()


def write_sqlite(path: Path, rows: int) -> None:
    cols = complaints(rows, 10, seed=7)
    names = list(cols)
    conn = sqlite3.connect(path)
    conn.execute(f"CREATE TABLE 投诉记录 ({', '.join(names)})")
    marks = ", ".join("?" * len(names))
    step = 200_000
    for i in range(0, rows, step):
        chunk = zip(*(_sqlite_text(cols[k][i : i + step]) for k in names), strict=True)
        conn.executemany(f"INSERT INTO 投诉记录 VALUES ({marks})", chunk)  # noqa: S608
    conn.commit()
    conn.close()


def write_parquet(folder: Path, rows: int) -> list[Path]:
    import pyarrow as pa
    import pyarrow.parquet as pq

    folder.mkdir(parents=True, exist_ok=True)
    files = []
    per_month = rows // 10
    for month in range(1, 11):
        cols = complaints(per_month, month, seed=month)
        table = pa.table(
            {
                k: pa.array(v.astype("datetime64[us]")) if v.dtype.kind == "M" else pa.array(v)
                for k, v in cols.items()
            }
        )
        path = folder / f"投诉记录-2026-{month:02d}.parquet"
        pq.write_table(table, path)
        files.append(path)
    return files


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--parquet-rows", type=int, default=10_000_000)
    args = parser.parse_args()
    cskpi = [sys.executable, "-m", "cskpi", "evaluate"]
    common = ["--by", "agent", "--no-history", "--format", "json", "--period", "2026-10"]
    report: dict[str, object] = {}
    with tempfile.TemporaryDirectory(prefix="cskpi-bench-") as tmp:
        folder = Path(tmp)
        book = rules(folder)
        db = folder / "crm.db"
        t0 = dt.datetime.now()
        write_sqlite(db, args.rows)
        print(f"wrote {args.rows:,} rows to SQLite in {(dt.datetime.now() - t0).seconds} s")
        url = f"sqlite:///{db}"
        pushed = measure([*cskpi, url, "--rules", str(book), *common])
        read = measure([*cskpi, url, "--rules", str(book), *common, "--engine", "pandas"])
        report["sqlite"] = {"rows": args.rows, "pushdown": pushed, "read_rows": read}
        print(
            f"SQLite {args.rows:,} rows --by agent: pushdown {pushed[0]:.1f} s, "
            f"{pushed[1]:.0f} MB; reading the rows {read[0]:.1f} s, {read[1]:.0f} MB; "
            f"ratio {pushed[0] / read[0]:.2f}x time, {pushed[1] / read[1]:.2f}x RSS"
        )
        # the workbook lists the rows behind each failure: capped evidence rows, pushed down
        card = ["-o", str(folder / "card.xlsx")]
        listed = measure([*cskpi, url, "--rules", str(book), *common, *card])
        report["sqlite"]["pushdown_xlsx"] = listed  # type: ignore[index]
        print(
            f"SQLite {args.rows:,} rows --by agent -o card.xlsx: pushdown with capped evidence "
            f"{listed[0]:.1f} s, {listed[1]:.0f} MB ({listed[0] / pushed[0]:.2f}x the time, "
            f"{listed[1] / pushed[1]:.2f}x the RSS of pushdown without rows)"
        )
        db.unlink()
        files = write_parquet(folder / "months", args.parquet_rows)
        duck = measure(
            [*cskpi, str(folder / "months"), "--rules", str(book), *common, "--engine", "duckdb"]
        )
        load = [
            sys.executable,
            "-c",
            "import sys, pandas as pd; pd.concat([pd.read_parquet(f) for f in sys.argv[1:]])",
            *map(str, files),
        ]
        pandas = measure(load)
        report["parquet"] = {"rows": args.parquet_rows, "duckdb": duck, "pandas_read": pandas}
        print(
            f"Parquet {args.parquet_rows:,} rows in 10 files --by agent: DuckDB {duck[0]:.1f} s, "
            f"{duck[1]:.0f} MB; pandas read_parquet alone {pandas[0]:.1f} s, {pandas[1]:.0f} MB; "
            f"ratio {duck[0] / pandas[0]:.2f}x time, {duck[1] / pandas[1]:.2f}x RSS"
        )
    print(json.dumps(report))


if __name__ == "__main__":
    main()
