"""What SQLite triggers keep, never code: activities counted per day, leads and amounts per
stage, leads per stage, touched day and unit, and the leads' trigram search index — each with
the triggers that keep it and the SQL that rebuilds it."""

from __future__ import annotations

from peewee import BooleanField, CompositeKey, DateField, IntegerField, Model, TextField

from models.store_database import database


def kept_triggers(
    name: str, table: str, columns: str, add: str, remove: str, when: str = ""
) -> tuple[str, ...]:
    """The three triggers keeping a total ``name`` over ``table``: a new row added, a deleted
    one taken off, and a row whose ``columns`` change taken off and added again; with ``when``
    (a condition on ``{row}``), only the rows it holds for."""

    def only(row: str) -> str:
        return f"WHEN {when.format(row=row)} " if when else ""

    return (
        f"CREATE TRIGGER IF NOT EXISTS {name}_insert AFTER INSERT ON {table} {only('NEW')}"
        f"BEGIN {add} END",
        f"CREATE TRIGGER IF NOT EXISTS {name}_delete AFTER DELETE ON {table} {only('OLD')}"
        f"BEGIN {remove} END",
        f"CREATE TRIGGER IF NOT EXISTS {name}_update AFTER UPDATE OF {columns} ON {table} "
        f"{only('OLD')}BEGIN {remove} {add} END",
    )


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
SUMMARY_TRIGGERS = kept_triggers(
    "activity_day", "activity", "date, unit_id, kind, led_by_principal", _BUMP, _DROP
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
STAGE_TRIGGERS = kept_triggers(
    "stage_total", "lead", "stage, amount_wan", _STAGE_ADD, _STAGE_REMOVE
)
#: Rebuilds StageTotal from Lead (for a store upgraded from before it existed).
STAGE_BACKFILL = (
    "INSERT INTO stage_total (stage, leads, amount_wan) "
    "SELECT stage, COUNT(*), TOTAL(amount_wan) FROM lead WHERE true GROUP BY stage"
)


class LeadTouchDay(Model):
    """Leads per stage, touched day and unit (the leads with a touched day), kept by the
    triggers below, never written by code: the dispatch review's stale leads per unit sum a
    few thousand of these instead of reading an index entry per lead (148 → 1.5 ms on a
    million leads)."""

    stage = TextField()
    touched_on = DateField()
    unit_id = IntegerField()
    n = IntegerField(default=0)

    class Meta:
        database = database
        table_name = "lead_touch_day"
        primary_key = CompositeKey("stage", "touched_on", "unit_id")
        without_rowid = True


# one text for both engines: PL/pgSQL runs the same two halves (models.postgres)
#: The new row added to the touched days (a lead not yet touched has none).
TOUCH_ADD = (
    "INSERT INTO lead_touch_day (stage, touched_on, unit_id, n) "
    "SELECT NEW.stage, NEW.touched_on, NEW.unit_id, 1 WHERE NEW.touched_on IS NOT NULL "
    "ON CONFLICT (stage, touched_on, unit_id) DO UPDATE SET n = lead_touch_day.n + 1"
)
#: The old row taken off the touched days.
TOUCH_REMOVE = (
    "UPDATE lead_touch_day SET n = n - 1 WHERE stage = OLD.stage "
    "AND touched_on = OLD.touched_on AND unit_id = OLD.unit_id"
)
#: The columns a touched day is counted by (an update of any moves the lead's count).
TOUCH_COLUMNS = "stage, touched_on, unit_id"
#: Triggers that keep LeadTouchDay equal to the counts of Lead.
TOUCH_TRIGGERS = kept_triggers(
    "lead_touch_day", "lead", TOUCH_COLUMNS, f"{TOUCH_ADD};", f"{TOUCH_REMOVE};"
)
#: Rebuilds LeadTouchDay from Lead (either engine).
TOUCH_BACKFILL = (
    "INSERT INTO lead_touch_day (stage, touched_on, unit_id, n) "
    "SELECT stage, touched_on, unit_id, COUNT(*) FROM lead WHERE touched_on IS NOT NULL "
    "GROUP BY stage, touched_on, unit_id"
)

#: A trigram index over the leads' search keys (SQLite FTS5), kept by triggers: the pipeline's
#: text filter finds 3+ characters anywhere in a name or its pinyin without reading every lead.
#:
#: A big import does not index its new leads under its write lock (a second of 100,000): it
#: records their ids in ``search_backlog`` and indexes them afterwards in short transactions
#: (models.lead_import). Until then the filter reads those leads' keys directly, and the triggers
#: leave them alone — so a lead is in the index exactly when its id is in no backlog range
#: (FTS5 must never be told to delete a row it does not hold).
#: A lead (``{row}``) waiting for the search index: the index's triggers and the gram totals'
#: (models.gram_totals) leave it to the catch-up.
NOT_WAITING = (
    "NOT EXISTS (SELECT 1 FROM search_backlog b WHERE {row}.id BETWEEN b.first_id AND b.last_id)"
)
SEARCH_INDEX: tuple[str, ...] = (
    "CREATE TABLE IF NOT EXISTS search_backlog (first_id INTEGER NOT NULL, "
    "last_id INTEGER NOT NULL)",
    "CREATE VIRTUAL TABLE IF NOT EXISTS lead_fts USING fts5(search_key, content='lead', "
    "content_rowid='id', tokenize='trigram', detail='none')",
    "CREATE TRIGGER IF NOT EXISTS lead_fts_insert AFTER INSERT ON lead "
    f"WHEN {NOT_WAITING.format(row='NEW')} BEGIN "
    "INSERT INTO lead_fts (rowid, search_key) VALUES (NEW.id, NEW.search_key); END",
    "CREATE TRIGGER IF NOT EXISTS lead_fts_delete AFTER DELETE ON lead "
    f"WHEN {NOT_WAITING.format(row='OLD')} BEGIN "
    "INSERT INTO lead_fts (lead_fts, rowid, search_key) VALUES ('delete', OLD.id, OLD.search_key); "
    "END",
    "CREATE TRIGGER IF NOT EXISTS lead_fts_update AFTER UPDATE OF search_key ON lead "
    f"WHEN {NOT_WAITING.format(row='OLD')} BEGIN "
    "INSERT INTO lead_fts (lead_fts, rowid, search_key) VALUES ('delete', OLD.id, OLD.search_key); "
    "INSERT INTO lead_fts (rowid, search_key) VALUES (NEW.id, NEW.search_key); END",
)
#: The triggers of the search index, by name (a schema upgrade replaces them).
SEARCH_TRIGGERS = ("lead_fts_insert", "lead_fts_delete", "lead_fts_update")
SEARCH_REBUILD = "INSERT INTO lead_fts (lead_fts) VALUES ('rebuild')"
