"""A read-only store in the TUI: it reads, and a refused write says why, once."""

from __future__ import annotations

from pathlib import Path

from models.db import close_store, open_store
from models.tables import Lead
from tests.screens.test_pipeline import (
    TODAY,
    board_store,
    make_app,
    open_pipeline,
    settle,
    until,
)
from yeji_tui.app import YejiApp

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


async def test_what_opening_found_is_said_once_at_start_up(board_store: Path) -> None:
    app = YejiApp(
        db_path=board_store,
        today=TODAY,
        watch_seconds=3600,
        notices=("数据库为只读（--read-only），不能修改：x",),
    )
    async with app.run_test(size=(120, 40)) as pilot:
        await until(pilot, lambda: bool(app._notifications))
        assert [n.message for n in app._notifications] == [
            "数据库为只读（--read-only），不能修改：x"
        ]
