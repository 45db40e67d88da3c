"""The overview board (挂图作战): every target with its pace, this month's quotas, who is
furthest behind, and the latest signings and starts."""

from __future__ import annotations

from concurrent.futures import Future

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.widgets import Static

from screens.activity_log import LogsActivities
from screens.base import plain, session, store_session
from yeji_tui.prefetch import ready
from yeji_tui.status import Overview, load_overview, window_line
from yeji_tui.targets import CampaignStatus, what_if
from yeji_tui.text import clean_text
from yeji_tui.widgets.board import BehindList, LatestList, QuotaSummary, TargetBoard
from yeji_tui.widgets.footer import KeyBar


class Board(VerticalScroll, can_focus=False):
    """The scrolling board; the screen's own keys scroll it, so it never needs focus."""


class MonthRow(Horizontal):
    """This month's two panels: side by side when there is room, else stacked."""

    def __init__(self, *, id: str, stacked: bool) -> None:
        super().__init__(id=id)
        self.set_class(stacked, "-stacked")  # right in the first frame

    def on_resize(self) -> None:
        self.set_class(self.size.width < OverviewScreen.NARROW - 2, "-stacked")


class OverviewScreen(LogsActivities):
    """The campaign at a glance. Data loads in a worker; the screen draws at once."""

    BINDINGS = [
        Binding("r", "refresh_data", "key.refresh", id="overview.refresh"),
        Binding("w", "what_if", "key.what_if", id="overview.what_if"),
        Binding("a", "log_activity", "key.log_activity", id="overview.log"),
        # The board scrolls from the screen's own keys, so nothing needs focus at start
        # (focusing at start refreshed the footer twice more before the first paint).
        Binding("down,j", "scroll('down')", "key.down", show=False),
        Binding("up,k", "scroll('up')", "key.up", show=False),
        Binding("pagedown,space", "scroll('page_down')", "key.page_down", show=False),
        Binding("pageup", "scroll('page_up')", "key.page_up", show=False),
        Binding("home,g", "scroll('home')", "key.top", show=False),
        Binding("end,G", "scroll('end')", "key.bottom", show=False),
    ]
    AUTO_FOCUS = ""  # nothing: the screen's own keys work without focus

    class Loaded(Message):
        """The worker finished reading the store."""

        def __init__(self, overview: Overview | None) -> None:
            super().__init__()
            self.overview = overview

    def __init__(self) -> None:
        super().__init__()
        self._loaded_once = False
        self._pending: Future[object] | None = None
        self._overview: Overview | None = None
        self.what_if_on = False

    #: Below this width the month's two panels stack instead of standing side by side.
    NARROW = 100

    def compose(self) -> ComposeResult:
        t = session(self).t
        # The start-up read is usually done by now: build the panels with it, so that the
        # very first frame has the numbers (setting them after mount costs one more frame).
        first = session(self).take_first_load()
        found = ready(first)
        overview = found if isinstance(found, Overview) else None
        self._overview = overview
        self._loaded_once = overview is not None or (first is not None and first.done())
        self._pending = None if self._loaded_once else first
        status = overview.status if overview else None
        yield Static(self._heading(overview), id="heading", classes="section-heading")
        with Board(id="board"):
            yield TargetBoard(
                t,
                status,
                id="targets",
                title=t("targets_title"),
                gaps=overview.gaps if overview else (),
            )
            with MonthRow(id="month", stacked=self.app.size.width < self.NARROW):
                yield QuotaSummary(t, status, id="quota-summary", title=self._month_title(status))
                yield BehindList(t, status, id="behind", title=t("behind_title"))
            latest = LatestList(t, overview.latest if overview else None, id="latest")
            latest.border_title = t("latest_title")
            yield latest
        yield KeyBar()

    def on_mount(self) -> None:
        if self._loaded_once:
            self._set_title()
        else:
            self.load(self._pending)

    def on_screen_resume(self) -> None:
        if self.returning_from_elsewhere():
            self.load()

    def action_scroll(self, where: str) -> None:
        """Scroll the board (line, page, or to an end)."""
        board = self.query_one(Board)
        getattr(board, f"scroll_{where}")(animate=False)

    def action_refresh_data(self) -> None:
        """Read the store again (also done by itself when another process writes)."""
        self.load()

    def store_changed(self) -> None:
        """Another connection committed: show the new numbers."""
        self.load()

    @work(thread=True, exclusive=True, group="overview", exit_on_error=False)
    def load(self, pending: Future[object] | None = None) -> None:
        """Read the campaign in a thread (or wait there for the start-up read, if given)."""
        if pending is not None:
            result = pending.result()
            overview = result if isinstance(result, Overview) else None
        else:
            with store_session():
                overview = load_overview(session(self).today)
        self.post_message(self.Loaded(overview))

    def on_overview_screen_loaded(self, message: Loaded) -> None:
        self.show(message.overview)

    def show(self, overview: Overview | None) -> None:
        """Put a loaded overview on screen."""
        self._loaded_once = True
        self._overview = overview
        self.query_one("#heading", Static).update(self._heading(overview))
        if overview is None:
            return
        status = overview.status
        for panel in self.query(QuotaSummary), self.query(BehindList):
            for widget in panel:
                widget.status = status
        self.query_one(TargetBoard).set_gaps(overview.gaps)
        self._show_targets()
        self.query_one(QuotaSummary).border_title = self._month_title(status)
        self.query_one(LatestList).projects = overview.latest
        self._set_title()

    def action_what_if(self) -> None:
        """Show the targets as if the chosen 洽谈 leads (or the suggested ones) were signed;
        the store does not change. Again to show the real numbers."""
        self.what_if_on = not self.what_if_on
        self._show_targets()

    def _show_targets(self) -> None:
        overview = self._overview
        board = self.query_one(TargetBoard)
        t = session(self).t
        if overview is None:
            return
        chosen = tuple(session(self).what_if.values()) or overview.suggested()
        board.chosen = {card.id for card in chosen} if self.what_if_on else set()
        if self.what_if_on:
            board.status = what_if(
                overview.status, ((c.amount_wan, c.is_industrial) for c in chosen)
            )
            board.border_title = t("what_if.title", n=len(chosen))
        else:
            board.status = overview.status
            board.border_title = t("targets_title")

    def _heading(self, overview: Overview | None) -> Content:
        t = session(self).t
        if overview is None:
            return Content(
                t("loading" if not self._loaded_once and self._pending else "no_campaign")
            )
        return Content.assemble(
            plain(overview.status.settings.name).stylize("bold"),
            "\n",
            (window_line(overview.status, t), "$text-muted"),
        )

    def _month_title(self, status: CampaignStatus | None) -> str:
        month = status.current_month if status else None
        return session(self).t("month_title", month=month or "")

    def _set_title(self) -> None:
        board = self.query_one(TargetBoard)
        if board.status is not None:
            self.app.title = clean_text(board.status.settings.name)
