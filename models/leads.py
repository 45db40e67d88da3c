"""The lead service: what the pipeline and triage read, and every change they make.

Reads return frozen records; counts and sums happen in SQL. Each change is one IMMEDIATE
transaction that checks the lead's version (an edit that waited on a person is refused if someone
else changed the lead meanwhile), applies the pipeline's rules, records stage history with the OS
user, and returns a Change that ``undo`` can reverse.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import asdict, dataclass, fields
from datetime import date, datetime, timedelta
from typing import Any

from peewee import JOIN, SQL, fn

from models import audit, engine
from models.access import Actor, authorize, current_actor
from models.ledger import ids_by_name
from models.queries import CARD_COLUMNS, card
from models.records import STAGES, LeadCard, LeadRecord, StageName, stage_name
from models.rules import Refusal, check_drop, check_move, check_valid, previous_stage
from models.search import query_words, search_key
from models.search_backlog import waiting_ranges
from models.tables import (
    Consultant,
    FollowUp,
    Group,
    Lead,
    SavedView,
    StageChange,
    StageTotal,
    Unit,
    rows,
)
from models.usertext import clean_fields, clean_text
from models.write_lock import immediate


@dataclass(frozen=True)
class LeadFilter:
    """What the pipeline shows: free text (names, pinyin, initials) and narrowing fields."""

    text: str = ""
    unit: str = ""
    group: str = ""
    industry: str = ""
    min_amount_wan: int = 0
    valid_only: bool = False
    stale_days: int = 0  # 0: any
    industrial_only: bool = False

    @property
    def active(self) -> bool:
        """Whether it narrows anything."""
        return self != LeadFilter()

    def to_json(self) -> str:
        """For saved views."""
        return json.dumps(asdict(self), ensure_ascii=False, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> LeadFilter:
        """A filter saved by ``to_json`` (unknown keys, from a newer version, are ignored)."""
        data = json.loads(text)
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in known})


@dataclass(frozen=True)
class HistoryEntry:
    """One stage change of a lead."""

    from_stage: str | None
    to_stage: str
    on: date
    by_user: str


@dataclass(frozen=True)
class FollowUpEntry:
    """One follow-up note."""

    on: date
    note: str
    by_user: str


@dataclass(frozen=True)
class LeadDetail:
    """A lead with its stage history and follow-ups, newest first."""

    lead: LeadRecord
    history: tuple[HistoryEntry, ...]
    follow_ups: tuple[FollowUpEntry, ...]
    #: its whole audit, oldest first
    audit: tuple[audit.AuditLine, ...] = ()


class Refused(Exception):
    """A change broke a rule; nothing was written."""

    def __init__(self, refusal: Refusal) -> None:
        super().__init__(refusal.key)
        self.refusal = refusal


class LeadChanged(Exception):
    """Someone else changed the lead since it was read; nothing was written."""

    def __init__(self, current: LeadRecord | None) -> None:
        super().__init__("lead changed")
        self.current = current


@dataclass(frozen=True)
class Change:
    """One change made to a lead, with what undo needs to reverse it."""

    lead_id: int
    what: str  # catalog key: done.move, done.valid, ...
    values: dict[str, object]
    before: dict[str, object] | None  # None: the change created the lead
    version_after: int
    history_ids: tuple[int, ...] = ()
    follow_up_ids: tuple[int, ...] = ()
    #: the audit entry that recorded it (undo's entry names it)
    entry: int = 0


#: The audit's word for each kind of change.
AUDIT_ACTIONS = {
    "done.create": "create",
    "done.move": "move",
    "done.advance": "move",
    "done.valid": "valid",
    "done.unvalid": "valid",
    "done.drop": "drop",
    "done.follow_up": "follow-up",
    "done.next_follow_up": "follow-up",
}


def _subject(company: str, project: str) -> str:
    return f"{company} · {project}"


# --- reading --------------------------------------------------------------------------------


def _filtered(query: Any, f: LeadFilter, today: date) -> Any:
    conditions = []
    words = query_words(f.text)
    waiting = waiting_ranges() if words else []
    for word in words:  # every word must match (``csqy 018``)
        if len(word) >= 3 and not engine.on_server():
            # The trigram index answers 3+ characters without reading every lead: the leads
            # that hold each of the word's trigrams. (``LIKE '%word%'`` on the index did the
            # same and then read every candidate's key again through the lead table, one
            # statement each: 106 ms for ``hjj`` on a million leads, 2 ms so.)
            found = SQL("(SELECT rowid FROM lead_fts WHERE lead_fts MATCH ?)", [_trigrams(word)])
            condition = Lead.id.in_(found)
            for first, last in waiting:  # leads an import has not indexed yet: read directly
                condition |= Lead.id.between(first, last) & (engine.contains(Lead.search_key, word))
            conditions.append(condition)
            if len(word) > 3:  # its trigrams need not stand together: the word must
                conditions.append(engine.contains(Lead.search_key, word))
        else:
            conditions.append(engine.contains(Lead.search_key, word))
    if f.unit:
        conditions.append(Unit.name == f.unit)
    if f.group:
        conditions.append(Group.name == f.group)
    if f.industry:
        conditions.append(Lead.industry == f.industry)
    if f.min_amount_wan:
        conditions.append(Lead.amount_wan >= f.min_amount_wan)
    if f.valid_only:
        conditions.append(Lead.valid_since.is_null(False))
    if f.industrial_only:
        conditions.append(Lead.is_industrial == True)  # noqa: E712
    if f.stale_days:
        since = today - timedelta(days=f.stale_days)
        conditions.append(Lead.touched_on.is_null() | (Lead.touched_on <= since))
    return query.where(*conditions) if conditions else query


def _trigrams(word: str) -> str:
    """An FTS5 query for the leads holding every trigram of ``word``, each quoted (a ``"`` in
    the word doubled), so no character of the word is read as query syntax."""
    grams = sorted({word[i : i + 3] for i in range(len(word) - 2)})
    return " AND ".join('"{}"'.format(gram.replace('"', '""')) for gram in grams)


def _joined(query: Any, f: LeadFilter, *, always: bool = False) -> Any:
    # Join the units only when needed: unfiltered totals then read the (stage, amount) index
    # alone instead of every row (200 ms → 20 ms on 100k leads).
    if always or f.unit or f.group:
        query = query.join(Unit, on=(Lead.unit == Unit.id))
    if f.group:
        query = query.join(Group, JOIN.LEFT_OUTER, on=(Unit.group == Group.id))
    return query


def stage_totals(f: LeadFilter, today: date) -> dict[str, tuple[int, int]]:
    """Per stage: how many leads the filter shows, and their total amount in 万元."""
    if not f.active:  # the summary the triggers keep
        kept = {stage: (int(n), int(total)) for stage, n, total in rows(StageTotal.select())}
        return {stage: kept.get(stage, (0, 0)) for stage in STAGES}
    query = _joined(Lead.select(Lead.stage, fn.COUNT(Lead.id), engine.total(Lead.amount_wan)), f)
    found = {
        stage: (int(n), int(total))
        for stage, n, total in rows(_filtered(query, f, today).group_by(Lead.stage))
    }
    return {stage: found.get(stage, (0, 0)) for stage in STAGES}


def stage_page(stage: str, f: LeadFilter, today: date, offset: int, limit: int) -> list[LeadCard]:
    """One window of a stage's column: largest amount first."""
    query = _joined(Lead.select(*CARD_COLUMNS), f, always=True)
    query = _filtered(query.where(Lead.stage == stage), f, today)
    query = query.order_by(Lead.amount_wan.desc(), Lead.id.desc()).offset(offset).limit(limit)
    return [card(row) for row in rows(query)]


@dataclass(frozen=True)
class BoardData:
    """What the pipeline shows: totals per stage and a page of cards for some stages."""

    totals: dict[str, tuple[int, int]]
    pages: dict[str, tuple[int, list[LeadCard]]]


def board(f: LeadFilter, today: date, offsets: dict[str, int], limit: int) -> BoardData:
    """Totals and, per stage in ``offsets``, the page of cards starting there (no query for a
    stage the totals show has nothing there: a selective filter then scans once, not five times)."""
    totals = stage_totals(f, today)
    return BoardData(
        totals=totals,
        pages={
            stage: (
                offset,
                stage_page(stage, f, today, offset, limit) if totals[stage][0] > offset else [],
            )
            for stage, offset in offsets.items()
        },
    )


def _record(row: Lead, unit_name: str) -> LeadRecord:
    return LeadRecord(
        id=row.id,
        company=row.company,
        project=row.project,
        industry=row.industry,
        amount_wan=row.amount_wan,
        is_industrial=row.is_industrial,
        source=row.source,
        unit=unit_name,
        stage=stage_name(row.stage),
        found_on=row.found_on,
        valid_since=row.valid_since,
        signed_on=row.signed_on,
        started_on=row.started_on,
        dropped_on=row.dropped_on,
        dropped_reason=row.dropped_reason,
        version=row.version,
        next_follow_up=row.next_follow_up,
        touched_on=row.touched_on,
        reviewed_on=row.reviewed_on,
        is_head_enterprise=row.is_head_enterprise,
        is_listed=row.is_listed,
        task_force=row.task_force,
        consultant=_consultant_name(row),
    )


def _unit_name(row: Lead) -> str:
    unit_id = row.__data__["unit"]  # the raw id: reading row.unit would fetch the Unit
    return str(Unit.get_by_id(unit_id).name)


def _consultant_name(row: Lead) -> str:
    consultant_id = row.__data__.get("consultant")
    if consultant_id is None:
        return ""
    found = Consultant.get_or_none(Consultant.id == consultant_id)
    return str(found.name) if found else ""


def lead_record(lead_id: int) -> LeadRecord | None:
    """One lead, or None if it is gone."""
    row = Lead.get_or_none(Lead.id == lead_id)
    if row is None:
        return None
    return _record(row, _unit_name(row))


def lead_detail(lead_id: int) -> LeadDetail | None:
    """A lead with its history (stage changes, follow-ups), newest first."""
    lead = lead_record(lead_id)
    if lead is None:
        return None
    history = tuple(
        HistoryEntry(f, t, on, who)
        for f, t, on, who in rows(
            StageChange.select(
                StageChange.from_stage, StageChange.to_stage, StageChange.on, StageChange.by_user
            )
            .where(StageChange.lead == lead_id)
            .order_by(StageChange.on.desc(), StageChange.id.desc())
        )
    )
    notes = tuple(
        FollowUpEntry(on, note, who)
        for on, note, who in rows(
            FollowUp.select(FollowUp.on, FollowUp.note, FollowUp.by_user)
            .where(FollowUp.lead == lead_id)
            .order_by(FollowUp.on.desc(), FollowUp.id.desc())
        )
    )
    lines = tuple(audit.audit_lines(audit.AuditQuery(lead_id=lead_id)))
    return LeadDetail(lead=lead, history=history, follow_ups=notes, audit=lines)


# --- changing -------------------------------------------------------------------------------


@dataclass
class _Plan:
    """What one change writes."""

    what: str
    values: dict[str, object]
    fields: dict[str, object]
    move: tuple[str | None, str, date] | None = None  # (from, to, on) for stage history
    follow_up: tuple[date, str] | None = None


def _apply(lead_id: int, version: int, user: str, decide: Callable[[LeadRecord], _Plan]) -> Change:
    """Read the lead, check its version, let ``decide`` plan the change (or refuse), write it."""
    with immediate():
        actor = current_actor()
        row = Lead.get_or_none(Lead.id == lead_id)
        if row is None:
            raise LeadChanged(None)
        current = _record(row, _unit_name(row))
        authorize(actor, "lead", current.unit)  # a clerk may hand a lead on, not take one
        if row.version != version:
            raise LeadChanged(current)
        plan = decide(current)
        state = audit.lead_state(lead_id)
        before = {k: getattr(row, k) for k in plan.fields}
        touched = plan.move[2] if plan.move else plan.follow_up[0] if plan.follow_up else None
        extra: dict[str, object] = {}
        if touched is not None and (row.touched_on is None or touched >= row.touched_on):
            before.setdefault("touched_on", row.touched_on)
            extra["touched_on"] = touched
        Lead.update(**plan.fields, **extra, version=version + 1, updated_at=datetime.now()).where(
            Lead.id == lead_id
        ).execute()
        history_ids: tuple[int, ...] = ()
        follow_up_ids: tuple[int, ...] = ()
        if plan.move is not None:
            from_stage, to_stage, on = plan.move
            history_ids = (
                StageChange.insert(
                    lead=lead_id, from_stage=from_stage, to_stage=to_stage, on=on, by_user=user
                ).execute(),
            )
        if plan.follow_up is not None:
            on, note = plan.follow_up
            follow_up_ids = (
                FollowUp.insert(lead=lead_id, on=on, note=note, by_user=user).execute(),
            )
        changes = audit.diff(state, audit.lead_state(lead_id))
        if plan.follow_up is not None:
            changes.append(("note", None, plan.follow_up[1]))
        entry = audit.record(
            actor,
            AUDIT_ACTIONS.get(plan.what, "change"),
            changes,
            lead_id=lead_id,
            unit_id=row.__data__["unit"],
            subject=_subject(current.company, current.project),
        )
        return Change(
            lead_id=lead_id,
            what=plan.what,
            values={"company": current.company, **plan.values},
            before=before,
            version_after=version + 1,
            history_ids=history_ids,
            follow_up_ids=follow_up_ids,
            entry=entry,
        )


def _refuse_if(refusal: Refusal | None) -> None:
    if refusal is not None:
        raise Refused(refusal)


#: Dates a stage sets; moving back off the stage clears them.
_STAGE_DATE = {"signed": "signed_on", "started": "started_on"}


def move(
    lead_id: int,
    version: int,
    to: StageName,
    on: date,
    user: str,
    today: date,
    *,
    amount_wan: int | None = None,
) -> Change:
    """Move a lead one step along the pipeline. Moving to 签约 sets the signing date (and may
    confirm the amount), to 开工 the start date; moving back clears the date of the stage left
    and keeps the signing date of a project moved back from 开工 to 签约 (it was signed then)."""

    def decide(lead: LeadRecord) -> _Plan:
        _refuse_if(check_move(lead, to, on, today))
        changes: dict[str, object] = {"stage": to}
        back = to == previous_stage(lead.stage)
        if to in _STAGE_DATE and not (back and lead.signed_on is not None):
            changes[_STAGE_DATE[to]] = on
        if back and lead.stage in _STAGE_DATE:
            changes[_STAGE_DATE[lead.stage]] = None
        if amount_wan is not None and amount_wan != lead.amount_wan:
            _refuse_if(Refusal("rule.amount") if amount_wan <= 0 else None)
            changes["amount_wan"] = amount_wan
        return _Plan("done.move", {"from": lead.stage, "to": to}, changes, (lead.stage, to, on))

    return _apply(lead_id, version, user, decide)


def set_valid(lead_id: int, version: int, valid: bool, on: date, user: str, today: date) -> Change:
    """Report a lead as a valid lead on ``on`` (it counts for that month's quota), or take the
    report back."""

    def decide(lead: LeadRecord) -> _Plan:
        if valid:
            _refuse_if(check_valid(lead, on, today))
        return _Plan(
            "done.valid" if valid else "done.unvalid", {}, {"valid_since": on if valid else None}
        )

    return _apply(lead_id, version, user, decide)


def drop(lead_id: int, version: int, reason: str, on: date, user: str) -> Change:
    """Drop a lead (终止) with a reason, on a day: as of earlier days it still counts."""

    reason = clean_text(reason)  # every change passes here: the store's backstop

    def decide(lead: LeadRecord) -> _Plan:
        _refuse_if(check_drop(lead, reason))
        changes = {"stage": "dropped", "dropped_on": on, "dropped_reason": reason}
        return _Plan("done.drop", {"reason": reason}, changes, (lead.stage, "dropped", on))

    return _apply(lead_id, version, user, decide)


def add_follow_up(
    lead_id: int, version: int, note: str, on: date, next_follow_up: date | None, user: str
) -> Change:
    """Add a dated follow-up note, and set (or clear) the next follow-up day."""
    note = clean_text(note)  # every change passes here: the store's backstop

    def decide(lead: LeadRecord) -> _Plan:
        _refuse_if(Refusal("rule.note") if not note else None)
        return _Plan("done.follow_up", {}, {"next_follow_up": next_follow_up}, follow_up=(on, note))

    return _apply(lead_id, version, user, decide)


def review(
    lead_id: int,
    version: int,
    on: date,
    user: str,
    today: date,
    *,
    valid: bool = False,
    advance: bool = False,
    next_follow_up: date | None = None,
    unit: str | None = None,
) -> Change:
    """A triage decision in one change: mark the lead reviewed and, as decided, report it
    valid, advance it to 洽谈, set its next follow-up, or give it to another unit."""

    def decide(lead: LeadRecord) -> _Plan:
        changes: dict[str, object] = {"reviewed_on": on}
        what, move = "done.review", None
        if valid:
            _refuse_if(check_valid(lead, on, today))
            changes["valid_since"] = on
            what = "done.valid"
        if advance:
            # forward only: from 签约 a step to 洽谈 would be a move back that keeps the signing
            _refuse_if(Refusal("rule.advance") if lead.stage != "lead" else None)
            _refuse_if(check_move(lead, "negotiating", on, today))
            changes["stage"] = "negotiating"
            move = (lead.stage, "negotiating", on)
            what = "done.advance"
        if next_follow_up is not None:
            changes["next_follow_up"] = next_follow_up
            what = "done.next_follow_up"
        if unit is not None:
            found = ids_by_name(Unit).get(clean_text(unit))
            if found is None:
                raise Refused(Refusal("why.unit"))
            changes["unit_id"] = found
            what = "done.reassign"
        values: dict[str, object] = {
            "day": next_follow_up.isoformat() if next_follow_up else "",
            "unit": unit or "",
        }
        return _Plan(what, values, changes, move)

    return _apply(lead_id, version, user, decide)


@dataclass(frozen=True)
class TriageItem:
    """A lead that needs a decision, and why."""

    lead_id: int
    reason: str  # new | overdue | stale
    since: date | None


def triage_queue(today: date, stale_days: int, limit: int = 500) -> list[TriageItem]:
    """Leads that need a decision: new ones not yet reviewed, then follow-ups past due (oldest
    first), then leads with no change for ``stale_days`` (oldest first). Each lead once."""
    open_stages = ("lead", "negotiating")
    stale_before = today - timedelta(days=stale_days)
    queries: tuple[tuple[str, Any, Any], ...] = (
        ("new", Lead.found_on, Lead.reviewed_on.is_null() & (Lead.stage != "dropped")),
        (
            "overdue",
            Lead.next_follow_up,
            (Lead.next_follow_up <= today) & Lead.stage.in_(open_stages),
        ),
        ("stale", Lead.touched_on, (Lead.touched_on <= stale_before) & Lead.stage.in_(open_stages)),
    )
    items: list[TriageItem] = []
    seen: set[int] = set()
    for reason, day, where in queries:
        query = Lead.select(Lead.id, day).where(where).order_by(day.asc(), Lead.id).limit(limit)
        for lead_id, since in rows(query):
            if lead_id not in seen:
                seen.add(lead_id)
                items.append(TriageItem(int(lead_id), reason, since))
    return items[:limit]


@dataclass(frozen=True)
class LeadFields:
    """What the lead form edits (stage and stage dates change by moves, not by the form)."""

    company: str
    project: str
    industry: str
    amount_wan: int
    is_industrial: bool
    source: str
    unit: str
    found_on: date | None = None
    next_follow_up: date | None = None
    is_head_enterprise: bool = False
    is_listed: bool = False
    task_force: str | None = None  # negotiating | signed: the 攻坚组 that follows it
    consultant: str = ""  # a name on the campaign's roster, or "" for none


def _form_data(fields_: LeadFields) -> dict[str, object]:
    unit = ids_by_name(Unit).get(fields_.unit)
    if unit is None:
        raise Refused(Refusal("why.unit"))
    consultant = None
    if fields_.consultant:
        consultant = ids_by_name(Consultant).get(fields_.consultant)
        if consultant is None:
            raise Refused(Refusal("why.consultant"))
    data = asdict(fields_)
    del data["unit"]
    data["unit_id"] = unit
    data["consultant_id"] = consultant
    del data["consultant"]
    data["search_key"] = search_key(fields_.company, fields_.project)
    return data


def _duplicate(company: str, project: str, other_than: int | None = None) -> bool:
    query = Lead.select().where(Lead.company == company, Lead.project == project)
    if other_than is not None:
        query = query.where(Lead.id != other_than)
    return bool(query.exists())


def create_lead(fields_: LeadFields, user: str, today: date) -> Change:
    """A new lead from the form, at 线索; new leads wait in triage until someone reviews them."""
    fields_ = clean_fields(fields_)  # every change passes here: the store's backstop
    with immediate():
        actor = current_actor()
        authorize(actor, "lead", fields_.unit)
        if _duplicate(fields_.company, fields_.project):
            raise Refused(Refusal("rule.duplicate"))
        data = _form_data(fields_)
        lead_id = Lead.insert(**data, stage="lead", touched_on=today).execute()
        history = StageChange.insert(
            lead=lead_id, from_stage=None, to_stage="lead", on=today, by_user=user
        ).execute()
        entry = _record_created(actor, lead_id, data["unit_id"], fields_)
    values: dict[str, object] = {"company": fields_.company}
    return Change(lead_id, "done.create", values, None, 1, (history,), entry=entry)


def _record_created(actor: Actor, lead_id: int, unit_id: object, fields_: LeadFields) -> int:
    return audit.record(
        actor,
        "create",
        [(audit.WHOLE, None, audit.whole(audit.lead_state(lead_id)))],
        lead_id=lead_id,
        unit_id=int(str(unit_id)),
        subject=_subject(fields_.company, fields_.project),
    )


def update_lead(lead_id: int, version: int, fields_: LeadFields, user: str) -> Change:
    """Save the form over a lead, unless someone changed it since it was opened."""
    fields_ = clean_fields(fields_)  # every change passes here: the store's backstop

    def decide(lead: LeadRecord) -> _Plan:
        if _duplicate(fields_.company, fields_.project, other_than=lead_id):
            raise Refused(Refusal("rule.duplicate"))
        return _Plan("done.edit", {}, _form_data(fields_))

    return _apply(lead_id, version, user, decide)


def lead_fields(lead: LeadRecord) -> LeadFields:
    """The form's view of a stored lead."""
    return LeadFields(
        company=lead.company,
        project=lead.project,
        industry=lead.industry,
        amount_wan=lead.amount_wan,
        is_industrial=lead.is_industrial,
        source=lead.source,
        unit=lead.unit,
        found_on=lead.found_on,
        next_follow_up=lead.next_follow_up,
        is_head_enterprise=lead.is_head_enterprise,
        is_listed=lead.is_listed,
        task_force=lead.task_force,
        consultant=lead.consultant,
    )


def undo(change: Change) -> None:
    """Reverse a change, unless someone changed the lead since (then LeadChanged). The undo is
    a new audit entry that names the one it reverses, and a stage change back: history is never
    deleted (the lead a creation made is, with its history; the audit keeps both entries)."""
    with immediate():
        actor = current_actor()
        row = Lead.get_or_none(Lead.id == change.lead_id)
        if row is None or row.version != change.version_after:
            current = _record(row, _unit_name(row)) if row else None
            raise LeadChanged(current)
        authorize(actor, "lead", _unit_name(row))
        state = audit.lead_state(change.lead_id)
        subject = _subject(row.company, row.project)
        reverses = [("entry", None, change.entry)] if change.entry else []
        if change.before is None:
            Lead.delete().where(Lead.id == change.lead_id).execute()
            audit.record(
                actor,
                "undo",
                [*reverses, (audit.WHOLE, audit.whole(state), None)],
                lead_id=change.lead_id,
                unit_id=row.__data__["unit"],
                subject=subject,
            )
            return
        Lead.update(
            **change.before, version=change.version_after + 1, updated_at=datetime.now()
        ).where(Lead.id == change.lead_id).execute()
        audit.record(
            actor,
            "undo",
            [*reverses, *audit.diff(state, audit.lead_state(change.lead_id))],
            lead_id=change.lead_id,
            unit_id=row.__data__["unit"],
            subject=subject,
        )
        for moved in StageChange.select().where(StageChange.id.in_(change.history_ids)):
            StageChange.insert(
                lead=change.lead_id,
                from_stage=moved.to_stage,
                to_stage=moved.from_stage or moved.to_stage,
                on=moved.on,
                by_user=actor.login,
                reverses=moved.id,
            ).execute()
        if change.follow_up_ids:
            FollowUp.delete().where(FollowUp.id.in_(change.follow_up_ids)).execute()


def consultant_names() -> list[str]:
    """The campaign's consultants and advisers, in the campaign file's order (for the form)."""
    query = Consultant.select(Consultant.name).order_by(Consultant.position, Consultant.id)
    return [str(n) for (n,) in rows(query)]


def unit_names() -> list[str]:
    """Every unit, in the campaign file's order (for reassigning a lead)."""
    return [str(n) for (n,) in rows(Unit.select(Unit.name).order_by(Unit.position, Unit.id))]


def group_names() -> list[str]:
    """Every group (攻坚组), in the campaign file's order (the filter line's ``组:``)."""
    return [str(n) for (n,) in rows(Group.select(Group.name).order_by(Group.position, Group.id))]


def shows(lead_id: int, f: LeadFilter, today: date) -> bool:
    """Whether the filter shows the lead (a lead just saved may be out of sight)."""
    query = _joined(Lead.select(Lead.id), f).where(Lead.id == lead_id)
    return bool(_filtered(query, f, today).exists())


# --- saved views ----------------------------------------------------------------------------


def save_view(name: str, f: LeadFilter, user: str) -> None:
    """Keep a filter under a name (replacing one of that name)."""
    name, f = clean_text(name), clean_fields(f)  # the store's backstop
    with immediate():
        authorize(current_actor(), "view")
        SavedView.delete().where(SavedView.name == name).execute()
        SavedView.insert(name=name, filter_json=f.to_json(), by_user=user).execute()


def saved_views() -> list[tuple[str, LeadFilter]]:
    """Every saved view, by name."""
    return [
        (name, LeadFilter.from_json(text))
        for name, text in rows(
            SavedView.select(SavedView.name, SavedView.filter_json).order_by(SavedView.name)
        )
    ]


def delete_view(name: str) -> None:
    """Forget a saved view."""
    with immediate():
        authorize(current_actor(), "view")
        SavedView.delete().where(SavedView.name == name).execute()
