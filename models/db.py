"""Opening the store: binding the models to a file (with its SQLite settings) or to a server,
creating a new store, and the one shared connection.

What opening uses lives beside it, and is importable from here as before: the store's errors
(``models.store_errors``), where it lives and whether it may be opened there
(``models.store_place``), what was opened (``models.opened``), the schema and its upgrades
(``models.schema``, ``models.upgrades``), the write lock (``models.write_lock``) and the
change watcher (``models.watcher``).
"""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from peewee import Database

from models import engine, opening, postgres
from models.identity import current_user
from models.opened import OpenedStore, opened_store, refuse_if_read_only, remember
from models.schema import (
    SCHEMA_VERSION,
    create_file_schema,
    migrate,
    schema_version,
    set_upgrade_notice,
)
from models.store_errors import NotAllowed, StoreBusy, StoreError
from models.store_place import check_file, check_place, read_only_reason, resolve_store_path
from models.store_url import StorePlace, StoreUrl
from models.storefile import install, make_dirs, new_file, read_only_uri
from models.tables import Lead, database, sqlite_database, use_database
from models.watcher import ChangeWatcher
from models.write_lock import (
    BUSY_TIMEOUT_S,
    data_version,
    immediate,
    is_busy,
    set_busy_notice,
    trace,
    write_prepared,
)

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
    remember(None)
    if isinstance(path, StoreUrl):
        opened = _open_server(path, create=create, read_only=read_only)
        remember(opened)
        return opened
    path = path.expanduser()
    check_place(path)
    if path.exists():
        try:
            check_file(path)
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
    opened = OpenedStore(
        path=path,
        read_only=why,
        upgraded_from=before if backup is not None else None,
        upgrade_backup=backup,
    )
    remember(opened)
    return opened


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


def close_store() -> None:
    """Close this thread's connection, if open."""
    if not database.is_closed():
        database.close()


_SESSION = threading.RLock()


@contextmanager
def session() -> Iterator[None]:
    """The store's one connection, for one piece of work at a time (a UI worker).

    Workers run in threads of their own; they take turns on the shared connection, whose
    page cache then stays warm (a new connection per worker read the 100k-lead store twice as
    slowly).
    """
    opening.open_now()  # the TUI's own opening, put off past its first frame
    with _SESSION:
        if database.is_closed():
            database.connect()
        yield


__all__ = [
    "BUSY_TIMEOUT_S",
    "PRAGMAS",
    "READ_ONLY_PRAGMAS",
    "SCHEMA_VERSION",
    "ChangeWatcher",
    "Lead",
    "NotAllowed",
    "OpenedStore",
    "StoreBusy",
    "StoreError",
    "check_place",
    "close_store",
    "connect_server",
    "create_file_schema",
    "current_user",
    "data_version",
    "database",
    "immediate",
    "is_busy",
    "migrate",
    "open_store",
    "opened_store",
    "read_only_reason",
    "refuse_if_read_only",
    "resolve_store_path",
    "schema_version",
    "session",
    "set_busy_notice",
    "set_upgrade_notice",
    "trace",
    "write_prepared",
]
