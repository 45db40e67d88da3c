"""Looking after the store file: checking it, backing it up while others work, restoring one.

``check_store`` (``models.store_check``) reads the open store; ``backup_store`` copies it with
SQLite's backup API; ``restore_store`` puts a checked copy in place of a store no one has open,
keeping the old file aside.
"""

from __future__ import annotations

import sqlite3
from contextlib import closing, suppress
from pathlib import Path

from models import identity
from models.access import Actor, actor_for, authorize, current_actor
from models.opened import opened_store
from models.schema import SCHEMA_VERSION
from models.store_check import CheckResult, Problem, check_store, file_connection
from models.store_errors import NotAllowed, StoreBusy, StoreError
from models.store_place import check_place, read_only_reason
from models.store_url import StoreUrl
from models.storefile import (
    beside,
    connect_read_only,
    copy_database,
    held_alone,
    install,
    make_dirs,
    not_a_store_file,
    stamp,
)


def _same_file(a: Path, b: Path) -> bool:
    with suppress(OSError):
        return a.exists() and b.exists() and a.samefile(b)
    return False


def backup_store(dest: Path, *, replace: bool = False) -> Path:
    """Copy the open store to ``dest`` (a file, or a directory to put a dated copy in), whole
    and consistent while others keep working; returns the copy's path.

    Refuses an existing file unless ``replace``, and the store itself.
    """
    opened = opened_store()
    assert opened is not None, "open the store first"
    authorize(current_actor(), "backup")
    if isinstance(opened.path, StoreUrl):
        return _backup_server(dest, replace=replace)
    if dest.is_dir():
        dest = dest / f"{opened.path.stem}-backup-{stamp()}{opened.path.suffix}"
    if not dest.parent.is_dir():
        raise StoreError(key="backup.no_dir", path=dest.parent)
    if _same_file(dest, opened.path):
        raise StoreError(key="backup.same", path=dest)
    if dest.exists() and not replace:
        raise StoreError(key="backup.exists", path=dest)
    try:
        return copy_database(file_connection(), dest, replace=replace)
    except FileExistsError as exc:  # made by someone else since we looked
        raise StoreError(key="backup.exists", path=dest) from exc
    except ValueError as exc:
        raise StoreError(key="backup.bad_copy", error=exc) from exc
    except OSError as exc:  # the directory is not writable, the disk is full ...
        raise StoreError(key="store.cannot_create", path=dest, error=exc.strerror) from exc


def _backup_server(dest: Path, *, replace: bool) -> Path:
    """A store on a server backed up as a portable SQLite file (``models.transfer``)."""
    from models.transfer import copy_store

    if dest.is_dir():
        dest = dest / f"yeji-backup-{stamp()}.sqlite3"
    if not dest.parent.is_dir():
        raise StoreError(key="backup.no_dir", path=dest.parent)
    copy_store(dest, replace=replace)
    return dest


def _checked_copy(source: Path, tmp: Path) -> None:
    """Copy ``source`` to ``tmp`` and check the copy is a whole yeji store we can open."""
    if not source.is_file():
        raise StoreError(key="store.not_found", path=source)
    why = not_a_store_file(source)
    if why is not None:
        raise StoreError(key=f"store.{why}", path=source)
    try:
        with closing(connect_read_only(source)) as src:
            copy_database(src, tmp)
    except ValueError as exc:
        raise StoreError(key="restore.damaged", path=source, detail=exc) from exc
    except sqlite3.DatabaseError as exc:
        raise StoreError(key="restore.damaged", path=source, detail=exc) from exc
    with closing(sqlite3.connect(tmp)) as copy:
        version = int(copy.execute("PRAGMA user_version").fetchone()[0])
        if version > SCHEMA_VERSION:
            raise StoreError(key="store.newer", version=version, supported=SCHEMA_VERSION)
        tables = {r[0] for r in copy.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        if "campaign" not in tables or not copy.execute("SELECT 1 FROM campaign").fetchone():
            raise StoreError(key="restore.no_campaign", path=source)
        # in WAL mode from the start, as yeji keeps it: every connection then holds the store
        # open in a way the next restore can see (held_alone)
        copy.execute("PRAGMA journal_mode = WAL")


def _store_actor(store: Path) -> Actor:
    """Who this process is by the users of the store at ``store`` (not open: it is about to be
    replaced); the office when there is none yet, or it has no users."""
    users: list[tuple[str, str, str, str]] = []
    if store.is_file():
        with suppress(sqlite3.DatabaseError), closing(connect_read_only(store)) as conn:
            users = [
                (str(a), str(b), str(c), str(d))
                for a, b, c, d in conn.execute("SELECT login, name, role, unit FROM app_user")
            ]
    return actor_for(identity.os_login(), users)


def _record_restore(copy: Path, actor: Actor, source: Path) -> None:
    """The restore's own audit entry, in the restored copy (a copy from before the audit gets
    its baseline when next opened)."""
    with closing(sqlite3.connect(copy)) as conn:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        if "audit" in tables:
            with conn:
                conn.execute(
                    "INSERT INTO audit (entry, at, login, name, action, subject, field) "
                    "SELECT COALESCE(MAX(entry), 0) + 1, datetime('now', 'localtime'), ?, ?, "
                    "'restore', ?, '' FROM audit",
                    (actor.login, actor.name, str(source)),
                )


def restore_store(store: Path, source: Path, *, read_only: bool = False) -> Path | None:
    """Put a copy of ``source`` in place of the store at ``store``; returns where the store as
    it was is kept (``store.sqlite3.before-restore-<time>``, never deleted), None if there was
    none.

    ``source`` is checked first (an SQLite file, whole, of this schema or older, with a
    campaign). Refused while any other connection has the store open (StoreBusy), on a network
    file system, and read-only (NotAllowed). An older schema is upgraded on the next opening.
    """
    store = store.expanduser()
    why = read_only_reason(store, read_only)
    if why is not None:
        raise NotAllowed(key=f"store.read_only.{why}", path=store)
    check_place(store)
    actor = _store_actor(store)
    authorize(actor, "restore")
    if _same_file(source, store):
        raise StoreError(key="backup.same", path=source)
    make_dirs(store.parent)
    tmp = store.with_name(f".{store.name}.restore")
    with suppress(FileNotFoundError):
        tmp.unlink()
    try:
        _checked_copy(source, tmp)
        _record_restore(tmp, actor, source)
        if not store.exists():
            install(tmp, store, replace=False)
            return None
        aside = beside(store, "before-restore")
        try:
            with held_alone(store):
                store.rename(aside)
                install(tmp, store, replace=False)
        except sqlite3.OperationalError as exc:
            raise StoreBusy(key="restore.busy", path=store) from exc
        return aside
    finally:
        with suppress(FileNotFoundError):
            tmp.unlink()


__all__ = ["CheckResult", "Problem", "backup_store", "check_store", "restore_store"]
