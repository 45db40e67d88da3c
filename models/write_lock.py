"""The write lock and transactions: every write takes the lock at once (``immediate``),
waits a bounded time for another writer (StoreBusy after that), and may be prepared without
the lock first (``write_prepared``)."""

from __future__ import annotations

import os
import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager, suppress
from typing import TypeVar

from peewee import Database, OperationalError

from models import engine, postgres
from models.opened import refuse_if_read_only
from models.store_errors import StoreBusy
from models.tables import database, run_sql, sql_value

# SQLite's busy timeout, in seconds: how long a statement waits for another writer to finish.
BUSY_TIMEOUT_S = 5
#: How long a write waits for the write lock in all before it gives up (StoreBusy, exit 4).
BUSY_WAIT_S = 30.0
# A write waits this long in silence first: other writers' transactions are short (an import of
# 100,000 rows holds the lock for a few seconds), so most waits end before anyone is told.
QUIET_WAIT_S = 0.5


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
