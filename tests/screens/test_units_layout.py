"""What the overview and the heatmap look like in lines of text: in English at 120×40 no word
of a state or a stage is wrapped or cut, and the heatmap's columns line up for groups too."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from textual.app import App, ComposeResult

from screens.overview import OverviewScreen
from tests.screens.pilot import settle
from yeji_tui.app import YejiApp
from yeji_tui.text import cell_width
from yeji_tui.widgets.heatmap import HeatCell, HeatGrid, HeatRow


def lines_of(widget: object) -> list[str]:
    """The widget's rendered text, line by line."""
    return str(widget.render()).splitlines()  # type: ignore[attr-defined]


async def test_english_overview_at_120x40_keeps_states_and_stages_whole(
    sample_store: Path,
) -> None:
    app = YejiApp(db_path=sample_store, today=date(2022, 9, 10), lang="en", watch_seconds=3600)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        assert isinstance(app.screen, OverviewScreen)
        behind = lines_of(app.screen.query_one("#behind"))
        quota_lines = [line for line in behind if "/" in line]
        assert quota_lines, behind
        # every quota line ends with its whole state: nothing wrapped to the next line
        assert all(line.rstrip().endswith(("in progress", "missed", "met")) for line in quota_lines)
        latest = lines_of(app.screen.query_one("#latest"))
        assert latest and all(" signed " in line or " started " in line for line in latest)
        assert not any("sign…" in line or "start…" in line for line in latest)


class GridApp(App[None]):
    """The heatmap alone, as the units screen shows it for the valid-lead quota."""

    def compose(self) -> ComposeResult:
        yield HeatGrid(id="heatmap")


async def test_heatmap_group_rows_line_up_with_unit_rows_and_never_touch_their_cells() -> None:
    months = ("2022-07", "2022-08", "2022-09")
    rows = (
        HeatRow("group:a", "【智能家居产业招商组】", (HeatCell("21/1 ✔", "met"),) * 3),
        HeatRow("group:b", "【一组】", (HeatCell("8/1 ✔", "met"), None, None)),
        HeatRow("unit:c", "上海招商中心", (HeatCell("12/12 ✔", "met"),) * 3),
    )
    app = GridApp()
    async with app.run_test(size=(80, 10)) as pilot:
        grid = app.query_one(HeatGrid)
        grid.show("小组 / 单位", months, rows)
        await pilot.pause()
        header = grid.render_line(0).text
        shown = [grid.render_line(y).text for y in (1, 2, 3)]
        # the whole group name and a gap, then the cells
        assert "【智能家居产业招商组】 " in shown[0]
        # the marks of July stand in one column, under the end of the month's heading
        ends = {cell_width(line[: line.index("✔")]) for line in shown}
        assert len(ends) == 1
        assert cell_width(header[: header.index("2022-07")]) + len("2022-07") - 1 == ends.pop()
        assert shown[1].rstrip().endswith("—")
