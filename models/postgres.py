"""The store on PostgreSQL: what stands in for each SQLite-only part.

- the trigger-kept totals (``stage_total``, ``activity_day``, ``lead_touch_day``) and the
  append-only history: the
  same rules as PL/pgSQL trigger functions;
- the FTS5 trigram search: a ``pg_trgm`` GIN index on the search key (``LIKE '%word%'`` uses
  it: ``models.engine.contains``);
- ``PRAGMA user_version``: the one-row table ``yeji_schema``, upgraded by the same steps;
- ``BEGIN IMMEDIATE``: a transaction-scoped advisory lock taken first thing, so writers queue
  one at a time exactly as on SQLite and nobody's read-then-write loses another's update; a
  wait longer than ``models.write_lock.BUSY_WAIT_S`` ends as StoreBusy;
- ``PRAGMA data_version``: a counter every write transaction bumps as it ends
  (``models.write_lock``'s ``immediate``, where every write passes: once a transaction, not
  once a row); and for live refresh a ``NOTIFY yeji_store`` from a statement trigger on every
  table a screen shows, which a running app LISTENs for — so a change made with ``psql`` is
  seen too (PostgreSQL folds the notices of one transaction into one);
- the network-filesystem check and the search side index do not apply; the presence file is a
  table of its own (``models.presence.ServerSessions``).

psycopg (the ``postgres`` extra) is imported only here, and only when a URL is opened.
"""

from __future__ import annotations

import select
import threading
from contextlib import ExitStack
from typing import Any

from peewee import Database, OperationalError

from models import gram_totals
from models.kept_tables import TOUCH_ADD, TOUCH_BACKFILL, TOUCH_COLUMNS, TOUCH_REMOVE
from models.store_url import StoreUrl

#: Taken by every write transaction (``pg_advisory_xact_lock``): the store's one write lock.
WRITE_LOCK_KEY = 0x79656A69  # "yeji"
#: The channel a commit notifies.
CHANNEL = "yeji_store"


def _kept_total(function: str, take_old: str, add_new: str) -> str:
    """A row trigger function keeping a total: the old row taken off (update, delete), the
    new one added (insert, update) — the SQLite triggers' two halves in one function."""
    return f"""
CREATE OR REPLACE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP <> 'INSERT' THEN {take_old}; END IF;
  IF TG_OP <> 'DELETE' THEN {add_new}; END IF;
  RETURN NULL;
END $$"""


_ACTIVITY_DAY = _kept_total(
    "yeji_activity_day",
    'UPDATE activity_day SET n = n - 1 WHERE day = OLD."date" AND unit_id = OLD.unit_id '
    "AND kind = OLD.kind AND led_by_principal = OLD.led_by_principal",
    "INSERT INTO activity_day (day, unit_id, kind, led_by_principal, n) "
    'VALUES (NEW."date", NEW.unit_id, NEW.kind, NEW.led_by_principal, 1) '
    "ON CONFLICT (day, unit_id, kind, led_by_principal) DO UPDATE SET n = activity_day.n + 1",
)
_STAGE_TOTAL = _kept_total(
    "yeji_stage_total",
    "UPDATE stage_total SET leads = leads - 1, amount_wan = amount_wan - OLD.amount_wan "
    "WHERE stage = OLD.stage",
    "INSERT INTO stage_total (stage, leads, amount_wan) VALUES (NEW.stage, 1, NEW.amount_wan) "
    "ON CONFLICT (stage) DO UPDATE SET leads = stage_total.leads + 1, "
    "amount_wan = stage_total.amount_wan + NEW.amount_wan",
)
#: The touched days' upkeep: the SQLite triggers' very halves (models.kept_tables), and the
#: trigger; apart, for the upgrade that added them (schema 9, models.upgrades).
TOUCH_UPKEEP: tuple[str, ...] = (
    _kept_total("yeji_lead_touch_day", TOUCH_REMOVE, TOUCH_ADD),
    f"CREATE TRIGGER lead_touch_day_keep AFTER INSERT OR DELETE OR UPDATE OF {TOUCH_COLUMNS} "
    "ON lead FOR EACH ROW EXECUTE FUNCTION yeji_lead_touch_day()",
)

#: The gram totals' trigger (a bulk load sets it aside and counts once: models.bulk).
GRAM_TRIGGER = "lead_gram_total_keep"
#: The gram totals' upkeep (models.gram_totals), apart for the upgrade that added it (schema 10).
GRAM_UPKEEP: tuple[str, ...] = (
    _kept_total("yeji_lead_gram_total", gram_totals.GRAM_REMOVE, gram_totals.GRAM_ADD),
    f"CREATE TRIGGER {GRAM_TRIGGER} AFTER INSERT OR DELETE OR UPDATE OF "
    f"{gram_totals.GRAM_COLUMNS} ON lead FOR EACH ROW EXECUTE FUNCTION yeji_lead_gram_total()",
)

_APPEND_ONLY = """
CREATE OR REPLACE FUNCTION yeji_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_TABLE_NAME = 'stage_change' AND TG_OP = 'DELETE'
     AND NOT EXISTS (SELECT 1 FROM lead WHERE id = OLD.lead_id) THEN
    RETURN OLD;  -- the history goes with its lead, and only then
  END IF;
  RAISE EXCEPTION '% is append-only', TG_TABLE_NAME;
END $$"""

#: Tables whose changes a running app reloads for (every table a screen shows).
WATCHED = (
    "campaign",
    "target",
    "investment_group",
    "unit",
    "consultant",
    "park_partner",
    "lead",
    "saved_view",
    "stage_change",
    "follow_up",
    "event",
    "event_lead",
    "activity",
    "activity_lead",
    "app_user",
)

_CHANGED = f"""
CREATE OR REPLACE FUNCTION yeji_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('{CHANNEL}', '');
  RETURN NULL;
END $$"""

#: The version table, made with the tables.
VERSION_TABLE: tuple[str, ...] = (
    "CREATE TABLE yeji_schema (version INTEGER NOT NULL, data_version BIGINT NOT NULL)",
    "INSERT INTO yeji_schema VALUES (0, 0)",
)
#: The totals the triggers below keep, counted afresh (a copy adds its upkeep after its rows).
BACKFILL: tuple[str, ...] = (
    "INSERT INTO stage_total (stage, leads, amount_wan) "
    "SELECT stage, COUNT(*), COALESCE(SUM(amount_wan), 0) FROM lead GROUP BY stage",
    "INSERT INTO activity_day (day, unit_id, kind, led_by_principal, n) "
    'SELECT "date", unit_id, kind, led_by_principal, COUNT(*) FROM activity '
    'GROUP BY "date", unit_id, kind, led_by_principal',
    TOUCH_BACKFILL,
)
#: Everything past the tables: functions, triggers, the search index.
UPKEEP: tuple[str, ...] = (
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    _ACTIVITY_DAY,
    _STAGE_TOTAL,
    _APPEND_ONLY,
    _CHANGED,
    "CREATE TRIGGER activity_day_keep AFTER INSERT OR DELETE OR UPDATE OF "
    '"date", unit_id, kind, led_by_principal ON activity '
    "FOR EACH ROW EXECUTE FUNCTION yeji_activity_day()",
    "CREATE TRIGGER stage_total_keep AFTER INSERT OR DELETE OR UPDATE OF stage, amount_wan "
    "ON lead FOR EACH ROW EXECUTE FUNCTION yeji_stage_total()",
    *TOUCH_UPKEEP,
    *GRAM_UPKEEP,
    "CREATE TRIGGER audit_append_only BEFORE UPDATE OR DELETE ON audit "
    "FOR EACH ROW EXECUTE FUNCTION yeji_append_only()",
    "CREATE TRIGGER stage_change_append_only BEFORE UPDATE OR DELETE ON stage_change "
    "FOR EACH ROW EXECUTE FUNCTION yeji_append_only()",
    # TRUNCATE passes row triggers by: refused apart
    "CREATE TRIGGER audit_no_truncate BEFORE TRUNCATE ON audit "
    "FOR EACH STATEMENT EXECUTE FUNCTION yeji_append_only()",
    "CREATE TRIGGER stage_change_no_truncate BEFORE TRUNCATE ON stage_change "
    "FOR EACH STATEMENT EXECUTE FUNCTION yeji_append_only()",
    "CREATE INDEX lead_search_trgm ON lead USING gin (search_key gin_trgm_ops)",
    *(
        f"CREATE TRIGGER {table}_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE "
        f"ON {table} FOR EACH STATEMENT EXECUTE FUNCTION yeji_changed()"
        for table in WATCHED
    ),
)


def driver_missing() -> bool:
    """True when psycopg 3 (``pip install 'yeji-tui[postgres]'``) is not installed."""
    try:
        import psycopg  # noqa: F401
    except ImportError:
        return True
    return False


def make_database(url: StoreUrl, *, read_only: bool = False) -> Database:
    """A Peewee database for ``url`` (not yet connected), one connection shared by threads
    as on SQLite. Autocommit outside transactions, read committed within. With ``read_only``
    the server refuses every write of its connections (SQLite's ``query_only``: a second line
    behind ``immediate``'s refusal)."""
    from playhouse.db_url import connect  # type: ignore[import-untyped]

    db: Database = connect(str(url), thread_safe=False, prefer_psycopg3=True)
    if read_only:
        options = db.connect_params.get("options", "")
        db.connect_params["options"] = f"{options} -c default_transaction_read_only=on".strip()
    return db


def has_schema(db: Database) -> bool:
    """True when the database holds a yeji store (its version table)."""
    found = db.execute_sql("SELECT to_regclass('yeji_schema') IS NOT NULL").fetchone()  # type: ignore[no-untyped-call]
    return bool(found[0])


def is_empty(db: Database) -> bool:
    """True when the database holds no tables at all (a store may be made in it)."""
    return not db.get_tables()


def schema_version(db: Database) -> int:
    """The version ``yeji_schema`` records (0 where there is none yet)."""
    if not has_schema(db):
        return 0
    row = db.execute_sql("SELECT version FROM yeji_schema").fetchone()  # type: ignore[no-untyped-call]
    return int(row[0]) if row else 0


def set_schema_version(db: Database, version: int) -> None:
    """Record the schema version (inside the upgrade's transaction)."""
    db.execute_sql("UPDATE yeji_schema SET version = %s", (version,))  # type: ignore[no-untyped-call]


def create_schema(db: Database, tables: Any) -> None:
    """Make a new store's schema in an empty database (inside a transaction)."""
    create_tables(db, tables)
    add_upkeep(db)


def create_tables(db: Database, tables: Any) -> None:
    """The store's tables and its version table, without the upkeep (``add_upkeep``)."""
    # WITHOUT ROWID is SQLite's alone; Peewee writes it for any engine
    plain = [model for model in tables if model._meta.without_rowid]
    for model in plain:
        model._meta.without_rowid = False
    try:
        db.create_tables(tables)
    finally:
        for model in plain:
            model._meta.without_rowid = True
    for statement in VERSION_TABLE:
        db.execute_sql(statement)  # type: ignore[no-untyped-call]


def add_upkeep(db: Database, *, backfill: bool = False) -> None:
    """The trigger functions, triggers and search index; with ``backfill``, the totals counted
    first from rows already there (a copy: once, not a trigger run per row)."""
    if backfill:
        for statement in BACKFILL:
            db.execute_sql(statement.replace("%", "%%"))  # type: ignore[no-untyped-call]
        gram_totals.recount(db)
    for statement in UPKEEP:
        db.execute_sql(statement.replace("%", "%%"))  # type: ignore[no-untyped-call]


def mark_changed(db: Database) -> None:
    """At the end of a write transaction: move the change counter (``data_version``)."""
    db.execute_sql("UPDATE yeji_schema SET data_version = data_version + 1")  # type: ignore[no-untyped-call]


#: The truncate guards, by table: lifted only to rebuild the demo from nothing.
_TRUNCATE_GUARDS = {"audit": "audit_no_truncate", "stage_change": "stage_change_no_truncate"}


def truncate_all(db: Database, tables: list[str]) -> None:
    """Inside a write transaction: empty these tables at once, their ids starting again from 1
    (as SQLite's do), the append-only guards lifted for it and put back before the commit."""
    for table, guard in _TRUNCATE_GUARDS.items():
        db.execute_sql(f'ALTER TABLE "{table}" DISABLE TRIGGER {guard}')  # type: ignore[no-untyped-call]
    names = ", ".join(f'"{t}"' for t in tables)
    db.execute_sql(f"TRUNCATE {names} RESTART IDENTITY")  # type: ignore[no-untyped-call]
    for table, guard in _TRUNCATE_GUARDS.items():
        db.execute_sql(f'ALTER TABLE "{table}" ENABLE TRIGGER {guard}')  # type: ignore[no-untyped-call]


def follow_ids(db: Database, tables: list[str]) -> None:
    """After rows went in with their ids given (a copy, the demo): each table's next new id
    follows on from the largest one there."""
    for table in tables:
        db.execute_sql(  # type: ignore[no-untyped-call]
            f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), "
            f'COALESCE((SELECT MAX(id) FROM "{table}"), 0) + 1, false)'
        )


def data_version(db: Database) -> int:
    """The store's change counter: every yeji write transaction moves it (``mark_changed``)."""
    row = db.execute_sql("SELECT data_version FROM yeji_schema").fetchone()  # type: ignore[no-untyped-call]
    return int(row[0]) if row else 0


def is_lock_timeout(error: BaseException) -> bool:
    """True for a statement that gave up waiting for a lock (``lock_timeout``)."""
    return "lock timeout" in str(error) or getattr(error, "sqlstate", "") == "55P03"


def take_write_lock(db: Database, stack: ExitStack, wait_s: float) -> None:
    """Begin a transaction and take the store's write lock in it, waiting at most ``wait_s``
    (the lock is released by the commit or rollback). Raises OperationalError with "lock
    timeout" when the wait is over."""
    stack.enter_context(db.atomic())
    ms = max(1, int(wait_s * 1000))
    db.execute_sql(f"SET LOCAL lock_timeout = {ms}")  # type: ignore[no-untyped-call]
    try:
        db.execute_sql("SELECT pg_advisory_xact_lock(%s)", (WRITE_LOCK_KEY,))  # type: ignore[no-untyped-call]
    except Exception as exc:
        if is_lock_timeout(exc):
            raise OperationalError(f"lock timeout: {exc}") from exc
        raise
    db.execute_sql("SET LOCAL lock_timeout = 0")  # type: ignore[no-untyped-call]


class ChangeListener:
    """LISTENs for the store's commits on a connection of its own (``models.watcher.ChangeWatcher``
    on a server): ``changed`` is True once after each commit made elsewhere."""

    def __init__(self, url: StoreUrl) -> None:
        import psycopg

        self._conn = psycopg.connect(str(url), autocommit=True)
        self._conn.execute(f"LISTEN {CHANNEL}")
        self._lock = threading.Lock()

    def _pending(self) -> int:
        with self._lock:
            return sum(1 for _ in self._conn.notifies(timeout=0))

    def absorb(self) -> None:
        """Our own commit: not a change to react to."""
        self._pending()

    def changed(self) -> bool:
        """True once after each commit made elsewhere (since the last look)."""
        return self._pending() > 0

    def wait(self, timeout_s: float) -> bool:
        """Block until a notification has reached this connection (True) or ``timeout_s``
        passed: NOTIFY is delivered after the commit, not with it."""
        readable, _, _ = select.select([self._conn.fileno()], [], [], timeout_s)
        return bool(readable)

    def close(self) -> None:
        """Close the listening connection."""
        with self._lock:
            self._conn.close()
