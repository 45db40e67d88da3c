"""The one picker of names (units, industries, sources, kinds): an input whose list narrows as
you type — by name, full pinyin or initials (``qjx`` finds 区经信局) — ``↑`` ``↓`` to move,
``enter`` to take the pick. The forms and every unit picker (triage's reassign) use it."""

from __future__ import annotations

from collections.abc import Callable

from textual import events, on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.message import Message
from textual.widgets import Input, OptionList
from textual.widgets.option_list import Option

from models.search import initials, normalise_query, search_key
from yeji_tui.text import clean_text
from yeji_tui.widgets.user_text import TextInput


def typed_example(choices: tuple[str, ...]) -> str | None:
    """What to type for one of ``choices``, for a label's example: the initials of the shortest
    (so the example always finds one of this campaign's own), or None when there are none."""
    return initials(min(choices, key=len)) if choices else None


def unit_label(t: Callable[..., str], units: tuple[str, ...]) -> str:
    """A unit picker's label, its example one of ``units`` (a made-up one finds nothing)."""
    example = typed_example(units)
    return t("form.unit") if example is None else t("form.unit_pick", example=example)


class Picker(Vertical):
    """An input whose list of choices narrows as you type; ↑/↓ pick, Enter takes the pick."""

    DEFAULT_CSS = """
    Picker { height: auto; }
    Picker OptionList { height: auto; max-height: 4; border: none; padding: 0; }
    """

    class Picked(Message):
        """Enter took a choice from the list (a dialog of one picker answers with it)."""

        def __init__(self, picker: Picker, value: str) -> None:
            super().__init__()
            self.picker, self.value = picker, value

    def __init__(
        self,
        choices: tuple[str, ...],
        value: str,
        *,
        id: str,
        placeholder: str = "",
        no_match: str = "",
    ) -> None:
        super().__init__(id=id)
        self.choices = choices
        self._keys = {c: search_key(c, "") for c in choices}
        self._initial = value
        self._placeholder = placeholder
        #: what the list says when what is typed matches no choice ("没有匹配的单位")
        self.no_match = no_match

    def compose(self) -> ComposeResult:
        yield TextInput(self._initial, placeholder=self._placeholder, id=f"{self.id}-input")
        options = OptionList(id=f"{self.id}-options")
        options.can_focus = False
        options.display = False
        yield options

    @property
    def value(self) -> str:
        """The chosen value, or "" if what is typed is not one of the choices."""
        text = self.query_one(Input).value.strip()
        return text if text in self.choices else ""

    def matches(self, text: str) -> list[str]:
        """Choices whose name, pinyin or initials contain ``text``."""
        query = normalise_query(text)
        return [c for c in self.choices if query in self._keys[c]] if query else list(self.choices)

    def show_choices(self, text: str) -> None:
        """List the choices ``text`` narrows to (all of them for no text), the first highlighted;
        text that matches none says so in the list, rather than leave it empty."""
        options = self.query_one(OptionList)
        found = [] if text in self.choices else self.matches(text)
        options.clear_options()
        # names come from the campaign file and the store: plain text, never markup
        options.add_options([Option(Content(clean_text(c))) for c in found[:20]])
        nothing = not found and text not in self.choices and bool(self.no_match)
        if nothing:
            options.add_option(Option(Content(self.no_match), id="no-match", disabled=True))
        options.display = (bool(found) or nothing) and self.query_one(Input).has_focus
        if found:
            options.highlighted = 0

    @on(Input.Changed)
    def _narrow(self, event: Input.Changed) -> None:
        self.show_choices(event.value)

    def on_descendant_blur(self) -> None:
        self.query_one(OptionList).display = False

    def on_key(self, event: events.Key) -> None:
        options = self.query_one(OptionList)
        if event.key == "enter" and not options.display:
            # typed faster than the list was shown: Enter takes what it would have highlighted
            text = self.query_one(Input).value
            if text.strip() and text not in self.choices and (found := self.matches(text)):
                self._take(clean_text(found[0]))
                event.stop()
            return
        if not options.display or event.key not in ("up", "down", "enter"):
            return
        if event.key == "enter" and options.highlighted is None:
            return  # nothing to take ("no unit matches"): Enter goes on as the field's own
        if event.key == "down":
            options.action_cursor_down()
        elif event.key == "up":
            options.action_cursor_up()
        else:
            index = options.highlighted
            if index is not None:
                self._take(str(options.get_option_at_index(index).prompt))
        event.stop()

    def _take(self, prompt: str) -> None:
        """The pick is made: the field shows it, the list goes, and whoever waits is told."""
        self.query_one(Input).value = prompt
        self.query_one(OptionList).display = False
        self.post_message(self.Picked(self, prompt))
