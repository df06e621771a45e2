"""Build ``samples/2026-10.xlsx``: a realistic month for the customer-service supervisor rulebook.

Every row is written out here (no randomness), so the scorecard in the README can be checked
by hand. The people, customers and phone numbers are invented.

Run: ``python samples/make_samples.py`` (rewrites the workbook next to this script).

Expected October 2026 scorecard (overall):
  complaints_per_month          5      <= 5     pass (exactly at the limit)
  overdue_complaints_per_month  3      <= 1     fail (C202610-003 late, C202610-004 open,
                                                      C202609-014: September, deadline 2 Oct)
  satisfaction_speed            97.5%  >= 95%   pass (39/40)
  satisfaction_accuracy         92.5%  >= 95%   fail (37/40)
  satisfaction_courtesy         100%   >= 95%   pass (38/38, two blank answers)
  satisfaction_outcome          95.0%  >= 95%   pass (38/40, exactly at the target)
  info_complaints_per_quarter   1      <= 1     warn (2026Q4 to date; the August one is Q3;
                                                      1 x 92 days / 31 elapsed = 3.0 at
                                                      this pace, over the limit)
  suggestion_satisfaction       90.0%  >= 90%   pass (9/10)
  tasks_on_time                 85.0%  >= 90%   fail (17/20)
  staff_knows_direction         100%   >= 90%   pass (10/10)
  staff_knows_expectations      90.0%  >= 90%   pass (9/10)
  staff_knows_performance       80.0%  >= 90%   fail (8/10)
  staff_has_skills              90.0%  >= 90%   pass (9/10)
  successor_ready               1      >= 1     pass (excellent level)
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Font

HERE = Path(__file__).resolve().parent
TEAMS = ("一组", "二组", "三组")
STAFF = [
    ("王芳", "一组"),
    ("刘洋", "一组"),
    ("陈静", "一组"),
    ("李娜", "二组"),
    ("张敏", "二组"),
    ("杨帆", "二组"),
    ("赵磊", "三组"),
    ("黄丽", "三组"),
    ("周强", "三组"),
    ("吴婷", "三组"),
]
D = dt.datetime

COMPLAINTS = [
    # id, received, team, agent, promised_by, resolved, description, customer, phone, category
    (
        "C202609-011",
        D(2026, 9, 15, 10, 0),
        "一组",
        "王芳",
        dt.date(2026, 9, 18),
        D(2026, 9, 17, 11, 0),
        "空调安装后漏水",
        "孙建国",
        "13800138011",
        "产品质量",
    ),
    (
        "C202609-014",
        D(2026, 9, 28, 14, 20),
        "三组",
        "赵磊",
        dt.date(2026, 10, 2),
        D(2026, 10, 4, 9, 30),
        "发票开错抬头",
        "钱丽华",
        "13912345014",
        "账务",
    ),
    (
        "C202610-001",
        D(2026, 10, 3, 9, 15),
        "一组",
        "王芳",
        dt.date(2026, 10, 6),
        D(2026, 10, 5, 16, 0),
        "上门维修迟到两小时",
        "周杰",
        "13700001001",
        "维修时效",
    ),
    (
        "C202610-002",
        "2026/10/08",
        "二组",
        "李娜",
        "2026-10-10",
        "2026-10-10 18:30",
        "热线等待超过二十分钟",
        "吴敏",
        "13600002002",
        "服务态度",
    ),
    (
        "C202610-003",
        "2026-10-12 11:05",
        "二组",
        "李娜",
        "2026-10-15",
        "2026年10月17日",
        "退款未按承诺到账",
        "郑浩",
        "13500003003",
        "账务",
    ),
    (
        "C202610-004",
        "2026年10月20日",
        "三组",
        "赵磊",
        dt.date(2026, 10, 23),
        None,
        "配件缺货,维修无法完成",
        "王秀英",
        "13400004004",
        "维修时效",
    ),
    (
        "C202610-005",
        D(2026, 10, 29, 17, 40),
        "一组",
        "刘洋",
        dt.date(2026, 11, 3),
        None,
        '=HYPERLINK("http://example.invalid") 客户在描述中粘贴了公式',
        "冯刚",
        "13300005005",
        "产品质量",
    ),
]

RATING_WORDS = {5: "非常满意", 4: "满意", 3: "一般", 2: "不满意", 1: "非常不满意"}
SURVEY_BAD = {"speed": {5}, "accuracy": {1, 4, 7}, "courtesy": set(), "outcome": {2, 8}}
SURVEY_BLANK = {"courtesy": {10, 20}}


def _answer(i: int, aspect: str) -> object:
    if i in SURVEY_BLANK.get(aspect, set()):
        return None
    score = 2 if i in SURVEY_BAD[aspect] else (5 if i % 3 else 4)
    return RATING_WORDS[score] if i % 4 == 0 else score


def _sheet(
    wb: Workbook, title: str, headers: list[str], rows: list[tuple], banner: str | None = None
) -> None:
    ws = wb.create_sheet(title)
    if banner:
        ws.append([banner])
        ws["A1"].font = Font(bold=True, size=14)
        ws.append([])
    ws.append(headers)
    for row in rows:
        ws.append(list(row))
    for column in ws.columns:
        for cell in column:
            if isinstance(cell.value, dt.datetime):
                cell.number_format = "yyyy-mm-dd hh:mm"
            elif isinstance(cell.value, dt.date):
                cell.number_format = "yyyy-mm-dd"
            elif isinstance(cell.value, str) and cell.value.startswith("="):
                cell.data_type = "s"  # keep pasted formulas as text
    ws.column_dimensions["A"].width = 16


def build(path: Path) -> None:
    wb = Workbook()
    wb.remove(wb.active)
    _sheet(
        wb,
        "投诉记录",
        [
            "投诉编号",
            "投诉日期",
            "团队",
            "客服人员",
            "承诺期限",
            "解决日期",
            "投诉内容",
            "客户名称",
            "联系电话",
            "问题类型",
        ],
        COMPLAINTS,
        banner="2026年10月 客户投诉记录(含9月跨月投诉)",
    )

    survey = [
        (
            f"S{1000 + i}",
            D(2026, 10, 1 + i % 28, 10),
            TEAMS[i % 3],
            *(_answer(i, a) for a in ("speed", "accuracy", "courtesy", "outcome")),
        )
        for i in range(40)
    ]
    survey += [(f"S09{i}", D(2026, 9, 20 + i), TEAMS[i % 3], 1, 1, 1, 1) for i in range(5)]
    _sheet(
        wb,
        "客户满意度",
        ["问卷编号", "调查日期", "团队", "到达速度", "回答准确", "服务礼貌", "解决结果"],
        survey,
    )

    _sheet(
        wb,
        "信息反馈",
        ["编号", "日期", "团队", "反馈人", "问题类型"],
        [
            ("F-0820", dt.date(2026, 8, 20), "二组", "财务部 何总", "提供延迟"),
            ("F-1014", dt.date(2026, 10, 14), "一组", "销售部 林经理", "数据不正确"),
        ],
    )

    suggestions = [
        (f"J{i:03d}", dt.date(2026, 10, 2 + 2 * i), TEAMS[i % 3], "否" if i == 4 else "是")
        for i in range(10)
    ]
    _sheet(wb, "建议反馈", ["编号", "日期", "团队", "是否满意"], suggestions)

    tasks = []
    for i in range(20):
        who, team = STAFF[i % len(STAFF)]
        due = dt.date(2026, 10, 1 + i)
        done: object = due - dt.timedelta(days=1)
        if i == 3:
            done = due + dt.timedelta(days=2)  # late
        elif i == 11:
            done = None  # not done, past due
        elif i == 16:
            done = due + dt.timedelta(days=1)  # late
        tasks.append((who, team, f"回访客户第{i + 1}批", due, done))
    tasks += [
        ("王芳", "一组", "季度回访总结", dt.date(2026, 11, 10), None),
        ("李娜", "二组", "培训课件更新", dt.date(2026, 11, 20), None),
    ]
    _sheet(wb, "工作任务", ["员工", "团队", "任务", "计划完成日期", "实际完成日期"], tasks)

    staff_survey = []
    for i, (who, team) in enumerate(STAFF):
        staff_survey.append(
            (
                who,
                team,
                dt.date(2026, 10, 26),
                "是",
                "否" if i == 7 else "是",
                2 if i in (3, 8) else 5,
                "不满意" if i == 9 else "满意",
            )
        )
    _sheet(
        wb,
        "员工调查",
        [
            "员工",
            "团队",
            "调查日期",
            "理解方向与角色",
            "了解上级期望",
            "了解自身表现",
            "具备知识技能",
        ],
        staff_survey,
    )

    _sheet(
        wb,
        "员工名册",
        ["员工", "团队", "可接替经理"],
        [(who, team, "是" if who == "李娜" else "否") for who, team in STAFF],
    )
    wb.save(path)


def build_manager(path: Path) -> None:
    """October 2026 for rules/customer-service-manager.yaml. Worked out by hand:

    customer_contacts_per_month  64 >= 60  pass (50 电访, 8 信访, 6 上门; 2 September ones excluded)
    contact_methods_used          3 >= 3   pass
    call_record_checks            3 >= 4   fail
    repairs_on_time             80% >= 90% fail (8 of 10 done within 2 working days; one late,
                                                 one not done; the 30 September order is
                                                 September's, due 9 October after the holiday)
    collections_on_time         95% >= 95% pass (19 of 20 paid by the due date)
    collections_accurate        95% >= 98% fail (19 of 20 paid in full; one short by 100)
    new_customers_per_month       3 >= 2   pass
    """
    wb = Workbook()
    wb.remove(wb.active)
    methods = ["电访"] * 50 + ["信访"] * 8 + ["上门"] * 6
    contacts = [
        (
            f"L{i:03d}",
            D(2026, 10, 1 + i % 28, 10),
            TEAMS[i % 3],
            STAFF[i % 10][0],
            m,
            f"客户{i % 17}",
        )
        for i, m in enumerate(methods)
    ]
    contacts += [
        ("L900", D(2026, 9, 29, 10), "一组", "王芳", "电访", "客户1"),
        ("L901", D(2026, 9, 30, 10), "二组", "李娜", "上门", "客户2"),
    ]
    _sheet(
        wb, "客户联系", ["编号", "联系日期", "团队", "客服人员", "联系方式", "客户名称"], contacts
    )
    _sheet(
        wb,
        "电访检查",
        ["编号", "检查日期", "团队", "被检查客服", "需要修改"],
        [
            ("K1", dt.date(2026, 10, 9), "一组", "王芳", "否"),
            ("K2", dt.date(2026, 10, 16), "二组", "李娜", "是"),
            ("K3", dt.date(2026, 10, 23), "三组", "赵磊", "否"),
        ],
    )
    repairs = [
        (
            f"R{i:02d}",
            D(2026, 10, 12, 9),
            TEAMS[i % 3],
            "孙师傅",
            D(2026, 10, 13, 15),
            f"客户{i}",
            f"1390000{i:04d}",
        )
        for i in range(8)
    ]
    repairs += [
        ("R08", D(2026, 10, 12, 9), "二组", "孙师傅", D(2026, 10, 16, 11), "客户8", "13900000008"),
        ("R09", D(2026, 10, 12, 9), "三组", "孙师傅", None, "客户9", "13900000009"),
        ("R90", D(2026, 9, 30, 9), "一组", "孙师傅", D(2026, 10, 9, 10), "客户90", "13900000090"),
    ]
    _sheet(
        wb,
        "上门维修",
        ["工单编号", "报修日期", "团队", "维修人员", "完成日期", "客户名称", "联系电话"],
        repairs,
    )
    collections = []
    for i in range(20):
        due = dt.date(2026, 10, 5 + i)
        paid = due - dt.timedelta(days=1) if i != 7 else due + dt.timedelta(days=3)
        amount = 1000 + 50 * i
        collections.append(
            (f"F{i:03d}", due, paid, amount, amount - 100 if i == 12 else amount, TEAMS[i % 3])
        )
    _sheet(
        wb, "收款", ["单号", "应收日期", "实收日期", "应收金额", "实收金额", "团队"], collections
    )
    _sheet(
        wb,
        "新客户",
        ["客户编号", "签约日期", "团队", "客户名称"],
        [
            ("N1", dt.date(2026, 10, 8), "一组", "华东商贸"),
            ("N2", dt.date(2026, 10, 19), "二组", "宏达物业"),
            ("N3", dt.date(2026, 10, 27), "一组", "鑫源科技"),
        ],
    )
    wb.save(path)


if __name__ == "__main__":
    build(HERE / "2026-10.xlsx")
    build_manager(HERE / "manager-2026-10.xlsx")
    print(HERE / "2026-10.xlsx", HERE / "manager-2026-10.xlsx")
