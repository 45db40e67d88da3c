"""Roles in the TUI (Pilot): the heading says who you are, a role's refused keys are not
offered (``check_action``) on any screen, so pressing them changes nothing; a lead's page and a
unit's page show their audit."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from models import identity
from models.campaigns import save_campaign
from models.records import UserSpec
from models.tables import Lead
from screens.lead_detail import LeadDetailScreen
from screens.triage import TriageScreen
from tests.conftest import small_campaign
from tests.screens.pilot import settle
from tests.screens.test_pipeline import board_store, make_app, open_pipeline, until  # noqa: F401
from tests.screens.test_triage import queue_store  # noqa: F401
from tests.screens.test_units import open_first_units_page, open_units, units_store  # noqa: F401
from yeji_tui.widgets.presence import PresenceMark

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
    monkeypatch.setattr(identity, "os_login", lambda: who)
    stages = {lead.id: lead.stage for lead in Lead.select()}
    app = make_app(board_store)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_pipeline(app, pilot)
        assert heading in str(screen.query_one(PresenceMark).render())
        card = screen.board.current()
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
    monkeypatch.setattr(identity, "os_login", lambda: "office1")
    app = make_app(board_store)
    async with app.run_test(size=(120, 60)) as pilot:
        await open_pipeline(app, pilot)
        await pilot.press("l", "enter")
        await settle(app, pilot)
        body = str(app.screen.query_one("#detail-body").render())
        audit = body.split("操作记录", 1)[1]
        assert "导入" in audit and "阶段  洽谈" in audit and "negotiating" not in audit
        assert "+" not in body  # the import's batch line in words, not its stored marks


def as_user(monkeypatch: pytest.MonkeyPatch, who: str) -> None:
    save_campaign(dataclasses.replace(small_campaign(), users=USERS))
    monkeypatch.setattr(identity, "os_login", lambda: who)


@pytest.mark.parametrize(
    ("who", "offered"), [("boss", False), ("zhangsan", False), ("office1", True)]
)
async def test_triage_offers_its_deciding_keys_only_to_who_may_write_the_lead(
    queue_store: Path,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
    who: str,
    offered: bool,
) -> None:
    as_user(monkeypatch, who)  # the queue's leads are 区经信局's, not the clerk's 姚李镇
    reviewed = {lead.id: lead.reviewed_on for lead in Lead.select()}
    app = make_app(queue_store)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("4")
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, TriageScreen)
        for action, parameters in (("decide", ("valid",)), ("drop", ()), ("reassign", ())):
            assert bool(screen.check_action(action, parameters)) is offered
        assert screen.check_action("skip", ()) is True  # reading on is not a write
        if not offered:
            await pilot.press("v")
            await settle(app, pilot)
            assert {lead.id: lead.reviewed_on for lead in Lead.select()} == reviewed


async def test_a_clerk_may_decide_their_own_units_leads_in_triage(
    queue_store: Path,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    users = (UserSpec("zhangsan", "张三", "clerk", "区经信局"),)
    save_campaign(dataclasses.replace(small_campaign(), users=users))
    monkeypatch.setattr(identity, "os_login", lambda: "zhangsan")
    app = make_app(queue_store)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("4")
        await settle(app, pilot)
        assert app.screen.check_action("decide", ("valid",)) is True


@pytest.mark.parametrize(("who", "offered"), [("boss", False), ("office1", True)])
async def test_units_offer_logging_an_activity_only_to_who_may(
    units_store: Path,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
    who: str,
    offered: bool,
) -> None:
    as_user(monkeypatch, who)
    app = make_app(units_store)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_units(app, pilot)
        assert bool(screen.check_action("log_activity", ())) is offered
        assert screen.check_action("view", ("ranking",)) is True


async def test_a_leader_on_a_leads_page_is_not_offered_its_writes(
    board_store: Path,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    as_user(monkeypatch, "boss")
    stages = {lead.id: lead.stage for lead in Lead.select()}
    app = make_app(board_store)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_pipeline(app, pilot)
        await pilot.press("l", "enter")
        await until(pilot, lambda: isinstance(app.screen, LeadDetailScreen))
        await settle(app, pilot)
        page = app.screen
        assert page.card is not None  # type: ignore[attr-defined]
        for action in ("move", "valid", "drop", "follow_up", "edit"):
            assert page.check_action(action, (1,)) is False
        await pilot.press("greater_than_sign")
        await settle(app, pilot)
        assert {lead.id: lead.stage for lead in Lead.select()} == stages


async def test_a_units_page_shows_the_units_latest_audit(
    units_store: Path,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(identity, "os_login", lambda: "office1")
    app = make_app(units_store)
    async with app.run_test(size=(100, 60)) as pilot:
        text = await open_first_units_page(app, pilot, "最近的操作记录")
        audit = text.split("最近的操作记录", 1)[1]
        assert "导入" in audit and "#1 甲公司" in audit  # the import that brought its lead
        assert "平岗街道" not in audit and "乙公司" not in audit  # not another unit's


async def test_others_see_the_name_the_campaign_file_gives(
    board_store: Path,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    as_user(monkeypatch, "zhangsan")
    app = make_app(board_store)
    assert (app._heartbeat.login, app._heartbeat.name) == ("zhangsan", "张三")


async def test_a_leaders_palette_offers_no_write_and_an_offices_does(
    board_store: Path,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from yeji_tui.widgets.palette import commands

    titles: dict[str, list[str]] = {}
    as_user(monkeypatch, "office1")
    for who in ("boss", "office1"):
        monkeypatch.setattr(identity, "os_login", lambda who=who: who)
        app = make_app(board_store)
        async with app.run_test(size=(120, 40)) as pilot:
            screen = await open_pipeline(app, pilot)
            titles[who] = [c.title for c in commands(screen)]
    writes = {"推进", "退回", "有效", "终止", "跟进", "编辑", "新建", "撤销"}
    assert writes <= set(titles["office1"])
    assert not writes & set(titles["boss"])
    assert {"筛选", "详情", "视图"} <= set(titles["boss"])  # reading keys stay
