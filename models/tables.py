"""Peewee models: the SQLite schema of the store.

Amounts are integer 万元 (1亿 = 10,000). Dates are ISO strings in SQLite (Peewee's DateField), so
range filters and ``strftime('%Y-%m', ...)`` work in SQL and the indexes below serve them.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any

from peewee import (
    AutoField,
    BooleanField,
    CompositeKey,
    Database,
    DatabaseProxy,
    DateField,
    DateTimeField,
    ForeignKeyField,
    IntegerField,
    Model,
    SqliteDatabase,
    TextField,
)

from models import engine

#: The deferred SQLite database; ``models.db.open_store`` binds it to a file. One connection
#: shared by every thread (``thread_safe=False``), so that its page cache stays warm between the
#: UI's workers; ``models.db.session`` serialises the threads' use of it.
sqlite_database = SqliteDatabase(None, thread_safe=False)
_bound = DatabaseProxy()
_bound.initialize(sqlite_database)
#: The store's database, whichever engine: the SQLite one above or, for a URL, the PostgreSQL
#: one ``models.postgres`` makes (``use_database``).
database: Database = _bound  # type: ignore[assignment]


def use_database(db: Database) -> None:
    """Make ``db`` the store's database for every model and query."""
    _bound.initialize(db)


class BaseModel(Model):
    id = AutoField()

    class Meta:
        database = database
        legacy_table_names = False


class Campaign(BaseModel):
    """The one campaign a store holds: its window and monthly quotas."""

    name = TextField()
    start = DateField()
    end = DateField()
    quota_trips = IntegerField(default=2)
    quota_principal_trips = IntegerField(default=1)
    quota_visits = IntegerField(default=2)
    quota_valid_leads = IntegerField(default=1)
    is_demo = BooleanField(default=False)
    nominee_min_signed = IntegerField(default=1)
    nominee_all_quota_months = BooleanField(default=True)


class Target(BaseModel):
    """A campaign target (工作目标); ``key`` is the campaign file's ``id``."""

    key = TextField(unique=True)
    label = TextField()
    stage = TextField()  # signed | started: which date counts
    min_amount_wan = IntegerField(default=0)
    count = IntegerField()
    industrial_count = IntegerField(null=True)
    position = IntegerField(default=0)


class Group(BaseModel):
    """An investment group (招商小组)."""

    name = TextField(unique=True)
    leader = TextField(default="")
    lead_unit = TextField(default="")
    position = IntegerField(default=0)
    signed_task = IntegerField(default=0)
    started_task = IntegerField(default=0)

    class Meta:
        table_name = "investment_group"


class Unit(BaseModel):
    """A responsible unit (department, township, park) or an outpost centre."""

    name = TextField(unique=True)
    kind = TextField()
    principal = TextField(default="")
    group = ForeignKeyField(Group, null=True, backref="units", on_delete="SET NULL")
    position = IntegerField(default=0)


class Consultant(BaseModel):
    """An investment consultant (招商顾问) or a development adviser (社会经济发展顾问)."""

    name = TextField()
    role = TextField(default="consultant")  # consultant | adviser
    organisation = TextField(default="")
    note = TextField(default="")
    position = IntegerField(default=0)


class ParkPartner(BaseModel):
    """A partner park for exchanges and co-built parks (园区合作)."""

    name = TextField(unique=True)
    place = TextField(default="")
    note = TextField(default="")


class Lead(BaseModel):
    """A lead (项目线索) and, once signed, the project it became."""

    company = TextField()
    project = TextField()
    industry = TextField(default="其他")
    amount_wan = IntegerField(default=0)
    is_industrial = BooleanField(default=False)
    is_head_enterprise = BooleanField(default=False)
    is_listed = BooleanField(default=False)
    source = TextField(default="其他")
    # no index of its own: (unit, stage) below serves every lookup by unit
    unit = ForeignKeyField(Unit, backref="leads", on_delete="RESTRICT", index=False)
    consultant = ForeignKeyField(Consultant, null=True, backref="leads", on_delete="SET NULL")
    task_force = TextField(null=True)  # negotiating | signed (在谈 / 签约 攻坚组)
    stage = TextField(default="lead")
    found_on = DateField(null=True)
    valid_since = DateField(null=True)
    signed_on = DateField(null=True)
    started_on = DateField(null=True)
    dropped_on = DateField(null=True)
    dropped_reason = TextField(default="")
    next_follow_up = DateField(null=True)
    created_at = DateTimeField(default=datetime.now)
    updated_at = DateTimeField(default=datetime.now)
    # Bumped on every write, so an edit that waited on a person can tell it was overtaken.
    version = IntegerField(default=1)
    #: names, pinyin and initials (models.search), for the pipeline's filter
    search_key = TextField(default="")
    #: the day of the last stage change or follow-up: how stale a lead is
    touched_on = DateField(null=True)
    #: when a person last decided on the lead in triage; None for a new, unreviewed lead
    reviewed_on = DateField(null=True)

    class Meta:
        indexes = (
            # the pipeline's totals and pages read only an index: the narrow one unfiltered,
            # the one with the search key when filtering by text
            (("stage", "amount_wan"), False),
            (("stage", "amount_wan", "search_key"), False),
            # stale leads by stage, and per unit for the dispatch review, from the index alone
            (("stage", "touched_on", "unit"), False),
            (("company", "project"), True),
            (("unit", "stage"), False),
        )


# Targets and reports count signings, starts and valid leads from these alone (covering).
# Partial: most leads are never signed, so each holds only the leads with the day it starts
# with — smaller to build and keep (an import's write lock), and the same to every query, whose
# range on that day implies it is not NULL.
LEAD_DAY_INDEXES = (
    ("signed_on", "amount_wan", "is_industrial", "stage", "dropped_on", "unit"),
    ("started_on", "amount_wan", "is_industrial", "stage", "dropped_on", "unit"),
    ("valid_since", "unit"),
)
for _columns in LEAD_DAY_INDEXES:
    _fields = [getattr(Lead, c) for c in _columns]
    Lead.add_index(Lead.index(*_fields).where(_fields[0].is_null(False)))


class SavedView(BaseModel):
    """A named pipeline filter, kept across restarts."""

    name = TextField(unique=True)
    filter_json = TextField()
    by_user = TextField()
    at = DateTimeField(default=datetime.now)


class StageChange(BaseModel):
    """One move of a lead along the pipeline: from, to, the day it counts for, and who."""

    lead = ForeignKeyField(Lead, backref="stage_changes", on_delete="CASCADE")
    from_stage = TextField(null=True)
    to_stage = TextField()
    on = DateField()
    by_user = TextField()
    at = DateTimeField(default=datetime.now)
    #: the change this one undid (history is never deleted: an undo is a change back)
    reverses = IntegerField(null=True)


class FollowUp(BaseModel):
    """A dated follow-up note on a lead."""

    lead = ForeignKeyField(Lead, backref="follow_ups", on_delete="CASCADE")
    on = DateField(default=date.today)
    note = TextField()
    by_user = TextField()
    at = DateTimeField(default=datetime.now)

    class Meta:
        # the dispatch review counts valid leads followed up in a fortnight from this alone
        indexes = ((("on", "lead"), False),)


class Event(BaseModel):
    """A campaign event: mobilisation, training, exchange, promotion, signing, groundbreaking."""

    kind = TextField()
    title = TextField()
    planned_on = DateField(null=True)
    held_on = DateField(null=True)
    place = TextField(default="")
    note = TextField(default="")
    #: planned in the campaign file (kept in step with it); else logged as held from the TUI
    from_plan = BooleanField(default=False)


class EventLead(BaseModel):
    """A lead signed or started at an event."""

    event = ForeignKeyField(Event, backref="leads", on_delete="CASCADE")
    lead = ForeignKeyField(Lead, backref="events", on_delete="CASCADE")


class Activity(BaseModel):
    """One unit's trip, visit received, or other campaign activity (one record per unit)."""

    on = DateField(column_name="date")
    unit = ForeignKeyField(Unit, backref="activities", on_delete="RESTRICT")
    kind = TextField()
    led_by_principal = BooleanField(default=False)
    destination = TextField(default="")
    company = TextField(default="")
    note = TextField(default="")
    event = ForeignKeyField(Event, null=True, backref="activities", on_delete="SET NULL")

    class Meta:
        # Covering index: the monthly quota counts read only the index, never the table.
        indexes = ((("on", "unit", "kind", "led_by_principal"), False),)


class ActivityLead(BaseModel):
    """A lead an activity concerned (the company met on a trip, say)."""

    activity = ForeignKeyField(Activity, backref="leads", on_delete="CASCADE")
    lead = ForeignKeyField(Lead, backref="activities", on_delete="CASCADE")


class ActivityDay(Model):
    """Activities counted per day, unit, kind and principal flag.

    Kept by the triggers below, never written by code: the monthly quota counts read a few
    thousand of these instead of every activity (170 ms → 2 ms on 300,000 activities).
    """

    day = DateField()
    unit_id = IntegerField()
    kind = TextField()
    led_by_principal = BooleanField()
    n = IntegerField(default=0)

    class Meta:
        database = database
        table_name = "activity_day"
        primary_key = CompositeKey("day", "unit_id", "kind", "led_by_principal")
        without_rowid = True


_BUMP = """INSERT INTO activity_day (day, unit_id, kind, led_by_principal, n)
    VALUES (NEW.date, NEW.unit_id, NEW.kind, NEW.led_by_principal, 1)
    ON CONFLICT (day, unit_id, kind, led_by_principal) DO UPDATE SET n = n + 1;"""
_DROP = """UPDATE activity_day SET n = n - 1 WHERE day = OLD.date AND unit_id = OLD.unit_id
    AND kind = OLD.kind AND led_by_principal = OLD.led_by_principal;"""

#: Triggers that keep ActivityDay equal to the counts of Activity.
SUMMARY_TRIGGERS: tuple[str, ...] = (
    f"CREATE TRIGGER IF NOT EXISTS activity_day_insert AFTER INSERT ON activity BEGIN {_BUMP} END",
    f"CREATE TRIGGER IF NOT EXISTS activity_day_delete AFTER DELETE ON activity BEGIN {_DROP} END",
    "CREATE TRIGGER IF NOT EXISTS activity_day_update AFTER UPDATE OF date, unit_id, kind, "
    f"led_by_principal ON activity BEGIN {_DROP} {_BUMP} END",
)
#: Rebuilds ActivityDay from Activity (for a store upgraded from before it existed).
SUMMARY_BACKFILL = (
    "INSERT INTO activity_day (day, unit_id, kind, led_by_principal, n) "
    "SELECT date, unit_id, kind, led_by_principal, COUNT(*) FROM activity WHERE true "
    "GROUP BY date, unit_id, kind, led_by_principal"
)


class StageTotal(Model):
    """Leads and their amount per stage, kept by the triggers below, never written by code: the
    pipeline without a filter reads five rows instead of counting every lead (17 ms → 0.1 ms
    on 100,000 leads, on every start, move and cleared filter)."""

    stage = TextField(primary_key=True)
    leads = IntegerField(default=0)
    amount_wan = IntegerField(default=0)

    class Meta:
        database = database
        table_name = "stage_total"
        without_rowid = True


_STAGE_ADD = """INSERT INTO stage_total (stage, leads, amount_wan)
    VALUES (NEW.stage, 1, NEW.amount_wan) ON CONFLICT (stage)
    DO UPDATE SET leads = leads + 1, amount_wan = amount_wan + NEW.amount_wan;"""
_STAGE_REMOVE = """UPDATE stage_total
    SET leads = leads - 1, amount_wan = amount_wan - OLD.amount_wan WHERE stage = OLD.stage;"""
#: Triggers that keep StageTotal equal to the counts of Lead.
STAGE_TRIGGERS: tuple[str, ...] = (
    f"CREATE TRIGGER IF NOT EXISTS stage_total_insert AFTER INSERT ON lead BEGIN {_STAGE_ADD} END",
    "CREATE TRIGGER IF NOT EXISTS stage_total_delete AFTER DELETE ON lead "
    f"BEGIN {_STAGE_REMOVE} END",
    "CREATE TRIGGER IF NOT EXISTS stage_total_update AFTER UPDATE OF stage, amount_wan ON lead "
    f"BEGIN {_STAGE_REMOVE} {_STAGE_ADD} END",
)
#: Rebuilds StageTotal from Lead (for a store upgraded from before it existed).
STAGE_BACKFILL = (
    "INSERT INTO stage_total (stage, leads, amount_wan) "
    "SELECT stage, COUNT(*), TOTAL(amount_wan) FROM lead WHERE true GROUP BY stage"
)

#: A trigram index over the leads' search keys (SQLite FTS5), kept by triggers: the pipeline's
#: text filter finds 3+ characters anywhere in a name or its pinyin without reading every lead.
#:
#: A big import does not index its new leads under its write lock (a second of 100,000): it
#: records their ids in ``search_backlog`` and indexes them afterwards in short transactions
#: (models.ledger). Until then the filter reads those leads' keys directly, and the triggers
#: leave them alone — so a lead is in the index exactly when its id is in no backlog range
#: (FTS5 must never be told to delete a row it does not hold).
_NOT_WAITING = (
    "WHEN NOT EXISTS (SELECT 1 FROM search_backlog b "
    "WHERE {row}.id BETWEEN b.first_id AND b.last_id)"
)
SEARCH_INDEX: tuple[str, ...] = (
    "CREATE TABLE IF NOT EXISTS search_backlog (first_id INTEGER NOT NULL, "
    "last_id INTEGER NOT NULL)",
    "CREATE VIRTUAL TABLE IF NOT EXISTS lead_fts USING fts5(search_key, content='lead', "
    "content_rowid='id', tokenize='trigram', detail='none')",
    "CREATE TRIGGER IF NOT EXISTS lead_fts_insert AFTER INSERT ON lead "
    f"{_NOT_WAITING.format(row='NEW')} BEGIN "
    "INSERT INTO lead_fts (rowid, search_key) VALUES (NEW.id, NEW.search_key); END",
    "CREATE TRIGGER IF NOT EXISTS lead_fts_delete AFTER DELETE ON lead "
    f"{_NOT_WAITING.format(row='OLD')} BEGIN "
    "INSERT INTO lead_fts (lead_fts, rowid, search_key) VALUES ('delete', OLD.id, OLD.search_key); "
    "END",
    "CREATE TRIGGER IF NOT EXISTS lead_fts_update AFTER UPDATE OF search_key ON lead "
    f"{_NOT_WAITING.format(row='OLD')} BEGIN "
    "INSERT INTO lead_fts (lead_fts, rowid, search_key) VALUES ('delete', OLD.id, OLD.search_key); "
    "INSERT INTO lead_fts (rowid, search_key) VALUES (NEW.id, NEW.search_key); END",
)
#: The triggers of the search index, by name (a schema upgrade replaces them).
SEARCH_TRIGGERS = ("lead_fts_insert", "lead_fts_delete", "lead_fts_update")
SEARCH_REBUILD = "INSERT INTO lead_fts (lead_fts) VALUES ('rebuild')"


class AppUser(BaseModel):
    """A person of the campaign file's ``[[users]]`` (models.access reads them)."""

    login = TextField(unique=True)
    name = TextField()
    role = TextField()  # office | clerk | leader
    unit = TextField(default="")  # a clerk's unit, by name

    class Meta:
        table_name = "app_user"


class Audit(BaseModel):
    """One line of the append-only audit: who did what to which lead or unit, one changed field
    with its value before and after. The lines of one action share ``entry``; triggers refuse
    UPDATE and DELETE (``APPEND_ONLY``)."""

    entry = IntegerField()
    at = DateTimeField(default=datetime.now)
    login = TextField()
    name = TextField(default="")
    action = TextField()
    lead_id = IntegerField(null=True)  # no foreign key: the audit outlives what it names
    unit_id = IntegerField(null=True)
    subject = TextField(default="")
    field = TextField(default="")
    before = TextField(null=True)
    after = TextField(null=True)

    class Meta:
        indexes = (
            (("at",), False),
            (("login", "at"), False),
            (("unit_id", "at"), False),
            (("lead_id", "at"), False),
            (("entry",), False),
        )


#: Triggers that make the audit and the stage history append-only. A lead's stage history goes
#: with the lead only (undoing a lead's creation deletes the lead; the audit keeps both).
APPEND_ONLY: tuple[str, ...] = (
    "CREATE TRIGGER IF NOT EXISTS audit_no_update BEFORE UPDATE ON audit "
    "BEGIN SELECT RAISE(ABORT, 'audit is append-only'); END",
    "CREATE TRIGGER IF NOT EXISTS audit_no_delete BEFORE DELETE ON audit "
    "BEGIN SELECT RAISE(ABORT, 'audit is append-only'); END",
    "CREATE TRIGGER IF NOT EXISTS stage_change_no_update BEFORE UPDATE ON stage_change "
    "BEGIN SELECT RAISE(ABORT, 'stage history is append-only'); END",
    "CREATE TRIGGER IF NOT EXISTS stage_change_no_delete BEFORE DELETE ON stage_change "
    "WHEN EXISTS (SELECT 1 FROM lead WHERE id = OLD.lead_id) "
    "BEGIN SELECT RAISE(ABORT, 'stage history is append-only'); END",
)
#: Their names, for the one place that drops them: rebuilding the demo from nothing.
APPEND_ONLY_NAMES = (
    "audit_no_update",
    "audit_no_delete",
    "stage_change_no_update",
    "stage_change_no_delete",
)


ALL_TABLES: tuple[type[Model], ...] = (
    Campaign,
    Target,
    Group,
    Unit,
    Consultant,
    ParkPartner,
    Lead,
    SavedView,
    StageChange,
    FollowUp,
    Event,
    EventLead,
    Activity,
    ActivityLead,
    ActivityDay,
    StageTotal,
    AppUser,
    Audit,
)


def rows(query: Any) -> list[tuple[Any, ...]]:
    """A query's result as plain tuples (Peewee's stubs type ``.tuples()`` as model rows)."""
    return [tuple(r) for r in query.tuples()]


def execute(sql: str, params: Sequence[Any] = (), db: Database = database) -> Any:
    """Run a raw SQL statement written with ``?`` placeholders, on either engine; the cursor."""
    return db.execute_sql(engine.sql(sql), tuple(params))  # type: ignore[no-untyped-call]


def execute_many(sql: str, params: Iterable[Sequence[Any]], db: Database = database) -> Any:
    """Run a raw SQL statement once per row of ``params`` (``?`` placeholders); the cursor."""
    cursor = db.cursor()  # type: ignore[no-untyped-call]
    cursor.executemany(engine.sql(sql), params)
    return cursor


def sql_value(sql: str, db: Database = database) -> Any:
    """The first column of the first row of a raw SQL statement (PRAGMAs)."""
    row = execute(sql, (), db).fetchone()
    return row[0] if row else None


def run_sql(sql: str, db: Database = database) -> None:
    """Run a raw SQL statement (schema upgrades)."""
    execute(sql, (), db)
