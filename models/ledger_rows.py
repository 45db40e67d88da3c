"""The ledger's rows: a lead's and an activity's row as the importer checked them (and as the
export writes them), what a write did, how its progress is told, and names to ids as stored."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from models.records import ActivityKind, StageName
from models.tables import Activity, Consultant, Lead, Unit, rows
from models.usertext import UNSEEN, clean_text


@dataclass(frozen=True)
class LeadInput:
    """A lead row as the importer checked it; ``unit`` is a unit name known to the store."""

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
    dropped_reason: str
    #: the row's line in its file (0: not from a file), for refusals that name rows
    line: int = field(default=0, compare=False)


@dataclass(frozen=True)
class ActivityInput:
    """An activity row as the importer checked it."""

    on: date
    unit: str
    kind: ActivityKind
    led_by_principal: bool
    destination: str
    company: str
    note: str


#: An activity's columns in ActivityInput's order (join Unit for the name).
ACTIVITY_COLUMNS: tuple[Any, ...] = (
    Activity.on,
    Unit.name,
    Activity.kind,
    Activity.led_by_principal,
    Activity.destination,
    Activity.company,
    Activity.note,
)


@dataclass(frozen=True)
class WriteResult:
    """How many rows a write added, updated, or found already stored."""

    added: int = 0
    updated: int = 0
    unchanged: int = 0


#: Told how far a long write has got: a phase (``read``: rows read and checked so far,
#: ``prepare``: matching them to stored leads, ``ready``: prepared, the lock is next, ``write``:
#: the write lock is held) and a count.
Progress = Callable[[str, int], None]


def quiet(phase: str, n: int) -> None:
    """No progress to show."""


def stage_day(row: LeadInput, fallback: date) -> date:
    """The day a lead's current stage counts from, for its stage history."""
    by_stage = {
        "lead": row.found_on,
        "negotiating": row.valid_since or row.found_on,
        "signed": row.signed_on,
        "started": row.started_on,
    }
    return by_stage.get(row.stage) or fallback


#: A stored name an older version may have written with controls in it (SQLite's GLOB
#: compares code points; NUL cannot stand in a pattern, and no name holds one)
UNCLEAN = "\x01-\x1f\x7f-\x9f" + UNSEEN


def ids_by_name(model: type[Unit] | type[Consultant]) -> dict[str, int]:
    """Name → id of every unit or consultant, by the name as cleaned: one an older version
    stored with controls is still found by the name shown, typed or imported."""
    return {clean_text(name): int(i) for i, name in rows(model.select(model.id, model.name))}


def unit_ids() -> dict[str, int]:
    """Unit name → id."""
    return ids_by_name(Unit)


def all_leads() -> list[LeadInput]:
    """Every lead, in the import columns (for export), oldest first."""
    query = (
        Lead.select(
            Lead.company,
            Lead.project,
            Lead.industry,
            Lead.amount_wan,
            Lead.is_industrial,
            Lead.source,
            Unit.name,
            Lead.stage,
            Lead.found_on,
            Lead.valid_since,
            Lead.signed_on,
            Lead.started_on,
            Lead.dropped_reason,
        )
        .join(Unit)
        .order_by(Lead.id)
    )
    return [LeadInput(*row) for row in rows(query)]


def all_activities() -> list[ActivityInput]:
    """Every activity, in the import columns (for export), by date."""
    query = Activity.select(*ACTIVITY_COLUMNS).join(Unit).order_by(Activity.on, Activity.id)
    return [ActivityInput(*row) for row in rows(query)]
