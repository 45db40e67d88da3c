"""A pipeline column: one widget per stage, rendering only the cards that fit.

No widget per lead: the column holds the stage's totals and a cache of loaded pages keyed by
position, and draws the cards between ``top`` and the bottom of its height. The screen loads the
pages a column asks for (``page_needed``) in a worker.
"""

from __future__ import annotations

from datetime import date

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.geometry import Region
from textual.message import Message
from textual.strip import Strip

from models.records import LeadCard
from yeji_tui.strings import Catalog
from yeji_tui.text import cell_width, clean_text, fit, yi
from yeji_tui.widgets.lines import LineDrawn

#: lines a card takes: company, project, amount and industry, unit and days; then a gap
CARD_LINES = 4
CARD_HEIGHT = CARD_LINES + 1
#: cards loaded at a time
PAGE = 40
#: lines above and below the cards: header, rule; position
CHROME = 3


def _fits(height: int) -> int:
    return max(1, (height - CHROME + 1) // CARD_HEIGHT)


class StageColumn(LineDrawn):
    """The cards of one stage, with its count and total amount in the header."""

    COMPONENT_CLASSES = {
        "stage-column--header",
        "stage-column--header-active",
        "stage-column--rule",
        "stage-column--edge",
        "stage-column--company",
        "stage-column--muted",
        "stage-column--mark",
        "stage-column--stale",
        "stage-column--cursor",
        "stage-column--cursor-inactive",
    }
    DEFAULT_CSS = """
    StageColumn {
        width: 1fr;
        height: 1fr;
        & > .stage-column--header { text-style: bold; }
        & > .stage-column--header-active { text-style: bold reverse; color: $text-accent; }
        & > .stage-column--rule { color: $primary 50%; }
        & > .stage-column--edge { color: $primary 30%; }
        & > .stage-column--company { text-style: bold; }
        & > .stage-column--muted { color: $text-muted; }
        & > .stage-column--mark { color: $text-warning; text-style: bold; }
        & > .stage-column--stale { color: $text-error; text-style: bold; }
        & > .stage-column--cursor { text-style: reverse; }
        & > .stage-column--cursor-inactive { text-style: underline; }
    }
    """

    class Picked(Message):
        """A card was clicked: the board makes this column active and the card the cursor's."""

        def __init__(self, column: StageColumn, index: int) -> None:
            super().__init__()
            self.column, self.index = column, index

    class Scrolled(Message):
        """The mouse wheel scrolled the column: cards may need loading."""

        def __init__(self, column: StageColumn) -> None:
            super().__init__()
            self.column = column

    def __init__(self, stage: str, t: Catalog, *, today: date, stale_days: int) -> None:
        super().__init__(id=f"column-{stage}")
        self.stage = stage
        self.t = t
        self.today = today
        self.stale_days = stale_days
        self.total = 0
        self.amount_wan = 0
        self.cursor = 0
        self.top = 0
        self.cards: dict[int, LeadCard] = {}
        self.loaded = False
        self._active = False
        #: lead ids chosen for the what-if (the app's, shared)
        self.chosen: dict[int, LeadCard] = {}

    # --- state the screen sets -------------------------------------------------------------

    def set_active(self, active: bool) -> None:
        """Whether the cursor is in this column: repaints the header and the cursor's card only
        (a whole column over SSH is ~5 KB; these lines are a few hundred bytes)."""
        self._active = active
        self._repaint(self.cursor, header=True)

    @property
    def active(self) -> bool:
        """Whether the cursor is in this column."""
        return self._active

    def _card_region(self, index: int) -> Region | None:
        if not self.top <= index < self.top + self.fits:
            return None
        y = 2 + (index - self.top) * CARD_HEIGHT
        return Region(0, y, self.size.width, CARD_LINES)

    def _repaint(self, *indexes: int, header: bool = False) -> None:
        width = self.size.width
        regions = [r for r in (self._card_region(i) for i in indexes) if r is not None]
        if header:
            regions.append(Region(0, 0, width, 1))
        regions.append(Region(0, max(0, self.size.height - 1), width, 1))  # position
        self.refresh(*regions)

    def reset(self, total: int, amount_wan: int) -> None:
        """New totals after a load: forget cached cards, keep the cursor where it fits."""
        self.total, self.amount_wan = total, amount_wan
        self.cards.clear()
        self.loaded = True
        self.cursor = min(self.cursor, max(0, total - 1))
        self._keep_cursor_visible()
        self.refresh()

    def put_page(self, offset: int, cards: list[LeadCard]) -> None:
        """Cards loaded from ``offset`` on."""
        for i, card in enumerate(cards):
            self.cards[offset + i] = card
        # keep memory flat on 100k-lead stages: drop pages far from the cursor
        if len(self.cards) > PAGE * 6:
            keep = range(self.cursor - PAGE * 2, self.cursor + PAGE * 2)
            self.cards = {i: c for i, c in self.cards.items() if i in keep}
        self.refresh()

    # --- the cursor ----------------------------------------------------------------------

    @property
    def fits(self) -> int:
        """How many cards fit."""
        return _fits(self.size.height)

    def move_cursor(self, delta: int) -> bool:
        """Move the cursor by ``delta`` cards; False if it could not move."""
        target = max(0, min(self.total - 1, self.cursor + delta))
        if target == self.cursor or self.total == 0:
            return False
        before, top = self.cursor, self.top
        self.cursor = target
        self._keep_cursor_visible()
        if self.top == top:
            self._repaint(before, target)  # only the two cards that changed
        else:
            self.refresh()
        return True

    def scroll_cards(self, delta: int) -> bool:
        """Scroll the view by ``delta`` cards, taking the cursor along where it would leave it."""
        top = max(0, min(self.top + delta, max(0, self.total - self.fits)))
        if top == self.top:
            return False
        self.top = top
        self.cursor = max(top, min(self.cursor, top + self.fits - 1, self.total - 1))
        self.refresh()
        return True

    def index_at(self, y: int) -> int | None:
        """The card drawn at line ``y``, if any."""
        index, line = divmod(y - 2, CARD_HEIGHT)
        index += self.top
        if (
            y < 2
            or line >= CARD_LINES
            or not self.top <= index < min(self.total, self.top + self.fits)
        ):
            return None
        return index

    def on_click(self, event: events.Click) -> None:
        index = self.index_at(event.y)
        if index is not None:
            self.post_message(self.Picked(self, index))

    def on_mouse_scroll_down(self, event: events.MouseScrollDown) -> None:
        if self.scroll_cards(1):
            self.post_message(self.Scrolled(self))
        event.stop()

    def on_mouse_scroll_up(self, event: events.MouseScrollUp) -> None:
        if self.scroll_cards(-1):
            self.post_message(self.Scrolled(self))
        event.stop()

    def _keep_cursor_visible(self) -> None:
        # Jump, don't creep: leaving the view brings a fresh screenful, so only one move in
        # several repaints the whole column (over SSH, ~5 KB each time instead of ~1 KB).
        if self.cursor < self.top:
            self.top = max(0, self.cursor - self.fits + 2)
        elif self.cursor >= self.top + self.fits:
            self.top = self.cursor - 1
        self.top = max(0, min(self.top, max(0, self.total - self.fits)))

    def current(self) -> LeadCard | None:
        """The card under the cursor, if loaded."""
        return self.cards.get(self.cursor) if self.total else None

    def page_needed(self) -> int | None:
        """The offset of a page to load so that every visible card is there, if one is missing."""
        if not self.loaded:
            return None
        for i in range(self.top, min(self.total, self.top + self.fits + 1)):
            if i not in self.cards:
                return max(0, (i // PAGE) * PAGE)
        return None

    def select(self, lead_id: int) -> bool:
        """Put the cursor on a loaded card (after a move), if it is there."""
        for i, card in self.cards.items():
            if card.id == lead_id:
                self.cursor = i
                self._keep_cursor_visible()
                self.refresh()
                return True
        return False

    # --- drawing (the Line API: each line is built from segments, only when it is shown) --

    def text(self) -> str:
        """What the column shows, as plain text (for tests and screen readers)."""
        return "\n".join(self.render_line(y).text.rstrip() for y in range(self.size.height))

    def _style(self, name: str) -> Style:
        return self.get_component_rich_style(f"stage-column--{name}")

    def render_line(self, y: int) -> Strip:
        # The margin and the edge are drawn here, not by CSS padding and border: each of those
        # costs Textual another pass over every line of every column on every paint.
        size = self.size  # read once: each read works out the layout region again
        width, height = max(8, size.width - 3), size.height
        base = self.base_style
        if y == 0:
            segments = self._header(width)
        elif y == 1:
            segments = [Segment("─" * width, self._style("rule"))]
        elif self.total and y == height - 1:
            position = f"{self.cursor + 1}/{self.total}"
            segments = [Segment(fit(position, width, align="right"), self._style("muted"))]
        elif y == 2 and not self.loaded:
            segments = [Segment(fit(self.t("loading"), width), base)]
        elif y == 2 and self.total == 0:
            segments = [Segment(fit(self.t("column_empty"), width), self._style("muted"))]
        else:
            index, line = divmod(y - 2, CARD_HEIGHT)
            index += self.top
            shown = index < min(self.total, self.top + _fits(height))
            if not shown or line >= CARD_LINES:
                segments = [Segment(" " * width, base)]
            else:
                segments = self._card_line(index, line, width)
        # Fitted by our widths; adjusted by Rich's in case a rare character counts differently.
        # One Strip per line (each costs Textual seven caches), one segment per run of a style.
        if sum(cell_len(segment.text) for segment in segments) != width:
            segments = Segment.adjust_line_length(segments, width, base)
        edge = Segment("▕", self._style("edge"))
        parts = Segment.simplify([Segment(" ", base), *segments, Segment(" ", base), edge])
        return Strip(parts, width + 3)

    def _header(self, width: int) -> list[Segment]:
        name = self.t(f"stage.{self.stage}")
        head = f"{name} {self.total}" if self.loaded else name
        amount = f"{yi(self.amount_wan)}亿" if self.loaded else ""
        gap = max(1, width - cell_width(head) - cell_width(amount))
        style = self._style("header-active" if self._active else "header")
        return [Segment(fit(f"{head}{' ' * gap}{amount}", width), style)]

    def _card_line(self, index: int, line: int, width: int) -> list[Segment]:
        card = self.cards.get(index)
        base = self.base_style
        cursor = Style()
        if index == self.cursor:
            # partial: the cursor adds reverse or underline to each part's own colours
            name = "cursor" if self._active else "cursor-inactive"
            cursor = self.get_component_rich_style(f"stage-column--{name}", partial=True)
        if card is None:
            text = "…" if line == 0 else ""
            return [Segment(fit(text, width), base + (cursor if line == 0 else Style()))]
        if line == 0:
            mark = "◆" if card.id in self.chosen else "★" if card.is_valid else " "
            return [
                Segment(mark, self._style("mark")),
                Segment(fit(clean_text(card.company), width - 1), self._style("company") + cursor),
            ]
        if line == 1:
            return [
                Segment(fit(" " + clean_text(card.project), width), self._style("muted") + cursor)
            ]
        if line == 2:
            kind = f"{yi(card.amount_wan)}亿 {card.industry}" + (
                " 工" if card.is_industrial else ""
            )
            return [Segment(fit(" " + clean_text(kind), width), base + cursor)]
        # a lead touched after the day shown (a past picture) has no age yet
        days = (self.today - card.touched_on).days if card.touched_on else None
        days = days if days is not None and days >= 0 else None
        stale = days is not None and days >= self.stale_days
        tail = ("⚠" if stale else "") + (self.t("days_since", n=days) if days is not None else "")
        unit_w = max(1, width - cell_width(tail) - 1)
        return [
            Segment(fit(" " + clean_text(card.unit), unit_w), base + cursor),
            Segment(" ", base),
            Segment(tail, self._style("stale" if stale else "muted")),
        ]
