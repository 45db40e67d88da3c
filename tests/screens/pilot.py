"""Helpers for Pilot tests: let the app finish its work without hiding a worker's crash."""

from __future__ import annotations

import contextlib
from typing import Any

from textual.worker import WorkerFailed

from yeji_tui.app import YejiApp


async def settle(app: YejiApp, pilot: Any, rounds: int = 4, *, failing: bool = False) -> None:
    """Let workers finish and their messages land. A worker that failed fails the test
    (``WorkerFailed``): a crash in a worker is a bug even when the app reports it politely.
    A test that makes a worker fail on purpose (a busy or read-only store) says so with
    ``failing=True`` and asserts on what the app reported instead."""
    for _ in range(rounds):
        if failing:
            with contextlib.suppress(WorkerFailed):
                await app.workers.wait_for_complete()
        else:
            await app.workers.wait_for_complete()
        await pilot.pause()
