"""The TUI's two guards on user text: what is typed or pasted, and what is drawn.

``TextInput`` cleans what enters a field as it enters (a paste carrying ``\\x1b]52;…`` or a
bidi override shows, and saves, without it), so the field shows what will be saved.
``ControlFilter`` is the last line: whatever a widget draws, no control, bidi or zero-width
character from a store written by an older version reaches the terminal. Textual itself drops
only BEL, BS, VT, FF and CR.
"""

from __future__ import annotations

from rich.segment import Segment
from textual.color import Color
from textual.filter import LineFilter
from textual.widgets import Input

from models.usertext import ANY_CONTROL
from yeji_tui.text import remove_controls


def typed(text: str) -> str:
    """Text entering a one-line field: no controls, tab and line breaks as spaces (spaces
    kept: the user is still typing)."""
    return remove_controls(text).replace("\t", " ").replace("\n", " ")


class TextInput(Input):
    """An Input whose text never holds a control, bidi or zero-width character, whether typed,
    pasted or filled in from the store."""

    def replace(self, text: str, start: int, end: int) -> None:
        """Every edit (a key, a paste, a deletion) passes here: clean what is inserted, so the
        cursor lands after what was really inserted."""
        super().replace(typed(text), start, end)

    def validate_value(self, value: str) -> str:
        """A value set directly (a stored name the form starts with)."""
        return typed(value)


class ControlFilter(LineFilter):
    """Removes control, bidi and zero-width characters from every line drawn. They take no
    cell, so nothing moves."""

    def apply(self, segments: list[Segment], background: Color) -> list[Segment]:
        """The segments, those with such characters rebuilt without them."""
        if all(text.isprintable() for text, _, _ in segments):
            return segments
        out = []
        for segment in segments:
            text, style, control = segment
            if not text.isprintable():
                text = ANY_CONTROL.sub("", text)
                if not text and control is None:
                    continue
                segment = Segment(text, style, control)
            out.append(segment)
        return out


#: one instance: strips cache what a filter made of them, keyed by the filter
CONTROL_FILTER = ControlFilter()
