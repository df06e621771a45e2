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
        (
            '"scorecards/{period}.html"',
            f'"{DATABASE}"',
            "unsupported output postgresql://cs:***@db.example.com/cs",
            "S3cretPw9",
        ),
        (
            'history = "history.sqlite3"',
            'history = "postgresql://cs:S3cretPw9@db.example.com/{db}"',
            "postgresql://cs:***@db.example.com/{db}: unknown placeholder {db}",
            "S3cretPw9",
        ),
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
        ('rulebook = "customer-service-supervisor.yaml"', f'rulebook = "{DATABASE}"'),
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
