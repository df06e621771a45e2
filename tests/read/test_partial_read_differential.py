"""A CSV or Parquet file read in part gives exactly what a read of every column gives.

Only the columns a dataset uses are converted (:mod:`cskpi.read.tablefile`). The oracle is
the same file read whole (no columns chosen: ``_columns_used`` says None, as when no header
is found); a narrow CSV is also made to take the wide table's second parse (``KEEP_WIDTH``
0). Generated tables put filler columns before, between and after the dataset's (some named
like a field's alias, repeated, blank), title lines above the header, a 示例 column, quoted
commas and newlines, GB18030 and UTF-16: the scorecard JSON, the warnings and the errors
(rows and column letters included) must be the same text whichever way it is read.
"""

from __future__ import annotations

import csv
import datetime as dt
import io

import pyarrow as pa
import pyarrow.parquet as pq
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from cskpi.cli import app as cli
from cskpi.read import inputs, tablefile
from tests.months import rules_for

runner = CliRunner()

IDS = ["C1", "C2", "C,3", "", "C1"]
# (header choices, cell values) per field of the complaint log; the first header is its own
FIELDS = {
    "complaint_id": (["投诉编号", "编号", "id"], IDS),
    "received_at": (
        ["投诉日期", "受理日期"],
        ["2026-10-02", "2026-10-15 09:30", "2026-09-30", "昨天", "", "2026-10-31"],
    ),
    "team": (["团队", "班组"], ["一组", "二组", "三\n组", ""]),
    "promised_by": (["承诺期限"], ["2026-10-05", "2026-10-20", "", "不详", "2026-11-02"]),
    "resolved_at": (["解决日期", "resolved"], ["2026-10-04", "", "2026-10-25", "2026-13-01"]),
    "description": (["投诉内容", "内容"], ['说"明"', "a,b", "多行\n文本", ""]),
}
FILLER_HEADERS = ["备注", "备注", "", "  ", "编号", "内容", "Unnamed", "其他,列", "示例x"]
FILLER_CELLS = ["x", "", "1", "2026-10-01", "a,\nb", "是"]
ENCODINGS = ["utf-8", "utf-8-sig", "gb18030", "utf-16"]


def _filler(draw) -> str:
    """A filler column's header: mostly its own name, now and then a hard one."""
    if draw(st.integers(0, 5)) == 0:
        return draw(st.sampled_from(FILLER_HEADERS))
    return f"附加{draw(st.integers(0, 40))}"  # a repeated name now and then


@st.composite
def tables(draw) -> tuple[list[list[str | None]], int, set[int]]:
    """(rows: the header first, the number of title lines above it, the filler columns)."""
    present = list(FIELDS)
    if draw(st.integers(0, 4)) == 0:  # now and then a field is missing: the errors compare
        present.remove(draw(st.sampled_from(present)))
    bad = draw(st.integers(0, 3)) == 0  # now and then a cell that does not read
    columns: list[tuple[str, list[str]]] = []  # (header, cell choices)
    for fid in present:
        for _ in range(draw(st.integers(0, 2))):
            columns.append((_filler(draw), FILLER_CELLS))
        headers, cells = FIELDS[fid]
        columns.append(
            (draw(st.sampled_from(headers)), cells if bad or fid == "complaint_id" else cells[:3])
        )
    if draw(st.booleans()):
        columns.append(("示例", ["", "", "是", "示例"]))
    for _ in range(draw(st.sampled_from([0, 1, 3, 30]))):
        columns.append((_filler(draw), FILLER_CELLS))
    order = draw(st.permutations(range(len(columns))))
    columns = [columns[i] for i in order]
    n = draw(st.sampled_from([0, 2, 3, 5]))
    body = [[draw(st.sampled_from(cells)) for _h, cells in columns] for _ in range(n)]
    if "complaint_id" in present and not bad:  # ids of their own: the records are counted
        at = [h for h, _c in columns].index(next(h for h, c in columns if c is IDS))
        for i, row in enumerate(body):
            row[at] = f"C,{i}" if i % 2 else f"C{i}"
    titles = draw(st.integers(0, 2))
    fillers = {i for i, (_h, cells) in enumerate(columns) if cells is FILLER_CELLS}
    return [[h for h, _c in columns], *body], titles, fillers


def _write_csv(path, rows, titles: int, encoding: str) -> None:
    out = io.StringIO()
    writer = csv.writer(out)
    for t in range(titles):
        writer.writerow([f"导出 {t}, 2026-11-01"] if t % 2 == 0 else ["", "说明"])
    writer.writerows(rows)
    if titles:  # and a short line below: fewer fields than the columns read
        writer.writerow(["合计", len(rows) - 1])
    path.write_bytes(out.getvalue().encode(encoding))


# a Parquet column's own type: the texts "1", "2026-10-01"... as ints, times, bytes not UTF-8
TYPED = {
    "int": lambda cells: pa.array([len(c) if c else None for c in cells], pa.int64()),
    "float": lambda cells: pa.array([len(c) / 2 if c else None for c in cells], pa.float64()),
    "bool": lambda cells: pa.array([bool(c) for c in cells], pa.bool_()),
    "time": lambda cells: pa.array(
        [dt.datetime(2026, 10, 1 + len(c)) if c else None for c in cells], pa.timestamp("ms")
    ),
    "bytes": lambda cells: pa.array([c.encode() + b"\xff" * (c == "x") for c in cells]),
}


def _write_parquet(path, rows, typed: dict[int, str]) -> None:
    """Text columns, but the columns ``typed`` (position -> a kind of :data:`TYPED`)."""
    names, body = rows[0], rows[1:]
    arrays = []
    for i in range(len(names)):
        cells = [r[i] for r in body]
        kind = typed.get(i)
        arrays.append(TYPED[kind](cells) if kind else pa.array([c or None for c in cells]))
    pq.write_table(pa.Table.from_arrays(arrays, names=names), path)


def _run(path, rules) -> tuple[int, str, str]:
    result = runner.invoke(
        cli.app,
        ["evaluate", str(path), "-f", "json", "--no-history", "--period", "2026-10", "-r", rules],
    )
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stdout, result.stderr


def _whole(monkeypatch, path, rules) -> tuple[int, str, str]:
    with monkeypatch.context() as patch:
        patch.setattr(inputs, "_columns_used", lambda look, spec: None)
        return _run(path, rules)


def _settings(examples: int):
    return settings(
        max_examples=examples,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture],
    )


@_settings(15)  # three reads each
@given(table=tables(), encoding=st.sampled_from(ENCODINGS))
def test_a_csv_read_in_part_reads_as_a_whole_one(tmp_path, monkeypatch, table, encoding):
    rows, titles, _fillers = table
    rules = str(rules_for(tmp_path, "complaints"))
    path = tmp_path / "complaints.csv"
    _write_csv(path, rows, titles, encoding)
    whole = _whole(monkeypatch, path, rules)
    assert _run(path, rules) == whole
    with monkeypatch.context() as patch:  # a narrow table parsed twice, as a wide one is
        patch.setattr(tablefile, "KEEP_WIDTH", 0)
        assert _run(path, rules) == whole


@_settings(20)
@given(table=tables(), data=st.data())
def test_a_parquet_file_read_in_part_reads_as_a_whole_one(tmp_path, monkeypatch, table, data):
    rows, _titles, fillers = table
    rules = str(rules_for(tmp_path, "complaints"))
    path = tmp_path / "complaints.parquet"
    kinds = st.sampled_from([None, None, *TYPED])
    _write_parquet(path, rows, {i: data.draw(kinds) for i in sorted(fillers)})
    assert _run(path, rules) == _whole(monkeypatch, path, rules)
