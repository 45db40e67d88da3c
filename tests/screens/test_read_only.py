"""A read-only store in the TUI: it reads, and a refused write says why, once."""

from __future__ import annotations

from pathlib import Path

from models.db import close_store, open_store
from models.tables import Lead
from tests.screens.test_pipeline import board_store, make_app, open_pipeline, settle, until

__all__ = ["board_store"]  # the fixture, shared with the pipeline's tests


async def test_a_refused_write_in_a_read_only_store_says_why_and_changes_nothing(
    board_store: Path,
) -> None:
    close_store()
    open_store(board_store, read_only=True)
    app = make_app(board_store)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_pipeline(app, pilot)
        await pilot.press("v")  # mark the largest 线索 valid: a write
        await settle(app, pilot)
        await until(pilot, lambda: bool(app._notifications))
        messages = [n.message for n in app._notifications]
        assert len(messages) == 1 and "数据库为只读（--read-only）" in messages[0]
        assert app.is_running
    assert Lead.get(Lead.company == "金海商贸有限公司").valid_since is None
