"""Units (单位): the organisation as a tree with this month's quota state, a heatmap of every
quota in every month (enter drills into the trips, visits or valid leads behind a cell), and the
ranking with its scoring formula (sortable by any column).

Every read runs in a worker; the numbers come from the one calculator (yeji_tui.targets).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.widgets import ContentSwitcher, Static

from models.db import session as store_session
from models.records import CampaignSettings, EventRecord, QuotaName, RosterLine, UnitSpec
from screens.activity_log import LogsActivities
from screens.base import session
from screens.dialogs import Dialog
from yeji_tui import targets as calc
from yeji_tui.prefetch import ready
from yeji_tui.status import STATUS_SYMBOL
from yeji_tui.strings import Catalog
from yeji_tui.text import clean_text, fit
from yeji_tui.units_view import UnitsData, load_units
from yeji_tui.widgets.footer import KeyBar
from yeji_tui.widgets.heatmap import HeatCell, HeatGrid, HeatRow
from yeji_tui.widgets.org_list import OrgLine, OrgList

if TYPE_CHECKING:
    from textual.widgets import DataTable

QUOTAS: tuple[QuotaName, ...] = ("trips", "principal_trips", "visits", "valid_leads")
#: a quota's state as a symbol (besides its colour: readable without colour, and in print)
MARKS = STATUS_SYMBOL  # the same symbols as the overview and `yeji status`


class ListDialog(Dialog):
    """Records to read (the trips behind a heatmap cell); arrows scroll, Esc closes."""

    DEFAULT_CSS = """
    ListDialog > Vertical { width: 90; height: 80%; }
    ListDialog VerticalScroll { height: 1fr; overflow-x: auto; }
    ListDialog VerticalScroll > Static { width: auto; }  /* wide tables scroll, never wrap */
    """
    BINDINGS = [Binding("escape,enter,q", "cancel", "key.close")]
    AUTO_FOCUS = "VerticalScroll"  # arrows scroll the list at once

    def __init__(self, title: str, lines: list[str]) -> None:
        super().__init__(title)
        self.lines = lines

    def compose(self) -> ComposeResult:
        with self.box(), VerticalScroll():
            yield Static(Content("\n").join(Content(clean_text(line)) for line in self.lines))


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
        self.sort_column: int | None = None
        self.sort_reverse = True

    def compose(self) -> ComposeResult:
        found = ready(session(self).take_first_load())
        self.data = found if isinstance(found, UnitsData) else None
        # Widgets are filled before they are mounted: the first frame has the numbers (filled
        # after mount, they came one frame later).
        yield Static(self._heading(), id="units-heading")
        with Horizontal(id="units-body"):
            tree = OrgList(id="unit-tree")
            heatmap = HeatGrid(id="heatmap")
            if self.data is not None:
                self._fill_tree(tree)
                self._fill_heatmap(heatmap)
            yield tree
            with ContentSwitcher(initial="heatmap", id="units-views"):
                yield heatmap
                # the ranking's table is made when first shown: start-up draws the heatmap only
        yield Static(self._note(), id="units-note")
        yield KeyBar()

    def on_mount(self) -> None:
        if self.data is None or not self.data.complete:
            self.load()  # the ranking (or everything) comes after the first frame

    def on_screen_resume(self) -> None:
        if self.returning_from_elsewhere():
            self.load()

    def store_changed(self) -> None:
        """Someone logged a trip or moved a lead: the quotas follow."""
        self.load()

    def action_refresh_data(self) -> None:
        """Read the store again."""
        self.load()

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

    @property
    def quota(self) -> QuotaName:
        """The quota the heatmap shows."""
        return QUOTAS[self.quota_index]

    def _heading(self) -> Content:
        t = session(self).t
        if self.data is None:
            return Content(t("loading"))
        status = self.data.status
        view = self.query("#units-views")
        showing = view.first(ContentSwitcher).current if view else "heatmap"
        what = (
            t("units.heatmap_of", quota=t(f"quota.{self.quota}"))
            if showing == "heatmap"
            else t("units.ranking")
        )
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
        self._fill_tree(self.query_one("#unit-tree", OrgList))
        self._fill_heatmap(self.query_one("#heatmap", HeatGrid))
        if self.query("#ranking"):
            self._fill_ranking(self._ranking_table())
        self._show_note()

    def _fill_tree(self, tree: OrgList) -> None:
        assert self.data is not None
        t = session(self).t
        settings = self.data.status.settings
        month = self.data.status.current_month
        state = {
            (r.subject, r.quota): r.status for r in self.data.status.quotas if r.month == month
        }

        def marks(subject: str, quotas: tuple[QuotaName, ...]) -> tuple[tuple[str, str], ...]:
            found = (state.get((subject, quota)) for quota in quotas)
            return tuple((MARKS[status], status) for status in found if status)

        def unit_line(unit: UnitSpec, last: bool) -> OrgLine:
            quotas = ("valid_leads",) if unit.kind == "outpost" else calc.UNIT_QUOTAS
            return OrgLine(f"unit:{unit.name}", unit.name, 1, last, marks(unit.name, quotas))

        lines: list[OrgLine] = []
        for group in settings.groups:
            members = [u for u in settings.units if u.group == group.name]
            lines.append(
                OrgLine(
                    f"group:{group.name}", group.name, 0, False, marks(group.name, ("valid_leads",))
                )
            )
            lines += [unit_line(u, i == len(members) - 1) for i, u in enumerate(members)]
        loose = [u for u in settings.units if u.group is None]
        if loose:
            lines.append(OrgLine("", t("subject.outpost"), 0, False))
            lines += [unit_line(u, i == len(loose) - 1) for i, u in enumerate(loose)]
        tree.show(tuple(lines))

    def _fill_heatmap(self, grid: HeatGrid) -> None:
        assert self.data is not None
        t = session(self).t
        status = self.data.status
        settings = status.settings
        months = tuple(span.month for span in calc.window_months(settings.start, settings.end))
        found = {(r.subject, r.month): r for r in status.quotas if r.quota == self.quota}
        rows: list[HeatRow] = []
        for subject in calc.quota_subjects(settings):
            if self.quota not in subject.quotas:
                continue
            cells = tuple(
                HeatCell(f"{r.actual}/{r.required} {MARKS[r.status]}", r.status) if r else None
                for r in (found.get((subject.name, month)) for month in months)
            )
            name = f"【{subject.name}】" if subject.kind == "group" else subject.name
            rows.append(HeatRow(f"{subject.kind}:{subject.name}", name, cells))
        if grid.column == 0 and status.current_month in months:  # start on this month
            grid.column = months.index(status.current_month)
        grid.show(t("units.subject"), months, tuple(rows))

    def _ranking_table(self) -> DataTable[Any]:
        from textual.widgets import DataTable

        return self.query_one("#ranking", DataTable)

    def _fill_ranking(self, table: DataTable[Any]) -> None:
        assert self.data is not None
        from yeji_tui.reports import ranking_headers, ranking_row

        t = session(self).t
        table.clear(columns=True)
        for i, header in enumerate(ranking_headers(t)):
            table.add_column(header, key=str(i))
        for place, r in enumerate(self.data.ranked, start=1):
            cells = ranking_row(place, r)
            table.add_row(
                *(
                    Text(clean_text(c)) if isinstance(c, str) else Text(f"{c:g}", justify="right")
                    for c in cells
                ),
                key=r.unit,
            )
        if self.sort_column is not None:
            self._sort()

    def _note(self) -> Content:
        t = session(self).t
        if self.data is None:
            return Content(t("loading"))
        views = self.query("#units-views")
        if views and views.first(ContentSwitcher).current == "ranking":
            from yeji_tui.reports import score_formula

            return Content(score_formula(t))
        return Content(t("units.legend"))

    def _show_note(self) -> None:
        self.query_one("#units-note", Static).update(self._note())

    # --- keys ----------------------------------------------------------------------------

    async def action_view(self, name: str) -> None:
        """Show the heatmap or the ranking."""
        switcher = self.query_one(ContentSwitcher)
        if name == "ranking" and not self.query("#ranking"):
            from yeji_tui.widgets.quiet_table import QuietTable  # not needed for the first frame

            ranking = QuietTable(id="ranking", cursor_type="cell", zebra_stripes=True)
            if self.data is not None:
                self._fill_ranking(ranking)
            await switcher.mount(ranking)
        switcher.current = name
        self.query_one(f"#{name}").focus()
        self.query_one("#units-heading", Static).update(self._heading())
        self._show_note()

    def action_quota(self, step: int) -> None:
        """Show the next or previous quota in the heatmap."""
        self.quota_index = (self.quota_index + step) % len(QUOTAS)
        if self.data is not None:
            self._fill_heatmap(self.query_one("#heatmap", HeatGrid))
        self.query_one("#units-heading", Static).update(self._heading())

    def action_sort(self) -> None:
        """Sort the ranking by the cursor's column (again: the other way round)."""
        if self.query_one(ContentSwitcher).current != "ranking":
            return
        self._sort_by(self._ranking_table().cursor_coordinate.column)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """``s`` sorts the ranking: on the heatmap it is not offered (footer, help, palette)."""
        if action == "sort":
            switchers = self.query(ContentSwitcher)
            return bool(switchers) and switchers.first().current == "ranking"
        return True

    def on_data_table_header_selected(self, event: DataTable.HeaderSelected) -> None:
        """A click on a ranking header sorts by that column, as ``s`` does."""
        self._sort_by(event.column_index)

    def _sort_by(self, column: int) -> None:
        # names A→Z first, numbers largest first; the same column again turns it round
        first_reverse = column not in (1, 2)
        same = column == self.sort_column
        self.sort_reverse = not self.sort_reverse if same else first_reverse
        self.sort_column = column
        self._sort()

    def _sort(self) -> None:
        table = self._ranking_table()

        def key(value: object) -> Any:
            text = str(value.plain if isinstance(value, Text) else value)
            if "/" in text:  # quota months "8/12"
                text = text.split("/")[0]
            try:
                return (0, float(text))
            except ValueError:
                return (1, text)

        table.sort(str(self.sort_column), key=key, reverse=self.sort_reverse)

    @on(HeatGrid.Picked)
    def _drill(self, event: HeatGrid.Picked) -> None:
        if self.data is not None:
            self._records(event.key, event.month)

    def on_data_table_cell_selected(self, event: DataTable.CellSelected) -> None:
        """Enter on a ranking line: that unit's page."""
        self._open_page(f"unit:{event.cell_key.row_key.value}")

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
    async def _records(self, row_key: str, month: str) -> None:
        import asyncio

        from models.reports import activities_of, valid_leads_of

        assert self.data is not None
        t = session(self).t
        settings = self.data.status.settings
        kind, _, name = row_key.partition(":")
        units = [u.name for u in settings.units if u.group == name] if kind == "group" else [name]
        span = next(s for s in calc.window_months(settings.start, settings.end) if s.month == month)
        until = min(span.last, self.data.status.today)
        quota = self.quota

        def read() -> list[str]:
            with store_session():
                if quota == "valid_leads":
                    return [
                        f"{day}  {fit(c.company, 24)}  {fit(c.project, 20)}  {c.unit}"
                        for day, c in valid_leads_of(units, span.first, until)
                    ]
                kinds = ("visit",) if quota == "visits" else ("trip",)
                return [
                    f"{a.on}  {fit(a.unit, 14)}  {fit(a.destination or '—', 10)}  "
                    f"{'★' if a.led_by_principal else ' '} {a.company}"
                    for a in activities_of(
                        units, span.first, until, kinds, principal_only=quota == "principal_trips"
                    )
                ]

        lines = await asyncio.to_thread(read)
        title = t("units.cell_title", name=name, month=month, quota=t(f"quota.{quota}"))
        await self.ask(ListDialog(title, lines or [t("units.no_records")]))

    def action_calendar(self) -> None:
        """The events calendar: planned and held, and what the ceremonies carried."""
        self._show_list("calendar")

    def action_roster(self) -> None:
        """The consultants and advisers, against the notice's ranges, with their leads."""
        self._show_list("roster")

    @work(exit_on_error=False)
    async def _show_list(self, which: str) -> None:
        import asyncio

        from models import reports

        if self.data is None:
            return
        settings = self.data.status.settings
        t = session(self).t

        def read() -> list[str]:
            with store_session():
                if which == "calendar":
                    return calendar_lines(settings, reports.calendar(), t)
                return roster_lines(reports.roster(), t)

        lines = await asyncio.to_thread(read)
        await self.ask(ListDialog(t(f"units.{which}_title"), lines or [t("units.no_records")]))

    def action_report(self, kind: str) -> None:
        """Write the dispatch review (the last two weeks) or the assessment, as Markdown and
        xlsx in the current directory, and show it."""
        self._report(kind)

    @work(exit_on_error=False)
    async def _report(self, kind: str) -> None:
        import asyncio
        from datetime import timedelta
        from pathlib import Path

        from yeji_tui import reports

        if self.data is None:
            return
        app = session(self)
        settings, t, today = self.data.status.settings, app.t, app.today

        def write() -> tuple[list[str], list[Path]]:
            with store_session():
                if kind == "dispatch":
                    report = reports.dispatch(
                        settings, today - timedelta(days=13), today, t, stale_days=app.stale_days
                    )
                else:
                    report = reports.assessment(settings, today, t, stale_days=app.stale_days)
            stem = Path.cwd() / f"{t(f'units.{kind}_file')}-{today.isoformat()}"
            paths = [stem.with_suffix(".md"), stem.with_suffix(".xlsx")]
            reports.write(report, "md", paths[0])
            reports.write(report, "xlsx", paths[1])
            return reports.to_markdown(report).splitlines(), paths

        try:
            lines, paths = await asyncio.to_thread(write)
        except OSError as exc:
            self.app.notify(t("units.report_failed", error=exc), severity="error", markup=False)
            return
        self.app.notify(
            t("units.report_written", paths="、".join(str(p) for p in paths)), markup=False
        )
        await self.ask(ListDialog(t(f"key.{kind}"), lines))


def calendar_lines(settings: CampaignSettings, events: list[EventRecord], t: Catalog) -> list[str]:
    """The events calendar as lines: day, kind, title, place, planned or held, and for the
    ceremonies how many projects of each target they carried."""
    lines: list[str] = []
    for e in events:
        day = e.held_on or e.planned_on
        state = t("units.held", day=e.held_on) if e.held_on else t("units.planned")
        line = f"{day}  {fit(t(f'kind.{e.kind}'), 10)} {e.title}  {e.place}  {state}"
        parts = [
            t("units.carried", target=spec.label, n=n, industrial=industrial)
            for spec, n, industrial in calc.carried(settings, e.kind, e.projects)
        ]
        lines.append(line)
        if e.held_on and parts:
            lines.append("    " + "；".join(parts))
    return lines


def roster_lines(lines: list[RosterLine], t: Catalog) -> list[str]:
    """The roster: each role's count against the notice's range, then every person."""
    out = [
        t(
            f"units.roster_{role}",
            n=n,
            low=low,
            high=high,
            ok="✔" if ok else t("units.out_of_range"),
        )
        for role, (n, low, high, ok) in calc.roster_check(r.role for r in lines).items()
    ]
    out.append("")
    out += [
        f"{fit(r.name, 16)} {fit(t(f'role.{r.role}'), 14)} {fit(r.organisation, 24)} "
        + t("units.brought", leads=r.leads, signed=r.signed)
        for r in lines
    ]
    return out
