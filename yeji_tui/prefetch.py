"""The first data of the section the TUI opens on, read while Textual is imported.

Where the system can fork (Linux, macOS), a child process opens its own connection to the store,
reads, and hands the result back through a pipe: on a second core, the queries (20–60 ms) cost
the start-up nothing. The reader and the types of what it returns are imported before the fork:
the parent needs them to unpickle the result anyway, and a child that imported them again
would, on a machine whose other core is busy, take that time from the parent. Nothing of SQLite
crosses the fork — the parent closes its connection first and opens a new one when it next
reads. Elsewhere a thread reads
first, before Textual is imported (alongside the import it would wait on the GIL after every
SQLite call). Either way the section's first frame has its numbers; a slower store lets the
screen draw and fill in when the data comes.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import threading
from collections.abc import Callable
from concurrent.futures import Future
from datetime import date

from models.db import session
from models.tables import database

#: How long start-up waits for the first data before drawing without it.
WAIT_S = 0.25
#: Cards per column the pipeline loads at a time (yeji_tui.widgets.kanban.PAGE).
PIPELINE_PAGE = 40


def _loader(section: str, today: date) -> Callable[[], object] | None:
    """What reads the section's first data (None for a section without any)."""
    if section == "overview":
        from yeji_tui.status import load_overview

        return lambda: load_overview(today)
    if section == "pipeline":
        from models.leads import LeadFilter, board

        first = dict.fromkeys(("lead", "negotiating", "signed", "started"), 0)
        return lambda: board(LeadFilter(), today, first, PIPELINE_PAGE)
    if section == "units":
        from yeji_tui.units_view import load_units

        return lambda: load_units(today, ranking=False)  # the heatmap first; ranking after
    return None


class FirstLoad(Future[object]):
    """The start-up read: ``grace`` is how long the first frame may wait for it."""

    grace = 0.0


def prefetch(section: str, today: date) -> FirstLoad | None:
    """Start reading the section's first data (in a child process, else on a thread)."""
    load = _loader(section, today)
    if load is None:
        return None
    if hasattr(os, "fork"):
        with contextlib.suppress(OSError):
            return _forked(load)
    return _threaded(load)


def _forked(load: Callable[[], object]) -> FirstLoad:
    database.close()  # the child opens its own connection; the parent reopens on next use
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: read, hand back, and leave without running anything else
        os.close(read_end)
        try:
            with session():
                payload = pickle.dumps((True, load()))
        except BaseException as exc:  # reported by the parent, as any failed read
            payload = pickle.dumps((False, f"{type(exc).__name__}: {exc}"))
        finally:
            database.close()
        with os.fdopen(write_end, "wb") as pipe:
            pipe.write(payload)
        os._exit(0)
    os.close(write_end)
    future = FirstLoad()
    future.grace = WAIT_S

    def collect() -> None:
        with os.fdopen(read_end, "rb") as pipe:
            payload = pipe.read()
        os.waitpid(pid, 0)
        try:
            ok, value = pickle.loads(payload)
        except Exception as exc:  # the child died before it could answer
            future.set_exception(exc)
            return
        if ok:
            future.set_result(value)
        else:
            future.set_exception(RuntimeError(value))

    threading.Thread(target=collect, name="yeji-prefetch", daemon=True).start()
    return future


def _threaded(load: Callable[[], object]) -> FirstLoad:
    future = FirstLoad()

    def run() -> None:
        try:
            with session():
                future.set_result(load())
        except BaseException as exc:  # handed to whoever waits on the future
            future.set_exception(exc)

    threading.Thread(target=run, name="yeji-prefetch", daemon=True).start()
    with contextlib.suppress(TimeoutError):
        future.exception(timeout=WAIT_S)
    return future


def ready(future: Future[object] | None) -> object | None:
    """The result, if the future finished without an error (waiting for it no longer than its
    grace: a child process may still be reading when the first frame is composed)."""
    if future is None:
        return None
    with contextlib.suppress(TimeoutError):
        future.exception(timeout=getattr(future, "grace", 0.0))
    if not future.done() or future.exception() is not None:
        return None
    return future.result()
