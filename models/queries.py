"""The read side of the store: campaign settings and the counts the calculator needs.

Every count and sum happens in SQL (GROUP BY over indexed columns); what comes back is small —
one row per unit and month at most — and is handed out as plain values or frozen records.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from peewee import JOIN, SQL, Case, fn

from models import engine
from models.records import (
    EVENT_KINDS,
    ROLES,
    UNIT_KINDS,
    AssessmentRule,
    CampaignSettings,
    ConsultantSpec,
    EventSpec,
    GroupSpec,
    LatestProject,
    LeadCard,
    ProjectFacts,
    Quotas,
    Role,
    TargetSpec,
    TargetStage,
    UnitKind,
    UnitSpec,
    UserSpec,
    stage_name,
)
from models.tables import (
    ActivityDay,
    AppUser,
    Campaign,
    Consultant,
    Event,
    Group,
    Lead,
    Target,
    Unit,
    rows,
)

#: (unit name, "YYYY-MM") → count
MonthlyCounts = dict[tuple[str, str], int]


def load_campaign() -> CampaignSettings | None:
    """The stored campaign, or None in a store that has none yet."""
    row = Campaign.select().order_by(Campaign.id).first()
    if row is None:
        return None
    targets = tuple(
        TargetSpec(
            id=t.key,
            label=t.label,
            stage="started" if t.stage == "started" else "signed",
            count=t.count,
            min_amount_wan=t.min_amount_wan,
            industrial_count=t.industrial_count,
        )
        for t in Target.select().order_by(Target.position, Target.id)
    )
    groups = tuple(
        GroupSpec(
            name=g.name,
            leader=g.leader,
            lead_unit=g.lead_unit,
            signed_task=g.signed_task,
            started_task=g.started_task,
        )
        for g in Group.select().order_by(Group.position, Group.id)
    )
    consultants = tuple(
        ConsultantSpec(
            name=c.name,
            role="adviser" if c.role == "adviser" else "consultant",
            organisation=c.organisation,
        )
        for c in Consultant.select().order_by(Consultant.position, Consultant.id)
    )
    events = tuple(
        EventSpec(
            kind=next((k for k in EVENT_KINDS if k == e.kind), "promotion"),
            title=e.title,
            planned_on=e.planned_on or row.start,  # planned ones always have a day
            place=e.place,
        )
        for e in Event.select().where(Event.from_plan).order_by(Event.planned_on, Event.id)
    )
    unit_rows = rows(
        Unit.select(Unit.name, Unit.kind, Unit.principal, Group.name)
        .join(Group, JOIN.LEFT_OUTER)
        .order_by(Unit.position, Unit.id)
    )
    units = tuple(
        UnitSpec(name=name, kind=_unit_kind(kind), principal=principal, group=group)
        for name, kind, principal, group in unit_rows
    )
    return CampaignSettings(
        name=row.name,
        start=row.start,
        end=row.end,
        quotas=Quotas(
            trips=row.quota_trips,
            principal_trips=row.quota_principal_trips,
            visits=row.quota_visits,
            valid_leads=row.quota_valid_leads,
        ),
        targets=targets,
        groups=groups,
        units=units,
        consultants=consultants,
        events=events,
        assessment=AssessmentRule(
            min_signed=row.nominee_min_signed, all_quota_months=row.nominee_all_quota_months
        ),
        is_demo=row.is_demo,
        users=tuple(
            UserSpec(login=u.login, name=u.name, role=_role(u.role), unit=u.unit)
            for u in AppUser.select().order_by(AppUser.id)
        ),
    )


def _role(value: str) -> Role:
    return next((r for r in ROLES if r == value), "leader")


def _unit_kind(value: str) -> UnitKind:
    for kind in UNIT_KINDS:
        if kind == value:
            return kind
    return "department"


def not_dropped_by(day: date) -> object:
    """Leads not dropped as of ``day``; a drop with no date (imported) counts as always."""
    return (Lead.stage != "dropped") | (Lead.dropped_on.is_null(False) & (Lead.dropped_on > day))


def count_projects(
    stage: TargetStage, since: date, until: date, min_amount_wan: int
) -> ProjectFacts:
    """Projects whose ``stage`` date lies in [since, until], of at least that amount, not
    dropped by ``until``; and how many of them are industrial."""
    day = Lead.signed_on if stage == "signed" else Lead.started_on
    (row,) = rows(
        Lead.select(fn.COUNT(Lead.id), engine.count_true(Lead.is_industrial)).where(
            day.between(since, until),
            Lead.amount_wan >= min_amount_wan,
            not_dropped_by(until),
        )
    )
    return ProjectFacts(actual=int(row[0]), industrial=int(row[1]))


def _month(column: object) -> object:
    return engine.month_of(column)


def activity_counts(since: date, until: date) -> dict[str, MonthlyCounts]:
    """Trips, trips led by the principal, and visits per unit and month in [since, until].

    Reads the per-day summary the triggers keep. Returns
    ``{"trips": {...}, "principal_trips": {...}, "visits": {...}}``.
    """
    month = _month(ActivityDay.day)
    trip = Case(None, [(ActivityDay.kind == "trip", ActivityDay.n)], 0)
    principal_trip = Case(
        None, [((ActivityDay.kind == "trip") & ActivityDay.led_by_principal, ActivityDay.n)], 0
    )
    visit = Case(None, [(ActivityDay.kind == "visit", ActivityDay.n)], 0)
    query = rows(
        ActivityDay.select(
            ActivityDay.unit_id, month, fn.SUM(trip), fn.SUM(principal_trip), fn.SUM(visit)
        )
        .where(ActivityDay.day.between(since, until), ActivityDay.kind.in_(("trip", "visit")))
        .group_by(ActivityDay.unit_id, month)
    )
    names = unit_names_by_id()
    result: dict[str, MonthlyCounts] = {"trips": {}, "principal_trips": {}, "visits": {}}
    for unit_id, ym, trips, principal_trips, visits in query:
        key = (names[unit_id], ym)
        result["trips"][key] = int(trips)
        result["principal_trips"][key] = int(principal_trips)
        result["visits"][key] = int(visits)
    return result


def valid_lead_counts(since: date, until: date) -> MonthlyCounts:
    """Valid leads reported per owner unit and month of ``valid_since`` in [since, until],
    whatever became of them later."""
    # Count per day first, in the order of the (valid_since, unit) index, then per month over
    # those few rows: 5x faster than grouping 100k leads by an expression.
    per_day = (
        Lead.select(
            Lead.valid_since.alias("day"), Lead.unit.alias("unit_id"), fn.COUNT(SQL("*")).alias("n")
        )
        .where(Lead.valid_since.between(since, until))
        .group_by(Lead.valid_since, Lead.unit)
    ).alias("per_day")
    month = engine.month_of(per_day.c.day)
    query = rows(
        Lead.select(per_day.c.unit_id, month, fn.SUM(per_day.c.n))
        .from_(per_day)
        .group_by(per_day.c.unit_id, month)
    )
    names = unit_names_by_id()
    return {(names[unit_id], ym): int(n) for unit_id, ym, n in query}


def unit_names_by_id() -> dict[int, str]:
    return {int(i): str(n) for i, n in rows(Unit.select(Unit.id, Unit.name))}


def latest_projects(since: date, until: date, limit: int = 8) -> list[LatestProject]:
    """The latest signings and starts in [since, until], newest first."""
    picked: list[LatestProject] = []
    stages: tuple[tuple[TargetStage, Any], ...] = (
        ("signed", Lead.signed_on),
        ("started", Lead.started_on),
    )
    for stage, day in stages:
        found = rows(
            Lead.select(day, Lead.company, Lead.project, Lead.amount_wan, Unit.name)
            .join(Unit)
            .where(day.between(since, until), not_dropped_by(until))
            # the date alone: the index then serves the order and the scan stops at the limit
            .order_by(day.desc())
            .limit(limit)
        )
        picked.extend(
            LatestProject(day=d, stage=stage, company=c, project=p, amount_wan=a, unit=u)
            for d, c, p, a, u in found
        )
    picked.sort(key=lambda p: (p.day, p.stage == "started"), reverse=True)
    return picked[:limit]


def data_version() -> int:
    """A number that changes when another connection commits (``write_lock.data_version``)."""
    from models.write_lock import data_version as changes

    return changes()


def lead_count() -> int:
    """How many leads the store holds."""
    n: int = Lead.select().count()
    return n


#: The columns a card shows, in the order ``card`` reads them.
CARD_COLUMNS: tuple[Any, ...] = (
    Lead.id,
    Lead.company,
    Lead.project,
    Lead.amount_wan,
    Lead.industry,
    Unit.name,
    Lead.stage,
    Lead.valid_since,
    Lead.is_industrial,
    Lead.touched_on,
    Lead.version,
)


def card(row: tuple[Any, ...]) -> LeadCard:
    """A pipeline card from a row of CARD_COLUMNS."""
    i, company, project, amount, industry, unit, stage, valid, industrial, touched, version = row
    return LeadCard(
        id=i,
        company=company,
        project=project,
        amount_wan=amount,
        industry=industry,
        unit=unit,
        stage=stage_name(stage),
        is_valid=valid is not None,
        is_industrial=bool(industrial),
        touched_on=touched,
        version=version,
    )


def gap_candidates(min_amount_wan: int, industrial_first: bool, limit: int = 5) -> list[LeadCard]:
    """Leads in 洽谈 whose signing would count toward a target (at least that amount), largest
    first — the industrial ones first when industrial projects are short too."""

    def largest(industrial: bool | None, n: int) -> list[tuple[Any, ...]]:
        # walks the (stage, amount_wan) index from the top and stops at n: never a sort
        query = (
            Lead.select(*CARD_COLUMNS)
            .join(Unit)
            .where(Lead.stage == "negotiating", Lead.amount_wan >= min_amount_wan)
            .order_by(Lead.amount_wan.desc(), Lead.id.desc())
            .limit(n)
        )
        if industrial is not None:
            query = query.where(Lead.is_industrial == industrial)
        return rows(query)

    if industrial_first:
        found = largest(True, limit) + largest(False, limit)
    else:
        found = largest(None, limit)
    return [card(row) for row in found[:limit]]
