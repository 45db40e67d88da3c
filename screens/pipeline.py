"""The lead pipeline (项目看板): one column per stage, cards moved with single keys.

The screen holds the filter and turns its parts' messages into store reads: the board
(``Board``: the columns and the cursor), the filter line (``FilterLine``), the keys that act on
a lead (``LeadActions``) and saved views and the gap bridge (``PipelineTools``). Every store
call runs in a worker; a change reloads the counts and the visible pages, and goes on the app's
undo stack.
"""

from __future__ import annotations

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.message import Message
from textual.widgets import Static
from textual.worker import get_current_worker

from models import leads
from models.leads import BoardData, LeadFilter
from models.records import LeadCard
from screens.base import key_in_force, session, store_session
from screens.lead_actions import LEAD_BINDINGS
from screens.pipeline_filter import FilterLine
from screens.pipeline_tools import PipelineTools
from yeji_tui.lead_filter import FilterError, filter_line, resolve_names
from yeji_tui.prefetch import ready
from yeji_tui.text import clean_text
from yeji_tui.widgets.footer import KeyBar
from yeji_tui.widgets.kanban import PAGE
from yeji_tui.widgets.kanban_board import Board


class PipelineScreen(PipelineTools):
    """Leads by stage; arrows or h/j/k/l move, > and < move the card, single keys decide."""

    AUTO_FOCUS = ""  # nothing: the screen's own keys work without focus
    filter_box: FilterLine  # made in compose
    board: Board  # made in compose
    # The footer shows them in this order, most used first, as far as the width allows.
    BINDINGS = [
        *LEAD_BINDINGS,
        Binding("slash", "filter", "key.filter", id="pipeline.filter"),
        Binding("n", "new", "key.new", id="pipeline.new"),
        Binding("u", "undo", "key.undo", id="pipeline.undo"),
        Binding("s", "views", "key.views", id="pipeline.views"),
        Binding("enter", "open", "key.open", id="pipeline.open", show=False),
        Binding("w", "what_if", "key.what_if_pick", id="pipeline.what_if", show=False),
        Binding("b", "gap", "key.gap", id="pipeline.gap", show=False),
        Binding("t", "toggle_dropped", "key.dropped", id="pipeline.dropped", show=False),
        Binding("escape", "clear_filter", "key.clear_filter", id="pipeline.clear", show=False),
        Binding("r", "refresh_data", "key.refresh", id="pipeline.refresh", show=False),
        Binding("left,h", "column(-1)", "key.left", show=False),
        Binding("right,l", "column(1)", "key.right", show=False),
        Binding("down,j", "cursor(1)", "key.down", show=False),
        Binding("up,k", "cursor(-1)", "key.up", show=False),
        Binding("pagedown", "cursor(0, 1)", "key.page_down", show=False),
        Binding("pageup", "cursor(0, -1)", "key.page_up", show=False),
        Binding("home,g", "cursor_to(0)", "key.top", id="pipeline.top", show=False),
        Binding("end,G", "cursor_to(-1)", "key.bottom", id="pipeline.bottom", show=False),
    ]

    class Loaded(Message):
        """Totals and the visible pages, read by a worker for a filter (its names resolved)."""

        def __init__(self, data: BoardData, keep: int | None, shown: LeadFilter) -> None:
            super().__init__()
            self.data, self.keep, self.shown = data, keep, shown

    class PageLoaded(Message):
        """More cards of one column."""

        def __init__(self, stage: str, offset: int, cards: list[LeadCard]) -> None:
            super().__init__()
            self.stage, self.offset, self.cards = stage, offset, cards

    def __init__(self) -> None:
        super().__init__()
        self.filter = LeadFilter()
        self.show_dropped = False
        self.message: tuple[str, bool] | None = None

    # --- layout --------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        app = session(self)
        yield Static(self._heading(), id="pipeline-heading", classes="section-heading")
        self.filter_box = FilterLine(app.t("filter.placeholder", unit="…", group="…"))
        yield self.filter_box
        first = ready(app.take_first_load())
        self._prefetched = isinstance(first, BoardData)
        self.board = Board(
            app.t,
            today=app.today,
            stale_days=app.stale_days,
            chosen=app.what_if,
            first=(first.totals, first.pages) if isinstance(first, BoardData) else None,
        )
        yield self.board
        yield KeyBar()

    def on_mount(self) -> None:
        if self._prefetched:
            self._fetch_missing()
        else:
            self.load()
        # the placeholder's examples can wait for the first frame (the cards cannot)
        self.call_after_refresh(self._read_names)

    def on_screen_resume(self) -> None:
        if self.returning_from_elsewhere():
            self.load(self.board.current_id())

    def current_card(self) -> LeadCard | None:
        board = getattr(self, "board", None)  # keys are checked before compose too
        return board.current() if board is not None else None

    def _heading(self) -> Content:
        t = session(self).t
        parts: list[Content | str | tuple[str, str]] = [(t("section.pipeline"), "bold")]
        if self.filter.active:
            clear = key_in_force(self, "pipeline.clear")
            line = t("filter.active", line=filter_line(self.filter), clear=clear)
            parts += ["  ", (line, "$text-accent")]
        if self.message:
            text, ok = self.message
            parts += [
                "  ",
                (("✔ " if ok else "✘ ") + text, "$text-success" if ok else "$text-error bold"),
            ]
        return Content.assemble(*parts)

    def say(self, text: str | None, ok: bool = True) -> None:
        # what was done names the lead, as stored (an older version kept controls in names)
        self.message = (clean_text(text), ok) if text else None
        self.query_one("#pipeline-heading", Static).update(self._heading())

    # --- loading -------------------------------------------------------------------------

    def load(self, keep: int | None = None) -> None:
        """Read the totals and each visible column's page again."""
        self._load(self.filter, self.board.offsets(), keep)

    def reload(self, keep: int | None) -> None:
        self.load(keep)

    @work(thread=True, exclusive=True, group="pipeline", exit_on_error=False)
    def _load(self, f: LeadFilter, offsets: dict[str, int], keep: int | None) -> None:
        today = session(self).today
        with store_session():
            if f.unit or f.group:  # typed as pinyin or initials: the names they mean
                try:
                    f = resolve_names(f, leads.unit_names(), leads.group_names())
                except FilterError as bad:
                    self.post_message(FilterLine.Refused(bad))
                    return
            data = leads.board(f, today, offsets, PAGE)
        if not get_current_worker().is_cancelled:  # a newer keystroke has its own load
            self.post_message(self.Loaded(data, keep, f))

    @work(thread=True, group="pipeline-page", exit_on_error=False)
    def _load_page(self, f: LeadFilter, stage: str, offset: int) -> None:
        with store_session():
            cards = leads.stage_page(stage, f, session(self).today, offset, PAGE)
        self.post_message(self.PageLoaded(stage, offset, cards))

    @work(thread=True, group="pipeline-names", exit_on_error=False)
    def _read_names(self) -> None:
        with store_session():
            units, groups = leads.unit_names(), leads.group_names()
        # the placeholder's examples are this campaign's own
        # (as stored: an older version kept controls in names)
        unit, group = (clean_text(names[0]) if names else "…" for names in (units, groups))
        text = session(self).t("filter.placeholder", unit=unit, group=group)
        self.app.call_from_thread(setattr, self.filter_box, "placeholder", text)

    def on_pipeline_screen_loaded(self, message: Loaded) -> None:
        if message.shown != self.filter and self.filter.active:
            self.filter = message.shown  # 单位:qjx shows as 单位:区经信局
            self.say(None)
        self.board.show(message.data.totals, message.data.pages, message.keep)
        self._fetch_missing()
        self.follow_card()

    def on_pipeline_screen_page_loaded(self, message: PageLoaded) -> None:
        self.board.stage_column(message.stage).put_page(message.offset, message.cards)

    def _fetch_missing(self) -> None:
        for stage, offset in self.board.pages_missing():
            self._load_page(self.filter, stage, offset)

    def on_board_moved(self) -> None:
        """The cursor or a view moved: a message about where it was ends; load what shows."""
        if self.message is not None:
            self.say(None)
        self._fetch_missing()
        self.follow_card()

    def store_changed(self) -> None:
        """Someone else changed the store: follow it, keeping the cursor on its lead."""
        self.load(self.board.current_id())

    def action_refresh_data(self) -> None:
        """Read the store again."""
        self.load(self.board.current_id())

    # --- moving around -------------------------------------------------------------------

    def action_column(self, delta: int) -> None:
        """Make the column to the left or right active."""
        self.board.activate(self.board.active + delta)

    def action_cursor(self, delta: int, pages: int = 0) -> None:
        """Move the cursor up or down the active column, by cards or by screenfuls."""
        self.board.move_cursor(delta + pages * self.board.column.fits)

    def action_cursor_to(self, index: int) -> None:
        """The first (0) or last (-1) card of the column."""
        self.board.move_to(index)

    def action_toggle_dropped(self) -> None:
        """Show or hide the 终止 column."""
        self.show_dropped = not self.show_dropped
        self.board.show_dropped(self.show_dropped)
        self.load()

    def hidden_after_save(self, lead_id: int) -> bool:
        return self.filter.active and not leads.shows(lead_id, self.filter, session(self).today)
