"""Logging an activity (记活动): a trip, an investor visit received, a promotion event,
training, an exchange meeting, the signing ceremony or the groundbreaking (with the leads signed
or started there). Checked as you type, like the lead form; saved in one transaction."""

from __future__ import annotations

import asyncio

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Label, Static

from models.ledger import ACTIVITY_EVENTS, ActivityInput, UnknownCompanies
from models.records import ACTIVITY_KINDS
from screens.base import YejiScreen, session, store_session
from screens.lead_form import FormDialog
from yeji_tui.text import MAX_TEXT, parse_day
from yeji_tui.widgets.checkbox import FormCheckbox
from yeji_tui.widgets.picker import Picker, unit_label
from yeji_tui.widgets.user_text import TextInput

_TEXTS = ("destination", "company", "leads", "note")


class ActivityForm(FormDialog):
    """One activity. Ctrl+S saves; Esc cancels; Enter goes to the next field."""

    CHECKED = ("date", "unit", "kind", *_TEXTS)
    BINDINGS = [Binding("ctrl+s", "save", "key.save", id="activity.save")]
    AUTO_FOCUS = "#date"

    def __init__(
        self,
        title: str,
        units: tuple[str, ...],
        unit: str | None,
        answer: tuple[ActivityInput, list[str]] | None,
        refused: tuple[str, str] | None = None,
    ) -> None:
        super().__init__(title)
        self.units = units
        self.unit = unit
        self.answer = answer  # what was typed before a refusal: the form comes back with it
        #: (field, why) of the store's refusal of that answer: said there, and focused
        self.refused = refused
        self._refused_text = "、".join(answer[1]) if answer else ""

    def compose(self) -> ComposeResult:
        t = session(self).t
        a, leads = self.answer or (None, [])
        kinds = tuple(t(f"kind.{k}") for k in ACTIVITY_KINDS)
        with self.box(), VerticalScroll(classes="fields"):
            yield Label(t("act.date"))
            day = a.on if a else session(self).today
            yield TextInput(day.isoformat(), placeholder="YYYY-MM-DD", id="date")
            yield Static("", id="date-error", classes="error")
            yield Label(unit_label(t, self.units))
            unit = a.unit if a else (self.unit or "")
            yield Picker(self.units, unit, id="unit", no_match=t("pick.no_unit"))
            yield Static("", id="unit-error", classes="error")
            yield Label(t("act.kind"))
            kind = t(f"kind.{a.kind}") if a else kinds[0]
            yield Picker(kinds, kind, id="kind", no_match=t("pick.no_match"))
            yield Static("", id="kind-error", classes="error")
            principal = a.led_by_principal if a else False
            yield FormCheckbox(t("act.principal"), principal, id="principal")
            for name in _TEXTS:
                yield Label(t(f"act.{name}"))
                value = "、".join(leads) if name == "leads" else getattr(a, name, "") if a else ""
                yield TextInput(value, id=name)
                yield Static("", id=f"{name}-error", classes="error")
            yield self.hint()

    def on_mount(self) -> None:
        if self.refused is not None:
            field, why = self.refused
            self.error(f"{field}-error", why)
            self.query_one(f"#{field}").focus()

    def problems(self) -> dict[str, str]:
        """Every field that is wrong, with what is wrong (empty when the form is valid)."""
        t = session(self).t
        found: dict[str, str] = {}
        if parse_day(self._text("date")) is None:
            found["date"] = t("why.date")
        elif (day := parse_day(self._text("date"))) and day > session(self).today:
            found["date"] = t("act.future")
        for name in ("unit", "kind"):
            if not self.query_one(f"#{name}", Picker).value:
                found[name] = t("form.pick")
        for name in _TEXTS:
            if len(self._text(name)) > MAX_TEXT:
                found[name] = t("why.too_long", n=MAX_TEXT)
        if self.refused is not None and self._text(self.refused[0]) == self._refused_text:
            found.setdefault(self.refused[0], self.refused[1])  # until it is changed
        return found

    def action_save(self) -> None:
        """Return the activity and the leads named, if every field is valid."""
        if not self.is_valid():
            return
        t = session(self).t
        kind_name = self.query_one("#kind", Picker).value
        kind = next(k for k in ACTIVITY_KINDS if t(f"kind.{k}") == kind_name)
        day = parse_day(self._text("date"))
        assert day is not None
        leads = [
            n for n in self._text("leads").replace(",", "、").replace("，", "、").split("、") if n
        ]
        self.dismiss(
            (
                ActivityInput(
                    on=day,
                    unit=self.query_one("#unit", Picker).value,
                    kind=kind,
                    led_by_principal=self.query_one("#principal", FormCheckbox).value,
                    destination=self._text("destination"),
                    company=self._text("company"),
                    note=self._text("note"),
                ),
                leads,
            )
        )


async def log_activity(screen: YejiScreen, unit: str | None) -> bool:
    """Ask for an activity and save it; True once saved. A refusal (a lead the store does not
    know) says why and brings the form back with what was typed."""
    from models import ledger
    from models.leads import unit_names

    app = session(screen)
    t = app.t

    def units() -> tuple[str, ...]:
        with store_session():
            return tuple(unit_names())

    names = await asyncio.to_thread(units)
    answer: tuple[ActivityInput, list[str]] | None = None
    refused: tuple[str, str] | None = None
    while True:
        got = await screen.ask(ActivityForm(t("act.title"), names, unit, answer, refused))
        if not isinstance(got, tuple):
            return False
        record, leads = got
        answer = (record, leads)

        def save(r: ActivityInput = record, named: list[str] = leads) -> None:
            with store_session():
                ledger.log_activity(r, named)

        try:
            await asyncio.to_thread(save)
        except UnknownCompanies as unknown:
            refused = ("leads", t("act.unknown", names="、".join(unknown.names)))
            screen.app.notify(refused[1], severity="error", markup=False)
            continue
        app.wrote()
        event = t("act.event") if record.kind in ACTIVITY_EVENTS else ""
        screen.app.notify(
            t("act.saved", kind=t(f"kind.{record.kind}"), unit=record.unit) + event, markup=False
        )
        return True
