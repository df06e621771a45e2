"""One rule for a URL's user info: database labels and printed messages hide the same password."""

import pytest

from cskpi.errors import Problem
from cskpi.present import safe
from cskpi.read.database import mask_url

# (URL, its password as SQLAlchemy would send it, the URL as both callers show it)
HOSTILE = [
    ("postgresql://kpi:s3cret@db:5432/crm", "s3cret", "postgresql://kpi:***@db:5432/crm"),
    ("postgresql://user:pa@ss@host/db", "pa@ss", "postgresql://user:***@host/db"),
    ("mysql://a:p@ss/w0rd@h/db", "p@ss/w0rd", "mysql://a:***@h/db"),
    ("postgresql://u:pa?ss#x@h/db", "pa?ss#x", "postgresql://u:***@h/db"),
    ("postgresql://u:pa ss@h/db", "pa ss", "postgresql://u:***@h/db"),
    ("postgresql://u@corp:hunter2@h/db", "hunter2", "postgresql://u@corp:***@h/db"),
    ("postgresql:/cs:pw9x@h/cs", "pw9x", "postgresql:/cs:***@h/cs"),  # lost a slash as a path
    ("postgresql+psycopg://kpi:z9y8@db/crm", "z9y8", "postgresql+psycopg://kpi:***@db/crm"),
]
# no password in them: shown exactly as typed by both
HARMLESS = [
    "duckdb:///warehouse/dw.duckdb",
    "duckdb:///C:/data/a@b/dw.duckdb",
    "sqlite:///C:/data/crm.db",
    "postgresql://kpi@db/crm",
    "postgresql://db:5432/crm",
]


def _printed(url: str) -> str:
    """The URL inside a message, as every error line, warning and log line prints it."""
    return safe.problem_line(Problem("input.file_not_found", {"file": url}), "en")


@pytest.mark.parametrize(("url", "password", "shown"), HOSTILE)
def test_a_password_is_hidden_the_same_way_in_a_database_label_and_a_message(url, password, shown):
    assert mask_url(url) == shown
    assert safe.url_secrets(url) == shown
    printed = _printed(url)
    assert shown in printed and password not in printed


@pytest.mark.parametrize(("url", "password", "shown"), HOSTILE)
def test_a_password_next_to_chinese_text_is_hidden(url, password, shown):
    printed = safe.url_secrets(f"无法打开数据库{url}：连接被拒绝")
    assert printed == f"无法打开数据库{shown}：连接被拒绝"


@pytest.mark.parametrize("url", HARMLESS)
def test_a_url_without_a_password_is_shown_as_typed_by_both(url):
    assert mask_url(url) == url
    assert safe.url_secrets(url) == url
