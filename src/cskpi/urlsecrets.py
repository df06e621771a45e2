"""Which parts of a URL are secrets: the one rule, below every layer.

Database URLs (:func:`cskpi.read.database.mask_url`) and every printed message
(:func:`cskpi.present.safe.url_secrets`) mask the same two things: the password in a URL's
user info (:data:`USERINFO`, :func:`mask_userinfo`) and a query parameter whose name holds one
of :data:`SECRET_WORDS` (sslpassword, token, api_key, ...). Only ``re``, which Python has
loaded before any of cskpi, so importing this costs nothing at start-up.
"""

import re

SECRET_WORDS = "pass|pwd|secret|token|key|credential|auth"  # noqa: S105 (names, not a password)

# ``scheme://user:password@``, as SQLAlchemy reads it (a user up to the first ':', so it may
# hold an '@'). The password is hidden up to the last '@' before the next space, so one holding
# an unencoded '@', '/', '?' or '#' is hidden whole and a driver's message quoting a host after
# the URL keeps it; when no '@' comes before a space, the password has one and runs to the last
# '@' on the line (such a line may be masked more than it needs: shown too little, never a
# password). The scheme starts after no ASCII letter or digit ('数据库postgresql://' is found);
# one or two slashes (a URL taken as a path has lost one), never three: 'duckdb:///C:/a@b' is a
# path, not a user 'C'. Group 1 is what stays, group 2 the password.
USERINFO = re.compile(
    r"(?<![A-Za-z0-9+.-])([A-Za-z][A-Za-z0-9+.-]*:/{1,2}(?!/)[^\s:/]*:)(\S*|[^\r\n]*)@"
)


def mask_userinfo(text: str) -> str:
    """``text`` with the password of every URL in it shown as ``***``."""
    if "@" not in text:  # most messages: no scan at all
        return text
    return USERINFO.sub(r"\1***@", text)
