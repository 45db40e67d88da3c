"""YejiApp: the sections (MODES), the keys that work everywhere, and watching the store."""

from __future__ import annotations

import gc
import sqlite3
import sys
from collections.abc import Sequence
from concurrent.futures import Future
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from textual import work
from textual.app import App
from textual.binding import Binding
from textual.command import CommandPalette, Provider
from textual.filter import LineFilter
from textual.notifications import SeverityLevel
from textual.screen import ModalScreen, Screen
from textual.signal import Signal
from textual.worker import Worker, WorkerState

from models import opening
from models.presence import BEAT_EVERY_S, Heartbeat, Person
from screens.base import translate_bindings
from yeji_tui.settings import UserSettings
from yeji_tui.strings import Catalog, Lang
from yeji_tui.text import clean_text
from yeji_tui.widgets.user_text import CONTROL_FILTER

if TYPE_CHECKING:
    from models.db import ChangeWatcher
    from models.leads import Change, LeadFilter
    from models.records import Actor, LeadCard

SECTIONS = ("overview", "pipeline", "units", "triage")


# Sections other than the one the app opens on are imported when first shown: start-up then
# pays only for the screen it draws.
def _overview() -> Screen[None]:
    from screens.overview import OverviewScreen

    return OverviewScreen()


def _pipeline() -> Screen[None]:
    from screens.pipeline import PipelineScreen

    return PipelineScreen()


def _units() -> Screen[None]:
    from screens.units import UnitsScreen

    return UnitsScreen()


def _triage() -> Screen[None]:
    from screens.triage import TriageScreen

    return TriageScreen()


def _palette() -> type[Provider]:
    from yeji_tui.widgets.palette import YejiCommands  # when the palette first opens

    return YejiCommands


def _started() -> None:
    """After the first frame: what start-up made stays for good, so later collections skip
    it (``yeji`` turned collection off while it started)."""
    gc.freeze()
    gc.enable()


class YejiApp(App[None]):
    """The campaign in the terminal: overview, pipeline, units, triage."""

    CSS_PATH = "yeji.tcss"
    ENABLE_COMMAND_PALETTE = True
    COMMANDS = {_palette}
    BINDINGS = [
        Binding("q", "quit", "key.quit", id="app.quit"),
        Binding("question_mark,f1", "toggle_help", "key.help", id="app.help"),
        Binding(
            "ctrl+p", "command_palette", "key.palette", id="app.palette", show=False, priority=True
        ),
        *(
            Binding(str(i), f"switch_section('{name}')", f"section.{name}", id=f"app.{name}")
            for i, name in enumerate(SECTIONS, start=1)
        ),
    ]
    DEFAULT_MODE = "overview"
    MODES = {
        "overview": _overview,
        "pipeline": _pipeline,
        "units": _units,
        "triage": _triage,
    }

    def __init__(
        self,
        *,
        db_path: Path | str,
        today: date,
        lang: Lang = "zh",
        settings: UserSettings | None = None,
        watch_seconds: float = 2.0,
        first_load: Future[object] | None = None,
        section: str = "overview",
        notices: tuple[str, ...] = (),
        heartbeat: Heartbeat | None = None,
        actor: Actor | None = None,
        last_entry: int | None = None,
    ) -> None:
        if section in SECTIONS:
            # read by App.__init__: start straight in that section
            self.DEFAULT_MODE = section  # type: ignore[misc]
        super().__init__()
        self.db_path = db_path
        self.today = today
        self.t = Catalog(lang)
        self.user_settings = settings or UserSettings(lang=lang)
        self.watch_seconds = watch_seconds
        self._watcher: ChangeWatcher | None = None
        self._closing = False
        self._first_load = first_load  # of the section the app opens on
        #: the store's last audit entry when a start-up child read the first data
        self._last_entry = last_entry
        self._notices = notices  # what opening the store found (read-only, upgraded)
        self._changes: list[Change] = []
        self.what_if: dict[int, LeadCard] = {}
        self.stale_days = self.user_settings.stale_days
        if actor is None:
            from models.access import current_actor

            actor = current_actor()
        #: who the app runs as (the keys offered follow their role; others see their name)
        self.actor = actor
        self._heartbeat = heartbeat or Heartbeat(
            db_path, login=self.actor.login, name=self.actor.name
        )
        #: who else has the store open, as of the last heartbeat
        self.present: tuple[Person, ...] = ()
        #: published with ``present`` when it changes, for the heading's presence mark
        self.presence_changed: Signal[tuple[Person, ...]] = Signal(self, "presence")
        translate_bindings(self, self.t)
        if self.user_settings.keymap:
            # before any screen exists: the section opened on (--section) shows the keys in
            # force from its first frame, as one reached later does
            self.set_keymap(dict(self.user_settings.keymap))
        self.title = self.t("app.title")

    def on_mount(self) -> None:
        if self.user_settings.theme != self.theme:
            self.theme = self.user_settings.theme  # restyles every widget: only when it differs
        self.set_interval(self.watch_seconds, self.check_store)
        self.set_interval(BEAT_EVERY_S, self.beat)
        self.call_after_refresh(self._after_first_frame)
        for notice in self._notices:
            self.notify(notice, markup=False, timeout=10)

    def _after_first_frame(self) -> None:
        """What need not hold up the first frame: the store opened in this process (when a
        child opened it for the first frame), its watcher (on a server a connection of its
        own that LISTENs), the first heartbeat, and collection back on."""
        _started()
        if opening.pending():
            self._open_store()  # Peewee's import and the opening, off the UI thread
        else:
            self._watch_store()
            self._catch_up()
        self.beat()

    @work(thread=True, exclusive=True, group="open", exit_on_error=False)
    def _open_store(self) -> None:
        opening.open_now()
        self._watch_store()
        self.call_from_thread(self._catch_up)

    @work(thread=True, exclusive=True, group="catch-up", exit_on_error=False)
    def _catch_up(self) -> None:
        """A change made after the start-up read and before the watcher began: read again."""
        if self._last_entry is None:
            return
        from models.audit import last_entry
        from models.db import session as store_session

        with store_session():
            changed = last_entry() != self._last_entry
        if changed:
            self.call_from_thread(self._store_changed)

    def _watch_store(self) -> None:
        from models.db import ChangeWatcher, set_busy_notice

        set_busy_notice(self._busy_notice)
        watcher = ChangeWatcher(self.db_path)
        if self._closing:  # the app left while a worker opened the store
            watcher.close()
        else:
            self._watcher = watcher

    def on_unmount(self) -> None:
        self._closing = True
        if "models.db" in sys.modules:  # else never opened here: nothing to undo
            from models.db import set_busy_notice

            set_busy_notice(None)
        if self._watcher is not None:
            self._watcher.close()
        self._heartbeat.leave()

    def take_first_load(self) -> Future[object] | None:
        """The data read while the app started (for the section it opened on), once."""
        first, self._first_load = self._first_load, None
        return first

    def record_change(self, change: Change) -> None:
        """Keep a change made since the app started, for undo."""
        self._changes.append(change)
        self.wrote()

    def wrote(self) -> None:
        """This app committed: the store watcher is not to reload for it."""
        if self._watcher is not None:
            self._watcher.absorb()

    def pop_change(self) -> Change | None:
        """The last change not yet undone."""
        return self._changes.pop() if self._changes else None

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """No switching sections while a dialog waits for an answer (the command palette is
        no such dialog: it offers the sections)."""
        waiting = isinstance(self.screen, ModalScreen) and not isinstance(
            self.screen, CommandPalette
        )
        return not (action == "switch_section" and waiting)

    def action_switch_section(self, name: str) -> None:
        """Show one of the four sections."""
        if name in SECTIONS and self.current_mode != name:
            self.switch_mode(name)

    def open_pipeline(self, f: LeadFilter) -> None:
        """The pipeline section, showing what ``f`` picks (from a unit's or group's page)."""
        self.switch_mode("pipeline")

        def show() -> None:
            shower = getattr(self.screen, "show_filter", None)
            if callable(shower):
                shower(f)

        self.call_after_refresh(show)

    def action_toggle_help(self) -> None:
        """Show or hide the keys panel."""
        if self.screen.query("HelpPanel"):
            self.action_hide_help_panel()
        else:
            self.action_show_help_panel()

    @work(thread=True, exclusive=True, group="watch", exit_on_error=False)
    def check_store(self) -> None:
        """Tell the current screen when another process changed the store."""
        if self._watcher is not None and self._watcher.changed():
            self.call_from_thread(self._store_changed)

    @work(thread=True, exclusive=True, group="presence", exit_on_error=False)
    def beat(self) -> None:
        """Say this app is here (in the presence file beside the store, never the store: its
        readers would all reload) and tell the headings when who else is here has changed."""
        try:
            found = self._heartbeat.beat()
        except (OSError, sqlite3.Error):
            found = ()  # a directory we may not write in: presence is off, the app goes on
        if found != self.present:
            self.call_from_thread(self._presence_found, found)

    def _presence_found(self, found: tuple[Person, ...]) -> None:
        self.present = found
        self.presence_changed.publish(found)

    def _store_changed(self) -> None:
        handler = getattr(self.screen, "store_changed", None)
        if callable(handler):
            handler()

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state == WorkerState.ERROR and event.worker.error is not None:
            self.report_error(event.worker.error)

    def report_error(self, error: BaseException) -> None:
        """Errors of store work surface once, here, as a notification (never as markup). A write
        that waited too long for another writer (an import) says so, as a write; another refusal
        of the store's (read-only) in its own words."""
        from models.db import StoreError, is_busy

        if is_busy(error):
            text = self.t("busy.failed")
        elif isinstance(error, StoreError):
            text = error.message(self.t)
        else:
            text = self.t("error.load", error=error)
        self.notify(text, severity="error", markup=False, timeout=8)

    def _busy_notice(self) -> None:
        """A worker's write waits for another writer: say so (the write then goes on, or fails
        with ``busy.failed``)."""

        def show() -> None:
            self.notify(self.t("busy.waiting"), severity="warning", markup=False, timeout=5)

        try:
            self.call_from_thread(show)
        except RuntimeError:  # called on the app's own thread
            show()

    def get_line_filters(self) -> Sequence[LineFilter]:
        """Textual's filters, and last the one that keeps control, bidi and zero-width
        characters a store may hold (an older version kept them) off the terminal."""
        return [*super().get_line_filters(), CONTROL_FILTER]

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = True,
    ) -> None:
        """A notification; messages carry names from the store, cleaned here once for all."""
        super().notify(
            clean_text(message, single_line=False),
            title=clean_text(title),
            severity=severity,
            timeout=timeout,
            markup=markup,
        )
