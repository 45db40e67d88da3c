"""The overview board driven with Pilot: numbers, refresh, other writers, hostile text, keys."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from textual.widgets import HelpPanel, Static

from models.ledger import upsert_leads
from models.store_url import StoreUrl
from tests.conftest import lead, other_connection
from tests.screens.pilot import settle
from yeji_tui.app import YejiApp
from yeji_tui.text import cell_width
from yeji_tui.widgets.board import LatestList, TargetBoard
from yeji_tui.widgets.footer import KeyBar

# the TUI on either engine (tests/conftest.py)
pytestmark = pytest.mark.both_engines

SAMPLE_DAY = date(2022, 9, 10)


def make_app(store: Path, *, lang: str = "zh", today: date = SAMPLE_DAY) -> YejiApp:
    # a long watch interval: tests call check_store() themselves instead of waiting on a timer
    return YejiApp(db_path=store, today=today, lang=lang, watch_seconds=3600)  # type: ignore[arg-type]


def text_of(widget: object) -> str:
    return str(widget.render())  # type: ignore[attr-defined]


async def test_overview_shows_the_campaign_as_of_the_day(sample_store: Path) -> None:
    app = make_app(sample_store)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        board = app.screen.query_one(TargetBoard)
        assert board.status is not None
        assert [tp.total.actual for tp in board.status.targets] == [6, 5, 4]
        text = text_of(board)
        assert "6/15" in text and "▼ 落后" in text and "应达 8.55" in text
        assert "还差 9 个" in text  # the gap of a target that is behind
        assert "已过 57/100 天" in text_of(app.screen.query_one("#heading", Static))


async def test_r_reads_the_store_again(sample_store: Path) -> None:
    app = make_app(sample_store)
    async with app.run_test() as pilot:
        await settle(app, pilot)
        upsert_leads(
            [lead("新签企业", "新项目", unit="平岗街道", signed_on=date(2022, 9, 9))],
            "t",
            SAMPLE_DAY,
        )
        await pilot.press("r")
        await settle(app, pilot)
        board = app.screen.query_one(TargetBoard)
        assert board.status is not None and board.status.targets[0].total.actual == 7


async def test_a_write_by_another_process_refreshes_the_board_by_itself(sample_store: Path) -> None:
    app = make_app(sample_store)
    async with app.run_test() as pilot:
        await settle(app, pilot)
        other = other_connection(sample_store)  # on a server: seen by LISTEN/NOTIFY
        other.execute(
            "UPDATE lead SET signed_on = '2022-09-01', stage = 'signed', amount_wan = 20000 WHERE project = '项目017'"
        )
        other.commit()
        other.close()
        assert app._watcher is not None
        app._watcher.wait(10.0)  # a server's NOTIFY arrives after the commit, not with it
        app.check_store()  # what the interval timer does
        await settle(app, pilot)
        board = app.screen.query_one(TargetBoard)
        assert board.status is not None and board.status.targets[0].total.actual == 7


@pytest.mark.parametrize("changed", [True, False], ids=["changed meanwhile", "unchanged"])
async def test_a_change_between_the_start_up_read_and_the_watcher_is_read_again(
    sample_store: Path, changed: bool
) -> None:
    """The start-up child read the store before the app's watcher began: the app compares the
    store's last audit entry then and now, and reads again only if it moved."""
    from models.audit import last_entry

    seen = last_entry() - (1 if changed else 0)  # as if a change came after the child's read
    app = YejiApp(db_path=sample_store, today=SAMPLE_DAY, watch_seconds=3600, last_entry=seen)
    reads: list[int] = []
    async with app.run_test() as pilot:
        await settle(app, pilot)
        original = app.screen.store_changed  # type: ignore[attr-defined]

        def counted() -> None:
            reads.append(1)
            original()

        app.screen.store_changed = counted  # type: ignore[attr-defined]
        app._catch_up()
        await settle(app, pilot)
    assert reads == ([1] if changed else [])


async def test_hostile_company_names_are_shown_exactly_as_typed(campaign_store: Path) -> None:
    names = ["[red]x", "[/]", "[@click=app.quit]点我[/]", "\x1b]0;pwned\x07公司"]
    upsert_leads(
        [lead(name, f"项目{i}", signed_on=date(2022, 9, 1 + i)) for i, name in enumerate(names)],
        "t",
        SAMPLE_DAY,
    )
    app = make_app(campaign_store)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        shown = text_of(app.screen.query_one(LatestList))
        assert "[red]x" in shown and "[/]" in shown and "[@click=app.quit]点我[/]" in shown
        assert "\x1b" not in shown and "\x07" not in shown
        assert "pwned" not in shown and "公司" in shown  # the whole sequence went
        await pilot.click(LatestList)
        assert app.is_running  # clicking the name ran no action


async def test_number_keys_switch_sections_and_back(sample_store: Path) -> None:
    app = make_app(sample_store)
    async with app.run_test() as pilot:
        await settle(app, pilot)
        await pilot.press("2")
        assert app.current_mode == "pipeline"
        await pilot.press("3")
        assert app.current_mode == "units"
        await pilot.press("4")
        assert app.current_mode == "triage"
        await pilot.press("1")
        assert app.current_mode == "overview"


async def test_question_mark_toggles_the_help_panel(sample_store: Path) -> None:
    app = make_app(sample_store)
    async with app.run_test() as pilot:
        await pilot.press("question_mark")
        assert app.screen.query(HelpPanel)
        await pilot.press("question_mark")
        assert not app.screen.query(HelpPanel)


async def test_q_quits(sample_store: Path) -> None:
    app = make_app(sample_store)
    async with app.run_test() as pilot:
        await pilot.press("q")
        assert not app.is_running


async def test_english_interface(sample_store: Path) -> None:
    app = make_app(sample_store, lang="en")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        assert "57 of 100 days over" in text_of(app.screen.query_one("#heading", Static))
        assert "▼ behind" in text_of(app.screen.query_one(TargetBoard))
        descriptions = {a.binding.description for a in app.screen.active_bindings.values()}
        assert {"Quit", "Refresh", "Overview"} <= descriptions


async def test_keys_are_described_in_chinese_by_default(sample_store: Path) -> None:
    app = make_app(sample_store)
    async with app.run_test() as pilot:
        await settle(app, pilot)
        descriptions = {a.binding.description for a in app.screen.active_bindings.values()}
        assert {"退出", "刷新", "总览", "帮助"} <= descriptions


async def test_palette_offers_every_section_and_refresh(sample_store: Path) -> None:
    app = make_app(sample_store)
    async with app.run_test() as pilot:
        await settle(app, pilot)
        from yeji_tui.widgets.palette import commands

        titles = {c.title for c in commands(app.screen)}
        assert {"切换到总览", "切换到项目看板", "切换到单位", "切换到待办", "刷新"} <= titles


async def test_an_empty_store_says_how_to_start(store_path: Path) -> None:
    app = make_app(store_path)
    async with app.run_test() as pilot:
        await settle(app, pilot)
        assert "yeji init" in text_of(app.screen.query_one("#heading", Static))


async def test_a_failing_store_is_reported_once_as_a_notification(sample_store: Path) -> None:
    broken = other_connection(sample_store)
    if not isinstance(sample_store, StoreUrl):  # a server's trigger names the table in its body
        broken.execute("DROP TRIGGER activity_day_insert")
    broken.execute("DROP TABLE activity_day")
    broken.commit()
    broken.close()
    app = make_app(sample_store)
    async with app.run_test() as pilot:
        await settle(app, pilot, failing=True)  # the app must report the failure once
        messages = [n.message for n in app._notifications]
        assert len(messages) == 1 and "activity_day" in messages[0]
        assert app.is_running


async def test_key_bar_shows_each_key_once_and_a_click_presses_it(sample_store: Path) -> None:
    app = make_app(sample_store)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(app, pilot)
        bar = app.screen.query_one(KeyBar)
        line = text_of(bar)
        assert " q 退出 " in line and " ? 帮助 " in line and " r 刷新 " in line
        assert "f1" not in line and line.count("退出") == 1
        x = cell_width(line[: line.index(" 2 ")])  # CJK descriptions are two cells wide
        await pilot.click(KeyBar, offset=(x + 1, 0))
        assert app.current_mode == "pipeline"
