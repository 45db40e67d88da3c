"""Units (单位): the organisation as a tree with this month's quota state, a heatmap of every
quota in every month (enter drills into the trips, visits or valid leads behind a cell), and the
ranking with its scoring formula (sortable by any column).

Every read runs in a worker; the numbers come from the one calculator (yeji_tui.targets).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.content import Content
from textual.message import Message
from textual.widgets import ContentSwitcher, Static

from models.records import QuotaName
from screens.activity_log import LogsActivities
from screens.base import key_in_force, session, store_session
from screens.unit_outline import heat_rows, org_lines
from yeji_tui.prefetch import ready
from yeji_tui.status import STATUS_SYMBOL
from yeji_tui.units_view import UnitsData, load_units
from yeji_tui.widgets.footer import KeyBar
from yeji_tui.widgets.heatmap import HeatGrid
from yeji_tui.widgets.org_list import OrgList

if TYPE_CHECKING:
    from yeji_tui.widgets.ranking import RankingTable


QUOTAS: tuple[QuotaName, ...] = ("trips", "principal_trips", "visits", "valid_leads")
#: a quota's state as a symbol (besides its colour: readable without colour, and in print)
MARKS = STATUS_SYMBOL  # the same symbols as the overview and `yeji status`


class UnitsScreen(LogsActivities):
    """Groups and units: quota heatmap, ranking, and a page per unit or group."""

    AUTO_FOCUS = "#heatmap"
    BINDINGS = [
        Binding("m", "view('heatmap')", "key.heatmap", id="units.heatmap"),
        Binding("o", "view('ranking')", "key.ranking", id="units.ranking"),
        Binding("right_square_bracket", "quota(1)", "key.next_quota", id="units.next_quota"),
        Binding(
            "left_square_bracket", "quota(-1)", "key.previous_quota", id="units.previous_quota"
        ),
        Binding("s", "sort", "key.sort", id="units.sort"),
        Binding("a", "log_activity", "key.log_activity", id="units.log"),
        Binding("e", "calendar", "key.calendar", id="units.calendar"),
        Binding("c", "roster", "key.roster", id="units.roster"),
        Binding("d", "report('dispatch')", "key.dispatch", id="units.dispatch"),
        Binding("x", "report('assessment')", "key.assessment", id="units.assessment"),
        Binding("r", "refresh_data", "key.refresh", id="units.refresh", show=False),
    ]

    class Loaded(Message):
        """The worker read the store."""

        def __init__(self, data: UnitsData | None) -> None:
            super().__init__()
            self.data = data

    def __init__(self) -> None:
        super().__init__()
        self.data: UnitsData | None = None
        self.quota_index = 0

    def compose(self) -> ComposeResult:
        found = ready(session(self).take_first_load())
        self.data = found if isinstance(found, UnitsData) else None
        # Widgets are filled before they are mounted: the first frame has the numbers (filled
        # after mount, they came one frame later).
        yield Static(self._heading(), id="units-heading", classes="section-heading")
        with Horizontal(id="units-body"):
            tree = OrgList(id="unit-tree")
            heatmap = HeatGrid(id="heatmap")
            if self.data is not None:
                tree.show(org_lines(self.data, session(self).t))
                self._fill_heatmap(heatmap)
            yield tree
            with ContentSwitcher(initial="heatmap", id="units-views"):
                yield heatmap
                # the ranking's table is made when first shown: start-up draws the heatmap only
        yield Static(self._note(), id="units-note")
        yield KeyBar()

    def on_mount(self) -> None:
        if self.data is None or not self.data.complete:
            # the ranking (or everything) comes after the first frame: a worker started now
            # would take the GIL from the frame's drawing
            self.call_after_refresh(self.load)

    def on_screen_resume(self) -> None:
        if self.returning_from_elsewhere():
            self.load()

    def action_refresh_data(self) -> None:
        """Read the store again (``r``, and when someone logged a trip or moved a lead: the
        quotas follow)."""
        self.load()

    store_changed = action_refresh_data

    @work(thread=True, exclusive=True, group="units", exit_on_error=False)
    def load(self) -> None:
        """Read the quotas, the ranking and the tasks in a thread."""
        app = session(self)
        with store_session():
            data = load_units(app.today)
        self.post_message(self.Loaded(data))

    def on_units_screen_loaded(self, message: Loaded) -> None:
        before, self.data = self.data, message.data
        if before is not None and self.data is not None and before.status == self.data.status:
            # only the ranking is new (read after the first frame): leave the rest as drawn,
            # rather than send the whole screen over the wire again
            if self.query("#ranking"):
                self._fill_ranking(self._ranking_table())
            return
        self._fill()

    # --- drawing -------------------------------------------------------------------------

    def _heading(self) -> Content:
        t = session(self).t
        if self.data is None:
            return Content(t("loading"))
        status = self.data.status
        view = self.query("#units-views")
        showing = view.first(ContentSwitcher).current if view else "heatmap"
        if showing == "heatmap":
            quota = t(f"quota.{QUOTAS[self.quota_index]}")
            keys = {k: key_in_force(self, f"units.{k}_quota") for k in ("previous", "next")}
            what = t("units.heatmap_of", quota=quota, **keys)
        else:
            what = t("units.ranking", sort=key_in_force(self, "units.sort"))
        month = status.current_month or ""
        return Content.assemble(
            (t("section.units"), "bold"),
            "  ",
            (what, "$text-accent"),
            "  ",
            (t("as_of", today=status.today.isoformat()) + f"  {month}", "$text-muted"),
        )

    def _fill(self) -> None:
        self.query_one("#units-heading", Static).update(self._heading())
        if self.data is None:
            self.query_one("#units-note", Static).update(Content(session(self).t("no_campaign")))
            return
        self.query_one("#unit-tree", OrgList).show(org_lines(self.data, session(self).t))
        self._fill_heatmap(self.query_one("#heatmap", HeatGrid))
        if self.query("#ranking"):
            self._fill_ranking(self._ranking_table())
        self.query_one("#units-note", Static).update(self._note())

    def _fill_heatmap(self, grid: HeatGrid) -> None:
        assert self.data is not None
        status = self.data.status
        months, rows = heat_rows(self.data, QUOTAS[self.quota_index])
        if grid.column == 0 and status.current_month in months:  # start on this month
            grid.column = months.index(status.current_month)
        grid.show(session(self).t("units.subject"), months, rows)

    def _ranking_table(self) -> RankingTable:
        from yeji_tui.widgets.ranking import RankingTable

        return self.query_one("#ranking", RankingTable)

    def _fill_ranking(self, table: RankingTable) -> None:
        assert self.data is not None
        table.fill(self.data.ranked, session(self).t)

    def _note(self) -> Content:
        t = session(self).t
        if self.data is None:
            return Content(t("loading"))
        views = self.query("#units-views")
        if views and views.first(ContentSwitcher).current == "ranking":
            from yeji_tui.reports import score_formula

            return Content(score_formula(t))
        return Content(t("units.legend"))

    # --- keys ----------------------------------------------------------------------------

    async def action_view(self, name: str) -> None:
        """Show the heatmap or the ranking."""
        switcher = self.query_one(ContentSwitcher)
        if name == "ranking" and not self.query("#ranking"):
            from yeji_tui.widgets.ranking import RankingTable  # not needed for the first frame

            ranking = RankingTable(id="ranking")
            if self.data is not None:
                self._fill_ranking(ranking)
            await switcher.mount(ranking)
        switcher.current = name
        # the ranking names its units in its fixed columns: the outline beside it would not
        # line up with its rows, and it needs the width for the columns that scroll
        self.query_one("#unit-tree").display = name != "ranking"
        self.query_one(f"#{name}").focus()
        self.query_one("#units-heading", Static).update(self._heading())
        self.query_one("#units-note", Static).update(self._note())

    def action_quota(self, step: int) -> None:
        """Show the next or previous quota in the heatmap."""
        self.quota_index = (self.quota_index + step) % len(QUOTAS)
        if self.data is not None:
            self._fill_heatmap(self.query_one("#heatmap", HeatGrid))
        self.query_one("#units-heading", Static).update(self._heading())

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """``s`` sorts the ranking: on the heatmap it is not offered (footer, help, palette)."""
        if action == "sort":
            switchers = self.query(ContentSwitcher)
            return bool(switchers) and switchers.first().current == "ranking"
        return super().check_action(action, parameters)

    def action_sort(self) -> None:
        """Sort the ranking by the cursor's column (again: the other way round)."""
        table = self._ranking_table()
        table.sort_by_shown(table.cursor_coordinate.column)

    @on(HeatGrid.Picked)
    def _drill(self, event: HeatGrid.Picked) -> None:
        if self.data is not None:
            # the lists and their dialog load when first asked for, not before the first frame
            from screens.unit_lists import cell_reader

            quota = QUOTAS[self.quota_index]
            t = session(self).t
            self._show_lines(*cell_reader(self.data, event.key, event.month, quota, t))

    def on_ranking_table_unit_picked(self, event: RankingTable.UnitPicked) -> None:
        """Enter on a ranking line: that unit's page."""
        self._open_page(f"unit:{event.unit}")

    @on(OrgList.Picked)
    def _tree_page(self, event: OrgList.Picked) -> None:
        self._open_page(event.key)

    def _open_page(self, key: str) -> None:
        if self.data is None:
            return
        from screens.unit_page import SubjectPage

        if not self.data.complete:
            return  # the ranking is still being read: a moment
        kind, _, name = key.partition(":")
        self.app.push_screen(SubjectPage(kind, name, self.data))

    @work(exit_on_error=False)
    async def _show_lines(self, title: str, read: Callable[[], list[str]]) -> None:
        """Read lines in a thread, then show them in a dialog."""
        import asyncio

        from screens.unit_lists import ListDialog

        lines = await asyncio.to_thread(read)
        await self.ask(ListDialog(title, lines or [session(self).t("units.no_records")]))

    def action_calendar(self) -> None:
        """The events calendar: planned and held, and what the ceremonies carried."""
        if self.data is not None:
            from screens.unit_lists import list_reader

            t = session(self).t
            self._show_lines(t("units.calendar_title"), list_reader("calendar", self.data, t))

    def action_roster(self) -> None:
        """The consultants and advisers, against the notice's ranges, with their leads."""
        if self.data is not None:
            from screens.unit_lists import list_reader

            t = session(self).t
            self._show_lines(t("units.roster_title"), list_reader("roster", self.data, t))

    def action_report(self, kind: str) -> None:
        """Write the dispatch review (the last two weeks) or the assessment, as Markdown and
        xlsx, into a folder the user confirms, and show it."""
        from screens.unit_reports import write_from

        self.run_worker(write_from(self, kind), exit_on_error=False)
