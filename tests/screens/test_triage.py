"""Triage driven with Pilot: one lead at a time, single keys decide, the store follows."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest

from models.ledger import upsert_leads
from models.tables import Lead
from screens.triage import TriageScreen
from tests.conftest import lead
from tests.screens.pilot import settle
from yeji_tui.app import YejiApp

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
