"""Progress of long work on stderr — import, export, demo, reports — in the user's language.

Shown only when stderr is a terminal, and only once a phase has lasted a moment (``delay``):
quick commands print nothing, and neither does a command whose stderr goes to a file or a pipe.
One line, redrawn in place and cleared at the end. Every phase is also traced for a watching
process (``models.db.trace``: the import benchmark and the crash tests).
"""

from __future__ import annotations

import sys
import threading
import time
from types import TracebackType
from typing import TextIO

from models.db import trace
from yeji_tui.strings import Catalog


class Progress:
    """``with Progress(t) as p: p.phase("progress.reading"); p.count(n)``."""

    def __init__(
        self,
        t: Catalog,
        stream: TextIO | None = None,
        *,
        delay: float = 0.8,
        shown: bool = True,
    ) -> None:
        self.t = t
        self.stream = stream or sys.stderr
        self.shown = shown and _is_terminal(self.stream)
        self.delay = delay
        self._lock = threading.Lock()
        self._key = ""
        self._n: int | None = None
        self._since = time.monotonic()
        self._drawn_at = 0.0
        self._drawn = False
        self._timer: threading.Timer | None = None

    def phase(self, key: str, n: int | None = None) -> None:
        """A new phase of the work (a catalog key taking ``{n}`` if it counts)."""
        trace(f"phase {key.removeprefix('progress.')}")
        with self._lock:
            self._key, self._n = key, n
        if self.shown:
            self._cancel()
            wait = max(0.0, self.delay - (time.monotonic() - self._since))
            self._timer = threading.Timer(wait, self._draw)
            self._timer.daemon = True
            self._timer.start()
        if self._drawn:
            self._draw()

    def count(self, n: int) -> None:
        """How far the phase has got; drawn at most ten times a second."""
        with self._lock:
            self._n = n
        now = time.monotonic()
        if self.shown and now - self._since >= self.delay and now - self._drawn_at >= 0.1:
            self._draw()

    def step(self, key: str, n: int) -> None:
        """How far the work has got: a new phase when ``key`` changes, else its count (a
        message without ``{n}`` ignores the count)."""
        if key == self._key:
            self.count(n)
        else:
            self.phase(key, n)

    def ledger(self, phase: str, n: int) -> None:
        """A ledger write's progress (``models.ledger.Progress``): reading, preparing, writing."""
        self.step(_LEDGER_PHASES.get(phase, "progress.writing"), n)

    def demo(self, phase: str, n: int) -> None:
        """The demo's progress (``yeji_tui.demo.DemoProgress``): leads, activities, indexes."""
        self.step(f"progress.demo_{phase}", n)

    def close(self) -> None:
        """Clear the line: the command's own output follows."""
        self._cancel()
        with self._lock:
            if self._drawn:
                self.stream.write("\r\x1b[K")
                self.stream.flush()
            self._drawn = False
            self.shown = False

    def __enter__(self) -> Progress:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def _cancel(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None

    def _draw(self) -> None:
        with self._lock:
            if not self.shown or not self._key:
                return
            text = self.t(self._key, n=self._n) if self._n is not None else self.t(self._key)
            self.stream.write(f"\r\x1b[K{text}")
            self.stream.flush()
            self._drawn, self._drawn_at = True, time.monotonic()


_LEDGER_PHASES = {
    "read": "progress.reading",
    "prepare": "progress.preparing",
    "ready": "progress.writing",  # waiting for the lock, if another writer has it
    "write": "progress.writing",
    "index": "progress.indexing",  # after the commit: the new leads into the search index
}


def _is_terminal(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False
