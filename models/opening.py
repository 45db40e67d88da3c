"""The store's opening in this process, put off until it is first used.

The TUI has a child process open the store and read the first screen's data while Textual
loads (``yeji_tui.prefetch``); this process binds the store only after its first frame, so
that Peewee and the store's modules (and a server's driver) are not imported before it. Until
then the opener waits here: the app runs it right after the first frame, or the first piece of
store work (``models.db.session``) does, whichever comes first. Nothing here imports Peewee.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

_pending: Callable[[], object] | None = None
_lock = threading.Lock()


def open_later(opener: Callable[[], object]) -> None:
    """Have ``opener`` bind the store when it is first needed."""
    global _pending
    with _lock:
        _pending = opener


def pending() -> bool:
    """Whether the store is still to be opened in this process."""
    return _pending is not None


def open_now() -> None:
    """Run the pending opener, if any (once; one that failed is tried again next time)."""
    global _pending
    if _pending is None:  # the usual case, without the lock
        return
    with _lock:
        if _pending is not None:
            _pending()
            _pending = None
