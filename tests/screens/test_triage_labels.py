"""The triage card's labels in English: every value starts in one column (a full-width space
padded the Chinese labels but put the English ones out of line)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.screens.pilot import settle
from tests.screens.test_triage import TODAY, queue_store, shown  # noqa: F401  (fixture)
from yeji_tui.app import YejiApp
from yeji_tui.text import cell_width


@pytest.mark.parametrize("lang", ["zh", "en"])
async def test_triage_card_values_start_in_one_column(queue_store: Path, lang: str) -> None:  # noqa: F811
    app = YejiApp(db_path=queue_store, today=TODAY, lang=lang, watch_seconds=3600)  # type: ignore[arg-type]
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("4")
        await settle(app, pilot)
        lines = shown(app).splitlines()
        values = {
            "Project" if lang == "en" else "项目": "一",
            "Unit" if lang == "en" else "单位": "区经信局",
        }
        starts = set()
        for label, value in values.items():
            line = next(x for x in lines if x.startswith(label))
            starts.add(cell_width(line[: line.index(value)]))
        stage = next(x for x in lines if x.startswith(("Stage ", "阶段")))
        starts.add(cell_width(stage) - cell_width(stage.split()[-1]))
        assert len(starts) == 1, lines
