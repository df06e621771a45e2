"""Rulebooks: the bundled ones load; every broken one is refused with the file, line and key."""

from __future__ import annotations

from pathlib import Path

import pytest

from cskpi.errors import RulebookError
from cskpi.rulebook.load import bundled_dir, bundled_names, load_rulebook
from tests.conftest import ROOT

DEFAULT = ROOT / "rules" / "customer-service-supervisor.yaml"
SOURCE_IDS = [
    "complaints_per_month",
    "overdue_complaints_per_month",
    "satisfaction_speed",
    "satisfaction_accuracy",
    "satisfaction_courtesy",
    "satisfaction_outcome",
    "info_complaints_per_quarter",
    "suggestion_satisfaction",
    "tasks_on_time",
    "staff_knows_direction",
    "staff_knows_expectations",
    "staff_knows_performance",
    "staff_has_skills",
    "successor_ready",
]


def test_default_rulebook_has_every_standard_of_the_source():
    model = load_rulebook()
    assert [s.id for s in model.standards] == SOURCE_IDS
    assert all(s.name.zh and s.name.en and s.source for s in model.standards)
    levels = {s.id: s.level for s in model.standards}
    assert levels["successor_ready"] == "excellent"
    assert {s.id: s.period for s in model.standards}["info_complaints_per_quarter"] == "quarter"


def test_bundled_rules_are_the_repository_rules():
    assert (
        bundled_dir().resolve() == (ROOT / "rules").resolve()
        or (bundled_dir() / DEFAULT.name).read_bytes() == DEFAULT.read_bytes()
    )
    assert "customer-service-supervisor" in bundled_names()


def test_defaults_the_source_leaves_open_are_marked_in_comments():
    text = DEFAULT.read_text(encoding="utf-8")
    for line in text.splitlines():
        if "target: 0.90" in line:
            assert "DEFAULT" in line


def broken(tmp_path: Path, old: str, new: str, count: int = 1) -> list[str]:
    text = DEFAULT.read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "rules.yaml"
    path.write_text(text.replace(old, new, count), encoding="utf-8")
    with pytest.raises(RulebookError) as info:
        load_rulebook(path)
    return info.value.render("en").splitlines()


def line_of(needle: str, occurrence: int = 1) -> int:
    seen = 0
    for number, line in enumerate(DEFAULT.read_text(encoding="utf-8").splitlines(), 1):
        if needle in line:
            seen += 1
            if seen == occurrence:
                return number
    raise AssertionError(needle)


def test_misspelt_key_names_line_and_suggests(tmp_path):
    lines = broken(
        tmp_path, '    comparison: "<="\n    target: 5\n', '    comparision: "<="\n    target: 5\n'
    )
    line = line_of('comparison: "<="')
    assert (
        f"{tmp_path / 'rules.yaml'}:{line}: standards[0:complaints_per_month]."
        "comparision: unknown key 'comparision' (did you mean 'comparison'?)"
    ) in lines


def test_percent_string_target_is_a_type_error_with_line(tmp_path):
    lines = broken(tmp_path, "target: 0.95", 'target: "95%"')
    assert lines == [
        f"{tmp_path / 'rules.yaml'}:{line_of('target: 0.95')}: "
        "standards[2:satisfaction_speed].target: expected a number, got '95%'"
    ]


def test_all_problems_are_reported_at_once(tmp_path):
    lines = broken(tmp_path, "target: 0.95", 'target: "95%"', count=4)
    assert len(lines) == 4


def test_unknown_column_in_filter_suggests(tmp_path):
    lines = broken(tmp_path, "filter: resolved_at is blank", "filter: resolvd_at is blank")
    assert lines == [
        f"{tmp_path / 'rules.yaml'}:{line_of('filter: resolved_at is blank')}: standard "
        "'overdue_complaints_per_month', filter: no column 'resolvd_at' in dataset "
        "'complaints' (did you mean 'resolved_at'?)"
    ]


def test_python_in_a_filter_is_refused_naming_the_standard(tmp_path):
    lines = broken(tmp_path, "filter: successor_ready", "filter: __import__('os').system('id')")
    assert (
        "standard 'successor_ready', filter: a double-underscore name at position 1 is "
        "not allowed" in lines[0]
    )


def test_type_mismatch_in_filter(tmp_path):
    lines = broken(
        tmp_path,
        "filter: resolved_at is blank or resolved_at > promised_by",
        "filter: resolved_at > 5",
    )
    assert lines[0].endswith("filter: cannot compare date with number ('>')")


def test_yaml_syntax_error_has_line(tmp_path):
    lines = broken(tmp_path, "    dataset: complaints\n", "    dataset: [complaints\n")
    assert lines[0].startswith(f"{tmp_path / 'rules.yaml'}:")
    assert "YAML syntax error" in lines[0]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "a: !!python/object/apply:os.system ['id']\n",
            "{path}:1: YAML tag tag:yaml.org,2002:python/object/apply:os.system is not allowed",
        ),
        ("a: &x [1]\nb: *x\n", "{path}:2: YAML aliases (*x) are not allowed in a rulebook."),
        ("a: 1\nb: 2\na: 3\n", "{path}:3: duplicate key 'a' (first at line 1)."),
    ],
)
def test_unsafe_or_ambiguous_yaml_is_refused(tmp_path, text, expected):
    path = tmp_path / "evil.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(RulebookError) as info:
        load_rulebook(path)
    assert info.value.render("en").startswith(expected.format(path=path))


def test_oversized_rulebook_is_refused(tmp_path):
    path = tmp_path / "huge.yaml"
    path.write_text("# " + "x" * 1_100_000, encoding="utf-8")
    with pytest.raises(RulebookError) as info:
        load_rulebook(path)
    assert "rulebook too large" in info.value.render("en")


def test_unknown_bundled_name_lists_the_known_ones():
    with pytest.raises(RulebookError) as info:
        load_rulebook("no-such-rulebook")
    assert info.value.render("en") == (
        f"rulebook 'no-such-rulebook' not found (bundled: {', '.join(bundled_names())})."
    )


def test_metric_needs_its_fields(tmp_path):
    lines = broken(tmp_path, "    condition: speed\n", "")
    assert lines[0].endswith("standard 'satisfaction_speed', metric: metric share needs condition")


def test_a_loaded_rulebook_is_a_frozen_compiled_value():
    import dataclasses

    from cskpi.language import tree as t
    from cskpi.rulebook.load import load_rulebook

    book = load_rulebook()
    overdue = book.standard("overdue_complaints_per_month")
    assert isinstance(overdue.filter, t.Predicate)
    assert overdue.filter.tree == t.Or(
        (
            t.IsBlank(t.Field("resolved_at", "date"), negate=False),
            t.Compare(">", t.Field("resolved_at", "date"), t.Field("promised_by", "date"), "date"),
        )
    )
    assert overdue.filter.fields == {"resolved_at", "promised_by"}
    assert overdue.date_field == "promised_by"
    with pytest.raises(dataclasses.FrozenInstanceError):
        overdue.target = 99  # type: ignore[misc]
    with pytest.raises(TypeError):
        book.datasets["complaints"].columns["team"] = None  # type: ignore[index]


def test_the_yaml_model_alone_cannot_be_evaluated():
    """Validating the file gives only its shape: no filters to drop, no engine API."""
    from cskpi.rulebook.load import resolve_rulebook
    from cskpi.rulebook.models import RulebookSpec
    from cskpi.rulebook.yamlfile import load_yaml

    data, _lines, _digest = load_yaml(resolve_rulebook(None))
    spec = RulebookSpec.model_validate(data)
    assert isinstance(spec.standards[1].filter, str)
    assert not hasattr(spec, "required_fields") and not hasattr(spec.standards[1], "fields")


def test_a_half_compiled_rulebook_cannot_be_built():
    """A standard holding filter text, or naming a column its dataset lacks, is refused when the
    compiled value is built: only compile_rulebook makes one that evaluates."""
    import dataclasses

    from cskpi.rulebook.load import load_rulebook

    book = load_rulebook()
    overdue = book.standard("overdue_complaints_per_month")
    raw = dataclasses.replace(overdue, filter="resolved_at is blank")
    with pytest.raises(TypeError, match="is not a compiled predicate"):
        dataclasses.replace(book, standards=(raw,))
    elsewhere = dataclasses.replace(overdue, date_field="surveyed_at")
    with pytest.raises(ValueError, match="not listed"):
        dataclasses.replace(book, standards=(elsewhere,))
    share = dataclasses.replace(overdue, metric="share")
    with pytest.raises(ValueError, match="a share needs a condition"):
        dataclasses.replace(book, standards=(share,))
