"""A pipeline column: one widget per stage, rendering only the cards that fit.

No widget per lead: the column holds the stage's totals and a cache of loaded pages keyed by
position, and draws the cards between ``top`` and the bottom of its height. The screen loads the
pages a column asks for (``page_needed``) in a worker.
"""

from __future__ import annotations

from datetime import date

from textual.content import Content
from textual.geometry import Region
from textual.widget import Widget

from models.records import LeadCard
from yeji_tui.strings import Catalog
from yeji_tui.text import cell_width, clean_text, fit, yi

#: lines a card takes: company, project, amount and industry, unit and days; then a gap
CARD_LINES = 4
CARD_HEIGHT = CARD_LINES + 1
#: cards loaded at a time
PAGE = 40
#: lines above and below the cards: header, rule; position
CHROME = 3


class StageColumn(Widget):
    """The cards of one stage, with its count and total amount in the header."""

    DEFAULT_CSS = """
    StageColumn {
        width: 1fr;
        height: 1fr;
        padding: 0 1;
        border-right: vkey $primary 30%;
    }
    """

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
        return Region(0, y, self.content_region.width, CARD_LINES)

    def _repaint(self, *indexes: int, header: bool = False) -> None:
        width = self.content_region.width
        regions = [r for r in (self._card_region(i) for i in indexes) if r is not None]
        if header:
            regions.append(Region(0, 0, width, 1))
        regions.append(Region(0, max(0, self.content_region.height - 1), width, 1))  # position
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
        return max(1, (self.content_region.height - CHROME + 1) // CARD_HEIGHT)

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

    # --- drawing -------------------------------------------------------------------------

    def render(self) -> Content:
        width = max(8, self.content_region.width)
        t = self.t
        name = t(f"stage.{self.stage}")
        head = f"{name} {self.total}" if self.loaded else name
        amount = f"{yi(self.amount_wan)}亿" if self.loaded else ""
        gap = max(1, width - cell_width(head) - cell_width(amount))
        head_style = "bold reverse $text-accent" if self._active else "bold"
        lines: list[Content] = [
            Content.assemble((fit(f"{head}{' ' * gap}{amount}", width), head_style)),
            Content.assemble(("─" * width, "$primary 50%")),
        ]
        if not self.loaded:
            lines.append(Content(t("loading")))
        elif self.total == 0:
            lines.append(Content.assemble((t("column_empty"), "$text-muted")))
        for i in range(self.top, min(self.total, self.top + self.fits)):
            lines.extend(self._card(i, width))
            lines.append(Content(""))
        while len(lines) < self.content_region.height - 1:
            lines.append(Content(""))
        if self.total:
            lines = lines[: max(0, self.content_region.height - 1)]
            position = f"{self.cursor + 1}/{self.total}"
            lines.append(Content.assemble((fit(position, width, align="right"), "$text-muted")))
        return Content("\n").join(lines)

    def _card(self, index: int, width: int) -> list[Content]:
        card = self.cards.get(index)
        chosen = index == self.cursor
        style = ("reverse" if self.active else "underline") if chosen else ""
        if card is None:
            return [Content.assemble((fit("…", width), style))] + [Content("")] * (CARD_LINES - 1)
        mark = "◆" if card.id in self.chosen else "★" if card.is_valid else " "
        # a lead touched after the day shown (a past picture) has no age yet
        days = (self.today - card.touched_on).days if card.touched_on else None
        days = days if days is not None and days >= 0 else None
        stale = days is not None and days >= self.stale_days
        days_text = self.t("days_since", n=days) if days is not None else ""
        kind = f"{yi(card.amount_wan)}亿 {card.industry}" + (" 工" if card.is_industrial else "")
        unit = clean_text(card.unit)
        tail = ("⚠" if stale else "") + days_text
        unit_w = max(1, width - cell_width(tail) - 1)
        return [
            Content.assemble(
                (mark, "$text-warning bold"),
                (fit(clean_text(card.company), width - 1), f"bold {style}"),
            ),
            Content.assemble((fit(" " + clean_text(card.project), width), f"$text-muted {style}")),
            Content.assemble((fit(" " + kind, width), style)),
            Content.assemble(
                (fit(" " + unit, unit_w), style),
                " ",
                (tail, "$text-error bold" if stale else "$text-muted"),
            ),
        ]
