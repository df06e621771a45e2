"""Alerts where managers read them: WeCom, DingTalk, Feishu/Lark, e-mail or any JSON webhook.

Sent with apprise, one target at a time so each failure is named. A failed send is a
warning (printed and logged), never a change of the run's exit code: the scorecard and the
history are already written. The message is plain text (nothing from the data can become
markup or a link); personal data is masked; secrets in the URLs are never printed.
"""

from __future__ import annotations

import logging
import re
import socket
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

from cskpi.errors import Problem
from cskpi.evaluate.scorecard import Result, Scorecard, Verdict
from cskpi.i18n import Lang, label, message
from cskpi.present.formatting import format_actual, format_target, summary_lines
from cskpi.present.safe import visible

MAIL_SCHEMES = ("mailto", "mailtos")
MARK = {"pass": "✓", "warn": "!", "fail": "✗", "unmet": "◦", "no_data": "–", "insufficient": "?"}


def wanted(on: str, verdict: Verdict, card: Scorecard | None) -> bool:
    """Whether a run is news for ``on``: fail (also incomplete and runs that could not
    finish), warn (also warned standards and warnings), always."""
    if on == "always" or card is None or verdict != "pass":
        return True
    return on == "warn" and (
        bool(card.warnings) or any(r.status == "warn" or r.provisional for r in card.results)
    )


@dataclass(frozen=True)
class Message:
    title: str
    body: str
    kind: Literal["success", "warning", "failure"] = "failure"  # apprise's notify types


def _line(results: list[Result], lang: Lang) -> str | None:
    """One failing or warned standard: overall value vs target, and the groups concerned."""
    overall = results[0]
    news = [r for r in results if r.status in ("fail", "warn")]
    if not news:
        return None
    text = f"{MARK[overall.status]} {overall.name(lang)} {overall.period}: "
    text += message(
        "notify.actual_target",
        lang,
        actual=format_actual(overall),
        target=format_target(overall),
    )
    if overall.provisional:
        text += "*"
    groups = [f"{r.group} {format_actual(r)} {MARK[r.status]}" for r in news if r.group]
    if groups:
        text += " (" + ", ".join(groups) + ")"
    return text


def compose(
    card: Scorecard,
    verdict: Verdict,
    lang: Lang,
    scorecard: Path | None,
) -> Message:
    """Verdict, period, each failing or warned standard, the scorecard's path.

    ``card`` is the one every output gets (personal data already masked); every line is
    made inert here: control and bidirectional characters from the data become visible.
    """
    title = message(
        "notify.title",
        lang,
        period=card.period,
        verdict=label(f"notify.verdict_{verdict}", lang),
        rulebook=card.rulebook_name(lang),
    )
    lines = [summary_lines(card, lang)[0]]
    for _std, _period, results in card.rows():
        line = _line(results, lang)
        if line is not None:
            lines.append(line)
    lines += [message("notify.warning", lang, text=w.render(lang)) for w in card.warnings]
    provisional = sum(r.provisional for r in card.results)
    if provisional:
        lines.append(message("summary.provisional", lang, n=provisional))
    if scorecard is not None:
        lines.append(message("notify.scorecard", lang, file=str(scorecard)))
    kind: Literal["success", "warning", "failure"] = "failure"
    if verdict == "pass":
        kind = "warning" if any(r.status == "warn" for r in card.results) else "success"
    return Message(visible(title), "\n".join(visible(line) for line in lines), kind)


def compose_error(period: str, error: str, lang: Lang, root: Path) -> Message:
    """A run that could not finish (input missing, rulebook broken, ...): the error, redacted,
    and the command that runs the month again once it is fixed."""
    title = message("notify.title_error", lang, period=period)
    again = message("notify.run_again", lang, folder=str(root), period=period)
    return Message(visible(title), visible(error) + "\n" + visible(again))


SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")


def shown_url(url: str) -> str:
    """A target as it may be printed: scheme and host (masked by apprise where the host is a
    key, as in wecombot://), never a path, query, user name or password: tokens live there."""
    if not SCHEME.match(url):
        return "…"  # no scheme: nothing in it is known not to be a token
    scheme = url.split("://")[0]
    try:
        import apprise

        client = apprise.Apprise()
        if client.add(url):
            parts = urlsplit(client[0].url(privacy=True))
            host = parts.hostname or ""
            port = f":{parts.port}" if parts.port else ""
            more = "/…" if parts.path.strip("/") or parts.query else ""
            return visible(f"{parts.scheme}://{host}{port}{more}")
    except Exception:  # noqa: S110 - a URL apprise cannot even parse is shown by scheme only
        pass
    return visible(f"{scheme}://…")


def _secrets(url: str) -> list[str]:
    """The parts of a target that may be tokens: its path segments, query values, password."""
    parts = urlsplit(url)
    pieces = [
        parts.password or "",
        *parts.path.split("/"),
        *parts.query.replace("=", "&").split("&"),
    ]
    if parts.scheme.lower() not in ("json", "jsons", "xml", "xmls", "form", "forms"):
        pieces.append(parts.netloc)  # wecombot://KEY, dingtalk://TOKEN: the host is the key
    return sorted((p for p in pieces if len(p) >= 4), key=len, reverse=True)


def _scrubbed(reason: str, url: str) -> str:
    """A plugin's failure text without any piece of the target that may be a secret."""
    for secret in _secrets(url):
        reason = reason.replace(secret, "…")
    return visible(reason[:200])


def send(urls: Sequence[str], note: Message, attachments: Sequence[Path] = ()) -> list[Problem]:
    """Send ``note`` to each target; the failures, as warnings (never raised). E-mail carries
    the ``attachments`` that exist (the workbook, the HTML page); chat targets take text only."""
    if not urls:
        return []
    import apprise

    failures: list[Problem] = []
    for url in urls:
        client = apprise.Apprise()
        if not client.add(url):
            failures.append(Problem("notify.bad_url", {"url": shown_url(url)}))
            continue
        scheme = url.split("://")[0].lower()
        attach = None
        if scheme in MAIL_SCHEMES:
            attach = [str(p) for p in attachments if p.is_file()] or None
        with apprise.LogCapture(level=logging.WARNING, fmt="%(message)s") as captured:
            try:
                ok = bool(
                    client.notify(
                        body=note.body,
                        title=note.title,
                        body_format=apprise.NotifyFormat.TEXT,
                        notify_type=note.kind,
                        attach=attach,
                    )
                )
            except Exception as exc:  # a plugin's own bug must not cost the run
                ok = False
                captured.write(f"{type(exc).__name__}: {exc}\n")
            log = captured.getvalue()
        if not ok:
            reason = next((ln for ln in log.splitlines() if ln.strip()), "?")
            failures.append(
                Problem(
                    "notify.failed",
                    {"target": shown_url(url), "reason": _scrubbed(reason, url)},
                )
            )
    return failures


def endpoint(url: str) -> tuple[str, int] | None:
    """Host and port a target talks to (for a reachability check), or None if unknown."""
    import apprise

    client = apprise.Apprise()
    if not client.add(url):
        return None
    service = client[0]
    fixed = getattr(service, "notify_url", None)
    if isinstance(fixed, str) and fixed.startswith("http"):
        parts = urlsplit(fixed)
        return parts.hostname or "", parts.port or (443 if parts.scheme == "https" else 80)
    host = getattr(service, "smtp_host", None) or getattr(service, "host", None)
    if not host:
        return None
    port = getattr(service, "port", None) or (443 if getattr(service, "secure", False) else 80)
    return str(host), int(port)


def reachable(url: str, timeout: float = 3.0) -> Problem | None:
    """A quick TCP connection to the target's server (no message is sent)."""
    target = endpoint(url)
    if target is None:
        return Problem("notify.bad_url", {"url": shown_url(url)})
    host, port = target
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return None
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        return Problem("notify.unreachable", {"target": f"{host}:{port}", "reason": reason})
