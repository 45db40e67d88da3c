"""Who else has the store open: a heartbeat each running app writes, kept apart from the ledger.

Each app keeps one row — its session, pid, host, login, name, when it started and when it last
beat — in a small SQLite file beside the store, ``<store>.presence``. Others count while their
beat is younger than STALE_AFTER_S; an app killed with -9 stops beating and drops out, and its
row is cleaned away by the next beat of anyone.

Why a file of its own and not a table in the store: every commit to the store changes its
``PRAGMA data_version``, which every running app watches to reload its screen, and takes the
store's one write lock, which imports hold for seconds. A beat every few seconds in the store
would reload every screen and wait behind (or hold up) imports. Why SQLite and not a directory
of flock'ed files: one query answers "who, since when" with no directory scan, the rows carry
names for ``yeji status`` (which does not beat), and a stale row is a plain age test that a
test can drive with its own clock; flock's instant release would also need a probe per file.

Plain ``sqlite3``: no Peewee (the store's connection is the ledger's), no Textual, no messages.
Every failure is the caller's to ignore: presence is a courtesy, never a reason to stop.
"""

from __future__ import annotations

import os
import socket
import sqlite3
import threading
import time
import uuid
from collections.abc import Callable
from contextlib import closing, suppress
from dataclasses import dataclass
from pathlib import Path

from models.identity import os_login
from models.records import Record
from models.storefile import new_file
from models.usertext import clean_text

#: How often a running app beats, in seconds.
BEAT_EVERY_S = 15.0
#: A session whose last beat is older than this is gone (killed, or its machine asleep).
STALE_AFTER_S = 60.0
# A beat waits this long for another app's beat; a missed beat is made up 15 s later.
BUSY_TIMEOUT_S = 1.0

_SCHEMA = (
    'CREATE TABLE IF NOT EXISTS "session" ('
    '"id" TEXT NOT NULL PRIMARY KEY, "pid" INTEGER NOT NULL, "host" TEXT NOT NULL, '
    '"login" TEXT NOT NULL, "name" TEXT NOT NULL, '
    '"started" REAL NOT NULL, "beat" REAL NOT NULL)'
)

Clock = Callable[[], float]


def presence_path(store: Path | str) -> Path | None:
    """Where the heartbeats of the store at ``store`` live: ``<store>.presence``; None for a
    store on a PostgreSQL server, where presence is not kept (yet: README "PostgreSQL")."""
    if not isinstance(store, Path):
        return None
    return store.with_name(store.name + ".presence")


@dataclass(frozen=True, repr=False, eq=False)
class Person(Record):
    """Someone with the store open in another app (one for all the apps they have open)."""

    login: str
    name: str


def _connect(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(
        str(path), timeout=BUSY_TIMEOUT_S, check_same_thread=False, isolation_level=None
    )
    conn.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
    return conn


def people(conn: sqlite3.Connection, now: float, *, besides: str = "") -> tuple[Person, ...]:
    """Those whose beat is younger than STALE_AFTER_S as of ``now``, one per login, by name;
    the session ``besides`` (the asking app's own) left out."""
    found = conn.execute(
        'SELECT "login", MAX("name") FROM "session" '
        'WHERE "beat" > ? AND "id" != ? GROUP BY "login"',
        (now - STALE_AFTER_S, besides),
    ).fetchall()
    shown = [
        Person(clean_text(login), clean_text(name) or clean_text(login)) for login, name in found
    ]
    return tuple(sorted(shown, key=lambda p: (p.name, p.login)))


def others_now(store: Path | str, clock: Clock = time.time) -> tuple[Person, ...]:
    """Who has the store at ``store`` open now, read without writing anything (``yeji
    status``, which does not beat); nobody when there is no presence file or it cannot be
    read."""
    path = presence_path(store)
    if path is None or not path.exists():
        return ()
    try:
        uri = f"file:{path.absolute()}?mode=ro"
        with closing(sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT_S)) as conn:
            return people(conn, clock())
    except sqlite3.Error:
        return ()


class Heartbeat:
    """This app's row in the presence file: ``beat()`` now and then, ``others()`` to see who
    else is here, ``leave()`` at the end. Safe to call from any one thread at a time."""

    def __init__(
        self,
        store: Path | str,
        *,
        login: str | None = None,
        name: str | None = None,
        clock: Clock = time.time,
    ) -> None:
        self.path = presence_path(store)
        self.login = clean_text(login) if login is not None else os_login()
        self.name = clean_text(name) if name is not None else self.login
        self.clock = clock
        self.session = uuid.uuid4().hex
        self._started = clock()
        self._conn: sqlite3.Connection | None = None
        self._lock = threading.Lock()

    def _open(self) -> sqlite3.Connection:
        if self._conn is None:
            if self.path is None:
                raise OSError("presence is not kept for a store on a server")
            with suppress(FileExistsError):  # 0660 whatever the umask, like the store
                new_file(self.path)
            conn = _connect(self.path)
            try:
                conn.execute("PRAGMA journal_mode = WAL")  # readers never wait for a beat
                conn.execute("PRAGMA synchronous = NORMAL")  # a lost beat costs nothing
                conn.execute(_SCHEMA)
            except sqlite3.Error:
                conn.close()
                raise
            self._conn = conn
        return self._conn

    def beat(self) -> tuple[Person, ...]:
        """Say this app is here now, clean away the rows of apps gone quiet, and return who
        else is here. Raises OSError or sqlite3.Error when the presence file cannot be
        written (a directory this user may not write in)."""
        with self._lock:
            conn = self._open()
            now = self.clock()
            with conn:  # one short transaction of its own file's lock
                conn.execute("BEGIN IMMEDIATE")
                conn.execute(
                    'INSERT INTO "session" VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT ("id") '
                    'DO UPDATE SET "beat" = excluded."beat", "name" = excluded."name"',
                    (
                        self.session,
                        os.getpid(),
                        socket.gethostname(),
                        self.login,
                        self.name,
                        self._started,
                        now,
                    ),
                )
                conn.execute('DELETE FROM "session" WHERE "beat" <= ?', (now - STALE_AFTER_S,))
            return people(conn, now, besides=self.session)

    def others(self) -> tuple[Person, ...]:
        """Who else is here, without beating."""
        with self._lock:
            return people(self._open(), self.clock(), besides=self.session)

    def leave(self) -> None:
        """Take this app's row away (a clean exit) and close; never raises."""
        with self._lock:
            if self._conn is None:
                return
            with suppress(sqlite3.Error):
                self._conn.execute('DELETE FROM "session" WHERE "id" = ?', (self.session,))
            with suppress(sqlite3.Error):
                self._conn.close()
            self._conn = None
