"""Pictures of the overview, where the picture is the truth: layout at 80×24, 120×40, 200×60."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from textual.pilot import Pilot

from yeji_tui.app import YejiApp


async def loaded(pilot: Pilot[None]) -> None:
    for _ in range(3):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()


@pytest.mark.parametrize("size", [(80, 24), (120, 40), (200, 60)], ids=lambda s: f"{s[0]}x{s[1]}")
def test_overview_of_the_worked_example(
    sample_store: Path, snap_compare, size: tuple[int, int]
) -> None:  # type: ignore[no-untyped-def]
    app = YejiApp(db_path=sample_store, today=date(2022, 9, 10), watch_seconds=3600)
    assert snap_compare(app, terminal_size=size, run_before=loaded)


def test_overview_in_english_at_80x24(sample_store: Path, snap_compare) -> None:  # type: ignore[no-untyped-def]
    app = YejiApp(db_path=sample_store, today=date(2022, 9, 10), lang="en", watch_seconds=3600)
    assert snap_compare(app, terminal_size=(80, 24), run_before=loaded)


def test_help_panel_at_120x40(sample_store: Path, snap_compare) -> None:  # type: ignore[no-untyped-def]
    app = YejiApp(db_path=sample_store, today=date(2022, 9, 10), watch_seconds=3600)
    assert snap_compare(app, terminal_size=(120, 40), press=["question_mark"], run_before=loaded)
