"""The lead service's stage moves and triage decisions: a step along the pipeline, a valid-lead
report, a drop, a follow-up, and triage's review, each one change through
``models.lead_writes.apply_plan`` under the pipeline's rules."""

from __future__ import annotations

from datetime import date

from models.lead_change import Change, Refused
from models.lead_writes import Plan, apply_plan, refuse_if
from models.ledger_rows import ids_by_name
from models.records import LeadRecord, StageName
from models.rules import Refusal, check_drop, check_move, check_valid, previous_stage
from models.tables import Unit
from models.usertext import clean_text

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

    def decide(lead: LeadRecord) -> Plan:
        refuse_if(check_move(lead, to, on, today))
        changes: dict[str, object] = {"stage": to}
        back = to == previous_stage(lead.stage)
        if to in _STAGE_DATE and not (back and lead.signed_on is not None):
            changes[_STAGE_DATE[to]] = on
        if back and lead.stage in _STAGE_DATE:
            changes[_STAGE_DATE[lead.stage]] = None
        if amount_wan is not None and amount_wan != lead.amount_wan:
            refuse_if(Refusal("rule.amount") if amount_wan <= 0 else None)
            changes["amount_wan"] = amount_wan
        return Plan("done.move", {"from": lead.stage, "to": to}, changes, (lead.stage, to, on))

    return apply_plan(lead_id, version, user, decide)


def set_valid(lead_id: int, version: int, valid: bool, on: date, user: str, today: date) -> Change:
    """Report a lead as a valid lead on ``on`` (it counts for that month's quota), or take the
    report back."""

    def decide(lead: LeadRecord) -> Plan:
        if valid:
            refuse_if(check_valid(lead, on, today))
        return Plan(
            "done.valid" if valid else "done.unvalid", {}, {"valid_since": on if valid else None}
        )

    return apply_plan(lead_id, version, user, decide)


def drop(lead_id: int, version: int, reason: str, on: date, user: str) -> Change:
    """Drop a lead (终止) with a reason, on a day: as of earlier days it still counts."""

    reason = clean_text(reason)  # every change passes here: the store's backstop

    def decide(lead: LeadRecord) -> Plan:
        refuse_if(check_drop(lead, reason))
        changes = {"stage": "dropped", "dropped_on": on, "dropped_reason": reason}
        return Plan("done.drop", {"reason": reason}, changes, (lead.stage, "dropped", on))

    return apply_plan(lead_id, version, user, decide)


def add_follow_up(
    lead_id: int, version: int, note: str, on: date, next_follow_up: date | None, user: str
) -> Change:
    """Add a dated follow-up note, and set (or clear) the next follow-up day."""
    note = clean_text(note)  # every change passes here: the store's backstop

    def decide(lead: LeadRecord) -> Plan:
        refuse_if(Refusal("rule.note") if not note else None)
        return Plan("done.follow_up", {}, {"next_follow_up": next_follow_up}, follow_up=(on, note))

    return apply_plan(lead_id, version, user, decide)


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

    def decide(lead: LeadRecord) -> Plan:
        changes: dict[str, object] = {"reviewed_on": on}
        what, move = "done.review", None
        if valid:
            refuse_if(check_valid(lead, on, today))
            changes["valid_since"] = on
            what = "done.valid"
        if advance:
            # forward only: from 签约 a step to 洽谈 would be a move back that keeps the signing
            refuse_if(Refusal("rule.advance") if lead.stage != "lead" else None)
            refuse_if(check_move(lead, "negotiating", on, today))
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
        return Plan(what, values, changes, move)

    return apply_plan(lead_id, version, user, decide)
