"""What a lead's page and triage show: the lead with its history, notes and audit, and why a
lead waits in triage. Plain records without Peewee, so the pages hold them before the store's
modules are loaded, and the start-up read (``yeji --section triage``) can hand them over."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from models.audit_line import AuditLine
from models.records import LeadRecord


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
    audit: tuple[AuditLine, ...] = ()


@dataclass(frozen=True)
class TriageItem:
    """A lead that needs a decision, and why."""

    lead_id: int
    reason: str  # new | overdue | stale
    since: date | None


@dataclass(frozen=True)
class TriageStart:
    """Triage's queue and the page of its first lead, read together."""

    queue: list[TriageItem]
    detail: LeadDetail | None
