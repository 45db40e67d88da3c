"""Every user-facing string, Simplified Chinese first, English by setting.

``Catalog(lang)("key", **values)`` formats one message. Keys are grouped by where they show.
A test checks that every key has both languages and the same placeholders in each.
"""

from __future__ import annotations

from typing import Literal

Lang = Literal["zh", "en"]
LANGS: tuple[Lang, ...] = ("zh", "en")

# key: (zh, en)
MESSAGES: dict[str, tuple[str, str]] = {
    # --- statuses, stages, quotas, kinds
    "status.met": ("达标", "met"),
    "status.on_track": ("正常", "on track"),
    "status.behind": ("落后", "behind"),
    "quota_status.met": ("完成", "met"),
    "quota_status.in_progress": ("进行中", "in progress"),
    "quota_status.missed": ("未完成", "missed"),
    "quota.trips": ("外出招商", "trips"),
    "quota.principal_trips": ("主要负责人外出", "principal trips"),
    "quota.visits": ("接待客商", "visits"),
    "quota.valid_leads": ("有效线索", "valid leads"),
    "stage.lead": ("线索", "lead"),
    "stage.negotiating": ("洽谈", "negotiating"),
    "stage.signed": ("签约", "signed"),
    "stage.started": ("开工", "started"),
    "stage.dropped": ("终止", "dropped"),
    "subject.unit": ("单位", "unit"),
    "subject.group": ("小组", "group"),
    "subject.outpost": ("驻外中心", "outpost"),
    # --- the campaign at a glance (CLI status and overview)
    "day_of": ("已过 {e}/{d} 天", "{e} of {d} days over"),
    "before_window": ("尚未开始（{start} 开始）", "not started yet (starts {start})"),
    "after_window": ("已结束（共 {d} 天）", "over ({d} days)"),
    "as_of": ("截至 {today}", "as of {today}"),
    "days_left": ("剩余 {n} 天", "{n} days left"),
    "industrial_part": ("其中工业", "industrial"),
    "expected_short": ("应达 {expected}", "pace {expected}"),
    "gap_line": (
        "还差 {needed} 个（按进度差 {to_pace} 个），每日需 {rate} 个",
        "{needed} more needed ({to_pace} behind pace), {rate} a day",
    ),
    "gap_line_no_days": ("还差 {needed} 个，活动已结束", "{needed} short, the window is over"),
    "targets_title": ("工作目标", "Targets"),
    "month_title": ("本月任务 {month}", "This month's quotas {month}"),
    "month_counts": (
        "完成 {met}  进行中 {in_progress}  未完成 {missed}",
        "met {met}  in progress {in_progress}  missed {missed}",
    ),
    "behind_title": ("本月落后单位", "Furthest behind this month"),
    "behind_none": ("本月各项任务均已完成", "Every quota of this month is met"),
    "behind_more": ("……另有 {n} 项", "… and {n} more"),
    "latest_title": ("最新签约与开工", "Latest signings and starts"),
    "latest_none": ("暂无签约或开工项目", "No signings or starts yet"),
    "no_campaign": (
        "数据库中还没有活动。请先运行 yeji init --config 文件 或 yeji demo",
        "The store holds no campaign yet. Run yeji init --config FILE or yeji demo first",
    ),
    "amount_yi": ("{yi} 亿元", "{yi} 亿"),
    "col.quota": ("任务", "Quota"),
    "col.subject": ("单位/小组", "Unit/group"),
    "col.progress": ("完成/要求", "Done/req."),
    "col.status": ("状态", "Status"),
    "col.date": ("日期", "Date"),
    "col.stage": ("类型", "Kind"),
    "col.company": ("企业", "Company"),
    "col.amount": ("金额", "Amount"),
    "col.unit": ("单位", "Unit"),
    # --- TUI
    "app.title": ("叶集双招双引", "Yeji campaign"),
    "section.overview": ("总览", "Overview"),
    "section.pipeline": ("项目看板", "Pipeline"),
    "section.units": ("单位", "Units"),
    "section.triage": ("待办", "Triage"),
    "section.not_yet": (
        "「{name}」将在后续版本提供。按 1 返回总览。",
        "“{name}” comes in a later version. Press 1 for the overview.",
    ),
    "key.quit": ("退出", "Quit"),
    "key.help": ("帮助", "Help"),
    "key.refresh": ("刷新", "Refresh"),
    "key.palette": ("命令", "Commands"),
    "key.down": ("向下滚动", "Scroll down"),
    "key.up": ("向上滚动", "Scroll up"),
    "key.page_down": ("下一页", "Page down"),
    "key.page_up": ("上一页", "Page up"),
    "key.top": ("到顶部", "To the top"),
    "key.bottom": ("到底部", "To the bottom"),
    "loading": ("正在读取……", "Loading…"),
    "key.next_stage": ("推进", "Advance"),
    "key.previous_stage": ("退回", "Back a stage"),
    "key.valid": ("有效", "Valid"),
    "key.drop": ("终止", "Drop"),
    "key.follow_up": ("跟进", "Follow up"),
    "key.filter": ("筛选", "Filter"),
    "key.undo": ("撤销", "Undo"),
    "key.views": ("视图", "Views"),
    "key.open": ("详情", "Open"),
    "key.dropped": ("显示终止", "Show dropped"),
    "key.clear_filter": ("清除筛选", "Clear filter"),
    "key.advance": ("转洽谈", "To negotiating"),
    "key.reassign": ("改派", "Reassign"),
    "key.next_follow_up": ("再跟进", "Follow up later"),
    "key.skip": ("跳过", "Skip"),
    "triage.progress": ("{n} / {total}", "{n} / {total}"),
    "triage.empty": ("没有待处理的线索了", "Nothing left to decide"),
    "triage.why_new": (
        "新线索，尚未审阅（{day} 发现）",
        "New lead, not yet reviewed (found {day})",
    ),
    "triage.why_overdue": ("跟进已到期（{day}）", "Follow-up was due on {day}"),
    "triage.why_stale": ("已 {n} 天无变化（自 {day}）", "No change for {n} days (since {day})"),
    "triage.to_unit": ("改由哪个单位负责", "Give it to which unit"),
    "key.left": ("左一列", "Column left"),
    "key.right": ("右一列", "Column right"),
    "key.cancel": ("取消", "Cancel"),
    "key.close": ("关闭", "Close"),
    "key.back": ("返回", "Back"),
    "column_empty": ("（无）", "(none)"),
    "days_since": ("{n}天", "{n}d"),
    "no_card": ("这一列没有线索", "No lead in this column"),
    "filter.placeholder": (
        "名称或拼音首字母，如 hjjj；单位:区经信局 组:一组 行业:智能家居 >1亿 有效 停滞:14",
        "name or pinyin initials, e.g. hjjj; unit:… group:… industry:… >1亿 valid stale:14",
    ),
    "filter.active": ("筛选：{line}（Esc 清除）", "Filter: {line} (Esc clears)"),
    "filter.bad": ("看不懂：{token}", "Cannot read: {token}"),
    "views.title": ("视图：选择或另存", "Views: pick one or save as"),
    "views.save_as": ("把当前筛选另存为……", "Save the current filter as…"),
    "views.applied": ("已用视图「{name}」", "Showing view “{name}”"),
    "views.saved": ("已保存视图「{name}」", "Saved view “{name}”"),
    "move.to_signed": ("{company}：签约", "{company}: signing"),
    "move.to_started": ("{company}：开工", "{company}: start"),
    "drop.title": ("{company}：终止原因", "{company}: why drop it"),
    "drop.other": ("其他原因……", "Another reason…"),
    "follow_up.title": ("{company}：跟进", "{company}: follow-up"),
    "undo.refused": ("无法撤销：该线索已被他人修改", "Cannot undo: someone else changed the lead"),
    "form.day": ("日期（YYYY-MM-DD）", "Day (YYYY-MM-DD)"),
    "key.new": ("新建", "New"),
    "key.what_if": ("假设签约", "What if"),
    "key.what_if_pick": ("选入假设", "Pick for what-if"),
    "gap.candidates": ("在谈可补：", "In negotiation: "),
    "key.gap": ("补缺口", "Close gap"),
    "gap.showing": (
        "{label}还差 {n} 个：能补上的在谈项目",
        "{label}: {n} short; the negotiations that would count",
    ),
    "gap.none": ("没有落后的签约目标", "No signing target is behind"),
    "gap.no_candidates": ("没有够条件的在谈项目", "no lead in negotiation qualifies"),
    "what_if.title": (
        "工作目标（假设 {n} 个在谈项目今天签约）",
        "Targets (as if {n} leads signed today)",
    ),
    "what_if.only_negotiating": (
        "只有洽谈中的线索可以选入假设",
        "Only leads in negotiation can be picked",
    ),
    "what_if.added": (
        "◆ {company} 选入假设（共 {n} 个，总览按 w 查看）",
        "◆ {company} picked ({n}; w on the overview)",
    ),
    "what_if.removed": ("{company} 移出假设（共 {n} 个）", "{company} unpicked ({n})"),
    "key.edit": ("编辑", "Edit"),
    "key.save": ("保存", "Save"),
    "form.new_title": ("新建线索", "New lead"),
    "form.edit_title": ("编辑：{company}", "Edit: {company}"),
    "form.company": ("企业名称", "Company"),
    "form.project": ("项目名称", "Project"),
    "form.industrial": ("工业项目", "Industrial project"),
    "form.head": ("行业头部企业", "Head enterprise of its industry"),
    "form.listed": ("上市公司", "Listed company"),
    "form.task_force": ("攻坚组", "Task force"),
    "form.force_none": ("无", "none"),
    "form.force_negotiating": ("在谈项目攻坚组", "negotiation task force"),
    "form.force_signed": ("签约项目攻坚组", "signing task force"),
    "form.industry": ("行业（可输入拼音筛选）", "Industry (type to narrow, pinyin too)"),
    "form.source": ("来源", "Source"),
    "form.unit": (
        "责任单位（可输入拼音首字母，如 qjx）",
        "Unit (type to narrow, pinyin initials too)",
    ),
    "form.found_on": ("发现日期（YYYY-MM-DD）", "Found on (YYYY-MM-DD)"),
    "form.next_follow_up": (
        "下次跟进（YYYY-MM-DD，可空）",
        "Next follow-up (YYYY-MM-DD, optional)",
    ),
    "form.pick": ("请从列表中选择（↑↓ 选择，Enter 确定）", "pick one from the list (↑↓, Enter)"),
    "form.save_hint": (
        "Ctrl+S 保存 · Esc 取消 · Enter 下一项",
        "Ctrl+S saves · Esc cancels · Enter: next field",
    ),
    "form.conflict": ("该线索已被他人修改", "Someone else changed this lead"),
    "form.theirs": ("【对方保存的版本】", "[Their saved version]"),
    "form.mine": (
        "【你的版本（再次保存将覆盖对方）】",
        "[Your version (saving again replaces theirs)]",
    ),
    "form.amount": ("金额（万元）", "Amount (万元)"),
    "form.amount_yi": ("= {yi} 亿元", "= {yi} 亿元"),
    "form.enter_esc": ("Enter 确定 · Esc 取消", "Enter confirms · Esc cancels"),
    "form.note": ("跟进记录", "Note"),
    "form.next": ("下次跟进", "Next follow-up"),
    "form.next_3": ("3 天后", "in 3 days"),
    "form.next_7": ("7 天后", "in 7 days"),
    "form.next_14": ("14 天后", "in 14 days"),
    "form.next_0": ("不设", "none"),
    "field.project": ("项目", "Project"),
    "field.stage": ("阶段", "Stage"),
    "field.industry": ("行业", "Industry"),
    "field.industrial": ("工业项目", "industrial"),
    "field.source": ("来源", "Source"),
    "field.valid": ("有效线索", "Valid since"),
    "field.found_on": ("发现日期", "Found"),
    "field.signed_on": ("签约日期", "Signed"),
    "field.started_on": ("开工日期", "Started"),
    "field.dropped_on": ("终止日期", "Dropped"),
    "field.dropped_reason": ("终止原因", "Why dropped"),
    "field.next_follow_up": ("下次跟进", "Next follow-up"),
    "detail.history": ("阶段记录", "Stage history"),
    "detail.follow_ups": ("跟进记录", "Follow-ups"),
    "detail.none": ("（无）", "(none)"),
    "refreshed": ("已刷新", "Refreshed"),
    "store_changed": ("数据已由他人更新", "The store was changed elsewhere"),
    "error.load": ("读取数据失败：{error}", "Could not load the data: {error}"),
    "cmd.goto": ("切换到{name}", "Go to {name}"),
    "cmd.refresh": ("刷新数据", "Refresh the data"),
    # --- CLI
    "cli.description": (
        "叶集区“双招双引”百日攻坚行动：终端工具",
        "Yeji district's 100-day investment-attraction campaign, in the terminal",
    ),
    "cli.init_done": ("活动已载入：{changes}", "Campaign loaded: {changes}"),
    "cli.init_same": ("活动已是最新，无需改动", "The campaign is up to date; nothing changed"),
    "cli.exported": ("已写出活动配置：{path}", "Campaign written to {path}"),
    "cli.import_ok": (
        "导入完成：新增 {added}，更新 {updated}，未变 {unchanged}",
        "Imported: {added} added, {updated} updated, {unchanged} unchanged",
    ),
    "cli.import_dry": (
        "检查通过（未写入）：共 {n} 行可导入",
        "Check passed (nothing written): {n} rows would be imported",
    ),
    "cli.import_bad": (
        "{path}：有 {n} 行有误，未导入任何数据：",
        "{path}: {n} bad rows; nothing was imported:",
    ),
    "cli.problem": (
        "第 {line} 行，{column} 列（{value}）：{why}",
        "line {line}, column {column} ({value}): {why}",
    ),
    "cli.demo_done": (
        "演示数据已生成：{leads} 条线索，{activities} 条活动，{path}",
        "Demo ready: {leads} leads, {activities} activities in {path}",
    ),
    "cli.demo_refused": (
        "该数据库已有非演示活动「{name}」，为免覆盖，请另选 --db 文件",
        "This store holds a real campaign ({name}); use another --db file for the demo",
    ),
    "cli.bad_date": ("日期格式应为 YYYY-MM-DD：{value}", "dates are YYYY-MM-DD: {value}"),
    # --- pipeline rules (why a change is refused)
    "rule.dropped": ("该线索已终止", "this lead is dropped"),
    "rule.one_step": ("只能移到相邻阶段", "a lead moves one stage at a time"),
    "rule.future": ("日期 {day} 晚于今天", "{day} is after today"),
    "rule.before": ("日期 {day} 早于 {earlier}", "{day} is before {earlier}"),
    "rule.start_needs_signing": ("没有签约日期，不能开工", "no start without a signing"),
    "rule.valid_stage": (
        "已签约、开工或终止的项目不能再上报为有效线索",
        "signed, started or dropped leads cannot be reported as valid",
    ),
    "rule.reason": ("请填写终止原因", "a reason is needed to drop a lead"),
    "rule.note": ("跟进记录不能为空", "the note is empty"),
    "rule.amount": ("金额应大于 0", "the amount must be more than 0"),
    "rule.duplicate": ("已有同一企业的同名项目", "this company already has a project of that name"),
    "rule.changed": ("该线索已被他人修改：{who}", "someone else changed this lead: {who}"),
    "rule.gone": ("该线索已被删除", "this lead was deleted"),
    # --- what a change did (and what undo undid)
    "done.move": ("{company}：{from_name} → {to_name}", "{company}: {from_name} → {to_name}"),
    "done.valid": ("{company}：已上报为有效线索", "{company}: reported as a valid lead"),
    "done.unvalid": ("{company}：取消有效线索", "{company}: no longer a valid lead"),
    "done.drop": ("{company}：已终止（{reason}）", "{company}: dropped ({reason})"),
    "done.follow_up": ("{company}：已记录跟进", "{company}: follow-up noted"),
    "done.review": ("{company}：已审阅", "{company}: reviewed"),
    "done.create": ("{company}：已新建", "{company}: created"),
    "done.edit": ("{company}：已保存", "{company}: saved"),
    "done.advance": ("{company}：转入洽谈", "{company}: to negotiating"),
    "done.next_follow_up": ("{company}：{day} 再跟进", "{company}: follow up on {day}"),
    "done.reassign": ("{company}：改由{unit}负责", "{company}: now with {unit}"),
    "undone": ("已撤销：{what}", "Undone: {what}"),
    "nothing_to_undo": ("没有可撤销的操作", "Nothing to undo"),
    # --- import problems (why)
    "why.file": ("无法读取文件：{error}", "cannot read the file: {error}"),
    "why.encoding": ("无法识别编码（应为 UTF-8 或 GBK）", "unknown encoding (use UTF-8 or GBK)"),
    "why.empty": ("文件为空", "the file is empty"),
    "why.missing_column": ("缺少此列", "this column is missing"),
    "why.unknown_column": ("未知的列", "unknown column"),
    "why.required": ("不能为空", "must not be empty"),
    "why.amount": ("金额应为整数（万元），如 12000", "the amount must be whole 万元, like 12000"),
    "why.date": ("日期应为 YYYY-MM-DD，如 2022-09-06", "dates are YYYY-MM-DD, like 2022-09-06"),
    "why.bool": ("应为 是/否、true/false 或 1/0", "must be 是/否, true/false or 1/0"),
    "why.unit": ("没有这个单位", "no such unit"),
    "why.choice": ("应为以下之一：{choices}", "must be one of: {choices}"),
    "why.order": (
        "日期顺序不对：{first} 晚于 {second}",
        "dates out of order: {first} is after {second}",
    ),
    "why.stage_needs_date": ("阶段为{stage}，必须填写{column}", "stage {stage} needs {column}"),
    "why.stage_has_date": (
        "阶段为{stage}，不应填写{column}",
        "stage {stage} cannot have {column}",
    ),
    "why.started_needs_signed": ("开工项目必须有签约日期", "a started project needs signed_on"),
    "why.duplicate": (
        "与第 {line} 行重复（企业与项目相同）",
        "same company and project as line {line}",
    ),
    "why.too_long": ("文字过长（最多 {n} 字）", "text too long (at most {n} characters)"),
}


#: Textual's own key descriptions (app and screen defaults), for the Chinese interface.
TEXTUAL_ZH: dict[str, str] = {
    "Quit": "退出",
    "Quit the app and return to the command prompt.": "退出程序，回到命令行",
    "Focus Next": "下一项",
    "Focus Previous": "上一项",
    "Move focus to the next widget.": "把焦点移到下一项",
    "Move focus to the previous widget.": "把焦点移到上一项",
    "Copy selected text": "复制选中的文字",
    "Maximize": "最大化",
    "Minimize": "还原",
}


class Catalog:
    """Messages in one language; call it with a key and the values to fill in."""

    def __init__(self, lang: Lang = "zh") -> None:
        self.lang: Lang = lang
        self._index = LANGS.index(lang)

    def __call__(self, key: str, **values: object) -> str:
        template = MESSAGES[key][self._index]
        return template.format(**values) if values else template


def parse_lang(value: str | None) -> Lang:
    """``zh`` unless the value asks for English."""
    return "en" if (value or "").lower().startswith("en") else "zh"
