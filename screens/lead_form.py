"""The lead form: every field checked as you type, errors next to the field, nothing returned
until the whole form is valid. Unit, industry and source are picked from lists that narrow as
you type — by name, full pinyin or initials (``qjx`` finds 区经信局)."""

from __future__ import annotations

from datetime import date

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.widgets import Input, Label, Static

from models.leads import LeadFields
from models.records import INDUSTRIES, SOURCES, LeadRecord
from screens.base import key_in_force, session, translate_bindings
from screens.dialogs import ConfirmDialog, Dialog
from yeji_tui.importer import MAX_AMOUNT_WAN
from yeji_tui.strings import Catalog
from yeji_tui.text import MAX_TEXT, clean_text, parse_day, yi
from yeji_tui.widgets.checkbox import FormCheckbox
from yeji_tui.widgets.footer import KeyBar
from yeji_tui.widgets.picker import Picker, unit_label
from yeji_tui.widgets.user_text import TextInput

_CHECKED = (
    "company",
    "project",
    "industry",
    "source",
    "unit",
    "task_force",
    "consultant",
    "found_on",
    "next_follow_up",
)


def _day(value: date | None) -> str:
    return value.isoformat() if value else "—"


class FormDialog(Dialog):
    """A form: every field checked as you type, what is wrong shown under the field, Enter to
    the next field; ``Ctrl+S`` (in the subclass) returns only a valid form."""

    DEFAULT_CSS = """
    FormDialog > Vertical { width: 72; height: 90%; }
    FormDialog Label { color: $text-muted; margin-top: 1; }
    FormDialog .fields { height: 1fr; }
    """
    #: the fields whose problems are shown under them (``#<name>-error``)
    CHECKED: tuple[str, ...] = ()

    @on(events.Mount)
    def _translate_fields(self) -> None:
        """The checkboxes' keys (space, enter) in the app's language, for help; and what the
        form opened with, to know whether Esc would lose anything typed."""
        for box in self.query(FormCheckbox):
            translate_bindings(box, session(self).t)
        self._opened_with = self._typed()
        self.mount(KeyBar())  # the form's own keys (save, cancel), not the screen's behind

    def hint(self) -> Static:
        """The form's keys under its fields, its save key as in force (after the ``[keymap]``)."""
        save = next(b for b in self.BINDINGS if isinstance(b, Binding) and b.action == "save")
        text = session(self).t("form.save_hint", save=key_in_force(self, save.id or ""))
        return Static(Content(text), classes="hint")  # a key may be "[": never markup

    def _typed(self) -> tuple[object, ...]:
        return tuple(w.value for w in self.query("Input, FormCheckbox"))  # type: ignore[attr-defined]

    def action_cancel(self) -> None:
        """Close without an answer; if anything was typed, only once the user says so."""
        if self._typed() == getattr(self, "_opened_with", ()):
            self.dismiss(None)
            return
        t = session(self).t

        def answered(discard: object) -> None:
            if discard:
                self.dismiss(None)

        self.app.push_screen(ConfirmDialog(self.title_text, t("form.discard")), answered)

    def problems(self) -> dict[str, str]:
        """Every field that is wrong, with what is wrong (empty when the form is valid)."""
        raise NotImplementedError

    def after_check(self) -> None:
        """Anything else to update once the fields were checked (a live reading)."""

    def _text(self, widget_id: str) -> str:
        return clean_text(self.query_one(f"#{widget_id}", Input).value)

    def _show(self, only: str | None = None) -> dict[str, str]:
        found = self.problems()
        for name in self.CHECKED:
            if only is None or only == name:
                self.error(f"{name}-error", found.get(name, ""))
        self.after_check()
        return found

    def is_valid(self) -> bool:
        """Check every field; if one is wrong, say so in place and put the cursor there."""
        found = self._show()
        if not found:
            return True
        target = self.query_one(f"#{next(iter(found))}")
        (target.query_one(Input) if isinstance(target, Picker) else target).focus()
        return False

    @on(Input.Changed)
    def _changed(self, event: Input.Changed) -> None:
        self._show(only=(event.input.id or "").removesuffix("-input"))

    @on(Input.Submitted)
    @on(Picker.Picked)
    def _next_field(self) -> None:
        self.focus_next()


class LeadForm(FormDialog):
    """New or edited lead. Ctrl+S saves; Esc cancels; Enter goes to the next field."""

    CHECKED = _CHECKED
    BINDINGS = [Binding("ctrl+s", "save", "key.save", id="form.save")]
    AUTO_FOCUS = "#company"  # typing starts in the first field, not on the scroll area

    def __init__(
        self,
        title: str,
        initial: LeadFields | None,
        units: tuple[str, ...],
        consultants: tuple[str, ...] = (),
        record: LeadRecord | None = None,
    ) -> None:
        super().__init__(title)
        self.initial = initial
        self.units = units
        self.consultants = consultants
        #: the stored lead's later days (valid, signed, started): found on none of them after
        self.later_days = later_days(record)

    def compose(self) -> ComposeResult:
        t = session(self).t
        i = self.initial
        today = session(self).today
        with self.box(), VerticalScroll(classes="fields"):
            for name, value in (
                ("company", i.company if i else ""),
                ("project", i.project if i else ""),
            ):
                yield Label(t(f"form.{name}"))
                yield TextInput(value, id=name)
                yield Static("", id=f"{name}-error", classes="error")
            yield Label(t("form.amount"))
            yield TextInput(str(i.amount_wan) if i else "", id="amount")
            yield Static("", id="amount-error", classes="hint")
            industrial = i.is_industrial if i else False
            yield FormCheckbox(t("form.industrial"), industrial, id="industrial")
            yield FormCheckbox(t("form.head"), i.is_head_enterprise if i else False, id="head")
            yield FormCheckbox(t("form.listed"), i.is_listed if i else False, id="listed")
            for name, choices, value in (
                ("industry", INDUSTRIES, i.industry if i else ""),
                ("source", SOURCES, i.source if i else ""),
                ("unit", self.units, i.unit if i else ""),
                ("task_force", self._forces(), self._force_name(i.task_force if i else None)),
                ("consultant", self._consultant_choices(), self._consultant_name(i)),
            ):
                yield Label(unit_label(t, choices) if name == "unit" else t(f"form.{name}"))
                none = t("pick.no_unit" if name == "unit" else "pick.no_match")
                yield Picker(choices, value, id=name, no_match=none)
                yield Static("", id=f"{name}-error", classes="error")
            for name, day in (
                ("found_on", (i.found_on if i else today)),
                ("next_follow_up", i.next_follow_up if i else None),
            ):
                yield Label(t(f"form.{name}"))
                yield TextInput(day.isoformat() if day else "", placeholder="YYYY-MM-DD", id=name)
                yield Static("", id=f"{name}-error", classes="error")
            yield self.hint()

    def on_mount(self) -> None:
        self.query_one("#amount-error", Static).update(self._amount_hint())

    def _consultant_choices(self) -> tuple[str, ...]:
        return (session(self).t("form.consultant_none"), *self.consultants)

    def _consultant_name(self, initial: LeadFields | None) -> str:
        return (
            initial.consultant if initial and initial.consultant else self._consultant_choices()[0]
        )

    def _consultant_value(self) -> str:
        picked = self.query_one("#consultant", Picker).value
        return "" if picked == self._consultant_choices()[0] else picked

    def _forces(self) -> tuple[str, ...]:
        t = session(self).t
        return (t("form.force_none"), t("form.force_negotiating"), t("form.force_signed"))

    def _force_name(self, force: str | None) -> str:
        return {None: self._forces()[0], "negotiating": self._forces()[1]}.get(
            force, self._forces()[2]
        )

    def _force_value(self) -> str | None:
        picked = self.query_one("#task_force", Picker).value
        forces = self._forces()
        return {forces[1]: "negotiating", forces[2]: "signed"}.get(picked)

    # --- checking ------------------------------------------------------------------------

    def _amount_problem(self) -> str:
        t = session(self).t
        raw = self._text("amount").replace(",", "")
        if not raw.isdigit():
            return t("why.amount")
        # the importer's limit: a form that saved more would export a ledger that cannot return
        if len(raw.lstrip("0")) > len(str(MAX_AMOUNT_WAN)) or int(raw) > MAX_AMOUNT_WAN:
            return t("why.amount_max", max=f"{MAX_AMOUNT_WAN:,}")
        return ""

    def _amount_hint(self) -> Content:
        problem = self._amount_problem()
        if problem:
            return Content.assemble((problem, "$text-error"))
        raw = self._text("amount").replace(",", "")
        return Content(session(self).t("form.amount_yi", yi=yi(int(raw))))

    def _found_problem(self) -> str:
        """The found day as the importer checks it: not after today, nor after the lead's
        valid, signed or started day."""
        t = session(self).t
        found = parse_day(self._text("found_on"))
        if found is None:
            return ""
        today = session(self).today
        if found > today:
            return t("why.future", today=today.isoformat())
        for field, day in self.later_days:
            if found > day:
                return t("form.after_day", what=t(field), day=day.isoformat())
        return ""

    def problems(self) -> dict[str, str]:
        """Every field that is wrong, with what is wrong (empty when the form is valid)."""
        t = session(self).t
        found: dict[str, str] = {}
        for name in ("company", "project"):
            value = self._text(name)
            if not value:
                found[name] = t("why.required")
            elif len(value) > MAX_TEXT:
                found[name] = t("why.too_long", n=MAX_TEXT)
        if amount := self._amount_problem():
            found["amount"] = amount
        for name in ("industry", "source", "unit", "task_force", "consultant"):
            if not self.query_one(f"#{name}", Picker).value:
                found[name] = t("form.pick")
        for name in ("found_on", "next_follow_up"):
            raw = self._text(name)
            if raw and parse_day(raw) is None:
                found[name] = t("why.date")
        if "found_on" not in found and (problem := self._found_problem()):
            found["found_on"] = problem
        return found

    def after_check(self) -> None:
        self.query_one("#amount-error", Static).update(self._amount_hint())

    def action_save(self) -> None:
        """Return the lead if every field is valid; otherwise say what is wrong, in place."""
        if not self.is_valid():
            return
        day = parse_day(self._text("found_on")) if self._text("found_on") else None
        follow = parse_day(self._text("next_follow_up")) if self._text("next_follow_up") else None
        self.dismiss(
            LeadFields(
                company=self._text("company"),
                project=self._text("project"),
                industry=self.query_one("#industry", Picker).value,
                amount_wan=int(self._text("amount").replace(",", "")),
                is_industrial=self.query_one("#industrial", FormCheckbox).value,
                source=self.query_one("#source", Picker).value,
                unit=self.query_one("#unit", Picker).value,
                found_on=day,
                next_follow_up=follow,
                is_head_enterprise=self.query_one("#head", FormCheckbox).value,
                is_listed=self.query_one("#listed", FormCheckbox).value,
                task_force=self._force_value(),
                consultant=self._consultant_value(),
            )
        )


def later_days(record: LeadRecord | None) -> tuple[tuple[str, date], ...]:
    """The stored lead's days that its found day may not be after, with their labels' keys."""
    if record is None:
        return ()
    days = (
        ("form.day_valid", record.valid_since),
        ("form.day_signed", record.signed_on),
        ("form.day_started", record.started_on),
    )
    return tuple((field, day) for field, day in days if day is not None)


def describe_fields(f: LeadFields, t: Catalog) -> str:
    """A lead's form fields as lines of text (for showing two versions side by side)."""
    return "\n".join(
        [
            f"{t('form.company')}：{f.company}",
            f"{t('form.project')}：{f.project}",
            f"{t('form.amount')}：{f.amount_wan}",
            f"{t('form.industry')}：{f.industry}",
            f"{t('form.source')}：{f.source}",
            f"{t('form.unit')}：{f.unit}",
            f"{t('form.consultant')}：{f.consultant or t('form.consultant_none')}",
            f"{t('form.found_on')}：{_day(f.found_on)}",
            f"{t('form.next_follow_up')}：{_day(f.next_follow_up)}",
        ]
    )
