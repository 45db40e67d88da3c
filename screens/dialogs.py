"""Dialogs of the pipeline: each a ModalScreen returning a typed result (None when cancelled).

Enter confirms, Esc cancels; every field says what is wrong next to it, and nothing is returned
until the fields are valid.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from screens.base import key_in_force, plain, session, translate_bindings
from yeji_tui.text import parse_day, yi
from yeji_tui.widgets.picker import Picker
from yeji_tui.widgets.user_text import TextInput


@dataclass(frozen=True)
class MoveAnswer:
    """The day a move counts for, and the amount confirmed on signing."""

    on: date
    amount_wan: int | None


class Dialog(ModalScreen[object]):
    """Shared frame: a bordered box with a title, Esc to cancel."""

    DEFAULT_CSS = """
    Dialog { align: center middle; }
    Dialog > Vertical {
        width: 64; max-width: 100%; height: auto; max-height: 100%;
        border: round $accent; background: $surface; padding: 0 1;
    }
    Dialog .error { color: $text-error; height: auto; }
    Dialog .hint { color: $text-muted; }
    Dialog Input { margin: 0; }
    """
    BINDINGS = [Binding("escape", "cancel", "key.cancel")]

    def __init__(self, title: str) -> None:
        super().__init__()
        self.title_text = title
        translate_bindings(self, session(self).t)

    def action_cancel(self) -> None:
        """Close without an answer."""
        self.dismiss(None)

    def box(self) -> Vertical:
        box = Vertical()
        box.border_title = plain(self.title_text)  # carries company names: never markup
        return box

    def error(self, widget_id: str, text: str) -> None:
        """Say what is wrong, under the field."""
        self.query_one(f"#{widget_id}", Static).update(plain(text))


class MoveDialog(Dialog):
    """Moving to 签约 asks for the signing day and confirms the amount; to 开工, the start day."""

    def __init__(self, title: str, *, amount_wan: int | None) -> None:
        super().__init__(title)
        self.amount_wan = amount_wan

    def compose(self) -> ComposeResult:
        t = session(self).t
        with self.box():
            yield Label(t("form.day"))
            yield TextInput(session(self).today.isoformat(), id="day")
            yield Static("", id="day-error", classes="error")
            if self.amount_wan is not None:
                yield Label(t("form.amount"))
                yield TextInput(str(self.amount_wan), id="amount")
                yield Static(
                    self._amount_hint(str(self.amount_wan)), id="amount-error", classes="hint"
                )
            yield Static(t("form.enter_esc"), classes="hint")

    def _amount_hint(self, text: str) -> Content:
        t = session(self).t
        if text.strip().isdigit() and int(text) > 0:
            return Content(t("form.amount_yi", yi=yi(int(text))))
        return Content(t("why.amount"))

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "amount":
            self.query_one("#amount-error", Static).update(self._amount_hint(event.value))
        elif event.input.id == "day":
            ok = parse_day(event.value) is not None
            self.error("day-error", "" if ok else session(self).t("why.date"))

    def on_input_submitted(self) -> None:
        t = session(self).t
        day = parse_day(self.query_one("#day", Input).value)
        if day is None:
            self.error("day-error", t("why.date"))
            return
        amount = None
        if self.amount_wan is not None:
            text = self.query_one("#amount", Input).value.strip()
            if not text.isdigit() or int(text) <= 0:
                return
            amount = int(text)
        self.dismiss(MoveAnswer(day, amount))


class ChoiceDialog(Dialog):
    """Pick one of a few answers with the arrow keys (or its number), or type another."""

    def __init__(self, title: str, choices: tuple[str, ...], *, other: str = "") -> None:
        super().__init__(title)
        self.choices = choices
        self.other = other

    def compose(self) -> ComposeResult:
        with self.box():
            if self.choices:  # none (no saved view yet): the typed answer has the focus at once
                yield OptionList(
                    # saved views are named by users: the prompts are plain text
                    *(Option(plain(f"{i}  {c}"), id=str(i)) for i, c in enumerate(self.choices, 1)),
                    id="choices",
                )
            if self.other:
                yield TextInput(placeholder=self.other, id="other")
            yield Static(session(self).t("form.enter_esc"), classes="hint")

    BINDINGS = [Binding(str(n), f"pick({n})", show=False) for n in range(1, 10)]

    def action_pick(self, number: int) -> None:
        """Choose an answer by its number."""
        if number <= len(self.choices):
            self.dismiss(self.choices[number - 1])

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(self.choices[int(event.option.id or "1") - 1])

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.value.strip():
            self.dismiss(event.value.strip())


class PickDialog(Dialog):
    """Pick one name of many (a unit) with the forms' picker: the list narrows by name, pinyin
    or initials as you type; ``↑`` ``↓`` move, ``enter`` takes the highlighted one."""

    DEFAULT_CSS = """
    PickDialog Picker OptionList { max-height: 10; }
    """

    def __init__(self, title: str, choices: tuple[str, ...]) -> None:
        super().__init__(title)
        self.choices = choices

    def compose(self) -> ComposeResult:
        t = session(self).t
        with self.box():
            yield Picker(
                self.choices,
                "",
                id="pick",
                placeholder=t("pick.placeholder"),
                no_match=t("pick.no_unit"),  # the units of triage's reassign
            )
            yield Static(t("pick.hint"), classes="hint")

    def on_mount(self) -> None:
        picker = self.query_one(Picker)
        picker.query_one(Input).focus()
        self.call_after_refresh(picker.show_choices, "")  # once focused: the list shows then

    def on_picker_picked(self, event: Picker.Picked) -> None:
        self.dismiss(event.value)

    def on_input_submitted(self) -> None:
        value = self.query_one(Picker).value
        if value:
            self.dismiss(value)


class ConfirmDialog(Dialog):
    """A yes-or-no question: ``y`` or ``enter`` yes; ``n`` or ``esc`` no."""

    BINDINGS = [
        Binding("y,enter", "answer(True)", "key.yes", id="confirm.yes"),
        Binding("n,escape", "answer(False)", "key.no", id="confirm.no"),
    ]

    def __init__(self, title: str, question: str) -> None:
        super().__init__(title)
        self.question = question

    def compose(self) -> ComposeResult:
        with self.box():
            yield Static(Content(self.question))
            yes, no = (key_in_force(self, f"confirm.{answer}") for answer in ("yes", "no"))
            yield Static(Content(session(self).t("confirm.hint", yes=yes, no=no)), classes="hint")

    def action_answer(self, yes: bool) -> None:
        """Answer the question."""
        self.dismiss(yes)


@dataclass(frozen=True)
class FollowUpAnswer:
    """A follow-up note and the next follow-up day (None: none set)."""

    note: str
    next_follow_up: date | None


class FollowUpDialog(Dialog):
    """A follow-up note, then the next follow-up day (+3, +7, +14 days, or none)."""

    def compose(self) -> ComposeResult:
        t = session(self).t
        with self.box():
            yield Label(t("form.note"))
            yield TextInput(id="note")
            yield Static("", id="note-error", classes="error")
            yield Label(t("form.next"))
            yield OptionList(
                *(Option(t(f"form.next_{n}"), id=str(n)) for n in (3, 7, 14, 0)), id="next"
            )
            yield Static(t("form.enter_esc"), classes="hint")

    def on_input_submitted(self) -> None:
        self.query_one("#next", OptionList).focus()

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.value.strip():  # the note is there now: the complaint about it ends
            self.error("note-error", "")

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        note = self.query_one("#note", Input).value.strip()
        if not note:
            self.error("note-error", session(self).t("rule.note"))
            self.query_one("#note", Input).focus()
            return
        days = int(event.option.id or "0")
        today = session(self).today
        self.dismiss(FollowUpAnswer(note, today + timedelta(days=days) if days else None))


class MessageDialog(Dialog):
    """Text to read (both versions of a lead after a conflict); any key closes it."""

    BINDINGS = [Binding("escape,enter,space", "cancel", "key.close")]

    def __init__(self, title: str, text: str) -> None:
        super().__init__(title)
        self.text = text

    def compose(self) -> ComposeResult:
        with self.box():
            yield Static(plain_multiline(self.text))


def plain_multiline(text: str) -> Content:
    """User text over several lines, literally."""
    return Content("\n").join(plain(line) for line in text.splitlines())
