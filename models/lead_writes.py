"""The lead service's writes: the one path every change to a lead takes (``apply_plan``: read
it, check its version, let the change plan itself or refuse, write it with stage history and an
audit entry), the form's creation and edit, and ``undo``.

Each change is one IMMEDIATE transaction that checks the lead's version (an edit that waited on
a person is refused if someone else changed the lead meanwhile) and returns a Change that
``undo`` can reverse.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import date, datetime

from models import audit
from models.access import Actor, authorize, current_actor
from models.lead_change import Change, LeadChanged, LeadFields, Refused
from models.lead_reads import record_of, unit_name_of
from models.ledger_rows import ids_by_name
from models.records import LeadRecord
from models.rules import Refusal
from models.search import search_key
from models.tables import Consultant, FollowUp, Lead, StageChange, Unit
from models.usertext import clean_fields
from models.write_lock import immediate

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


# --- changing -------------------------------------------------------------------------------


@dataclass
class Plan:
    """What one change writes."""

    what: str
    values: dict[str, object]
    fields: dict[str, object]
    move: tuple[str | None, str, date] | None = None  # (from, to, on) for stage history
    follow_up: tuple[date, str] | None = None


def apply_plan(
    lead_id: int, version: int, user: str, decide: Callable[[LeadRecord], Plan]
) -> Change:
    """Read the lead, check its version, let ``decide`` plan the change (or refuse), write it."""
    with immediate():
        actor = current_actor()
        row = Lead.get_or_none(Lead.id == lead_id)
        if row is None:
            raise LeadChanged(None)
        current = record_of(row, unit_name_of(row))
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


def refuse_if(refusal: Refusal | None) -> None:
    if refusal is not None:
        raise Refused(refusal)


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

    def decide(lead: LeadRecord) -> Plan:
        if _duplicate(fields_.company, fields_.project, other_than=lead_id):
            raise Refused(Refusal("rule.duplicate"))
        return Plan("done.edit", {}, _form_data(fields_))

    return apply_plan(lead_id, version, user, decide)


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
            current = record_of(row, unit_name_of(row)) if row else None
            raise LeadChanged(current)
        authorize(actor, "lead", unit_name_of(row))
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
