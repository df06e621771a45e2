"""Render the README's pictures from real outputs of the bundled sample, by team:

- docs/scorecard.svg: the terminal scorecard (rich);
- docs/scorecard-html.png and docs/scorecard-phone.png: the HTML scorecard in headless
  Chromium, on a desktop and a phone-sized window (where ``chromium`` is installed);
- docs/excel-summary.png: the Excel summary as printed by LibreOffice (where ``soffice`` and
  ``pdftoppm`` are installed).

August and September are evaluated first into a temporary history, so the October outputs
carry their trend as a monthly run would.

    python docs/make_screenshots.py
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from rich.console import Console

from cskpi.evaluate.periods import parse_period
from cskpi.present.terminal import render_table
from cskpi.rulebook.load import load_rulebook
from cskpi.runs.run import RunOptions, RunRequest, execute

HERE = Path(__file__).resolve().parent
SAMPLE = "samples/2026-10.xlsx"  # relative, as a user types it: the pictures show this path
CHROMIUM_FLAGS = [
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
]


def main() -> None:
    os.chdir(HERE.parent)
    rulebook = load_rulebook()
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        history = tmp / "history.sqlite3"
        for month in ("2026-08", "2026-09"):
            request = RunRequest(
                files=[SAMPLE], rulebook=rulebook, group_by="team", period=parse_period(month)
            )
            execute(request, RunOptions(history=history))
        workbook, page = tmp / "scorecard.xlsx", tmp / "scorecard.html"
        request = RunRequest(files=[SAMPLE], rulebook=rulebook, group_by="team", evidence=True)
        card = execute(request, RunOptions(output=workbook, more_outputs=(page,), history=history))
        console = Console(record=True, width=120, file=io.StringIO())
        render_table(card, console, "zh")
        console.save_svg(
            str(HERE / "scorecard.svg"), title="cskpi evaluate samples/2026-10.xlsx --by team"
        )
        chromium = shutil.which("chromium") or shutil.which("chromium-browser")
        if chromium:
            for name, size in (("scorecard-html", "1200,1750"), ("scorecard-phone", "390,1300")):
                subprocess.run(
                    [
                        chromium,
                        *CHROMIUM_FLAGS,
                        f"--user-data-dir={tmp / 'chromium'}",
                        f"--screenshot={HERE / f'{name}.png'}",
                        f"--window-size={size}",
                        page.as_uri(),
                    ],
                    check=True,
                    capture_output=True,
                    timeout=120,
                )
        soffice = shutil.which("soffice") or shutil.which("libreoffice")
        if soffice and shutil.which("pdftoppm"):
            subprocess.run(
                [soffice, "--headless", "--convert-to", "pdf", "--outdir", str(tmp), str(workbook)],
                check=True,
                capture_output=True,
                timeout=300,
            )
            pdf = str(tmp / "scorecard.pdf")
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
                    "-singlefile",  # excel-summary.png, whatever the page count
                    pdf,
                    str(HERE / "excel-summary"),
                ],
                check=True,
                timeout=120,
            )


if __name__ == "__main__":
    main()
