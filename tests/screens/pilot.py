"""Helpers for Pilot tests: let the app finish its work without hiding a worker's crash."""

from __future__ import annotations

from typing import Any

from yeji_tui.app import YejiApp


async def settle(app: YejiApp, pilot: Any, rounds: int = 4) -> None:
    """Let workers finish and their messages land. A worker that failed fails the test
    (``WorkerFailed``): a crash in a worker is a bug even when the app reports it politely."""
    for _ in range(rounds):
        await app.workers.wait_for_complete()
        await pilot.pause()
