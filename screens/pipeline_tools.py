"""The pipeline's keys beyond moving and acting on a card: the filter line (``/``, ``esc``),
saved views (``s``), the gap bridge (``b``), choosing leads for the overview's what-if (``w``),
a new lead (``n``) and the lead's page (``enter``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import events, work
from textual.message import Message

from models import leads
from models.identity import current_user
from models.leads import LeadFilter
from screens.base import key_in_force, session, store_session
from screens.lead_actions import LeadActions
from screens.pipeline_filter import FilterLine

if TYPE_CHECKING:
    from yeji_tui.status import Gap
    from yeji_tui.widgets.kanban_board import Board


class PipelineTools(LeadActions):
    """What the pipeline screen adds to the keys that act on a lead."""

    filter: LeadFilter
    board: Board

    filter_box: FilterLine

    def load(self, keep: int | None = None) -> None:
        """Read the board again for the current filter."""
        raise NotImplementedError

    # --- the filter ----------------------------------------------------------------------

    def action_filter(self) -> None:
        """Show the filter line and type in it."""
        self.filter_box.open()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """While the filter line is open the board's keys stand down: every key is typing."""
        if action in ("clear_filter", "filter"):
            return True
        box = getattr(self, "filter_box", None)  # checked before compose too
        if box is not None and box.is_open:
            return False
        return super().check_action(action, parameters)

    def on_key(self, event: events.Key) -> None:
        """Handle "/" and the typing after it here, in the order the keys came.

        Bindings run only once a key has bubbled up to the app, after the screen has taken
        every key of a burst (typing over SSH arrives in bursts): "hjjj" typed right after "/"
        would have reached the board. So the screen opens the filter line itself on "/", and
        puts printable keys that reach it while the line is open into the line.
        """
        box = self.filter_box
        if event.key == "slash" and not box.is_open:
            box.open()
        elif box.is_open and event.is_printable and event.character:
            box.insert_text_at_cursor(event.character)
        elif box.is_open and event.key == "enter":
            box.close()  # as the line's own Enter would
        else:
            return
        event.stop()
        event.prevent_default()

    def on_filter_line_applied(self, message: FilterLine.Applied) -> None:
        self.apply_filter(message.wanted)

    def on_filter_line_refused(self, message: FilterLine.Refused) -> None:
        bad = message.error
        self.say(session(self).t(bad.key, **bad.values), ok=False)

    def apply_filter(self, f: LeadFilter) -> None:
        """Show the leads ``f`` picks, each column from its first card."""
        if f != self.filter:
            self.filter = f
            self.board.to_top()
            self.say(None)
            self.load()

    def show_filter(self, f: LeadFilter) -> None:
        """Show the leads a filter picks, with the filter in the line (a unit's page asks)."""
        self.filter_box.show(f)
        self.apply_filter(f)

    def action_clear_filter(self) -> None:
        """Show every lead again (Esc)."""
        self.show_filter(LeadFilter())

    # --- saved views ---------------------------------------------------------------------

    def action_views(self) -> None:
        """Pick a saved view, or save the current filter under a name."""
        self._views()

    @work(exit_on_error=False)
    async def _views(self) -> None:
        from screens.dialogs import ChoiceDialog  # not needed for the first frame

        t = session(self).t
        with store_session():
            views = leads.saved_views()
        names = tuple(name for name, _ in views)
        # with no view saved yet there is nothing to pick: the dialog asks for the name at once
        choice = await self.ask(ChoiceDialog(t("views.title"), names, other=t("views.save_as")))
        if not isinstance(choice, str):
            return
        found = dict(views).get(choice)
        if found is not None:
            self.show_filter(found)
            self.say(t("views.applied", name=choice))
            return
        with store_session():
            leads.save_view(choice, self.filter, current_user())
        self.say(t("views.saved", name=choice))

    # --- the gap bridge ------------------------------------------------------------------

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

    def on_pipeline_tools_gap_found(self, message: GapFound) -> None:
        t, gap = session(self).t, message.gap
        if gap is None:
            self.say(t("gap.none"))
            return
        self.show_filter(
            LeadFilter(min_amount_wan=gap.min_amount_wan, industrial_only=gap.industrial_needed > 0)
        )
        self.board.activate(1, quiet=True)  # 洽谈
        self.say(t("gap.showing", label=gap.label, n=gap.needed))

    # --- the rest ------------------------------------------------------------------------

    def action_what_if(self) -> None:
        """Choose (or unchoose) a 洽谈 lead for the overview's what-if (w there)."""
        card = self._card_or_say()
        if card is None:
            return
        t, chosen = session(self).t, session(self).what_if
        if card.stage != "negotiating":
            self.say(t("what_if.only_negotiating"), ok=False)
        elif chosen.pop(card.id, None) is None:
            chosen[card.id] = card
            from screens.overview import OverviewScreen  # where the what-if is seen

            what_if = key_in_force(self, "overview.what_if", OverviewScreen)
            self.say(t("what_if.added", company=card.company, n=len(chosen), what_if=what_if))
        else:
            self.say(t("what_if.removed", company=card.company, n=len(chosen)))
        self.board.column.refresh()

    def action_new(self) -> None:
        """Enter a new lead (at 线索; it waits in triage for review)."""
        self.open_form(None)

    def action_open(self) -> None:
        """Open the card's lead: every field, its history and follow-ups."""
        card = self._card_or_say()
        if card is not None:
            from screens.lead_detail import LeadDetailScreen

            self.app.push_screen(LeadDetailScreen(card.id))
