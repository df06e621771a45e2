"""`cskpi init`: the files a new user starts from, never overwriting anything."""

from __future__ import annotations

import shutil
from pathlib import Path

from cskpi.atomic import write_text_atomic
from cskpi.errors import OutputError, UsageError
from cskpi.rulebook.load import DEFAULT_RULEBOOK, bundled_dir

SAMPLE = "2026-10.xlsx"


def sample_path() -> Path:
    """The bundled sample month: inside the installed package, or the source checkout."""
    installed = Path(__file__).resolve().parents[1] / "samples" / SAMPLE
    if installed.is_file():
        return installed
    return Path(__file__).resolve().parents[3] / "samples" / SAMPLE


def crontab_line(folder: Path) -> str:
    base = folder.resolve()
    return (
        "# 每月 1 日 06:30 评估上个月 / on the 1st at 06:30, evaluate the previous month\n"
        f"30 6 1 * * cskpi evaluate '{base}/{{period}}.xlsx' --period previous --by team "
        f"--rules '{base}/{DEFAULT_RULEBOOK}.yaml' --quiet -o '{base}/scorecard.xlsx' "
        f"--log-file '{base}/cskpi.log'\n"
    )


def init_folder(folder: Path) -> list[Path]:
    """Copy the rulebook and the sample, and write crontab.txt; refuse if any exists."""
    targets = [folder / f"{DEFAULT_RULEBOOK}.yaml", folder / SAMPLE, folder / "crontab.txt"]
    existing = [p.name for p in targets if p.exists()]
    if existing:
        raise UsageError("usage.init_exists", folder=str(folder), files=", ".join(existing))
    try:
        folder.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(bundled_dir() / f"{DEFAULT_RULEBOOK}.yaml", targets[0])
        shutil.copyfile(sample_path(), targets[1])
    except OSError as exc:
        raise OutputError(
            "output.write_failed", file=str(folder), reason=exc.strerror or str(exc)
        ) from None
    write_text_atomic(targets[2], crontab_line(folder))
    return targets
