"""A whole month where every standard of the default rulebook is met, worked out by hand.

The starting point of the never-a-false-pass tests: take one thing away (a sheet, the data
under an example mark, a clock in the past) and the verdict must stop being a pass.
"""

from __future__ import annotations

from pathlib import Path

from tests.conftest import (
    COMPLAINT_HEADERS,
    ROOT,
    SURVEY_HEADERS,
    D,
    Rows,
    complaint,
    write_workbook,
)

INFO_HEADERS = ["编号", "日期", "团队", "反馈人", "问题类型"]
SUGGESTION_HEADERS = ["编号", "日期", "团队", "是否满意"]
TASK_HEADERS = ["员工", "团队", "任务", "计划完成日期", "实际完成日期"]
STAFF_SURVEY_HEADERS = [
    "员工",
    "团队",
    "调查日期",
    "理解方向与角色",
    "了解上级期望",
    "了解自身表现",
    "具备知识技能",
]
ROSTER_HEADERS = ["员工", "团队", "可接替经理"]

# sheet name -> dataset id of the default rulebook
SHEETS = {
    "投诉记录": "complaints",
    "客户满意度": "survey",
    "信息反馈": "info_feedback",
    "建议反馈": "suggestions",
    "工作任务": "tasks",
    "员工调查": "staff_survey",
    "员工名册": "staff",
}


def good_month() -> dict[str, Rows]:
    """October 2026: 2 complaints both resolved early (2 <= 5, 0 overdue <= 1); 20 surveys all
    5 (100% >= 95%); no report complaints (0 <= 1, nothing to project); 10 suggestions all
    satisfied; 10 tasks done the day before they were due; 10 staff answers all 5; one
    successor ready. Every required standard passes, and the excellent one too."""
    return {
        "投诉记录": [
            COMPLAINT_HEADERS,
            complaint("C1", D(2026, 10, 3), promised=D(2026, 10, 6), resolved=D(2026, 10, 4)),
            complaint("C2", D(2026, 10, 12), promised=D(2026, 10, 15), resolved=D(2026, 10, 13)),
        ],
        "客户满意度": [
            SURVEY_HEADERS,
            *[[f"S{i:02d}", D(2026, 10, 1 + i), "一组", 5, 5, 5, 5] for i in range(20)],
        ],
        "信息反馈": [INFO_HEADERS],
        "建议反馈": [
            SUGGESTION_HEADERS,
            *[[f"J{i}", D(2026, 10, 2 + i), "一组", "是"] for i in range(10)],
        ],
        "工作任务": [
            TASK_HEADERS,
            *[
                [f"员工{i}", "一组", f"任务{i}", D(2026, 10, 10 + i), D(2026, 10, 9 + i)]
                for i in range(10)
            ],
        ],
        "员工调查": [
            STAFF_SURVEY_HEADERS,
            *[[f"员工{i}", "一组", D(2026, 10, 20), 5, 5, 5, 5] for i in range(10)],
        ],
        "员工名册": [ROSTER_HEADERS, ["员工0", "一组", "是"]],
    }


def month_book(path: Path, year: int, month: int, *, complaints: int = 2) -> Path:
    """A whole month on disk, every standard met; its ids carry the month, so the three files
    of a quarter never clash. 2 complaints resolved the next day (<= 5, none overdue), 3 survey
    answers all 5, 2 satisfied suggestions, 2 tasks done on their due day, 2 staff answers all
    5, no report complaint, one successor ready. ``complaints=6`` fails complaints_per_month
    (6 > 5) and nothing else."""
    day = lambda d, h=10: D(year, month, d, h)  # noqa: E731 - short and local
    tag = f"{year}{month:02d}"
    return write_workbook(
        path,
        {
            "投诉记录": [
                COMPLAINT_HEADERS,
                *[
                    complaint(f"C{tag}-{i}", day(2 + i), promised=day(20), resolved=day(3 + i))
                    for i in range(complaints)
                ],
            ],
            "客户满意度": [
                SURVEY_HEADERS,
                *[[f"S{tag}-{i}", day(5 + i), "一组", 5, 5, 5, 5] for i in range(3)],
            ],
            "信息反馈": [INFO_HEADERS],
            "建议反馈": [
                SUGGESTION_HEADERS,
                *[[f"G{tag}-{i}", day(6 + i), "一组", "是"] for i in range(2)],
            ],
            "工作任务": [
                TASK_HEADERS,
                ["王芳", "一组", "周报", day(10), day(10, 9)],
                ["李雷", "一组", "回访", day(12), day(12, 9)],
            ],
            "员工调查": [
                STAFF_SURVEY_HEADERS,
                ["王芳", "一组", day(8), 5, 5, 5, 5],
                ["李雷", "一组", day(8), 5, 5, 5, 5],
            ],
            "员工名册": [ROSTER_HEADERS, ["王芳", "一组", "是"], ["李雷", "一组", "否"]],
        },
    )


def rules_for(folder: Path, *datasets: str) -> Path:
    """The default rulebook cut down to ``datasets`` and their standards, written to ``folder``.

    For tests about one kind of sheet: every dataset of the full rulebook must otherwise be
    in the input (a missing one stops the run)."""
    import yaml

    data = yaml.safe_load((ROOT / "rules" / "customer-service-supervisor.yaml").read_text("utf-8"))
    data["datasets"] = {k: v for k, v in data["datasets"].items() if k in datasets}
    data["standards"] = [s for s in data["standards"] if s["dataset"] in datasets]
    path = folder / ("rules-" + "-".join(datasets) + ".yaml")
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def fill_from_examples(path: Path) -> Path:
    """Fill a template as a user would: one own row per sheet, like the example but unmarked."""
    import openpyxl

    book = openpyxl.load_workbook(path)
    for ws in book.worksheets[1:]:  # after the instructions sheet
        header = [c.value for c in ws[1]]
        mark = header.index("示例")
        for col, cell in enumerate(ws[2], start=1):
            ws.cell(row=3, column=col, value=None if col - 1 == mark else cell.value)
            ws.cell(row=3, column=col).number_format = cell.number_format
    book.save(path)
    return path
