"""What a change to a lead is, and the two ways one is turned down: plain records without
Peewee, so the screens that make changes hold them before the store's modules are loaded."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from models.records import LeadRecord
from models.rules import Refusal


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
