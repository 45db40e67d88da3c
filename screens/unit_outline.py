"""What the units screen's outline and heatmap draw, built from the data read (no store, no
widgets): the organisation's lines with this month's marks, and one quota's rows by month."""

from __future__ import annotations

from models.records import QuotaName, UnitSpec
from yeji_tui import targets as calc
from yeji_tui.status import STATUS_SYMBOL
from yeji_tui.strings import Catalog
from yeji_tui.units_view import UnitsData
from yeji_tui.widgets.heatmap import HeatCell, HeatRow
from yeji_tui.widgets.org_list import OrgLine

#: a quota's state as a symbol (besides its colour: readable without colour, and in print)
MARKS = STATUS_SYMBOL  # the same symbols as the overview and `yeji status`


def org_lines(data: UnitsData, t: Catalog) -> tuple[OrgLine, ...]:
    """Groups, their units, then the outposts of no group, each with this month's marks."""
    settings = data.status.settings
    month = data.status.current_month
    state = {(r.subject, r.quota): r.status for r in data.status.quotas if r.month == month}

    def marks(subject: str, quotas: tuple[QuotaName, ...]) -> tuple[tuple[str, str], ...]:
        found = (state.get((subject, quota)) for quota in quotas)
        return tuple((MARKS[status], status) for status in found if status)

    def unit_line(unit: UnitSpec, last: bool) -> OrgLine:
        quotas = ("valid_leads",) if unit.kind == "outpost" else calc.UNIT_QUOTAS
        return OrgLine(f"unit:{unit.name}", unit.name, 1, last, marks(unit.name, quotas))

    lines: list[OrgLine] = []
    for group in settings.groups:
        members = [u for u in settings.units if u.group == group.name]
        group_marks = marks(group.name, ("valid_leads",))
        lines.append(OrgLine(f"group:{group.name}", group.name, 0, False, group_marks))
        lines += [unit_line(u, i == len(members) - 1) for i, u in enumerate(members)]
    loose = [u for u in settings.units if u.group is None]
    if loose:
        lines.append(OrgLine("", t("subject.outpost"), 0, False))
        lines += [unit_line(u, i == len(loose) - 1) for i, u in enumerate(loose)]
    return tuple(lines)


def heat_rows(data: UnitsData, quota: QuotaName) -> tuple[tuple[str, ...], tuple[HeatRow, ...]]:
    """The campaign's months, and a row per subject that owes ``quota`` (groups in 【】)."""
    status = data.status
    settings = status.settings
    months = tuple(span.month for span in calc.window_months(settings.start, settings.end))
    found = {(r.subject, r.month): r for r in status.quotas if r.quota == quota}
    rows: list[HeatRow] = []
    for subject in calc.quota_subjects(settings):
        if quota not in subject.quotas:
            continue
        cells = tuple(
            HeatCell(f"{r.actual}/{r.required} {MARKS[r.status]}", r.status) if r else None
            for r in (found.get((subject.name, month)) for month in months)
        )
        name = f"【{subject.name}】" if subject.kind == "group" else subject.name
        rows.append(HeatRow(f"{subject.kind}:{subject.name}", name, cells))
    return months, tuple(rows)
