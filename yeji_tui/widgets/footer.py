"""The key bar: the keys that matter now, in one line, as a single widget.

Textual's Footer mounts a widget per key and rebuilds them all whenever bindings are refreshed
(every focus move). Ten styled widgets cost ~40 ms before the first paint and, over SSH, a
redraw of the whole line each time. This bar is one widget that redraws only when the keys it
shows change. Clicking a key presses it.
"""

from __future__ import annotations

from textual import events
from textual.binding import Binding
from textual.content import Content
from textual.dom import DOMNode
from textual.screen import Screen
from textual.widget import Widget

#: (key as shown, description, enabled, key to press)
Shown = tuple[tuple[str, str, bool, str], ...]


class KeyBar(Widget):
    """The footer line: ``r 刷新  q 退出  ? 帮助 …`` and the command palette key at the right."""

    DEFAULT_CSS = """
    KeyBar {
        dock: bottom;
        height: 1;
        background: $footer-background;
        color: $footer-foreground;
    }
    """

    def __init__(self) -> None:
        super().__init__()
        self._shown: Shown = ()
        self._palette: tuple[str, str, str] | None = None
        self._always: set[str] = set()  # the keys shown whatever the width (help, KEY_BAR_KEEPS)
        self._spans: list[tuple[int, int, str]] = []  # (start, end, key) for clicks

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)
        self._bindings_changed(self.screen)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _bindings_changed(self, screen: Screen[object]) -> None:
        shown: list[tuple[str, str, bool, str]] = []
        palette = None
        seen: set[tuple[str, str]] = set()
        always: set[str] = set()
        # the screen's own keys first (they are what can be done here), each owner's in the
        # order it declares them: a key remapped by the keymap keeps its place
        ordered = sorted(
            screen.active_bindings.items(),
            key=lambda item: (
                item[1].node is self.app,
                declared_order(item[1].node, item[1].binding),
            ),
        )
        for key, active in ordered:
            binding = active.binding
            if binding.action in ("command_palette", "app.command_palette"):
                palette = (self.app.get_key_display(binding), binding.description, key)
            elif binding.show and (binding.action, binding.description) not in seen:
                if binding.action in _HELP or binding.action in _kept_by(active.node):
                    always.add(key)
                # one binding on several keys ("?" and f1): show its first key only
                seen.add((binding.action, binding.description))
                display = self.app.get_key_display(binding)
                shown.append((display, binding.description, active.enabled, key))
        if tuple(shown) != self._shown or palette != self._palette:
            self._shown, self._palette, self._always = tuple(shown), palette, always
            self.refresh()

    def _fitting(self) -> Shown:
        """The keys that fit the width, most useful first; help (``?``) and the keys a screen
        names in ``KEY_BAR_KEEPS`` always, and room kept for the palette key at the right."""
        room = self.size.width or 10_000
        if self._palette:
            display, description, _ = self._palette
            room -= Content(f" {display} {description} ").cell_length + 1
        kept = [item for item in self._shown if item[3] in self._always]
        room -= sum(_width(item) for item in kept)
        fitting: list[tuple[str, str, bool, str]] = []
        for item in self._shown:
            if item in kept:
                fitting.append(item)
            elif _width(item) <= room:
                fitting.append(item)
                room -= _width(item)
            else:
                room = 0  # no later key jumps ahead of one left out
        return tuple(fitting)

    def render(self) -> Content:
        parts: list[Content | str | tuple[str, str]] = []
        self._spans = []
        at = 0
        for display, description, enabled, key in self._fitting():
            key_style = "$footer-key-foreground bold" if enabled else "$text-disabled"
            text = f" {display} "
            parts += [(text, key_style), (f"{description} ", "" if enabled else "$text-disabled")]
            width = Content(text + description + " ").cell_length
            self._spans.append((at, at + width, key))
            at += width
        line = Content.assemble(*parts)
        if self._palette and self.size.width > line.cell_length:
            display, description, key = self._palette
            right = Content.assemble(
                (f" {display} ", "$footer-key-foreground bold"), f"{description} "
            )
            gap = self.size.width - line.cell_length - right.cell_length
            line = Content.assemble(line, " " * gap, right)
            self._spans.append((self.size.width - right.cell_length, self.size.width, key))
        return line

    def on_click(self, event: events.Click) -> None:
        for start, end, key in self._spans:
            if start <= event.x < end:
                self.app.simulate_key(key)
                return


#: the help key's action: its key is shown whatever the width
_HELP = ("toggle_help", "app.toggle_help")


def _kept_by(node: DOMNode) -> tuple[str, ...]:
    """The actions ``node`` wants in the bar whatever the width (triage's undo: every other
    key there commits at once)."""
    return tuple(getattr(node, "KEY_BAR_KEEPS", ()))


def _width(item: tuple[str, str, bool, str]) -> int:
    display, description, _, _ = item
    return Content(f" {display} {description} ").cell_length


def declared_order(node: DOMNode, binding: Binding) -> int:
    """Where ``binding`` stands in its owner's BINDINGS (by action: a remapped key is a new
    Binding with the same action)."""
    for at, declared in enumerate(type(node).BINDINGS):
        if getattr(declared, "action", None) == binding.action:
            return at
    return len(type(node).BINDINGS)
