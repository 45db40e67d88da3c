"""The pipeline and the lead page as a clerk's keyboard finds them (issue 11): acting from the
lead's page, messages that end with their cause, filter tokens by pinyin, the same keys for
top and bottom everywhere, the mouse, and the cursor always on a card."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual import events

from models.ledger import upsert_leads
from models.tables import FollowUp, Lead, SavedView
from screens.dialogs import ChoiceDialog, FollowUpDialog
from screens.lead_detail import LeadDetailScreen
from screens.lead_form import LeadForm
from tests.conftest import lead
from tests.screens.pilot import settle
from tests.screens.test_pipeline import (
    TODAY,
    board_store,  # noqa: F401  (a fixture)
    column,
    heading,
    make_app,
    open_pipeline,
    stage_of,
    until,
)
from yeji_tui.app import YejiApp
from yeji_tui.widgets.footer import KeyBar


@pytest.fixture
def long_store(board_store: Path) -> Path:  # noqa: F811
    """Thirty more leads at 线索: a column longer than a screen."""
    upsert_leads(
        [
            lead(f"测试企业{n:03}有限公司", "项目", stage="lead", signed_on=None, amount_wan=n)
            for n in range(1, 31)
        ],
        "clerk",
        TODAY,
    )
    return board_store


def footer(app: object) -> str:
    return str(app.screen.query_one(KeyBar).render())  # type: ignore[attr-defined]


# --- item 11: the lead page acts on its lead ----------------------------------------------------


@pytest.mark.parametrize(
    ("lang", "words"), [("zh", ("推进", "跟进", "编辑")), ("en", ("Advance",))]
)
async def test_the_lead_page_advances_and_marks_its_lead_and_its_footer_says_so(
    board_store: Path,  # noqa: F811
    lang: str,
    words: tuple[str, ...],
) -> None:
    app = YejiApp(db_path=board_store, today=TODAY, watch_seconds=3600, lang=lang)  # type: ignore[arg-type]
    async with app.run_test(size=(120, 40)) as pilot:
        await open_pipeline(app, pilot)
        await pilot.press("enter")  # 金海商贸, the largest 线索
        await settle(app, pilot)
        assert isinstance(app.screen, LeadDetailScreen)
        assert all(word in footer(app) for word in words)
        await pilot.press("v")
        await settle(app, pilot)
        assert Lead.get(Lead.company == "金海商贸有限公司").valid_since == TODAY
        await pilot.press("greater_than_sign")  # 线索 → 洽谈: no dialog
        await settle(app, pilot)
        assert stage_of("金海商贸有限公司") == "negotiating"
        page = str(app.screen.query_one("#detail-body").render())
        assert ("线索 → 洽谈" if lang == "zh" else "→") in page  # the history has the move
        assert app.screen.query_one("#detail-status").display


async def test_f_on_the_lead_page_notes_a_follow_up_and_the_page_shows_it(
    board_store: Path,  # noqa: F811
) -> None:
    app = make_app(board_store)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_pipeline(app, pilot)
        await pilot.press("enter")
        await settle(app, pilot)
        await pilot.press("f")
        await until(pilot, lambda: isinstance(app.screen, FollowUpDialog))
        await pilot.press(*"上门拜访", "enter", "enter")  # note, then in 3 days
        await settle(app, pilot)
        assert FollowUp.get().note == "上门拜访"
        assert isinstance(app.screen, LeadDetailScreen)
        assert "上门拜访" in str(app.screen.query_one("#detail-body").render())


# --- item 12: messages end with their cause; one line, cut with … ------------------------------


async def test_a_refusal_ends_when_the_cursor_moves(long_store: Path) -> None:
    app = make_app(long_store)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_pipeline(app, pilot)
        await pilot.press("less_than_sign")  # nothing before 线索
        await settle(app, pilot)
        assert "✘" in heading(screen)
        for key in ("j", "end", "home", "pagedown", "l"):
            await pilot.press("less_than_sign" if key != "l" else "h")
            await settle(app, pilot)
            await pilot.press(key)
            await pilot.pause()
            assert "✘" not in heading(screen), key


async def test_a_long_message_at_80_columns_ends_in_an_ellipsis(board_store: Path) -> None:  # noqa: F811
    app = make_app(board_store)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_pipeline(app, pilot)
        screen.say("很长的消息" * 20, ok=False)
        await pilot.pause()
        line = app.screen.query_one("#pipeline-heading").render_line(0).text.rstrip()
        assert line.endswith("…") and "\n" not in line


async def test_the_empty_note_complaint_ends_once_a_note_is_typed(board_store: Path) -> None:  # noqa: F811
    app = make_app(board_store)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_pipeline(app, pilot)
        await pilot.press("f")
        await until(pilot, lambda: isinstance(app.screen, FollowUpDialog))
        await pilot.press("enter", "enter")  # no note, then a day: refused
        error = app.screen.query_one("#note-error")
        assert "不能为空" in str(error.render())
        await pilot.press(*"电话")
        assert str(error.render()).strip() == ""


# --- item 16: tokens by pinyin, bad tokens named, examples of this campaign ---------------------


async def test_unit_token_takes_initials_and_the_heading_names_the_unit(board_store: Path) -> None:  # noqa: F811
    app = make_app(board_store)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_pipeline(app, pilot)
        await pilot.press("slash", *"单位:ylz", "enter")
        await settle(app, pilot)
        assert screen.filter.unit == "姚李镇" and "单位:姚李镇" in heading(screen)
        assert column(screen, "negotiating").total == 1
        assert screen.board.current() is not None  # item 22: on the one match


@pytest.mark.parametrize(
    ("typed", "said"),
    [
        ("单位:xyz", "没有相符的单位：单位:xyz"),
        (">abc", "看不懂：>abc"),
        ("组:zu", "相符的有 2 个"),
    ],
)
async def test_a_bad_token_says_so_in_the_heading(
    board_store: Path,  # noqa: F811
    typed: str,
    said: str,
) -> None:
    app = make_app(board_store)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_pipeline(app, pilot)
        await pilot.press("slash", *typed)
        await settle(app, pilot)
        assert said in heading(screen)


@pytest.mark.parametrize(
    ("lang", "example"), [("zh", "单位:区经信局 组:一组"), ("en", "unit:区经信局 group:一组")]
)
async def test_the_filter_placeholder_names_this_campaigns_unit_and_group(
    board_store: Path,  # noqa: F811
    lang: str,
    example: str,
) -> None:
    app = YejiApp(db_path=board_store, today=TODAY, watch_seconds=3600, lang=lang)  # type: ignore[arg-type]
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_pipeline(app, pilot)
        assert example in screen.filter_box.placeholder


async def test_a_lead_saved_out_of_the_filters_sight_says_it_is_hidden(board_store: Path) -> None:  # noqa: F811
    app = make_app(board_store)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_pipeline(app, pilot)
        await pilot.press("slash", *"hjjj", "enter")
        await settle(app, pilot)
        assert screen.board.column.stage == "negotiating"  # landed on the one match
        await pilot.press("e")  # 恒嘉家居: renamed, so hjjj no longer finds it
        await until(pilot, lambda: isinstance(app.screen, LeadForm))
        form = app.screen
        form.query_one("#company").value = "新锐科技有限公司"
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert Lead.select().where(Lead.company == "新锐科技有限公司").count() == 1
        assert "当前筛选下不显示" in heading(screen)


# --- item 17: Home/End/g/G, the gap bridge on b, the mouse ---------------------------------------


async def test_end_g_and_home_go_to_the_last_and_first_card(long_store: Path) -> None:
    app = make_app(long_store)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_pipeline(app, pilot)
        lead_column = column(screen, "lead")
        for key, where in (("G", 31), ("home", 0), ("end", 31), ("g", 0)):
            await pilot.press(key)
            await settle(app, pilot)
            assert lead_column.cursor == where, key
        await pilot.press("G")
        await settle(app, pilot)
        assert screen.board.current() is not None  # the last page was loaded
        assert screen.board.current().company == "测试企业001有限公司"  # smallest amount last


async def test_a_click_selects_the_card_and_the_wheel_scrolls_its_column(long_store: Path) -> None:
    app = make_app(long_store)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_pipeline(app, pilot)
        await pilot.click("#column-negotiating", offset=(4, 2 + 5))  # its second card
        await pilot.pause()
        assert screen.board.column.stage == "negotiating"
        assert screen.board.current().company == "华宇化工有限公司"
        lead_column = column(screen, "lead")
        for _ in range(3):
            lead_column.post_message(
                events.MouseScrollDown(lead_column, 4, 4, 0, 1, 0, False, False, False)
            )
        await settle(app, pilot)
        assert lead_column.top == 3 and lead_column.cursor == 3
        assert screen.board.column.stage == "negotiating"  # scrolling does not take the cursor


# --- item 18: s with no saved views asks for the name at once ------------------------------------


async def test_s_with_no_saved_view_goes_straight_to_naming_it(board_store: Path) -> None:  # noqa: F811
    app = make_app(board_store)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_pipeline(app, pilot)
        await pilot.press("slash", *"hjjj", "enter", "s")
        await until(pilot, lambda: isinstance(app.screen, ChoiceDialog))
        await pilot.press(*"家居", "enter")
        await settle(app, pilot)
        assert [v.name for v in SavedView.select()] == ["家居"]


# --- item 22: after a move the cursor is on a card ----------------------------------------------


async def test_moving_a_columns_last_card_takes_the_cursor_along(board_store: Path) -> None:  # noqa: F811
    app = make_app(board_store)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_pipeline(app, pilot)
        await pilot.press("l", "l", "less_than_sign")  # 顺达木业, 签约's only card, back to 洽谈
        await settle(app, pilot)
        assert stage_of("顺达木业有限公司") == "negotiating"
        assert screen.board.column.stage == "negotiating"
        assert screen.board.current().company == "顺达木业有限公司"
        await pilot.press("greater_than_sign")  # and on again: no "这一列没有线索"
        await pilot.pause()
        assert "没有线索" not in heading(screen)
