"""What the screens that change leads share: writing a change in a worker, undoing the last
one, and saying what happened (or why nothing did)."""

from __future__ import annotations

from collections.abc import Callable

from textual import work
from textual.message import Message

from models import leads
from models.leads import Change, LeadChanged, Refused
from screens.base import YejiScreen, session, store_session
from yeji_tui.strings import Catalog
from yeji_tui.text import clean_text


def describe(change: Change, t: Catalog) -> str:
    """What a change did, in words."""
    values = dict(change.values)
    if change.what == "done.move":
        values["from_name"] = t(f"stage.{values['from']}")
        values["to_name"] = t(f"stage.{values['to']}")
    return t(change.what, **values)


class LeadScreen(YejiScreen):
    """A screen whose keys change leads (the pipeline, triage)."""

    class Done(Message):
        """A change was written, refused, or undone (``change`` is then the change undone);
        ``text`` says which."""

        def __init__(
            self, text: str, ok: bool, change: Change | None = None, undone: bool = False
        ) -> None:
            super().__init__()
            # it names the lead as stored, and an older version kept controls in names
            self.text, self.ok, self.change, self.undone = clean_text(text), ok, change, undone

    @work(thread=True, group="lead-write", exit_on_error=False)
    def write_change(self, write: Callable[[], Change]) -> None:
        """Run one change in a thread; refusals and conflicts come back as words."""
        t = session(self).t
        try:
            with store_session():
                change = write()
        except Refused as refused:
            r = refused.refusal
            self.post_message(self.Done(t(r.key, **r.values), ok=False))
            return
        except LeadChanged as changed:
            who = changed.current.company if changed.current else ""
            key = "rule.changed" if changed.current else "rule.gone"
            self.post_message(self.Done(t(key, who=who), ok=False))
            return
        self.post_message(self.Done(describe(change, t), ok=True, change=change))

    def action_undo(self) -> None:
        """Undo the last change made since the app started, and say what it was."""
        change = session(self).pop_change()
        if change is None:
            self.post_message(self.Done(session(self).t("nothing_to_undo"), ok=False))
            return
        self._undo(change)

    @work(thread=True, group="lead-write", exit_on_error=False)
    def _undo(self, change: Change) -> None:
        t = session(self).t
        try:
            with store_session():
                leads.undo(change)
        except LeadChanged:
            self.post_message(self.Done(t("undo.refused"), ok=False))
            return
        text = t("undone", what=describe(change, t))
        self.post_message(self.Done(text, ok=True, change=change, undone=True))

    def on_lead_screen_done(self, message: Done) -> None:
        if message.undone:
            session(self).wrote()
        elif message.change is not None:
            session(self).record_change(message.change)
        self.after_change(message)

    def after_change(self, message: Done) -> None:
        """Show what happened (each screen its own way)."""
        raise NotImplementedError
