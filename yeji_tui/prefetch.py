"""The store opened and the first data of the section the TUI opens on read, while Textual is
imported.

Where the system can fork (Linux, macOS), ``open_in_child`` forks before anything of Peewee is
imported: the child imports it, opens the store (upgrading it if need be, saying so on stderr),
finds who the user is, tells the parent, then reads the section's first data and hands it back
through a pipe. On a second core all of that (Peewee and the store's modules ~40 ms, a
server's driver 100+ ms, the queries 20–60 ms) costs the start-up nothing; the parent opens
the store for itself only after its first frame (``models.opening``). A store that cannot be
opened is said in the shell, as by any command, before the TUI takes the terminal.

Where the store is already open in this process (``yeji demo --open``, tests), ``prefetch``
forks only to read. Where the system cannot fork, a thread reads first, before Textual is
imported (alongside the import it would wait on the GIL after every SQLite call). Either way
the section's first frame has its numbers; a slower store lets the screen draw and fill in
when the data comes.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import threading
import traceback
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass
from datetime import date
from typing import IO, TYPE_CHECKING

if TYPE_CHECKING:
    from models.records import Actor
    from yeji_tui.cli_context import Context

#: How long start-up waits for the first data before drawing without it.
WAIT_S = 0.25
#: Cards per column the pipeline loads at a time (yeji_tui.widgets.kanban.PAGE).
PIPELINE_PAGE = 40


def _loader(section: str, today: date, stale_days: int) -> Callable[[], object] | None:
    """What reads the section's first data (None for a section without any); ``stale_days``:
    the user's setting, for triage's queue."""
    if section == "overview":
        from yeji_tui.status import load_overview

        return lambda: load_overview(today)
    if section == "pipeline":

        def first_board() -> object:  # the reads load where they run: the child, or a thread
            from models.leads import LeadFilter, board

            first = dict.fromkeys(("lead", "negotiating", "signed", "started"), 0)
            return board(LeadFilter(), today, first, PIPELINE_PAGE)

        return first_board
    if section == "units":
        from yeji_tui.units_view import load_units

        return lambda: load_units(today, ranking=False)  # the heatmap first; ranking after
    if section == "triage":

        def first_lead() -> object:
            from models.leads import triage_start

            return triage_start(today, stale_days)

        return first_lead
    return None


class FirstLoad(Future[object]):
    """The start-up read: ``grace`` is how long the first frame may wait for it."""

    grace = 0.0


def prefetch(section: str, today: date, stale_days: int) -> FirstLoad | None:
    """Start reading the section's first data (in a child process, else on a thread)."""
    load = _loader(section, today, stale_days)
    if load is None:
        return None
    if hasattr(os, "fork"):
        with contextlib.suppress(OSError):
            return _forked(load)
    return _threaded(load)


def _forked(load: Callable[[], object]) -> FirstLoad:
    from models.tables import database

    database.close()  # the child opens its own connection; the parent reopens on next use
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: read, hand back, and leave without running anything else
        os.close(read_end)
        with os.fdopen(write_end, "wb") as pipe:
            _read_first(load, pipe)
        os._exit(0)
    os.close(write_end)
    return _collect(pid, os.fdopen(read_end, "rb"))


def _read_first(load: Callable[[], object], pipe: IO[bytes]) -> None:
    """In the child: read the first data and write it to ``pipe`` (or why it could not)."""
    from models.db import close_store, session

    try:
        with session():
            payload = pickle.dumps((True, load()))
    except BaseException as exc:  # reported by the parent, as any failed read
        payload = pickle.dumps((False, f"{type(exc).__name__}: {exc}"))
    finally:
        close_store()
    pipe.write(payload)


def _collect(pid: int, pipe: IO[bytes]) -> FirstLoad:
    """The future of what the child ``pid`` writes next to ``pipe`` (read on a thread)."""
    future = FirstLoad()
    future.grace = WAIT_S

    def collect() -> None:
        with pipe:
            try:
                ok, value = pickle.load(pipe)
            except Exception as exc:  # the child died before it could answer
                ok, value = False, f"{type(exc).__name__}: {exc}"
        os.waitpid(pid, 0)
        if ok:
            future.set_result(value)
        else:
            future.set_exception(RuntimeError(value))

    threading.Thread(target=collect, name="yeji-prefetch", daemon=True).start()
    return future


@dataclass(frozen=True)
class Opened:
    """What the child found opening the store: what to tell the user, and who they are."""

    notices: tuple[str, ...]
    actor: Actor
    first_load: FirstLoad | None
    #: the store's last audit entry before the first data was read (``models.audit``)
    last_entry: int


class OpenFailed(Exception):
    """The child could not open the store: ``message`` says why, as a command would."""

    def __init__(self, message: str, code: int) -> None:
        super().__init__(message)
        self.code = code


class StoreChild:
    """A child process opening the store and reading the first data (``open_in_child``)."""

    def __init__(self, pid: int, pipe: IO[bytes]) -> None:
        self._pid, self._pipe = pid, pipe

    def opened(self) -> Opened:
        """Wait for the child to have opened the store (OpenFailed if it could not)."""
        try:
            said = pickle.load(self._pipe)
        except Exception as exc:  # the child died before it could answer
            said = ("failed", f"{type(exc).__name__}: {exc}", 1)
        if said[0] == "failed":
            self._pipe.close()
            os.waitpid(self._pid, 0)
            raise OpenFailed(said[1], said[2])
        _, notices, actor, last_entry, loads = said
        first = _collect(self._pid, self._pipe) if loads else None
        if first is None:
            self._pipe.close()
            os.waitpid(self._pid, 0)
        return Opened(notices, actor, first, last_entry)


def open_in_child(ctx: Context, section: str) -> StoreChild | None:
    """Fork a child that opens the store and reads ``section``'s first data (None where the
    system cannot fork: the caller opens the store itself)."""
    if not hasattr(os, "fork"):
        return None
    try:
        read_end, write_end = os.pipe()
        pid = os.fork()
    except OSError:
        return None
    if pid == 0:  # the child: open, read, hand back, and leave without running anything else
        os.close(read_end)
        with os.fdopen(write_end, "wb") as pipe:
            load = _loader(section, ctx.today, ctx.settings.stale_days)
            if _open_for_parent(ctx, pipe, reads=load is not None) and load is not None:
                _read_first(load, pipe)
        os._exit(0)
    os.close(write_end)
    return StoreChild(pid, os.fdopen(read_end, "rb"))


def open_for_tui(ctx: Context) -> list[str]:
    """Open the store as the TUI does: what the user should be told (an upgrade, said on
    stderr too; a store that can only be read)."""
    from models.db import opened_store
    from yeji_tui.cli_context import open_store

    notices = open_store(ctx)
    opened = opened_store()
    if opened is not None and opened.read_only:
        notices.append(ctx.t(f"store.read_only.{opened.read_only}", path=opened.path))
    return notices


def open_again(ctx: Context) -> None:
    """Open the store in the TUI's own process, after the child has (nothing left to upgrade)."""
    from models.db import open_store

    open_store(ctx.db_path, create=False, read_only=ctx.read_only)


def last_entry() -> int:
    """The store's last audit entry, read before the first data: the app compares it once its
    watcher runs, and reads again if another process changed the store in between."""
    from models.audit import last_entry as audit_entry
    from models.db import session

    with session():
        return audit_entry()


def _open_for_parent(ctx: Context, pipe: IO[bytes], *, reads: bool) -> bool:
    """In the child: open the store as the TUI would and tell the parent what came of it."""
    from yeji_tui.cli_errors import EXIT_INTERRUPTED, explain, tell_when_waiting

    try:
        tell_when_waiting(ctx.t)  # an upgrade waiting for another writer says so
        notices = open_for_tui(ctx)
        from models.access import current_actor

        said: tuple[object, ...] = ("opened", tuple(notices), current_actor(), last_entry(), reads)
    except BaseException as exc:
        if os.environ.get("YEJI_DEBUG"):
            message, code = traceback.format_exc(), 1
        else:
            message, code = (
                explain(exc, ctx.t) if isinstance(exc, Exception) else ("", EXIT_INTERRUPTED)
            )
        pipe.write(pickle.dumps(("failed", message, code)))
        return False
    pipe.write(pickle.dumps(said))
    pipe.flush()
    return True


def _threaded(load: Callable[[], object]) -> FirstLoad:
    from models.db import session

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
