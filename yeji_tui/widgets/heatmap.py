"""The quota heatmap: subjects down, months across, one quota at a time, drawn through the Line
API (a Strip per line, styles from component classes). A DataTable drew the same in three times
the time at start-up, and rewrote cells on every mouse move."""

from __future__ import annotations

from dataclasses import dataclass

from rich.segment import Segment
from rich.style import Style
from textual.binding import Binding
from textual.geometry import Region
from textual.message import Message
from textual.strip import Strip

from yeji_tui.text import cell_width, clean_text, fit
from yeji_tui.widgets.lines import LineDrawn

NAME_WIDTH = 21  # 10 CJK characters and a space: the least the name column takes
MAX_NAME_WIDTH = 25  # a group's 【智能家居产业招商组】 and its gap, before the months
CELL_WIDTH = 8


@dataclass(frozen=True)
class HeatCell:
    """One subject's quota in one month: ``text`` like ``1/2 ✘`` and its state."""

    text: str
    status: str  # met | in_progress | missed


@dataclass(frozen=True)
class HeatRow:
    """A subject (``key`` like ``unit:区经信局``), its name, and a cell per month (None: the
    month has not come)."""

    key: str
    name: str
    cells: tuple[HeatCell | None, ...]


class HeatGrid(LineDrawn, can_focus=True):
    """Arrows (or h/j/k/l) move the cursor; Enter asks for the records behind a cell."""

    COMPONENT_CLASSES = {
        "heat-grid--header",
        "heat-grid--met",
        "heat-grid--in_progress",
        "heat-grid--missed",
        "heat-grid--none",
        "heat-grid--cursor",
    }
    DEFAULT_CSS = """
    HeatGrid {
        height: 1fr;
        & > .heat-grid--header { text-style: bold; background: $boost; }
        & > .heat-grid--met { color: $text-success; text-style: bold; }
        & > .heat-grid--in_progress { color: $text-warning; text-style: bold; }
        & > .heat-grid--missed { color: $text-error; text-style: bold; }
        & > .heat-grid--none { color: $text-muted; }
        & > .heat-grid--cursor { text-style: reverse; }
    }
    """
    BINDINGS = [
        Binding("up,k", "move(0, -1)", show=False),
        Binding("down,j", "move(0, 1)", show=False),
        Binding("left,h", "move(-1, 0)", show=False),
        Binding("right,l", "move(1, 0)", show=False),
        Binding("enter", "pick", show=False),
    ]

    class Picked(Message):
        """Enter on a cell: the subject's key and the month."""

        def __init__(self, key: str, month: str) -> None:
            super().__init__()
            self.key, self.month = key, month

    def __init__(self, *, id: str) -> None:
        super().__init__(id=id)
        self.heading = ""
        self.months: tuple[str, ...] = ()
        self.rows: tuple[HeatRow, ...] = ()
        self.row = 0
        self.column = 0
        self.top = 0
        self.left = 0  # the first month shown: a narrow terminal shows a few at a time
        self.name_width = NAME_WIDTH

    def show(self, heading: str, months: tuple[str, ...], rows: tuple[HeatRow, ...]) -> None:
        """New contents; the cursor stays where it was, as far as it can."""
        self.heading, self.months, self.rows = heading, months, rows
        # the longest name and a gap: a cut name must never run into its first cell
        longest = max((cell_width(clean_text(r.name)) for r in rows), default=0)
        self.name_width = max(NAME_WIDTH, min(MAX_NAME_WIDTH, longest + 1))
        self.row = min(self.row, max(0, len(rows) - 1))
        self.column = min(self.column, max(0, len(months) - 1))
        self.refresh()

    @property
    def current(self) -> tuple[HeatRow, str] | None:
        """The row and month under the cursor."""
        if not self.rows or not self.months:
            return None
        return self.rows[self.row], self.months[self.column]

    def action_move(self, dx: int, dy: int) -> None:
        """Move the cursor by a column or a row."""
        before = self.row
        self.column = max(0, min(len(self.months) - 1, self.column + dx))
        self.row = max(0, min(len(self.rows) - 1, self.row + dy))
        fits = max(1, self.size.height - 1)
        top, left = self.top, self.left
        self.top = max(min(self.top, self.row), self.row - fits + 1)
        self._keep_column_visible()
        if (top, left) != (self.top, self.left):
            self.refresh()
        else:  # the two lines that changed
            for row in {before, self.row}:
                self.refresh(Region(0, 1 + row - self.top, self.size.width, 1))

    @property
    def visible_months(self) -> int:
        """How many months fit beside the names."""
        return max(1, (self.size.width - self.name_width) // CELL_WIDTH)

    def _keep_column_visible(self) -> None:
        shown = self.visible_months
        self.left = max(min(self.left, self.column), self.column - shown + 1)

    def action_pick(self) -> None:
        """Ask for the records behind the cursor's cell."""
        found = self.current
        if found is not None and found[0].cells[self.column] is not None:
            self.post_message(self.Picked(found[0].key, found[1]))

    def _style(self, name: str) -> Style:
        return self.get_component_rich_style(f"heat-grid--{name}")

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        base = self.base_style
        self._keep_column_visible()  # the width is known only now, on the first frame
        shown = range(self.left, min(len(self.months), self.left + self.visible_months))
        if y == 0:
            more = "›" if shown.stop < len(self.months) else ""
            head = ("‹ " if self.left else "") + self.heading
            inner = CELL_WIDTH - 1
            months = "".join(f"{fit(self.months[i], inner, align='right')} " for i in shown)
            text = fit(head, self.name_width - 1) + " " + months + more
            return Strip([Segment(fit(text, width), self._style("header"))]).adjust_cell_length(
                width, base
            )
        index = self.top + y - 1
        if index >= len(self.rows):
            return Strip.blank(width, base)
        row = self.rows[index]
        name = fit(clean_text(row.name), self.name_width - 1) + " "
        segments = [Segment(name, base)]
        for column in shown:
            cell = row.cells[column]
            style = self._style(cell.status if cell else "none")
            if index == self.row and column == self.column and self.has_focus:
                style += self._style("cursor")
            # right-aligned: "8/1 ✔" under "21/1 ✔", the slashes and marks in one column
            text = fit(cell.text if cell else "—", CELL_WIDTH - 1, align="right")
            segments += [Segment(text, style), Segment(" ", base)]
        return Strip(segments).adjust_cell_length(width, base)

    def on_focus(self) -> None:
        self.refresh()

    def on_blur(self) -> None:
        self.refresh()
