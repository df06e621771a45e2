"""Every user-facing string exists in Chinese and English, and every key the code uses exists."""

from __future__ import annotations

import re

from cskpi.i18n import LANGS, catalog
from tests.conftest import ROOT

CATALOG = catalog()

KEY_USE = re.compile(
    r"""(?:message|label|Problem|Error|_forbid|CskpiError)\(\s*f?["']([a-z_]+\.[a-z_.]+)["']"""
)
HELP_USE = re.compile(r"""\bh\(\s*["']([a-z_.]+)["']""")  # cli help: h("evaluate.period")
KEY_LITERAL = re.compile(
    r"""["']((?:status|label|level|kind|construct|expected|sheet|chart|value|summary|input|rules|expr|usage|output|history|reason|appraisal|waivers|progress|budget|title|punct|internal|error|warning)\.[a-z_]+)["']"""
)


def test_every_catalog_entry_has_both_languages():
    missing = [
        key
        for key, texts in CATALOG.items()
        if set(texts) != set(LANGS) or not all(texts[lang].strip() for lang in LANGS)
    ]
    assert missing == []


def test_both_languages_take_the_same_placeholders():
    fields = re.compile(r"{(\w+)}")
    differ = [
        key
        for key, texts in CATALOG.items()
        if set(fields.findall(texts["zh"])) != set(fields.findall(texts["en"]))
    ]
    assert differ == []


def test_every_key_the_code_uses_is_in_the_catalog():
    used: set[str] = set()
    for path in (ROOT / "src").rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        used |= {f"help.{key}" for key in HELP_USE.findall(text)}
        text = HELP_USE.sub("", text)
        used |= set(KEY_USE.findall(text)) | set(KEY_LITERAL.findall(text))
    dynamic = {k for k in used if k.endswith(".")}
    assert sorted(used - dynamic - set(CATALOG)) == []
    assert len(used) > 100  # the scan really found the keys


def test_status_and_level_labels_exist_for_every_value():
    from cskpi.evaluate.scorecard import STATUSES

    for status in STATUSES:
        assert f"status.{status}" in CATALOG
    for level in ("required", "excellent"):
        assert f"level.{level}" in CATALOG
    for kind in ("date", "rating", "yesno", "number", "text", "bool"):
        assert f"kind.{kind}" in CATALOG
