"""Roles in the TUI (Pilot): the heading says who you are, and a role's refused keys are not
offered (``check_action``), so pressing them changes nothing."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from models import access
from models.campaigns import save_campaign
from models.records import UserSpec
from models.tables import Lead
from tests.conftest import small_campaign
from tests.screens.test_pipeline import board_store, make_app, open_pipeline  # noqa: F401

USERS = (
    UserSpec("office1", "王主任", "office"),
    UserSpec("zhangsan", "张三", "clerk", "姚李镇"),
    UserSpec("boss", "区长", "leader"),
)


@pytest.mark.parametrize(
    ("who", "heading", "may_move"),
    [
        ("boss", "区长 · 领导", False),
        ("zhangsan", "张三 · 录入员 姚李镇", False),
        ("office1", "王主任 · 办公室", True),
    ],
)
async def test_the_heading_shows_the_role_and_refused_keys_are_not_offered(
    board_store: Path,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
    who: str,
    heading: str,
    may_move: bool,
) -> None:
    save_campaign(dataclasses.replace(small_campaign(), users=USERS))
    monkeypatch.setattr(access, "os_login", lambda: who)
    stages = {lead.id: lead.stage for lead in Lead.select()}
    app = make_app(board_store)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_pipeline(app, pilot)
        assert heading in str(screen._heading())
        card = screen.column.current()
        assert card is not None and card.unit != "姚李镇"
        assert bool(screen.check_action("move", (1,))) is may_move
        assert screen.check_action("new", ()) is (who != "boss")
        if not may_move:
            await pilot.press("greater_than_sign")
            await app.workers.wait_for_complete()
            await pilot.pause()
            assert {lead.id: lead.stage for lead in Lead.select()} == stages


async def test_the_leads_page_shows_its_whole_audit(
    board_store: Path,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from tests.screens.pilot import settle

    monkeypatch.setattr(access, "os_login", lambda: "office1")
    app = make_app(board_store)
    async with app.run_test(size=(120, 60)) as pilot:
        await open_pipeline(app, pilot)
        await pilot.press("l", "enter")
        await settle(app, pilot)
        body = str(app.screen.query_one("#detail-body").render())
        assert "操作记录" in body and "import" in body and "stage" in body
