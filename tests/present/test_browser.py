"""The HTML scorecard in a real browser: headless Chromium (Debian's ``chromium``; .ci/run
installs it) loads the page, shows the standards and the verdict, takes a screenshot, and
prints it on A4 landscape in the page's colours (the inline style passes the page's own
Content-Security-Policy)."""

from __future__ import annotations

import re
import shutil
import struct
import subprocess
import zlib
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cskpi.cli import app as cli
from tests.conftest import SAMPLE

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(
    CHROMIUM is None,
    reason="Chromium is not installed here (apt-get install chromium); .ci/run installs it",
)
WIDTH, HEIGHT = 1280, 1800


def chromium(profile: Path, *args: str) -> subprocess.CompletedProcess[str]:
    assert CHROMIUM is not None
    flags = [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-crash-reporter",  # no crash upload, ever: tests never reach out
        "--disable-breakpad",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--hide-scrollbars",
        f"--user-data-dir={profile}",
    ]
    return subprocess.run(
        [CHROMIUM, *flags, *args], capture_output=True, text=True, timeout=120, check=True
    )


def png_size(path: Path) -> tuple[int, int]:
    """Width and height from a PNG's header."""
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def pdf_fill_colours(data: bytes) -> set[tuple[int, int, int]]:
    """The RGB fill colours a PDF's content streams paint with (``r g b rg``), as 0-255."""
    text = b""
    for stream in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", data, re.S):
        try:
            text += zlib.decompress(stream)
        except zlib.error:
            continue  # fonts and images
    found = re.findall(rb"([\d.]+) ([\d.]+) ([\d.]+) rg\b", text)
    return {tuple(round(float(v) * 255) for v in rgb) for rgb in found}


@pytest.fixture(scope="module")
def page(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("browser") / "card.html"
    result = CliRunner().invoke(
        cli.app, ["evaluate", str(SAMPLE), "--by", "team", "-o", str(out), "-q"]
    )
    assert result.exit_code == 1, result.output
    return out


def test_chromium_shows_every_standard_and_the_verdict(page, tmp_path):
    dom = chromium(tmp_path / "profile", "--dump-dom", page.as_uri()).stdout
    text = " ".join(re.sub(r"<[^>]+>", " ", dom).split())
    assert "结论:未达标。" in text
    for name in (
        "月度客户投诉次数",
        "月度逾期未解决投诉",
        "季度信息数据投诉",
        "培养出可接替经理的员工",
    ):
        assert name in text
    assert dom.count('class="card c-') == 14


def test_chromium_takes_a_screenshot_of_the_page(page, tmp_path):
    shot = tmp_path / "card.png"
    size = f"--window-size={WIDTH},{HEIGHT}"
    chromium(tmp_path / "profile", f"--screenshot={shot}", size, page.as_uri())
    assert png_size(shot) == (WIDTH, HEIGHT)
    assert shot.stat().st_size > 50_000  # a page of text and charts, not a blank one


def test_chromium_prints_a4_landscape(page, tmp_path):
    pdf = tmp_path / "card.pdf"
    chromium(tmp_path / "profile", "--no-pdf-header-footer", f"--print-to-pdf={pdf}", page.as_uri())
    data = pdf.read_bytes()
    boxes = re.findall(rb"/MediaBox \[0 0 ([\d.]+) ([\d.]+)\]", data)
    assert boxes, "no page in the PDF"
    for width, height in boxes:  # A4 landscape: 297 x 210 mm
        assert round(float(width)) == 842 and round(float(height)) == 595
    assert 2 <= len(boxes) <= 6
    # the inline style was applied (the page's own policy allows it): its colours are painted
    colours = pdf_fill_colours(data)
    assert (0xFD, 0xE2, 0xE0) in colours  # the red verdict band (the sample fails)
    assert (0xE3, 0xF4, 0xE6) in colours  # green 'pass' marks
    assert (0xFF, 0xF3, 0xCC) in colours  # the amber early warning
