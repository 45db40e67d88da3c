"""Opening the store: where it lives, SQLite settings, schema creation and in-place upgrades."""

from __future__ import annotations

import os
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, closing, contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from peewee import Database, OperationalError

from models import engine, postgres
from models.engine import StorePlace, StoreUrl
from models.records import Record
from models.storefile import (
    beside,
    connect_read_only,
    copy_database,
    filesystem_type,
    install,
    make_dirs,
    new_file,
    not_a_store_file,
    read_only_uri,
    refused_filesystem,
    user_dir,
)
from models.tables import (
    ALL_TABLES,
    APPEND_ONLY,
    SEARCH_INDEX,
    SEARCH_REBUILD,
    SEARCH_TRIGGERS,
    STAGE_BACKFILL,
    STAGE_TRIGGERS,
    SUMMARY_BACKFILL,
    SUMMARY_TRIGGERS,
    Lead,
    database,
    rows,
    run_sql,
    sql_value,
    sqlite_database,
    use_database,
)

#: The schema this code writes. ``PRAGMA user_version`` records the one a file holds.
SCHEMA_VERSION = 8

# SQLite's busy timeout, in seconds: how long a statement waits for another writer to finish.
BUSY_TIMEOUT_S = 5
#: How long a write waits for the write lock in all before it gives up (StoreBusy, exit 4).
BUSY_WAIT_S = 30.0
# A write waits this long in silence first: other writers' transactions are short (an import of
# 100,000 rows holds the lock for a few seconds), so most waits end before anyone is told.
QUIET_WAIT_S = 0.5
# Page cache in KiB (negative = KiB for SQLite). The 2 MiB default doubled the overview's
# query times on a 100k-lead store in our measurements.
CACHE_KIB = 16384

PRAGMAS: dict[str, object] = {
    "journal_mode": "wal",
    "foreign_keys": 1,
    "synchronous": "normal",
    "cache_size": -CACHE_KIB,
    "temp_store": "memory",
}

#: Settings of a connection that only reads: SQLite refuses every write (a second line behind
#: ``immediate``'s refusal), and the journal mode is left as the file has it.
READ_ONLY_PRAGMAS: dict[str, object] = {
    **{k: v for k, v in PRAGMAS.items() if k != "journal_mode"},
    "query_only": 1,
}


class StoreError(Exception):
    """The store cannot be opened or used; the message says why, for the user.

    Raised with ``key`` (and values), the words are ``yeji_tui.strings``' message of that key
    in the user's language (``message``); the plain text is then for logs.
    """

    def __init__(self, text: str = "", *, key: str = "", **values: object) -> None:
        super().__init__(text or " ".join([key, *(f"{k}={v}" for k, v in values.items())]))
        self.key, self.values = key, values

    def message(self, translate: Callable[..., str]) -> str:
        """The words for the user, given the catalog of their language."""
        return translate(self.key, **self.values) if self.key else str(self)


class StoreBusy(StoreError):
    """Another process held the write lock for longer than we wait (the CLI exits with 4)."""


class NotAllowed(StoreError):
    """A write this user, or this store opened read-only, may not make (the CLI exits with 3)."""


def default_store_path() -> Path:
    """Where the store lives when neither ``--db`` nor ``YEJI_DB`` says otherwise."""
    return user_dir("data") / "yeji.sqlite3"


def resolve_store_path(cli_value: str | None) -> StorePlace:
    """``--db`` first, then ``YEJI_DB``, then the user data directory. A ``postgresql://`` URL
    names a database on a server; anything else is a file."""
    if cli_value:
        return engine.place_of(cli_value)
    env = os.environ.get("YEJI_DB")
    if env:
        return engine.place_of(env)
    return default_store_path()


@dataclass(frozen=True, repr=False, eq=False)
class OpenedStore(Record):
    """What opening the store found."""

    path: StorePlace
    #: why only reading is possible (``flag``: --read-only, ``file``, ``directory``: not
    #: writable), or None
    read_only: str | None = None
    #: the schema version the file had, when this opening upgraded it
    upgraded_from: int | None = None
    #: the copy of the file as it was before that upgrade
    upgrade_backup: Path | None = None


_opened: OpenedStore | None = None


def opened_store() -> OpenedStore | None:
    """The store this process opened last."""
    return _opened


def refuse_if_read_only() -> None:
    """Raise NotAllowed when the store was opened for reading only (every write asks)."""
    if _opened is not None and _opened.read_only:
        where = _opened.path
        raise NotAllowed(
            key=f"store.read_only.{_opened.read_only}",
            path=where.shown if isinstance(where, StoreUrl) else where,
        )


def read_only_reason(path: Path, asked: bool = False) -> str | None:
    """Why the store at ``path`` can only be read (``flag``: asked for, ``file`` or
    ``directory``: not writable for this user), or None."""
    if asked:
        return "flag"
    if path.exists() and not os.access(path, os.W_OK):
        return "file"
    if path.parent.exists() and not os.access(path.parent, os.W_OK | os.X_OK):
        return "directory"  # no -wal, -shm or journal can be made there
    return None


def check_place(path: Path) -> None:
    """Refuse a store path on a network or FUSE file system (SQLite's WAL corrupts there)."""
    fs = filesystem_type(path)
    if refused_filesystem(fs):
        raise StoreError(key="store.network_fs", path=path, fs=fs)


def _check_file(path: Path) -> None:
    """Refuse a file that is not a yeji store, before anything (a pragma) writes to it."""
    why = not_a_store_file(path)
    if why is None:
        with closing(connect_read_only(path)) as conn:
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
        # before schema 2 the version was not recorded: such a store has these tables
        if version == 0 and tables and not {"campaign", "lead"} <= tables:
            why = "not_ours"
    if why is not None:
        raise StoreError(key=f"store.{why}", path=path)


def _bind(target: str, *, read_only: bool) -> None:
    close_store()
    engine.set_kind("sqlite")
    use_database(sqlite_database)
    sqlite_database.init(
        target,
        pragmas=READ_ONLY_PRAGMAS if read_only else PRAGMAS,
        timeout=BUSY_TIMEOUT_S,
        check_same_thread=False,
        uri=read_only,
    )


def _create(path: Path) -> None:
    """Make a new store at ``path``: its schema is written under a temporary name that takes
    the store's name only once whole (a crash leaves no empty store; two processes creating it
    at once end with one), with the modes of ``models.storefile``."""
    try:
        make_dirs(path.parent)
    except OSError as exc:
        raise StoreError(key="store.cannot_create", path=path.parent, error=exc.strerror) from exc
    tmp = path.with_name(f".{path.name}.{os.getpid()}.new")
    try:
        with suppress(FileNotFoundError):
            tmp.unlink()
        new_file(tmp)
        _bind(str(tmp), read_only=False)
        database.connect()
        migrate(database)
        database.close()  # the last connection: WAL checkpointed, -wal and -shm removed
        with suppress(FileExistsError):  # another process made it meanwhile: use theirs
            install(tmp, path, replace=False)
    except OSError as exc:
        raise StoreError(key="store.cannot_create", path=path, error=exc.strerror) from exc
    finally:
        close_store()  # not database.close(): that raises when the file was never bound
        for leftover in (tmp, tmp.with_name(tmp.name + "-wal"), tmp.with_name(tmp.name + "-shm")):
            # not only "not there": under a path that is no directory (NotADirectoryError) the
            # clean-up must not replace the StoreError that says why with an OSError of its own
            with suppress(OSError):
                leftover.unlink()


def open_store(path: StorePlace, *, create: bool = True, read_only: bool = False) -> OpenedStore:
    """Bind the store to ``path``, creating or upgrading the schema.

    Refuses (StoreError, with a message for the user) a path on a network or FUSE file system,
    an empty or non-SQLite file, and a store from a newer version. With ``read_only``, or when
    the file or its directory is not writable, it opens for reading and every write is refused
    (NotAllowed). An upgrade first copies the file beside it (``upgrade_backup``).
    """
    global _opened
    _opened = None
    if isinstance(path, StoreUrl):
        _opened = _open_server(path, create=create, read_only=read_only)
        return _opened
    path = path.expanduser()
    check_place(path)
    if path.exists():
        try:
            _check_file(path)
        except sqlite3.DatabaseError as exc:  # an SQLite header on a broken file
            raise StoreError(key="store.cannot_open", path=path, error=exc) from exc
    elif create and not read_only:
        _create(path)
    else:
        raise StoreError(key="store.not_found", path=path)
    why = read_only_reason(path, read_only)
    _bind(read_only_uri(path) if why else str(path), read_only=why is not None)
    try:
        database.connect(reuse_if_open=True)
        before = schema_version(database)
        backup = migrate(database, read_only=why is not None)
    except Exception as exc:  # sqlite3 errors: not a database, locked, read-only ...
        database.close()
        if isinstance(exc, StoreError):
            raise
        raise StoreError(key="store.cannot_open", path=path, error=exc) from exc
    _opened = OpenedStore(
        path=path,
        read_only=why,
        upgraded_from=before if backup is not None else None,
        upgrade_backup=backup,
    )
    return _opened


def _open_server(url: StoreUrl, *, create: bool, read_only: bool) -> OpenedStore:
    """Bind the store to a PostgreSQL database: make the schema in an empty one (the database
    itself is the server's administrator's to create), upgrade an older one."""
    close_store()
    db = connect_server(url, read_only=read_only)
    engine.set_kind("postgres")
    use_database(db)
    try:
        ours = postgres.has_schema(db)
        if not ours and not postgres.is_empty(db):
            raise StoreError(key="store.not_ours", path=url.shown)
        if not ours and (read_only or not create):
            raise StoreError(key="store.not_found", path=url.shown)
        before = schema_version(db)
        if before != SCHEMA_VERSION:  # a store at today's schema: nothing more to ask
            migrate(db, read_only=read_only)
    except Exception:
        close_store()
        raise
    return OpenedStore(
        path=url,
        read_only="flag" if read_only else None,
        upgraded_from=before if 0 < before < SCHEMA_VERSION else None,
    )


def connect_server(url: StoreUrl, *, read_only: bool = False) -> Database:
    """A connected Peewee database for ``url``, or a StoreError saying why there is none (no
    driver installed, no server, refused, a wrong password)."""
    if postgres.driver_missing():
        raise StoreError(key="store.no_driver")
    db = postgres.make_database(url, read_only=read_only)
    try:
        db.connect()
    except Exception as exc:  # psycopg's OperationalError, whatever the cause
        first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        raise StoreError(key="store.cannot_connect", path=url.shown, error=first) from exc
    return db


def schema_version(db: Database) -> int:
    """The schema version the store records (0 for a new, empty one)."""
    if engine.on_server():
        return postgres.schema_version(db)
    return int(sql_value("PRAGMA user_version", db) or 0)


def _has_tables(db: Database) -> bool:
    return bool(db.get_tables())


# Upgrades spell out their own SQL: today's models describe today's schema, and creating
# their indexes on an older table once made an index on a column that did not exist yet
# (SQLite read the double-quoted name as a string) and broke the file.


def _upgrade_1_to_2(db: Database) -> None:
    """Version 2: a version per lead (edits that waited on a person), a dropped date, better
    indexes, and the per-day activity summary the monthly quota counts read."""
    for sql in (
        'ALTER TABLE "lead" ADD COLUMN "dropped_on" DATE',
        'ALTER TABLE "lead" ADD COLUMN "version" INTEGER NOT NULL DEFAULT 1',
        'DROP INDEX IF EXISTS "activity_date"',
        'DROP INDEX IF EXISTS "lead_signed_on"',
        'DROP INDEX IF EXISTS "lead_started_on"',
        'DROP INDEX IF EXISTS "lead_valid_since"',
        'CREATE INDEX "activity_date_unit_id_kind_led_by_principal" ON "activity" '
        '("date", "unit_id", "kind", "led_by_principal")',
        'CREATE INDEX "lead_signed_on_amount_wan_is_industrial" ON "lead" '
        '("signed_on", "amount_wan", "is_industrial")',
        'CREATE INDEX "lead_started_on_amount_wan_is_industrial" ON "lead" '
        '("started_on", "amount_wan", "is_industrial")',
        'CREATE INDEX "lead_valid_since_unit_id" ON "lead" ("valid_since", "unit_id")',
        'CREATE INDEX "lead_unit_id_stage" ON "lead" ("unit_id", "stage")',
        'CREATE TABLE "activity_day" ("day" DATE NOT NULL, "unit_id" INTEGER NOT NULL, '
        '"kind" TEXT NOT NULL, "led_by_principal" INTEGER NOT NULL, "n" INTEGER NOT NULL, '
        'PRIMARY KEY ("day", "unit_id", "kind", "led_by_principal")) WITHOUT ROWID',
        *SUMMARY_TRIGGERS,
        SUMMARY_BACKFILL,
    ):
        run_sql(sql, db)


def create_file_schema(db: Database) -> None:
    """Today's schema in a new, empty SQLite file bound to ``db`` (inside a transaction; the
    version mark is the caller's): the tables, their triggers and the search index. Here
    for a new store and for a copy into a file (``models.transfer``), whichever engine the
    models are bound to meanwhile."""
    with db.bind_ctx(ALL_TABLES):
        db.create_tables(ALL_TABLES)
    for statement in (*SUMMARY_TRIGGERS, *STAGE_TRIGGERS, *APPEND_ONLY, *SEARCH_INDEX):
        db.execute_sql(statement)  # type: ignore[no-untyped-call]


def _upgrade_2_to_3(db: Database) -> None:
    """Version 3: the pipeline's search key (pinyin), a touched day for staleness, the triage
    review mark, and saved views."""
    from models.search import search_key

    for sql in (
        'ALTER TABLE "lead" ADD COLUMN "search_key" TEXT NOT NULL DEFAULT \'\'',
        'ALTER TABLE "lead" ADD COLUMN "touched_on" DATE',
        'ALTER TABLE "lead" ADD COLUMN "reviewed_on" DATE',
        'CREATE INDEX "lead_stage_amount_wan" ON "lead" ("stage", "amount_wan")',
        'CREATE INDEX "lead_stage_amount_wan_search_key" ON "lead" '
        '("stage", "amount_wan", "search_key")',
        'CREATE INDEX "lead_stage_touched_on" ON "lead" ("stage", "touched_on")',
        'CREATE TABLE "saved_view" ("id" INTEGER NOT NULL PRIMARY KEY, "name" TEXT NOT NULL, '
        '"filter_json" TEXT NOT NULL, "by_user" TEXT NOT NULL, "at" DATETIME NOT NULL)',
        'CREATE UNIQUE INDEX "saved_view_name" ON "saved_view" ("name")',
        # leads from before were decided on already; each is as fresh as its latest dated event
        'UPDATE "lead" SET "reviewed_on" = COALESCE("found_on", DATE("created_at"))',
        'UPDATE "lead" SET "touched_on" = t."day" FROM (SELECT "lead_id", MAX("on") AS "day" '
        'FROM (SELECT "lead_id", "on" FROM "stage_change" UNION ALL '
        'SELECT "lead_id", "on" FROM "follow_up") GROUP BY "lead_id") AS t '
        'WHERE t."lead_id" = "lead"."id"',
        'UPDATE "lead" SET "touched_on" = "found_on" WHERE "touched_on" IS NULL '
        'OR "touched_on" < "found_on"',
    ):
        run_sql(sql, db)
    keys = [
        (search_key(company, project), lead_id)
        for lead_id, company, project in rows(Lead.select(Lead.id, Lead.company, Lead.project))
    ]
    db.cursor().executemany(  # type: ignore[no-untyped-call]
        'UPDATE "lead" SET "search_key" = ? WHERE "id" = ?', keys
    )
    for sql in (*SEARCH_INDEX, SEARCH_REBUILD):
        run_sql(sql, db)


def _upgrade_3_to_4(db: Database) -> None:
    """Version 4: leads and amounts per stage, kept by triggers (the pipeline's totals)."""
    for sql in (
        'CREATE TABLE "stage_total" ("stage" TEXT NOT NULL PRIMARY KEY, '
        '"leads" INTEGER NOT NULL, "amount_wan" INTEGER NOT NULL) WITHOUT ROWID',
        *STAGE_TRIGGERS,
        STAGE_BACKFILL,
    ):
        run_sql(sql, db)


def _upgrade_4_to_5(db: Database) -> None:
    """Version 5: the groups' annual tasks, the advanced-unit rule, the consultants' order,
    planned events, the leads an activity concerned,
    follow-ups by day, stale leads per unit, and signings and starts counted from their indexes
    alone (the dispatch review, the units screen)."""
    for sql in (
        'ALTER TABLE "investment_group" ADD COLUMN "signed_task" INTEGER NOT NULL DEFAULT 0',
        'ALTER TABLE "investment_group" ADD COLUMN "started_task" INTEGER NOT NULL DEFAULT 0',
        'ALTER TABLE "campaign" ADD COLUMN "nominee_min_signed" INTEGER NOT NULL DEFAULT 1',
        'ALTER TABLE "campaign" ADD COLUMN "nominee_all_quota_months" INTEGER NOT NULL DEFAULT 1',
        'ALTER TABLE "consultant" ADD COLUMN "position" INTEGER NOT NULL DEFAULT 0',
        'CREATE INDEX "follow_up_on_lead_id" ON "follow_up" ("on", "lead_id")',
        'DROP INDEX IF EXISTS "lead_stage_touched_on"',
        'CREATE INDEX "lead_stage_touched_on_unit_id" ON "lead" ("stage", "touched_on", "unit_id")',
        'ALTER TABLE "event" ADD COLUMN "from_plan" INTEGER NOT NULL DEFAULT 0',
        'CREATE TABLE "activity_lead" ("id" INTEGER NOT NULL PRIMARY KEY, '
        '"activity_id" INTEGER NOT NULL, "lead_id" INTEGER NOT NULL, '
        'FOREIGN KEY ("activity_id") REFERENCES "activity" ("id") ON DELETE CASCADE, '
        'FOREIGN KEY ("lead_id") REFERENCES "lead" ("id") ON DELETE CASCADE)',
        'CREATE INDEX "activity_lead_activity_id" ON "activity_lead" ("activity_id")',
        'CREATE INDEX "activity_lead_lead_id" ON "activity_lead" ("lead_id")',
        'DROP INDEX IF EXISTS "lead_signed_on_amount_wan_is_industrial"',
        'DROP INDEX IF EXISTS "lead_started_on_amount_wan_is_industrial"',
        'CREATE INDEX "lead_signed_on_amount_wan_is_industrial_stage_dropped_on_unit_id" ON "lead" '
        '("signed_on", "amount_wan", "is_industrial", "stage", "dropped_on", "unit_id")',
        # the name Peewee gives it (it shortens names over 64 characters)
        'CREATE INDEX "lead_started_on_amount_wan_is_industrial_stage_dropped_o_729ead9" '
        'ON "lead" ("started_on", "amount_wan", "is_industrial", "stage", "dropped_on", "unit_id")',
    ):
        run_sql(sql, db)


def _upgrade_5_to_6(db: Database) -> None:
    """Version 6: search keys whose initials keep digits and Latin letters as typed
    (测试企业018 → csqy018), computed again for every lead and indexed again."""
    from models.search import search_key

    keys = [
        (search_key(company, project), lead_id)
        for lead_id, company, project in rows(Lead.select(Lead.id, Lead.company, Lead.project))
    ]
    # one rebuild of the trigram index is faster than its trigger run once per lead
    run_sql("DROP TRIGGER IF EXISTS lead_fts_update", db)
    db.cursor().executemany(  # type: ignore[no-untyped-call]
        'UPDATE "lead" SET "search_key" = ? WHERE "id" = ?', keys
    )
    for sql in (*SEARCH_INDEX, SEARCH_REBUILD):
        run_sql(sql, db)


def _upgrade_6_to_7(db: Database) -> None:
    """Version 7: a big import indexes its new leads for search after its write, not under its
    lock (the search backlog; the triggers leave waiting leads alone); no index on a lead's
    unit alone, which (unit, stage) serves; and the signed, started and valid days' indexes
    hold only the leads that have that day."""
    for name in SEARCH_TRIGGERS:
        run_sql(f'DROP TRIGGER IF EXISTS "{name}"', db)
    for sql in (*SEARCH_INDEX, 'DROP INDEX IF EXISTS "lead_unit_id"'):
        run_sql(sql, db)
    # the day indexes become partial: only the leads that have the day
    for index in Lead._meta.fields_to_index():
        if index._where is not None:
            run_sql(f'DROP INDEX IF EXISTS "{index._name}"', db)
    Lead._schema.create_indexes(safe=True)  # type: ignore[attr-defined]


def _upgrade_7_to_8(db: Database) -> None:
    """Version 8: the campaign file's users (roles), the append-only audit with a baseline
    entry for every lead from before it, and stage history that an undo reverses instead of
    deleting (triggers refuse UPDATE and DELETE on both)."""
    from datetime import datetime

    from models.audit import BASELINE_SQL

    for sql in (
        'CREATE TABLE IF NOT EXISTS "app_user" ("id" INTEGER NOT NULL PRIMARY KEY, '
        '"login" TEXT NOT NULL, "name" TEXT NOT NULL, "role" TEXT NOT NULL, "unit" TEXT NOT NULL)',
        'CREATE UNIQUE INDEX IF NOT EXISTS "app_user_login" ON "app_user" ("login")',
        'CREATE TABLE IF NOT EXISTS "audit" ("id" INTEGER NOT NULL PRIMARY KEY, '
        '"entry" INTEGER NOT NULL, "at" DATETIME NOT NULL, "login" TEXT NOT NULL, '
        '"name" TEXT NOT NULL, '
        '"action" TEXT NOT NULL, "lead_id" INTEGER, "unit_id" INTEGER, "subject" TEXT NOT NULL, '
        '"field" TEXT NOT NULL, "before" TEXT, "after" TEXT)',
        'CREATE INDEX IF NOT EXISTS "audit_at" ON "audit" ("at")',
        'CREATE INDEX IF NOT EXISTS "audit_login_at" ON "audit" ("login", "at")',
        'CREATE INDEX IF NOT EXISTS "audit_unit_id_at" ON "audit" ("unit_id", "at")',
        'CREATE INDEX IF NOT EXISTS "audit_lead_id_at" ON "audit" ("lead_id", "at")',
        'CREATE INDEX IF NOT EXISTS "audit_entry" ON "audit" ("entry")',
    ):
        run_sql(sql, db)
    columns = {c.name for c in db.get_columns("stage_change")}
    if "reverses" not in columns:
        run_sql('ALTER TABLE "stage_change" ADD COLUMN "reverses" INTEGER', db)
    # a step is run again after a crash between its work and the version mark: baseline once
    if db.execute_sql('SELECT 1 FROM "audit" LIMIT 1').fetchone() is None:  # type: ignore[no-untyped-call]
        db.execute_sql(BASELINE_SQL, (str(datetime.now()),))  # type: ignore[no-untyped-call]
    for sql in APPEND_ONLY:
        run_sql(sql, db)


UPGRADES: dict[int, Callable[[Database], None]] = {
    1: _upgrade_1_to_2,
    2: _upgrade_2_to_3,
    3: _upgrade_3_to_4,
    4: _upgrade_4_to_5,
    5: _upgrade_5_to_6,
    6: _upgrade_6_to_7,
    7: _upgrade_7_to_8,
}


def migrate(db: Database, *, read_only: bool = False) -> Path | None:
    """Create the schema in a new file, or upgrade an older one in place, in one transaction.

    Before upgrading a file that holds data, copies it beside itself and returns where (a
    store the upgrade broke can then be restored); returns None when nothing was upgraded.
    """
    version = schema_version(db)
    if version > SCHEMA_VERSION:
        raise StoreError(key="store.newer", version=version, supported=SCHEMA_VERSION)
    if version == SCHEMA_VERSION:
        return None
    tables = db.get_tables()
    if read_only and not tables:
        raise StoreError(key="store.not_ours", path=db.database)
    if read_only:
        raise NotAllowed(key="store.needs_upgrade", version=version, supported=SCHEMA_VERSION)
    backup = None
    if tables and not engine.on_server():  # a server's backups are its administrator's
        path = Path(db.database)
        conn: sqlite3.Connection = db.connection()  # type: ignore[no-untyped-call]
        backup = copy_database(conn, beside(path, f"schema-{version}"))
    with immediate(db):
        version = schema_version(db)  # another process may have upgraded it meanwhile
        if version == SCHEMA_VERSION:
            return backup
        if engine.on_server():
            if version == 0:
                postgres.create_schema(db, ALL_TABLES)
            # a server's stores begin at version 8: later steps will run here as on a file
            for step in range(max(version, 8), SCHEMA_VERSION):
                UPGRADES[step](db)
            postgres.set_schema_version(db, SCHEMA_VERSION)
        elif version == 0 and not _has_tables(db):
            create_file_schema(db)
        else:
            for step in range(max(version, 1), SCHEMA_VERSION):
                UPGRADES[step](db)
        if not engine.on_server():
            run_sql(f"PRAGMA user_version = {SCHEMA_VERSION}", db)
    return backup


_notice: Callable[[], None] | None = None


def set_busy_notice(notice: Callable[[], None] | None) -> None:
    """What to call when a write has to wait for another writer (once per wait): the CLI says
    so on stderr, the TUI in a notification. Called from the waiting thread."""
    global _notice
    _notice = notice


def is_busy(error: BaseException) -> bool:
    """True for a write that could not get the write lock (StoreBusy, or SQLite's own error)."""
    if isinstance(error, StoreBusy):
        return True
    if engine.on_server():
        return postgres.is_lock_timeout(error)
    return isinstance(error, sqlite3.OperationalError | OperationalError) and (
        "database is locked" in str(error) or "database is busy" in str(error)
    )


def _set_busy_timeout(db: Database, seconds: float) -> None:
    run_sql(f"PRAGMA busy_timeout = {max(1, int(seconds * 1000))}", db)


def _take_write_lock(db: Database, stack: ExitStack) -> None:
    """BEGIN IMMEDIATE, waiting for another writer for up to BUSY_WAIT_S (saying so once the
    quiet wait is over); raises StoreBusy when the bound passes."""
    deadline = time.monotonic() + BUSY_WAIT_S
    step, told = QUIET_WAIT_S, False
    server = engine.on_server()
    try:
        while True:
            wait = min(step, max(0.0, deadline - time.monotonic()))
            try:
                if server:
                    with ExitStack() as attempt:
                        postgres.take_write_lock(db, attempt, wait)
                        stack.enter_context(attempt.pop_all())
                else:
                    _set_busy_timeout(db, wait)
                    stack.enter_context(db.transaction("IMMEDIATE"))
                return
            except OperationalError as exc:
                if not is_busy(exc):
                    raise
                if time.monotonic() >= deadline:
                    waited = f"{BUSY_WAIT_S:.0f}"
                    raise StoreBusy(
                        f"另一个程序正在写入数据库，已等待 {waited} 秒仍未结束，本次未写入，"
                        f"请稍后再试 / another program kept the store busy for {waited} s: "
                        "nothing was written, try again later"
                    ) from exc
                if not told and _notice is not None:
                    _notice()
                told, step = True, 1.0
    finally:
        if not server:
            _set_busy_timeout(db, BUSY_TIMEOUT_S)


@contextmanager
def immediate(db: Database = database) -> Iterator[None]:
    """A write transaction that takes the write lock at once, waiting for another writer for up
    to BUSY_WAIT_S (StoreBusy after that). Inside another transaction, a savepoint.

    In WAL mode a deferred transaction that reads first and writes later fails with
    SQLITE_BUSY_SNAPSHOT when another process wrote meanwhile; the busy timeout does not help.
    Every write of the store comes here: a store opened read-only is refused here, once.
    """
    refuse_if_read_only()
    if db.in_transaction():
        with db.atomic():
            yield
        return
    taken: list[float] = []

    def released() -> None:
        if taken:
            trace(f"unlock {time.perf_counter() - taken[0]:.3f}")

    with ExitStack() as stack:
        stack.callback(released)  # registered first, so it runs last: after the commit
        _take_write_lock(db, stack)
        taken.append(time.perf_counter())
        trace("lock")
        yield
        if engine.on_server():  # on a file, SQLite's data_version moves by itself
            postgres.mark_changed(db)


def trace(event: str) -> None:
    """Tell a watching process what the store work is doing (``lock``, ``unlock <seconds>``,
    import phases): one line to the file descriptor ``YEJI_TRACE_FD`` names, if set. The import
    benchmark and the crash tests read it; nothing else does."""
    fd = os.environ.get("YEJI_TRACE_FD")
    if fd and fd.isdigit():
        with suppress(OSError):
            os.write(int(fd), f"{event}\n".encode())


def data_version(db: Database = database) -> int:
    """A number that changes whenever another connection commits to the store."""
    if engine.on_server():
        return postgres.data_version(db)
    return int(sql_value("PRAGMA data_version", db))


P = TypeVar("P")
R = TypeVar("R")


def write_prepared(prepare: Callable[[], P], write: Callable[[P], R], db: Database = database) -> R:
    """Prepare a write without the lock, then make it in one short transaction.

    If anyone else committed between the preparation and the lock, prepare again under the
    lock (it reads what they wrote), so no update of theirs is lost and nothing is added twice.
    """
    seen = data_version(db)
    prepared = prepare()
    with immediate(db):
        if data_version(db) != seen:
            prepared = prepare()
        return write(prepared)


def current_user() -> str:
    """Who is making a change, for stage history: the OS account of the process (never an
    environment variable: ``LOGNAME=区长`` changes nothing)."""
    from models import identity

    return identity.os_login()


def close_store() -> None:
    """Close this thread's connection, if open."""
    if not database.is_closed():
        database.close()


__all__ = [
    "SCHEMA_VERSION",
    "Lead",
    "NotAllowed",
    "OpenedStore",
    "StoreBusy",
    "StoreError",
    "close_store",
    "current_user",
    "data_version",
    "database",
    "immediate",
    "is_busy",
    "open_store",
    "opened_store",
    "refuse_if_read_only",
    "resolve_store_path",
    "set_busy_notice",
    "write_prepared",
]


class ChangeWatcher:
    """Tells whether any other connection committed to the store since the last look.

    Uses SQLite's ``PRAGMA data_version`` on a connection of its own (the value is per
    connection, and Peewee gives every worker thread a new one). Costs microseconds a call.
    """

    def __init__(self, path: Path | str) -> None:
        self._listener: postgres.ChangeListener | None = None
        if not isinstance(path, Path):  # a PostgreSQL URL: LISTEN instead
            self._listener = postgres.ChangeListener(StoreUrl(path))
            return
        self._conn = (
            connect_read_only(path)
            if _opened is not None and _opened.read_only
            else sqlite3.connect(str(path), check_same_thread=False, timeout=BUSY_TIMEOUT_S)
        )
        self._lock = threading.Lock()
        self._last = self._version()

    def _version(self) -> int:
        with self._lock:
            return int(self._conn.execute("PRAGMA data_version").fetchone()[0])

    def absorb(self) -> None:
        """Our own commit: not a change to react to (the screen that wrote reloads anyway)."""
        if self._listener is not None:
            self._listener.absorb()
            return
        self._last = self._version()

    def changed(self) -> bool:
        """True once after each commit made elsewhere."""
        if self._listener is not None:
            return self._listener.changed()
        now = self._version()
        changed, self._last = now != self._last, now
        return changed

    def close(self) -> None:
        """Close the watching connection."""
        if self._listener is not None:
            self._listener.close()
            return
        with self._lock:
            self._conn.close()


_SESSION = threading.RLock()


@contextmanager
def session() -> Iterator[None]:
    """The store's one connection, for one piece of work at a time (a UI worker).

    Workers run in threads of their own; they take turns on the shared connection, whose
    page cache then stays warm (a new connection per worker read the 100k-lead store twice as
    slowly).
    """
    with _SESSION:
        if database.is_closed():
            database.connect()
        yield
