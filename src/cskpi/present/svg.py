"""Small static SVG charts for the HTML scorecard: a sparkline, an interval bar, a budget bar.

Inline SVG needs no script, no font and no file: the page works offline, as an attachment and
in a mail body (where a client shows no SVG, the numbers beside it say the same). Only numbers
computed here go into the drawing; the one text, a tooltip title, is escaped.
"""

from __future__ import annotations

from collections.abc import Sequence

from markupsafe import Markup, escape

# the Excel fills' text colours, so the page and the workbook agree
INK = {
    "pass": "#1E7B34",
    "warn": "#B7791F",
    "fail": "#C0392B",
    "unmet": "#404040",
    "no_data": "#7F7F7F",
    "insufficient": "#7F7F7F",
}
TRACK = "#E6E6E6"
TARGET = "#404040"


def _svg(width: int, height: int, title: str, body: str) -> Markup:
    # numbers formatted here and an escaped title: nothing from the data unescaped
    return Markup(  # noqa: S704
        f'<svg width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-label="{escape(title)}">'
        f"<title>{escape(title)}</title>{body}</svg>"
    )


def _n(value: float) -> str:
    return f"{value:.1f}"


def sparkline(
    points: Sequence[tuple[float | None, str]],
    target: float | None,
    title: str,
    *,
    share: bool = False,
    width: int = 132,
    height: int = 32,
) -> Markup:
    """Values over periods (None: no result), coloured dots by status, the target dashed.

    Shares are drawn on 0-100%; other values from 0 to the largest value or target.
    """
    known = [v for v, _s in points if v is not None]
    if not known:
        return Markup("")
    top = 1.0 if share else max([*known, target or 0.0, 1.0])
    pad = 4.0
    step = (width - 2 * pad) / max(1, len(points) - 1)

    def y(value: float) -> float:
        return height - pad - (height - 2 * pad) * min(max(value / top, 0.0), 1.0)

    parts = []
    if target is not None:
        parts.append(
            f'<line x1="{_n(pad)}" x2="{_n(width - pad)}" y1="{_n(y(target))}" '
            f'y2="{_n(y(target))}" stroke="{TARGET}" stroke-width="1" stroke-dasharray="3 2"/>'
        )
    segment: list[str] = []
    segments = []
    for i, (value, _status) in enumerate(points):
        if value is None:
            segments.append(segment)
            segment = []
            continue
        segment.append(f"{_n(pad + i * step)},{_n(y(value))}")
    segments.append(segment)
    for run in segments:
        if len(run) > 1:
            parts.append(
                f'<polyline points="{" ".join(run)}" fill="none" stroke="#4A6FA5" '
                'stroke-width="1.5"/>'
            )
    for i, (value, status) in enumerate(points):
        if value is not None:
            r = 3 if i == len(points) - 1 else 2
            parts.append(
                f'<circle cx="{_n(pad + i * step)}" cy="{_n(y(value))}" r="{r}" '
                f'fill="{INK.get(status, TARGET)}"/>'
            )
    return _svg(width, height, title, "".join(parts))


def interval_bar(
    low: float,
    high: float,
    actual: float,
    target: float,
    status: str,
    title: str,
    *,
    width: int = 160,
    height: int = 16,
) -> Markup:
    """A share on 0-100%: its 95% interval as a band, the value as a dot, the target a line."""
    pad = 3.0

    def x(value: float) -> float:
        return pad + (width - 2 * pad) * min(max(value, 0.0), 1.0)

    mid = height / 2
    ink = INK.get(status, TARGET)
    body = (
        f'<rect x="{_n(pad)}" y="{_n(mid - 2)}" width="{_n(width - 2 * pad)}" height="4" '
        f'rx="2" fill="{TRACK}"/>'
        f'<rect x="{_n(x(low))}" y="{_n(mid - 4)}" width="{_n(max(x(high) - x(low), 1.0))}" '
        f'height="8" rx="3" fill="{ink}" fill-opacity="0.3"/>'
        f'<line x1="{_n(x(target))}" x2="{_n(x(target))}" y1="1" y2="{height - 1}" '
        f'stroke="{TARGET}" stroke-width="1.5"/>'
        f'<circle cx="{_n(x(actual))}" cy="{_n(mid)}" r="3.5" fill="{ink}"/>'
    )
    return _svg(width, height, title, body)


def budget_bar(
    used: float,
    limit: float,
    projected: float,
    status: str,
    title: str,
    *,
    width: int = 160,
    height: int = 16,
) -> Markup:
    """A count limit still running: used so far (solid), where the pace leads (light), the
    limit (a line)."""
    pad = 3.0
    top = max(limit, projected, used, 1.0) * 1.1

    def x(value: float) -> float:
        return pad + (width - 2 * pad) * min(max(value / top, 0.0), 1.0)

    ink = INK.get(status, TARGET)
    body = (
        f'<rect x="{_n(pad)}" y="3" width="{_n(width - 2 * pad)}" height="{height - 6}" '
        f'rx="2" fill="{TRACK}"/>'
        f'<rect x="{_n(pad)}" y="3" width="{_n(x(projected) - pad)}" height="{height - 6}" '
        f'rx="2" fill="{ink}" fill-opacity="0.3"/>'
        f'<rect x="{_n(pad)}" y="3" width="{_n(x(used) - pad)}" height="{height - 6}" '
        f'rx="2" fill="{ink}"/>'
        f'<line x1="{_n(x(limit))}" x2="{_n(x(limit))}" y1="0" y2="{height}" '
        f'stroke="{TARGET}" stroke-width="1.5"/>'
    )
    return _svg(width, height, title, body)
