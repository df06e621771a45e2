"""Build ``samples/2026-10.xlsx``: a realistic month for the customer-service supervisor rulebook.

Every row is written out here (no randomness), so the scorecard in the README can be checked
by hand. The people, customers and phone numbers are invented.

Run: ``python samples/make_samples.py`` (rewrites the workbooks next to this script), or
``python samples/make_samples.py brokerage commitment`` to rebuild only those (openpyxl stamps
the save time into a workbook, so a rebuilt file differs in bytes, never in cells).

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
import sys
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


BROKERAGE_TEAMS = ("柜台组", "咨询组")

DISPUTES = [
    # id, registered, team, handler, type, deadline (blank: +10 working days), resolved,
    # escalated, description, customer, account
    ("JF-0910", D(2026, 9, 10, 10), "柜台组", "王芳", "资金存取", dt.date(2026, 9, 24),
     D(2026, 9, 30, 16), D(2026, 9, 28, 11), "银证转账延迟到账", "孙建国", "310009100001"),
    ("JF-0921", D(2026, 9, 21, 9, 30), "咨询组", "张敏", "交易委托", dt.date(2026, 10, 9),
     D(2026, 10, 9, 15), None, "委托单状态显示错误", "钱丽华", "310009210002"),
    ("JF-0929", D(2026, 9, 29, 14), "柜台组", "刘洋", "佣金费用", None,
     D(2026, 10, 16, 11), None, "佣金费率与约定不符", "周杰", "310009290003"),
    ("JF-1008", D(2026, 10, 8, 10), "咨询组", "杨帆", "行情软件", dt.date(2026, 10, 22),
     D(2026, 10, 20, 9), None, "行情软件开盘时卡顿", "吴敏", "310010080004"),
    ("JF-1012", D(2026, 10, 12, 10), "柜台组", "王芳", "开户资料", None,
     D(2026, 10, 28, 9), None, "开户资料重复提交", "郑浩", "310010120005"),
    ("JF-1013", D(2026, 10, 13, 14), "咨询组", "张敏", "交易委托", dt.date(2026, 10, 27),
     D(2026, 10, 27, 17, 30), None, "撤单未成功", "王秀英", "310010130006"),
    ("JF-1015", D(2026, 10, 15, 9), "柜台组", "陈静", "资金存取", dt.date(2026, 10, 29),
     D(2026, 10, 22, 16), D(2026, 10, 27, 10), "取款额度受限", "冯刚", "310010150007"),
    ("JF-1016", "2026/10/16", "咨询组", "赵磊", "佣金费用", "2026-10-30",
     "2026年10月29日", None, "对账单费用有疑问", "陈晓东", "310010160008"),
    ("JF-1019", D(2026, 10, 19, 10), "柜台组", "李娜", "交易委托", dt.date(2026, 10, 30),
     D(2026, 10, 21, 14), None, "新股申购未成功", "刘春燕", "310010190009"),
    ("JF-1020", D(2026, 10, 20, 9), "咨询组", "黄丽", "行情软件", dt.date(2026, 10, 23),
     D(2026, 10, 23, 11), None, "手机委托无法登录", "杨志强", "310010200010"),
    ("JF-1021", D(2026, 10, 21, 15), "柜台组", "刘洋", "开户资料", dt.date(2026, 10, 31),
     D(2026, 10, 30, 10), None, "身份证更新未生效", "何静", "310010210011"),
    ("JF-1027", D(2026, 10, 27, 10), "咨询组", "杨帆", "交易委托", dt.date(2026, 11, 10),
     None, None, "条件单未触发", "林峰", "310010270012"),
]  # fmt: skip

EVALUATIONS = [
    # employee, team, post, evaluated, score, opinion
    ("王芳", "柜台组", "柜台", dt.date(2026, 10, 28), 85, None),
    ("刘洋", "柜台组", "柜台", dt.date(2026, 10, 28), 90, "提出表扬"),
    ("陈静", "柜台组", "营业资金", dt.date(2026, 10, 28), 78, None),
    ("李娜", "柜台组", "开户", dt.date(2026, 10, 29), 82, None),
    ("张敏", "咨询组", "咨询", dt.date(2026, 10, 29), 88, None),
    ("杨帆", "咨询组", "咨询", dt.date(2026, 10, 29), 75, "提醒改进回访记录"),
    ("赵磊", "咨询组", "回访", dt.date(2026, 10, 30), 90, None),
    ("黄丽", "咨询组", "大户管理员", dt.date(2026, 9, 29), 60, None),
]


def build_brokerage(path: Path) -> None:
    """October 2026 for rules/brokerage-service-supervisor.yaml. Worked out by hand:

    disputes_resolved_on_time  90% >= 90%  pass (9 of the 10 disputes due in October, at the
                                                 target: JF-0921 (due 9 Oct), JF-0929 (blank,
                                                 29 Sep + 10 working days = 19 Oct: 30 Sep,
                                                 8, 9, 10 (make-up day), 12-16, 19), JF-1008,
                                                 JF-1012 (blank, 12 Oct + 10 working days =
                                                 26 Oct, resolved the 28th: late), JF-1013
                                                 (17:30 on its deadline day), JF-1015, JF-1016,
                                                 JF-1019, JF-1020, JF-1021; JF-0910 was due in
                                                 September, JF-1027 is due 10 November)
    disputes_escalated           1 <= 0    fail (JF-1015 on 27 Oct; JF-0910's was in September)
    new_accounts_per_month      24 >= 20   pass (opened 8-31 October; 2 September ones excluded)
    new_accounts_funded      62.5% >= 60%  pass (15 of 24: the 16 with i % 3 != 2 are funded the
                                                 next day, but the one opened 30 October was
                                                 funded 2 November, after the as-of time)
    reports_sent                 5 >= 4    pass (W40, M09, W41, W42, W43 sent in October)
    reports_on_time            80% >= 100% fail (4 of the 5 due in October: W42 due 23 Oct, sent
                                                 the 26th; W44 and M10 are due in November)
    reports_accurate          100% >= 100% pass (5 of 5 sent in October; W39's error was in
                                                 September)
    fund_post_checked            2 >= 1    pass (G-1009, G-1023)
    account_post_checked         2 >= 1    pass (G-1016, G-1028)
    key_account_post_checked     0 >= 1    fail (last checked 24 September)
    post_problems_fixed      66.7% >= 90%  fail (2 of the 3 problems due in October: G-0924 and
                                                 G-1016 on time, G-1023 fixed 2 Nov, after its
                                                 30 Oct deadline; G-1028 is due in November)
    staff_evaluated          87.5% >= 100% fail (7 of 8: 黄丽 last evaluated 29 September)
    staff_quality_score       84.0 >= 80   pass (85+90+78+82+88+75+90 = 588, / 7; 黄丽's
                                                 September 60 is not counted)

    Appraisal: 15 + 10 + 10 + 5 + 5 + 5 + 5 + 5 = 60 points met of 100: 合格, at the band's edge.
    """
    wb = Workbook()
    wb.remove(wb.active)
    _sheet(
        wb,
        "客户纠纷",
        [
            "纠纷编号",
            "登记日期",
            "团队",
            "处理人",
            "纠纷类型",
            "处理期限",
            "解决日期",
            "升级日期",
            "纠纷内容",
            "客户名称",
            "资金账号",
        ],
        DISPUTES,
        banner="2026年10月 客户纠纷登记(含9月跨月纠纷)",
    )
    channels = ("网点", "互联网", "银行合作", "老客户介绍")
    accounts = []
    for i in range(24):
        opened = D(2026, 10, 8 + i, 10)
        funded = None if i % 3 == 2 else opened + dt.timedelta(days=1)
        if i == 22:
            funded = D(2026, 11, 2, 10)  # opened 30 October, funded after the month
        who, team = EVALUATIONS[i % 7][:2]
        accounts.append(
            (f"K{i + 1:04d}", opened, team, who, channels[i % 4], funded, f"客户{i + 1:02d}",
             f"1370000{i + 1:04d}")
        )  # fmt: skip
    accounts += [
        ("K0901", D(2026, 9, 20, 10), "柜台组", "王芳", "网点", D(2026, 9, 21), "客户91", None),
        ("K0902", D(2026, 9, 28, 10), "咨询组", "张敏", "互联网", None, "客户92", None),
    ]
    _sheet(
        wb,
        "新开户",
        ["客户编号", "开户日期", "团队", "客户经理", "开发渠道", "首次入金日期", "客户名称",
         "联系电话"],
        accounts,
    )  # fmt: skip
    _sheet(
        wb,
        "交易情况汇报",
        ["编号", "报告", "应报日期", "报送日期", "数据准确"],
        [
            ("R-W39", "第39周交易周报", dt.date(2026, 9, 30), D(2026, 9, 30, 17), "否"),
            ("R-W40", "第40周交易周报", dt.date(2026, 10, 9), D(2026, 10, 9, 16), "是"),
            ("R-M09", "9月交易月报", dt.date(2026, 10, 12), D(2026, 10, 12, 10), "是"),
            ("R-W41", "第41周交易周报", dt.date(2026, 10, 16), D(2026, 10, 16, 17), "是"),
            ("R-W42", "第42周交易周报", dt.date(2026, 10, 23), D(2026, 10, 26, 9), "是"),
            ("R-W43", "第43周交易周报", dt.date(2026, 10, 30), D(2026, 10, 30, 15), "是"),
            ("R-W44", "第44周交易周报", dt.date(2026, 11, 6), None, None),
            ("R-M10", "10月交易月报", dt.date(2026, 11, 10), None, None),
        ],
    )
    _sheet(
        wb,
        "岗位检查",
        ["编号", "检查日期", "被检查岗位", "检查人", "发现问题", "问题描述", "整改期限",
         "整改完成日期"],
        [
            ("G-0924", dt.date(2026, 9, 24), "大户管理员", "客服主管", "是",
             "大户交易监控记录未按日签字", dt.date(2026, 10, 9), dt.date(2026, 10, 8)),
            ("G-1009", dt.date(2026, 10, 9), "营业资金", "客服主管", "否", None, None, None),
            ("G-1016", dt.date(2026, 10, 16), "开户", "客服主管", "是",
             "两份开户资料缺少风险测评签字", dt.date(2026, 10, 23), dt.date(2026, 10, 22)),
            ("G-1023", dt.date(2026, 10, 23), "营业资金", "客服主管", "是",
             "资金调拨单未双人复核", dt.date(2026, 10, 30), dt.date(2026, 11, 2)),
            ("G-1028", dt.date(2026, 10, 28), "开户", "客服主管", "是", "影像资料上传不全",
             dt.date(2026, 11, 4), None),
        ],
    )  # fmt: skip
    _sheet(
        wb,
        "员工考评",
        ["员工", "团队", "岗位", "考评日期", "工作质量得分", "奖惩意见"],
        EVALUATIONS,
    )
    wb.save(path)


RATED = {7: "不满意", 11: 2, 19: "一般", 5: None}  # the rest are satisfied


def build_commitment(path: Path) -> None:
    """October 2026 for rules/service-commitment.yaml. Worked out by hand:

    appeals_resolved_on_time   95% >= 95%  pass (19 of the 20 due in October, at the target:
                                                 A00 (due 9 Oct), A01-A18 (due 13-30 Oct; A07
                                                 due the 19th, resolved the 21st: late), A20
                                                 (blank, 28 Sep + 5 working days = 10 Oct: 29,
                                                 30 Sep, 8, 9, 10 (make-up day)); A19 is due
                                                 3 November (27 Oct + 5 working days), A21 in
                                                 September)
    appeals_satisfied          85% >= 90%  fail (17 of 20: 21 resolved in October (A00, A01-A18,
                                                 A19, A20), A05 not called back; A07, A11, A19
                                                 not satisfied; A21's answer is September's)
    self_checks_done             4 >= 1    pass (ZC-1001 to ZC-1004)
    self_check_problems_fixed 66.7% >= 90% fail (2 of the 3 due in October: ZC-0902, ZC-1002 on
                                                 time, ZC-1003 fixed the 21st, due the 19th;
                                                 ZC-1004 is due in November)
    staff_trained              90% >= 90%  pass (9 of 10, at the target: 吴婷 last trained in
                                                 September)
    staff_exam_pass_rate      100% >= 90%  pass (9 of the 9 examined in October, one at exactly
                                                 60; 吴婷's September 40 is not counted)
    channels_open_as_promised 98.9% >= 98% pass (92 of 93 channel-days: 3 channels x 31 days,
                                                 the hotline down 1.5 hours on 15 October; the
                                                 hall's short 30 September is September's)
    failures_held_accountable  75% >= 100% fail (3 of the 4 due in October: CW-1009 (blank,
                                                 9 Oct + 10 working days = 22 Oct: 10 (make-up
                                                 day), 12-16, 19-22), CW-1012, CW-1014 on time,
                                                 CW-1016 not held to account; CW-1026 is due
                                                 9 November, CW-0915 in September)

    Appraisal: 20 + 5 + 10 + 10 + 20 = 65 points met of 100: 合格.
    """
    wb = Workbook()
    wb.remove(wb.active)
    appeals: list[tuple] = [
        ("A00", D(2026, 9, 30, 15), "投诉", "一组", "王芳", dt.date(2026, 10, 9),
         D(2026, 10, 8, 10), "满意", "宽带报装超时", "孙建国", "13800138000"),
    ]  # fmt: skip
    for i in range(1, 19):
        who, team = STAFF[i % 10]
        resolved = D(2026, 10, 21, 9) if i == 7 else D(2026, 10, 10 + i, 16)
        answer = RATED.get(i, "非常满意" if i % 2 else 5)
        appeals.append(
            (f"A{i:02d}", D(2026, 10, 7 + i, 10), "申诉" if i % 4 == 0 else "投诉", team, who,
             dt.date(2026, 10, 12 + i), resolved, answer, f"业务问题第{i}号", f"客户{i:02d}",
             f"1360000{i:04d}")
        )  # fmt: skip
    appeals += [
        ("A19", D(2026, 10, 27, 10), "投诉", "三组", "赵磊", None, D(2026, 10, 30, 11),
         RATED[19], "话费扣费有误", "客户19", "13600000019"),
        ("A20", D(2026, 9, 28, 9), "申诉", "二组", "李娜", None, D(2026, 10, 9, 15), 4,
         "套餐变更未生效", "客户20", "13600000020"),
        ("A21", D(2026, 9, 20, 10), "投诉", "一组", "刘洋", dt.date(2026, 9, 25),
         D(2026, 9, 24, 10), "不满意", "营业厅排队过长", "客户21", "13600000021"),
    ]  # fmt: skip
    _sheet(
        wb,
        "申诉投诉",
        ["编号", "受理日期", "类型", "团队", "处理人", "办结期限", "办结日期", "回访满意",
         "内容", "客户名称", "联系电话"],
        appeals,
    )  # fmt: skip
    _sheet(
        wb,
        "自查自纠",
        ["编号", "自查日期", "检查事项", "团队", "发现问题", "问题描述", "整改期限",
         "整改完成日期"],
        [
            ("ZC-0901", dt.date(2026, 9, 21), "服务用语", "一组", "否", None, None, None),
            ("ZC-0902", dt.date(2026, 9, 21), "营业厅设施", "二组", "是", "叫号机故障未报修",
             dt.date(2026, 10, 12), dt.date(2026, 10, 9)),
            ("ZC-1001", dt.date(2026, 10, 12), "前台服务规范", "一组", "否", None, None, None),
            ("ZC-1002", dt.date(2026, 10, 12), "热线接听", "二组", "是",
             "高峰时段未排班补位", dt.date(2026, 10, 19), dt.date(2026, 10, 16)),
            ("ZC-1003", dt.date(2026, 10, 12), "投诉台账", "三组", "是",
             "三起投诉未登记回访结果", dt.date(2026, 10, 19), dt.date(2026, 10, 21)),
            ("ZC-1004", dt.date(2026, 10, 26), "网站信息更新", "三组", "是",
             "资费公告未及时更新", dt.date(2026, 11, 2), None),
        ],
    )  # fmt: skip
    posts = ("营业厅前台", "热线坐席", "网站客服")
    scores = (92, 85, 60, 78, 88, 95, 70, 83, 66)
    training = [
        (who, team, posts[i % 3], dt.date(2026, 10, 16), dt.date(2026, 10, 23), scores[i])
        for i, (who, team) in enumerate(STAFF[:9])
    ]
    training.append(("吴婷", "三组", "网站客服", dt.date(2026, 9, 18), dt.date(2026, 9, 18), 40))
    _sheet(
        wb,
        "培训考试",
        ["员工", "团队", "岗位", "最近培训日期", "最近考试日期", "考试成绩"],
        training,
    )
    channel_days = []
    for day in [dt.date(2026, 9, 30)] + [dt.date(2026, 10, d) for d in range(1, 32)]:
        hall = 6 if dt.date(2026, 10, 1) <= day <= dt.date(2026, 10, 7) else 9  # holiday hours
        for channel, promised in (("营业厅", hall), ("服务热线", 24), ("网站", 24)):
            actual, note = promised, None
            if day == dt.date(2026, 10, 15) and channel == "服务热线":
                actual, note = 22.5, "线路故障 1.5 小时"
            elif day == dt.date(2026, 9, 30) and channel == "营业厅":
                actual, note = 8, "停电提前闭厅"
            channel_days.append((day, channel, promised, actual, note))
    _sheet(wb, "服务渠道", ["日期", "渠道", "承诺服务小时", "实际服务小时", "说明"], channel_days)
    _sheet(
        wb,
        "服务差错",
        ["编号", "发生日期", "团队", "责任人", "差错内容", "追究期限", "追究日期", "追究结果"],
        [
            ("CW-0915", dt.date(2026, 9, 15), "一组", "王芳", "业务办理漏收材料",
             dt.date(2026, 9, 29), dt.date(2026, 9, 28), "通报批评"),
            ("CW-1009", dt.date(2026, 10, 9), "二组", "李娜", "热线误答资费标准", None,
             dt.date(2026, 10, 20), "通报批评,扣减当月绩效 5 分"),
            ("CW-1012", dt.date(2026, 10, 12), "三组", "赵磊", "营业厅叫号顺序错误",
             dt.date(2026, 10, 26), dt.date(2026, 10, 23), "批评教育"),
            ("CW-1014", dt.date(2026, 10, 14), "一组", "刘洋", "回访记录填写错误",
             dt.date(2026, 10, 28), dt.date(2026, 10, 27), "扣减当月绩效 3 分"),
            ("CW-1016", dt.date(2026, 10, 16), "二组", "杨帆", "未按约定时间回电",
             dt.date(2026, 10, 30), None, None),
            ("CW-1026", dt.date(2026, 10, 26), "三组", "黄丽", "网站公告发布错误", None, None,
             None),
        ],
    )  # fmt: skip
    wb.save(path)


SAMPLES = {
    "supervisor": ("2026-10.xlsx", build),
    "manager": ("manager-2026-10.xlsx", build_manager),
    "brokerage": ("brokerage-2026-10.xlsx", build_brokerage),
    "commitment": ("commitment-2026-10.xlsx", build_commitment),
}


if __name__ == "__main__":
    for key in sys.argv[1:] or SAMPLES:
        name, builder = SAMPLES[key]
        builder(HERE / name)
        print(HERE / name)
