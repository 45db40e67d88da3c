"""Writing checked ledger rows (leads and activities) into the store, all or nothing.

The importer checks a whole file first; this module only writes rows that passed, in one
short transaction prepared beforehand, and records stage history for every lead whose stage
it sets or changes.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from peewee import fn

from models import audit, engine
from models.access import Actor, authorize, authorize_rows, current_actor
from models.bulk import schema_objects
from models.db import PRAGMAS
from models.records import ActivityKind, StageName
from models.search import search_key
from models.search_backlog import index_waiting, wait_for_index
from models.store_errors import StoreError
from models.tables import (
    SEARCH_INDEX,
    STAGE_TRIGGERS,
    Activity,
    ActivityLead,
    BaseModel,
    Consultant,
    Event,
    EventLead,
    Lead,
    Unit,
    database,
    execute,
    execute_many,
    rows,
    run_sql,
    sql_value,
)
from models.usertext import UNSEEN, clean_fields, clean_text
from models.write_lock import immediate, write_prepared


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


def _quiet(phase: str, n: int) -> None:
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
_UNCLEAN = "\x01-\x1f\x7f-\x9f" + UNSEEN


def _renamed_leads() -> dict[tuple[str, str], int]:
    """Leads an older version stored with controls in a name, by their names as cleaned. Read
    before the write lock: it scans every lead (0.2–0.3 s per 100,000)."""
    unclean = engine.has_any_of(Lead.company, _UNCLEAN) | engine.has_any_of(Lead.project, _UNCLEAN)
    query = Lead.select(Lead.id, Lead.company, Lead.project).where(unclean)
    return {(clean_text(c), clean_text(p)): int(i) for i, c, p in rows(query)}


def ids_by_name(model: type[Unit] | type[Consultant]) -> dict[str, int]:
    """Name → id of every unit or consultant, by the name as cleaned: one an older version
    stored with controls is still found by the name shown, typed or imported."""
    return {clean_text(name): int(i) for i, name in rows(model.select(model.id, model.name))}


def unit_ids() -> dict[str, int]:
    """Unit name → id."""
    return ids_by_name(Unit)


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


# The columns a ledger row sets, in LeadInput's order (``unit`` becomes ``unit_id``).
_ROW_COLUMNS = tuple(
    "unit_id" if f == "unit" else f
    for f in LeadInput.__dataclass_fields__
    if f not in ("unit", "line")
)
_LEDGER_COLUMNS = (*_ROW_COLUMNS[:6], "unit_id", *_ROW_COLUMNS[6:])
# What a stored lead is compared on: everything (company and project are how it was found,
# and differ only for a lead an older version stored with controls in its name).
_COMPARED = _LEDGER_COLUMNS


def _staging() -> str:
    """The import's staging table, in this connection's temporary schema."""
    return f"{engine.temp_schema()}.import_lead"


def _audit_staging() -> str:
    """The staging table of the import's audit lines."""
    return f"{engine.temp_schema()}.import_audit"


#: Row-by-row triggers the bulk insert of new leads does without: the stage totals' (an UPDATE
#: a row: twice as slow as counting the new leads afterwards in one statement) and the search
#: index's (the new leads wait for it anyway: models.search_backlog). Both are back before the
#: commit (a crash rolls back both), so no other connection ever sees the store without them.
_ROW_TRIGGERS_SKIPPED = {"stage_total_insert": STAGE_TRIGGERS, "lead_fts_insert": SEARCH_INDEX}
_IMPORT_LOG_EVERY = 5000


def _stage_rows(
    records: Iterable[LeadInput], today: date, progress: Progress
) -> Iterator[tuple[object, ...]]:
    """The rows in storage form (ISO dates, 0/1), with their search keys and stage days."""
    n = 0
    for n, raw in enumerate(records, start=1):
        r = clean_fields(raw)  # the backstop: every import passes here
        yield (
            n,
            r.company,
            r.project,
            r.industry,
            r.amount_wan,
            bool(r.is_industrial),
            r.source,
            r.unit,
            r.stage,
            _iso(r.found_on),
            _iso(r.valid_since),
            _iso(r.signed_on),
            _iso(r.started_on),
            r.dropped_reason,
            search_key(r.company, r.project),
            stage_day(r, today).isoformat(),
            r.line or n,
        )
        if n % _IMPORT_LOG_EVERY == 0:
            progress("read", n)
    progress("read", n)


def upsert_leads(
    records: Iterable[LeadInput], user: str, today: date, progress: Progress = _quiet
) -> WriteResult:
    """Add the rows as leads; a row whose company and project match a stored lead updates it.

    Everything is prepared first without the write lock — the rows in storage form with their
    search keys, in a temporary table of this connection, matched to stored leads and units —
    and then written in one short transaction of a few bulk statements (triggers keep the stage
    totals and the search index). If anyone committed in between, the matching is done again
    under the lock. ``records`` may be a stream: it is read once.
    """
    db = database
    on_file = not engine.on_server()
    if on_file and not db.in_transaction():
        # the rows wait in a file, not in memory: 100,000 of them took ~90 MB
        run_sql("PRAGMA temp_store = FILE", db)
    run_sql(f"DROP TABLE IF EXISTS {_staging()}", db)
    run_sql(f"DROP TABLE IF EXISTS {_audit_staging()}", db)
    run_sql(f"CREATE TABLE {_staging()} (pos INTEGER PRIMARY KEY, {_declared(_STAGING_TYPES)})", db)
    try:
        with db.atomic():  # the temporary table only: the store is not locked
            execute_many(
                f"INSERT INTO {_staging()} VALUES ({', '.join('?' * 17)}, NULL, NULL)",
                _stage_rows(records, today, progress),
            )

        def prepare() -> int:
            progress("prepare", 0)
            matched = _match_staged()
            _authorize_staged(current_actor())
            _stage_audit()
            progress("ready", matched)
            return matched

        def write(matched: int) -> WriteResult:
            progress("write", 0)
            return _write_staged(matched, user, today)

        written = write_prepared(prepare, write)
    finally:
        run_sql(f"DROP TABLE IF EXISTS {_staging()}", db)
        run_sql(f"DROP TABLE IF EXISTS {_audit_staging()}", db)
        if on_file and not db.in_transaction():
            run_sql(f"PRAGMA temp_store = {PRAGMAS['temp_store']}", db)
    # after the commit, in short transactions: this import's new leads and any a crash left
    progress("index", 0)
    index_waiting(lambda n: progress("index", n))
    return written


#: The staging table's columns and, on a server, their types (SQLite's are left untyped).
_STAGING_TYPES = (
    ("company", "TEXT"),
    ("project", "TEXT"),
    ("industry", "TEXT"),
    ("amount_wan", "INTEGER"),
    ("is_industrial", "BOOLEAN"),
    ("source", "TEXT"),
    ("unit", "TEXT"),
    ("stage", "TEXT"),
    ("found_on", "DATE"),
    ("valid_since", "DATE"),
    ("signed_on", "DATE"),
    ("started_on", "DATE"),
    ("dropped_reason", "TEXT"),
    ("search_key", "TEXT"),
    ("stage_day", "DATE"),
    ("line", "INTEGER"),
    ("unit_id", "INTEGER"),
    ("lead_id", "INTEGER"),
)


#: The audit lines' staging columns, as above.
_AUDIT_STAGING_TYPES = (
    ("pos", "INTEGER"),
    ("lead_id", "INTEGER"),
    ("unit_id", "INTEGER"),
    ("subject", "TEXT"),
    ("field", "TEXT"),
    ("before", "TEXT"),
    ("after", "TEXT"),
    ("new_rank", "INTEGER"),
)


def _declared(columns: Sequence[tuple[str, str]]) -> str:
    """A staging table's column declarations: typed on a server, untyped in SQLite (as the
    staging tables always were there)."""
    typed = engine.on_server()
    return ", ".join(f"{name} {kind}" if typed else name for name, kind in columns)


def _match_staged() -> int:
    """Each staged row's unit and stored lead (by company and project); how many matched. A
    lead or unit an older version stored with controls in its name is found by the name
    cleaned (and the lead's name is repaired by the write)."""
    execute_many(
        f"UPDATE {_staging()} SET unit_id = ? WHERE unit = ?",
        [(unit_id, name) for name, unit_id in unit_ids().items()],
    )
    run_sql(
        f"UPDATE {_staging()} SET lead_id = (SELECT l.id FROM lead l "
        "WHERE l.company = import_lead.company AND l.project = import_lead.project)"
    )
    renamed = _renamed_leads()
    if renamed:
        execute_many(
            f"UPDATE {_staging()} SET lead_id = ? "
            "WHERE lead_id IS NULL AND company = ? AND project = ?",
            [(lead_id, company, project) for (company, project), lead_id in renamed.items()],
        )
    unknown = sql_value(f"SELECT unit FROM {_staging()} WHERE unit_id IS NULL LIMIT 1")
    if unknown is not None:
        raise StoreError(
            f"单位不存在（活动配置刚被修改？）/ no such unit (was the campaign just changed?): "
            f"{unknown}"
        )
    return int(sql_value(f"SELECT COUNT(*) FROM {_staging()} WHERE lead_id IS NOT NULL"))


# the ledger's columns as the audit names them
_AUDITED = tuple("unit" if c == "unit_id" else c for c in _COMPARED)


def _authorize_staged(actor: Actor) -> None:
    """Refuse the whole import unless every row's unit, and the unit of every stored lead a
    row changes, is the actor's to write (a clerk's rows only for their own unit)."""
    if actor.role == "office":
        return
    other = engine.differs("s.unit", "?")
    query = (
        f"SELECT s.line, CASE WHEN {other} THEN s.unit ELSE u.name END FROM {_staging()} s "
        "LEFT JOIN lead l ON l.id = s.lead_id LEFT JOIN unit u ON u.id = l.unit_id "
        f"WHERE {other} OR (u.name IS NOT NULL AND {engine.differs('u.name', '?')}) "
        "ORDER BY s.pos"
    )
    found = execute(query, (actor.unit,) * 3).fetchall()
    authorize_rows(actor, "lead", [(int(n), str(unit)) for n, unit in found])


def _stage_audit() -> None:
    """The audit lines of the import, made before the lock: for each stored lead a row changes,
    its changed fields (before, after); for each new lead, its fields as one ``*`` line."""
    run_sql(f"DROP TABLE IF EXISTS {_audit_staging()}")
    # ``seq``: the order the lines were made in, which the write keeps
    seq = engine.column_type("seq INTEGER PRIMARY KEY", "seq SERIAL PRIMARY KEY")
    run_sql(f"CREATE TABLE {_audit_staging()} ({seq}, {_declared(_AUDIT_STAGING_TYPES)})")
    names = ", ".join(name for name, _ in _AUDIT_STAGING_TYPES)
    flag = {"is_industrial"}
    value = {c: engine.as_text(f"s.{c}", boolean=c in flag) for c in _COMPARED}
    stored = {c: engine.as_text(f"l.{c}", boolean=c in flag) for c in _COMPARED}
    value["unit_id"], stored["unit_id"] = "s.unit", "u.name"
    changed = " UNION ALL ".join(
        f"SELECT s.pos, l.id, l.unit_id, s.company || ' · ' || s.project, '{name}', "
        f"{stored[c]}, {value[c]}, CAST(NULL AS INTEGER) FROM {_staging()} s "
        "JOIN lead l ON l.id = s.lead_id "
        f"JOIN unit u ON u.id = l.unit_id WHERE {engine.differs(f's.{c}', f'l.{c}')}"
        for c, name in zip(_COMPARED, _AUDITED, strict=True)
    )
    # in the file's order here, so that the write under the lock reads them in storage order
    run_sql(f"INSERT INTO {_audit_staging()} ({names}) {changed} ORDER BY 1")
    fields = ", ".join(f"'{name}', {value[c]}" for c, name in zip(_COMPARED, _AUDITED, strict=True))
    run_sql(
        f"INSERT INTO {_audit_staging()} ({names}) SELECT s.pos, NULL, s.unit_id, "
        f"s.company || ' · ' || s.project, '{audit.WHOLE}', NULL, "
        f"{engine.json_object(fields)}, "
        f"ROW_NUMBER() OVER (ORDER BY s.pos) FROM {_staging()} s WHERE s.lead_id IS NULL "
        "ORDER BY s.pos"
    )


def _write_audit(actor: Actor, now: str, last: int, added: int, updated: int) -> None:
    """The import's entry: one batch line, then its rows' lines (the new leads' ids are the ones
    after ``last``, in the file's order)."""
    entry = audit.next_entry()
    head = (entry, now, actor.login, actor.name, "import")
    execute(
        "INSERT INTO audit (entry, at, login, name, action, subject, field) "
        "VALUES (?, ?, ?, ?, ?, ?, '')",
        (*head, f"+{added} ~{updated}"),
    )
    at = engine.column_type("?", "CAST(? AS TIMESTAMP)")
    execute(
        "INSERT INTO audit (entry, at, login, name, action, lead_id, unit_id, subject, "
        f"field, before, after) SELECT ?, {at}, ?, ?, ?, "
        "COALESCE(a.lead_id, CAST(? AS INTEGER) + a.new_rank), a.unit_id, a.subject, "
        f"a.field, a.before, a.after FROM {_audit_staging()} a ORDER BY a.seq",
        (*head, last),
    )


@contextmanager
def _indexes_built_after(new: int) -> Iterator[None]:
    """Around the insert of ``new`` leads: when they are at least as many as the leads stored,
    the lead table's indexes are dropped and built again after it — sorting all rows once is
    twice as fast as placing each new one in each index. The unique index stays, to refuse a
    duplicate as it is inserted."""
    stored = int(sql_value("SELECT COALESCE(SUM(leads), 0) FROM stage_total"))
    indexes: list[tuple[str, str]] = []
    if new >= max(stored, 1) and not engine.on_server():
        indexes = [
            (name, sql)
            for name, sql in schema_objects("index", ("lead",), "tbl_name")
            if not sql.startswith("CREATE UNIQUE")
        ]
    for name, _ in indexes:
        run_sql(f'DROP INDEX "{name}"')
    yield
    for _, sql in indexes:
        run_sql(sql)


def _write_staged(matched: int, user: str, today: date) -> WriteResult:
    """The bulk statements, under the lock: stage history, updates, then the new leads."""
    now = str(datetime.now())
    actor = current_actor()
    server = engine.on_server()
    stamp = engine.column_type("?", "CAST(? AS TIMESTAMP)")
    differs = " OR ".join(engine.differs(f"s.{c}", f"l.{c}") for c in _COMPARED)
    # the history of a changed stage, before the update overwrites the old one
    execute(
        'INSERT INTO stage_change (lead_id, from_stage, to_stage, "on", by_user, at) '
        f"SELECT l.id, l.stage, s.stage, s.stage_day, ?, {stamp} FROM {_staging()} s "
        "JOIN lead l ON l.id = s.lead_id "
        f"WHERE {engine.differs('l.stage', 's.stage')} ORDER BY s.pos",
        (user, now),
    )
    assignments = ", ".join(f"{c} = s.{c}" for c in _COMPARED)
    latest = engine.greater("COALESCE(l.touched_on, s.stage_day)", "s.stage_day")
    updated = execute(
        f"UPDATE lead AS l SET {assignments}, "
        # the latest touch stays the latest (the as-of rebuilds rely on it)
        f"touched_on = CASE WHEN {engine.differs('l.stage', 's.stage')} "
        f"THEN {latest} ELSE l.touched_on END, "
        f"updated_at = {stamp}, version = l.version + 1 FROM {_staging()} s "
        f"WHERE s.lead_id = l.id AND ({differs})",
        (now,),
    ).rowcount
    # a name repaired (stored raw by an older version): its search key too — apart, since
    # naming search_key in an UPDATE re-indexes the lead in the trigram index even unchanged
    run_sql(
        f"UPDATE lead AS l SET search_key = s.search_key FROM {_staging()} s "
        f"WHERE s.lead_id = l.id AND {engine.differs('l.search_key', 's.search_key')}"
    )
    last = int(sql_value("SELECT COALESCE(MAX(id), 0) FROM lead"))
    new = int(sql_value(f"SELECT COUNT(*) FROM {_staging()} WHERE lead_id IS NULL"))
    defaults = _defaults(Lead, (*_LEDGER_COLUMNS, "search_key", "touched_on", "reviewed_on"))
    extra = "".join(f", {c}" for c in defaults)
    marks = "".join(", ?" for _ in defaults)
    columns = ", ".join(_LEDGER_COLUMNS)
    if new:
        # found by the filter at once, indexed for search after the commit (models.search_backlog)
        wait_for_index(last + 1, last + new)
    # on a server the row triggers stay: PL/pgSQL keeps the totals, pg_trgm the index
    skipped = {} if server else _ROW_TRIGGERS_SKIPPED
    for name in skipped:
        run_sql(f"DROP TRIGGER {name}")
    with _indexes_built_after(new):
        # a new bare lead waits in triage; one further along was decided already
        added = execute(
            f"INSERT INTO lead ({columns}, search_key, touched_on, reviewed_on{extra}) "
            f"SELECT {columns}, search_key, stage_day, "
            f"CASE WHEN stage = 'lead' THEN NULL ELSE {engine.date_param()} END{marks} "
            f"FROM {_staging()} WHERE lead_id IS NULL ORDER BY pos",
            (today.isoformat(), *defaults.values()),
        ).rowcount
    if skipped:
        execute(
            "INSERT INTO stage_total (stage, leads, amount_wan) "
            "SELECT stage, COUNT(*), TOTAL(amount_wan) FROM lead WHERE id > ? GROUP BY stage "
            "ON CONFLICT (stage) DO UPDATE SET leads = leads + excluded.leads, "
            "amount_wan = amount_wan + excluded.amount_wan",
            (last,),
        )
    for name, statements in skipped.items():
        run_sql(next(sql for sql in statements if f" {name} " in sql))
    # we hold the lock: the leads after the last id are the ones just added
    execute(
        'INSERT INTO stage_change (lead_id, from_stage, to_stage, "on", by_user, at) '
        f"SELECT id, NULL, stage, touched_on, ?, {stamp} FROM lead WHERE id > ? ORDER BY id",
        (user, now, last),
    )
    _write_audit(actor, now, last, added, updated)
    return WriteResult(added=added, updated=updated, unchanged=matched - updated)


ActivityKey = tuple[date, str, str, bool, str, str, str]


def _activity_key(a: ActivityInput) -> ActivityKey:
    return (a.on, a.unit, a.kind, a.led_by_principal, a.destination, a.company, a.note)


def _unclean_activities(first: date, last: date) -> bool:
    """Whether an older version stored an activity of these days with controls in its text.
    Read before the write lock: it scans them (0.8–0.9 s over 300,000 activities)."""
    unclean = (
        engine.has_any_of(Activity.destination, _UNCLEAN)
        | engine.has_any_of(Activity.company, _UNCLEAN)
        | engine.has_any_of(Activity.note, _UNCLEAN)
    )
    query = Activity.select(Activity.id).where(Activity.on.between(first, last), unclean)
    return bool(query.exists())


def _as_cleaned(stored: dict[tuple[object, ...], int]) -> dict[tuple[object, ...], int]:
    """Activity keys with their text cleaned: one an older version stored raw is the same."""
    cleaned: Counter[tuple[object, ...]] = Counter()
    for key, n in stored.items():
        cleaned[tuple(clean_text(v) if isinstance(v, str) else v for v in key)] += n
    return cleaned


def add_activities(records: Iterable[ActivityInput], progress: Progress = _quiet) -> WriteResult:
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


def _defaults(model: type[BaseModel], given: Sequence[str]) -> dict[str, object]:
    """Column → stored default of the fields not given that have one: Peewee's defaults live in
    Python, not in the schema."""
    out: dict[str, object] = {}
    for name, column in model._meta.fields.items():
        if name in given or column.column_name in given or column.default is None:
            continue
        value = column.default() if callable(column.default) else column.default
        out[column.column_name] = column.db_value(value)
    return out


def bulk_insert(
    model: type[BaseModel], fields: Sequence[str], values: Iterable[Sequence[object]]
) -> int:
    """Insert many rows fast (demo data, large imports): one prepared statement, executemany.

    Runs inside the caller's transaction; values must already be in storage form (ISO dates,
    0/1 booleans). Returns the number of rows.
    """
    meta = model._meta
    defaults = _defaults(model, fields)
    extra = tuple(defaults.values())
    names = [meta.fields[f].column_name for f in fields] + list(defaults)
    columns = ", ".join(f'"{c}"' for c in names)
    marks = ", ".join("?" for _ in names)
    data = [tuple(v) + extra for v in values]
    execute_many(f'INSERT INTO "{meta.table_name}" ({columns}) VALUES ({marks})', data)
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
