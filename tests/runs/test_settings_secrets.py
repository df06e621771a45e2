"""A cskpi.toml setting of the wrong kind is quoted in its error: a database URL's password
or a notification URL's token in it is masked there, as everywhere else it is shown."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from cskpi.cli import app as cli

runner = CliRunner()

DATABASE = "postgresql://cs:S3cretPw9@db.example.com/cs"
WEBHOOK = "wecombot://K3yT0ken8842"


@pytest.fixture
def project(tmp_path) -> Path:
    folder = tmp_path / "cs"
    assert runner.invoke(cli.app, ["init", str(folder), "--lang", "en"]).exit_code == 0
    return folder


@pytest.mark.parametrize(
    ("old", "new", "shown", "secret"),
    [
        (
            'lang = "en"',
            f'lang = "{DATABASE}"',
            "'postgresql://cs:***@db.example.com/cs'",
            "S3cretPw9",
        ),
        ('on = "fail"', f'on = "{WEBHOOK}"', "'wecombot://", "K3yT0ken8842"),
    ],
)
def test_a_url_in_a_wrong_setting_is_quoted_masked(project, old, new, shown, secret):
    path = project / "cskpi.toml"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    for command in (["run"], ["doctor"]):
        result = runner.invoke(cli.app, [*command, "--project", str(project), "--lang", "en"])
        assert result.exit_code == 2, result.output
        message = result.stderr.replace("\n", "")
        assert "cskpi.toml:" in message and shown in message
        assert secret not in result.output  # before: the password or token itself


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ('by = "team"', f'by = "{DATABASE}?sslpassword=S3cretPw9"'),
    ],
)
def test_a_url_where_a_path_or_column_belongs_is_quoted_masked(project, old, new):
    """Messages built by other layers (the rulebook loader, the --by check) quote the value as
    given: every line printed masks a URL's password and secret parameters."""
    path = project / "cskpi.toml"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    result = runner.invoke(cli.app, ["run", "--project", str(project), "--lang", "en"])
    assert result.exit_code in (2, 3), result.output
    assert ":***@db.example.com/cs" in result.stderr.replace("\n", "")
    assert "S3cretPw9" not in result.output


SHOWN = "postgresql://cs:***@db.example.com/cs"
PATH_IS_URL = "a file path belongs here, not the URL {url} (a database URL goes in inputs)"


@pytest.mark.parametrize(
    ("old", "new", "where", "shown"),
    [
        (
            'rulebook = "customer-service-supervisor.yaml"',
            f'rulebook = "{DATABASE}"',
            "6: rulebook",
            SHOWN,
        ),
        ('"scorecards/{period}.html"', f'"{DATABASE}"', "8: outputs", SHOWN),
        (
            'history = "history.sqlite3"',
            'history = "postgresql://cs:S3cretPw9@db.example.com/{db}"',
            "9: history",
            "postgresql://cs:***@db.example.com/{db}",
        ),
        (
            'log = "cskpi.log"',
            f"log = '{DATABASE}?sslpassword=S3cretPw9'",
            "10: log",
            f"{SHOWN}?sslpassword=***",
        ),
        (
            'log = "cskpi.log"',
            'log = "sqlite:///S3cretPw9.db"',
            "10: log",
            "sqlite:///S3cretPw9.db",
        ),
    ],
)
def test_a_url_where_a_file_path_belongs_is_refused_when_the_settings_are_read(
    project, old, new, where, shown
):
    """Before: accepted, and masked only in whatever error the path met later (or none: a
    history or log 'file' named after a URL). Now one message: the file, line, key, the URL
    masked; exit 2 like every bad setting."""
    path = project / "cskpi.toml"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    expected = f"{path}:{where}: {PATH_IS_URL.format(url=shown)}"
    for command in (["run"], ["doctor"]):
        result = runner.invoke(cli.app, [*command, "--project", str(project), "--lang", "en"])
        assert result.exit_code == 2, result.output
        assert result.stderr.replace("\n", "") == f"error: {expected}"
        if "S3cretPw9" not in shown:
            assert "S3cretPw9" not in result.output
    assert not list(project.rglob("*S3cretPw9*"))  # nothing written under the URL's name


def test_settings_that_take_a_url_still_do(project):
    """A database input and a notification URL are URLs by design; 'C://x' is not a scheme."""
    path = project / "cskpi.toml"
    text = path.read_text(encoding="utf-8")
    text = text.replace('inputs = ["inputs/{period}.xlsx"]', 'inputs = ["sqlite:///crm.db"]')
    text = text.replace("urls = []", 'urls = ["json://127.0.0.1:9/hook"]')
    path.write_text(
        text.replace('log = "cskpi.log"', "log = 'C://logs/cskpi.log'"), encoding="utf-8"
    )
    from cskpi.runs.project import load_project

    settings = load_project(project).settings
    assert settings.inputs == ["sqlite:///crm.db"]
    assert settings.notify.urls == ["json://127.0.0.1:9/hook"]
    assert settings.log == "C://logs/cskpi.log"
