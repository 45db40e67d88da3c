"""Acting on one lead with single keys — next or previous stage, valid, drop, follow-up, edit —
from wherever the lead is shown: the pipeline's card or the lead's own page.

A screen that shows a lead says which (``current_card``), how it says what happened (``say``)
and how it reads the store again (``reload``); the actions, their dialogs and the workers that
write are the same for both.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from textual import work
from textual.binding import Binding

from models import leads
from models.identity import current_user
from models.leads import Change, LeadChanged, LeadFields, Refused
from models.records import STAGES, LeadCard, LeadRecord, StageName
from models.rules import DROP_REASONS, next_stage, previous_stage
from screens.base import key_in_force, session, store_session
from screens.changes import LeadScreen, describe

#: the keys that act on a lead, shown first in the footer (most used first); ids are remappable
LEAD_BINDINGS = [
    Binding("greater_than_sign,shift+right", "move(1)", "key.next_stage", id="pipeline.next"),
    Binding("less_than_sign,shift+left", "move(-1)", "key.previous_stage", id="pipeline.previous"),
    Binding("f", "follow_up", "key.follow_up", id="pipeline.follow_up"),
    Binding("v", "valid", "key.valid", id="pipeline.valid"),
    Binding("d", "drop", "key.drop", id="pipeline.drop"),
    Binding("e", "edit", "key.edit", id="pipeline.edit"),
]


def as_card(record: LeadRecord) -> LeadCard:
    """The card of a lead read in full (the lead's page acts on it as the pipeline would)."""
    return LeadCard(
        id=record.id,
        company=record.company,
        project=record.project,
        amount_wan=record.amount_wan,
        industry=record.industry,
        unit=record.unit,
        stage=record.stage,
        is_valid=record.valid_since is not None,
        is_industrial=record.is_industrial,
        touched_on=record.touched_on,
        version=record.version,
    )


def direction_forward(from_stage: StageName, to: StageName) -> bool:
    """Whether ``to`` lies after ``from_stage`` on the pipeline."""
    return STAGES.index(to) > STAGES.index(from_stage)


class LeadActions(LeadScreen):
    """A screen whose keys act on the lead it shows."""

    _keep: int | None = None

    def current_card(self) -> LeadCard | None:
        """The lead the keys act on, if any."""
        raise NotImplementedError

    def say(self, text: str | None, ok: bool = True) -> None:
        """Say what happened (None: say nothing any more)."""
        raise NotImplementedError

    def reload(self, keep: int | None) -> None:
        """Read the store again, keeping the cursor on lead ``keep`` if it is still shown."""
        raise NotImplementedError

    def hidden_after_save(self, lead_id: int) -> bool:
        """Whether a lead just saved is out of sight (asked in a worker thread)."""
        return False

    def write_unit(self, action: str) -> str | None:
        card = self.current_card() if action not in ("new", "undo") else None
        return card.unit if card else None

    def _card_or_say(self) -> LeadCard | None:
        card = self.current_card()
        if card is None:
            self.say(session(self).t("no_card"), ok=False)
        return card

    def action_move(self, direction: int) -> None:
        """Move the lead to the next (or previous) stage; 签约 and 开工 ask for the day."""
        card = self._card_or_say()
        if card is None:
            return
        to = next_stage(card.stage) if direction > 0 else previous_stage(card.stage)
        if to is None:
            self.say(session(self).t("rule.one_step"), ok=False)
            return
        self._move(card, to)

    @work(exit_on_error=False)
    async def _move(self, card: LeadCard, to: StageName) -> None:
        # the dialogs load when first needed, not before the pipeline's first frame
        from screens.dialogs import MoveAnswer, MoveDialog

        app = session(self)
        answer: object = MoveAnswer(app.today, None)
        if direction_forward(card.stage, to) and to in ("signed", "started"):
            title = app.t(f"move.to_{to}", company=card.company)
            dialog = MoveDialog(title, amount_wan=card.amount_wan if to == "signed" else None)
            answer = await self.ask(dialog)
        if not isinstance(answer, MoveAnswer):
            return
        user, amount = current_user(), answer.amount_wan
        self._change(
            lambda: leads.move(
                card.id, card.version, to, answer.on, user, app.today, amount_wan=amount
            ),
            keep=card.id,
        )

    def action_valid(self) -> None:
        """Report the lead as a valid lead today, or take the report back."""
        card = self._card_or_say()
        if card is not None:
            today, user = session(self).today, current_user()
            self._change(
                lambda: leads.set_valid(
                    card.id, card.version, not card.is_valid, today, user, today
                ),
                keep=card.id,
            )

    def action_drop(self) -> None:
        """Drop the lead, with a reason picked from a short list (or typed)."""
        card = self._card_or_say()
        if card is not None:
            self._drop(card)

    @work(exit_on_error=False)
    async def _drop(self, card: LeadCard) -> None:
        from screens.dialogs import ChoiceDialog

        t = session(self).t
        reason = await self.ask(
            ChoiceDialog(t("drop.title", company=card.company), DROP_REASONS, other=t("drop.other"))
        )
        if isinstance(reason, str):
            today, user = session(self).today, current_user()
            self._change(lambda: leads.drop(card.id, card.version, reason, today, user), card.id)

    def action_follow_up(self) -> None:
        """Note a follow-up and set the next follow-up day."""
        card = self._card_or_say()
        if card is not None:
            self._follow_up(card)

    @work(exit_on_error=False)
    async def _follow_up(self, card: LeadCard) -> None:
        from screens.dialogs import FollowUpAnswer, FollowUpDialog

        t = session(self).t
        answer = await self.ask(FollowUpDialog(t("follow_up.title", company=card.company)))
        if isinstance(answer, FollowUpAnswer):
            today, user = session(self).today, current_user()
            self._change(
                lambda: leads.add_follow_up(
                    card.id, card.version, answer.note, today, answer.next_follow_up, user
                ),
                keep=card.id,
            )

    def action_edit(self) -> None:
        """Edit the lead."""
        card = self._card_or_say()
        if card is not None:
            self.open_form(card.id)

    @work(exit_on_error=False)
    async def open_form(self, lead_id: int | None) -> None:
        """The lead form: a new lead (None) or the lead's fields; saved when valid."""
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
            self.say(t("rule.gone"), ok=False)
            return
        fields = leads.lead_fields(record) if record else None
        version = record.version if record else 0
        title = t("form.edit_title", company=record.company) if record else t("form.new_title")
        while True:
            answer = await self.ask(LeadForm(title, fields, units, consultants, record))
            if not isinstance(answer, LeadFields):
                return
            fields = answer  # from here on the form reopens with what was typed

            def save(values: LeadFields = answer, at: int = version) -> tuple[Change, bool]:
                with store_session():
                    if lead_id is None:
                        change = leads.create_lead(values, current_user(), app.today)
                    else:
                        change = leads.update_lead(lead_id, at, values, current_user())
                    return change, self.hidden_after_save(change.lead_id)

            try:
                change, hidden = await asyncio.to_thread(save)
            except Refused as refused:
                self.app.notify(
                    t(refused.refusal.key, **refused.refusal.values), severity="error", markup=False
                )
                continue
            except LeadChanged as changed:
                if changed.current is None:
                    self.say(t("rule.gone"), ok=False)
                    return
                theirs = describe_fields(leads.lead_fields(changed.current), t)
                mine = describe_fields(answer, t)
                text = f"{t('form.theirs')}\n{theirs}\n\n{t('form.mine')}\n{mine}"
                await self.ask(MessageDialog(t("form.conflict"), text))
                version = changed.current.version  # saving again replaces theirs, knowingly
                continue
            app.record_change(change)
            said = describe(change, t)
            if hidden:
                said = t(
                    "filter.hides_saved", what=said, clear=key_in_force(self, "pipeline.clear")
                )
            self.say(said)
            self.reload(change.lead_id)
            return

    def _change(self, write: Callable[[], Change], keep: int | None = None) -> None:
        self._keep = keep
        self.write_change(write)

    def after_change(self, message: LeadScreen.Done) -> None:
        self.say(message.text, message.ok)
        if message.ok:
            self.reload(self._keep)
