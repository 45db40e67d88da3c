"""One read run on a connection of its own, on a thread, while the caller goes on with others.

SQLite and psycopg let go of the GIL while the engine works, so on a second core a report's
slowest query costs the report nothing while its other queries run on the store's connection.
The read sees the store as committed when it starts, as each of the report's reads does.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from concurrent.futures import Future
from contextlib import closing
from typing import Any

from models import engine, postgres
from models.db import READ_ONLY_PRAGMAS, database
from models.opened import opened_store
from models.store_url import StoreUrl
from models.storefile import connect_read_only
from models.write_lock import BUSY_TIMEOUT_S

Rows = list[tuple[Any, ...]]


def cheap() -> bool:
    """Whether a read aside pays for a query of some tens of milliseconds: on a file its
    connection opens in about a millisecond; a server's takes longer to open than that. Never
    inside a transaction, whose own writes only its connection sees."""
    opened = opened_store()
    on_file = opened is not None and not isinstance(opened.path, StoreUrl)
    return on_file and not database.in_transaction()


def read_aside(sql: str, params: Sequence[Any] = ()) -> Future[Rows]:
    """Start ``sql`` (``?`` placeholders) on a read-only connection of its own; its rows come
    in the future (or the error that stopped it)."""
    opened = opened_store()
    if opened is None:
        raise RuntimeError("read_aside: no store is open")
    place = opened.path
    future: Future[Rows] = Future()

    def run() -> None:
        try:
            future.set_result(_read(place, sql, tuple(params)))
        except BaseException as exc:  # handed to whoever waits on the future
            future.set_exception(exc)

    threading.Thread(target=run, name="yeji-read-aside", daemon=True).start()
    return future


def _read(place: object, sql: str, params: tuple[Any, ...]) -> Rows:
    if isinstance(place, StoreUrl):
        db = postgres.make_database(place, read_only=True)
        db.connect()
        try:
            cursor = db.execute_sql(engine.sql(sql), params)  # type: ignore[no-untyped-call]
            return [tuple(row) for row in cursor.fetchall()]
        finally:
            db.close()
    with closing(connect_read_only(place)) as conn:  # type: ignore[arg-type]
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_S * 1000}")
        for name, value in READ_ONLY_PRAGMAS.items():
            conn.execute(f"PRAGMA {name} = {value}")
        return conn.execute(sql, params).fetchall()
