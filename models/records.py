"""Frozen records handed out by the store, and the campaign settings they describe.

Screens, the CLI and the calculator only ever see these: never a Peewee model instance, whose lazy
foreign keys would fire queries wherever they are touched (on the UI thread, say).
"""

from __future__ import annotations

from dataclasses import field, fields
from datetime import date
from typing import Literal

from models.frozen import Record, record

StageName = Literal["lead", "negotiating", "signed", "started", "dropped"]
UnitKind = Literal["department", "township", "park", "outpost"]
TargetStage = Literal["signed", "started"]
QuotaName = Literal["trips", "principal_trips", "visits", "valid_leads"]
ConsultantRole = Literal["consultant", "adviser"]
EventKind = Literal[
    "mobilisation", "promotion", "training", "exchange", "signing", "groundbreaking"
]
EVENT_KINDS: tuple[EventKind, ...] = (
    "mobilisation",
    "promotion",
    "training",
    "exchange",
    "signing",
    "groundbreaking",
)
ActivityKind = Literal[
    "trip", "visit", "promotion", "training", "exchange", "signing", "groundbreaking"
]

#: Every kind of activity, in the order the form offers them.
ACTIVITY_KINDS: tuple[ActivityKind, ...] = (
    "trip",
    "visit",
    "promotion",
    "training",
    "exchange",
    "signing",
    "groundbreaking",
)
#: The pipeline in order; ``dropped`` stands off the line.
STAGES: tuple[StageName, ...] = ("lead", "negotiating", "signed", "started", "dropped")
PIPELINE: tuple[StageName, ...] = ("lead", "negotiating", "signed", "started")
UNIT_KINDS: tuple[UnitKind, ...] = ("department", "township", "park", "outpost")
INDUSTRIES: tuple[str, ...] = ("智能家居", "精细化工", "现代农业", "商贸流通", "现代服务业", "其他")
#: How many of each the notice asks for: 5–10 investment consultants, 3–5 development advisers.
CONSULTANT_RANGES: dict[ConsultantRole, tuple[int, int]] = {
    "consultant": (5, 10),
    "adviser": (3, 5),
}
SOURCES: tuple[str, ...] = (
    "以商招商",
    "委托招商",
    "推介会",
    "园区合作",
    "外出招商",
    "来访",
    "其他",
)


def stage_name(value: str) -> StageName:
    """A stage as stored, typed (an unknown value reads as ``lead``)."""
    return next((s for s in STAGES if s == value), "lead")


@record
class Quotas(Record):
    """Monthly quotas of the campaign (DOMAIN.md, 每月)."""

    trips: int = 2
    principal_trips: int = 1
    visits: int = 2
    valid_leads: int = 1

    def of(self, quota: QuotaName) -> int:
        """The monthly number for one quota."""
        value: int = getattr(self, quota)
        return value


@record
class TargetSpec(Record):
    """One campaign target: how many projects must reach a stage, above an amount."""

    id: str
    label: str
    stage: TargetStage
    count: int
    min_amount_wan: int = 0
    industrial_count: int | None = None


@record
class GroupSpec(Record):
    """An investment group (招商小组) with its leading official and lead unit."""

    name: str
    leader: str = ""
    lead_unit: str = ""
    #: the group's annual tasks (campaign settings): projects its units sign (at the smallest
    #: signed target's amount) and start within the window; 0 sets no task
    signed_task: int = 0
    started_task: int = 0


@record
class ConsultantSpec(Record):
    """An investment consultant (招商顾问) or a development adviser (社会经济发展顾问)."""

    name: str
    role: ConsultantRole = "consultant"
    organisation: str = ""


@record
class EventSpec(Record):
    """A campaign event planned in the campaign file (the July signing ceremony, say)."""

    kind: EventKind
    title: str
    planned_on: date
    place: str = ""


@record
class AssessmentRule(Record):
    """Who is nominated as an advanced unit (先进单位) at the end of the campaign: a unit that
    signed at least ``min_signed`` projects in the window and, if ``all_quota_months``, met
    every quota of every month of the window."""

    min_signed: int = 1
    all_quota_months: bool = True


@record
class UnitSpec(Record):
    """A responsible unit or an outpost centre; ``group`` is optional for outposts."""

    name: str
    kind: UnitKind
    principal: str = ""
    group: str | None = None


#: Who may do what (DOMAIN.md "Who may change what"): the campaign office, a unit's clerk, a
#: district leader.
Role = Literal["office", "clerk", "leader"]
ROLES: tuple[Role, ...] = ("office", "clerk", "leader")


@record
class UserSpec(Record):
    """A person of the campaign file's ``[[users]]``: their OS account, name, role and, for a
    clerk, the unit whose ledger they keep."""

    login: str
    name: str
    role: Role
    unit: str = ""


@record
class Actor(Record):
    """The person making a change: login, the name shown, role and (a clerk's) unit."""

    login: str
    name: str
    role: Role
    unit: str = ""
    #: False when the campaign lists no users (everyone is office; nothing to show)
    listed: bool = True

    @property
    def shown(self) -> str:
        """The name with the login, for the audit and refusals (``张三 (zhangsan)``)."""
        return self.login if self.name == self.login else f"{self.name} ({self.login})"


@record
class CampaignSettings(Record):
    """Everything the campaign file says: window, quotas, targets and the organisation."""

    name: str
    start: date
    end: date
    quotas: Quotas = field(default_factory=Quotas)
    targets: tuple[TargetSpec, ...] = ()
    groups: tuple[GroupSpec, ...] = ()
    units: tuple[UnitSpec, ...] = ()
    consultants: tuple[ConsultantSpec, ...] = ()
    events: tuple[EventSpec, ...] = ()
    assessment: AssessmentRule = field(default_factory=AssessmentRule)
    is_demo: bool = False
    users: tuple[UserSpec, ...] = ()

    def unit(self, name: str) -> UnitSpec | None:
        """The unit of that name, if the campaign has one."""
        return next((u for u in self.units if u.name == name), None)


@record
class UnitPeriod(Record):
    """What one unit did in a period (a dispatch meeting's two weeks, or the whole window)."""

    trips: int = 0
    principal_trips: int = 0
    visits: int = 0
    valid_reported: int = 0  # leads marked valid in the period
    valid_followed: int = 0  # valid leads with a follow-up note dated in the period
    signed: int = 0  # projects signed in the period, any amount, not dropped since
    signed_wan: int = 0
    signed_counted: int = 0  # of those, at the smallest signed target's amount (tasks, nominees)
    started: int = 0
    started_wan: int = 0
    stale: int = 0  # open leads untouched for the stale-days setting, at the period's end

    def __add__(self, other: UnitPeriod) -> UnitPeriod:
        return UnitPeriod(
            *(getattr(self, f.name) + getattr(other, f.name) for f in fields(UnitPeriod))
        )


@record
class EventRecord(Record):
    """An event on the calendar: planned and/or held, with the projects it carried
    (amount in 万元, industrial) — signed at a signing ceremony, started at a groundbreaking."""

    kind: str
    title: str
    planned_on: date | None
    held_on: date | None
    place: str
    projects: tuple[tuple[int, bool], ...] = ()


@record
class RosterLine(Record):
    """A consultant or adviser and the leads they brought."""

    name: str
    role: ConsultantRole
    organisation: str
    leads: int
    signed: int


@record
class ProjectFacts(Record):
    """What the store counted for one target: projects, and the industrial ones among them."""

    actual: int
    industrial: int


@record
class LatestProject(Record):
    """A recent signing or start, for the overview's list."""

    day: date
    stage: TargetStage
    company: str
    project: str
    amount_wan: int
    unit: str


@record
class LeadCard(Record):
    """What a card on the pipeline shows."""

    id: int
    company: str
    project: str
    amount_wan: int
    industry: str
    unit: str
    stage: StageName
    is_valid: bool
    is_industrial: bool
    touched_on: date | None
    version: int


@record
class LeadRecord(Record):
    """A lead as the screens and reports see it."""

    id: int
    company: str
    project: str
    industry: str
    amount_wan: int
    is_industrial: bool
    source: str
    unit: str
    stage: StageName
    found_on: date | None
    valid_since: date | None
    signed_on: date | None
    started_on: date | None
    dropped_on: date | None
    dropped_reason: str
    version: int
    next_follow_up: date | None = None
    touched_on: date | None = None
    reviewed_on: date | None = None
    is_head_enterprise: bool = False
    is_listed: bool = False
    task_force: str | None = None
    consultant: str = ""  # the consultant or adviser who brought it, by name; "" for none

    @property
    def is_valid(self) -> bool:
        """Reported as a valid lead (有效价值线索)."""
        return self.valid_since is not None
