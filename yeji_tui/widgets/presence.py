"""The mark at the right end of every section's heading: who you are (when the campaign file
lists users) and who else is here, ``张三 · 录入员 三元镇 | 另有 2 人在用：李四、王五``.

A widget of its own, on a layer of its own, docked to the screen's top right: it sits over the
heading line whatever the screen composes there, takes no room from it, and shows nothing (not
even its background) while it has nothing to say.
"""

from __future__ import annotations

from typing import Protocol, cast

from textual.content import Content
from textual.signal import Signal
from textual.widget import Widget

from models.presence import Person
from models.records import Actor
from yeji_tui.presence import presence_text, who_text
from yeji_tui.strings import Catalog
from yeji_tui.text import cell_width


class Present(Protocol):
    """What the mark reads from the app."""

    t: Catalog
    #: who the app runs as
    actor: Actor | None
    #: who else has the store open, as of the app's last heartbeat
    present: tuple[Person, ...]
    #: published with ``present`` when it changes (not on every beat)
    presence_changed: Signal[tuple[Person, ...]]


class PresenceMark(Widget):
    """Who you are and who else has the store open (from the app's heartbeat); hidden when
    there is neither to tell."""

    DEFAULT_CSS = """
    PresenceMark {
        layer: presence;
        dock: right;
        width: auto;
        max-width: 60%;
        height: 1;
        padding: 0 1;
        background: $primary 25%;
        color: $text;
        display: none;
    }
    """

    def on_mount(self) -> None:
        app = cast(Present, self.app)
        app.presence_changed.subscribe(self, self.show)
        self.show(app.present)

    def on_unmount(self) -> None:
        cast(Present, self.app).presence_changed.unsubscribe(self)

    def show(self, people: tuple[Person, ...]) -> None:
        """Show ``people`` (hide the mark when there is nobody and no one to name)."""
        app = cast(Present, self.app)
        parts = (who_text(app.actor, app.t), presence_text(people, app.t))
        self._text = " | ".join(part for part in parts if part)
        self.display = bool(self._text)
        self.refresh(layout=True)
        self._make_room()

    def _make_room(self) -> None:
        """The headings under the mark end before it (in "…" if need be): at 80 columns the
        mark hid the end of a long heading, a date cut to "202"."""
        cap = int(self.screen.size.width * 0.6) or 10**6  # its max-width, once there is a screen
        width = min(cell_width(self._text) + 2, cap) if self._text else 0
        for heading in self.screen.query(".section-heading"):
            heading.styles.margin = (0, width, 0, 0)  # the heading's own padding stays

    _text = ""

    def render(self) -> Content:
        return Content(self._text)  # names are user text: never markup
