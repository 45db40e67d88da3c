"""Watching for other processes' commits to the store (the TUI reloads what they changed)."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

from models import postgres
from models.opened import opened_store
from models.store_url import StoreUrl
from models.storefile import connect_read_only
from models.write_lock import BUSY_TIMEOUT_S


class ChangeWatcher:
    """Tells whether any other connection committed to the store since the last look.

    Uses SQLite's ``PRAGMA data_version`` on a connection of its own (the value is per
    connection, and Peewee gives every worker thread a new one). Costs microseconds a call.
    """

    def __init__(self, path: Path | str) -> None:
        self._listener: postgres.ChangeListener | None = None
        if not isinstance(path, Path):  # a PostgreSQL URL: LISTEN instead
            self._listener = postgres.ChangeListener(StoreUrl(path))
            return
        opened = opened_store()
        self._conn = (
            connect_read_only(path)
            if opened is not None and opened.read_only
            else sqlite3.connect(str(path), check_same_thread=False, timeout=BUSY_TIMEOUT_S)
        )
        self._lock = threading.Lock()
        self._last = self._version()

    def _version(self) -> int:
        with self._lock:
            return int(self._conn.execute("PRAGMA data_version").fetchone()[0])

    def absorb(self) -> None:
        """Our own commit: not a change to react to (the screen that wrote reloads anyway)."""
        if self._listener is not None:
            self._listener.absorb()
            return
        self._last = self._version()

    def changed(self) -> bool:
        """True once after each commit made elsewhere."""
        if self._listener is not None:
            return self._listener.changed()
        now = self._version()
        changed, self._last = now != self._last, now
        return changed

    def wait(self, timeout_s: float) -> None:
        """Until another's commit can be seen by ``changed`` (at most ``timeout_s``): at once in
        a file, where a commit is seen as it is made; on a server, until its NOTIFY arrives."""
        if self._listener is not None:
            self._listener.wait(timeout_s)

    def close(self) -> None:
        """Close the watching connection."""
        if self._listener is not None:
            self._listener.close()
            return
        with self._lock:
            self._conn.close()
