"""Alerts: a local JSON webhook and a local SMTP server stand in for WeCom and e-mail."""

from __future__ import annotations

import email
import json
import socket
import threading
from collections.abc import Iterator
from email import policy
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cskpi.cli import app as cli
from cskpi.evaluate.scorecard import Result, Scorecard
from cskpi.runs.notify import compose, send, wanted
from tests.months import month_book
from tests.runs.test_project import history_rows, settings

runner = CliRunner()


def invoke(*args):
    return runner.invoke(cli.app, [str(a) for a in args])


@pytest.fixture
def webhook() -> Iterator[tuple[str, list[dict]]]:
    """A JSON webhook on localhost: (its json:// URL, the payloads it received)."""
    received: list[dict] = []

    class Hook(BaseHTTPRequestHandler):
        def do_POST(self):
            size = int(self.headers["Content-Length"])
            received.append(json.loads(self.rfile.read(size)))
            self.send_response(200)
            self.end_headers()

        def log_message(self, *_args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Hook)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"json://127.0.0.1:{server.server_port}/hook", received
    server.shutdown()
    server.server_close()


@pytest.fixture
def smtp() -> Iterator[tuple[str, list[bytes]]]:
    """An SMTP server on localhost (aiosmtpd): (a mailto:// URL, the messages it received)."""
    from aiosmtpd.controller import Controller

    received: list[bytes] = []

    class Handler:
        async def handle_DATA(self, _server, _session, envelope):
            received.append(envelope.content)
            return "250 OK"

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(Handler(), hostname="127.0.0.1", port=port)
    controller.start()
    url = f"mailto://cskpi@127.0.0.1:{port}?to=boss@example.com&from=cskpi@example.com"
    yield url, received
    controller.stop()


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def project(tmp_path) -> Path:
    folder = tmp_path / "cs"
    assert invoke("init", folder, "--lang", "en").exit_code == 0
    (folder / "inputs" / "2026-10.xlsx").unlink()
    month_book(folder / "inputs" / "2026-07.xlsx", 2026, 7)
    month_book(folder / "inputs" / "2026-08.xlsx", 2026, 8, complaints=6)
    month_book(folder / "inputs" / "2026-09.xlsx", 2026, 9)
    return folder


def test_three_months_notify_on_failure_only(project, webhook):
    url, received = webhook
    settings(project, "urls = []", f'urls = ["{url}"]')
    codes = [
        invoke("run", "--project", project, "--period", f"2026-0{m}").exit_code for m in (7, 8, 9)
    ]
    assert codes == [0, 1, 0]
    assert len(received) == 1  # exactly one post, for August
    (post,) = received
    assert post["title"] == (
        "cskpi 2026-08: standards not met · Customer service supervisor performance standards"
    )
    body = post["message"].splitlines()
    assert body[0].startswith("28 results: 26 pass · 0 warn · 2 fail")
    assert body[1] == "✗ Customer complaints per month 2026-08: actual 6, target ≤ 5 (一组 6 ✗)"
    assert body[-1] == f"Scorecard: {project / 'scorecards' / '2026-08.xlsx'}"
    assert len(body) == 3
    assert post["type"] == "failure"
    assert [p for p, _r in history_rows(project)] == ["2026-07", "2026-08", "2026-09"]


def test_always_and_warn(project, webhook):
    url, received = webhook
    settings(project, "urls = []", f'urls = ["{url}"]')
    settings(project, 'on = "fail"', 'on = "always"')
    assert invoke("run", "--project", project, "--period", "2026-07").exit_code == 0
    (post,) = received
    assert post["title"].startswith("cskpi 2026-07: standards met")
    assert post["type"] == "success"
    settings(project, 'on = "always"', 'on = "warn"')
    assert invoke("run", "--project", project, "--period", "2026-07").exit_code == 0
    assert len(received) == 1  # nothing warned in July: no news


def test_a_run_that_cannot_finish_is_always_news(project, webhook):
    url, received = webhook
    settings(project, "urls = []", f'urls = ["{url}"]')
    result = invoke("run", "--project", project, "--period", "2026-06")
    assert result.exit_code == 3
    (post,) = received
    assert post["title"] == "cskpi 2026-06: the run failed"
    assert "no input for period 2026-06" in post["message"]
    assert post["message"].endswith(
        f"Once fixed, run it again: cd {project.resolve()} && cskpi run --period 2026-06"
    )


def test_email_attaches_the_workbook(project, smtp):
    url, received = smtp
    settings(project, "urls = []", f'urls = ["{url}"]')
    assert invoke("run", "--project", project, "--period", "2026-08").exit_code == 1
    (raw,) = received
    mail = email.message_from_bytes(raw, policy=policy.default)
    assert mail["To"] == "boss@example.com"
    assert "2026-08: standards not met" in mail["Subject"]
    # the workbook to forward and the page that opens anywhere, both as written
    workbook, page = list(mail.iter_attachments())
    assert (workbook.get_filename(), page.get_filename()) == ("2026-08.xlsx", "2026-08.html")
    assert workbook.get_content() == (project / "scorecards" / "2026-08.xlsx").read_bytes()
    written = (project / "scorecards" / "2026-08.html").read_bytes()
    assert page.get_payload(decode=True) == written  # byte for byte; it says charset=utf-8
    assert "Customer complaints per month 2026-08: actual 6" in mail.get_body().get_content()


def test_a_failed_send_is_a_warning_and_keeps_the_exit_code(project):
    port = closed_port()
    settings(project, "urls = []", f'urls = ["json://127.0.0.1:{port}/hook", "nonsense://x"]')
    result = invoke("run", "--project", project, "--period", "2026-08")
    assert result.exit_code == 1  # the month's own result
    assert f"warning: the notification to json://127.0.0.1:{port}/… failed:" in result.stderr
    assert "warning: notification URL not understood: nonsense://…" in result.stderr
    log = json.loads((project / "cskpi.log").read_text(encoding="utf-8"))
    assert log["exit_code"] == 1 and len(log["notices"]) == 2
    settings(project, 'on = "fail"', 'on = "always"')
    quiet = invoke("run", "--project", project, "--period", "2026-07")
    assert quiet.exit_code == 0  # a pass stays a pass; only the warnings print
    assert quiet.stdout == "" and quiet.stderr.count("warning:") == 2


def test_secrets_never_printed():
    problems = send(
        ["wecombot://SECRETKEY123456789", "mailtos://u:hunter2@127.0.0.1:1?to=a@b.c"],
        compose_stub(),
    )
    text = " ".join(p.render("en") for p in problems)
    assert "SECRETKEY123456789" not in text and "hunter2" not in text


def test_tokens_in_a_webhooks_path_or_query_never_printed(project):
    """json://host/<token>?key=<token>: only scheme and host are shown (run and doctor)."""
    port = closed_port()
    url = f"json://127.0.0.1:{port}/robot/PATHTOKEN123?access_token=QUERYTOKEN456"
    settings(project, "urls = []", f'urls = ["{url}", "xml://u:PASSWORD789@127.0.0.1:{port}/x"]')
    result = invoke("run", "--project", project, "--period", "2026-08")
    assert f"the notification to json://127.0.0.1:{port}/… failed" in result.stderr
    assert f"the notification to xml://127.0.0.1:{port}/… failed" in result.stderr
    doctor = invoke("doctor", "--project", project)
    for text in (result.stderr, result.stdout, doctor.stdout, doctor.stderr):
        for secret in ("PATHTOKEN123", "QUERYTOKEN456", "PASSWORD789"):
            assert secret not in text


def test_a_url_without_a_scheme_is_refused_when_the_settings_are_read(project):
    """Pasted without json:// or wecombot://, an address is refused (exit 2), never shown."""
    url = "qyapi.weixin.qq.com/cgi-bin/webhook/send?key=SECRETKEY42"
    settings(project, "urls = []", f'urls = ["{url}"]')
    result = invoke("run", "--project", project, "--period", "2026-08", "--lang", "en")
    assert result.exit_code == 2
    assert "cskpi.toml" in result.stderr and "notify.urls" in result.stderr
    assert "needs a scheme such as wecombot://" in result.stderr
    assert "SECRETKEY42" not in result.stderr + result.stdout


def compose_stub():
    from cskpi.runs.notify import Message

    return Message("t", "b")


def _card(group: str, status: str = "fail") -> Scorecard:
    result = Result(
        "s1",
        "标准",
        "Standard",
        None,
        "2026-10",
        status,
        3.0,
        "<=",
        1.0,
        None,
        "required",
        "count",
        3,
        3,
    )
    grouped = Result(
        "s1",
        "标准",
        "Standard",
        group,
        "2026-10",
        status,
        3.0,
        "<=",
        1.0,
        None,
        "required",
        "count",
        3,
        3,
    )
    import pandas as pd

    return Scorecard(
        "rb",
        "规则",
        "Rules",
        "2026-10",
        pd.Timestamp("2026-10-31"),
        "customer",
        (group,),
        (result, grouped),
    )


def test_message_makes_data_inert():
    card = _card("一组\x1b[2J\u202e")
    note = compose(card, "fail", "en", None)
    assert "(一组␛[2J<U+202E> 3 ✗)" in note.body
    assert "\x1b" not in note.body and "\u202e" not in note.body


def test_a_project_never_alerts_with_customers_names(project, webhook):
    """Grouping by a personal column would name customers: a project run refuses it."""
    url, received = webhook
    settings(project, "urls = []", f'urls = ["{url}"]')
    settings(project, 'by = "team"', 'by = "customer"')
    result = invoke("run", "--project", project, "--period", "2026-08")
    assert result.exit_code == 2
    assert "--by 'customer' is a personal column" in result.stderr
    (post,) = received  # the failed run is news; its message names no customer
    assert "张" not in post["message"]


@pytest.mark.parametrize(
    ("on", "verdict", "status", "expected"),
    [
        ("fail", "pass", "pass", False),
        ("fail", "fail", "fail", True),
        ("fail", "incomplete", "no_data", True),  # a manager must hear that data is missing
        ("warn", "pass", "warn", True),
        ("warn", "pass", "pass", False),
        ("always", "pass", "pass", True),
    ],
)
def test_when_to_notify(on, verdict, status, expected):
    assert wanted(on, verdict, _card("一组", status)) is expected
