"""The TUI with hostile text: a store an older version wrote it into, shown on every section,
page and dialog; and hostile text pasted into every field, saved cleaned. What is checked is
what reaches the terminal: the screenshot (the same strips) and the bytes of a full repaint."""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from textual import events
from textual.content import Content
from textual.pilot import Pilot
from textual.widgets import Static
from textual.worker import WorkerFailed

from models.ledger import upsert_leads
from models.tables import Activity, FollowUp, Lead, SavedView
from screens.activity_form import ActivityForm
from screens.dialogs import ChoiceDialog, Dialog, FollowUpDialog
from screens.lead_form import LeadForm
from screens.unit_lists import ListDialog
from tests.conftest import lead
from tests.hostile.hostile import (
    EVIL,
    FORBIDDEN,
    SHOWN,
    TODAY,
    assert_clean,
    assert_no_control,
    write_as_an_older_version,
)
from yeji_tui.app import YejiApp

# Textual's own output in a repaint: colours (SGR) and cursor moves, nothing else
_OWN = re.compile(r"\x1b\[[0-9;]*[mH]")


def make_app(store: Path, section: str = "overview") -> YejiApp:
    return YejiApp(db_path=store, today=TODAY, watch_seconds=3600, section=section)


async def settle(app: YejiApp, pilot: Pilot[None]) -> None:
    for _ in range(4):
        with contextlib.suppress(WorkerFailed):
            await app.workers.wait_for_complete()
        await pilot.pause()


async def until(pilot: Pilot[None], condition: Callable[[], bool]) -> None:
    for _ in range(200):
        if condition():
            return
        await pilot.pause()
    raise AssertionError("the app never got there")


def terminal_bytes(app: YejiApp) -> str:
    """What a full repaint writes to the terminal (App._display writes exactly this), less
    Textual's own colour and cursor sequences. The compositor is Textual's private API: if it
    moves, this test fails loudly rather than checking nothing."""
    update = app.screen._compositor.render_update(full=True)
    return _OWN.sub("", update.render_segments(app.console))


def assert_screen_clean(app: YejiApp, where: str) -> str:
    """The screen holds no control, bidi or zero-width character; returns the screenshot."""
    shot = app.export_screenshot()
    assert_clean(shot, f"{where} (screenshot)")
    stream = terminal_bytes(app)
    assert "\x1b" not in stream, f"{where}: {stream[stream.index(chr(27)) :][:20]!r}"
    assert_clean(stream, f"{where} (terminal)")
    return shot


@pytest.fixture
def older(campaign_store: Path) -> Path:
    write_as_an_older_version(campaign_store)
    return campaign_store


async def test_every_section_page_and_dialog_shows_an_older_stores_names_cleaned(
    older: Path,
) -> None:
    app = make_app(older)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await settle(app, pilot)
        shot = assert_screen_clean(app, "overview")
        assert "测试活动" in shot and app.title == f"测试活动{SHOWN}"
        await pilot.press("2")  # pipeline
        await settle(app, pilot)
        assert_screen_clean(app, "pipeline")
        await pilot.press("enter")  # the lead's page, with its history and who made it
        await settle(app, pilot)
        assert_screen_clean(app, "lead page")
        await pilot.press("escape", "s")  # the saved views, one named by an older version
        await until(pilot, lambda: isinstance(app.screen, ChoiceDialog))
        assert_screen_clean(app, "saved views")
        await pilot.press("escape", "l", "l", "d")  # drop: the dialog's title names the lead
        await until(pilot, lambda: isinstance(app.screen, ChoiceDialog))
        assert_screen_clean(app, "drop dialog")
        await pilot.press("escape")
        await pilot.press("3")  # units: the tree, the heatmap
        await settle(app, pilot)
        assert_screen_clean(app, "units heatmap")
        await pilot.press("o")  # the ranking
        await settle(app, pilot)
        assert_screen_clean(app, "units ranking")
        for key in ("c", "e"):  # the consultants, the events calendar
            await pilot.press(key)
            await until(pilot, lambda: isinstance(app.screen, ListDialog))
            assert_screen_clean(app, f"units {key}")
            await pilot.press("escape")
            await until(pilot, lambda: not isinstance(app.screen, Dialog))
        await pilot.press("tab", "enter")  # a page from the tree (a group's, then a unit's)
        await settle(app, pilot)
        assert_screen_clean(app, "group page")
        await pilot.press("4")  # triage
        await settle(app, pilot)
        assert_screen_clean(app, "triage")
        app.notify(f"恒嘉{EVIL}", markup=False)  # messages name leads, too (never markup)
        await settle(app, pilot)
        assert "恒嘉" in assert_screen_clean(app, "notification")
        await pilot.click(offset=(60, 20))
        assert app.is_running  # no [@click=…] ran


async def paste(pilot: Pilot[None], text: str, into: str = "") -> None:
    """Paste into a field (``into``, else the focused one), as a terminal delivers a paste."""
    if into:
        pilot.app.screen.query_one(into).focus()
        await pilot.pause()
    focused = pilot.app.focused
    assert focused is not None
    focused.post_message(events.Paste(text))
    await pilot.pause()


@pytest.fixture
def board(campaign_store: Path) -> Path:
    upsert_leads([lead("恒嘉家居", "定制家居", stage="lead", signed_on=None)], "clerk", TODAY)
    return campaign_store


async def test_text_pasted_into_the_pipelines_fields_is_saved_and_shown_cleaned(
    board: Path,
) -> None:
    app = make_app(board, "pipeline")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("slash")
        await paste(pilot, f"恒嘉{EVIL}")  # the filter line
        assert app.focused is not None and app.focused.value == f"恒嘉{SHOWN}"  # type: ignore[attr-defined]
        assert_screen_clean(app, "filter")
        await pilot.press("escape")
        await settle(app, pilot)
        await pilot.press("s")  # save a view under a pasted name
        await until(pilot, lambda: isinstance(app.screen, ChoiceDialog))
        await pilot.press("tab")
        await paste(pilot, f"视图{EVIL}")
        await pilot.press("enter")
        await settle(app, pilot)
        assert SavedView.get().name == f"视图{SHOWN}"
        await pilot.press("escape", "f")  # a follow-up note
        await until(pilot, lambda: isinstance(app.screen, FollowUpDialog))
        await paste(pilot, f"电话{EVIL}")
        await pilot.press("enter", "down", "enter")
        await settle(app, pilot)
        assert FollowUp.get().note == f"电话{SHOWN}"
        await pilot.press("n")  # a new lead from the form
        await until(pilot, lambda: isinstance(app.screen, LeadForm))
        form = app.screen
        await paste(pilot, f"新锐{EVIL}", into="#company")
        form.query_one("#project").value = f"产业园{EVIL}"  # type: ignore[attr-defined]
        form.query_one("#amount").value = "5000"  # type: ignore[attr-defined]
        for picker, value in (("industry", "智能家居"), ("source", "来访"), ("unit", "姚李镇")):
            form.query_one(f"#{picker}-input").value = value  # type: ignore[attr-defined]
        assert_screen_clean(app, "lead form")
        await pilot.press("ctrl+s")
        await until(pilot, lambda: not isinstance(app.screen, LeadForm))
        await settle(app, pilot)
        created = Lead.get(Lead.company == f"新锐{SHOWN}")
        assert created.project == f"产业园{SHOWN}"
        await pilot.press("d")  # drop the first card, with a reason typed (pasted)
        await until(pilot, lambda: isinstance(app.screen, ChoiceDialog))
        await pilot.press("tab")
        await paste(pilot, f"撤资{EVIL}")
        await pilot.press("enter")
        await settle(app, pilot)
        dropped = Lead.get(Lead.stage == "dropped")
        assert dropped.dropped_reason == f"撤资{SHOWN}"
        assert_screen_clean(app, "pipeline after the changes")


async def test_an_activity_typed_with_hostile_text_is_saved_cleaned(board: Path) -> None:
    app = make_app(board, "units")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("a")
        await until(pilot, lambda: isinstance(app.screen, ActivityForm))
        form = app.screen
        form.query_one("#date").value = "2022-09-05"  # type: ignore[attr-defined]
        form.query_one("#unit-input").value = "区经信局"  # type: ignore[attr-defined]
        form.query_one("#kind-input").value = "外出招商"  # type: ignore[attr-defined]
        await paste(pilot, f"上海{EVIL}", into="#destination")
        await paste(pilot, f"洽谈{EVIL}", into="#note")
        assert_screen_clean(app, "activity form")
        await pilot.press("ctrl+s")
        await until(pilot, lambda: not isinstance(app.screen, ActivityForm))
        await settle(app, pilot)
        saved = Activity.get(Activity.note != "")
        assert (saved.destination, saved.note) == (f"上海{SHOWN}", f"洽谈{SHOWN}")


async def test_whatever_a_widget_draws_no_control_reaches_the_terminal(board: Path) -> None:
    """The last line: a widget that forgot to clean (here, on purpose) still sends none."""
    app = make_app(board)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        raw = Static(Content(f"恒嘉{EVIL}"))
        raw.border_title = Content(EVIL)
        await app.screen.mount(raw)
        await pilot.pause()
        shot = app.export_screenshot()
        assert_no_control(shot, "screenshot")
        stream = terminal_bytes(app)
        assert "\x1b" not in stream and not FORBIDDEN.search(stream)
        assert "恒嘉" in shot  # the text itself is drawn, only the controls are not
