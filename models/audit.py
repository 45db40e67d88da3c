"""The append-only audit: writing its lines (inside the caller's write transaction), reading
them back by period, user, unit or lead, and replaying them against today's leads.

One action is one ``entry`` of one or more lines, one per changed field with the value before
and after. A lead's creation (and the baseline an upgrade writes for leads from before the
audit) is one line with field ``*`` whose ``after`` holds every audited field as JSON.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from datetime import date, datetime, timedelta
from typing import Any

from peewee import JOIN, fn

from models.audit_line import AuditLine, AuditQuery
from models.records import Actor
from models.tables import Audit, Consultant, Lead, Unit, execute_many, rows, sql_value

#: The lead's fields the audit follows (``unit`` and ``consultant`` by name).
LEAD_FIELDS: tuple[str, ...] = (
    "company",
    "project",
    "industry",
    "amount_wan",
    "is_industrial",
    "is_head_enterprise",
    "is_listed",
    "source",
    "unit",
    "consultant",
    "task_force",
    "stage",
    "found_on",
    "valid_since",
    "signed_on",
    "started_on",
    "dropped_on",
    "dropped_reason",
    "next_follow_up",
    "reviewed_on",
)
#: field ``*``: every audited field at once (creation, baseline)
WHOLE = "*"
_COLUMNS = (
    "entry",
    "at",
    "login",
    "name",
    "action",
    "lead_id",
    "unit_id",
    "subject",
    "field",
    "before",
    "after",
)


def value_text(value: object) -> str | None:
    """A field's value as the audit keeps it: ISO dates, 1/0, numbers and text as written."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def next_entry() -> int:
    """The number of the next entry (call under the write lock)."""
    return last_entry() + 1


def last_entry() -> int:
    """The number of the last entry (0 for none): it moves with every change to the campaign,
    a lead or an activity, whichever process makes it."""
    return int(sql_value("SELECT COALESCE(MAX(entry), 0) FROM audit"))


def record(
    actor: Actor,
    action: str,
    changes: Sequence[tuple[str, object, object]] = (),
    *,
    lead_id: int | None = None,
    unit_id: int | None = None,
    subject: str = "",
) -> int:
    """Append one entry (call inside the write transaction); returns its number. With no
    changes it is one line without a field (a campaign-file load, an import batch)."""
    entry, now = next_entry(), str(datetime.now())
    lines = [(f, value_text(b), value_text(a)) for f, b, a in changes] or [("", None, None)]
    execute_many(
        f"INSERT INTO audit ({', '.join(_COLUMNS)}) VALUES ({', '.join('?' * len(_COLUMNS))})",
        [
            (entry, now, actor.login, actor.name, action, lead_id, unit_id, subject, f, b, a)
            for f, b, a in lines
        ],
    )
    return entry


def lead_state(lead_id: int) -> dict[str, object]:
    """A lead's audited fields as stored now (units and consultants by name)."""
    found = lead_states([lead_id])
    return found.get(lead_id, {})


def lead_states(lead_ids: Iterable[int] | None = None) -> dict[int, dict[str, object]]:
    """Audited fields of these leads (all with None), by id."""
    plain = [f for f in LEAD_FIELDS if f not in ("unit", "consultant")]
    query = (
        Lead.select(Lead.id, *(getattr(Lead, f) for f in plain), Unit.name, Consultant.name)
        .join(Unit, on=(Lead.unit == Unit.id))
        .switch(Lead)
        .join(Consultant, join_type=JOIN.LEFT_OUTER, on=(Lead.consultant == Consultant.id))
    )
    if lead_ids is not None:
        query = query.where(Lead.id.in_(list(lead_ids)))
    out: dict[int, dict[str, object]] = {}
    for row in rows(query):
        state = dict(zip(plain, row[1:-2], strict=True))
        state["unit"], state["consultant"] = row[-2], row[-1] or ""
        out[int(row[0])] = {f: state[f] for f in LEAD_FIELDS}
    return out


def whole(state: dict[str, object]) -> str:
    """A lead's fields as one ``*`` line's value."""
    return json.dumps({k: value_text(v) for k, v in state.items()}, ensure_ascii=False)


def diff(before: dict[str, object], after: dict[str, object]) -> list[tuple[str, object, object]]:
    """The fields that differ, as (field, before, after)."""
    return [
        (f, before.get(f), after.get(f))
        for f in LEAD_FIELDS
        if value_text(before.get(f)) != value_text(after.get(f))
    ]


BASELINE_SQL = (
    "INSERT INTO audit (entry, at, login, name, action, lead_id, unit_id, subject, field, "
    "before, after) SELECT 1, ?, 'yeji', '', 'baseline', l.id, l.unit_id, l.company, '*', NULL, "
    "json_object("
    + ", ".join(
        f"'{f}', "
        + (
            "u.name"
            if f == "unit"
            else "COALESCE(c.name, '')"
            if f == "consultant"
            else f"CAST(l.{f} AS TEXT)"
        )
        for f in LEAD_FIELDS
    )
    + ") FROM lead l JOIN unit u ON u.id = l.unit_id LEFT JOIN consultant c ON c.id = "
    "l.consultant_id ORDER BY l.id"
)


def audit_lines(q: AuditQuery, limit: int | None = None) -> list[AuditLine]:
    """The lines asked for, oldest first (each filter reads its index); ``*`` lines expanded
    into one line per field."""
    query = Audit.select(
        Audit.entry,
        Audit.at,
        Audit.login,
        Audit.name,
        Audit.action,
        Audit.lead_id,
        Audit.subject,
        Audit.field,
        Audit.before,
        Audit.after,
    )
    where: list[Any] = []
    if q.since:
        where.append(Audit.at >= datetime.combine(q.since, datetime.min.time()))
    if q.until:
        where.append(Audit.at < datetime.combine(q.until + timedelta(days=1), datetime.min.time()))
    if q.login:
        where.append(Audit.login == q.login)
    if q.unit:
        unit_id = Unit.select(Unit.id).where(Unit.name == q.unit).scalar()
        where.append(Audit.unit_id == (unit_id if unit_id is not None else -1))
    if q.lead_id is not None:
        where.append(Audit.lead_id == q.lead_id)
    if where:
        query = query.where(*where)
    query = query.order_by(Audit.id.desc() if limit else Audit.id)
    if limit:
        query = query.limit(limit)
    out: list[AuditLine] = []
    for entry, at, login, name, action, lead_id, subject, field, before, after in rows(query):
        if field == WHOLE:
            values = json.loads(after or "{}")
            out += [
                AuditLine(entry, _at(at), login, name, action, lead_id, subject, k, None, v)
                for k, v in values.items()
                if v not in (None, "", "0")
            ]
        else:
            out.append(
                AuditLine(
                    entry, _at(at), login, name, action, lead_id, subject, field, before, after
                )
            )
    return out


def _at(value: object) -> datetime:
    return value if isinstance(value, datetime) else datetime.fromisoformat(str(value))


#: Lead ids replayed at a time: their audit lines and their stored states are in memory
#: together (all at once, a million leads' states took 1.4 GB).
REPLAY_BATCH = 5000


def replay_problems() -> list[tuple[int, str, str | None, str | None]]:
    """Leads whose audit, replayed, does not give today's value: (lead, field, replayed,
    stored). A lead with no creation or baseline line is not checked (its life is not all in
    the audit). A lead's lines are replayed in their order, a batch of lead ids at a time."""
    span = Audit.select(fn.MIN(Audit.lead_id), fn.MAX(Audit.lead_id))
    first, last = rows(span)[0]
    if first is None:
        return []
    problems: list[tuple[int, str, str | None, str | None]] = []
    for low in range(int(first), int(last) + 1, REPLAY_BATCH):
        problems += _replay_batch(low, low + REPLAY_BATCH)
    return problems


def _replay_batch(low: int, high: int) -> list[tuple[int, str, str | None, str | None]]:
    """``replay_problems`` for the leads with ids in [low, high)."""
    replayed: dict[int, dict[str, str | None]] = {}
    query = (
        Audit.select(Audit.lead_id, Audit.field, Audit.after)
        .where(Audit.lead_id >= low, Audit.lead_id < high, Audit.field != "")
        .order_by(Audit.id)
    )
    for lead_id, field, after in rows(query):
        if field == WHOLE:
            replayed[int(lead_id)] = dict(json.loads(after or "{}"))
        elif int(lead_id) in replayed and field in LEAD_FIELDS:
            replayed[int(lead_id)][field] = after
    stored = lead_states(replayed) if replayed else {}
    problems = []
    for lead_id, fields in sorted(replayed.items()):
        now = stored.get(lead_id)
        if now is None:
            continue  # undone creation: the lead is gone, its lines stay
        for field, value in fields.items():
            have = value_text(now.get(field))
            if field == "consultant" and not have:
                have = ""
            if field in now and (value or None) != (have or None):
                problems.append((lead_id, field, value, have))
    return problems


def audit_count() -> int:
    """How many lines the audit holds."""
    return int(Audit.select(fn.COUNT(Audit.id)).scalar())
