"""Looking after the store file: checking it, backing it up while others work, restoring one.

``check_store`` reads the open store; ``backup_store`` copies it with SQLite's backup API;
``restore_store`` puts a checked copy in place of a store no one has open, keeping the old
file aside. Problems come back as records with a message key (``yeji_tui.strings``).
"""

from __future__ import annotations

import sqlite3
import tempfile
from contextlib import closing, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from models import engine, identity
from models.access import Actor, actor_for, authorize, current_actor
from models.opened import opened_store
from models.schema import SCHEMA_VERSION
from models.search_backlog import INDEX_ALL_WAITING
from models.store_errors import NotAllowed, StoreBusy, StoreError
from models.store_place import check_place, read_only_reason
from models.store_url import StoreUrl
from models.storefile import (
    beside,
    connect_read_only,
    copy_database,
    held_alone,
    install,
    integrity_problems,
    make_dirs,
    not_a_store_file,
    stamp,
)
from models.tables import database, execute

#: At most this many lines of one kind of problem are listed (the rest are counted).
SHOWN = 20


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the store: a message key of ``yeji_tui.strings`` and its values."""

    key: str
    values: dict[str, object] = field(default_factory=dict)


@dataclass(frozen=True)
class CheckResult:
    """What ``check_store`` found."""

    problems: list[Problem]
    hidden: int  # problems found beyond those listed


def _conn() -> sqlite3.Connection:
    conn: sqlite3.Connection = database.connection()  # type: ignore[no-untyped-call]
    return conn


def _all(sql: str) -> list[tuple[Any, ...]]:
    return [tuple(r) for r in execute(sql).fetchall()]


_STAGES_COUNTED = "SELECT stage, COUNT(*), SUM(amount_wan) FROM lead GROUP BY stage"
_STAGES_KEPT = (
    "SELECT stage, leads, amount_wan FROM stage_total WHERE leads != 0 OR amount_wan != 0"
)
_DAYS_COUNTED = (
    "SELECT date, unit_id, kind, led_by_principal, COUNT(*) FROM activity "
    "GROUP BY date, unit_id, kind, led_by_principal"
)
_DAYS_KEPT = "SELECT day, unit_id, kind, led_by_principal, n FROM activity_day WHERE n != 0"
_TOUCHES_COUNTED = (
    "SELECT stage, touched_on, unit_id, COUNT(*) FROM lead WHERE touched_on IS NOT NULL "
    "GROUP BY stage, touched_on, unit_id"
)
_TOUCHES_KEPT = "SELECT stage, touched_on, unit_id, n FROM lead_touch_day WHERE n != 0"
_WAITING = "EXISTS (SELECT 1 FROM search_backlog b WHERE {}.id BETWEEN b.first_id AND b.last_id)"
# a lead waiting for the index after an import is not missing from it; it must not be in it
_NOT_INDEXED = (
    "SELECT id FROM lead WHERE id NOT IN (SELECT id FROM lead_fts_docsize) "
    f"AND NOT {_WAITING.format('lead')} ORDER BY id"
)
_INDEXED_GONE = (
    "SELECT id FROM lead_fts_docsize WHERE id NOT IN (SELECT id FROM lead) "
    f"OR {_WAITING.format('lead_fts_docsize')} ORDER BY id"
)


def _stage_problems() -> list[Problem]:
    counted = {s: (int(n), int(a)) for s, n, a in _all(_STAGES_COUNTED)}
    kept = {s: (int(n), int(a)) for s, n, a in _all(_STAGES_KEPT)}
    return [
        Problem(
            "check.stage_total",
            {
                "stage": stage,
                "kept_leads": kept.get(stage, (0, 0))[0],
                "kept_amount": kept.get(stage, (0, 0))[1],
                "leads": counted.get(stage, (0, 0))[0],
                "amount": counted.get(stage, (0, 0))[1],
            },
        )
        for stage in sorted(counted.keys() | kept.keys())
        if counted.get(stage, (0, 0)) != kept.get(stage, (0, 0))
    ]


def _differences(counted_sql: str, kept_sql: str, key: Any) -> list[tuple[Any, int, int]]:
    """(key, kept, actual) where a kept count differs from a recount (last column: the n)."""
    counted = {key(r): int(r[-1]) for r in _all(counted_sql)}
    kept = {key(r): int(r[-1]) for r in _all(kept_sql)}
    return [
        (k, kept.get(k, 0), counted.get(k, 0))
        for k in sorted(counted.keys() | kept.keys(), key=str)
        if counted.get(k, 0) != kept.get(k, 0)
    ]


def _day_problems() -> list[Problem]:
    return [
        Problem(
            "check.activity_day",
            {
                "day": day,
                "unit": unit,
                "kind": kind,
                "principal": bool(principal),
                "kept": kept,
                "actual": actual,
            },
        )
        for (day, unit, kind, principal), kept, actual in _differences(
            _DAYS_COUNTED, _DAYS_KEPT, _day_key
        )
    ]


def _touch_problems() -> list[Problem]:
    return [
        Problem(
            "check.lead_touch_day",
            {"stage": stage, "day": day, "unit": unit, "kept": kept, "actual": actual},
        )
        for (stage, day, unit), kept, actual in _differences(
            _TOUCHES_COUNTED, _TOUCHES_KEPT, lambda r: (str(r[0]), str(r[1]), int(r[2]))
        )
    ]


def _day_key(row: tuple[Any, ...]) -> tuple[str, int, str, bool]:
    # a day and a flag as either engine gives them back (ISO text or a date, 0/1 or a bool)
    day, unit, kind, principal = row[:4]
    return (str(day), int(unit), str(kind), bool(principal))


def _ids(found: list[tuple[Any, ...]]) -> str:
    shown = ", ".join(str(r[0]) for r in found[:SHOWN])
    return shown + (" …" if len(found) > SHOWN else "")


def _search_problems() -> list[Problem]:
    problems = []
    for sql, key in ((_NOT_INDEXED, "check.search_missing"), (_INDEXED_GONE, "check.search_extra")):
        found = _all(sql)
        if found:
            problems.append(Problem(key, {"ids": _ids(found)}))
    return problems or _search_content_problems()


def _search_content_problems() -> list[Problem]:
    """FTS5's own check: every indexed trigram against the leads' search keys.

    To SQLite it is an INSERT: on the store it would hold the write lock throughout (4.7 s on
    100,000 leads: other writers would time out) and could not run read-only. So it runs on a
    copy in the temporary directory, taken in one read transaction like a backup.
    """
    with tempfile.TemporaryDirectory(prefix="yeji-check-") as place:
        copy = copy_database(_conn(), Path(place) / "check.sqlite3", verify=False)
        with closing(sqlite3.connect(copy)) as conn:
            try:
                # the index is whole only once the leads an import left waiting are in it
                conn.executescript(INDEX_ALL_WAITING)
                conn.execute("INSERT INTO lead_fts (lead_fts, rank) VALUES ('integrity-check', 1)")
            except sqlite3.DatabaseError as exc:
                return [Problem("check.search_index", {"detail": str(exc)})]
    return []


def _audit_problems() -> list[Problem]:
    from models.audit import replay_problems

    return [
        Problem(
            "check.audit_replay",
            {"lead": lead, "field": field, "replayed": replayed, "stored": stored},
        )
        for lead, field, replayed, stored in replay_problems()
    ]


def check_store() -> CheckResult:
    """Check the open store: SQLite's integrity and foreign keys, and every total the triggers
    keep (per stage, per day, per touched day, the search index) against a count of what they
    summarise. On a server, integrity, foreign keys and the trigram index are the server's own:
    the totals and the audit are checked."""
    kinds: list[list[Problem]] = (
        [_stage_problems(), _day_problems(), _touch_problems(), _audit_problems()]
        if engine.on_server()
        else _file_problems()
    )
    shown = [p for kind in kinds for p in kind[:SHOWN]]
    hidden = sum(max(0, len(kind) - SHOWN) for kind in kinds)
    return CheckResult(shown, hidden)


def _file_problems() -> list[list[Problem]]:
    return [
        [Problem("check.integrity", {"detail": d}) for d in integrity_problems(_conn())],
        [
            Problem("check.foreign_key", {"table": t, "rowid": r, "parent": p})
            for t, r, p, _ in _all("PRAGMA foreign_key_check")
        ],
        _stage_problems(),
        _day_problems(),
        _touch_problems(),
        _search_problems(),
        _audit_problems(),
    ]


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
        return copy_database(_conn(), dest, replace=replace)
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
