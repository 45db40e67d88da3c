"""The pipeline's rules (DOMAIN.md, Leads and projects): which moves are allowed, and with which
dates. Pure functions over a lead's record; a refusal names a catalog key and its values, so the
screen can say why in the user's language."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from models.records import PIPELINE, LeadRecord, StageName

#: The usual reasons a lead is dropped: offered by number when dropping one (and given to the
#: demo's dropped leads).
DROP_REASONS = (
    "企业投资计划调整",
    "用地条件不满足",
    "环评不符合要求",
    "企业选择其他地区",
    "资金未落实",
)


@dataclass(frozen=True)
class Refusal:
    """Why a change is refused: a message key of the catalog and what to fill in."""

    key: str
    values: dict[str, object] = field(default_factory=dict)


def next_stage(stage: StageName) -> StageName | None:
    """The stage after this one on the pipeline (None after 开工, or for a dropped lead)."""
    if stage not in PIPELINE or stage == PIPELINE[-1]:
        return None
    return PIPELINE[PIPELINE.index(stage) + 1]


def previous_stage(stage: StageName) -> StageName | None:
    """The stage before this one (None before 线索, or for a dropped lead)."""
    if stage not in PIPELINE or stage == PIPELINE[0]:
        return None
    return PIPELINE[PIPELINE.index(stage) - 1]


def _latest(lead: LeadRecord) -> date | None:
    known = [d for d in (lead.found_on, lead.valid_since, lead.signed_on) if d is not None]
    return max(known) if known else None


def check_move(lead: LeadRecord, to: StageName, on: date, today: date) -> Refusal | None:
    """Whether ``lead`` may move to ``to`` on day ``on``: one step along the pipeline, dates in
    order and not in the future, no start without a signing."""
    if lead.stage == "dropped":
        return Refusal("rule.dropped")
    if to not in (next_stage(lead.stage), previous_stage(lead.stage)):
        return Refusal("rule.one_step")
    if on > today:
        return Refusal("rule.future", {"day": on.isoformat()})
    if to == "signed" and lead.stage == "negotiating":
        latest = _latest(lead)
        if latest is not None and on < latest:
            return Refusal("rule.before", {"day": on.isoformat(), "earlier": latest.isoformat()})
    if to == "started":
        if lead.signed_on is None:
            return Refusal("rule.start_needs_signing")
        if on < lead.signed_on:
            return Refusal(
                "rule.before", {"day": on.isoformat(), "earlier": lead.signed_on.isoformat()}
            )
    return None


def check_valid(lead: LeadRecord, on: date, today: date) -> Refusal | None:
    """Whether a lead may be reported as a valid lead (有效价值线索) on ``on``."""
    if lead.stage in ("signed", "started", "dropped"):
        return Refusal("rule.valid_stage", {"stage": lead.stage})
    if on > today:
        return Refusal("rule.future", {"day": on.isoformat()})
    if lead.found_on is not None and on < lead.found_on:
        return Refusal("rule.before", {"day": on.isoformat(), "earlier": lead.found_on.isoformat()})
    return None


def check_drop(lead: LeadRecord, reason: str) -> Refusal | None:
    """Whether a lead may be dropped: not twice, and never without a reason."""
    if lead.stage == "dropped":
        return Refusal("rule.dropped")
    if not reason.strip():
        return Refusal("rule.reason")
    return None
