"""What the dispatch and assessment reports count, per unit, in grouped SQL (one query per
measure, never a row per lead in Python)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace
from datetime import date, timedelta
from typing import Any

from peewee import Case, fn

from models import engine
from models.aside import read_aside
from models.followed_ahead import FollowedAhead, followed_sql
from models.ledger_rows import ACTIVITY_COLUMNS, ActivityInput
from models.queries import CARD_COLUMNS, card, not_dropped_by, unit_names_by_id
from models.records import STAGES, EventRecord, LeadCard, RosterLine, UnitPeriod
from models.schema import SCHEMA_VERSION
from models.tables import (
    VALID_BY_ID,
    Activity,
    ActivityDay,
    ActivityLead,
    Consultant,
    Event,
    EventLead,
    FollowUp,
    Lead,
    LeadTouchDay,
    StageChange,
    Unit,
    execute,
    rows,
)

#: stages a lead can still be pushed along (stale ones are worth a word at the meeting)
OPEN_STAGES = ("lead", "negotiating", "signed")


def unit_period(
    since: date, until: date, *, min_signed_wan: int, stale_days: int | None
) -> dict[str, UnitPeriod]:
    """Per unit name: trips, visits, valid leads, signings, starts in [since, until], and the
    open leads that had not moved for ``stale_days`` by ``until`` (not counted when None)."""
    return start_unit_period(
        since, until, min_signed_wan=min_signed_wan, stale_days=stale_days
    ).result()


class PendingPeriod:
    """``unit_period`` begun: its slowest count runs aside (``models.aside``) until
    ``result``, so the caller can read other things on the store's connection meanwhile; or
    it was begun even earlier (``models.followed_ahead``), and its answer is taken if it fits."""

    def __init__(
        self,
        since: date,
        until: date,
        *,
        min_signed_wan: int,
        stale_days: int | None,
        ahead: FollowedAhead | None = None,
    ) -> None:
        self._since, self._until = since, until
        self._min_signed_wan, self._stale_days = min_signed_wan, stale_days
        # the one count that looks up a row per lead: 70–100 ms at a million
        self._sql = followed_sql(engine.indexed_by(VALID_BY_ID), engine.date_param())
        self._days = (since.isoformat(), until.isoformat(), until.isoformat())
        self._ahead = ahead if ahead is not None and ahead.fits(since, until) else None
        self._followed = read_aside(self._sql, self._days) if self._ahead is None else None

    def _followed_counts(self) -> list[tuple[Any, ...]]:
        if self._followed is not None:
            return self._followed.result()
        counts = self._ahead.counts(SCHEMA_VERSION) if self._ahead is not None else None
        if counts is not None:
            return list(counts)
        # read before an upgrade, or not at all
        return [tuple(row) for row in execute(self._sql, self._days).fetchall()]

    def result(self) -> dict[str, UnitPeriod]:
        """The counts per unit name (the rest read now, on the store's connection)."""
        since, until = self._since, self._until
        names = unit_names_by_id()
        found: dict[str, dict[str, int]] = defaultdict(dict)

        trip = ActivityDay.kind == "trip"
        for unit_id, trips, principal, visits in rows(
            ActivityDay.select(
                ActivityDay.unit_id,
                fn.SUM(Case(None, [(trip, ActivityDay.n)], 0)),
                fn.SUM(Case(None, [(trip & ActivityDay.led_by_principal, ActivityDay.n)], 0)),
                fn.SUM(Case(None, [(ActivityDay.kind == "visit", ActivityDay.n)], 0)),
            )
            .where(ActivityDay.day.between(since, until))
            .group_by(ActivityDay.unit_id)
        ):
            found[names[unit_id]].update(trips=trips, principal_trips=principal, visits=visits)

        # per day and unit first, in the index's order, then per unit over those few rows
        per_day = (
            Lead.select(Lead.unit.alias("unit_id"), fn.COUNT(Lead.id).alias("n"))
            .where(Lead.valid_since.between(since, until))
            .group_by(Lead.valid_since, Lead.unit)
        ).alias("per_day")
        for unit_id, n in rows(
            Lead.select(per_day.c.unit_id, fn.SUM(per_day.c.n))
            .from_(per_day)
            .group_by(per_day.c.unit_id)
        ):
            found[names[unit_id]]["valid_reported"] = n

        counted = Case(None, [(Lead.amount_wan >= self._min_signed_wan, 1)], 0)
        for unit_id, n, wan, n_counted in rows(
            Lead.select(
                Lead.unit, fn.COUNT(Lead.id), engine.total(Lead.amount_wan), fn.SUM(counted)
            )
            .where(Lead.signed_on.between(since, until), not_dropped_by(until))
            .group_by(Lead.unit)
        ):
            found[names[unit_id]].update(signed=n, signed_wan=int(wan), signed_counted=n_counted)

        for unit_id, n, wan in rows(
            Lead.select(Lead.unit, fn.COUNT(Lead.id), engine.total(Lead.amount_wan))
            .where(Lead.started_on.between(since, until), not_dropped_by(until))
            .group_by(Lead.unit)
        ):
            found[names[unit_id]].update(started=n, started_wan=int(wan))

        stale_days = self._stale_days
        for unit_id, n in [] if stale_days is None else stale_as_of(until, stale_days):
            found[names[unit_id]]["stale"] = n

        for unit_id, n in self._followed_counts():
            found[names[unit_id]]["valid_followed"] = n

        return {
            name: replace(UnitPeriod(), **{k: int(v or 0) for k, v in counts.items()})
            for name, counts in found.items()
        }


def start_unit_period(
    since: date,
    until: date,
    *,
    min_signed_wan: int,
    stale_days: int | None,
    ahead: FollowedAhead | None = None,
) -> PendingPeriod:
    """Begin ``unit_period``: its slowest count starts aside at once, unless ``ahead`` has
    begun it already."""
    return PendingPeriod(
        since, until, min_signed_wan=min_signed_wan, stale_days=stale_days, ahead=ahead
    )


def stale_as_of(until: date, stale_days: int) -> list[tuple[int, int]]:
    """Per unit id: the leads that were open on ``until`` and had not been touched for
    ``stale_days`` by then, rebuilt from their dates and history, not from their state today.

    Open then: known (found) by then, not started and not dropped by then. Touched: a stage
    change, a follow-up, or a trip or visit that named the lead, dated on or before ``until``;
    a lead untouched since it was found counts from its found day. A lead signed in November
    was open, and perhaps stale, at the end of a fortnight in October.
    """
    stale_by = until - timedelta(days=stale_days)
    found: dict[int, int] = defaultdict(int)
    # ``touched_on`` is each lead's latest touch, and every move is a touch. At or before
    # ``stale_by`` it settles the question from the index alone: nothing happened to the lead
    # since, so its stage then is its stage now. Between then and ``until`` it is itself a
    # touch in time. Only a lead touched after ``until`` (a past period) needs its history.
    # counted from the per stage, day and unit totals the triggers keep (a few thousand rows,
    # not an index entry a lead: 148 → 1.5 ms on a million leads)
    settled = (
        LeadTouchDay.select(LeadTouchDay.unit_id, fn.SUM(LeadTouchDay.n))
        .where(
            LeadTouchDay.stage.in_(OPEN_STAGES),
            LeadTouchDay.touched_on <= stale_by,
            LeadTouchDay.n > 0,
        )
        .group_by(LeadTouchDay.unit_id)
    )
    for unit_id, n in rows(settled):
        found[int(unit_id)] += int(n)

    def touched_since(on: Any, lead: Any) -> Any:
        return (lead == Lead.id) & (on > stale_by) & (on <= until)

    # an undone move and the undo's move back are no touch (history keeps both)
    reversed_ = StageChange.select(StageChange.reverses).where(StageChange.reverses.is_null(False))
    moved = StageChange.select(1).where(
        touched_since(StageChange.on, StageChange.lead),
        StageChange.reverses.is_null(),
        StageChange.id.not_in(reversed_),
    )
    followed = FollowUp.select(1).where(touched_since(FollowUp.on, FollowUp.lead))
    met = (
        ActivityLead.select(1)
        .join(Activity)
        .where(touched_since(Activity.on, ActivityLead.lead), Activity.kind.in_(("trip", "visit")))
    )
    # the few leads touched later (or never), from the (stage, touched_on) index's ranges
    later = Lead.select(Lead.id).where(Lead.stage.in_(STAGES), Lead.touched_on > until) | (
        Lead.select(Lead.id).where(Lead.stage.in_(STAGES), Lead.touched_on.is_null())
    )
    rebuilt = (
        Lead.select(Lead.unit, fn.COUNT(Lead.id))
        .where(
            Lead.id.in_(later),
            fn.COALESCE(Lead.found_on, engine.day_of(Lead.created_at)) <= stale_by,
            Lead.started_on.is_null() | (Lead.started_on > until),
            not_dropped_by(until),
            ~fn.EXISTS(moved),
            ~fn.EXISTS(followed),
            ~fn.EXISTS(met),
        )
        .group_by(Lead.unit)
    )
    for unit_id, n in rows(rebuilt):
        found[int(unit_id)] += int(n)
    return sorted(found.items())


def activities_of(
    units: list[str],
    since: date,
    until: date,
    kinds: tuple[str, ...],
    *,
    principal_only: bool = False,
    limit: int = 200,
) -> list[ActivityInput]:
    """The activities behind a heatmap cell or on a unit's page, newest first."""
    query = (
        Activity.select(*ACTIVITY_COLUMNS)
        .join(Unit)
        .where(Unit.name.in_(units), Activity.on.between(since, until), Activity.kind.in_(kinds))
        .order_by(Activity.on.desc(), Activity.id.desc())
        .limit(limit)
    )
    if principal_only:
        query = query.where(Activity.led_by_principal == True)  # noqa: E712 (SQL, not Python)
    return [ActivityInput(*row) for row in rows(query)]


def valid_leads_of(
    units: list[str], since: date, until: date, limit: int = 200
) -> list[tuple[date, LeadCard]]:
    """The valid leads reported in [since, until] by these units: the day, and the lead."""
    query = (
        Lead.select(Lead.valid_since, *CARD_COLUMNS)
        .join(Unit)
        .where(Unit.name.in_(units), Lead.valid_since.between(since, until))
        .order_by(Lead.valid_since.desc(), Lead.id.desc())
        .limit(limit)
    )
    return [(row[0], card(row[1:])) for row in rows(query)]


def calendar() -> list[EventRecord]:
    """Every event, planned or held, by day, with the projects linked to it."""
    linked: dict[int, list[tuple[int, bool]]] = defaultdict(list)
    for event_id, amount, industrial in rows(
        EventLead.select(EventLead.event, Lead.amount_wan, Lead.is_industrial).join(Lead)
    ):
        linked[int(event_id)].append((int(amount), bool(industrial)))
    day = fn.COALESCE(Event.held_on, Event.planned_on)
    return [
        EventRecord(
            kind=e.kind,
            title=e.title,
            planned_on=e.planned_on,
            held_on=e.held_on,
            place=e.place,
            projects=tuple(linked.get(e.id, ())),
        )
        for e in Event.select().order_by(day, Event.id)
    ]


def roster() -> list[RosterLine]:
    """The consultants and advisers in the campaign file's order, with their leads counted."""
    signed = Case(None, [(Lead.signed_on.is_null(False), 1)], 0)
    counts = {
        int(cid): (int(n), int(s or 0))
        for cid, n, s in rows(
            Lead.select(Lead.consultant, fn.COUNT(Lead.id), fn.SUM(signed))
            .where(Lead.consultant.is_null(False))
            .group_by(Lead.consultant)
        )
    }
    return [
        RosterLine(
            name=c.name,
            role="adviser" if c.role == "adviser" else "consultant",
            organisation=c.organisation,
            leads=counts.get(c.id, (0, 0))[0],
            signed=counts.get(c.id, (0, 0))[1],
        )
        for c in Consultant.select().order_by(Consultant.position, Consultant.id)
    ]
