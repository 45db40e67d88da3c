"""Pictures of the units screen on the worked example, as of 2022-09-10: the heatmap, and the
ranking with its formula."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.snapshots.test_pipeline_snapshots import SIZES, app_for, loaded


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_units_heatmap(sample_store: Path, snap_compare, size: tuple[int, int]) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(app_for(sample_store), terminal_size=size, press=["3"], run_before=loaded)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_units_ranking(sample_store: Path, snap_compare, size: tuple[int, int]) -> None:  # type: ignore[no-untyped-def]
    press = ["3", "o"]
    assert snap_compare(app_for(sample_store), terminal_size=size, press=press, run_before=loaded)
