"""Data is only ever text: the one place that makes a value from a file safe for each writer.

A workbook may be written by someone hostile and its text read in a terminal, in a Markdown
viewer, in a CSV opened by Excel or in the Excel export. Every writer passes text that came
from a file (cells, sheet and file names, group names, rulebook text, messages quoting them)
through the function for its medium:

=================  ==========================================================================
:func:`visible`     control characters and bidi controls as visible escapes (every medium)
:func:`terminal`    a rich ``Text`` (never parsed as markup), escaped, optionally cut to a width
:func:`cut`         at most a display width, CJK counting two, with an ellipsis
:func:`markdown`    escaped for a Markdown table cell: ``|``, emphasis, links, HTML
:func:`html`        escaped for HTML text and attribute values
:func:`csv_cell`    a CSV cell that no spreadsheet reads as a formula (OWASP prefix rule)
:func:`excel`       a string cell for xlsxwriter: escaped, newlines kept, cut to Excel's limit
:func:`json_safe`   JSON text whose strings hold no raw C1, DEL, bidi or line-separator characters
:func:`error_lines` an error's problems, one escaped line each (stderr, logs, notifications)
=================  ==========================================================================

Escapes: C0 controls and DEL as Unicode control pictures (ESC -> ``␛``, BEL -> ``␇``, NUL ->
``␀``); C1 controls, bidi embeddings, overrides, isolates and marks, the line and paragraph
separators and lone surrogates as ``<U+202E>``. Numbers a writer computed are not data text and
are written as numbers.
"""

from __future__ import annotations

import html as _html
import re
from typing import TYPE_CHECKING

from cskpi.i18n import display_width
from cskpi.urlsecrets import SECRET_WORDS, mask_userinfo

if TYPE_CHECKING:
    import pandas as pd
    from rich.text import Text

    from cskpi.errors import CskpiError, Problem
    from cskpi.i18n import Lang

# Bidi embeddings/overrides (U+202A-202E), isolates (U+2066-2069), marks (LRM, RLM, ALM):
# they reorder what follows, so '✗ fail' can be made to read otherwise.
_BIDI = "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
_UNSAFE = re.compile(f"[\x00-\x1f\x7f-\x9f{_BIDI}\u2028\u2029\ud800-\udfff]")
_UNSAFE_KEEP_LINES = re.compile(f"[\x00-\x08\x0b-\x1f\x7f-\x9f{_BIDI}\u2028\u2029\ud800-\udfff]")
# Excel cells keep tab, LF and CR (the XML-legal controls, harmless in a cell) as they are;
# the second form has no surrogates, for Arrow strings (valid UTF-8, searched by RE2).
_UNSAFE_EXCEL = re.compile(f"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f{_BIDI}\u2028\u2029\ud800-\udfff]")
_UNSAFE_EXCEL_ARROW = f"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f{_BIDI}\u2028\u2029]"
_JSON_UNSAFE = re.compile(f"[\x7f-\x9f{_BIDI}\u2028\u2029\ud800-\udfff]")
ELLIPSIS = "…"
EXCEL_MAX = 32_767  # characters in one Excel cell
EXCEL_TRUNCATED = "…[truncated]"
# A CSV cell starting with one of these is a formula (or DDE) to Excel, LibreOffice, Sheets.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]|~$])")
# GitHub's Markdown links bare URLs (http://, https://, ftp://, www.) and e-mail addresses:
# the character that triggers each is written as an entity, shown the same, never linked.
_AUTOLINK = re.compile(r"://|@|(?i:www)\.")
_AUTOLINK_BREAK = {"://": "&#58;//", "@": "&#64;"}


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    if code < 0x20:
        return chr(0x2400 + code)  # ␀ ... ␟
    if code == 0x7F:
        return "\u2421"  # ␡
    return f"<U+{code:04X}>"


def visible(value: object, *, multiline: bool = False) -> str:
    """``value`` as text with every control and bidi character shown as a visible escape.

    ``multiline`` keeps line feeds and tabs (a complaint's text in an Excel cell or an HTML
    page) and reads CR LF as a line feed; otherwise they are escaped too (``␊``), so one value
    stays on one line of a table, a message or a log.
    """
    text = value if isinstance(value, str) else str(value)
    if multiline:
        text = text.replace("\r\n", "\n")
        return _UNSAFE_KEEP_LINES.sub(_escape, text)
    return _UNSAFE.sub(_escape, text)


def cut(text: str, width: int) -> str:
    """``text`` in at most ``width`` terminal columns (CJK counts two), ending in '…' if cut."""
    if display_width(text) <= width:
        return text
    out, used = [], 0
    for ch in text:
        w = display_width(ch)
        if used + w > width - 1:
            break
        out.append(ch)
        used += w
    return "".join(out) + ELLIPSIS


def terminal(value: object, style: str | None = None, *, width: int | None = None) -> Text:
    """A value for the rich console: a ``Text`` (markup such as ``[red]`` stays literal),
    escaped with :func:`visible`, cut to ``width`` columns when given."""
    from rich.text import Text

    text = visible(value)
    if width is not None:
        text = cut(text, width)
    return Text(text, style=style or "")


def markdown(value: object) -> str:
    """A value for a Markdown table cell or line: escaped, so it is shown, never interpreted.

    ``|`` cannot end the cell; ``* _ ` ~ $ [ ]`` cannot start emphasis, code, maths or a link;
    ``< > &`` become HTML entities, so no tag or entity from the data reaches the page.
    """
    text = _html.escape(visible(value), quote=False)
    text = _MARKDOWN_SPECIAL.sub(r"\\\1", text)
    return _AUTOLINK.sub(_unlink, text)


def _unlink(match: re.Match[str]) -> str:
    found = match.group()
    return _AUTOLINK_BREAK.get(found) or found[:3] + "&#46;"  # www. in any case


def html(value: object, *, multiline: bool = False) -> str:
    """A value for HTML text or a quoted attribute: escaped (``< > & " '``), controls visible."""
    return _html.escape(visible(value, multiline=multiline), quote=True)


def csv_cell(value: object) -> object:
    """A CSV cell no spreadsheet runs: text starting with ``= + - @``, a tab or CR (also after
    spaces, and their full-width forms) gets a leading apostrophe (OWASP); controls are
    escaped. Numbers (``int``/``float``, computed by cskpi) are returned as they are, so a
    negative result stays a number; ``None`` is an empty cell."""
    if value is None:
        return ""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raw = value if isinstance(value, str) else str(value)
        if raw.lstrip(" \u00a0\u3000").startswith(_FORMULA_START):
            return "'" + visible(raw)
        return visible(raw)
    return value


def excel(value: object) -> str:
    """A string cell for the Excel export: controls visible (tab, LF and CR kept: a cell may
    hold lines), and text over Excel's 32,767 characters cut with a marker."""
    text = _UNSAFE_EXCEL.sub(_escape, value if isinstance(value, str) else str(value))
    if len(text) > EXCEL_MAX:
        text = text[: EXCEL_MAX - len(EXCEL_TRUNCATED)] + EXCEL_TRUNCATED
    return text


def excel_column(series: pd.Series) -> pd.Series:
    """:func:`excel` for a whole column (string dtype, missing stays missing): only the cells
    that need it are escaped, so a clean 50,000-row column costs two vectorised scans."""
    text = series.astype("string")
    unsafe = text.str.contains(_UNSAFE_EXCEL_ARROW, regex=True).fillna(False)
    if unsafe.any():
        text = text.mask(unsafe, text[unsafe].map(lambda t: _UNSAFE_EXCEL.sub(_escape, t)))
    long = (text.str.len() > EXCEL_MAX).fillna(False)
    if long.any():
        text = text.mask(
            long, text.str.slice(0, EXCEL_MAX - len(EXCEL_TRUNCATED)) + EXCEL_TRUNCATED
        )
    return text


def json_safe(text: str) -> str:
    """JSON text (from ``json.dumps(..., ensure_ascii=False)``) with the characters json leaves
    raw but a terminal obeys (C1, DEL, bidi, U+2028/9, lone surrogates) written as ``\\uXXXX``.

    They can only occur inside JSON strings, so the result is valid JSON that decodes to
    exactly the same values.
    """
    return _JSON_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


# A URL's credentials wherever a message quotes one (a database URL typed where a rulebook path
# belongs, say): the password in its user info (cskpi.urlsecrets, the rule read.database.mask_url
# uses too) and every secret-named query parameter.
_URL_SECRET = re.compile(rf"([?&;][^=\s&;]*(?:{SECRET_WORDS})[^=\s&;]*=)[^&;\s]*", re.IGNORECASE)


def url_secrets(text: str) -> str:
    """``text`` with every URL password and secret query parameter shown as ***."""
    return _URL_SECRET.sub(r"\1***", mask_userinfo(text))


def problem_line(problem: Problem, lang: Lang, *, redact: bool = False) -> str:
    """One problem (an error or a warning) as one escaped line, URL secrets masked."""
    return visible(url_secrets(problem.render(lang, redact=redact)))


def error_lines(error: CskpiError, lang: Lang, *, redact: bool = False) -> list[str]:
    """Every problem of ``error`` as one escaped line each (a value with a line break in it
    cannot start a line of its own that looks like another message)."""
    return [problem_line(p, lang, redact=redact) for p in error.problems]
