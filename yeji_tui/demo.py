"""A realistic, deterministic demo campaign, placed so that today is about day 60 of 100.

The notice's targets, quotas and the sample organisation; Chinese company names weighted to the
district's two lead industries (智能家居, 精细化工); trips and visits across the window, with some
units diligent and some lagging. The headline projects are a fixed handful whatever ``--leads``
says, so the board shows a campaign in progress: some targets behind, this month in progress.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

from models.audit import BASELINE_SQL
from models.campaigns import clear_campaign_data, save_campaign
from models.db import current_user, immediate
from models.ledger import bulk_insert, unit_ids
from models.records import CampaignSettings
from models.search import search_key
from models.tables import (
    Activity,
    Consultant,
    Event,
    EventLead,
    FollowUp,
    Lead,
    StageChange,
    database,
    rows,
)
from yeji_tui.config import builtin_campaign
from yeji_tui.targets import demo_window

PLACES = (
    "上海",
    "浙江",
    "苏州",
    "广东",
    "佛山",
    "南浔",
    "合肥",
    "宁波",
    "无锡",
    "深圳",
    "六安",
    "杭州",
)
BRANDS = (
    "恒嘉",
    "华宇",
    "金海",
    "鑫源",
    "博通",
    "顺达",
    "宏图",
    "盛世",
    "瑞丰",
    "天成",
    "嘉禾",
    "永信",
    "中科",
    "汇通",
    "新辉",
    "明珠",
    "东方",
    "皖美",
    "大别山",
    "史河",
    "锦程",
    "富康",
    "国泰",
    "联创",
    "卓越",
    "春晖",
    "德润",
    "恒通",
    "亚欧",
    "佳木",
    "雅居",
    "林海",
    "森华",
    "美克",
    "欧派",
    "索菲",
)
TRADE = {
    "智能家居": ("家居", "木业", "家具", "智能家居", "整装家居", "板材"),
    "精细化工": ("化工", "新材料", "精细化学", "化学", "涂料", "医药化工"),
    "现代农业": ("农业科技", "生态农业", "食品", "茶业", "农牧"),
    "商贸流通": ("商贸", "物流", "供应链", "贸易"),
    "现代服务业": ("科技", "文旅", "信息技术", "健康产业"),
    "其他": ("实业", "投资", "能源", "建材"),
}
PRODUCTS = {
    "智能家居": (
        "年产{n}万套定制家居",
        "智能家居产业园",
        "年产{n}万立方米板材",
        "实木家具智能制造",
    ),
    "精细化工": ("年产{n}万吨精细化学品", "高性能新材料", "年产{n}万吨涂料", "医药中间体"),
    "现代农业": ("{n}万亩现代农业示范园", "农产品精深加工", "茶叶加工"),
    "商贸流通": ("商贸物流园", "冷链物流中心", "电商产业园"),
    "现代服务业": ("文旅综合体", "数字经济产业园", "康养中心"),
    "其他": ("光伏发电", "新型建材", "总部经济"),
}
SUFFIX = ("有限公司", "有限公司", "股份有限公司", "集团有限公司", "科技有限公司")
INDUSTRY_WEIGHTS = {
    "智能家居": 35,
    "精细化工": 30,
    "现代农业": 10,
    "商贸流通": 10,
    "现代服务业": 10,
    "其他": 5,
}
INDUSTRIAL_SHARE = {"智能家居": 0.9, "精细化工": 0.9, "现代农业": 0.4}
SOURCE_WEIGHTS = {
    "以商招商": 30,
    "外出招商": 25,
    "委托招商": 15,
    "推介会": 12,
    "园区合作": 8,
    "来访": 7,
    "其他": 3,
}
DESTINATIONS = ("上海", "苏州", "杭州", "南浔", "佛山", "深圳", "合肥", "宁波", "无锡", "广州")
DROP_REASONS = (
    "企业投资计划调整",
    "用地条件不满足",
    "环评不符合要求",
    "企业选择其他地区",
    "资金未落实",
)
# (amount in 万元, industrial, started?): the projects that count toward the targets.
HEADLINE = (
    (120000, True, True),
    (86000, True, False),
    (65000, False, True),
    (52000, True, False),
    (38000, True, True),
    (21000, True, False),
    (15000, False, True),
    (10500, True, False),
    (6000, True, True),
    (3000, False, True),
    (2000, True, True),
)


@dataclass(frozen=True)
class DemoMade:
    """What the demo put in the store."""

    leads: int
    activities: int


def demo_settings(today: date) -> CampaignSettings:
    """The built-in campaign, its 100-day window placed so that today is day 60."""
    base = builtin_campaign()
    start, end = demo_window(today)
    shift = start - base.start  # the planned events move with the window
    events = tuple(replace(e, planned_on=e.planned_on + shift) for e in base.events)
    return replace(
        base, name=base.name + "（演示）", start=start, end=end, events=events, is_demo=True
    )


def _pick(rng: random.Random, weights: dict[str, int]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _day(rng: random.Random, first: date, last: date) -> date:
    return first + timedelta(days=rng.randint(0, max(0, (last - first).days)))


class _Names:
    """Unique (company, project) pairs."""

    def __init__(self, rng: random.Random) -> None:
        self.rng, self.seen = rng, set[tuple[str, str]]()

    def company(self, industry: str) -> str:
        r = self.rng
        return f"{r.choice(PLACES)}{r.choice(BRANDS)}{r.choice(TRADE[industry])}{r.choice(SUFFIX)}"

    def pair(self, industry: str) -> tuple[str, str]:
        company = self.company(industry)
        project = self.rng.choice(PRODUCTS[industry]).format(n=self.rng.choice((5, 10, 20, 30, 50)))
        name, phase = f"{project}项目", 1
        while (company, name) in self.seen:
            phase += 1
            name = f"{project}项目（{phase}期）"
        self.seen.add((company, name))
        return company, name


NOTES = (
    "电话沟通，对方在做投资比选",
    "已发送园区政策和用地条件",
    "对方高层下周来叶集考察",
    "约定月底前反馈投资意向",
    "已对接供地和环评事宜",
)


def build_demo(
    today: date, *, leads: int = 600, seed: int = 2022, activities: int | None = None
) -> DemoMade:
    """Replace the store's contents with the demo campaign as of ``today``."""
    rng = random.Random(seed)
    settings = demo_settings(today)
    clear_campaign_data()
    save_campaign(settings)
    units = unit_ids()
    consultants = [int(c.id) for c in Consultant.select(Consultant.id)]
    owners = [u.name for u in settings.units]
    owner_weights = [
        3 if u.kind == "outpost" else 6 if u.kind == "park" else 5 for u in settings.units
    ]
    start = settings.start
    names = _Names(rng)
    user, now = current_user(), datetime.now().isoformat(sep=" ")
    lead_rows: list[tuple[object, ...]] = []
    history: list[tuple[str, int, str, str, str]] = []  # (from, lead index, to, on, user)
    notes: list[tuple[int, str, str, str]] = []  # (lead index, on, note, user)
    for i in range(leads):
        headline = HEADLINE[i] if i < len(HEADLINE) else None
        industry = (
            "智能家居" if headline and headline[1] and i % 2 == 0 else _pick(rng, INDUSTRY_WEIGHTS)
        )
        if headline and headline[1] and industry not in INDUSTRIAL_SHARE:
            industry = "精细化工"
        company, project = names.pair(industry)
        found = _day(rng, start - timedelta(days=60), today)
        valid = signed = started = dropped = None
        if headline:
            amount, industrial = headline[0], headline[1]
            signed = _day(rng, start, today - timedelta(days=3))
            found = _day(rng, start - timedelta(days=60), signed)
            valid = _day(rng, found, signed)
            stage = "started" if headline[2] else "signed"
            if headline[2]:
                started = _day(rng, signed, today)
        else:
            amount = int(min(300000, max(300, rng.lognormvariate(8.6, 1.0))))
            industrial = rng.random() < INDUSTRIAL_SHARE.get(industry, 0.1)
            roll = rng.random()
            stage = (
                "lead"
                if roll < 0.55
                else "negotiating"
                if roll < 0.82
                else "signed"
                if roll < 0.92
                else "dropped"
            )
            if stage != "lead" and rng.random() < 0.8:
                valid = _day(rng, max(found, start - timedelta(days=10)), today)
            if stage == "signed":
                amount = min(amount, 9800)  # small signings: the headline ones carry the targets
                signed = _day(rng, max(found, valid or found), today)
            if stage == "dropped":
                dropped = _day(rng, found, today)
        unit = rng.choices(owners, weights=owner_weights)[0]
        steps = [("lead", found)]
        if stage != "lead":
            steps.append(("negotiating", valid or found))
        for name, day in (("signed", signed), ("started", started), ("dropped", dropped)):
            if day:
                steps.append((name, day))
        # recent bare leads wait for review; some negotiations have a follow-up due or overdue
        fresh = stage == "lead" and (today - found).days < 10 and rng.random() < 0.4
        follow = stage == "negotiating" and rng.random() < 0.3
        source = _pick(rng, SOURCE_WEIGHTS)
        consultant = rng.choice(consultants) if source == "委托招商" and consultants else None
        touched = steps[-1][1]
        if valid and stage in ("negotiating", "signed", "started") and rng.random() < 0.5:
            noted = _day(rng, valid, today)
            notes.append((i, noted.isoformat(), rng.choice(NOTES), user))
            touched = max(touched, noted)
        lead_rows.append(
            (
                company,
                project,
                industry,
                amount,
                int(industrial),
                source,
                units[unit],
                stage,
                found.isoformat(),
                valid and valid.isoformat(),
                signed and signed.isoformat(),
                started and started.isoformat(),
                dropped and dropped.isoformat(),
                rng.choice(DROP_REASONS) if dropped else "",
                now,
                now,
                1,
                search_key(company, project),
                touched.isoformat(),
                None if fresh else found.isoformat(),
                (today + timedelta(days=rng.randint(-10, 14))).isoformat() if follow else None,
                consultant,
            )
        )
        prev = None
        for name, day in steps:
            history.append((prev or "", i, name, day.isoformat(), user))
            prev = name
    n_activities = activities if activities is not None else max(200, leads // 2)
    activity_rows = _activities(rng, settings, units, today, n_activities, names)
    with immediate():
        bulk_insert(
            Lead,
            (
                "company",
                "project",
                "industry",
                "amount_wan",
                "is_industrial",
                "source",
                "unit",
                "stage",
                "found_on",
                "valid_since",
                "signed_on",
                "started_on",
                "dropped_on",
                "dropped_reason",
                "created_at",
                "updated_at",
                "version",
                "search_key",
                "touched_on",
                "reviewed_on",
                "next_follow_up",
                "consultant",
            ),
            lead_rows,
        )
        first_id = int(Lead.select(Lead.id).order_by(Lead.id).limit(1).scalar() or 1)
        bulk_insert(
            StageChange,
            ("from_stage", "lead", "to_stage", "on", "by_user", "at"),
            ((f or None, first_id + i, to, on, who, now) for f, i, to, on, who in history),
        )
        bulk_insert(
            FollowUp,
            ("lead", "on", "note", "by_user", "at"),
            ((first_id + i, on, note, who, now) for i, on, note, who in notes),
        )
        bulk_insert(
            Activity,
            ("on", "unit", "kind", "led_by_principal", "destination", "company", "note"),
            activity_rows,
        )
        _hold_past_events(today)
        # every demo lead's life starts in the audit: ``yeji check`` replays it
        database.execute_sql(BASELINE_SQL, (now,))  # type: ignore[no-untyped-call]
    return DemoMade(leads=len(lead_rows), activities=len(activity_rows))


def _hold_past_events(today: date) -> None:
    """Planned events before today were held on their day; the ceremonies carry the projects
    signed or started within a week of them."""
    for event in Event.select().where(Event.from_plan, Event.planned_on < today):
        Event.update(held_on=event.planned_on).where(Event.id == event.id).execute()
        day = {"signing": Lead.signed_on, "groundbreaking": Lead.started_on}.get(event.kind)
        if day is None:
            continue
        planned = event.planned_on or today  # selected by planned_on: never None
        week = (planned - timedelta(days=7), planned + timedelta(days=7))
        for (lead_id,) in rows(Lead.select(Lead.id).where(day.between(*week))):
            EventLead.insert(event=event.id, lead=lead_id).execute()


def _activities(
    rng: random.Random,
    settings: CampaignSettings,
    units: dict[str, int],
    today: date,
    count: int,
    names: _Names,
) -> list[tuple[object, ...]]:
    """Trips and visits of the responsible units, some diligent, some lagging."""
    doers = [u.name for u in settings.units if u.kind != "outpost"]
    diligence = [rng.choice((0.25, 0.5, 0.9, 1.0, 1.2, 1.5)) for _ in doers]
    first = settings.start - timedelta(days=7)
    out: list[tuple[object, ...]] = []
    for _ in range(count):
        unit = rng.choices(doers, weights=diligence)[0]
        roll = rng.random()
        kind = (
            "trip"
            if roll < 0.47
            else "visit"
            if roll < 0.9
            else rng.choice(("promotion", "training", "exchange"))
        )
        day = _day(rng, first, today)
        principal = kind == "trip" and rng.random() < 0.4
        destination = rng.choice(DESTINATIONS) if kind in ("trip", "promotion") else ""
        company = names.company(_pick(rng, INDUSTRY_WEIGHTS)) if kind in ("trip", "visit") else ""
        out.append((day.isoformat(), units[unit], kind, int(principal), destination, company, ""))
    return out
