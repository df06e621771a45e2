"""Properties of a truthful verdict, over generated variations of a month where all passes.

An unrelated sheet, the order of rows, or the same file given twice never changes a result;
taking away any dataset's sheet never leaves a pass (exit 0).
"""

from __future__ import annotations

import functools
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from cskpi.cli import app as cli
from cskpi.evaluate.scorecard import Scorecard
from cskpi.language.syntax import normalize_name
from cskpi.rulebook.load import load_rulebook
from cskpi.runs.run import RunRequest, run_evaluation
from tests.conftest import NOW, write_workbook
from tests.months import SHEETS, good_month

RULEBOOK = load_rulebook()
ALIASES = {normalize_name(s) for spec in RULEBOOK.datasets.values() for s in spec.sheets}
PROPERTY = settings(
    max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@contextmanager
def folder() -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="cskpi-prop-") as name:
        yield Path(name)


def card_of(*files: Path) -> Scorecard:
    return run_evaluation(RunRequest(files=[str(f) for f in files], rulebook=RULEBOOK, now=NOW))


def results(card: Scorecard) -> tuple:
    return (card.verdict, card.results)


@functools.cache
def baseline() -> tuple:
    with folder() as tmp:
        found = results(card_of(write_workbook(tmp / "good.xlsx", good_month())))
    assert found[0] == "pass"
    return found


sheet_names = st.text(
    alphabet=st.sampled_from("abcXYZ012 _-投诉记录客户满意度员工名册表汇总工作"),
    min_size=1,
    max_size=20,
).filter(lambda n: n.strip() != "" and normalize_name(n) not in ALIASES)
cells = st.one_of(st.none(), st.integers(-(10**6), 10**6), st.floats(allow_nan=False, width=32))


@PROPERTY
@given(name=sheet_names, rows=st.lists(st.lists(cells, max_size=6), max_size=8))
def test_an_unrelated_sheet_never_changes_a_result(name, rows):
    month = good_month()
    month[name] = rows
    with folder() as tmp:
        card = card_of(write_workbook(tmp / "m.xlsx", month))
    assert results(card) == baseline()
    assert card.warnings == ()


@PROPERTY
@given(data=st.data())
def test_the_order_of_rows_never_changes_a_result(data):
    month = good_month()
    for name, rows in month.items():
        month[name] = [rows[0], *data.draw(st.permutations(rows[1:]), label=name)]
    with folder() as tmp:
        assert results(card_of(write_workbook(tmp / "m.xlsx", month))) == baseline()


@PROPERTY
@given(how=st.lists(st.sampled_from(["same", "copy", "link"]), min_size=1, max_size=3))
def test_a_file_given_twice_never_changes_a_result(how):
    with folder() as tmp:
        path = write_workbook(tmp / "m.xlsx", good_month())
        files = [path]
        for i, kind in enumerate(how):
            if kind == "same":
                files.append(path)
            elif kind == "copy":
                files.append(Path(shutil.copy(path, tmp / f"copy{i}.xlsx")))
            else:
                (tmp / f"link{i}.xlsx").symlink_to(path)
                files.append(tmp / f"link{i}.xlsx")
        card = card_of(*files)
    assert results(card) == baseline()
    assert len(card.inputs) == 1


@settings(max_examples=20, deadline=None)
@given(gone=st.sets(st.sampled_from(sorted(SHEETS)), min_size=1))
def test_deleting_any_datasets_sheet_never_yields_exit_0(gone):
    month = {name: rows for name, rows in good_month().items() if name not in gone}
    with folder() as tmp:
        path = write_workbook(tmp / "m.xlsx", month) if month else None
        args = ["evaluate", str(path or tmp / "none.xlsx"), "--no-history", "--period", "2026-10"]
        result = CliRunner().invoke(cli.app, args)
    optional = {s for s in gone if RULEBOOK.datasets[SHEETS[s]].optional}
    # a required dataset gone: exit 3 naming it; only the optional staff survey: incomplete
    assert result.exit_code == (5 if gone == optional else 3), (gone, result.output)
