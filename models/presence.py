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

For a store on a PostgreSQL server the same rows live in the store's own database, in an
UNLOGGED table ``yeji_presence`` of their own (no WAL: a lost beat costs nothing): the server has
no file beside it, the table takes no part in the store's write lock, and no screen reloads for
it (its writes NOTIFY nobody). The beats go through a psycopg connection of the heartbeat's own.

Plain ``sqlite3`` (or psycopg): no Peewee (the store's connection is the ledger's), no Textual, no
messages. Every failure is the caller's to ignore: presence is a courtesy, never a reason to stop.
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
from pathlib import Path
from typing import Any

from models.frozen import Record, record
from models.identity import os_login
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
    store on a PostgreSQL server, whose beats are a table of its own (``ServerSessions``)."""
    if not isinstance(store, Path):
        return None
    return store.with_name(store.name + ".presence")


class ServerSessions:
    """The sessions of a store on a PostgreSQL server, asked as the presence file is: the same
    SQL (``"session"`` is ``yeji_presence`` there, ``?`` its ``%s``), each statement on its own
    (autocommit). A server's error becomes an OSError, which every caller already ignores."""

    def __init__(self, url: str, *, connection: Any = None) -> None:
        """Connect to ``url`` and make the table if need be; or, given the store's own
        ``connection`` (``yeji status``: it only reads), ask through that."""
        if connection is not None:
            self._conn, self._own = connection, False
            return
        self._own = True
        try:
            import psycopg

            self._conn = psycopg.connect(url, autocommit=True, connect_timeout=5)
            # REAL is a double in SQLite, a 4-byte float (±64 s at today's clock) here
            table = _SCHEMA.replace("CREATE TABLE", "CREATE UNLOGGED TABLE")
            self.execute(table.replace("REAL", "DOUBLE PRECISION"))
        except Exception as exc:  # no driver, no server, no right to create the table
            raise OSError(f"presence on the server: {exc}") from exc

    def execute(self, sql: str, params: tuple[object, ...] = ()) -> Any:
        """Run one statement; its cursor."""
        text = sql.replace('"session"', '"yeji_presence"').replace("?", "%s")
        try:
            return self._conn.execute(text, params)
        except Exception as exc:
            raise OSError(f"presence on the server: {exc}") from exc

    def close(self) -> None:
        """Close the connection (if it is the sessions' own); never raises."""
        if self._own:
            with suppress(Exception):
                self._conn.close()


@record
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


def people(
    conn: sqlite3.Connection | ServerSessions, now: float, *, besides: str = ""
) -> tuple[Person, ...]:
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


def others_now(
    store: Path | str, clock: Clock = time.time, *, connection: Any = None
) -> tuple[Person, ...]:
    """Who has the store at ``store`` open now, read without writing anything (``yeji
    status``, which does not beat); nobody when there is no presence file or it cannot be
    read. On a server ``connection`` may be the store's own (no second connection)."""
    if not isinstance(store, Path):
        try:
            server = ServerSessions(store, connection=connection)
        except OSError:
            return ()
        try:
            return people(server, clock())
        except OSError:
            return ()
        finally:
            server.close()
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
        #: a server's store: its URL (the beats go to its database)
        self.url = None if isinstance(store, Path) else store
        self.login = clean_text(login) if login is not None else os_login()
        self.name = clean_text(name) if name is not None else self.login
        self.clock = clock
        self.session = uuid.uuid4().hex
        self._started = clock()
        self._conn: sqlite3.Connection | ServerSessions | None = None
        self._lock = threading.Lock()

    def _open(self) -> sqlite3.Connection | ServerSessions:
        if self._conn is None and self.url is not None:
            self._conn = ServerSessions(self.url)
        if self._conn is None:
            assert self.path is not None
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
            row = (
                self.session,
                os.getpid(),
                socket.gethostname(),
                self.login,
                self.name,
                self._started,
                now,
            )
            if isinstance(conn, ServerSessions):  # each statement stands alone there
                self._write_beat(conn, row, now)
            else:
                with conn:  # one short transaction of its own file's lock
                    conn.execute("BEGIN IMMEDIATE")
                    self._write_beat(conn, row, now)
            return people(conn, now, besides=self.session)

    @staticmethod
    def _write_beat(
        conn: sqlite3.Connection | ServerSessions, row: tuple[object, ...], now: float
    ) -> None:
        conn.execute(
            'INSERT INTO "session" VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT ("id") '
            'DO UPDATE SET "beat" = excluded."beat", "name" = excluded."name"',
            row,
        )
        conn.execute('DELETE FROM "session" WHERE "beat" <= ?', (now - STALE_AFTER_S,))

    def others(self) -> tuple[Person, ...]:
        """Who else is here, without beating."""
        with self._lock:
            return people(self._open(), self.clock(), besides=self.session)

    def leave(self) -> None:
        """Take this app's row away (a clean exit) and close; never raises."""
        with self._lock:
            if self._conn is None:
                return
            with suppress(sqlite3.Error, OSError):
                self._conn.execute('DELETE FROM "session" WHERE "id" = ?', (self.session,))
            with suppress(sqlite3.Error, OSError):
                self._conn.close()
            self._conn = None
