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
    # --- units screen, unit and group pages, the activity form
    "key.heatmap": ("月度任务", "Quotas"),
    "key.ranking": ("排名", "Ranking"),
    "key.next_quota": ("下一任务", "Next quota"),
    "key.previous_quota": ("上一任务", "Previous quota"),
    "key.sort": ("按此列排序", "Sort by column"),
    "key.log_activity": ("记活动", "Log activity"),
    "key.its_pipeline": ("其项目看板", "Its pipeline"),
    "units.subject": ("小组 / 单位", "group / unit"),
    "units.heatmap_of": (
        "月度任务：{quota}（{previous} {next} 切换）",
        "quota: {quota} ({previous} {next} to switch)",
    ),
    "units.ranking": (
        "单位排名（{sort} 按光标列排序）",
        "ranking ({sort} sorts by the cursor's column)",
    ),
    "units.legend": (
        "完成/应完成：✔ 完成  ○ 进行中  ✘ 未完成；回车查看明细，Tab 切换到组织树",
        "done/required: ✔ met  ○ in progress  ✘ missed; Enter shows the records, Tab the tree",
    ),
    "units.cell_title": ("{name} · {month} · {quota}", "{name} · {month} · {quota}"),
    "units.no_records": ("（无记录）", "(no records)"),
    "key.calendar": ("活动日历", "Events"),
    "key.roster": ("顾问", "Consultants"),
    "key.dispatch": ("调度报表", "Dispatch report"),
    "key.assessment": ("考核报表", "Assessment"),
    "units.dispatch_file": ("双周调度", "dispatch"),
    "units.assessment_file": ("考核评比", "assessment"),
    "units.report_written": ("已写入 {paths}", "Written: {paths}"),
    "units.report_failed": ("无法写入报表：{error}", "Could not write the report: {error}"),
    "units.calendar_title": ("活动日历", "Events calendar"),
    "units.roster_title": ("招商顾问与社会经济发展顾问", "Consultants and advisers"),
    "units.held": ("已举行 {day}", "held {day}"),
    "units.planned": ("计划中", "planned"),
    "units.carried": (
        "{target} {n} 个（工业 {industrial}）",
        "{target}: {n} ({industrial} industrial)",
    ),
    "units.roster_consultant": (
        "招商顾问 {n} 名（通知要求 {low}–{high} 名）{ok}",
        "investment consultants: {n} (the notice asks for {low}–{high}) {ok}",
    ),
    "units.roster_adviser": (
        "社会经济发展顾问 {n} 名（通知要求 {low}–{high} 名）{ok}",
        "development advisers: {n} (the notice asks for {low}–{high}) {ok}",
    ),
    "units.out_of_range": ("✘ 不在范围内", "✘ out of range"),
    "units.brought": (
        "带来线索 {leads} 条，已签约 {signed}",
        "{leads} leads brought, {signed} signed",
    ),
    "role.consultant": ("招商顾问", "consultant"),
    "role.adviser": ("发展顾问", "adviser"),
    "kind.mobilisation": ("动员会", "mobilisation meeting"),
    "page.leads": ("项目线索（按阶段）", "Leads by stage"),
    "page.pipeline_hint": ("按 {pipeline} 打开其项目看板", "{pipeline} opens its pipeline"),
    "page.quotas": ("月度任务", "Monthly quotas"),
    "page.principal_trips": ("主要负责人外出（{n} 次）", "Principal's trips ({n})"),
    "page.recent": ("最近的活动", "Recent activities"),
    "page.units": ("所属单位", "Units"),
    "page.unit_line": (
        "所属小组：{group}　主要负责人：{principal}",
        "group: {group}  principal: {principal}",
    ),
    "page.group_line": (
        "牵头领导：{leader}　牵头单位：{lead_unit}",
        "leader: {leader}  lead unit: {lead_unit}",
    ),
    "page.rank": ("排名 {place}/{n}，得分 {score}", "rank {place} of {n}, score {score}"),
    "page.tasks": (
        "全年任务：签约 {signed}/{signed_task}，开工 {started}/{started_task}",
        "annual tasks: signed {signed}/{signed_task}, started {started}/{started_task}",
    ),
    "page.facts": (
        "外出 {trips}（主要负责人 {principal}）　接待 {visits}　有效线索 {valid}　"
        "签约 {signed}（{signed_yi}亿）　开工 {started}",
        "trips {trips} (principal {principal})  visits {visits}  valid leads {valid}  "
        "signed {signed} ({signed_yi}亿)  started {started}",
    ),
    "page.unit_short": (
        "签约 {signed}  外出 {trips}  接待 {visits}  有效线索 {valid}  月度任务 {met}/{due}",
        "signed {signed}  trips {trips}  visits {visits}  valid {valid}  quotas {met}/{due}",
    ),
    "kind.trip": ("外出招商", "trip"),
    "kind.visit": ("接待考察", "visit received"),
    "kind.promotion": ("推介会", "promotion event"),
    "kind.training": ("培训会", "training"),
    "kind.exchange": ("经验交流会", "exchange meeting"),
    "kind.signing": ("集中签约", "signing ceremony"),
    "kind.groundbreaking": ("集中开工", "groundbreaking"),
    "act.title": ("记活动", "Log an activity"),
    "act.date": ("日期", "Date"),
    "act.kind": ("类型", "Kind"),
    "act.principal": ("主要负责人带队", "Led by the principal"),
    "act.destination": ("目的地 / 地点", "Destination / place"),
    "act.company": ("对接企业", "Companies met"),
    "act.leads": (
        "涉及线索（企业名称，用、分隔；签约、开工仪式填所签、所开工项目）",
        "Leads (company names, separated by 、; for the ceremonies, those signed or started)",
    ),
    "act.note": ("备注 / 活动名称", "Note / event title"),
    "act.future": ("不能晚于今天", "cannot be after today"),
    "act.unknown": ("没有这些企业的线索：{names}", "no leads of these companies: {names}"),
    "act.saved": ("已记录：{unit} {kind}", "Logged: {unit} {kind}"),
    "act.event": ("（已记入活动日历）", " (on the events calendar)"),
    # --- reports (dispatch review, assessment)
    "rep.dispatch_title": ("{name} 双周调度", "{name}: dispatch review"),
    "rep.assessment_title": ("{name} 考核评比", "{name}: assessment"),
    "rep.period": ("统计期间 {since} 至 {until}", "period {since} to {until}"),
    "rep.as_of": ("截至 {today}（已过 {e}/{d} 天）", "as of {today} ({e} of {d} days over)"),
    "rep.targets": ("目标进度", "Targets"),
    "rep.target": ("目标", "target"),
    "rep.actual": ("完成", "done"),
    "rep.goal": ("目标数", "target"),
    "rep.expected": ("按进度应完成", "expected by now"),
    "rep.status": ("状态", "status"),
    "rep.industrial_part": ("（其中工业）", " (industrial)"),
    "rep.by_unit": ("各组、各单位", "By group and unit"),
    "rep.who": ("小组 / 单位", "group / unit"),
    "rep.district": ("全区合计", "district total"),
    "rep.no_group": ("未分组单位", "units in no group"),
    "rep.valid_reported": ("上报有效线索", "valid leads reported"),
    "rep.valid_followed": ("跟进有效线索", "valid leads followed up"),
    "rep.signed": ("签约项目", "signed"),
    "rep.signed_yi": ("签约额(亿元)", "signed (亿元)"),
    "rep.started": ("开工项目", "started"),
    "rep.started_yi": ("开工额(亿元)", "started (亿元)"),
    "rep.stale": ("停滞≥{n}天线索", "stale ≥{n} days"),
    "rep.ranking": ("单位排名", "Ranking of units"),
    "rep.rank": ("名次", "rank"),
    "rep.months_met": ("月度任务完成", "quota months met"),
    "rep.score": ("得分", "score"),
    "rep.formula": ("得分 = {terms}", "score = {terms}"),
    "rep.w.signed": ("签约项目", "signed projects"),
    "rep.w.signed_yi": ("签约额(亿元)", "signed 亿元"),
    "rep.w.started": ("开工项目", "started projects"),
    "rep.w.trips": ("外出招商", "trips"),
    "rep.w.visits": ("接待客商", "visits"),
    "rep.w.valid": ("有效线索", "valid leads"),
    "rep.w.months_met": ("完成的月度任务", "quota months met"),
    "rep.nominees": ("先进单位提名", "Nominated advanced units"),
    "rep.rule": (
        "规则：窗口内签约 {yi} 亿元以上项目不少于 {n} 个",
        "rule: at least {n} project(s) of ≥ {yi}亿 signed in the window",
    ),
    "rep.rule_months": ("，且每月各项任务全部完成", ", and every monthly quota met"),
    "rep.group_tasks": ("小组全年任务", "Groups' annual tasks"),
    "rep.signed_counted": ("签约{yi}亿元以上", "signed ≥ {yi}亿"),
    "rep.signed_task": ("签约任务", "signing task"),
    "rep.started_task": ("开工任务", "start task"),
    "rep.task_met": ("完成", "met"),
    "rep.task_missed": ("未完成", "missed"),
    "rep.ordered_out": ("离岗外出专抓招商名单", "Ordered out to do investment work"),
    "rep.ordered_out_rule": (
        "未完成全年任务的小组中，未完成自身任务的单位主要负责人",
        "principals of units that missed their quotas, in groups that missed their annual tasks",
    ),
    "rep.principal": ("主要负责人", "principal"),
    "rep.missed": ("未完成的任务", "missed"),
    "rep.written": ("已写入 {path}", "written to {path}"),
    "rep.xlsx_needs_out": ("xlsx 格式需要 --out 文件", "xlsx needs --out FILE"),
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
    "col.company": ("企业", "Company"),
    "col.amount": ("金额", "Amount"),
    "col.unit": ("单位", "Unit"),
    # --- TUI
    "app.title": ("叶集双招双引", "Yeji campaign"),
    "section.overview": ("总览", "Overview"),
    "section.pipeline": ("项目看板", "Pipeline"),
    "section.units": ("单位", "Units"),
    "section.triage": ("待办", "Triage"),
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
        "名称或拼音首字母，如 hjjj；单位:{unit} 组:{group} 行业:智能家居 >1亿 有效 停滞:14",
        "name or pinyin initials, e.g. hjjj; unit:{unit} group:{group} industry:… >1亿 valid stale:14",
    ),
    "filter.active": ("筛选：{line}（{clear} 清除）", "Filter: {line} ({clear} clears)"),
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
        "◆ {company} 选入假设（共 {n} 个，总览按 {what_if} 查看）",
        "◆ {company} picked ({n}; {what_if} on the overview)",
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
    "form.consultant": ("招商顾问", "Consultant"),
    "form.consultant_none": ("无", "none"),
    "form.force_none": ("无", "none"),
    "form.force_negotiating": ("在谈项目攻坚组", "negotiation task force"),
    "form.force_signed": ("签约项目攻坚组", "signing task force"),
    "form.industry": ("行业（可输入拼音筛选）", "Industry (type to narrow, pinyin too)"),
    "form.source": ("来源", "Source"),
    "form.unit": ("责任单位", "Unit"),
    "form.unit_pick": (
        "责任单位（可输入拼音首字母，如 {example}）",
        "Unit (type to narrow, pinyin initials too, e.g. {example})",
    ),
    "form.found_on": ("发现日期（YYYY-MM-DD）", "Found on (YYYY-MM-DD)"),
    "form.next_follow_up": (
        "下次跟进（YYYY-MM-DD，可空）",
        "Next follow-up (YYYY-MM-DD, optional)",
    ),
    "form.pick": ("请从列表中选择（↑↓ 选择，Enter 确定）", "pick one from the list (↑↓, Enter)"),
    "form.save_hint": (
        "{save} 保存 · esc 取消 · enter 下一项",
        "{save} saves · esc cancels · enter: next field",
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
    "store_changed": ("数据已由他人更新", "The store was changed elsewhere"),
    "error.load": ("读取数据失败：{error}", "Could not load the data: {error}"),
    "cmd.goto": ("切换到{name}", "Go to {name}"),
    # --- CLI
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
    # --- the store file: opening, read-only, backup, check, restore (issue 8)
    "store.not_found": (
        "数据库不存在：{path}（先运行 yeji init --config 活动配置.toml）",
        "no store at {path} (run yeji init --config campaign.toml first)",
    ),
    "store.cannot_create": ("无法创建 {path}：{error}", "cannot create {path}: {error}"),
    "store.cannot_open": (
        "无法打开数据库 {path}：{error}",
        "cannot open the store {path}: {error}",
    ),
    "store.no_driver": (
        "要使用 PostgreSQL 数据库，请先安装驱动：pip install 'yeji-tui[postgres]'",
        "a PostgreSQL store needs its driver: pip install 'yeji-tui[postgres]'",
    ),
    "store.not_a_url": (
        "{path} 不是可用的数据库地址（应写作 postgresql://用户:密码@主机:端口/库名）；"
        "若是文件名，请写成 ./{path}",
        "{path} is not a store address we know (postgresql://user:password@host:port/db); "
        "for a file of that name, write ./{path}",
    ),
    "store.cannot_connect": (
        "无法连接数据库服务器 {path}：{error}",
        "cannot connect to the database server {path}: {error}",
    ),
    "store.network_fs": (
        "数据库 {path} 位于网络或 FUSE 文件系统（{fs}）上，SQLite 在其上会损坏数据；"
        "请把数据库放在本机磁盘上",
        "the store {path} is on a network or FUSE file system ({fs}), where SQLite corrupts "
        "data: keep it on a local disk",
    ),
    "store.empty": (
        "{path} 是空文件（0 字节），不是数据库，未作改动；请删除它，或用 --db 换一个路径",
        "{path} is an empty file (0 bytes), not a store, and was left alone: delete it or give "
        "another path with --db",
    ),
    "store.not_sqlite": (
        "{path} 不是 SQLite 数据库，未作改动；请用 --db 换一个路径",
        "{path} is not an SQLite database and was left alone: give another path with --db",
    ),
    "store.not_ours": (
        "{path} 不是 yeji 数据库，未作改动",
        "{path} is not a yeji store and was left alone",
    ),
    "store.newer": (
        "数据库来自更新的版本（架构 {version}，本程序只支持到 {supported}），请升级 yeji-tui",
        "the store was written by a newer yeji-tui (schema {version} > {supported}): "
        "upgrade this program",
    ),
    "store.needs_upgrade": (
        "数据库需要升级（架构 {version} → {supported}），只读时不能升级；请以可写方式打开一次",
        "the store needs an upgrade (schema {version} → {supported}), which cannot be done "
        "read-only: open it once with write access",
    ),
    "store.upgrading": (
        "正在把数据库从架构 {version} 升级到 {supported}（先在旁边留一份副本），数据多时需要一些时间……",
        "upgrading the store from schema {version} to {supported} (a copy is kept beside it "
        "first); a large store takes a while…",
    ),
    "store.upgraded": (
        "数据库已从架构 {version} 升级到 {supported}；升级前的副本：{backup}",
        "the store was upgraded from schema {version} to {supported}; the copy from before: "
        "{backup}",
    ),
    "store.read_only.flag": (
        "数据库为只读（--read-only），不能修改：{path}",
        "the store is open read-only (--read-only): nothing can be changed in {path}",
    ),
    "store.read_only.file": (
        "数据库为只读（你不能写入该文件），不能修改：{path}",
        "the store is read-only (the file is not writable for you): nothing can be changed "
        "in {path}",
    ),
    "store.read_only.directory": (
        "数据库为只读（你不能写入其所在目录），不能修改：{path}；需要修改请加入该目录所属的组",
        "the store is read-only (its directory is not writable for you): nothing can be "
        "changed in {path}; to make changes, join the directory's group",
    ),
    "backup.done": (
        "已备份到 {path}（{size}，完整性检查通过）",
        "backed up to {path} ({size}, integrity check passed)",
    ),
    "backup.exists": (
        "{path} 已存在，未覆盖；用 --force 覆盖，或换一个文件名",
        "{path} exists and was left alone: --force replaces it, or give another name",
    ),
    "backup.same": ("{path} 就是当前数据库本身", "{path} is the store itself"),
    "backup.no_dir": ("目录不存在：{path}", "no such directory: {path}"),
    "backup.bad_copy": (
        "副本未通过完整性检查，已丢弃：{error}",
        "the copy failed its integrity check and was discarded: {error}",
    ),
    "restore.server": (
        "PostgreSQL 上的数据库不用 restore 恢复：新建一个空数据库，再 yeji --db 备份文件 "
        "migrate --to 新库地址",
        "a store on PostgreSQL is not restored in place: make an empty database, then yeji "
        "--db BACKUP migrate --to ITS-URL",
    ),
    "migrate.not_empty": (
        "{path} 中已有数据表，未作改动；请指定一个空数据库",
        "{path} already holds tables and was left alone: give an empty database",
    ),
    "migrate.counts": (
        "复制后行数不一致，已撤销复制：{tables}",
        "the copy's row counts differ, so it was undone: {tables}",
    ),
    "migrate.step.schema": ("建立数据表…", "making the tables…"),
    "migrate.step.rows": ("复制数据…", "copying the rows…"),
    "migrate.step.check": ("核对行数…", "checking the counts…"),
    "migrate.table": ("{table}\t{source}\t{copy}", "{table}\t{source}\t{copy}"),
    "migrate.head": ("数据表\t原库\t副本", "table\tstore\tcopy"),
    "migrate.done": (
        "已复制到 {path}：{tables} 张表，每张表行数一致",
        "copied to {path}: {tables} tables, every table's row count the same",
    ),
    "check.ok": ("无问题", "all good"),
    "check.found": (
        "发现 {n} 处问题；可用 yeji restore 从备份恢复",
        "{n} problems found; yeji restore brings back a backup",
    ),
    "check.more": ("……另有 {n} 处", "… and {n} more"),
    "check.integrity": ("完整性检查：{detail}", "integrity check: {detail}"),
    "check.foreign_key": (
        "{table} 表第 {rowid} 行引用的 {parent} 不存在",
        "{table} row {rowid} refers to a {parent} row that does not exist",
    ),
    "check.stage_total": (
        "阶段汇总有误：{stage} 记为 {kept_leads} 条、{kept_amount} 万元，实际 {leads} 条、{amount} 万元",
        "stage totals wrong: {stage} kept as {kept_leads} leads, {kept_amount} 万元; "
        "actually {leads} leads, {amount} 万元",
    ),
    "check.activity_day": (
        "活动日汇总有误：{day} 单位 {unit} {kind}（主要负责人带队 {principal}）记为 {kept} 次，实际 {actual} 次",
        "activity day summary wrong: {day} unit {unit} {kind} (led by the principal: "
        "{principal}) kept as {kept}, actually {actual}",
    ),
    "check.lead_touch_day": (
        "跟进日汇总有误：{stage} {day} 单位 {unit} 记为 {kept} 条，实际 {actual} 条",
        "touched day totals wrong: {stage} {day} unit {unit} kept as {kept}, actually {actual}",
    ),
    "check.lead_gram_total": (
        "搜索字词汇总有误：“{gram}” {stage} 记为 {kept_leads} 条、{kept_amount} 万元，"
        "实际 {leads} 条、{amount} 万元",
        "search piece totals wrong: “{gram}” {stage} kept as {kept_leads} leads, "
        "{kept_amount} 万元; actually {leads} leads, {amount} 万元",
    ),
    "check.search_missing": (
        "搜索索引缺少线索 {ids}",
        "the search index is missing leads {ids}",
    ),
    "check.search_extra": (
        "搜索索引含有已不存在的线索 {ids}",
        "the search index holds leads that no longer exist: {ids}",
    ),
    "check.search_index": (
        "搜索索引与线索内容不一致：{detail}",
        "the search index does not match the leads: {detail}",
    ),
    "restore.done": (
        "已用 {source} 恢复数据库 {path}；原数据库保存在 {aside}",
        "restored {path} from {source}; the store as it was is kept at {aside}",
    ),
    "restore.done_new": ("已用 {source} 恢复数据库 {path}", "restored {path} from {source}"),
    "restore.busy": (
        "数据库正被其他程序使用（yeji 界面或命令），请先关闭它们再恢复：{path}",
        "the store is open elsewhere (a yeji window or command): close it, then restore: {path}",
    ),
    "restore.damaged": (
        "{path} 已损坏，不能用于恢复：{detail}",
        "{path} is damaged and cannot be restored: {detail}",
    ),
    "restore.no_campaign": (
        "{path} 中没有活动，不是 yeji 数据库的备份",
        "{path} holds no campaign: not a backup of a yeji store",
    ),
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
    # --- bad input: files that are not ledgers, amounts, future dates, output paths (issue 8)
    "why.no_file": ("文件不存在：请检查路径和文件名", "no such file: check the path and the name"),
    "why.directory": (
        "这是一个目录：请给出台账文件本身",
        "this is a directory: give the ledger file itself",
    ),
    "why.not_file": ("不是普通文件：请给出台账文件", "not a regular file: give the ledger file"),
    "why.no_permission": (
        "没有读取权限：请检查文件权限",
        "not allowed to read it: check its permissions",
    ),
    "why.binary": (
        "不是文本文件：台账应为 CSV（UTF-8 或 GBK）或 Excel 工作簿（.xlsx）",
        "not a text file: a ledger is a CSV (UTF-8 or GBK) or an Excel workbook (.xlsx)",
    ),
    "why.utf16": (
        "是 UTF-16 文本（Excel 的“Unicode 文本”）：请另存为“CSV UTF-8”或 .xlsx",
        "UTF-16 text (Excel's “Unicode Text”): save it as “CSV UTF-8” or .xlsx",
    ),
    "why.xls": (
        "是旧版 Excel 文件（.xls）：请在 Excel 或 WPS 中另存为 .xlsx 或 CSV",
        "an old Excel file (.xls): save it as .xlsx or CSV in Excel or WPS",
    ),
    "why.not_zip": ("文件已损坏，或并非 .xlsx", "damaged, or not an .xlsx file"),
    "why.xlsx_cell": (
        "第 {row} 行起的单元格无法读取（{error}），文件已损坏：请用 Excel 或 WPS 打开后另存为 .xlsx 再导入",
        "cells from row {row} on cannot be read ({error}); the file is damaged: open it in Excel or WPS, save it as .xlsx and import that",
    ),
    "why.openpyxl": (
        "读取 .xlsx 需要 openpyxl：请运行 pip install 'yeji-tui[xlsx]'，或另存为 CSV 再导入",
        "reading .xlsx needs openpyxl: run pip install 'yeji-tui[xlsx]', or save the file as CSV and import that",
    ),
    "why.long_line": (
        "第 {line} 行超过 {n} 个字符，台账不会有这样的行：请检查是否选错了文件",
        "line {line} is longer than {n} characters, which no ledger row is: check that this is the right file",
    ),
    "why.csv_cell": (
        "从第 {line} 行起有一格超过 {n} 个字符，多半是少了一个右引号：请检查该行的引号",
        "a cell from row {line} on is longer than {n} characters, most likely a missing closing quote: check that row's quotes",
    ),
    "why.stray": (
        "表头之外还有内容（该列没有列名，或没加引号的逗号把一格分成了两格）",
        "a value outside the named columns (a column without a header, or an unquoted comma that split a cell)",
    ),
    "why.duplicate_column": ("此列出现了两次，只能保留一列", "this column appears twice; keep one"),
    "why.amount_max": (
        "金额超过上限 {max} 万元：金额以万元计，不是元",
        "above the limit of {max} 万元: amounts are in 万元, not yuan",
    ),
    "why.amount_exponent": (
        "金额请写完整的整数，如 12000：科学计数法（如 1.2E+11）会丢掉位数",
        "write the amount as a whole number like 12000: scientific notation (1.2E+11) loses digits",
    ),
    "why.future": (
        "晚于今天（{today}）：尚未发生的事不能登记",
        "after today ({today}): nothing can be recorded before it happens",
    ),
    "out.no_dir": (
        "目录不存在：{folder}（请先创建它，或换一个路径）",
        "no such directory: {folder} (create it first, or choose another path)",
    ),
    "out.is_dir": ("这是一个目录：请给出文件名", "this is a directory: give a file name"),
    "out.cannot_write": (
        "无法在 {folder} 中写入（{error}）：请换一个目录",
        "cannot write in {folder} ({error}): choose another directory",
    ),
    # --- import problems (why)
    "why.file": ("无法读取文件：{error}", "cannot read the file: {error}"),
    "why.encoding": (
        "无法识别编码：请另存为“CSV UTF-8”（或 GBK 编码的 CSV）",
        "unknown encoding: save it as “CSV UTF-8” (or a GBK CSV)",
    ),
    "why.xlsx": (
        "不是完好的 Excel 工作簿（{error}）：请用 Excel 或 WPS 打开后另存为 .xlsx 再导入",
        "not a sound Excel workbook ({error}): open it in Excel or WPS, save it as .xlsx and import that",
    ),
    "why.empty": ("文件为空", "the file is empty"),
    "why.missing_column": ("缺少此列", "this column is missing"),
    "why.unknown_column": ("未知的列", "unknown column"),
    "why.required": ("不能为空", "must not be empty"),
    "why.amount": ("金额应为整数（万元），如 12000", "the amount must be whole 万元, like 12000"),
    "why.date": ("日期应为 YYYY-MM-DD，如 2022-09-06", "dates are YYYY-MM-DD, like 2022-09-06"),
    "why.bool": ("应为 是/否、true/false 或 1/0", "must be 是/否, true/false or 1/0"),
    "why.unit": ("没有这个单位", "no such unit"),
    "why.consultant": ("名单中没有这位顾问", "no such consultant on the roster"),
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
    # --- waiting for the store, and progress of long work (issue 8: imports never lock out)
    "busy.waiting": (
        "另一项导入正在写入，稍候…",
        "another import is writing, waiting…",
    ),
    "busy.failed": (
        "另一项导入正在写入，等待超时，本次未保存，请稍后再试",
        "another import kept the store busy: nothing was saved, try again later",
    ),
    "progress.reading": ("读取并检查：{n} 行", "reading and checking: {n} rows"),
    "progress.preparing": ("与已有台账比对…", "matching stored leads…"),
    "progress.writing": ("写入数据库…", "writing to the store…"),
    "progress.indexing": ("建立检索索引：{n} 条", "indexing for search: {n} leads"),
    "progress.exporting": ("导出：{n} 行", "exporting: {n} rows"),
    "progress.demo": ("生成演示数据…", "making the demo campaign…"),
    "progress.report": ("生成报表…", "making the report…"),
    "progress.check.integrity": ("检查：SQLite 完整性…", "checking: SQLite's integrity…"),
    "progress.check.foreign_keys": ("检查：外键…", "checking: foreign keys…"),
    "progress.check.stage_total": ("检查：各阶段合计…", "checking: the totals per stage…"),
    "progress.check.activity_day": ("检查：每日活动合计…", "checking: the activities per day…"),
    "progress.check.lead_touch_day": (
        "检查：按变动日的线索合计…",
        "checking: the leads per touched day…",
    ),
    "progress.check.lead_gram_total": (
        "检查：名称片段合计（逐条重算）…",
        "checking: the leads per piece of a name (counted again)…",
    ),
    "progress.check.search": ("检查：检索索引…", "checking: the search index…"),
    "progress.check.audit": ("检查：重放审计记录…", "checking: the audit, replayed…"),
    # --- triage decisions (issue 9: the rules review applies)
    "rule.advance": (
        "只有线索阶段的项目可以转入洽谈",
        "only a lead at the lead stage can move on to negotiating",
    ),
    # --- user text: what the campaign file may hold (issue 8, nothing hostile in or out)
    "cfg.too_long": (
        "超过 {n} 个字符：活动配置中的名称与导入的名称同样以 {n} 字为限",
        "longer than {n} characters: names in the campaign file have the same limit as imported ones",
    ),
    # --- roles and the audit (issue 10)
    "role.office": ("办公室", "office"),
    "role.clerk": ("录入员", "clerk"),
    "role.leader": ("领导", "leader"),
    "access.refused": (
        "{user}（{role}）无权{what}，未作任何修改",
        "{user} ({role}) may not {what}: nothing was changed",
    ),
    "access.of_unit": ("{what}（{unit}）", "{what} of {unit}"),
    "access.rows": ("{what}，第 {rows} 行", "{what}, rows {rows}"),
    "access.what.campaign": ("修改活动配置", "change the campaign file"),
    "access.what.lead": ("修改线索", "change leads"),
    "access.what.activity": ("登记活动", "log activities"),
    "access.what.view": ("保存视图", "save views"),
    "access.what.backup": ("备份数据库", "back up the store"),
    "access.what.restore": ("恢复数据库", "restore the store"),
    "audit.time": ("时间", "time"),
    "audit.user": ("用户", "user"),
    "audit.action": ("操作", "action"),
    "audit.subject": ("对象", "subject"),
    "audit.field": ("字段", "field"),
    "audit.before": ("原值", "before"),
    "audit.after": ("新值", "after"),
    "audit.title": ("操作记录", "Audit"),
    "audit.none": ("（无记录）", "(no entries)"),
    "audit.recent": ("最近的操作记录", "Latest changes"),
    "audit.count": ("共 {n} 行", "{n} lines"),
    "audit.all": ("全部记录", "every entry"),
    "audit.added": ("新增", "added"),
    "audit.changed": ("修改", "changed"),
    "audit.removed": ("删除", "removed"),
    "audit.batch": ("新增 {added} 条，更新 {updated} 条", "{added} added, {updated} updated"),
    "audit.f.company": ("企业", "company"),
    "audit.f.project": ("项目", "project"),
    "audit.f.industry": ("行业", "industry"),
    "audit.f.amount_wan": ("金额（万元）", "amount (万元)"),
    "audit.f.is_industrial": ("工业项目", "industrial"),
    "audit.f.is_head_enterprise": ("行业头部企业", "head enterprise"),
    "audit.f.is_listed": ("上市公司", "listed"),
    "audit.f.source": ("来源", "source"),
    "audit.f.unit": ("单位", "unit"),
    "audit.f.consultant": ("招商顾问", "consultant"),
    "audit.f.task_force": ("攻坚组", "task force"),
    "audit.f.stage": ("阶段", "stage"),
    "audit.f.found_on": ("发现日期", "found"),
    "audit.f.valid_since": ("有效线索日期", "valid since"),
    "audit.f.signed_on": ("签约日期", "signed"),
    "audit.f.started_on": ("开工日期", "started"),
    "audit.f.dropped_on": ("终止日期", "dropped"),
    "audit.f.dropped_reason": ("终止原因", "why dropped"),
    "audit.f.next_follow_up": ("下次跟进", "next follow-up"),
    "audit.f.reviewed_on": ("审核日期", "reviewed"),
    "audit.f.note": ("跟进内容", "note"),
    "audit.f.entry": ("撤销的记录", "undoes entry"),
    "audit.do.create": ("新建", "create"),
    "audit.do.change": ("修改", "change"),
    "audit.do.move": ("推进", "move"),
    "audit.do.valid": ("有效线索", "valid"),
    "audit.do.drop": ("终止", "drop"),
    "audit.do.follow_up": ("跟进", "follow-up"),
    "audit.do.activity": ("登记活动", "activity"),
    "audit.do.import": ("导入", "import"),
    "audit.do.campaign": ("活动配置", "campaign file"),
    "audit.do.undo": ("撤销", "undo"),
    "audit.do.restore": ("恢复", "restore"),
    "audit.do.baseline": ("原有记录", "baseline"),
    "audit.do.demo": ("生成演示数据", "demo"),
    "check.audit_replay": (
        "线索 {lead} 的 {field}：操作记录重放得 {replayed}，现存 {stored}",
        "lead {lead} {field}: the audit replayed gives {replayed}, the store holds {stored}",
    ),
    # --- presence: who else has the store open (issue 10, the heartbeat beside the store)
    "presence.other": ("另有 {n} 人在用：{names}", "{n} other here: {names}"),
    "presence.others": ("另有 {n} 人在用：{names}", "{n} others here: {names}"),
    "presence.sep": ("、", ", "),
    "presence.more": ("等", " and more"),
    # --- issue 11, the clerk's keyboard: forms, triage, keys (footer, help, palette)
    "form.after_day": (
        "晚于{what}（{day}）：日期顺序不对",
        "after {what} ({day}): dates out of order",
    ),
    "form.day_valid": ("有效线索日期", "the valid-lead day"),
    "form.day_signed": ("签约日期", "the signing day"),
    "form.day_started": ("开工日期", "the start day"),
    "key.toggle": ("勾选", "Check"),
    "key.next_field": ("下一项", "Next field"),
    "pick.placeholder": ("输入名称、拼音或首字母筛选", "type a name, its pinyin or initials"),
    "pick.hint": ("↑↓ 选择 · Enter 确定 · Esc 取消", "↑↓ move · Enter picks · Esc cancels"),
    "triage.already": ("已在{stage}", "already at {stage}"),
    "form.discard": ("放弃已填写的内容？", "Discard what you typed?"),
    "confirm.hint": ("{yes} 放弃 · {no} 继续填写", "{yes} discards · {no} goes back to the form"),
    "key.yes": ("是", "Yes"),
    "key.no": ("否", "No"),
    # --- units, overview, CLI widths (issue 11, engineer B)
    "units.report_where": ("报表写入的文件夹", "Folder to write the report to"),
    "units.report_files": ("将写入：{files}", "Files written: {files}"),
    "units.report_no_folder": ("没有这个文件夹：{folder}", "No such folder: {folder}"),
    # --- the pipeline and the lead page (issue 11, engineer A: filter tokens, messages)
    "filter.no_unit": ("没有相符的单位：{token}", "No unit matches: {token}"),
    "filter.no_group": ("没有相符的攻坚组：{token}", "No group matches: {token}"),
    "filter.many": (
        "{token} 相符的有 {n} 个（{names}…），请多打几个字",
        "{token} matches {n} ({names}…): type more",
    ),
    "filter.hides_saved": (
        "{what}（当前筛选下不显示，{clear} 清除筛选）",
        "{what} (hidden by the filter; {clear} clears it)",
    ),
    # --- issue 12, past one machine: the streamed demo, yeji serve
    "progress.demo_leads": ("生成演示数据：{n} 条线索", "making the demo: {n} leads"),
    "progress.demo_activities": ("生成演示数据：{n} 条活动", "making the demo: {n} activities"),
    "progress.demo_index": ("建立索引和汇总…", "building the indexes and totals…"),
    "serve.title": ("叶集“双招双引”百日攻坚", "Yeji investment campaign"),
    "serve.missing": (
        "在浏览器中使用需要 textual-serve：请运行 pip install '{extra}'",
        "serving to a browser needs textual-serve: run pip install '{extra}'",
    ),
    "serve.cannot_listen": (
        "无法在 {host}:{port} 上监听（{why}）：端口已被占用，或地址不属于本机；请换一个 --port 或 --host",
        "cannot listen on {host}:{port} ({why}): the port is taken or the address is not this machine's; try another --port or --host",
    ),
    # --- issue 11's leftovers: unit pickers that match nothing say so
    "pick.no_unit": ("没有匹配的单位", "No unit matches"),
    "pick.no_match": ("没有匹配的选项", "Nothing matches"),
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


def both(key: str, **values: object) -> str:
    """A message in Chinese and English at once (``中文 / English``), for text read before the
    language is known, such as the campaign file's problems."""
    return " / ".join(Catalog(lang)(key, **values) for lang in LANGS)


def parse_lang(value: str | None) -> Lang:
    """``zh`` unless the value asks for English."""
    return "en" if (value or "").lower().startswith("en") else "zh"
