"""Writing checked ledger rows (leads and activities) into the store, all or nothing.

The importer checks a whole file first; this module only writes rows that passed, in one
transaction, and records stage history for every lead whose stage it sets or changes.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass
from datetime import date, datetime
from typing import Any, TypeVar

from peewee import fn

from models.db import immediate
from models.records import ActivityKind, StageName
from models.search import search_key
from models.tables import (
    Activity,
    ActivityLead,
    BaseModel,
    Consultant,
    Event,
    EventLead,
    Lead,
    StageChange,
    Unit,
    rows,
)
from models.usertext import UNSEEN, clean_fields, clean_text

T = TypeVar("T")

# SQLite's default limit of bound variables is 32766; stay far below it.
_CHUNK = 400


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


def _chunks(items: Sequence[T], size: int = _CHUNK) -> Iterator[Sequence[T]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


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
_UNCLEAN = "*[\x01-\x1f\x7f-\x9f" + UNSEEN + "]*"


def _renamed_leads() -> dict[tuple[str, str], int]:
    """Leads an older version stored with controls in a name, by their names as cleaned. Read
    before the write lock: it scans every lead (0.2–0.3 s per 100,000)."""
    unclean = fn.glob(_UNCLEAN, Lead.company) | fn.glob(_UNCLEAN, Lead.project)
    query = Lead.select(Lead.id, Lead.company, Lead.project).where(unclean)
    return {(clean_text(c), clean_text(p)): int(i) for i, c, p in rows(query)}


def _stored_leads(
    records: Sequence[LeadInput], renamed: dict[tuple[str, str], int]
) -> dict[tuple[str, str], Lead]:
    """The stored leads the rows name, by (company, project) as cleaned: a lead an older
    version stored with controls in its name (``renamed``) is the same lead without them."""
    wanted = {(r.company, r.project) for r in records}
    found: dict[tuple[str, str], Lead] = {}
    for key, lead_id in renamed.items():
        lead = Lead.get_or_none(Lead.id == lead_id) if key in wanted else None
        if lead is not None:
            found[key] = lead
    for companies in _chunks(sorted({r.company for r in records})):
        for lead in Lead.select().where(Lead.company.in_(list(companies))):
            if (lead.company, lead.project) in wanted:
                found[(lead.company, lead.project)] = lead  # the exact name first
    return found


def ids_by_name(model: type[Unit] | type[Consultant]) -> dict[str, int]:
    """Name → id of every unit or consultant, by the name as cleaned: one an older version
    stored with controls is still found by the name shown, typed or imported."""
    return {clean_text(name): int(i) for i, name in rows(model.select(model.id, model.name))}


def unit_ids() -> dict[str, int]:
    """Unit name → id."""
    return ids_by_name(Unit)


def upsert_leads(records: Sequence[LeadInput], user: str, today: date) -> WriteResult:
    """Add the rows as leads; a row whose company and project match a stored lead updates it."""
    records = [clean_fields(r) for r in records]  # the backstop: every import passes here
    renamed = _renamed_leads()
    units = unit_ids()
    added = updated = unchanged = 0
    now = datetime.now()
    with immediate():
        existing = _stored_leads(records, renamed)
        history: list[dict[str, object]] = []
        fresh: list[LeadInput] = []
        for row in records:
            values = asdict(row)
            values["unit"] = units[row.unit]
            old = existing.get((row.company, row.project))
            if old is None:
                fresh.append(row)
                continue
            diff = {
                k: v
                for k, v in values.items()
                if getattr(old, "unit_id" if k == "unit" else k) != v
            }
            if not diff:
                unchanged += 1
                continue
            if "stage" in diff:
                diff["touched_on"] = stage_day(row, today)
            if "company" in diff or "project" in diff:  # names cleaned of controls
                diff["search_key"] = search_key(row.company, row.project)
            Lead.update(**diff, updated_at=now, version=Lead.version + 1).where(
                Lead.id == old.id
            ).execute()
            updated += 1
            if "stage" in diff:
                history.append(
                    {
                        "lead": old.id,
                        "from_stage": old.stage,
                        "to_stage": row.stage,
                        "on": stage_day(row, today),
                        "by_user": user,
                        "at": now,
                    }
                )
        for chunk in _chunks(fresh, 200):
            batch = [
                dict(
                    asdict(r),
                    unit=units[r.unit],
                    created_at=now,
                    updated_at=now,
                    search_key=search_key(r.company, r.project),
                    touched_on=stage_day(r, today),
                    # a new bare lead waits in triage; one further along was decided already
                    reviewed_on=None if r.stage == "lead" else today,
                )
                for r in chunk
            ]
            Lead.insert_many(batch).execute()
            added += len(batch)
            ids = {
                (c, p): i
                for i, c, p in rows(
                    Lead.select(Lead.id, Lead.company, Lead.project).where(
                        Lead.company.in_(sorted({r.company for r in chunk}))
                    )
                )
            }
            history.extend(
                {
                    "lead": ids[(r.company, r.project)],
                    "from_stage": None,
                    "to_stage": r.stage,
                    "on": stage_day(r, today),
                    "by_user": user,
                    "at": now,
                }
                for r in chunk
            )
        for changes in _chunks(history, 150):
            StageChange.insert_many(list(changes)).execute()
    return WriteResult(added=added, updated=updated, unchanged=unchanged)


def _activity_key(a: ActivityInput) -> tuple[object, ...]:
    return (a.on, a.unit, a.kind, a.led_by_principal, a.destination, a.company, a.note)


def _unclean_activities(first: date, last: date) -> bool:
    """Whether an older version stored an activity of these days with controls in its text.
    Read before the write lock: it scans them (0.8–0.9 s over 300,000 activities)."""
    unclean = (
        fn.glob(_UNCLEAN, Activity.destination)
        | fn.glob(_UNCLEAN, Activity.company)
        | fn.glob(_UNCLEAN, Activity.note)
    )
    query = Activity.select(Activity.id).where(Activity.on.between(first, last), unclean)
    return bool(query.exists())


def _as_cleaned(stored: dict[tuple[object, ...], int]) -> dict[tuple[object, ...], int]:
    """Activity keys with their text cleaned: one an older version stored raw is the same."""
    cleaned: Counter[tuple[object, ...]] = Counter()
    for key, n in stored.items():
        cleaned[tuple(clean_text(v) if isinstance(v, str) else v for v in key)] += n
    return cleaned


def add_activities(records: Sequence[ActivityInput]) -> WriteResult:
    """Add activities. Activities have no natural key, so a row identical in every column to one
    already stored counts as that one: importing the same file twice adds nothing, while two
    identical rows in one file stay two."""
    if not records:
        return WriteResult()
    records = [clean_fields(r) for r in records]  # the backstop: every import passes here
    units = unit_ids()
    wanted = Counter(_activity_key(r) for r in records)
    first, last = min(r.on for r in records), max(r.on for r in records)
    unclean = _unclean_activities(first, last)
    with immediate():
        stored_rows = rows(
            Activity.select(*ACTIVITY_COLUMNS, fn.COUNT(Activity.id))
            .join(Unit)
            .where(Activity.on.between(first, last))
            .group_by(
                Activity.on,
                Activity.unit,
                Activity.kind,
                Activity.led_by_principal,
                Activity.destination,
                Activity.company,
                Activity.note,
            )
        )
        stored = {tuple(r[:-1]): int(r[-1]) for r in stored_rows}
        if unclean:
            stored = _as_cleaned(stored)
        new: list[dict[str, object]] = []
        unchanged = 0
        for key, n in wanted.items():
            have = stored.get(key, 0)
            unchanged += min(n, have)
            on, unit, kind, principal, destination, company, note = key
            new.extend(
                {
                    "on": on,
                    "unit": units[str(unit)],
                    "kind": kind,
                    "led_by_principal": principal,
                    "destination": destination,
                    "company": company,
                    "note": note,
                }
                for _ in range(max(0, n - have))
            )
        for batch in _chunks(new, 300):
            Activity.insert_many(list(batch)).execute()
    return WriteResult(added=len(new), unchanged=unchanged)


def bulk_insert(
    model: type[BaseModel], fields: Sequence[str], values: Iterable[Sequence[object]]
) -> int:
    """Insert many rows fast (demo data, large imports): one prepared statement, executemany.

    Runs inside the caller's transaction; values must already be in storage form (ISO dates,
    0/1 booleans). Returns the number of rows.
    """
    meta = model._meta
    # Peewee's defaults live in Python, not in the schema: fill them in for the fields not given.
    rest = [f for name, f in meta.fields.items() if name not in fields and f.default is not None]
    extra = tuple(f.db_value(f.default() if callable(f.default) else f.default) for f in rest)
    names = [meta.fields[f].column_name for f in fields] + [f.column_name for f in rest]
    columns = ", ".join(f'"{c}"' for c in names)
    marks = ", ".join("?" for _ in names)
    data = [tuple(v) + extra for v in values]
    meta.database.cursor().executemany(
        f'INSERT INTO "{meta.table_name}" ({columns}) VALUES ({marks})', data
    )
    return len(data)


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


#: activities that are campaign events too (DOMAIN.md "Events"): a held event with its leads
ACTIVITY_EVENTS = ("promotion", "training", "exchange", "signing", "groundbreaking")


class UnknownCompanies(Exception):
    """Leads named in an activity that the store does not have; nothing was written."""

    def __init__(self, names: list[str]) -> None:
        super().__init__("、".join(names))
        self.names = names


def log_activity(record: ActivityInput, lead_companies: Sequence[str] = ()) -> int:
    """One activity from the form, in one transaction. An event kind (a promotion, the signing
    ceremony, …) is also kept as a held event with the leads named (by company); a name the
    store does not know refuses the whole entry. Returns the activity's id."""
    record = clean_fields(record)  # the backstop: the form cleaned it already
    lead_companies = [clean_text(n) for n in lead_companies]
    with immediate():
        unit_id = unit_ids().get(record.unit)
        if unit_id is None:
            raise UnknownCompanies([record.unit])
        lead_ids: list[int] = []
        missing: list[str] = []
        for name in dict.fromkeys(n.strip() for n in lead_companies if n.strip()):
            found = [int(i) for (i,) in rows(Lead.select(Lead.id).where(Lead.company == name))]
            lead_ids += found
            if not found:
                missing.append(name)
        if missing:
            raise UnknownCompanies(missing)
        event_id = None
        if record.kind in ACTIVITY_EVENTS:
            # the campaign file's plan for such an event, if one waits: this is it being held
            planned = (
                Event.select()
                .where(Event.kind == record.kind, Event.from_plan, Event.held_on.is_null())
                .order_by(Event.planned_on)
                .first()
            )
            if planned is not None:
                event_id = planned.id
                Event.update(held_on=record.on, place=planned.place or record.destination).where(
                    Event.id == event_id
                ).execute()
            else:
                event_id = Event.insert(
                    kind=record.kind,
                    title=record.note or record.destination or record.kind,
                    planned_on=record.on,
                    held_on=record.on,
                    place=record.destination,
                ).execute()
            for lead_id in lead_ids:
                EventLead.insert(event=event_id, lead=lead_id).execute()
        activity_id = int(
            Activity.insert(
                on=record.on,
                unit=unit_id,
                kind=record.kind,
                led_by_principal=record.led_by_principal,
                destination=record.destination,
                company=record.company or "、".join(lead_companies),
                note=record.note,
                event=event_id,
            ).execute()
        )
        for lead_id in lead_ids:
            ActivityLead.insert(activity=activity_id, lead=lead_id).execute()
        if lead_ids and record.kind in ("trip", "visit"):
            # meeting the company is contact: the lead is not stale as of that day
            Lead.update(touched_on=record.on).where(
                Lead.id.in_(lead_ids), (Lead.touched_on.is_null()) | (Lead.touched_on < record.on)
            ).execute()
        return activity_id
