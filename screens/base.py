"""What every screen shares: the app's session (language, day), translated key descriptions,
and the one way user text is put on screen (literally, never as markup)."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import Future
from contextlib import contextmanager
from dataclasses import replace
from datetime import date
from typing import TYPE_CHECKING, Any, Protocol, cast

from textual.binding import Binding
from textual.content import Content
from textual.dom import DOMNode
from textual.screen import Screen
from textual.worker import Worker, WorkerState

from models.access import Action, Actor, allows
from yeji_tui.strings import MESSAGES, TEXTUAL_ZH, Catalog
from yeji_tui.text import clean_text
from yeji_tui.widgets.presence import PresenceMark

if TYPE_CHECKING:
    from models.leads import Change
    from models.records import LeadCard
    from yeji_tui.settings import UserSettings


class Session(Protocol):
    """What screens may read from the app."""

    t: Catalog
    today: date
    #: the user's settings (language, theme, ``[keymap]``)
    user_settings: UserSettings

    stale_days: int
    #: 洽谈 leads chosen for the what-if (id → card); the store never sees them
    what_if: dict[int, LeadCard]

    def take_first_load(self) -> Future[object] | None:
        """The data read while the app started, for the section it opened on (once)."""

    def record_change(self, change: Change) -> None:
        """Keep a change for undo."""

    def wrote(self) -> None:
        """This app committed (the store watcher is not to reload for it)."""

    def pop_change(self) -> Change | None:
        """The last change not yet undone, if any."""


def session(node: DOMNode) -> Session:
    """The running app, as screens see it."""
    return cast(Session, node.app)


@contextmanager
def store_session() -> Iterator[None]:
    """The store's session (``models.db.session``) for a screen's worker. Its module, and Peewee
    with it, is imported at the first piece of work, so no screen loads them before the TUI's
    first frame (the start-up read is the child's: ``yeji_tui.prefetch``)."""
    from models.db import session as store

    with store():
        yield


def translate_bindings(node: DOMNode, t: Catalog) -> None:
    """Replace catalog keys in a node's binding descriptions by the text in ``t``'s language.

    BINDINGS are class attributes written once; the language is known only at start-up.
    """
    table = node._bindings.key_to_bindings
    for key, bindings in table.items():
        table[key] = [_translated(b, t) for b in bindings]


def key_in_force(node: DOMNode, binding_id: str, owner: type[DOMNode] | None = None) -> str:
    """The key that does ``binding_id`` now, as the key bar shows it (``^s``, ``]``): the
    settings' ``[keymap]`` key when it remaps the binding, else the first key declared in the
    BINDINGS of ``owner`` (``node``'s class by default) or of the app. Hints name their keys
    through this, so that they say what the key bar says."""
    declared = _declared(owner or type(node), binding_id) or _declared(type(node.app), binding_id)
    if declared is None:
        raise LookupError(f"no binding {binding_id!r} on {owner or type(node)} or the app")
    remapped = dict(session(node).user_settings.keymap).get(binding_id)
    if remapped:  # as Textual applies a keymap: the binding's own key_display no longer holds
        declared = replace(declared, key=remapped, key_display=None)
    first = replace(declared, key=declared.key.split(",")[0].strip())
    return node.app.get_key_display(first)


def _declared(owner: type[DOMNode], binding_id: str) -> Binding | None:
    for cls in owner.__mro__:
        for binding in vars(cls).get("BINDINGS", ()):
            if isinstance(binding, Binding) and binding.id == binding_id:
                return binding
    return None


def _translated(binding: Binding, t: Catalog) -> Binding:
    if binding.description in MESSAGES:
        return replace(binding, description=t(binding.description))
    if t.lang == "zh" and binding.description in TEXTUAL_ZH:
        return replace(
            binding,
            description=TEXTUAL_ZH[binding.description],
            tooltip=TEXTUAL_ZH.get(binding.tooltip, binding.tooltip),
        )
    return binding


def plain(text: str) -> Content:
    """User text (a company, a note) as it was typed: no markup, no control sequences."""
    return Content(clean_text(text))


#: The actions that write, by what they write: a role that may not make the write is not
#: offered the key (footer, help, palette), and pressing it does nothing.
WRITES: dict[str, Action] = {
    "move": "lead",
    "valid": "lead",
    "drop": "lead",
    "follow_up": "lead",
    "edit": "lead",
    "new": "lead",
    "undo": "lead",
    "decide": "lead",
    "reassign": "lead",
    "log_activity": "activity",
}


class YejiScreen(Screen[None]):
    """A section or drill-down: keys in the app's language; failed store work reported once;
    the keys of writes the role may not make not offered."""

    def __init__(self) -> None:
        super().__init__()
        translate_bindings(self, session(self).t)

    _asking = False
    _shown = False

    def on_mount(self) -> None:
        """Every section shows who else is here at its heading's right end."""
        self.mount(PresenceMark())

    def write_unit(self, action: str) -> str | None:
        """The unit whose ledger ``action`` would write, when the screen knows it (the lead
        under the cursor's); None when any unit of the role's would do."""
        return None

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        what = WRITES.get(action)
        return True if what is None else may(self, what, self.write_unit(action))

    def follow_card(self) -> None:
        """The lead under the cursor changed: a clerk's keys depend on its unit."""
        actor: Actor | None = getattr(self.app, "actor", None)
        if actor is not None and actor.role == "clerk":
            self.refresh_bindings()

    async def ask(self, dialog: Screen[Any]) -> Any:
        """Show a dialog and wait for its answer (from a worker)."""
        self._asking = True
        try:
            return await self.app.push_screen_wait(dialog)
        finally:
            self._asking = False

    def returning_from_elsewhere(self) -> bool:
        """On resume: True when back from another section or page — not from our own dialog,
        and not the first showing (the screen was just composed with fresh data)."""
        first, self._shown = not self._shown, True
        return not first and not self._asking

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """Worker messages do not bubble: hand failures to the app, which notifies once."""
        if event.state == WorkerState.ERROR and event.worker.error is not None:
            report = getattr(self.app, "report_error", None)
            if callable(report):
                report(event.worker.error)


def may(node: DOMNode, action: Action, unit: str | None = None) -> bool:
    """Whether the person the app runs as may make this write (keys they may not use are not
    offered: screens' ``check_action`` asks here)."""
    actor: Actor | None = getattr(node.app, "actor", None)
    return actor is None or allows(actor, action, unit)
