"""The demo's rows, made lazily: leads (with their stage history and follow-up notes) and
activities, a batch at a time, so a million leads need no more memory than a thousand.

Chinese company names weighted to the district's two lead industries (智能家居, 精细化工); trips
and visits across the window, some units diligent and some lagging. The headline projects are a
fixed handful whatever the number of leads, so the board shows a campaign in progress.
"""

from __future__ import annotations

import random
import zlib
from bisect import bisect
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from itertools import accumulate

from models.records import CampaignSettings
from models.rules import DROP_REASONS
from models.search import search_key

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
    *(
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
    ),
    *("中科", "汇通", "新辉", "明珠", "东方", "皖美", "大别山", "史河", "锦程", "富康", "国泰"),
    *("联创", "卓越", "春晖", "德润", "恒通", "亚欧", "佳木", "雅居", "林海", "森华", "美克"),
    *("欧派", "索菲"),
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
NOTES = (
    *("电话沟通，对方在做投资比选", "已发送园区政策和用地条件", "对方高层下周来叶集考察"),
    *("约定月底前反馈投资意向", "已对接供地和环评事宜"),
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

#: The stored columns of a lead row, in the order ``LeadBatch.leads`` gives them.
LEAD_FIELDS = (
    *("id", "company", "project", "industry", "amount_wan", "is_industrial", "source", "unit"),
    *("stage", "found_on", "valid_since", "signed_on", "started_on", "dropped_on"),
    *("dropped_reason", "created_at", "updated_at", "version", "search_key", "touched_on"),
    *("reviewed_on", "next_follow_up", "consultant"),
)
STAGE_FIELDS = ("lead", "from_stage", "to_stage", "on", "by_user", "at")
NOTE_FIELDS = ("lead", "on", "note", "by_user", "at")
ACTIVITY_FIELDS = ("on", "unit", "kind", "led_by_principal", "destination", "company", "note")
Row = tuple[object, ...]


class Picker:
    """Weighted picks without ``random.choices``' per-call set-up (a million picks a second)."""

    def __init__(self, rng: random.Random, weights: dict[str, float] | dict[str, int]) -> None:
        self.rng, self.keys = rng, list(weights)
        self.bounds = list(accumulate(weights.values()))

    def __call__(self) -> str:
        return self.keys[bisect(self.bounds, self.rng.random() * self.bounds[-1])]


def _day(rng: random.Random, first: date, last: date) -> date:
    return first + timedelta(days=int(rng.random() * (max(0, (last - first).days) + 1)))


class _Names:
    """Unique (company, project) pairs, remembered in a bitmap of their hashes: a million pairs
    in 8 MB. A pair whose bit another pair set takes the next phase (期), as a true repeat does,
    so names stay unique and the run stays deterministic."""

    def __init__(self, rng: random.Random, expected: int = 100_000) -> None:
        self.rng = rng
        self.bits = max(1 << 16, 1 << (64 * expected).bit_length())
        self.seen = bytearray(self.bits // 8)

    def company(self, industry: str) -> str:
        r = self.rng
        return f"{r.choice(PLACES)}{r.choice(BRANDS)}{r.choice(TRADE[industry])}{r.choice(SUFFIX)}"

    def _taken(self, company: str, project: str) -> bool:
        """Whether the pair (or one sharing its bit) was given before; marks it given."""
        bit = zlib.crc32(f"{company}\x1f{project}".encode()) % self.bits
        byte, mask = bit >> 3, 1 << (bit & 7)
        taken = bool(self.seen[byte] & mask)
        self.seen[byte] |= mask
        return taken

    def pair(self, industry: str) -> tuple[str, str]:
        company = self.company(industry)
        project = self.rng.choice(PRODUCTS[industry]).format(n=self.rng.choice((5, 10, 20, 30, 50)))
        name, phase = f"{project}项目", 1
        while self._taken(company, name):
            phase += 1
            name = f"{project}项目（{phase}期）"
        return company, name


@dataclass
class LeadBatch:
    """A batch of lead rows (ids given) with their stage history and follow-up notes."""

    leads: list[Row] = field(default_factory=list)
    history: list[Row] = field(default_factory=list)
    notes: list[Row] = field(default_factory=list)


@dataclass(frozen=True)
class DemoPlan:
    """What the rows are made from: the campaign, the store's unit and consultant ids, who and
    when they are recorded as."""

    settings: CampaignSettings
    today: date
    units: dict[str, int]
    consultants: Sequence[int]
    user: str
    now: str


def lead_batches(
    plan: DemoPlan, rng: random.Random, count: int, first_id: int, size: int
) -> Iterator[LeadBatch]:
    """``count`` leads numbered from ``first_id``, ``size`` at a time."""
    settings, today, user, now = plan.settings, plan.today, plan.user, plan.now
    names = _Names(rng, count)
    industry_of, source_of = Picker(rng, INDUSTRY_WEIGHTS), Picker(rng, SOURCE_WEIGHTS)
    unit_of = Picker(rng, {u.name: _owner_weight(u.kind) for u in settings.units})
    start, random_ = settings.start, rng.random
    batch = LeadBatch()
    for i in range(count):
        lead_id = first_id + i
        headline = HEADLINE[i] if i < len(HEADLINE) else None
        industry = "智能家居" if headline and headline[1] and i % 2 == 0 else industry_of()
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
            industrial = random_() < INDUSTRIAL_SHARE.get(industry, 0.1)
            roll = random_()
            stage = (
                "lead"
                if roll < 0.55
                else "negotiating"
                if roll < 0.82
                else "signed"
                if roll < 0.92
                else "dropped"
            )
            if stage != "lead" and random_() < 0.8:
                valid = _day(rng, max(found, start - timedelta(days=10)), today)
            if stage == "signed":
                amount = min(amount, 9800)  # small signings: the headline ones carry the targets
                signed = _day(rng, max(found, valid or found), today)
            if stage == "dropped":
                dropped = _day(rng, found, today)
        steps = [("lead", found)]
        if stage != "lead":
            steps.append(("negotiating", valid or found))
        steps += [
            (s, d) for s, d in (("signed", signed), ("started", started), ("dropped", dropped)) if d
        ]
        # recent bare leads wait for review; some negotiations have a follow-up due or overdue
        fresh = stage == "lead" and (today - found).days < 10 and random_() < 0.4
        follow = stage == "negotiating" and random_() < 0.3
        source = source_of()
        consultant = (
            rng.choice(plan.consultants) if source == "委托招商" and plan.consultants else None
        )
        touched = steps[-1][1]
        if valid and stage in ("negotiating", "signed", "started") and random_() < 0.5:
            noted = _day(rng, valid, today)
            batch.notes.append((lead_id, noted.isoformat(), rng.choice(NOTES), user, now))
            touched = max(touched, noted)
        batch.leads.append(
            (
                *(lead_id, company, project, industry, amount, bool(industrial), source),
                *(plan.units[unit_of()], stage, found.isoformat(), _iso(valid), _iso(signed)),
                *(_iso(started), _iso(dropped), rng.choice(DROP_REASONS) if dropped else ""),
                *(now, now, 1, search_key(company, project), touched.isoformat()),
                None if fresh else found.isoformat(),
                (today + timedelta(days=int(random_() * 25) - 10)).isoformat() if follow else None,
                consultant,
            )
        )
        prev = None
        for name, day in steps:
            batch.history.append((lead_id, prev, name, day.isoformat(), user, now))
            prev = name
        if len(batch.leads) >= size:
            yield batch
            batch = LeadBatch()
    if batch.leads:
        yield batch


def _owner_weight(kind: str) -> int:
    return 3 if kind == "outpost" else 6 if kind == "park" else 5


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def activity_rows(plan: DemoPlan, rng: random.Random, count: int) -> Iterator[Row]:
    """Trips and visits of the responsible units, some diligent, some lagging."""
    doers = [u.name for u in plan.settings.units if u.kind != "outpost"]
    unit_of = Picker(rng, {u: rng.choice((0.25, 0.5, 0.9, 1.0, 1.2, 1.5)) for u in doers})
    industry_of = Picker(rng, INDUSTRY_WEIGHTS)
    names = _Names(rng, 0)  # only its company names: activities need not be unique
    first = plan.settings.start - timedelta(days=7)
    days = [(first + timedelta(days=d)).isoformat() for d in range((plan.today - first).days + 1)]
    span, random_ = len(days), rng.random
    for _ in range(count):
        unit = plan.units[unit_of()]
        roll = random_()
        kind = (
            "trip"
            if roll < 0.47
            else "visit"
            if roll < 0.9
            else rng.choice(("promotion", "training", "exchange"))
        )
        day = days[int(random_() * span)]
        principal = kind == "trip" and random_() < 0.4
        destination = rng.choice(DESTINATIONS) if kind in ("trip", "promotion") else ""
        company = names.company(industry_of()) if kind in ("trip", "visit") else ""
        yield (day, unit, kind, bool(principal), destination, company, "")
