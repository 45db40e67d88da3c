"""The overview board (挂图作战): every target with its pace, this month's quotas, who is
furthest behind, and the latest signings and starts."""

from __future__ import annotations

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.widgets import Footer, Static

from models.db import session as store_session
from screens.base import YejiScreen, plain, session
from yeji_tui.status import Overview, load_overview, window_line
from yeji_tui.widgets.board import BehindList, LatestList, QuotaSummary, TargetBoard


class OverviewScreen(YejiScreen):
    """The campaign at a glance. Data loads in a worker; the screen draws at once."""

    BINDINGS = [
        Binding("r", "refresh_data", "key.refresh", id="overview.refresh"),
    ]

    class Loaded(Message):
        """The worker finished reading the store."""

        def __init__(self, overview: Overview | None) -> None:
            super().__init__()
            self.overview = overview

    def __init__(self) -> None:
        super().__init__()
        self._loaded_once = False

    def compose(self) -> ComposeResult:
        t = session(self).t
        yield Static(Content(t("loading")), id="heading")
        with VerticalScroll(id="board"):
            board = TargetBoard(t, id="targets")
            board.border_title = t("targets_title")
            yield board
            with Horizontal(id="month"):
                summary = QuotaSummary(t, id="quota-summary")
                summary.border_title = t("month_title", month="")
                yield summary
                behind = BehindList(t, id="behind")
                behind.border_title = t("behind_title")
                yield behind
            latest = LatestList(t, id="latest")
            latest.border_title = t("latest_title")
            yield latest
        yield Footer()

    #: Below this width the month's two panels stack instead of standing side by side.
    NARROW = 100

    def on_mount(self) -> None:
        self.load()

    def on_resize(self) -> None:
        self.set_class(self.size.width < self.NARROW, "narrow")

    def on_screen_resume(self) -> None:
        if self._loaded_once:
            self.load()

    def action_refresh_data(self) -> None:
        """Read the store again (also done by itself when another process writes)."""
        self.load()

    def store_changed(self) -> None:
        """Another connection committed: show the new numbers."""
        self.load()

    @work(thread=True, exclusive=True, group="overview", exit_on_error=False)
    def load(self) -> None:
        """Read the campaign in a thread; the UI never waits on a query."""
        with store_session():
            overview = load_overview(session(self).today)
        self.post_message(self.Loaded(overview))

    def on_overview_screen_loaded(self, message: Loaded) -> None:
        self._loaded_once = True
        t = session(self).t
        overview = message.overview
        heading = self.query_one("#heading", Static)
        if overview is None:
            heading.update(Content(t("no_campaign")))
            return
        status = overview.status
        self.app.title = status.settings.name
        heading.update(
            Content.assemble(
                plain(status.settings.name).stylize("bold"),
                "\n",
                (window_line(status, t), "$text-muted"),
            )
        )
        for panel in self.query(TargetBoard), self.query(QuotaSummary), self.query(BehindList):
            for widget in panel:
                widget.status = status
        self.query_one(QuotaSummary).border_title = t(
            "month_title", month=status.current_month or ""
        )
        self.query_one(LatestList).projects = overview.latest
