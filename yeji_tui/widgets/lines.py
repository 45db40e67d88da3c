"""What the widgets drawn line by line (Textual's Line API) share: their own colours, worked out
once per style change rather than for every line."""

from __future__ import annotations

from rich.style import Style
from textual.widget import Widget


class LineDrawn(Widget):
    """A widget that draws itself a line at a time (the pipeline's columns, the units' heatmap
    and outline). ``rich_style`` walks the widget's parents on every read (~0.1 ms): read for
    each of a hundred lines a frame, it was the larger part of drawing them."""

    _base_style: Style | None = None

    @property
    def base_style(self) -> Style:
        """The widget's own colours (background and text), as of its last style change."""
        if self._base_style is None:
            self._base_style = self.rich_style
        return self._base_style

    def notify_style_update(self) -> None:
        self._base_style = None  # a theme or a pseudo-class changed them: work them out again
        super().notify_style_update()
