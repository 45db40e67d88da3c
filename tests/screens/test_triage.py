"""Triage driven with Pilot: one lead at a time, single keys decide, the store follows."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest

from models.ledger import upsert_leads
from models.tables import Lead
from screens.dialogs import PickDialog
from screens.triage import TriageScreen
from tests.conftest import lead
from tests.screens.pilot import settle
from tests.screens.test_pipeline import until
from yeji_tui.app import YejiApp

# the TUI on either engine (tests/conftest.py)
pytestmark = pytest.mark.both_engines

TODAY = date(2022, 9, 10)


@pytest.fixture
def queue_store(campaign_store: Path) -> Path:
    """Three new leads (not reviewed), largest first by found day."""
    upsert_leads(
        [
            lead("甲企业", "一", stage="lead", signed_on=None, found_on=date(2022, 9, 1)),
            lead("乙企业", "二", stage="lead", signed_on=None, found_on=date(2022, 9, 2)),
            lead("丙企业", "三", stage="lead", signed_on=None, found_on=date(2022, 9, 3)),
        ],
        "clerk",
        TODAY,
    )
    return campaign_store


async def open_triage(store: Path, pilot_size: tuple[int, int] = (100, 30)):  # type: ignore[no-untyped-def]
    app = YejiApp(db_path=store, today=TODAY, watch_seconds=3600)
    return app


def shown(app: YejiApp) -> str:
    return str(app.screen.query_one("#triage-body").render())


def progress(app: YejiApp) -> str:
    return str(app.screen.query_one("#triage-heading").render())


def row(company: str) -> Lead:
    return Lead.get(Lead.company == company)


async def test_keys_decide_one_lead_after_another(queue_store: Path) -> None:
    app = await open_triage(queue_store)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("4")
        await settle(app, pilot)
        assert isinstance(app.screen, TriageScreen)
        assert "1 / 3" in progress(app) and "甲企业" in shown(app) and "新线索" in shown(app)
        await pilot.press("v")  # valid
        await settle(app, pilot)
        assert row("甲企业").valid_since == TODAY and row("甲企业").reviewed_on == TODAY
        assert "2 / 3" in progress(app) and "乙企业" in shown(app)
        await pilot.press("a")  # to 洽谈
        await settle(app, pilot)
        assert row("乙企业").stage == "negotiating"
        await pilot.press("f")
        await pilot.pause()
        await pilot.press("2")  # in 7 days
        await settle(app, pilot)
        assert row("丙企业").next_follow_up == TODAY + timedelta(days=7)
        assert "没有待处理" in shown(app)


async def test_drop_reassign_skip_and_undo(queue_store: Path) -> None:
    app = await open_triage(queue_store)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("4")
        await settle(app, pilot)
        await pilot.press("space")  # skip 甲
        await settle(app, pilot)
        assert "乙企业" in shown(app) and row("甲企业").reviewed_on is None
        await pilot.press("d")
        await pilot.pause()
        await pilot.press("1")
        await settle(app, pilot)
        assert (row("乙企业").stage, row("乙企业").dropped_reason) == (
            "dropped",
            "企业投资计划调整",
        )
        await pilot.press("o")
        await pilot.pause()
        await pilot.press("down", "enter")  # the second other unit
        await settle(app, pilot)
        assert row("丙企业").unit.name != "区经信局", progress(app)
        await pilot.press("u")
        await settle(app, pilot)
        assert row("丙企业").unit.name == "区经信局"
        assert "已撤销" in progress(app)


async def test_j_pgdn_and_end_scroll_the_card_to_its_notes_at_80x24(queue_store: Path) -> None:
    from models.leads import add_follow_up

    first = row("甲企业")
    for n in range(12):  # a long history of notes: far below the fold at 80×24
        add_follow_up(first.id, row("甲企业").version, f"第{n}次跟进", TODAY, None, "clerk")
    app = await open_triage(queue_store)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("4")
        await settle(app, pilot)
        card = app.screen.query_one("#triage")
        assert card.scroll_y == 0 and card.max_scroll_y > 0
        await pilot.press("j")
        await pilot.pause()
        assert card.scroll_y == 1
        await pilot.press("pagedown")
        await pilot.pause()
        assert card.scroll_y > 1
        await pilot.press("G")
        await pilot.pause()
        assert card.scroll_y == card.max_scroll_y  # the last note is on screen
        assert "第11次跟进" in shown(app)
        await pilot.press("g")
        await pilot.pause()
        assert card.scroll_y == 0


async def test_a_on_a_lead_already_in_negotiating_says_so(campaign_store: Path) -> None:
    upsert_leads(
        [lead("丁企业", "四", stage="negotiating", signed_on=None, found_on=date(2022, 7, 20))],
        "clerk",
        date(2022, 8, 1),  # no change since: stale by 2022-09-10
    )
    app = await open_triage(campaign_store)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("4")
        await settle(app, pilot)
        assert "丁企业" in shown(app)
        await pilot.press("a")
        await settle(app, pilot)
        assert "已在洽谈" in progress(app) and "相邻" not in progress(app)
        assert row("丁企业").stage == "negotiating" and "1 / 1" in progress(app)


async def test_undo_returns_to_the_lead_it_restored_and_keeps_the_position(
    queue_store: Path,
) -> None:
    app = await open_triage(queue_store)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("4")
        await settle(app, pilot)
        await pilot.press("space", "v")  # skip 甲, 乙 valid
        await settle(app, pilot)
        assert "3 / 3" in progress(app) and "丙企业" in shown(app)
        await pilot.press("u")
        await settle(app, pilot)
        assert row("乙企业").valid_since is None
        assert "2 / 3" in progress(app) and "乙企业" in shown(app) and "已撤销" in progress(app)


async def test_o_narrows_the_units_by_pinyin_initials(queue_store: Path) -> None:
    app = await open_triage(queue_store)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("4")
        await settle(app, pilot)
        await pilot.press("o")
        await until(pilot, lambda: isinstance(app.screen, PickDialog))
        await pilot.press(*"ylz", "enter")  # 姚李镇 by its initials
        await settle(app, pilot)
        assert row("甲企业").unit.name == "姚李镇" and "乙企业" in shown(app)
        await pilot.press("o")
        await until(pilot, lambda: isinstance(app.screen, PickDialog))
        await pilot.press(*"pinggang", "enter")  # 平岗街道 by its full pinyin
        await settle(app, pilot)
        assert row("乙企业").unit.name == "平岗街道"


async def test_opened_on_triage_it_shows_the_start_up_read_in_its_first_frame(
    queue_store: Path,
) -> None:
    from concurrent.futures import Future

    from models.db import session
    from models.leads import TriageStart, triage_start

    with session():
        start = triage_start(TODAY, 14)
    # what the start-up child read: the screen shows it, reading nothing itself
    first: Future[object] = Future()
    first.set_result(TriageStart(start.queue[1:], None))
    app = YejiApp(
        db_path=queue_store, today=TODAY, watch_seconds=3600, section="triage", first_load=first
    )
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, TriageScreen)
        assert "1 / 2" in progress(app)  # the handed-over queue, not the store's three
        assert app.screen.queue == start.queue[1:]
