"""The lead and activity forms driven with Pilot: dates and amounts checked as the importer
checks them, Enter moves on (space toggles), the field at fault focused and in view."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from textual.widgets import Input, Label, OptionList

from models.ledger import upsert_leads
from models.tables import Lead
from screens.activity_form import ActivityForm
from screens.lead_form import LeadForm
from tests.conftest import lead
from tests.screens.pilot import settle
from tests.screens.test_pipeline import TODAY, make_app, open_pipeline, until
from yeji_tui.app import YejiApp
from yeji_tui.importer import MAX_AMOUNT_WAN
from yeji_tui.widgets.checkbox import CHECKED, UNCHECKED, FormCheckbox
from yeji_tui.widgets.picker import Picker


@pytest.fixture
def valid_store(campaign_store: Path) -> Path:
    """One lead at 洽谈, found 2022-07-01 and valid since 2022-08-01."""
    upsert_leads(
        [
            lead(
                "恒嘉家居有限公司",
                "定制家居",
                stage="negotiating",
                signed_on=None,
                found_on=date(2022, 7, 1),
                valid_since=date(2022, 8, 1),
            )
        ],
        "clerk",
        TODAY,
    )
    return campaign_store


def error(form: object, name: str) -> str:
    return str(form.query_one(f"#{name}-error").render())  # type: ignore[attr-defined]


async def open_form(app: YejiApp, pilot, key: str) -> LeadForm:  # type: ignore[no-untyped-def]
    await open_pipeline(app, pilot)
    await pilot.press(key)
    await until(pilot, lambda: isinstance(app.screen, LeadForm))
    assert isinstance(app.screen, LeadForm)
    return app.screen


async def open_activity_form(app: YejiApp, pilot) -> ActivityForm:  # type: ignore[no-untyped-def]
    await settle(app, pilot)
    await pilot.press("a")
    await until(pilot, lambda: isinstance(app.screen, ActivityForm))
    assert isinstance(app.screen, ActivityForm)
    return app.screen


@pytest.mark.parametrize("lang", ["zh", "en"])
async def test_the_lead_form_refuses_a_found_day_after_today_or_the_valid_day(
    valid_store: Path, lang: str
) -> None:
    app = YejiApp(db_path=valid_store, today=TODAY, lang=lang, watch_seconds=3600)  # type: ignore[arg-type]
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("2")
        await settle(app, pilot)
        await pilot.press("e")  # 恒嘉家居, at 洽谈: the cursor lands on the first card
        await until(pilot, lambda: isinstance(app.screen, LeadForm))
        form = app.screen
        form.query_one("#found_on").value = "2022-09-11"  # type: ignore[attr-defined]
        await pilot.pause()
        assert ("晚于今天" if lang == "zh" else "after today") in error(form, "found_on")
        form.query_one("#found_on").value = "2022-08-02"  # type: ignore[attr-defined]
        await pilot.pause()
        said = error(form, "found_on")
        assert ("晚于有效线索日期" if lang == "zh" else "after the valid-lead day") in said
        assert "2022-08-01" in said
        await pilot.press("ctrl+s")  # refused: the cursor goes to the field at fault
        await pilot.pause()
        assert isinstance(app.screen, LeadForm) and app.focused is form.query_one("#found_on")
        assert Lead.get().found_on == date(2022, 7, 1)
        form.query_one("#found_on").value = "2022-08-01"  # type: ignore[attr-defined]
        await pilot.pause()
        assert error(form, "found_on") == ""
        await pilot.press("ctrl+s")
        await until(pilot, lambda: not isinstance(app.screen, LeadForm))
        await settle(app, pilot)
        assert Lead.get().found_on == date(2022, 8, 1)


async def test_the_lead_form_refuses_an_amount_above_the_importers_limit(
    valid_store: Path,
) -> None:
    app = make_app(valid_store)
    async with app.run_test(size=(120, 40)) as pilot:
        form = await open_form(app, pilot, "n")
        form.query_one("#amount").value = str(MAX_AMOUNT_WAN + 1)  # type: ignore[attr-defined]
        await pilot.pause()
        assert "上限" in error(form, "amount")
        assert "amount" in form.problems()
        form.query_one("#amount").value = str(MAX_AMOUNT_WAN)  # type: ignore[attr-defined]
        await pilot.pause()
        assert "amount" not in form.problems() and "亿元" in error(form, "amount")


async def test_enter_on_a_checkbox_moves_on_and_space_toggles_it(valid_store: Path) -> None:
    app = make_app(valid_store)
    async with app.run_test(size=(120, 40)) as pilot:
        form = await open_form(app, pilot, "n")
        industrial = form.query_one("#industrial", FormCheckbox)
        form.query_one("#amount").focus()
        await pilot.press("1", "2", "enter")  # Enter: from the amount to 工业项目
        assert app.focused is industrial
        await pilot.press("space")
        assert industrial.value is True
        await pilot.press("enter")  # on, not toggled back
        assert industrial.value is True and app.focused is form.query_one("#head")
        await pilot.press("enter", "enter")  # past 上市公司 to the industry field
        assert app.focused is form.query_one("#industry-input")
        await pilot.press(*"znjj")  # the typing lands in the field, none of it lost
        assert form.query_one("#industry-input").value == "znjj"  # type: ignore[attr-defined]
        assert not form.query_one("#head", FormCheckbox).value


async def test_checkboxes_read_checked_or_not_without_colour(valid_store: Path) -> None:
    app = make_app(valid_store)
    async with app.run_test(size=(120, 40)) as pilot:
        form = await open_form(app, pilot, "n")
        box = form.query_one("#industrial", FormCheckbox)
        assert str(box.render()).startswith(UNCHECKED)
        box.value = True
        await pilot.pause()
        assert str(box.render()).startswith(CHECKED)
        assert CHECKED != UNCHECKED and CHECKED.strip("[]") != UNCHECKED.strip("[]")


async def test_a_refused_activity_focuses_the_leads_field_and_says_why_there(
    valid_store: Path,
) -> None:
    app = YejiApp(db_path=valid_store, today=TODAY, watch_seconds=3600, section="units")
    async with app.run_test(size=(80, 24)) as pilot:
        form = await open_activity_form(app, pilot)
        form.query_one("#unit-input").value = "区经信局"  # type: ignore[attr-defined]
        form.query_one("#leads").value = "恒嘉家居有限公司、无名公司"  # type: ignore[attr-defined]
        await pilot.press("ctrl+s")
        await until(pilot, lambda: isinstance(app.screen, ActivityForm) and app.screen is not form)
        await pilot.pause()  # (not settle: the worker waits on this form)
        again = app.screen
        leads_field = again.query_one("#leads")
        assert app.focused is leads_field
        assert "无名公司" in error(again, "leads")
        assert leads_field.region.height and again.query_one(".fields").region.contains_region(
            leads_field.region
        )  # scrolled into view at 80×24


async def test_tab_scrolls_the_activity_form_to_the_focused_field(valid_store: Path) -> None:
    app = YejiApp(db_path=valid_store, today=TODAY, watch_seconds=3600, section="units")
    async with app.run_test(size=(80, 24)) as pilot:
        form = await open_activity_form(app, pilot)
        fields = form.query_one(".fields")
        for _ in range(12):
            await pilot.press("tab")
            await pilot.pause()
            focused = app.focused
            assert focused is not None
            if fields in focused.ancestors:
                assert fields.region.contains_region(focused.region), focused
        assert fields.scroll_y > 0


async def test_esc_on_a_filled_lead_form_asks_before_discarding(valid_store: Path) -> None:
    from screens.dialogs import ConfirmDialog

    app = make_app(valid_store)
    async with app.run_test(size=(80, 24)) as pilot:
        form = await open_form(app, pilot, "n")
        await pilot.press("escape")  # nothing typed: closes at once
        await until(pilot, lambda: not isinstance(app.screen, LeadForm))
        await pilot.press("n")
        await until(pilot, lambda: isinstance(app.screen, LeadForm))
        form = app.screen
        await pilot.press(*"abc")
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, ConfirmDialog))
        await pilot.press("n")  # back to the form, the typing kept
        await until(pilot, lambda: app.screen is form)
        assert form.query_one("#company").value == "abc"  # type: ignore[attr-defined]
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, ConfirmDialog))
        await pilot.press("y")
        await until(pilot, lambda: not isinstance(app.screen, (LeadForm, ConfirmDialog)))
        assert Lead.select().count() == 1


@pytest.mark.parametrize("which", ["lead", "activity"])
async def test_the_unit_fields_example_is_one_of_this_campaigns_units(
    valid_store: Path, which: str
) -> None:
    app = make_app(valid_store)
    async with app.run_test(size=(120, 40)) as pilot:
        form = await (
            open_form(app, pilot, "n") if which == "lead" else open_activity_form(app, pilot)
        )
        label = next(
            str(label.render()) for label in form.query(Label) if "责任单位" in str(label.render())
        )
        example = label.split("如 ")[1].rstrip("）")
        assert example and example != "qjx"  # not the fixed example, which no campaign need have
        picker = form.query_one("#unit", Picker)
        assert picker.matches(example)  # typing the example finds a unit
        form.query_one("#unit-input").value = example  # type: ignore[attr-defined]
        await pilot.pause()
        assert "没有匹配" not in " ".join(
            str(o.prompt) for o in form.query_one("#unit-options", OptionList).options
        )


async def test_enter_typed_before_the_list_shows_takes_the_first_match(valid_store: Path) -> None:
    app = make_app(valid_store)
    async with app.run_test(size=(120, 40)) as pilot:
        form = await open_form(app, pilot, "n")
        field = form.query_one("#industry-input", Input)
        field.focus()
        await pilot.pause()
        with field.prevent(Input.Changed):  # typed so fast the list has not been shown yet
            field.value = "znjj"
        assert not form.query_one("#industry-options", OptionList).display
        await pilot.press("enter")
        assert field.value == "智能家居"
        assert form.query_one("#industry", Picker).value == "智能家居"
