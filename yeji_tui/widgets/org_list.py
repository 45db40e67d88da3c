"""The organisation as an outline — groups, their units, outposts of no group — each line with
this month's quota marks, drawn through the Line API (Textual's Tree cost a tenth of the units
screen's start-up for a list that never folds)."""

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


@dataclass(frozen=True)
class OrgLine:
    """A line: ``key`` like ``unit:区经信局`` ("" for a heading without a page), its name, its
    depth (0 for a group), whether it is the last of its group, and (mark, status) pairs."""

    key: str
    name: str
    depth: int
    last: bool
    marks: tuple[tuple[str, str], ...] = ()


class OrgList(LineDrawn, can_focus=True):
    """Up and down (or j/k) move; Enter opens the line's page."""

    COMPONENT_CLASSES = {
        "org-list--group",
        "org-list--guide",
        "org-list--met",
        "org-list--in_progress",
        "org-list--missed",
        "org-list--cursor",
    }
    DEFAULT_CSS = """
    OrgList {
        height: 1fr;
        & > .org-list--group { text-style: bold; }
        & > .org-list--guide { color: $text-muted; }
        & > .org-list--met { color: $text-success; text-style: bold; }
        & > .org-list--in_progress { color: $text-warning; text-style: bold; }
        & > .org-list--missed { color: $text-error; text-style: bold; }
        & > .org-list--cursor { text-style: reverse; }
    }
    """
    BINDINGS = [
        Binding("up,k", "move(-1)", show=False),
        Binding("down,j", "move(1)", show=False),
        Binding("enter", "pick", show=False),
    ]

    class Picked(Message):
        """Enter on a line with a page."""

        def __init__(self, key: str) -> None:
            super().__init__()
            self.key = key

    def __init__(self, *, id: str) -> None:
        super().__init__(id=id)
        self.lines: tuple[OrgLine, ...] = ()
        self.cursor = 0
        self.top = 0

    def show(self, lines: tuple[OrgLine, ...]) -> None:
        """New lines; the cursor stays where it was, as far as it can."""
        self.lines = lines
        self.cursor = min(self.cursor, max(0, len(lines) - 1))
        self.refresh()

    def action_move(self, step: int) -> None:
        """Move the cursor a line."""
        before = self.cursor
        self.cursor = max(0, min(len(self.lines) - 1, self.cursor + step))
        height = max(1, self.size.height)
        top = self.top
        self.top = min(self.top, self.cursor)
        self.top = max(self.top, self.cursor - height + 1)
        if top != self.top:
            self.refresh()
        else:
            for y in {before, self.cursor}:
                self.refresh(Region(0, y - self.top, self.size.width, 1))

    def action_pick(self) -> None:
        """Open the page of the line under the cursor."""
        if self.lines and self.lines[self.cursor].key:
            self.post_message(self.Picked(self.lines[self.cursor].key))

    def _style(self, name: str) -> Style:
        return self.get_component_rich_style(f"org-list--{name}")

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        base = self.base_style
        index = self.top + y
        if index >= len(self.lines):
            return Strip.blank(width, base)
        line = self.lines[index]
        guide = "" if line.depth == 0 else ("└ " if line.last else "├ ")
        name_style = self._style("group") if line.depth == 0 else base
        if index == self.cursor and self.has_focus:
            name_style += self._style("cursor")
        marks = "".join(m for m, _ in line.marks)
        name_width = max(1, width - cell_width(guide) - len(marks) - 1)
        segments = [
            Segment(guide, self._style("guide")),
            Segment(fit(clean_text(line.name), name_width), name_style),
            Segment(" ", base),
            *(Segment(mark, self._style(status)) for mark, status in line.marks),
        ]
        return Strip(segments).adjust_cell_length(width, base)

    def on_focus(self) -> None:
        self.refresh()

    def on_blur(self) -> None:
        self.refresh()
