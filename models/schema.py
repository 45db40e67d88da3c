"""The store's schema: which version a store holds, today's schema in a new file, and the
upgrade of an older one in place (the steps are ``models.upgrades``')."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path

from peewee import Database

from models import engine, postgres
from models.store_errors import NotAllowed, StoreError
from models.storefile import beside, copy_database
from models.tables import (
    ALL_TABLES,
    APPEND_ONLY,
    GRAM_TRIGGERS,
    SEARCH_INDEX,
    STAGE_TRIGGERS,
    SUMMARY_TRIGGERS,
    TOUCH_TRIGGERS,
    run_sql,
    sql_value,
)
from models.upgrades import UPGRADES
from models.write_lock import immediate

#: The schema this code writes. ``PRAGMA user_version`` records the one a file holds.
SCHEMA_VERSION = 11

#: Told (old version, new version) as an upgrade of a store holding data begins, before its
#: copy: on a million leads the two take half a minute, which the user should not sit through
#: in silence (the CLI and the TUI's start-up say so on stderr: ``yeji_tui.cli_context``).
_upgrade_notice: Callable[[int, int], None] | None = None


def set_upgrade_notice(notice: Callable[[int, int], None] | None) -> None:
    """What to call as an upgrade of a store holding data begins (None: nothing)."""
    global _upgrade_notice
    _upgrade_notice = notice


def schema_version(db: Database) -> int:
    """The schema version the store records (0 for a new, empty one)."""
    if engine.on_server():
        return postgres.schema_version(db)
    return int(sql_value("PRAGMA user_version", db) or 0)


def _has_tables(db: Database) -> bool:
    return bool(db.get_tables())


def create_file_schema(db: Database) -> None:
    """Today's schema in a new, empty SQLite file bound to ``db`` (inside a transaction; the
    version mark is the caller's): the tables, their triggers and the search index. Here
    for a new store and for a copy into a file (``models.transfer``), whichever engine the
    models are bound to meanwhile."""
    with db.bind_ctx(ALL_TABLES):
        db.create_tables(ALL_TABLES)
    for statement in (
        *SUMMARY_TRIGGERS,
        *STAGE_TRIGGERS,
        *TOUCH_TRIGGERS,
        *APPEND_ONLY,
        *SEARCH_INDEX,
        *GRAM_TRIGGERS,  # after the search index: they leave its waiting leads alone
    ):
        db.execute_sql(statement)  # type: ignore[no-untyped-call]


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
    if tables and _upgrade_notice is not None:
        _upgrade_notice(version, SCHEMA_VERSION)
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
            if version == 0:  # a new store is today's schema whole: no step to run
                postgres.create_schema(db, ALL_TABLES)
                version = SCHEMA_VERSION
            # a server's stores begin at version 8: later steps run here as on a file
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
