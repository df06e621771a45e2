"""Benchmark: a workbook with a sheet per month costs what its used sheets cost.

    python benchmarks/sheets_bench.py [--rows 50000] [--months 12] [--repeat 3]

Builds two workbooks for the supervisor's default rulebook: (u) the sample month
(samples/2026-10.xlsx) with its 投诉记录 replaced by N generated complaints; (m) the same
plus 12 sheets 1月..12月 of N complaints each, under the same headers (a hand-kept workbook:
none of them is read, each is named in a look-alike warning with its row count). Then
alternates in one process `cskpi evaluate --period 2026-10 --format json` on both, prints
medians and the ratio (m)/(u): what the unused monthly sheets add. Each is also run alone in
a fresh process for its peak RSS (VmHWM) and CPU seconds. Run it on two commits to compare.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
SAMPLE = HERE.parent / "samples" / "2026-10.xlsx"
RULES = HERE.parent / "rules" / "customer-service-supervisor.yaml"


def _complaints(ws, rows: int, seed: int, date, day) -> None:  # type: ignore[no-untyped-def]
    import numpy as np
    from generate import AGENTS, SURNAMES, TEAMS, TEXTS

    rng = np.random.default_rng(seed)
    headers = ["投诉编号", "投诉日期", "团队", "客服人员", "承诺期限", "解决日期", "投诉内容"]
    ws.write_row(0, 0, [*headers, "客户名称", "联系电话"])
    start = dt.datetime(2026, 10, 1)
    minutes = rng.integers(0, 31 * 24 * 60, rows)
    hours = rng.integers(1, 24 * 6, rows)
    who = rng.integers(0, len(AGENTS), rows)
    for i in range(rows):
        received = start + dt.timedelta(minutes=int(minutes[i]))
        r = i + 1
        ws.write_string(r, 0, f"C{seed:02d}{i:08d}")
        ws.write_datetime(r, 1, received, date)
        ws.write_string(r, 2, TEAMS[who[i] % 3])
        ws.write_string(r, 3, AGENTS[who[i]])
        ws.write_datetime(r, 4, (received + dt.timedelta(days=3)).replace(hour=0, minute=0), day)
        if i % 20:
            ws.write_datetime(r, 5, received + dt.timedelta(hours=int(hours[i])), date)
        ws.write_string(r, 6, TEXTS[i % len(TEXTS)])
        ws.write_string(r, 7, SURNAMES[who[i] % len(SURNAMES)] + "先生")
        ws.write_string(r, 8, f"138{i:08d}")


def build(path: Path, rows: int, months: int) -> None:
    """The sample month with N complaints, and ``months`` monthly sheets of N complaints."""
    import openpyxl
    import xlsxwriter

    sample = openpyxl.load_workbook(SAMPLE, data_only=True)
    path.parent.mkdir(parents=True, exist_ok=True)
    book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    date = book.add_format({"num_format": "yyyy-mm-dd hh:mm"})
    day = book.add_format({"num_format": "yyyy-mm-dd"})
    for name in sample.sheetnames:
        ws = book.add_worksheet(name)
        if name == "投诉记录":
            _complaints(ws, rows, 0, date, day)
            continue
        for r, row in enumerate(sample[name].iter_rows(values_only=True)):
            for c, value in enumerate(row):
                if isinstance(value, dt.datetime):
                    ws.write_datetime(r, c, value, date)
                elif value is not None:
                    ws.write(r, c, value)
    for month in range(1, months + 1):
        _complaints(book.add_worksheet(f"{month}月"), rows, month, date, day)
    book.close()


def args_for(path: Path) -> list[str]:
    rules = ["--rules", str(RULES), "--period", "2026-10"]
    return ["evaluate", str(path), *rules, "--format", "json", "--no-history"]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=50_000)
    parser.add_argument("--months", type=int, default=12)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    sys.path.insert(0, str(HERE))
    from groups_bench import child, invoke, load, timed

    out = HERE / "out"
    books = {
        "(u) used sheets only": out / f"month-{args.rows}.xlsx",
        f"(m) + {args.months} monthly sheets": out / f"months-{args.rows}-{args.months}.xlsx",
    }
    for path, months in zip(books.values(), (0, args.months), strict=True):
        if not path.exists():
            print(f"generating {path} ...", flush=True)
            build(path, args.rows, months)
    print(f"load average before: {load()}", flush=True)
    timed(invoke, args_for(next(iter(books.values()))))  # warm-up, not counted: imports, page cache
    times: dict[str, list[float]] = {name: [] for name in books}
    for _ in range(args.repeat):
        for name, path in books.items():
            times[name].append(timed(invoke, args_for(path)))
    med = {name: statistics.median(v) for name, v in times.items()}
    print(f"\n{args.rows:,} complaint rows a sheet, median of {args.repeat}")
    for name, value in med.items():
        spread = ", ".join(f"{v:.2f}" for v in times[name])
        print(f"  {name:30s} {value:8.2f} s   ({spread})")
    u, m = med.values()
    print(f"  (m) / (u)                      {m / u:8.2f}x")
    for name, path in books.items():
        seconds, cpu, peak = child([sys.executable, "-m", "cskpi", *args_for(path)])
        print(f"  {name:30s} alone {seconds:6.2f} s, {cpu:6.2f} s CPU, peak RSS {peak:6.0f} MB")
    print(f"load average after: {load()}")


if __name__ == "__main__":
    os.environ.setdefault("CSKPI_LANG", "en")
    main()
