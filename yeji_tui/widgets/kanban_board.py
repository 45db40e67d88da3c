"""The pipeline's board: the stage columns side by side, which one is active, and where the
cursor lands after a load.

It holds no store: the screen hands it what a worker read (``show``, ``put_page``) and asks it
which pages are missing. Whenever the cursor or the view moves it posts ``Board.Moved``, so the
screen can end a message about the card left behind and load what came into view.
"""

from __future__ import annotations

from datetime import date

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.message import Message

from models.records import STAGES, LeadCard
from yeji_tui.strings import Catalog
from yeji_tui.widgets.kanban import PAGE, StageColumn

#: per stage: how many leads and their amount (万元); and the page of cards loaded from an offset
Totals = dict[str, tuple[int, int]]
Pages = dict[str, tuple[int, list[LeadCard]]]


class Board(Horizontal):
    """The stage columns; the active one has the cursor."""

    class Moved(Message):
        """The cursor or a column's view moved."""

    def __init__(
        self,
        t: Catalog,
        *,
        today: date,
        stale_days: int,
        chosen: dict[int, LeadCard],
        first: tuple[Totals, Pages] | None,
    ) -> None:
        super().__init__(id="columns")
        self.active = 0
        self._made: list[StageColumn] = []
        for stage in STAGES:
            column = StageColumn(stage, t, today=today, stale_days=stale_days)
            column.chosen = chosen
            column.display = stage != "dropped"
            column.set_active(stage == STAGES[0])
            if first is not None:
                # data read while the app started goes in before the columns are mounted: the
                # first frame then has the cards (set after mount, they cost one more frame)
                totals, pages = first
                column.reset(*totals.get(stage, (0, 0)))
                if stage in pages:
                    column.put_page(*pages[stage])
            self._made.append(column)

    def compose(self) -> ComposeResult:
        yield from self._made

    @property
    def columns(self) -> list[StageColumn]:
        """The columns shown, in pipeline order."""
        return [c for c in self._made if c.display]

    @property
    def column(self) -> StageColumn:
        """The active column."""
        shown = self.columns
        return shown[min(self.active, len(shown) - 1)]

    def stage_column(self, stage: str) -> StageColumn:
        """The column of a stage, shown or not."""
        return self._made[STAGES.index(stage)]

    def current(self) -> LeadCard | None:
        """The card under the cursor, if loaded."""
        return self.column.current()

    def current_id(self) -> int | None:
        """The id of the card under the cursor, if loaded."""
        card = self.column.current()
        return card.id if card else None

    def _moved(self) -> None:
        self.post_message(self.Moved())

    def activate(self, index: int, *, quiet: bool = False) -> bool:
        """Make the ``index``-th shown column active; False if it already was. ``quiet``: the
        program moved it (a load, the gap bridge), not the user — no ``Moved``."""
        target = max(0, min(len(self.columns) - 1, index))
        if target == self.active:
            return False
        self.column.set_active(False)
        self.active = target
        self.column.set_active(True)
        if not quiet:
            self._moved()
        return True

    def move_cursor(self, delta: int) -> None:
        """Move the cursor up or down the active column."""
        if self.column.move_cursor(delta):
            self._moved()

    def move_to(self, index: int) -> None:
        """Put the cursor on card ``index`` of the active column (-1: the last)."""
        column = self.column
        if column.move_cursor((index if index >= 0 else column.total - 1) - column.cursor):
            self._moved()

    def show_dropped(self, shown: bool) -> None:
        """Show or hide the 终止 column."""
        self.stage_column("dropped").display = shown
        if not shown and self.active >= len(self.columns):
            self.active = len(self.columns) - 1
            self.column.set_active(True)

    def show(self, totals: Totals, pages: Pages, keep: int | None) -> None:
        """New totals and pages; the cursor lands on lead ``keep`` if it is still in the active
        column, else on the card now at its place (a moved card's neighbour), else — the
        column is empty — on lead ``keep`` where it went, or the first column that has cards."""
        for column in self._made:
            column.reset(*totals.get(column.stage, (0, 0)))
            if column.stage in pages:
                column.put_page(*pages[column.stage])
        if keep is not None and self.column.select(keep):
            return
        if self.column.total == 0:
            found = [i for i, c in enumerate(self.columns) if keep is not None and c.select(keep)]
            found += [i for i, c in enumerate(self.columns) if c.total]
            if found:
                self.activate(found[0], quiet=True)

    def pages_missing(self) -> list[tuple[str, int]]:
        """(stage, offset) of each page to load so every visible card is there."""
        missing = []
        for column in self.columns:
            offset = column.page_needed()
            if offset is not None:
                missing.append((column.stage, offset))
        return missing

    def offsets(self) -> dict[str, int]:
        """Where each shown column's loaded page starts (what a reload reads again)."""
        return {c.stage: (c.top // PAGE) * PAGE for c in self.columns}

    def to_top(self) -> None:
        """Every column back to its first card (a new filter)."""
        for column in self._made:
            column.cursor = column.top = 0

    def on_stage_column_picked(self, message: StageColumn.Picked) -> None:
        message.stop()
        shown = self.columns
        if message.column in shown:
            self.activate(shown.index(message.column))
            self.move_to(message.index)

    def on_stage_column_scrolled(self, message: StageColumn.Scrolled) -> None:
        message.stop()
        self._moved()
