"""A change made in the TUI while another process (an import) holds the write lock: the app says
it waits, and if the wait runs out, says the change was not saved — never "could not load"."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from models import write_lock
from models.tables import Lead
from tests.screens.test_pipeline import board_store, make_app, open_pipeline, settle

__all__ = ["board_store"]  # the fixture, shared with the pipeline's tests


async def test_a_change_on_a_busy_store_says_it_waits_then_that_nothing_was_saved(
    board_store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(write_lock, "BUSY_WAIT_S", 0.3)
    monkeypatch.setattr(write_lock, "QUIET_WAIT_S", 0.1)
    app = make_app(board_store)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_pipeline(app, pilot)
        holder = sqlite3.connect(board_store, isolation_level=None)
        holder.execute("BEGIN IMMEDIATE")  # another process's import, writing
        try:
            await pilot.press("v")  # report 金海商贸 valid: a write
            await settle(app, pilot, failing=True)
        finally:
            holder.execute("ROLLBACK")
        messages = [n.message for n in app._notifications]
        assert messages == [
            "另一项导入正在写入，稍候…",
            "另一项导入正在写入，等待超时，本次未保存，请稍后再试",
        ]
        assert Lead.get(Lead.company == "金海商贸有限公司").valid_since is None
        await pilot.press("v")  # the store is free again: the same key works
        await settle(app, pilot)
        assert Lead.get(Lead.company == "金海商贸有限公司").valid_since is not None
