"""A line of the audit as pages and reports show it, and the question that picks lines: plain
records without Peewee, so a page that shows them (a lead's, triage's) loads no store module
before the TUI's first frame, and the start-up read can hand them over."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime


@dataclass(frozen=True)
class AuditLine:
    """One line of the audit as shown: when, who, what, which, field, before, after."""

    entry: int
    at: datetime
    login: str
    name: str
    action: str
    lead_id: int | None
    subject: str
    field: str
    before: str | None
    after: str | None


@dataclass(frozen=True)
class AuditQuery:
    """Which lines: a period (days, inclusive), a user's login, a unit's name, a lead."""

    since: date | None = None
    until: date | None = None
    login: str = ""
    unit: str = ""
    lead_id: int | None = None
