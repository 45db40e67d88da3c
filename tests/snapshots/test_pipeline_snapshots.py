"""Pictures of the pipeline and triage on the worked example, as of 2022-09-10."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from textual.pilot import Pilot

from yeji_tui.app import YejiApp

SIZES = [(80, 24), (120, 40)]


async def loaded(pilot: Pilot[None]) -> None:
    for _ in range(4):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()


def app_for(store: Path) -> YejiApp:
    return YejiApp(db_path=store, today=date(2022, 9, 10), watch_seconds=3600)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_pipeline(sample_store: Path, snap_compare, size: tuple[int, int]) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(app_for(sample_store), terminal_size=size, press=["2"], run_before=loaded)


def test_pipeline_filtered_with_cursor_in_second_column(sample_store: Path, snap_compare) -> None:  # type: ignore[no-untyped-def]
    press = ["2", "slash", *"行业:精细化工", "enter", "l", "j"]
    assert snap_compare(
        app_for(sample_store), terminal_size=(120, 40), press=press, run_before=loaded
    )


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_triage(sample_store: Path, snap_compare, size: tuple[int, int]) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(app_for(sample_store), terminal_size=size, press=["4"], run_before=loaded)
