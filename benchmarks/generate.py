"""Generate large, realistic workbooks (complaints and survey answers) for benchmarks.

    python benchmarks/generate.py 100000 benchmarks/out/100k.xlsx
    python benchmarks/generate.py 1000000 out.xlsx --agents 2000   # a 2,000-agent call centre
    python benchmarks/generate.py 100000 year.xlsx --agents 9000 --days 365  # all of 2026

Each agent belongs to one team (agent i to team i mod teams); survey answers name the agent
who served, so ``--by agent`` groups both sheets.

Chinese text, a few date styles, ~5% of complaints still unresolved, ratings as numbers and
words. Written with xlsxwriter in constant-memory mode, so a million rows fit comfortably.
"""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path

import numpy as np
import xlsxwriter

TEAMS = ["一组", "二组", "三组", "四组", "五组", "六组"]
AGENTS = ["王芳", "李娜", "张伟", "刘洋", "陈静", "杨帆", "赵磊", "黄丽", "周强", "吴婷"]
TEXTS = [
    "上门维修迟到两小时,客户多次来电催促",
    "退款未按承诺到账,要求说明原因",
    "热线等待超过二十分钟无人接听",
    "配件缺货,维修无法按期完成",
    "发票抬头开错,需要重新开具",
    "安装人员态度不好,客户表示不满",
]
WORDS = ["非常满意", "满意", "一般", "不满意"]
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
GIVEN = ["芳", "娜", "伟", "洋", "静", "帆", "磊", "丽", "强", "婷", "军", "敏", "杰", "艳", "涛"]


def agent_names(n: int) -> list[str]:
    """``n`` distinct agent names: the ten sample names first, then name + staff number."""
    if n <= len(AGENTS):
        return AGENTS[:n]
    return [
        f"{SURNAMES[i % len(SURNAMES)]}{GIVEN[(i // len(SURNAMES)) % len(GIVEN)]}{i:04d}"
        for i in range(n)
    ]


def team_names(n: int) -> list[str]:
    return TEAMS[:n] if n <= len(TEAMS) else [f"{i + 1}组" for i in range(n)]


def write(
    rows: int,
    path: Path,
    seed: int = 7,
    *,
    agents: int = len(AGENTS),
    teams: int = len(TEAMS),
    days: int = 31,
    start: dt.datetime = dt.datetime(2026, 10, 1),
) -> None:
    rng = np.random.default_rng(seed)
    agent_list = agent_names(agents)
    team_list = team_names(teams)
    path.parent.mkdir(parents=True, exist_ok=True)
    book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    date = book.add_format({"num_format": "yyyy-mm-dd hh:mm"})
    day = book.add_format({"num_format": "yyyy-mm-dd"})

    ws = book.add_worksheet("投诉记录")
    headers = [
        "投诉编号",
        "投诉日期",
        "团队",
        "客服人员",
        "承诺期限",
        "解决日期",
        "投诉内容",
        "客户名称",
        "联系电话",
    ]
    ws.write_row(0, 0, headers)
    minutes = rng.integers(0, days * 24 * 60, rows)
    fix_hours = rng.integers(1, 24 * 6, rows)
    who = rng.integers(0, len(agent_list), rows)
    team_of = [team_list[i % len(team_list)] for i in range(len(agent_list))]
    texts = rng.integers(0, len(TEXTS), rows)
    unresolved = rng.random(rows) < 0.05
    for i in range(rows):
        received = start + dt.timedelta(minutes=int(minutes[i]))
        r = i + 1
        ws.write_string(r, 0, f"C{i:08d}")
        ws.write_datetime(r, 1, received, date)
        ws.write_string(r, 2, team_of[who[i]])
        ws.write_string(r, 3, agent_list[who[i]])
        ws.write_datetime(r, 4, (received + dt.timedelta(days=3)).replace(hour=0, minute=0), day)
        if not unresolved[i]:
            ws.write_datetime(r, 5, received + dt.timedelta(hours=int(fix_hours[i])), date)
        ws.write_string(r, 6, TEXTS[texts[i]])
        ws.write_string(r, 7, SURNAMES[who[i] % len(SURNAMES)] + "先生")
        ws.write_string(r, 8, f"138{i % 100_000_000:08d}")

    ws = book.add_worksheet("客户满意度")
    headers = ["问卷编号", "调查日期", "团队", "客服人员", "到达速度", "回答准确"]
    ws.write_row(0, 0, [*headers, "服务礼貌", "解决结果"])
    scores = rng.choice([5, 5, 5, 4, 4, 3, 2], size=(rows, 4))
    as_word = rng.random(rows) < 0.2
    for i in range(rows):
        r = i + 1
        ws.write_string(r, 0, f"S{i:08d}")
        ws.write_datetime(r, 1, start + dt.timedelta(minutes=int(minutes[i])), date)
        ws.write_string(r, 2, team_of[who[i]])
        ws.write_string(r, 3, agent_list[who[i]])
        for c in range(4):
            score = int(scores[i, c])
            if as_word[i]:
                ws.write_string(r, 4 + c, WORDS[min(3, 5 - score)])
            else:
                ws.write_number(r, 4 + c, score)
    book.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("rows", type=int)
    parser.add_argument("path", type=Path)
    parser.add_argument("--agents", type=int, default=len(AGENTS))
    parser.add_argument("--teams", type=int, default=len(TEAMS))
    parser.add_argument("--days", type=int, default=31, help="31: October 2026; 365: all 2026")
    args = parser.parse_args()
    start = dt.datetime(2026, 1, 1) if args.days > 31 else dt.datetime(2026, 10, 1)
    write(args.rows, args.path, agents=args.agents, teams=args.teams, days=args.days, start=start)


if __name__ == "__main__":
    main()
