"""Every user-facing string, in Chinese and English.

One catalog, keyed by a stable id, so a test can prove that no message lacks a
translation and the terminal, JSON and error text all speak the chosen language.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal

Lang = Literal["zh", "en"]
LANGS: tuple[Lang, ...] = ("zh", "en")

CATALOG: dict[str, dict[str, str]] = {
    # --- statuses and labels -------------------------------------------------------
    "status.pass": {"zh": "达标", "en": "pass"},
    "status.warn": {"zh": "预警", "en": "warn"},
    "status.fail": {"zh": "未达标", "en": "fail"},
    "status.no_data": {"zh": "无数据", "en": "no data"},
    "status.insufficient": {"zh": "样本不足", "en": "too few answers"},
    "summary.insufficient": {"zh": " · 样本不足 {n}", "en": " · {n} too few answers"},
    "appraisal.line": {
        "zh": "考核得分({group}):{score} 分,等级 {grade}{lifted}。",
        "en": "Appraisal ({group}): score {score}, grade {grade}{lifted}.",
    },
    "appraisal.lifted": {
        "zh": "(优秀绩效:培养出可接替经理的员工且必达标准全部达标)",
        "en": " (lifted: a successor trained and every required standard met)",
    },
    "appraisal.left_out": {
        "zh": "无数据、未计入得分的标准:{standards}。",
        "en": "Left out of the score for lack of data: {standards}.",
    },
    "appraisal.none": {"zh": "无法评分(没有可计分的数据)", "en": "no score (nothing to score)"},
    "label.score": {"zh": "得分", "en": "Score"},
    "label.grade": {"zh": "等级", "en": "Grade"},
    "label.ci": {"zh": "95% 置信区间", "en": "95% interval"},
    "label.standard": {"zh": "绩效标准", "en": "Standard"},
    "label.period": {"zh": "期间", "en": "Period"},
    "label.actual": {"zh": "实际", "en": "Actual"},
    "label.target": {"zh": "目标", "en": "Target"},
    "label.status": {"zh": "结果", "en": "Status"},
    "label.level": {"zh": "级别", "en": "Level"},
    "label.evidence": {"zh": "相关记录", "en": "Rows"},
    "label.overall": {"zh": "全部", "en": "Overall"},
    "label.id": {"zh": "编号", "en": "ID"},
    "label.dataset": {"zh": "数据表", "en": "Dataset"},
    "label.metric": {"zh": "指标", "en": "Metric"},
    "label.description": {"zh": "说明", "en": "Description"},
    "label.comparison": {"zh": "比较", "en": "Comparison"},
    "label.as_of": {"zh": "截至", "en": "As of"},
    "label.rulebook": {"zh": "规则手册", "en": "Rulebook"},
    "label.generated_at": {"zh": "生成时间", "en": "Generated at"},
    "label.input_file": {"zh": "输入文件", "en": "Input file"},
    "label.sample_size": {"zh": "样本数", "en": "Sample size"},
    "label.row": {"zh": "原表行号", "en": "Source row"},
    "label.days_late": {"zh": "逾期天数", "en": "Days late"},
    "label.category": {"zh": "问题类型", "en": "Category"},
    "label.count": {"zh": "数量", "en": "Count"},
    "label.share": {"zh": "占比", "en": "Share"},
    "label.total": {"zh": "合计", "en": "Total"},
    "label.evidence_title": {
        "zh": "{standard}({period}):相关记录 {n} 条",
        "en": "{standard} ({period}): {n} rows behind it",
    },
    "label.more_rows": {"zh": "……另有 {n} 条", "en": "... and {n} more"},
    "title.waivers": {"zh": "豁免记录", "en": "Waivers on record"},
    "label.reason": {"zh": "原因", "en": "Reason"},
    "label.approver": {"zh": "批准人", "en": "Approver"},
    "label.date": {"zh": "日期", "en": "Date"},
    "label.waived": {"zh": "豁免", "en": "Waived"},
    "sheet.waivers": {"zh": "豁免", "en": "Waivers"},
    "explain.data": {
        "zh": "数据:工作表「{sheet}」,读取列:{columns}。",
        "en": "Data: sheet {sheet}; columns read: {columns}.",
    },
    "explain.period.month": {
        "zh": "期间:按「{column}」落在每个自然月内的记录(到评估时间为止)。",
        "en": "Period: rows whose {column} falls in each calendar month (up to the as-of time).",
    },
    "explain.period.quarter": {
        "zh": "期间:按「{column}」落在自然季度内的记录(到评估时间为止)。",
        "en": "Period: rows whose {column} falls in the calendar quarter (up to the as-of time).",
    },
    "explain.period.year": {
        "zh": "期间:按「{column}」落在自然年内的记录(到评估时间为止)。",
        "en": "Period: rows whose {column} falls in the calendar year (up to the as-of time).",
    },
    "explain.snapshot": {
        "zh": "期间:不按日期筛选,表中所有记录都计入(快照)。",
        "en": "Period: none; every row of the sheet counts (a snapshot).",
    },
    "explain.filter": {
        "zh": "计入的记录:满足 {filter} 的记录;无法判断(空白)的不计入。",
        "en": "Rows counted: those where {filter} holds; rows where it cannot be told (blank) "
        "are not counted.",
    },
    "explain.count": {"zh": "指标:记录条数。", "en": "Metric: the number of rows."},
    "explain.share": {
        "zh": "指标:满足 {condition} 的比例;分母是作答的记录,空白答案不计入。",
        "en": "Metric: the share of rows where {condition} holds, among the rows that answered "
        "(blank answers are left out).",
    },
    "explain.min_answers": {
        "zh": "少于 {n} 个答案时结果为「样本不足」,不判定达标与否。",
        "en": "With fewer than {n} answers the result is 'too few answers', neither pass nor fail.",
    },
    "explain.column_metric": {
        "zh": "指标:「{column}」的 {metric}。",
        "en": "Metric: the {metric} of {column}.",
    },
    "explain.target": {
        "zh": "目标:{target}。级别:{level},权重 {weight}。",
        "en": "Target: {target}. Level: {level}, weight {weight}.",
    },
    "explain.warn": {
        "zh": "预警:达到目标但未达到 {warn} 时显示预警。",
        "en": "Warning: shown when the target is met but {warn} is not.",
    },
    "explain.source": {"zh": "原文:{source}", "en": "Source (Chinese original): {source}"},
    "rules.unknown_standard": {
        "zh": "规则手册中没有标准「{standard}」{hint}(可用:{known})。",
        "en": "no standard '{standard}' in the rulebook{hint} (known: {known}).",
    },
    "usage.exists": {
        "zh": "{file} 已存在;不会覆盖(需要时加 --force)。",
        "en": "{file} already exists; not overwriting it (add --force to replace it).",
    },
    "usage.init_exists": {
        "zh": "{folder} 中已有 {files};不会覆盖任何文件。",
        "en": "{folder} already has {files}; nothing was overwritten.",
    },
    "template.written": {"zh": "已生成模板:{file}", "en": "template written: {file}"},
    "init.written": {"zh": "已创建:{file}", "en": "created: {file}"},
    "title.columns": {"zh": "表头匹配", "en": "Header matches"},
    "label.sheet": {"zh": "工作表", "en": "Sheet"},
    "label.field": {"zh": "字段", "en": "Field"},
    "label.header": {"zh": "表头", "en": "Header"},
    "label.column": {"zh": "列", "en": "Column"},
    "columns.missing": {"zh": "未找到(最接近:{closest})", "en": "not found (closest: {closest})"},
    "columns.closest": {"zh": "最接近「{closest}」", "en": "closest '{closest}'"},
    "columns.line": {
        "zh": "{file} › {sheet}:匹配 {found}/{total} 个字段;未找到:{missing}",
        "en": "{file} › {sheet}: {found} of {total} fields matched; not found: {missing}",
    },
    "label.trend": {"zh": "趋势", "en": "Trend"},
    "label.streak": {"zh": "连续未达标", "en": "Fail streak"},
    "title.history": {"zh": "历史记录", "en": "History"},
    "history.empty": {
        "zh": "历史记录中还没有结果(每次 cskpi evaluate 都会记录)。",
        "en": "No results in the history yet (every cskpi evaluate records one).",
    },
    "sheet.trend": {"zh": "趋势", "en": "Trend"},
    "chart.trend": {
        "zh": "{standard}:最近各期实际与目标",
        "en": "{standard}: actual and target by period",
    },
    "progress.reading": {"zh": "正在读取 {file} › {sheet} …", "en": "reading {file} › {sheet} ..."},
    "progress.read": {"zh": "{file} › {sheet}:{rows} 行", "en": "{file} › {sheet}: {rows} rows"},
    "value.yes": {"zh": "是", "en": "yes"},
    "value.no": {"zh": "否", "en": "no"},
    "sheet.summary": {"zh": "总览", "en": "Summary"},
    "sheet.chart": {"zh": "图表", "en": "Chart"},
    "sheet.categories": {"zh": "问题类型", "en": "Categories"},
    "chart.share": {"zh": "比例类标准:实际与目标", "en": "Share standards: actual and target"},
    "chart.count": {"zh": "数量类标准:实际与目标", "en": "Count standards: actual and target"},
    "level.required": {"zh": "必达", "en": "required"},
    "level.excellent": {"zh": "优秀", "en": "excellent"},
    "title.scorecard": {
        "zh": "绩效评估 {period}(截至 {as_of})· {rulebook}",
        "en": "Scorecard {period} (as of {as_of}) · {rulebook}",
    },
    "title.rules": {"zh": "规则手册 {rulebook}", "en": "Rulebook {rulebook}"},
    "summary.line": {
        "zh": "共 {total} 项:达标 {pass_} · 预警 {warn} · 未达标 {fail} · 无数据 {no_data}{insufficient}"
        "。必达标准未达标 {required_failed} 项。",
        "en": "{total} results: {pass_} pass · {warn} warn · {fail} fail · {no_data} no data"
        "{insufficient}. Required standards failed: {required_failed}.",
    },
    "summary.excellent": {
        "zh": "优秀绩效:已达成(培养出可以替代经理的员工,且所有必达标准达标)。",
        "en": "Excellent performance: earned (successor trained and every required standard met).",
    },
    "summary.skipped": {
        "zh": "{dataset}:{n} 行含无法识别的值,按规则手册已跳过,未计入。",
        "en": "{dataset}: {n} rows with unreadable values were skipped, as the rulebook says.",
    },
    "summary.verdict_ok": {"zh": "结论:达标。", "en": "Verdict: standards met."},
    "summary.verdict_fail": {"zh": "结论:未达标。", "en": "Verdict: standards not met."},
    "budget.line": {
        "zh": "{name}({period}):已用 {used}/{limit},剩余 {days} 天,按当前速度预计 {projected}。",
        "en": "{name} ({period}): {used} of {limit} used, {days} days left, "
        "{projected} at the current pace.",
    },
    "rules.ok": {
        "zh": "{file}:规则手册有效,共 {n} 项标准。",
        "en": "{file}: rulebook is valid, {n} standards.",
    },
    "warning.prefix": {"zh": "注意", "en": "warning"},
    "error.prefix": {"zh": "错误", "en": "error"},
    # --- input errors -------------------------------------------------------------
    "input.file_not_found": {
        "zh": "{file}:文件不存在。",
        "en": "{file}: file not found.",
    },
    "input.not_a_file": {
        "zh": "{file}:不是文件(可能是文件夹)。",
        "en": "{file}: not a file (is it a folder?).",
    },
    "input.empty_file": {
        "zh": "{file}:文件为空(0 字节)。",
        "en": "{file}: the file is empty (0 bytes).",
    },
    "input.encrypted": {
        "zh": "{file}:工作簿已加密(有密码保护),请另存一份未加密的副本。",
        "en": "{file}: workbook is encrypted (password-protected); save an unprotected copy.",
    },
    "input.wrong_format": {
        "zh": "{file}:不是 Excel 工作簿,看起来是 {kind}。",
        "en": "{file}: not an Excel workbook; it looks like {kind}.",
    },
    "input.unsupported_suffix": {
        "zh": "{file}:不支持的文件类型 {suffix}(支持 .xlsx .xlsm .xls .ods)。",
        "en": "{file}: unsupported file type {suffix} (supported: .xlsx .xlsm .xls .ods).",
    },
    "input.corrupt": {
        "zh": "{file}:无法读取工作簿,文件可能已损坏({reason})。",
        "en": "{file}: cannot read the workbook; it may be corrupt ({reason}).",
    },
    "input.permission": {
        "zh": "{file}:没有读取权限。",
        "en": "{file}: permission denied.",
    },
    "input.no_header": {
        "zh": "{file},工作表「{sheet}」:前 {n} 行中找不到表头(应包含 {columns})。",
        "en": "{file}, sheet '{sheet}': no header row in the first {n} rows "
        "(expected headers such as {columns}).",
    },
    "input.missing_column": {
        "zh": "{file},工作表「{sheet}」:缺少必需的列「{column}」(可用表头:{aliases}){hint}",
        "en": "{file}, sheet '{sheet}': required column '{column}' is missing "
        "(accepted headers: {aliases}){hint}",
    },
    "input.missing_column_hint": {
        "zh": ";最接近的表头是「{near}」。",
        "en": "; the closest header found is '{near}'.",
    },
    "input.duplicate_header": {
        "zh": "{file},工作表「{sheet}」:第 {row} 行的表头「{header}」出现了两次(第 {a} 列和第 {b} 列)。",
        "en": "{file}, sheet '{sheet}': header '{header}' appears twice in row {row} "
        "(columns {a} and {b}).",
    },
    "input.bad_value": {
        "zh": "{file},工作表「{sheet}」,第 {row} 行,{column} 列(「{header}」):无法识别的{kind}「{value}」。",
        "en": "{file}, sheet '{sheet}', row {row}, column {column} ('{header}'): "
        "unreadable {kind} '{value}'.",
    },
    "input.bad_values_more": {
        "zh": "……另有 {n} 个无法识别的单元格。",
        "en": "... and {n} more unreadable cells.",
    },
    "input.no_dated_rows": {
        "zh": "输入文件中没有带日期的记录,无法确定期间;请用 --period 指定。",
        "en": "no dated rows in the input, so the period cannot be guessed; pass --period.",
    },
    "input.sheet_missing": {
        "zh": "{file}:没有数据表「{dataset}」对应的工作表(查找了 {names};现有工作表:{present}),"
        "相关标准显示为无数据。",
        "en": "{file}: no sheet for dataset '{dataset}' (looked for {names}; sheets present: "
        "{present}); its standards show no data.",
    },
    "punct.end": {"zh": "。", "en": "."},
    "input.zip_bomb": {
        "zh": "{file}:拒绝读取,压缩包异常(疑似压缩炸弹:{reason})。",
        "en": "{file}: refused, the archive looks like a zip bomb ({reason}).",
    },
    "input.xml_entities": {
        "zh": "{file}:拒绝读取,{part} 含有 XML 实体声明(DOCTYPE/ENTITY)。",
        "en": "{file}: refused, {part} declares XML entities (DOCTYPE/ENTITY).",
    },
    "input.cell_error": {
        "zh": "{file},工作表「{sheet}」,第 {row} 行,{column} 列(「{header}」):单元格是错误值 {value}。",
        "en": "{file}, sheet '{sheet}', row {row}, column {column} ('{header}'): the cell holds "
        "the error {value}.",
    },
    "input.formula_uncached": {
        "zh": "{file},工作表「{sheet}」,第 {row} 行,{column} 列(「{header}」):公式没有保存计算结果"
        "(请在 Excel 中打开并保存该工作簿)。",
        "en": "{file}, sheet '{sheet}', row {row}, column {column} ('{header}'): a formula with "
        "no saved result (open and save the workbook in Excel).",
    },
    "input.calendar_range": {
        "zh": "工作日历不包含 {date}(chinesecalendar 目前覆盖 2004–2026 年;请在规则手册的 calendar 中补充)。",
        "en": "the working-day calendar does not cover {date} (chinesecalendar covers 2004-2026; "
        "add the days to the rulebook's calendar).",
    },
    "waivers.incomplete": {
        "zh": "{where}:豁免缺少 {fields}(每条豁免都需要编号、原因和批准人)。",
        "en": "{where}: the waiver lacks {fields} (each needs a record id, a reason and an "
        "approver).",
    },
    "waivers.unknown_standard": {
        "zh": "{where}:豁免指向未知的标准「{standard}」(可用:all, {known})。",
        "en": "{where}: the waiver names an unknown standard '{standard}' (known: all, {known}).",
    },
    "waivers.shape": {
        "zh": "{file}:豁免文件应为 waivers: 列表。",
        "en": "{file}: a waivers file holds a list under 'waivers:'.",
    },
    "waivers.no_sheet": {
        "zh": "{file}:没有「豁免」工作表(现有:{present})。",
        "en": "{file}: no sheet named 豁免 / waivers (sheets present: {present}).",
    },
    "waivers.unknown_id": {
        "zh": "豁免的记录编号「{id}」(标准 {standard})在输入数据中不存在,未生效。",
        "en": "waiver for record '{id}' (standard {standard}) matches no row of the input; "
        "it has no effect.",
    },
    "input.no_dataset": {
        "zh": "{file}:表头与规则手册中的任何数据表都不匹配,已跳过。",
        "en": "{file}: its headers match no dataset of the rulebook; skipped.",
    },
    "input.undecodable": {
        "zh": "{file},第 {line} 行:既不是 UTF-8 也不是 GBK/GB18030 编码,无法读取。",
        "en": "{file}, line {line}: neither UTF-8 nor GBK/GB18030; cannot decode it.",
    },
    "kind.date": {"zh": "日期", "en": "date"},
    "kind.rating": {"zh": "评分", "en": "rating"},
    "kind.yesno": {"zh": "是/否", "en": "yes/no"},
    "kind.number": {"zh": "数字", "en": "number"},
    "kind.text": {"zh": "文本", "en": "text"},
    "kind.bool": {"zh": "是/否", "en": "yes/no"},
    # --- rulebook errors -----------------------------------------------------------
    "rules.not_found": {
        "zh": "找不到规则手册「{name}」(内置:{known})。",
        "en": "rulebook '{name}' not found (bundled: {known}).",
    },
    "rules.unreadable": {
        "zh": "{file}:无法读取规则手册({reason})。",
        "en": "{file}: cannot read the rulebook ({reason}).",
    },
    "rules.too_large": {
        "zh": "{file}:规则手册过大({size} 字节,上限 {limit})。",
        "en": "{file}: rulebook too large ({size} bytes; the limit is {limit}).",
    },
    "rules.yaml_syntax": {
        "zh": "{file}:{line}:YAML 语法错误:{detail}",
        "en": "{file}:{line}: YAML syntax error: {detail}",
    },
    "rules.yaml_tag": {
        "zh": "{file}:{line}:不允许的 YAML 标签 {tag}(规则手册只能包含普通数据)。",
        "en": "{file}:{line}: YAML tag {tag} is not allowed (a rulebook holds plain data only).",
    },
    "rules.yaml_alias": {
        "zh": "{file}:{line}:规则手册中不允许使用 YAML 别名(*{alias})。",
        "en": "{file}:{line}: YAML aliases (*{alias}) are not allowed in a rulebook.",
    },
    "rules.duplicate_key": {
        "zh": "{file}:{line}:重复的键「{key}」(第一次出现在第 {first} 行)。",
        "en": "{file}:{line}: duplicate key '{key}' (first at line {first}).",
    },
    "rules.invalid": {
        "zh": "{file}:{line}:{path}:{detail}",
        "en": "{file}:{line}: {path}: {detail}",
    },
    "rules.expression": {
        "zh": "{file}:{line}:标准「{standard}」的 {key}:{detail}",
        "en": "{file}:{line}: standard '{standard}', {key}: {detail}",
    },
    "rules.unknown_key": {"zh": "未知的键「{key}」{hint}", "en": "unknown key '{key}'{hint}"},
    "rules.allowed_keys": {"zh": "(可用:{known})", "en": " (allowed: {known})"},
    "rules.missing_key": {"zh": "缺少必填的键「{key}」", "en": "the key '{key}' is required"},
    "rules.not_allowed": {
        "zh": "不允许的值 {value},应为 {allowed}",
        "en": "{value} is not allowed; expected {allowed}",
    },
    "rules.not_a_number": {"zh": "应为数字,实际是 {value}", "en": "expected a number, got {value}"},
    "format.zip": {"zh": "zip 压缩包(也许是工作簿?)", "en": "a zip archive (a workbook?)"},
    "format.binary": {"zh": "未知的二进制文件", "en": "an unknown binary file"},
    "rules.unknown_dataset": {
        "zh": "未知的数据表「{dataset}」(已定义:{known})",
        "en": "unknown dataset '{dataset}' (defined: {known})",
    },
    "rules.not_a_date_column": {
        "zh": "列「{column}」不是日期类型,而是{kind}",
        "en": "column '{column}' is not a date column but {kind}",
    },
    "rules.duplicate_standard": {
        "zh": "标准编号「{standard}」重复",
        "en": "standard id '{standard}' is used twice",
    },
    "rules.metric_needs": {
        "zh": "指标 {metric} 需要设置 {field}",
        "en": "metric {metric} needs {field}",
    },
    "rules.metric_forbids": {
        "zh": "指标 {metric} 不使用 {field}",
        "en": "metric {metric} does not use {field}",
    },
    "rules.metric_numeric": {
        "zh": "指标 {metric} 需要数字列,但「{column}」是{kind}",
        "en": "metric {metric} needs a number column, but '{column}' is {kind}",
    },
    # --- expression errors -----------------------------------------------------------
    "expr.too_long": {
        "zh": "表达式过长({n} 个字符,上限 {limit})",
        "en": "expression too long ({n} characters; the limit is {limit})",
    },
    "expr.too_deep": {
        "zh": "表达式嵌套过深(上限 {limit} 层)",
        "en": "expression nested too deeply (the limit is {limit} levels)",
    },
    "expr.too_many_tokens": {
        "zh": "表达式过于复杂(超过 {limit} 个词元)",
        "en": "expression too complex (more than {limit} tokens)",
    },
    "expr.unexpected_char": {
        "zh": "第 {pos} 个字符「{char}」不是表达式语言的一部分",
        "en": "character '{char}' at position {pos} is not part of the expression language",
    },
    "expr.forbidden": {
        "zh": "第 {pos} 个字符处:不允许使用{construct}(表达式只能比较列与值)",
        "en": "{construct} at position {pos} is not allowed "
        "(expressions only compare columns and values)",
    },
    "construct.call": {"zh": "函数调用", "en": "a function call"},
    "construct.attribute": {"zh": "属性访问(.)", "en": "attribute access (.)"},
    "construct.subscript": {
        "zh": "下标或列表推导([ ])",
        "en": "a subscript or comprehension ([ ])",
    },
    "construct.lambda": {"zh": "lambda", "en": "lambda"},
    "construct.fstring": {"zh": "f 字符串", "en": "an f-string"},
    "construct.decorator": {"zh": "@ 运算", "en": "the @ operator"},
    "construct.power": {"zh": "幂运算(**)", "en": "exponentiation (**)"},
    "construct.arithmetic": {"zh": "算术运算", "en": "arithmetic"},
    "construct.dunder": {"zh": "双下划线名称", "en": "a double-underscore name"},
    "construct.keyword": {"zh": "Python 关键字「{word}」", "en": "the Python keyword '{word}'"},
    "expr.unterminated": {
        "zh": "第 {pos} 个字符处的字符串没有结束引号",
        "en": "the string starting at position {pos} has no closing quote",
    },
    "expr.unexpected": {
        "zh": "第 {pos} 个字符处出现意外的「{token}」,应为{expected}",
        "en": "unexpected '{token}' at position {pos}; expected {expected}",
    },
    "expr.unexpected_end": {
        "zh": "表达式意外结束,应为{expected}",
        "en": "the expression ends too early; expected {expected}",
    },
    "expected.operand": {"zh": "列名或值", "en": "a column or a value"},
    "expected.close_paren": {"zh": "「)」", "en": "')'"},
    "expected.end": {"zh": "表达式结束", "en": "the end of the expression"},
    "expected.blank": {"zh": "「blank」", "en": "'blank'"},
    "expected.in_list": {"zh": "「(值1, 值2, …)」", "en": "'(value, value, ...)'"},
    "expr.unknown_column": {
        "zh": "数据表「{dataset}」中没有列「{column}」{hint}",
        "en": "no column '{column}' in dataset '{dataset}'{hint}",
    },
    "expr.did_you_mean": {"zh": "(是否想写「{near}」?)", "en": " (did you mean '{near}'?)"},
    "expr.type_mismatch": {
        "zh": "无法将{left}与{right}比较(「{op}」)",
        "en": "cannot compare {left} with {right} ('{op}')",
    },
    "expr.not_boolean": {
        "zh": "条件必须是真/假,但这里是{kind}",
        "en": "a condition must be true/false, but this is {kind}",
    },
    "expr.bad_date_literal": {
        "zh": "「{value}」不是日期(应为 YYYY-MM-DD)",
        "en": "'{value}' is not a date (expected YYYY-MM-DD)",
    },
    "expr.bad_bool_literal": {
        "zh": "「{value}」不是是/否值",
        "en": "'{value}' is not a yes/no value",
    },
    "expr.ordering_bool": {
        "zh": "是/否值不能比较大小(「{op}」)",
        "en": "yes/no values cannot be ordered ('{op}')",
    },
    "expr.contains_text": {
        "zh": "contains 只能用于文本列",
        "en": "contains works on text columns only",
    },
    # --- usage errors -----------------------------------------------------------------
    "usage.bad_period": {
        "zh": "--period「{value}」无效:应为 2026-10、2026Q3、2026 或 previous。",
        "en": "--period '{value}' is not valid: expected 2026-10, 2026Q3, 2026 or previous.",
    },
    "usage.bad_as_of": {
        "zh": "--as-of「{value}」无效:应为 2026-10-20 或 2026-10-20 14:00。",
        "en": "--as-of '{value}' is not valid: expected 2026-10-20 or 2026-10-20 14:00.",
    },
    "usage.as_of_before_period": {
        "zh": "--as-of {as_of} 早于期间 {period} 的开始。",
        "en": "--as-of {as_of} is before the start of period {period}.",
    },
    "usage.unknown_group": {
        "zh": "--by「{value}」:规则手册中没有这一列{hint}(可用:{known})。",
        "en": "--by '{value}': no such column in the rulebook{hint} (known: {known}).",
    },
    "usage.bad_lang": {
        "zh": "--lang「{value}」无效:应为 zh 或 en。",
        "en": "--lang '{value}' is not valid: expected zh or en.",
    },
    "usage.bad_format": {
        "zh": "--format「{value}」无效:应为 {known}。",
        "en": "--format '{value}' is not valid: expected one of {known}.",
    },
    "history.locked": {
        "zh": "{file}:另一个 cskpi 正在写入历史记录,等待 {seconds} 秒后放弃;请稍后重试。",
        "en": "{file}: another cskpi run is writing the history; gave up after {seconds} s. "
        "Retry later.",
    },
    "input.not_ready": {
        "zh": "{file}:文件尚未就绪({reason}),请稍后重试。",
        "en": "{file}: input not ready ({reason}); retry later.",
    },
    "reason.owner_file": {
        "zh": "Excel 正在打开它:旁边有 {owner}",
        "en": "it is open in Excel: {owner} is beside it",
    },
    "reason.recent": {
        "zh": "刚在 {seconds} 秒前被修改,且无法读取",
        "en": "modified {seconds} s ago and not readable yet",
    },
    "input.template_missing": {
        "zh": "{file}:找不到期间 {period} 的输入文件(由 {template} 生成)。",
        "en": "{file}: no input for period {period} (from the template {template}).",
    },
    "input.template_month_missing": {
        "zh": "{file}:季度/年度标准所需的 {period} 文件不存在,按缺少处理。",
        "en": "{file}: the {period} file for quarterly or yearly standards does not exist; "
        "treated as missing.",
    },
    "input.duplicate_ids": {
        "zh": "{dataset}:{file} 中有 {n} 行的编号已出现在 {first} 中(如 {example}),只计一次。",
        "en": "{dataset}: {n} rows of {file} have ids already read from {first} "
        "(e.g. {example}); each is counted once.",
    },
    "internal.error": {
        "zh": "内部错误:{detail}(使用 --debug 查看详细信息)",
        "en": "internal error: {detail} (run with --debug to see the traceback)",
    },
    "output.no_folder": {
        "zh": "{file}:输出文件夹 {folder} 不存在。",
        "en": "{file}: the output folder {folder} does not exist.",
    },
    "usage.output_is_input": {
        "zh": "--output {file} 是输入文件之一;拒绝覆盖输入。",
        "en": "--output {file} is one of the inputs; refusing to overwrite an input.",
    },
    "usage.output_suffix": {
        "zh": "--output {file}:不支持的后缀 {suffix}(支持 .xlsx .json .csv .md)。",
        "en": "--output {file}: unsupported suffix {suffix} (use .xlsx, .json, .csv or .md).",
    },
    "output.write_failed": {
        "zh": "{file}:无法写入输出({reason})。",
        "en": "{file}: cannot write the output ({reason}).",
    },
}


def message(key: str, lang: Lang, /, **params: object) -> str:
    """Render catalog entry ``key`` in ``lang``; nested problems render in the same language."""
    entry = CATALOG[key]
    rendered = {name: _render(value, lang) for name, value in params.items()}
    return entry[lang].format(**rendered)


def _render(value: object, lang: Lang) -> object:
    """A nested problem or note (anything with a catalog ``key`` and ``params``) as text."""
    key, params = getattr(value, "key", None), getattr(value, "params", None)
    if isinstance(key, str) and isinstance(params, Mapping):
        return message(key, lang, **params)
    return value


def label(key: str, lang: Lang) -> str:
    """A short label with no parameters (status names, column headings)."""
    return CATALOG[key][lang]


def pick(names: dict[str, str], lang: Lang) -> str:
    """Choose the text for ``lang`` from a rulebook's {zh, en} pair, falling back to the other."""
    return names.get(lang) or next(iter(names.values()), "")


def display_width(text: str) -> int:
    """Terminal/Excel columns a text needs: CJK and full-width characters count twice."""
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)
