"""The first data of the section the TUI opens on, read before Textual is imported.

Read alongside the import, the reading thread would wait on the GIL after every SQLite call;
read first, with a bounded wait, the section's first frame already has its numbers. A slower
store lets the screen draw and fill in when the thread is done.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable
from concurrent.futures import Future
from datetime import date

from models.db import session

#: How long start-up waits for the first data before drawing without it.
WAIT_S = 0.25
#: Cards per column the pipeline loads at a time (yeji_tui.widgets.kanban.PAGE).
PIPELINE_PAGE = 40


def _loader(section: str, today: date) -> Callable[[], object] | None:
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


def prefetch(section: str, today: date) -> Future[object] | None:
    """Start reading the section's first data on a thread; wait for it a little."""
    load = _loader(section, today)
    if load is None:
        return None
    future: Future[object] = Future()

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
    """The result, if the future finished without an error (never waits)."""
    if future is None or not future.done() or future.exception() is not None:
        return None
    return future.result()
