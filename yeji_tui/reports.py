"""The dispatch review (双周调度) and the end-of-campaign assessment, as tables that render to
Markdown (prints on A4), CSV (UTF-8 with BOM, for Excel) and xlsx.

Numbers come from the store's grouped queries (models.reports) and the calculator
(yeji_tui.targets); this module only lays them out. No Textual: the CLI imports it.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Literal

from models.followed_ahead import FollowedAhead
from models.records import CampaignSettings, UnitPeriod
from models.reports import start_unit_period, unit_period
from yeji_tui import targets as calc
from yeji_tui.md_table import markdown_table
from yeji_tui.status import gather, project_facts
from yeji_tui.strings import Catalog
from yeji_tui.text import remove_controls, spreadsheet_cell, yi

Format = Literal["md", "csv", "xlsx"]
Cell = str | int | float


@dataclass(frozen=True)
class Table:
    """A titled table; ``notes`` are lines printed under the title (a rule, a formula)."""

    title: str
    headers: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Report:
    """A report's heading and its tables."""

    title: str
    subtitle: str
    tables: tuple[Table, ...]


# --- the dispatch review ------------------------------------------------------------------------


def dispatch(
    settings: CampaignSettings,
    since: date,
    until: date,
    t: Catalog,
    *,
    stale_days: int,
    ahead: FollowedAhead | None = None,
) -> Report:
    """Per group and per unit for [since, until] (inside the window), and the targets with pace
    as of ``until``. ``ahead``: the period's slowest count, if the caller began it already."""
    lo, hi = max(since, settings.start), min(until, settings.end)
    pending = (
        start_unit_period(
            lo,
            hi,
            min_signed_wan=calc.smallest_signed_amount(settings),
            stale_days=stale_days,
            ahead=ahead,
        )
        if lo <= hi
        else None
    )
    targets = targets_table(settings, until, t)  # while the period's slowest count runs aside
    per_unit = pending.result() if pending is not None else {}
    lines = calc.dispatch_lines(settings, per_unit)
    headers = (
        t("rep.who"),
        t("quota.trips"),
        t("quota.principal_trips"),
        t("quota.visits"),
        t("rep.valid_reported"),
        t("rep.valid_followed"),
        t("rep.signed"),
        t("rep.signed_yi"),
        t("rep.started"),
        t("rep.started_yi"),
        t("rep.stale", n=stale_days),
    )
    rows: list[tuple[Cell, ...]] = []
    for line in lines:
        f = line.facts
        name = {
            "group": f"【{line.name}】",
            "unit": f"  {line.name}",
            "outpost": f"  {line.name}（{t('subject.outpost')}）",
            "ungrouped": f"【{t('rep.no_group')}】",
            "total": t("rep.district"),
        }[line.kind]
        rows.append(
            (
                name,
                f.trips,
                f.principal_trips,
                f.visits,
                f.valid_reported,
                f.valid_followed,
                f.signed,
                _yi(f.signed_wan),
                f.started,
                _yi(f.started_wan),
                f.stale,
            )
        )
    period = t("rep.period", since=lo.isoformat(), until=hi.isoformat())
    return Report(
        title=t("rep.dispatch_title", name=settings.name),
        subtitle=period,
        tables=(
            targets,
            Table(t("rep.by_unit"), headers, tuple(rows), (period,)),
        ),
    )


def targets_table(settings: CampaignSettings, today: date, t: Catalog) -> Table:
    """The campaign's targets with pace as of ``today`` (the same numbers as ``yeji status``)."""
    # the targets alone: the status's quota counts (a third of its time) are not shown here
    rows: list[tuple[Cell, ...]] = []
    for p in calc.targets_progress(settings, project_facts(settings, today), today):
        parts = [("", p.total)]
        if p.industrial is not None:
            parts.append((t("rep.industrial_part"), p.industrial))
        for suffix, part in parts:
            # the target's own status is the worse of its parts, as everywhere (DOMAIN.md)
            shown = part.status if suffix else p.status
            rows.append(
                (
                    p.spec.label + suffix,
                    part.actual,
                    part.target,
                    round(part.expected, 1),
                    t(f"status.{shown}"),
                )
            )
    headers = (
        t("rep.target"),
        t("rep.actual"),
        t("rep.goal"),
        t("rep.expected"),
        t("rep.status"),
    )
    elapsed = calc.elapsed_days(settings.start, settings.end, today)
    total = calc.days_total(settings.start, settings.end)
    note = t("rep.as_of", today=today.isoformat(), e=elapsed, d=total)
    return Table(t("rep.targets"), headers, tuple(rows), (note,))


# --- the assessment -------------------------------------------------------------------------


def window_period(
    settings: CampaignSettings, today: date, *, stale_days: int | None
) -> dict[str, UnitPeriod]:
    """What each unit did in the window up to ``today`` (the ranking's numbers)."""
    until = calc.counting_until(settings.start, settings.end, today)
    if until is None:
        return {}
    return unit_period(
        settings.start,
        until,
        min_signed_wan=calc.smallest_signed_amount(settings),
        stale_days=stale_days,
    )


def assessment(settings: CampaignSettings, today: date, t: Catalog, *, stale_days: int) -> Report:
    """The ranking, the advanced-unit nominees, the groups' tasks and who is ordered out."""
    per_unit = window_period(settings, today, stale_days=stale_days)
    status = gather(settings, today)
    ranked = calc.ranking(settings, per_unit, status.quotas)
    tasks = calc.group_tasks(settings, per_unit)
    rule = settings.assessment
    min_yi = yi(calc.smallest_signed_amount(settings))
    rule_text = t("rep.rule", n=rule.min_signed, yi=min_yi) + (
        t("rep.rule_months") if rule.all_quota_months else ""
    )
    nominated = calc.nominees(settings, ranked)
    out = calc.ordered_out(settings, tasks, ranked)
    return Report(
        title=t("rep.assessment_title", name=settings.name),
        subtitle=t("rep.as_of", today=today.isoformat(), e=status.elapsed, d=status.total),
        tables=(
            ranking_table(ranked, t),
            Table(
                t("rep.nominees"),
                (t("rep.rank"), t("subject.unit"), t("subject.group"), t("rep.score")),
                tuple((ranked.index(r) + 1, r.unit, r.group or "—", r.score) for r in nominated),
                (rule_text,),
            ),
            Table(
                t("rep.group_tasks"),
                (
                    t("subject.group"),
                    t("rep.signed_counted", yi=min_yi),
                    t("rep.signed_task"),
                    t("rep.started"),
                    t("rep.started_task"),
                    t("rep.status"),
                ),
                tuple(
                    (
                        g.group,
                        g.signed,
                        g.signed_task,
                        g.started,
                        g.started_task,
                        t("rep.task_missed") if g.missed else t("rep.task_met"),
                    )
                    for g in tasks
                ),
            ),
            Table(
                t("rep.ordered_out"),
                (t("subject.group"), t("subject.unit"), t("rep.principal"), t("rep.missed")),
                tuple((r.group or "—", r.unit, r.principal, _missed_text(r, t)) for r in out),
                (t("rep.ordered_out_rule"),),
            ),
        ),
    )


def ranking_headers(t: Catalog) -> tuple[str, ...]:
    """The ranking's columns, in the order of ``ranking_row``."""
    return (
        t("rep.rank"),
        t("subject.unit"),
        t("subject.group"),
        t("rep.signed"),
        t("rep.signed_yi"),
        t("rep.started"),
        t("quota.trips"),
        t("quota.visits"),
        t("rep.valid_reported"),
        t("rep.months_met"),
        t("rep.score"),
    )


def ranking_row(place: int, r: calc.RankRow) -> tuple[Cell, ...]:
    """One unit's line in the ranking."""
    f = r.facts
    return (
        place,
        r.unit,
        r.group or "—",
        f.signed,
        _yi(f.signed_wan),
        f.started,
        f.trips,
        f.visits,
        f.valid_reported,
        f"{r.months_met}/{r.months_due}",
        r.score,
    )


def score_formula(t: Catalog) -> str:
    """The ranking's scoring formula in words, from the calculator's weights."""
    terms = " + ".join(f"{w:g}×{t(f'rep.w.{name}')}" for name, w in calc.RANK_WEIGHTS)
    return t("rep.formula", terms=terms)


def ranking_table(ranked: Sequence[calc.RankRow], t: Catalog) -> Table:
    """Every unit, highest score first, with the formula."""
    return Table(
        t("rep.ranking"),
        ranking_headers(t),
        tuple(ranking_row(i, r) for i, r in enumerate(ranked, start=1)),
        (score_formula(t),),
    )


def _missed_text(r: calc.RankRow, t: Catalog) -> str:
    return "；".join(f"{m.month} {t(f'quota.{m.quota}')} {m.actual}/{m.required}" for m in r.missed)


def _yi(amount_wan: int) -> float:
    return round(amount_wan / 10000, 2)


# --- rendering ----------------------------------------------------------------------------


def to_markdown(report: Report, width: int | None = None) -> str:
    """Markdown that reads well as plain text too: columns padded by display width; with a
    ``width`` (a terminal's), the widest text columns wrap inside their cells to fit it."""
    out = [f"# {_line(report.title)}", "", _line(report.subtitle), ""]
    for table in report.tables:
        out += [f"## {_line(table.title)}", ""]
        out += [_line(note) for note in table.notes] + ([""] if table.notes else [])
        out += _markdown_table(table, width) if table.rows else ["（无）", ""]
    return "\n".join(out)


def _markdown_table(table: Table, width: int | None) -> list[str]:
    columns = range(len(table.headers))
    numeric = [all(isinstance(r[i], int | float) for r in table.rows) for i in columns]
    rows = [list(map(_text, r)) for r in table.rows]
    return markdown_table(list(map(_text, table.headers)), rows, numeric, width)


def _text(value: Cell) -> str:
    if isinstance(value, float):
        return f"{value:g}"
    return _line(str(value)).replace("|", "｜")  # a bar in a name would split the Markdown cell


def _line(text: str) -> str:
    """Text from the store on one line of a file that is read in a terminal, too: without
    controls an older version may have stored (indents kept: they lay out the table)."""
    return remove_controls(text).replace("\t", " ").replace("\n", " ")


def to_csv(report: Report) -> str:
    """Every table one after another, each under its title, blank lines between."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    # names are user text: none may run as a formula in the spreadsheet that opens the file
    writer.writerow([spreadsheet_cell(report.title)])
    writer.writerow([spreadsheet_cell(report.subtitle)])
    for table in report.tables:
        writer.writerow([])
        writer.writerow([spreadsheet_cell(table.title)])
        for note in table.notes:
            writer.writerow([spreadsheet_cell(note)])
        writer.writerow(table.headers)
        writer.writerows([spreadsheet_cell(c) for c in row] for row in table.rows)
    return buffer.getvalue()


def write(report: Report, fmt: Format, out: Path | None, *, width: int | None = None) -> str | None:
    """Write the report to ``out`` (xlsx needs a file); returns the text for stdout otherwise,
    Markdown fitted to ``width`` if given (a file always gets the full table)."""
    if fmt == "xlsx":
        from yeji_tui.xlsx import write_workbook

        assert out is not None
        write_workbook(
            out,
            [
                (table.title, [list(table.headers), *[list(r) for r in table.rows]])
                for table in report.tables
            ],
        )
        return None
    if out is None:
        return to_markdown(report, width) if fmt == "md" else to_csv(report)
    text = to_markdown(report) if fmt == "md" else to_csv(report)
    # CSV with a BOM: Excel on Chinese Windows opens it as UTF-8 only then
    out.write_text(text, encoding="utf-8-sig" if fmt == "csv" else "utf-8", newline="")
    return None
