"""Units (单位): the organisation as a tree with this month's quota state, a heatmap of every
quota in every month (enter drills into the trips, visits or valid leads behind a cell), and the
ranking with its scoring formula (sortable by any column).

Every read runs in a worker; the numbers come from the one calculator (yeji_tui.targets).
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.widgets import ContentSwitcher, DataTable, Static, Tree
from textual.widgets.tree import TreeNode

from models.db import session as store_session
from models.records import QuotaName
from screens.base import YejiScreen, session
from screens.dialogs import Dialog
from yeji_tui import targets as calc
from yeji_tui.prefetch import ready
from yeji_tui.strings import Catalog
from yeji_tui.text import clean_text, fit
from yeji_tui.units_view import UnitsData, load_units
from yeji_tui.widgets.footer import KeyBar

QUOTAS: tuple[QuotaName, ...] = ("trips", "principal_trips", "visits", "valid_leads")
#: a quota's state as a symbol (besides its colour: readable without colour, and in print)
MARKS = {"met": "✔", "in_progress": "○", "missed": "✘"}
STATUS_VARIABLE = {"met": "success", "in_progress": "warning", "missed": "error"}


class QuietTable(DataTable[Any]):
    """A DataTable without the mouse-hover highlight: over SSH every mouse move would rewrite
    the table's cells; the keyboard cursor is what counts here."""

    def _on_mouse_move(self, event: events.MouseMove) -> None:
        pass


class ListDialog(Dialog):
    """Records to read (the trips behind a heatmap cell); arrows scroll, Esc closes."""

    DEFAULT_CSS = """
    ListDialog > Vertical { width: 90; height: 80%; }
    ListDialog VerticalScroll { height: 1fr; }
    """
    BINDINGS = [Binding("escape,enter,q", "cancel", "key.close")]

    def __init__(self, title: str, lines: list[str]) -> None:
        super().__init__(title)
        self.lines = lines

    def compose(self) -> ComposeResult:
        with self.box(), VerticalScroll():
            yield Static(Content("\n").join(Content(clean_text(line)) for line in self.lines))


def mark(status: str, t: Catalog) -> str:
    """A quota state as its symbol and word, e.g. ``✔ 完成``."""
    return f"{MARKS[status]} {t(f'quota_status.{status}')}"


class UnitsScreen(YejiScreen):
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
        yield Static(self._heading(), id="units-heading")
        with Horizontal(id="units-body"):
            tree: Tree[str] = Tree(Text(session(self).t("units.tree_root")), id="unit-tree")
            tree.show_root = False
            tree.guide_depth = 2
            yield tree
            with ContentSwitcher(initial="heatmap", id="units-views"):
                yield QuietTable(id="heatmap", cursor_type="cell", zebra_stripes=True)
                yield QuietTable(id="ranking", cursor_type="cell", zebra_stripes=True)
        yield Static("", id="units-note")
        yield KeyBar()

    def on_mount(self) -> None:
        if self.data is not None:
            self._fill()
        else:
            self.load()

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
            data = load_units(app.today, app.stale_days)
        self.post_message(self.Loaded(data))

    def on_units_screen_loaded(self, message: Loaded) -> None:
        self.data = message.data
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
        self._fill_tree()
        self._fill_heatmap()
        self._fill_ranking()
        self._show_note()

    def _fill_tree(self) -> None:
        assert self.data is not None
        t = session(self).t
        settings = self.data.status.settings
        tree = self.query_one("#unit-tree", Tree)
        tree.clear()
        month = self.data.status.current_month
        state = {
            (r.subject, r.quota): r.status for r in self.data.status.quotas if r.month == month
        }

        def marks(subject: str, quotas: tuple[QuotaName, ...]) -> Text:
            text = Text()
            for quota in quotas:
                status = state.get((subject, quota))
                if status:
                    text.append(MARKS[status], style=self._colour(status))
            return text

        for group in settings.groups:
            label = Text(group.name, style="bold") + Text(" ") + marks(group.name, ("valid_leads",))
            node: TreeNode[str] = tree.root.add(label, data=f"group:{group.name}", expand=True)
            for unit in settings.units:
                if unit.group == group.name:
                    quotas = ("valid_leads",) if unit.kind == "outpost" else calc.UNIT_QUOTAS
                    node.add_leaf(
                        Text(unit.name + " ") + marks(unit.name, quotas), data=f"unit:{unit.name}"
                    )
        loose = [u for u in settings.units if u.group is None]
        if loose:
            node = tree.root.add(Text(t("subject.outpost"), style="bold"), data="", expand=True)
            for unit in loose:
                node.add_leaf(
                    Text(unit.name + " ") + marks(unit.name, ("valid_leads",)),
                    data=f"unit:{unit.name}",
                )

    def _colour(self, status: str) -> str:
        variables = self.app.theme_variables
        return f"bold {variables.get(STATUS_VARIABLE[status], '')}".strip()

    def _fill_heatmap(self) -> None:
        assert self.data is not None
        t = session(self).t
        status = self.data.status
        settings = status.settings
        table = self.query_one("#heatmap", QuietTable)
        keep = table.cursor_coordinate
        table.clear(columns=True)
        months = calc.window_months(settings.start, settings.end)
        table.add_column(t("units.subject"), key="subject")
        for span in months:
            table.add_column(span.month, key=span.month)
        cells = {(r.subject, r.month): r for r in status.quotas if r.quota == self.quota}
        for subject in calc.quota_subjects(settings):
            if self.quota not in subject.quotas:
                continue
            name = subject.name if subject.kind != "group" else f"【{subject.name}】"
            row: list[Any] = [Text(name)]
            for span in months:
                found = cells.get((subject.name, span.month))
                if found is None:
                    row.append(Text("—", style="dim"))
                else:
                    row.append(
                        Text(
                            f"{found.actual}/{found.required} {MARKS[found.status]}",
                            style=self._colour(found.status),
                        )
                    )
            table.add_row(*row, key=f"{subject.kind}:{subject.name}")
        if table.row_count:
            table.move_cursor(row=min(keep.row, table.row_count - 1), column=max(1, keep.column))

    def _fill_ranking(self) -> None:
        assert self.data is not None
        from yeji_tui.reports import ranking_headers, ranking_row

        t = session(self).t
        table = self.query_one("#ranking", QuietTable)
        table.clear(columns=True)
        for i, header in enumerate(ranking_headers(t)):
            table.add_column(header, key=str(i))
        for place, r in enumerate(self.data.ranked, start=1):
            cells = ranking_row(place, r)
            table.add_row(
                *(
                    Text(c) if isinstance(c, str) else Text(f"{c:g}", justify="right")
                    for c in cells
                ),
                key=r.unit,
            )
        if self.sort_column is not None:
            self._sort()

    def _show_note(self) -> None:
        t = session(self).t
        showing = self.query_one(ContentSwitcher).current
        if showing == "ranking":
            from yeji_tui.reports import score_formula

            note = score_formula(t)
        else:
            note = t("units.legend")
        self.query_one("#units-note", Static).update(Content(note))

    # --- keys ----------------------------------------------------------------------------

    def action_view(self, name: str) -> None:
        """Show the heatmap or the ranking."""
        self.query_one(ContentSwitcher).current = name
        self.query_one(f"#{name}", QuietTable).focus()
        self.query_one("#units-heading", Static).update(self._heading())
        self._show_note()

    def action_quota(self, step: int) -> None:
        """Show the next or previous quota in the heatmap."""
        self.quota_index = (self.quota_index + step) % len(QUOTAS)
        if self.data is not None:
            self._fill_heatmap()
        self.query_one("#units-heading", Static).update(self._heading())

    def action_sort(self) -> None:
        """Sort the ranking by the cursor's column (again: the other way round)."""
        table = self.query_one("#ranking", QuietTable)
        column = table.cursor_coordinate.column
        self.sort_reverse = not self.sort_reverse if column == self.sort_column else column != 1
        self.sort_column = column
        self._sort()

    def _sort(self) -> None:
        table = self.query_one("#ranking", QuietTable)

        def key(value: object) -> Any:
            text = str(value.plain if isinstance(value, Text) else value)
            if "/" in text:  # quota months "8/12"
                text = text.split("/")[0]
            try:
                return (0, float(text))
            except ValueError:
                return (1, text)

        table.sort(str(self.sort_column), key=key, reverse=self.sort_reverse)

    @on(DataTable.CellSelected, "#heatmap")
    def _drill(self, event: DataTable.CellSelected) -> None:
        if self.data is None or event.coordinate.column == 0:
            return
        row_key = str(event.cell_key.row_key.value)
        month = str(event.cell_key.column_key.value)
        self._records(row_key, month)

    @on(DataTable.CellSelected, "#ranking")
    def _rank_page(self, event: DataTable.CellSelected) -> None:
        self._open_page(f"unit:{event.cell_key.row_key.value}")

    @on(Tree.NodeSelected)
    def _tree_page(self, event: Tree.NodeSelected[str]) -> None:
        if event.node.data:
            self._open_page(event.node.data)

    def _open_page(self, key: str) -> None:
        if self.data is None:
            return
        from screens.unit_page import SubjectPage

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

    def action_log_activity(self) -> None:
        """Log a trip, a visit or an event (the quotas follow at once)."""
        self._log()

    @work(exit_on_error=False)
    async def _log(self) -> None:
        from screens.activity_form import log_activity

        if await log_activity(self, None):
            self.load()
