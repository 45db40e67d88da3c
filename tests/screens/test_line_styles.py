"""Widgets drawn line by line keep their own colours between frames (widgets/lines.py), and
take the new ones when the theme changes: the units' heatmap and outline."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.screens import test_units
from tests.screens.test_pipeline import make_app
from tests.screens.test_units import open_units

units_store = test_units.units_store


@pytest.mark.parametrize("widget", ["#heatmap", "#unit-tree"])
async def test_a_theme_change_repaints_the_units_lines_in_the_new_colours(
    units_store: Path, widget: str
) -> None:
    app = make_app(units_store)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_units(app, pilot)
        drawn = screen.query_one(widget)

        def background() -> object:  # of a line below the last: the widget's own colours
            blank = list(drawn.render_line(drawn.size.height - 1))[-1]
            return blank.style.bgcolor if blank.style else None

        before = background()
        app.theme = "textual-light" if app.theme != "textual-light" else "nord"
        await pilot.pause()
        assert before != background() == drawn.rich_style.bgcolor
