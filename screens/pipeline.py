"""The lead pipeline (项目看板): one column per stage, cards moved with single keys.

The screen holds the filter and which column is active; the columns draw the cards. Every store
call runs in a worker; a change reloads the counts and the visible pages, and goes on the app's
undo stack.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import TYPE_CHECKING

from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.content import Content
from textual.message import Message
from textual.widgets import Input, Static
from textual.worker import get_current_worker

from models import leads
from models.db import current_user
from models.db import session as store_session
from models.leads import (
    BoardData,
    Change,
    LeadChanged,
    LeadFields,
    LeadFilter,
    Refused,
)
from models.records import STAGES, LeadCard, LeadRecord, StageName
from models.rules import next_stage, previous_stage
from screens.base import session
from screens.changes import LeadScreen, describe
from screens.dialogs import (
    DROP_REASONS,
    ChoiceDialog,
    FollowUpAnswer,
    FollowUpDialog,
    MoveAnswer,
    MoveDialog,
)
from yeji_tui.lead_filter import FilterError, filter_line, parse_filter
from yeji_tui.prefetch import ready
from yeji_tui.text import clean_text
from yeji_tui.widgets.footer import KeyBar
from yeji_tui.widgets.user_text import TextInput

if TYPE_CHECKING:
    from yeji_tui.status import Gap
from yeji_tui.widgets.kanban import PAGE, StageColumn


class FilterLine(TextInput):
    """The filter line. Once closed (Enter), keys already on their way to it belong to the
    board: they pass up instead of being typed (a burst like "Enter j" over SSH)."""

    async def _on_key(self, event: events.Key) -> None:
        if self.can_focus:
            await super()._on_key(event)


class PipelineScreen(LeadScreen):
    """Leads by stage; arrows or h/j/k/l move, > and < move the card, single keys decide."""

    AUTO_FOCUS = ""  # nothing: the screen's own keys work without focus
    filter_box: FilterLine  # made in compose
    BINDINGS = [
        Binding("greater_than_sign,shift+right", "move(1)", "key.next_stage", id="pipeline.next"),
        Binding(
            "less_than_sign,shift+left", "move(-1)", "key.previous_stage", id="pipeline.previous"
        ),
        Binding("v", "valid", "key.valid", id="pipeline.valid"),
        Binding("d", "drop", "key.drop", id="pipeline.drop"),
        Binding("f", "follow_up", "key.follow_up", id="pipeline.follow_up"),
        Binding("slash", "filter", "key.filter", id="pipeline.filter"),
        Binding("u", "undo", "key.undo", id="pipeline.undo"),
        Binding("n", "new", "key.new", id="pipeline.new"),
        Binding("w", "what_if", "key.what_if_pick", id="pipeline.what_if", show=False),
        Binding("g", "gap", "key.gap", id="pipeline.gap"),
        Binding("e", "edit", "key.edit", id="pipeline.edit", show=False),
        Binding("s", "views", "key.views", id="pipeline.views"),
        Binding("enter", "open", "key.open", id="pipeline.open", show=False),
        Binding("t", "toggle_dropped", "key.dropped", id="pipeline.dropped", show=False),
        Binding("escape", "clear_filter", "key.clear_filter", id="pipeline.clear", show=False),
        Binding("r", "refresh_data", "key.refresh", id="pipeline.refresh", show=False),
        Binding("left,h", "column(-1)", "key.left", show=False),
        Binding("right,l", "column(1)", "key.right", show=False),
        Binding("down,j", "cursor(1)", "key.down", show=False),
        Binding("up,k", "cursor(-1)", "key.up", show=False),
        Binding("pagedown", "cursor_page(1)", "key.page_down", show=False),
        Binding("pageup", "cursor_page(-1)", "key.page_up", show=False),
    ]

    class Loaded(Message):
        """Totals and the visible pages, read by a worker."""

        def __init__(self, data: BoardData, keep: int | None) -> None:
            super().__init__()
            self.data, self.keep = data, keep

    class PageLoaded(Message):
        """More cards of one column."""

        def __init__(self, stage: str, offset: int, cards: list[LeadCard]) -> None:
            super().__init__()
            self.stage, self.offset, self.cards = stage, offset, cards

    def __init__(self) -> None:
        super().__init__()
        self.filter = LeadFilter()
        self.show_dropped = False
        self.active = 0
        self.message: tuple[str, bool] | None = None

    # --- layout --------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        app = session(self)
        yield Static(self._heading(), id="pipeline-heading")
        box = FilterLine(
            placeholder=app.t("filter.placeholder"), id="filter", select_on_focus=False
        )
        box.can_focus = False  # "/" lets it take focus: the board's single keys stay the board's
        self.filter_box = box  # asked on every key and binding check: no DOM query each time
        yield box
        # Data read while the app started goes into the columns before they are mounted: the
        # first frame then has the cards (set after mount, they cost one more frame).
        first = ready(app.take_first_load())
        self._prefetched = isinstance(first, BoardData)
        with Horizontal(id="columns"):
            for stage in STAGES:
                column = StageColumn(stage, app.t, today=app.today, stale_days=app.stale_days)
                column.chosen = app.what_if
                column.display = stage != "dropped"
                column.set_active(stage == STAGES[0])
                if isinstance(first, BoardData):
                    count, amount = first.totals.get(stage, (0, 0))
                    column.reset(count, amount)
                    if stage in first.pages:
                        column.put_page(*first.pages[stage])
                yield column
        yield KeyBar()

    def on_mount(self) -> None:
        if self._prefetched:
            self._fetch_missing()
        else:
            self.load()

    def on_screen_resume(self) -> None:
        if self.returning_from_elsewhere():
            self.load(self._current_id())

    @property
    def columns(self) -> list[StageColumn]:
        """The columns shown, in pipeline order."""
        return [c for c in self.query(StageColumn) if c.display]

    @property
    def column(self) -> StageColumn:
        """The active column."""
        return self.columns[min(self.active, len(self.columns) - 1)]

    def _current_id(self) -> int | None:
        card = self.column.current()
        return card.id if card else None

    def _heading(self) -> Content:
        t = session(self).t
        parts: list[Content | str | tuple[str, str]] = [(t("section.pipeline"), "bold")]
        if self.filter.active:
            parts += ["  ", (t("filter.active", line=filter_line(self.filter)), "$text-accent")]
        if self.message:
            text, ok = self.message
            parts += [
                "  ",
                (("✔ " if ok else "✘ ") + text, "$text-success" if ok else "$text-error bold"),
            ]
        return Content.assemble(*parts)

    def _say(self, text: str | None, ok: bool = True) -> None:
        # what was done names the lead, as stored (an older version kept controls in names)
        self.message = (clean_text(text), ok) if text else None
        self.query_one("#pipeline-heading", Static).update(self._heading())

    # --- loading -------------------------------------------------------------------------

    def load(self, keep: int | None = None) -> None:
        """Read the totals and each visible column's page again."""
        offsets = {c.stage: (c.top // PAGE) * PAGE for c in self.columns}
        self._load(self.filter, offsets, keep)

    @work(thread=True, exclusive=True, group="pipeline", exit_on_error=False)
    def _load(self, f: LeadFilter, offsets: dict[str, int], keep: int | None) -> None:
        today = session(self).today
        with store_session():
            data = leads.board(f, today, offsets, PAGE)
        if not get_current_worker().is_cancelled:  # a newer keystroke has its own load
            self.post_message(self.Loaded(data, keep))

    @work(thread=True, group="pipeline-page", exit_on_error=False)
    def _load_page(self, f: LeadFilter, stage: str, offset: int) -> None:
        with store_session():
            cards = leads.stage_page(stage, f, session(self).today, offset, PAGE)
        self.post_message(self.PageLoaded(stage, offset, cards))

    def on_pipeline_screen_loaded(self, message: Loaded) -> None:
        self._show(message.data, message.keep)

    def _show(self, data: BoardData, keep: int | None = None) -> None:
        for column in self.query(StageColumn):
            count, amount = data.totals.get(column.stage, (0, 0))
            column.reset(count, amount)
            if column.stage in data.pages:
                offset, cards = data.pages[column.stage]
                column.put_page(offset, cards)
        if keep is not None:
            self.column.select(keep)
        self._fetch_missing()

    def on_pipeline_screen_page_loaded(self, message: PageLoaded) -> None:
        self.query_one(f"#column-{message.stage}", StageColumn).put_page(
            message.offset, message.cards
        )

    def _fetch_missing(self) -> None:
        for column in self.columns:
            offset = column.page_needed()
            if offset is not None:
                self._load_page(self.filter, column.stage, offset)

    def store_changed(self) -> None:
        """Someone else changed the store: follow it, keeping the cursor on its lead."""
        self.load(self._current_id())

    def action_refresh_data(self) -> None:
        """Read the store again."""
        self.load(self._current_id())

    # --- moving around -------------------------------------------------------------------

    def action_column(self, delta: int) -> None:
        """Make the column to the left or right active."""
        target = max(0, min(len(self.columns) - 1, self.active + delta))
        if target != self.active:
            self.column.set_active(False)
            self.active = target
            self.column.set_active(True)

    def action_cursor(self, delta: int) -> None:
        """Move the cursor up or down the active column."""
        if self.column.move_cursor(delta):
            self._fetch_missing()

    def action_cursor_page(self, direction: int) -> None:
        """Move the cursor a screenful."""
        self.action_cursor(direction * self.column.fits)

    def action_toggle_dropped(self) -> None:
        """Show or hide the 终止 column."""
        self.show_dropped = not self.show_dropped
        dropped = self.query_one("#column-dropped", StageColumn)
        dropped.display = self.show_dropped
        if not self.show_dropped and self.active >= len(self.columns):
            self.active = len(self.columns) - 1
            self.column.set_active(True)
        self.load()

    # --- the filter ----------------------------------------------------------------------

    def action_filter(self) -> None:
        """Show the filter line and type in it."""
        box = self.filter_box
        box.can_focus = True
        # focus now, not after a refresh: keys typed right after "/" (a burst over SSH) must
        # land in the filter, not on the board
        self.set_focus(box, scroll_visible=False)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """While the filter line is open the board's keys stand down: every key is typing."""
        if action in ("clear_filter", "filter"):
            return True
        return not self._filter_open()

    def _filter_open(self) -> bool:
        box = getattr(self, "filter_box", None)  # checked before compose too
        return box is not None and box.can_focus

    def on_key(self, event: events.Key) -> None:
        """Handle "/" and the typing after it here, in the order the keys came.

        Bindings run only once a key has bubbled up to the app, after the screen has taken
        every key of a burst (typing over SSH arrives in bursts): "hjjj" typed right after "/"
        would have reached the board. So the screen opens the filter line itself on "/", and
        puts printable keys that reach it while the line is open into the line.
        """
        box = self.filter_box
        if event.key == "slash" and not box.can_focus:
            self.action_filter()
        elif box.can_focus and event.is_printable and event.character:
            box.insert_text_at_cursor(event.character)
        elif box.can_focus and event.key == "enter":
            self._close_filter()  # as the line's own Enter would
        else:
            return
        event.stop()
        event.prevent_default()

    @on(Input.Changed, "#filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        try:
            f = parse_filter(event.value)
        except FilterError as bad:
            self._say(session(self).t("filter.bad", token=str(bad)), ok=False)
            return
        self._apply_filter(f)

    @on(Input.Submitted, "#filter")
    def _filter_done(self) -> None:
        self._close_filter()

    def _close_filter(self) -> None:
        self.filter_box.can_focus = False
        self.set_focus(None)

    def _apply_filter(self, f: LeadFilter) -> None:
        if f != self.filter:
            self.filter = f
            for column in self.columns:
                column.cursor = column.top = 0
            self._say(None)
            self.load()

    def show_filter(self, f: LeadFilter) -> None:
        """Show the leads a filter picks, with the filter in the line (a unit's page asks)."""
        self.filter_box.value = filter_line(f)
        self._close_filter()
        self._apply_filter(f)

    def action_clear_filter(self) -> None:
        """Show every lead again (Esc)."""
        self.filter_box.value = ""
        self._close_filter()
        self._apply_filter(LeadFilter())

    def action_views(self) -> None:
        """Pick a saved view, or save the current filter under a name."""
        self._views()

    @work(exit_on_error=False)
    async def _views(self) -> None:
        t = session(self).t
        with store_session():
            views = leads.saved_views()
        names = tuple(name for name, _ in views)
        choice = await self.ask(ChoiceDialog(t("views.title"), names, other=t("views.save_as")))
        if not isinstance(choice, str):
            return
        found = dict(views).get(choice)
        if found is not None:
            self._apply_filter(found)
            self._say(t("views.applied", name=choice))
            return
        with store_session():
            leads.save_view(choice, self.filter, current_user())
        self._say(t("views.saved", name=choice))

    # --- changes -------------------------------------------------------------------------

    def _card_or_say(self) -> LeadCard | None:
        card = self.column.current()
        if card is None:
            self._say(session(self).t("no_card"), ok=False)
        return card

    def action_move(self, direction: int) -> None:
        """Move the card to the next (or previous) stage; 签约 and 开工 ask for the day."""
        card = self._card_or_say()
        if card is None:
            return
        to = next_stage(card.stage) if direction > 0 else previous_stage(card.stage)
        if to is None:
            self._say(session(self).t("rule.one_step"), ok=False)
            return
        self._move(card, to)

    @work(exit_on_error=False)
    async def _move(self, card: LeadCard, to: StageName) -> None:
        app = session(self)
        answer: object = MoveAnswer(app.today, None)
        if direction_forward(card.stage, to) and to in ("signed", "started"):
            title = app.t(f"move.to_{to}", company=card.company)
            dialog = MoveDialog(title, amount_wan=card.amount_wan if to == "signed" else None)
            answer = await self.ask(dialog)
        if not isinstance(answer, MoveAnswer):
            return
        self._change(
            lambda: leads.move(
                card.id,
                card.version,
                to,
                answer.on,
                current_user(),
                app.today,
                amount_wan=answer.amount_wan,
            ),
            keep=card.id,
        )

    def action_valid(self) -> None:
        """Report the card as a valid lead today, or take the report back."""
        card = self._card_or_say()
        if card is not None:
            today = session(self).today
            self._change(
                lambda: leads.set_valid(
                    card.id, card.version, not card.is_valid, today, current_user(), today
                ),
                keep=card.id,
            )

    def action_drop(self) -> None:
        """Drop the card, with a reason picked from a short list (or typed)."""
        card = self._card_or_say()
        if card is not None:
            self._drop(card)

    @work(exit_on_error=False)
    async def _drop(self, card: LeadCard) -> None:
        t = session(self).t
        reason = await self.ask(
            ChoiceDialog(t("drop.title", company=card.company), DROP_REASONS, other=t("drop.other"))
        )
        if isinstance(reason, str):
            today = session(self).today
            self._change(lambda: leads.drop(card.id, card.version, reason, today, current_user()))

    def action_follow_up(self) -> None:
        """Note a follow-up and set the next follow-up day."""
        card = self._card_or_say()
        if card is not None:
            self._follow_up(card)

    @work(exit_on_error=False)
    async def _follow_up(self, card: LeadCard) -> None:
        t = session(self).t
        answer = await self.ask(FollowUpDialog(t("follow_up.title", company=card.company)))
        if isinstance(answer, FollowUpAnswer):
            today = session(self).today
            self._change(
                lambda: leads.add_follow_up(
                    card.id, card.version, answer.note, today, answer.next_follow_up, current_user()
                ),
                keep=card.id,
            )

    def action_gap(self) -> None:
        """Show the 洽谈 leads that would close the first signing target behind (largest first)."""
        self._gap()

    @work(thread=True, exclusive=True, group="pipeline", exit_on_error=False)
    def _gap(self) -> None:
        from yeji_tui.status import load_overview

        with store_session():
            overview = load_overview(session(self).today)
        self.post_message(self.GapFound(overview.gaps[0] if overview and overview.gaps else None))

    class GapFound(Message):
        """The first gap to bridge, or None when no signing target is behind."""

        def __init__(self, gap: Gap | None) -> None:
            super().__init__()
            self.gap = gap

    def on_pipeline_screen_gap_found(self, message: GapFound) -> None:
        t, gap = session(self).t, message.gap
        if gap is None:
            self._say(t("gap.none"))
            return
        self._apply_filter(
            LeadFilter(min_amount_wan=gap.min_amount_wan, industrial_only=gap.industrial_needed > 0)
        )
        self.column.set_active(False)
        self.active = 1  # 洽谈
        self.column.set_active(True)
        self._say(t("gap.showing", label=gap.label, n=gap.needed))

    def action_what_if(self) -> None:
        """Choose (or unchoose) a 洽谈 lead for the overview's what-if (w there)."""
        card = self._card_or_say()
        if card is None:
            return
        t, chosen = session(self).t, session(self).what_if
        if card.stage != "negotiating":
            self._say(t("what_if.only_negotiating"), ok=False)
        elif chosen.pop(card.id, None) is None:
            chosen[card.id] = card
            self._say(t("what_if.added", company=card.company, n=len(chosen)))
        else:
            self._say(t("what_if.removed", company=card.company, n=len(chosen)))
        self.column.refresh()

    def action_new(self) -> None:
        """Enter a new lead (at 线索; it waits in triage for review)."""
        self._form(None)

    def action_edit(self) -> None:
        """Edit the card's lead."""
        card = self._card_or_say()
        if card is not None:
            self._form(card.id)

    @work(exit_on_error=False)
    async def _form(self, lead_id: int | None) -> None:
        from screens.dialogs import MessageDialog
        from screens.lead_form import LeadForm, describe_fields

        app = session(self)
        t = app.t

        def read() -> tuple[tuple[str, ...], tuple[str, ...], LeadRecord | None]:
            with store_session():
                record = leads.lead_record(lead_id) if lead_id is not None else None
                return tuple(leads.unit_names()), tuple(leads.consultant_names()), record

        units, consultants, record = await asyncio.to_thread(read)
        if lead_id is not None and record is None:
            self._say(t("rule.gone"), ok=False)
            return
        fields = leads.lead_fields(record) if record else None
        version = record.version if record else 0
        title = t("form.edit_title", company=record.company) if record else t("form.new_title")
        while True:
            answer = await self.ask(LeadForm(title, fields, units, consultants, record))
            if not isinstance(answer, LeadFields):
                return
            fields = answer  # from here on the form reopens with what was typed

            def save(values: LeadFields = answer, at: int = version) -> Change:
                with store_session():
                    if lead_id is None:
                        return leads.create_lead(values, current_user(), app.today)
                    return leads.update_lead(lead_id, at, values, current_user())

            try:
                change = await asyncio.to_thread(save)
            except Refused as refused:
                self.app.notify(
                    t(refused.refusal.key, **refused.refusal.values), severity="error", markup=False
                )
                continue
            except LeadChanged as changed:
                if changed.current is None:
                    self._say(t("rule.gone"), ok=False)
                    return
                theirs = describe_fields(leads.lead_fields(changed.current), t)
                mine = describe_fields(answer, t)
                text = f"{t('form.theirs')}\n{theirs}\n\n{t('form.mine')}\n{mine}"
                await self.ask(MessageDialog(t("form.conflict"), text))
                version = changed.current.version  # saving again replaces theirs, knowingly
                continue
            app.record_change(change)
            self._say(describe(change, t))
            self.load(change.lead_id)
            return

    def action_open(self) -> None:
        """Open the card's lead: every field, its history and follow-ups."""
        card = self._card_or_say()
        if card is not None:
            from screens.lead_detail import LeadDetailScreen

            self.app.push_screen(LeadDetailScreen(card.id))

    def _change(self, write: Callable[[], Change], keep: int | None = None) -> None:
        self._keep = keep
        self.write_change(write)

    def after_change(self, message: LeadScreen.Done) -> None:
        self._say(message.text, message.ok)
        if message.ok:
            self.load(getattr(self, "_keep", None))


def direction_forward(from_stage: StageName, to: StageName) -> bool:
    """Whether ``to`` lies after ``from_stage`` on the pipeline."""
    return STAGES.index(to) > STAGES.index(from_stage)
