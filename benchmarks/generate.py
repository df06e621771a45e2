"""Generate large, realistic monthly workbooks (complaints and survey answers) for benchmarks.

    python benchmarks/generate.py 100000 benchmarks/out/100k.xlsx

Chinese text, a few date styles, ~5% of complaints still unresolved, ratings as numbers and
words. Written with xlsxwriter in constant-memory mode, so a million rows fit comfortably.
"""

from __future__ import annotations

import datetime as dt
import sys
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


def write(rows: int, path: Path, seed: int = 7) -> None:
    rng = np.random.default_rng(seed)
    start = dt.datetime(2026, 10, 1)
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
    minutes = rng.integers(0, 31 * 24 * 60, rows)
    fix_hours = rng.integers(1, 24 * 6, rows)
    teams = rng.integers(0, len(TEAMS), rows)
    agents = rng.integers(0, len(AGENTS), rows)
    texts = rng.integers(0, len(TEXTS), rows)
    unresolved = rng.random(rows) < 0.05
    for i in range(rows):
        received = start + dt.timedelta(minutes=int(minutes[i]))
        r = i + 1
        ws.write_string(r, 0, f"C{i:08d}")
        ws.write_datetime(r, 1, received, date)
        ws.write_string(r, 2, TEAMS[teams[i]])
        ws.write_string(r, 3, AGENTS[agents[i]])
        ws.write_datetime(r, 4, (received + dt.timedelta(days=3)).replace(hour=0, minute=0), day)
        if not unresolved[i]:
            ws.write_datetime(r, 5, received + dt.timedelta(hours=int(fix_hours[i])), date)
        ws.write_string(r, 6, TEXTS[texts[i]])
        ws.write_string(r, 7, AGENTS[(agents[i] + 3) % len(AGENTS)][0] + "先生")
        ws.write_string(r, 8, f"138{i % 100_000_000:08d}")

    ws = book.add_worksheet("客户满意度")
    ws.write_row(
        0, 0, ["问卷编号", "调查日期", "团队", "到达速度", "回答准确", "服务礼貌", "解决结果"]
    )
    scores = rng.choice([5, 5, 5, 4, 4, 3, 2], size=(rows, 4))
    as_word = rng.random(rows) < 0.2
    for i in range(rows):
        r = i + 1
        ws.write_string(r, 0, f"S{i:08d}")
        ws.write_datetime(r, 1, start + dt.timedelta(minutes=int(minutes[i])), date)
        ws.write_string(r, 2, TEAMS[teams[i]])
        for c in range(4):
            score = int(scores[i, c])
            if as_word[i]:
                ws.write_string(r, 3 + c, WORDS[min(3, 5 - score)])
            else:
                ws.write_number(r, 3 + c, score)
    book.close()


if __name__ == "__main__":
    write(int(sys.argv[1]), Path(sys.argv[2]))
