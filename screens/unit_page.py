"""A unit's page (its leads by stage, month-by-month quotas, activities, its principal's trips)
or a group's page (its units and totals). ``p`` opens the pipeline filtered to it."""

from __future__ import annotations

import asyncio

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.widgets import Static

from models.audit import audit_lines
from models.audit_line import AuditLine, AuditQuery
from models.ledger import ActivityInput
from models.records import ACTIVITY_KINDS, UnitPeriod
from screens.audit_lines import audit_block
from screens.base import YejiScreen, key_in_force, plain, session, store_session
from yeji_tui import targets as calc
from yeji_tui.strings import Catalog
from yeji_tui.text import clean_text, fit, yi
from yeji_tui.units_view import UnitsData
from yeji_tui.widgets.footer import KeyBar

RECENT = 12
#: The unit's latest audit lines on its page (``yeji audit --unit`` prints them all).
AUDIT_LINES = 20


class SubjectPage(YejiScreen):
    """One unit or one group, on a page of its own; Esc goes back."""

    AUTO_FOCUS = "#subject-body"
    BINDINGS = [
        Binding("escape,backspace", "back", "key.back", id="page.back"),
        Binding("p", "pipeline", "key.its_pipeline", id="page.pipeline"),
    ]

    def __init__(self, kind: str, name: str, data: UnitsData) -> None:
        super().__init__()
        self.kind, self.subject, self.data = kind, name, data

    def compose(self) -> ComposeResult:
        t = session(self).t
        yield Static(
            Content.assemble((clean_text(self.subject), "bold")),
            id="subject-heading",
            classes="section-heading",
        )
        with VerticalScroll(id="subject-body"):
            yield Static(Content(t("loading")), id="subject-text")
        yield KeyBar()

    def on_mount(self) -> None:
        self._load()

    def action_back(self) -> None:
        """Back to the units screen."""
        self.app.pop_screen()

    def action_pipeline(self) -> None:
        """The pipeline, showing only this unit's (or this group's) leads."""
        from models.leads import LeadFilter

        wanted = (
            LeadFilter(unit=self.subject) if self.kind == "unit" else LeadFilter(group=self.subject)
        )
        self.app.pop_screen()
        opener = getattr(self.app, "open_pipeline", None)
        if callable(opener):
            opener(wanted)

    @work(exit_on_error=False)
    async def _load(self) -> None:
        from models.leads import LeadFilter, stage_totals
        from models.reports import activities_of

        today = session(self).today
        settings = self.data.status.settings
        until = calc.counting_until(settings.start, settings.end, today) or settings.start
        name, kind = self.subject, self.kind

        def read() -> tuple[
            dict[str, tuple[int, int]], list[ActivityInput], list[ActivityInput], list[AuditLine]
        ]:
            with store_session():
                wanted = LeadFilter(unit=name) if kind == "unit" else LeadFilter(group=name)
                totals = stage_totals(wanted, today)
                if kind != "unit":
                    return totals, [], [], []
                recent = activities_of([name], settings.start, until, ACTIVITY_KINDS, limit=RECENT)
                principal = activities_of(
                    [name], settings.start, until, ("trip",), principal_only=True
                )
                changes = audit_lines(AuditQuery(unit=name), limit=AUDIT_LINES)
                return totals, recent, principal, changes

        totals, recent, principal, changes = await asyncio.to_thread(read)
        t = session(self).t
        body = (
            self._unit_text(t, totals, recent, principal, changes)
            if kind == "unit"
            else self._group_text(t, totals)
        )
        self.query_one("#subject-text", Static).update(body)

    def _stages(self, t: Catalog, totals: dict[str, tuple[int, int]]) -> list[Content]:
        return [
            Content.assemble((t("page.leads"), "bold $text-accent")),
            Content(
                "  ".join(
                    f"{t(f'stage.{stage}')} {n}（{yi(wan)}亿）"
                    for stage, (n, wan) in totals.items()
                )
            ),
            Content.assemble(
                (
                    t("page.pipeline_hint", pipeline=key_in_force(self, "page.pipeline")),
                    "$text-muted",
                )
            ),
            Content(""),
        ]

    def _facts(self, t: Catalog, f: UnitPeriod) -> Content:
        return Content(
            t(
                "page.facts",
                trips=f.trips,
                principal=f.principal_trips,
                visits=f.visits,
                valid=f.valid_reported,
                signed=f.signed,
                signed_yi=yi(f.signed_wan),
                started=f.started,
            )
        )

    def _unit_text(
        self,
        t: Catalog,
        totals: dict[str, tuple[int, int]],
        recent: list[ActivityInput],
        principal: list[ActivityInput],
        changes: list[AuditLine],
    ) -> Content:
        settings = self.data.status.settings
        unit = settings.unit(self.subject)
        rank = self.data.rank_of(self.subject)
        lines: list[Content] = []
        if unit is not None:
            who = t("page.unit_line", group=unit.group or "—", principal=unit.principal or "—")
            lines.append(plain(who))
        if rank is not None:
            place = self.data.ranked.index(rank) + 1
            lines.append(
                Content(t("page.rank", place=place, n=len(self.data.ranked), score=rank.score))
            )
            lines.append(self._facts(t, rank.facts))
        lines.append(Content(""))
        lines += self._stages(t, totals)
        lines.append(Content.assemble((t("page.quotas"), "bold $text-accent")))
        for row in self.data.status.quotas:
            if row.subject == self.subject:
                lines.append(
                    Content(
                        f"{row.month}  {fit(t(f'quota.{row.quota}'), 14)} "
                        f"{row.actual}/{row.required}  {t(f'quota_status.{row.status}')}"
                    )
                )
        lines += [
            Content(""),
            Content.assemble((t("page.principal_trips", n=len(principal)), "bold $text-accent")),
        ]
        lines += [plain(f"{a.on}  {a.destination or '—'}  {a.company}") for a in principal[:RECENT]]
        lines += [Content(""), Content.assemble((t("page.recent"), "bold $text-accent"))]
        lines += [
            plain(f"{a.on}  {fit(t(f'kind.{a.kind}'), 10)} {a.destination or '—'}  {a.company}")
            for a in recent
        ]
        lines += audit_block(t, t("audit.recent"), changes, with_subject=True)
        return Content("\n").join(lines)

    def _group_text(self, t: Catalog, totals: dict[str, tuple[int, int]]) -> Content:
        settings = self.data.status.settings
        group = next((g for g in settings.groups if g.name == self.subject), None)
        task = next((g for g in self.data.tasks if g.group == self.subject), None)
        lines: list[Content] = []
        if group is not None:
            lines.append(
                plain(
                    t(
                        "page.group_line",
                        leader=group.leader or "—",
                        lead_unit=group.lead_unit or "—",
                    )
                )
            )
        if task is not None:
            lines.append(
                Content(
                    t(
                        "page.tasks",
                        signed=task.signed,
                        signed_task=task.signed_task,
                        started=task.started,
                        started_task=task.started_task,
                    )
                )
            )
        members = [u.name for u in settings.units if u.group == self.subject]
        total = calc.group_facts(settings, self.subject, self.data.per_unit)
        lines += [self._facts(t, total), Content("")]
        lines += self._stages(t, totals)
        lines.append(Content.assemble((t("page.units"), "bold $text-accent")))
        for name in members:
            rank = self.data.rank_of(name)
            if rank is None:
                continue
            f = rank.facts
            short = t(
                "page.unit_short",
                signed=f.signed,
                trips=f.trips,
                visits=f.visits,
                valid=f.valid_reported,
                met=rank.months_met,
                due=rank.months_due,
            )
            lines.append(plain(f"{fit(clean_text(name), 22)} {short}"))
        return Content("\n").join(lines)
