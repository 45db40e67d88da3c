"""The forms' checkbox: space toggles, Enter moves on, and its state reads without colour.

Textual's Checkbox toggles on Enter and stays, so the next text typed is lost, although every
form says "Enter 下一项"; and it draws ``▐X▌`` both checked and unchecked, told apart only by
shade, which ``NO_COLOR`` and a photocopy lose.
"""

from __future__ import annotations

from textual.binding import Binding
from textual.content import Content
from textual.widgets import Checkbox

CHECKED = "[x]"
UNCHECKED = "[ ]"


class FormCheckbox(Checkbox, inherit_bindings=False):
    """A form's checkbox: ``space`` toggles, ``enter`` goes on; drawn ``[x]`` or ``[ ]``."""

    BINDINGS = [
        Binding("space", "toggle_button", "key.toggle", show=False),
        Binding("enter", "app.focus_next", "key.next_field", show=False),
    ]

    @property
    def _button(self) -> Content:
        """The box as a word the eye reads without colour: ``[x]`` checked, ``[ ]`` not."""
        return Content.assemble(
            (CHECKED if self.value else UNCHECKED, self.get_visual_style("toggle--button"))
        )
