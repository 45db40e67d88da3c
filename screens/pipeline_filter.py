"""The pipeline's filter line: always shown, typed in after ``/``, read as it changes.

It tells the screen what to show by message: ``Applied`` with the filter a line asks for, or
``Refused`` naming the token it cannot read (the screen says so where the line is).
"""

from __future__ import annotations

from textual import events, on
from textual.message import Message
from textual.widgets import Input

from models.board import LeadFilter
from yeji_tui.lead_filter import FilterError, filter_line, parse_filter
from yeji_tui.widgets.user_text import TextInput


class FilterLine(TextInput):
    """The filter line. Closed, it cannot take focus, so the board's single keys stay the
    board's; once closed (Enter), keys already on their way to it belong to the board: they
    pass up instead of being typed (a burst like "Enter j" over SSH)."""

    class Applied(Message):
        """The line asks for this filter."""

        def __init__(self, wanted: LeadFilter) -> None:
            super().__init__()
            self.wanted = wanted

    class Refused(Message):
        """A token of the line cannot be read: ``error`` says which and why."""

        def __init__(self, error: FilterError) -> None:
            super().__init__()
            self.error = error

    def __init__(self, placeholder: str) -> None:
        super().__init__(placeholder=placeholder, id="filter", select_on_focus=False)
        self.can_focus = False

    @property
    def is_open(self) -> bool:
        """Whether keys go into the line."""
        return self.can_focus

    def open(self) -> None:
        """Take the keys: focus now, not after a refresh, so keys typed right after "/" (a burst
        over SSH) land in the line, not on the board."""
        self.can_focus = True
        self.screen.set_focus(self, scroll_visible=False)

    def close(self) -> None:
        """Give the keys back to the board."""
        self.can_focus = False
        self.screen.set_focus(None)

    def show(self, f: LeadFilter) -> None:
        """Put a filter in the line as text (a saved view, a unit's page), closed."""
        self.value = filter_line(f)
        self.close()

    async def _on_key(self, event: events.Key) -> None:
        if self.can_focus:
            await super()._on_key(event)

    @on(Input.Changed)
    def _read(self, event: Input.Changed) -> None:
        event.stop()
        try:
            self.post_message(self.Applied(parse_filter(event.value)))
        except FilterError as bad:
            self.post_message(self.Refused(bad))

    @on(Input.Submitted)
    def _done(self, event: Input.Submitted) -> None:
        event.stop()
        self.close()
