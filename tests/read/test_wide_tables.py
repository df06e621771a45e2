"""A wide CSV or Parquet file: only the columns its dataset uses are converted.

A CRM export carries dozens of columns the rulebook never reads. The table's first rows
tell which dataset it is and where its header is; then only the columns of the dataset's
fields (and of its example mark) become columns. Every message still names a cell by its
position in the file, and the rows kept are the same.
"""

from __future__ import annotations

import csv

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from cskpi.errors import InputError
from cskpi.read.inputs import read_workbook
from cskpi.read.tablefile import TableSource
from cskpi.rulebook.load import load_rulebook
from tests.conftest import COMPLAINT_HEADERS
from tests.months import rules_for

BEFORE = 40  # filler columns before the complaint log's: its first header is column AO
AFTER = 10
FIELDS = set(range(BEFORE, BEFORE + len(COMPLAINT_HEADERS)))
MARK = BEFORE + len(COMPLAINT_HEADERS)  # the 示例 column: AX


def _row(cells: list[str], mark: str = "") -> list[str]:
    return [f"f{i}" for i in range(BEFORE)] + cells + [mark] + ["x"] * AFTER


def _table(received: str = "2026-10-03 09:00") -> list[list[str]]:
    header = [f"备注{i}" for i in range(BEFORE)] + COMPLAINT_HEADERS + ["示例"]
    header += [f"其他{i}" for i in range(AFTER)]
    one = ["C1", "2026-10-02 10:00", "一组", "王芳", "2026-10-05", "2026-10-04", "描述", "张", "1"]
    two = ["C2", received, "一组", "王芳", "2026-10-06", "", "描述", "李四", "2"]
    example = ["C0", "2026-10-01 08:00", "一组", "示例", "2026-10-04", "", "示例", "某某", "0"]
    return [header, _row(one), _row(two), _row(example, mark="是")]


def _write(kind: str, folder, rows: list[list[str]]):
    folder.mkdir(exist_ok=True)
    if kind == "csv":
        path = folder / "complaints.csv"
        with path.open("w", newline="", encoding="utf-8") as out:
            csv.writer(out).writerows([["导出时间 2026-11-01"], *rows])  # a line above the header
        return path
    path = folder / "complaints.parquet"
    columns = list(zip(*rows[1:], strict=True))
    names = rows[0]
    pq.write_table(pa.table([pa.array(c, pa.string()) for c in columns], names=names), path)
    return path


@pytest.fixture
def converted(monkeypatch) -> list[set[int]]:
    """The columns of each table as converted for reading (absolute positions)."""
    seen: list[set[int]] = []
    real = TableSource.sheet

    def sheet(self, name, columns=None):
        raw = real(self, name, columns)
        seen.append(set(raw.columns))
        return raw

    monkeypatch.setattr(TableSource, "sheet", sheet)
    return seen


@pytest.mark.parametrize("kind", ["csv", "parquet"])
def test_only_the_columns_of_the_dataset_and_its_example_mark_are_converted(
    tmp_path, kind, converted
):
    rulebook = load_rulebook(rules_for(tmp_path, "complaints"))
    path = _write(kind, tmp_path / kind, _table())
    data = read_workbook(path, rulebook)
    assert converted == [FIELDS | {MARK}]
    frame = data.frames["complaints"]
    assert list(frame["complaint_id"]) == ["C1", "C2"]  # C0 is marked as an example
    first = 3 if kind == "csv" else 2  # the CSV's header is its second line
    assert list(frame["_row"]) == [first, first + 1]
    assert [w.params["rows"] for w in data.warnings if w.key == "input.example_rows"] == [
        str(first + 2)
    ]


@pytest.mark.parametrize("kind", ["csv", "parquet"])
def test_a_bad_value_is_named_by_its_column_in_the_file(tmp_path, kind, converted):
    rulebook = load_rulebook(rules_for(tmp_path, "complaints"))
    path = _write(kind, tmp_path / kind, _table(received="下周二"))
    with pytest.raises(InputError) as caught:
        read_workbook(path, rulebook)
    (problem,) = caught.value.problems
    row = 4 if kind == "csv" else 3
    assert (problem.key, problem.params["row"], problem.params["column"]) == (
        "input.bad_value",
        row,
        "AP",  # 投诉日期: the 42nd column of the file
    )
    assert problem.params["value"] == "下周二"


def test_a_table_whose_header_is_not_found_is_read_whole_for_the_message(tmp_path, converted):
    """No header row: the error is the one a whole read gives."""
    rulebook = load_rulebook(rules_for(tmp_path, "complaints"))
    path = _write("csv", tmp_path / "csv", [[f"列{i}" for i in range(60)] for _ in range(3)])
    with pytest.raises(InputError) as caught:
        read_workbook(path, rulebook)
    assert caught.value.problems[0].key == "input.no_header"
    assert converted == [set(range(60))]


@pytest.mark.parametrize("kind", ["csv", "parquet"])
def test_a_missing_column_names_the_nearest_header_among_those_not_converted(
    tmp_path, kind, converted
):
    rulebook = load_rulebook(rules_for(tmp_path, "complaints"))
    rows = _table()
    rows[0][BEFORE + 1] = "日期"  # 投诉日期 is not there ...
    rows[0][5] = "投诉的日期"  # ... and a filler column's header is close to it
    path = _write(kind, tmp_path / kind, rows)
    with pytest.raises(InputError) as caught:
        read_workbook(path, rulebook)
    (problem,) = caught.value.problems
    assert (problem.key, problem.params["column"]) == ("input.missing_column", "投诉日期")
    assert problem.params["hint"].params == {"near": "投诉的日期"}
    assert 5 not in converted[0]


def test_a_parquet_file_with_a_repeated_or_nested_column_reads_the_same(tmp_path, converted):
    """Columns are picked by position: a filler name twice does not move them; a nested
    column (several leaf columns) makes the file read whole, as before."""
    rulebook = load_rulebook(rules_for(tmp_path, "complaints"))
    rows = _table()
    rows[0][1] = rows[0][0]  # 备注0 twice
    repeated = _write("parquet", tmp_path / "repeated", rows)
    nested = tmp_path / "nested" / "complaints.parquet"
    table = pq.ParquetFile(repeated).read()
    struct = pa.array([{"a": 1, "b": "x"}] * table.num_rows)
    nested.parent.mkdir()
    pq.write_table(table.set_column(2, pa.field("备注2", struct.type), struct), nested)
    frames = [read_workbook(path, rulebook).frames["complaints"] for path in (repeated, nested)]
    assert converted == [FIELDS | {MARK}, set(range(len(rows[0])))]
    for frame in frames:
        assert list(frame["complaint_id"]) == ["C1", "C2"]
        assert list(frame["_row"]) == [2, 3]
