"""Render the README's pictures: the terminal scorecard (SVG, by rich) and, where LibreOffice
is installed, the Excel summary (PNG).

    python docs/make_screenshots.py
"""

from __future__ import annotations

import io
import shutil
import subprocess
import tempfile
from pathlib import Path

from rich.console import Console

from cskpi.present.terminal import render_table
from cskpi.rulebook.load import load_rulebook
from cskpi.runs.run import RunOptions, RunRequest, execute

HERE = Path(__file__).resolve().parent
SAMPLE = HERE.parent / "samples" / "2026-10.xlsx"


def main() -> None:
    request = RunRequest(files=[str(SAMPLE)], rulebook=load_rulebook(), group_by="team")
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "scorecard.xlsx"
        card = execute(request, RunOptions(output=out, history=None))
        console = Console(record=True, width=120, file=io.StringIO())
        render_table(card, console, "zh")
        console.save_svg(
            str(HERE / "scorecard.svg"), title="cskpi evaluate samples/2026-10.xlsx --by team"
        )
        soffice = shutil.which("soffice") or shutil.which("libreoffice")
        if soffice and shutil.which("pdftoppm"):
            subprocess.run(
                [soffice, "--headless", "--convert-to", "pdf", "--outdir", tmp, str(out)],
                check=True,
                capture_output=True,
                timeout=300,
            )
            subprocess.run(
                [
                    "pdftoppm",
                    "-png",
                    "-r",
                    "110",
                    "-f",
                    "1",
                    "-l",
                    "1",
                    str(Path(tmp) / "scorecard.pdf"),
                    str(HERE / "excel-summary"),
                ],
                check=True,
                timeout=120,
            )


if __name__ == "__main__":
    main()
