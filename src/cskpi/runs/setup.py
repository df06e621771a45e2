"""`cskpi init DIR`: a project folder a new user can run at once, never overwriting anything.

The sample month goes where the project looks for October 2026 (``inputs/2026-10.xlsx``), so
``cskpi run --period 2026-10`` works before any real data exists; the next steps say how to
replace it.
"""

from __future__ import annotations

import shutil
from collections.abc import Sequence
from pathlib import Path

from cskpi.atomic import write_text_atomic
from cskpi.errors import OutputError, UsageError
from cskpi.present.formats import file_suffixes
from cskpi.rulebook.load import DEFAULT_RULEBOOK, bundled_dir
from cskpi.runs.schedule import check_schedulable, crontab_text
from cskpi.runs.settings import DEFAULT_HISTORY, DEFAULT_LOG, SETTINGS_FILE

SAMPLE = "2026-10.xlsx"
SAMPLE_PERIOD = "2026-10"


def sample_path() -> Path:
    """The bundled sample month: inside the installed package, or the source checkout."""
    installed = Path(__file__).resolve().parents[1] / "samples" / SAMPLE
    if installed.is_file():
        return installed
    return Path(__file__).resolve().parents[3] / "samples" / SAMPLE


def is_bundled_sample(paths: Sequence[Path]) -> bool:
    """Every input is byte for byte the bundled sample: a trial run, not a month of records."""
    try:
        sample = sample_path().read_bytes()
        return bool(paths) and all(p.read_bytes() == sample for p in paths)
    except OSError:
        return False


def settings_text(lang: str) -> str:
    """cskpi.toml as written by init: every setting, with what it means (paths relative)."""
    settings = [
        (f'rulebook = "{DEFAULT_RULEBOOK}.yaml"', "规则手册:本文件夹中的文件,或内置名称"),
        ('inputs = ["inputs/{period}.xlsx"]', "每月的数据 / the month's workbook(s)"),
        (
            'outputs = ["scorecards/{period}.xlsx", "scorecards/{period}.html"]',
            "记分卡 / scorecards: " + " ".join(file_suffixes()),
        ),
        (f'history = "{DEFAULT_HISTORY}"', "本项目的历史记录 / this project's history"),
        (f'log = "{DEFAULT_LOG}"', "每次运行一行 / one line per run"),
        ('by = "team"', '按团队评估;"" = 只看总体 / per team; "" = overall only'),
        (f'lang = "{lang}"', "zh | en"),
        ("strict = false", "true: 无数据的标准也算未达标 / no data fails"),
    ]
    width = max(len(code) for code, _ in settings) + 2
    lines = "".join(f"{code.ljust(width)}# {note}\n" for code, note in settings)
    return (
        "# cskpi 项目设置 / project settings. `cskpi run` 在本文件夹(或其子文件夹)中运行。\n"
        "# 路径相对于本文件夹 / paths are relative to this folder;"
        " {period} = 2026-10, {yyyy} = 2026, {mm} = 10.\n"
        "# Windows 路径请用单引号或正斜杠 / Windows paths in single quotes or with slashes:\n"
        "#   'D:\\数据\\{period}.xlsx'  or  \"D:/数据/{period}.xlsx\"\n"
        "\n" + lines + NOTIFY_AND_CALENDAR
    )


NOTIFY_AND_CALENDAR = """
[notify]
# 何时通知 / when: fail = 未达标、数据不完整或运行失败 / failed, incomplete or could not run;
#                  warn = 另加预警 / also warnings; always = 每次 / every run
on = "fail"
# Apprise 地址 / URLs, e.g.
#   "wecombot://机器人key"                                         企业微信群机器人 / WeCom
#   "dingtalk://access_token/"                                     钉钉群机器人 / DingTalk
#   "feishu://token"  "lark://token"                               飞书 / Lark
#   "mailtos://user:password@smtp.example.com?to=boss@example.com" 邮件,附记分卡 / e-mail
#   "json://intranet.example.com/hook"                             JSON webhook
urls = []

[calendar]
# 本地节假日和调休工作日;官方数据尚未收录的年份可逐日补全(见 cskpi calendar)
# local holidays and working days; a year the official data lacks can be listed in full
holidays = []
workdays = []
complete_years = []
"""


def init_project(folder: Path, lang: str = "zh") -> list[Path]:
    """Create the project; refuse, before writing anything, if any of its files exists."""
    rulebook = folder / f"{DEFAULT_RULEBOOK}.yaml"
    sample = folder / "inputs" / SAMPLE
    settings = folder / SETTINGS_FILE
    crontab = folder / "crontab.txt"
    files = [settings, rulebook, sample, crontab]
    check_schedulable(folder)  # before anything is written
    existing = [str(p.relative_to(folder)) for p in files if p.exists()]
    if existing:
        raise UsageError("usage.init_exists", folder=str(folder), files=", ".join(existing))
    try:
        for sub in ("inputs", "scorecards"):
            (folder / sub).mkdir(parents=True, exist_ok=True)
        shutil.copyfile(bundled_dir() / f"{DEFAULT_RULEBOOK}.yaml", rulebook)
        shutil.copyfile(sample_path(), sample)
    except OSError as exc:
        raise OutputError(
            "output.write_failed", file=str(folder), reason=exc.strerror or str(exc)
        ) from None
    write_text_atomic(settings, settings_text(lang))
    write_text_atomic(crontab, crontab_text(folder.resolve()))
    return [settings, rulebook, sample, folder / "scorecards", crontab]
