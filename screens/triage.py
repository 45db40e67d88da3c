"""Triage (待办): the leads that need a decision, one at a time, each decided with one key.

The queue: new leads not yet reviewed, follow-ups past due, and leads with no change for N days
(the ``stale_days`` setting). A decision marks the lead reviewed and moves on; ``space`` skips.
No key needs Esc (terminals wait ~0.1 s after it).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import date, timedelta

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.widgets import Static

from models import leads
from models.identity import current_user
from models.leads import Change, LeadDetail, TriageItem, TriageStart
from models.records import LeadRecord
from models.rules import DROP_REASONS
from screens.base import plain, session, store_session
from screens.changes import LeadScreen
from screens.dialogs import ChoiceDialog, PickDialog
from screens.lead_detail import render_detail
from yeji_tui.prefetch import ready
from yeji_tui.text import yi
from yeji_tui.widgets.footer import KeyBar


class TriageScreen(LeadScreen):
    """One lead at a time, large; single keys decide."""

    AUTO_FOCUS = ""  # nothing: the screen's own keys work without focus
    #: in the key bar at any width: every other key here commits at once
    KEY_BAR_KEEPS = ("undo",)
    BINDINGS = [
        Binding("v", "decide('valid')", "key.valid", id="triage.valid"),
        Binding("a", "decide('advance')", "key.advance", id="triage.advance"),
        Binding("d", "drop", "key.drop", id="triage.drop"),
        Binding("o", "reassign", "key.reassign", id="triage.reassign"),
        Binding("f", "follow_up", "key.next_follow_up", id="triage.follow_up"),
        # ␣: "space" would push a decision out of the key bar at 80 columns
        Binding("space", "skip", "key.skip", id="triage.skip", key_display="␣"),
        Binding("u", "undo", "key.undo", id="triage.undo"),
        Binding("r", "refresh_data", "key.refresh", id="triage.refresh", show=False),
        # the card is taller than 24 lines: its history and notes are below the fold
        Binding("down,j", "scroll('down')", "key.down", id="triage.down", show=False),
        Binding("up,k", "scroll('up')", "key.up", id="triage.up", show=False),
        Binding("pagedown", "scroll('page_down')", "key.page_down", show=False),
        Binding("pageup", "scroll('page_up')", "key.page_up", show=False),
        Binding("home,g", "scroll('home')", "key.top", show=False),
        Binding("end,G", "scroll('end')", "key.bottom", show=False),
    ]

    class Loaded(Message):
        """The queue and the first lead's page."""

        def __init__(self, start: TriageStart) -> None:
            super().__init__()
            self.start = start

    class Shown(Message):
        """The page of the lead now in front."""

        def __init__(self, detail: LeadDetail | None) -> None:
            super().__init__()
            self.detail = detail

    def __init__(self) -> None:
        super().__init__()
        self.queue: list[TriageItem] = []
        self.index = 0
        self.detail: LeadDetail | None = None
        self.message: tuple[str, bool] | None = None

    def compose(self) -> ComposeResult:
        yield Static(
            Content(session(self).t("loading")), id="triage-heading", classes="section-heading"
        )
        with VerticalScroll(id="triage"):
            yield Static("", id="triage-body")
        yield KeyBar()

    def on_mount(self) -> None:
        first = ready(session(self).take_first_load())  # read while the app started
        if isinstance(first, TriageStart):
            self._begin(first)
        else:
            self.load()

    def on_screen_resume(self) -> None:
        if self.returning_from_elsewhere():
            self.load()

    def action_refresh_data(self) -> None:
        """Take the queue afresh."""
        self.load()

    @work(thread=True, exclusive=True, group="triage", exit_on_error=False)
    def load(self) -> None:
        """Read the queue and the first lead in a thread."""
        app = session(self)
        with store_session():
            start = leads.triage_start(app.today, app.stale_days)
        self.post_message(self.Loaded(start))

    def on_triage_screen_loaded(self, message: Loaded) -> None:
        self._begin(message.start)

    def _begin(self, start: TriageStart) -> None:
        self.queue, self.index = start.queue, 0
        self._show(start.detail)

    @work(thread=True, exclusive=True, group="triage", exit_on_error=False)
    def _fetch(self, lead_id: int) -> None:
        with store_session():
            detail = leads.lead_detail(lead_id)
        self.post_message(self.Shown(detail))

    def on_triage_screen_shown(self, message: Shown) -> None:
        self._show(message.detail)

    def _show(self, detail: LeadDetail | None) -> None:
        self.detail = detail
        self.follow_card()
        t = session(self).t
        self._heading()
        body = self.query_one("#triage-body", Static)
        if detail is None or self.index >= len(self.queue):
            body.update(Content.assemble((t("triage.empty"), "$text-success bold")))
            return
        self.query_one("#triage", VerticalScroll).scroll_home(animate=False)
        lead = detail.lead
        item = self.queue[self.index]
        since = item.since.isoformat() if item.since else ""
        days = (session(self).today - item.since).days if item.since else 0
        why = t(f"triage.why_{item.reason}", day=since, n=days)
        body.update(
            Content("\n").join(
                [
                    Content.assemble((why, "$text-warning bold")),
                    Content(""),
                    plain(lead.company).stylize("bold $text-accent"),
                    plain(lead.project),
                    Content.assemble(
                        (f"{yi(lead.amount_wan)} 亿元", "bold"),
                        f"  ·  {t(f'stage.{lead.stage}')}  ·  ",
                        plain(lead.unit),
                    ),
                    Content(""),
                    render_detail(detail, t),
                ]
            )
        )

    def write_unit(self, action: str) -> str | None:
        lead = self._lead_or_none() if action != "undo" else None
        return lead.lead.unit if lead else None

    def _heading(self) -> None:
        t = session(self).t
        total = len(self.queue)
        shown = min(self.index + 1, total)
        parts: list[Content | str | tuple[str, str]] = [
            (t("section.triage"), "bold"),
            "  ",
            (t("triage.progress", n=shown, total=total), "$text-accent"),
        ]
        if self.message:
            text, ok = self.message
            word = ("✔ " if ok else "✘ ") + text
            parts += ["  ", (word, "$text-success" if ok else "$text-error bold")]
        self.query_one("#triage-heading", Static).update(Content.assemble(*parts))

    def action_scroll(self, where: str) -> None:
        """Scroll the card (its stage history and follow-ups are below the fold at 80×24)."""
        card = self.query_one("#triage", VerticalScroll)
        name = f"action_{where}" if where.startswith("page") else f"action_scroll_{where}"
        getattr(card, name)()

    def _next(self) -> None:
        self.index += 1
        if self.index < len(self.queue):
            self._fetch(self.queue[self.index].lead_id)
        else:
            self._show(None)

    # --- decisions -----------------------------------------------------------------------

    def _lead_or_none(self) -> LeadDetail | None:
        return self.detail if self.index < len(self.queue) else None

    def action_skip(self) -> None:
        """Leave this lead for later."""
        if self._lead_or_none():
            self.message = None
            self._next()

    def action_decide(self, what: str) -> None:
        """Report the lead valid, or advance it to 洽谈 (both mark it reviewed)."""
        detail = self._lead_or_none()
        if detail is None:
            return
        lead, today = detail.lead, session(self).today
        if what == "advance" and lead.stage == "negotiating":
            # what is true, not the rule for leads at other stages
            t = session(self).t
            self.message = (t("triage.already", stage=t("stage.negotiating")), False)
            self._heading()
            return
        self._write(
            lambda: leads.review(
                lead.id,
                lead.version,
                today,
                current_user(),
                today,
                valid=what == "valid",
                advance=what == "advance",
            )
        )

    def action_follow_up(self) -> None:
        """Follow up again in 3, 7 or 14 days (1, 2, 3)."""
        t = session(self).t
        days = {t("form.next_3"): 3, t("form.next_7"): 7, t("form.next_14"): 14}
        self._ask_then(
            t("form.next"),
            tuple(days),
            lambda answer, lead, today: leads.review(
                lead.id,
                lead.version,
                today,
                current_user(),
                today,
                next_follow_up=today + timedelta(days=days[answer]),
            ),
        )

    def action_drop(self) -> None:
        """Drop the lead with a reason picked from a short list (or typed)."""
        detail = self._lead_or_none()
        if detail is not None:
            t = session(self).t
            self._ask_then(
                t("drop.title", company=detail.lead.company),
                DROP_REASONS,
                lambda answer, lead, today: leads.drop(
                    lead.id, lead.version, answer, today, current_user()
                ),
                other=t("drop.other"),
            )

    def action_reassign(self) -> None:
        """Give the lead to another unit, picked by name, pinyin or initials."""
        self._ask_then(
            session(self).t("triage.to_unit"),
            None,  # the units, read when asked
            lambda answer, lead, today: leads.review(
                lead.id, lead.version, today, current_user(), today, unit=answer
            ),
        )

    @work(exit_on_error=False)
    async def _ask_then(
        self,
        title: str,
        choices: tuple[str, ...] | None,
        decide: Callable[[str, LeadRecord, date], Change],
        other: str = "",
    ) -> None:
        """Ask for an answer (None: the other units), then write the decision it makes."""
        detail = self._lead_or_none()
        if detail is None:
            return
        lead, today = detail.lead, session(self).today
        if choices is None:

            def read() -> list[str]:
                with store_session():
                    return leads.unit_names()

            names = await asyncio.to_thread(read)  # never a query on the UI thread
            units = tuple(name for name in names if name != lead.unit)
            answer = await self.ask(PickDialog(title, units))
        else:
            answer = await self.ask(ChoiceDialog(title, choices, other=other))
        if isinstance(answer, str):
            self._write(lambda: decide(answer, lead, today))

    def _write(self, write: Callable[[], Change]) -> None:
        self.write_change(write)

    def after_change(self, message: LeadScreen.Done) -> None:
        self.message = (message.text, message.ok)
        if message.undone and message.change is not None:
            self._back_to(message.change.lead_id)
        elif message.change is not None:
            self._next()  # decided: on to the next lead
        else:
            self._heading()

    def _back_to(self, lead_id: int) -> None:
        """After an undo: the lead it restored, in front again, at its place in the queue (the
        counter goes back one, the total stays)."""
        at = next((i for i, item in enumerate(self.queue) if item.lead_id == lead_id), None)
        if at is None:
            self.load()  # not one of this queue's leads (a change made in the pipeline)
            return
        self.index = at
        self._fetch(lead_id)
