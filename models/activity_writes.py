"""Writing activities: an import's rows (a row identical to a stored one counts as that one)
and the form's one activity, which an event kind also keeps as a held event."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from datetime import date, datetime

from peewee import fn

from models import audit, engine
from models.access import Actor, authorize, authorize_rows, current_actor
from models.bulk import bulk_insert
from models.ledger_rows import (
    ACTIVITY_COLUMNS,
    UNCLEAN,
    ActivityInput,
    Progress,
    WriteResult,
    quiet,
    unit_ids,
)
from models.tables import Activity, ActivityLead, Event, EventLead, Lead, Unit, execute_many, rows
from models.usertext import clean_fields, clean_text
from models.write_lock import immediate, write_prepared

ActivityKey = tuple[date, str, str, bool, str, str, str]


def _activity_key(a: ActivityInput) -> ActivityKey:
    return (a.on, a.unit, a.kind, a.led_by_principal, a.destination, a.company, a.note)


def _unclean_activities(first: date, last: date) -> bool:
    """Whether an older version stored an activity of these days with controls in its text.
    Read before the write lock: it scans them (0.8–0.9 s over 300,000 activities)."""
    unclean = (
        engine.has_any_of(Activity.destination, UNCLEAN)
        | engine.has_any_of(Activity.company, UNCLEAN)
        | engine.has_any_of(Activity.note, UNCLEAN)
    )
    query = Activity.select(Activity.id).where(Activity.on.between(first, last), unclean)
    return bool(query.exists())


def _as_cleaned(stored: dict[tuple[object, ...], int]) -> dict[tuple[object, ...], int]:
    """Activity keys with their text cleaned: one an older version stored raw is the same."""
    cleaned: Counter[tuple[object, ...]] = Counter()
    for key, n in stored.items():
        cleaned[tuple(clean_text(v) if isinstance(v, str) else v for v in key)] += n
    return cleaned


def add_activities(records: Iterable[ActivityInput], progress: Progress = quiet) -> WriteResult:
    """Add activities. Activities have no natural key, so a row identical in every column to one
    already stored counts as that one: importing the same file twice adds nothing, while two
    identical rows in one file stay two. Prepared without the lock, written in one short
    transaction (prepared again under it if anyone committed meanwhile)."""
    # the backstop: every import passes here
    wanted = Counter(_activity_key(clean_fields(r)) for r in records)
    progress("read", sum(wanted.values()))
    if not wanted:
        return WriteResult()
    first, last = min(k[0] for k in wanted), max(k[0] for k in wanted)

    def prepare() -> tuple[list[tuple[object, ...]], int]:
        progress("prepare", 0)
        authorize_rows(
            current_actor(), "activity", [(n, key[1]) for n, key in enumerate(wanted, start=1)]
        )
        units = unit_ids()
        stored_rows = rows(
            Activity.select(*ACTIVITY_COLUMNS, fn.COUNT(Activity.id))
            .join(Unit)
            .where(Activity.on.between(first, last))
            # by the unit's key, which its name depends on (PostgreSQL asks for that)
            .group_by(*(c for c in ACTIVITY_COLUMNS if c is not Unit.name), Unit.id)
        )
        stored = {tuple(r[:-1]): int(r[-1]) for r in stored_rows}
        if _unclean_activities(first, last):
            stored = _as_cleaned(stored)
        new: list[tuple[object, ...]] = []
        unchanged = 0
        for key, n in wanted.items():
            have = stored.get(key, 0)
            unchanged += min(n, have)
            on, unit, kind, principal, destination, company, note = key
            row = (
                on.isoformat(),
                units[unit],
                kind,
                bool(principal),
                destination,
                company,
                note,
            )
            new.extend(row for _ in range(max(0, n - have)))
        progress("ready", len(new))
        return new, unchanged

    def write(prepared: tuple[list[tuple[object, ...]], int]) -> WriteResult:
        progress("write", 0)
        new, unchanged = prepared
        bulk_insert(
            Activity,
            ("on", "unit", "kind", "led_by_principal", "destination", "company", "note"),
            new,
        )
        _audit_activities(current_actor(), "import", new, batch=True)
        return WriteResult(added=len(new), unchanged=unchanged)

    return write_prepared(prepare, write)


def _audit_activities(
    actor: Actor, action: str, added: Sequence[Sequence[object]], *, batch: bool = False
) -> None:
    """One entry for activities added (rows in storage form: day, unit id, kind, principal,
    destination, company, note): a batch line for an import, then a line per activity."""
    entry, now = audit.next_entry(), str(datetime.now())
    head = (entry, now, actor.login, actor.name, action)
    lines: list[tuple[object, ...]] = (
        [(*head, None, f"+{len(added)}", "", None, None)] if batch else []
    )
    lines += [
        (
            *head,
            unit_id,
            f"{day} {kind}",
            "activity",
            None,
            " ".join(str(v) for v in (destination, company, note) if v),
        )
        for day, unit_id, kind, _principal, destination, company, note in added
    ]
    execute_many(
        "INSERT INTO audit (entry, at, login, name, action, unit_id, subject, field, before, "
        "after) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        lines,
    )


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
        actor = current_actor()
        authorize(actor, "activity", record.unit)
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
        row = (record.on, unit_id, record.kind, 0, record.destination, record.company, record.note)
        _audit_activities(actor, "activity", [row])
        if lead_ids and record.kind in ("trip", "visit"):
            # meeting the company is contact: the lead is not stale as of that day
            Lead.update(touched_on=record.on).where(
                Lead.id.in_(lead_ids), (Lead.touched_on.is_null()) | (Lead.touched_on < record.on)
            ).execute()
        return activity_id
