"""What the units screen lists in a dialog: the records behind a heatmap cell, the events
calendar and the roster, each as lines of text (read in a thread by the screen)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.widgets import Static

from models.records import CampaignSettings, EventRecord, QuotaName, RosterLine
from screens.base import store_session
from screens.dialogs import Dialog
from yeji_tui import targets as calc
from yeji_tui.strings import Catalog
from yeji_tui.text import clean_text, fit
from yeji_tui.units_view import UnitsData


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


Reader = Callable[[], list[str]]


def cell_reader(
    data: UnitsData, row_key: str, month: str, quota: QuotaName, t: Catalog
) -> tuple[str, Reader]:
    """The title and the reader of the records behind a heatmap cell (a group's: its units')."""
    settings = data.status.settings
    kind, _, name = row_key.partition(":")
    units = [u.name for u in settings.units if u.group == name] if kind == "group" else [name]
    span = next(s for s in calc.window_months(settings.start, settings.end) if s.month == month)
    until = min(span.last, data.status.today)

    def read() -> list[str]:
        with store_session():
            return cell_lines(units, span.first, until, quota)

    return t("units.cell_title", name=name, month=month, quota=t(f"quota.{quota}")), read


def list_reader(which: str, data: UnitsData, t: Catalog) -> Reader:
    """The reader of the events calendar (``calendar``) or the roster (``roster``)."""
    settings = data.status.settings

    def read() -> list[str]:
        from models import reports

        with store_session():
            if which == "calendar":
                return calendar_lines(settings, reports.calendar(), t)
            return roster_lines(reports.roster(), t)

    return read


def cell_lines(units: list[str], first: date, until: date, quota: QuotaName) -> list[str]:
    """The trips, visits or valid leads behind a heatmap cell, a line each (reads the store:
    call it in a thread, inside a store session)."""
    from models.reports import activities_of, valid_leads_of

    if quota == "valid_leads":
        return [
            f"{day}  {fit(c.company, 24)}  {fit(c.project, 20)}  {c.unit}"
            for day, c in valid_leads_of(units, first, until)
        ]
    kinds = ("visit",) if quota == "visits" else ("trip",)
    return [
        f"{a.on}  {fit(a.unit, 14)}  {fit(a.destination or '—', 10)}  "
        f"{'★' if a.led_by_principal else ' '} {a.company}"
        for a in activities_of(
            units, first, until, kinds, principal_only=quota == "principal_trips"
        )
    ]


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
