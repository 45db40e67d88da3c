"""The pipeline driven with Pilot: every key, checked against the store and the overview."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from textual import events
from textual.content import Content

from models.ledger import upsert_leads
from models.queries import count_projects
from models.tables import FollowUp, Lead
from screens.dialogs import MessageDialog
from screens.lead_form import LeadForm
from screens.pipeline import PipelineScreen
from tests.conftest import lead, other_connection
from tests.screens.pilot import settle
from yeji_tui.app import YejiApp
from yeji_tui.widgets.board import TargetBoard
from yeji_tui.widgets.kanban import StageColumn

# the TUI on either engine: every key of the pipeline against the store
pytestmark = pytest.mark.both_engines

TODAY = date(2022, 9, 10)
START = date(2022, 7, 15)


@pytest.fixture
def board_store(campaign_store: Path) -> Path:
    """Leads at every stage; 恒嘉家居 (1.2亿, negotiating) is the largest negotiation."""
    upsert_leads(
        [
            lead(
                "恒嘉家居有限公司",
                "定制家居",
                stage="negotiating",
                signed_on=None,
                valid_since=date(2022, 8, 1),
                amount_wan=12000,
            ),
            lead(
                "华宇化工有限公司",
                "精细化学品",
                stage="negotiating",
                signed_on=None,
                amount_wan=3000,
                unit="姚李镇",
            ),
            lead(
                "金海商贸有限公司",
                "物流园",
                stage="lead",
                signed_on=None,
                amount_wan=800,
                found_on=date(2022, 6, 1),
            ),
            lead(
                "顺达木业有限公司",
                "板材",
                stage="signed",
                signed_on=date(2022, 9, 1),
                amount_wan=20000,
            ),
            lead("[red]x 公司", "[/]项目", stage="lead", signed_on=None, amount_wan=500),
        ],
        "clerk",
        TODAY,
    )
    return campaign_store


async def open_pipeline(app: YejiApp, pilot) -> PipelineScreen:  # type: ignore[no-untyped-def]
    await pilot.press("2")
    await settle(app, pilot)
    assert isinstance(app.screen, PipelineScreen)
    return app.screen


async def until(pilot, condition, tries: int = 200) -> None:  # type: ignore[no-untyped-def]
    """Let the app process messages until ``condition()`` holds (no fixed sleeps)."""
    for _ in range(tries):
        if condition():
            return
        await pilot.pause()
    raise AssertionError("the app never got there")


def make_app(store: Path) -> YejiApp:
    return YejiApp(db_path=store, today=TODAY, watch_seconds=3600)


def column(screen: PipelineScreen, stage: str) -> StageColumn:
    return screen.query_one(f"#column-{stage}", StageColumn)


def heading(screen: PipelineScreen) -> str:
    return str(screen.query_one("#pipeline-heading").render())


def stage_of(company: str) -> str:
    return str(Lead.get(Lead.company == company).stage)


async def test_columns_show_counts_amounts_and_largest_first(board_store: Path) -> None:
    app = make_app(board_store)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_pipeline(app, pilot)
        neg = column(screen, "negotiating")
        assert (neg.total, neg.amount_wan) == (2, 15000)
        assert neg.cards[0].company == "恒嘉家居有限公司"
        text = neg.text()
        assert "洽谈 2" in text and "1.5亿" in text and "★恒嘉家居有限公司" in text
        assert column(screen, "lead").text().count("[red]x 公司") == 1  # literally


async def test_gt_moves_the_card_to_signed_and_the_overview_counts_it(board_store: Path) -> None:
    app = make_app(board_store)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_pipeline(app, pilot)
        await pilot.press("l", "greater_than_sign")  # to 洽谈, then advance 恒嘉家居
        await pilot.pause()
        await pilot.press("enter")  # the signing day (today) and the amount as they are
        await settle(app, pilot)
        assert stage_of("恒嘉家居有限公司") == "signed"
        assert Lead.get(Lead.company == "恒嘉家居有限公司").signed_on == TODAY
        assert "洽谈 → 签约" in heading(screen)
        assert count_projects("signed", START, TODAY, 10000).actual == 2
        await pilot.press("1")
        await settle(app, pilot)
        board = app.screen.query_one(TargetBoard)
        assert board.status is not None and board.status.targets[0].total.actual == 2


async def test_a_refused_move_says_why_in_place_and_changes_nothing(board_store: Path) -> None:
    app = make_app(board_store)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_pipeline(app, pilot)
        await pilot.press("l", "l", "greater_than_sign")  # 签约 → 开工 asks for the start day
        await pilot.pause()
        dialog = app.screen
        day = dialog.query_one("#day")
        day.value = "2022-08-01"  # before the signing on 2022-09-01
        await pilot.press("enter")
        await settle(app, pilot)
        assert stage_of("顺达木业有限公司") == "signed"
        assert "✘" in heading(screen) and "早于" in heading(screen)


async def test_u_undoes_the_last_change_and_says_what(board_store: Path) -> None:
    app = make_app(board_store)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_pipeline(app, pilot)
        await pilot.press("less_than_sign")  # nothing before 线索
        await settle(app, pilot)
        assert "相邻" in heading(screen)
        await pilot.press("l", "less_than_sign")  # 恒嘉家居 back to 线索
        await settle(app, pilot)
        assert stage_of("恒嘉家居有限公司") == "lead"
        await pilot.press("u")
        await settle(app, pilot)
        assert stage_of("恒嘉家居有限公司") == "negotiating"
        assert "已撤销" in heading(screen)
        await pilot.press("u")
        await settle(app, pilot)
        assert "没有可撤销" in heading(screen)


async def test_v_marks_and_unmarks_a_valid_lead(board_store: Path) -> None:
    app = make_app(board_store)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_pipeline(app, pilot)
        await pilot.press("v")  # largest 线索: 金海商贸 (800万)
        await settle(app, pilot)
        assert Lead.get(Lead.company == "金海商贸有限公司").valid_since == TODAY
        await pilot.press("v")
        await settle(app, pilot)
        assert Lead.get(Lead.company == "金海商贸有限公司").valid_since is None


async def test_d_drops_with_a_reason_from_the_list(board_store: Path) -> None:
    app = make_app(board_store)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_pipeline(app, pilot)
        await pilot.press("d")
        await pilot.pause()
        await pilot.press("5")  # 资金未落实
        await settle(app, pilot)
        dropped = Lead.get(Lead.company == "金海商贸有限公司")
        assert (dropped.stage, dropped.dropped_reason, dropped.dropped_on) == (
            "dropped",
            "资金未落实",
            TODAY,
        )
        await pilot.press("t")  # show the 终止 column
        await settle(app, pilot)
        assert column(screen, "dropped").display and column(screen, "dropped").total == 1


async def test_f_adds_a_follow_up_with_the_next_day(board_store: Path) -> None:
    app = make_app(board_store)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_pipeline(app, pilot)
        await pilot.press("f")
        await pilot.pause()
        await pilot.press(*"电话沟通")
        await pilot.press("enter", "down", "enter")  # note, then "in 7 days"
        await settle(app, pilot)
        note = FollowUp.get()
        assert note.note == "电话沟通"
        assert Lead.get_by_id(note.lead_id).next_follow_up == date(2022, 9, 17)


async def test_slash_filters_by_pinyin_initials_and_esc_clears(board_store: Path) -> None:
    app = make_app(board_store)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_pipeline(app, pilot)
        await pilot.press("slash", *"hjjj")
        await settle(app, pilot)
        assert column(screen, "negotiating").total == 1
        assert column(screen, "lead").total == 0
        assert "筛选：hjjj" in heading(screen)
        await pilot.press("enter")
        await pilot.press("escape")
        await settle(app, pilot)
        assert column(screen, "negotiating").total == 2 and "筛选" not in heading(screen)


async def test_filter_tokens_narrow_by_unit_and_amount(board_store: Path) -> None:
    app = make_app(board_store)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_pipeline(app, pilot)
        await pilot.press("slash", *"单位:姚李镇")
        await settle(app, pilot)
        assert column(screen, "negotiating").total == 1
        screen.query_one("#filter").value = ">1亿"  # type: ignore[attr-defined]
        await settle(app, pilot)
        assert (column(screen, "negotiating").total, column(screen, "signed").total) == (1, 1)


async def test_saved_views_are_saved_and_recalled(board_store: Path) -> None:
    app = make_app(board_store)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_pipeline(app, pilot)
        await pilot.press("slash", *"hyhg", "enter")
        await settle(app, pilot)
        await pilot.press("s")
        await pilot.pause()
        await pilot.press("tab", *"化工", "enter")
        await settle(app, pilot)
        await pilot.press("escape")
        await settle(app, pilot)
        assert column(screen, "negotiating").total == 2
        await pilot.press("s")
        await pilot.pause()
        await pilot.press("1")
        await settle(app, pilot)
        assert column(screen, "negotiating").total == 1 and "hyhg" in heading(screen)


async def test_enter_opens_the_lead_with_its_history(board_store: Path) -> None:
    app = make_app(board_store)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_pipeline(app, pilot)
        await pilot.press("l", "enter")
        await settle(app, pilot)
        body = str(app.screen.query_one("#detail-body").render())
        assert "恒嘉家居有限公司" in body and "阶段记录" in body and "clerk" in body
        await pilot.press("escape")
        assert isinstance(app.screen, PipelineScreen)


async def test_a_lead_changed_elsewhere_is_not_overwritten(board_store: Path) -> None:
    app = make_app(board_store)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_pipeline(app, pilot)
        other = other_connection(board_store)
        other.execute(
            "UPDATE lead SET version = version + 1, amount_wan = 999 WHERE company = '金海商贸有限公司'"
        )
        other.commit()
        other.close()
        await pilot.press("v")  # the card still has the old version
        await settle(app, pilot)
        stored = Lead.get(Lead.company == "金海商贸有限公司")
        assert stored.valid_since is None and stored.amount_wan == 999
        assert "他人修改" in heading(screen)


async def test_cursor_keys_move_within_and_across_columns(board_store: Path) -> None:
    app = make_app(board_store)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_pipeline(app, pilot)
        await pilot.press("j")
        assert column(screen, "lead").cursor == 1
        await pilot.press("k", "k")
        assert column(screen, "lead").cursor == 0
        await pilot.press("right", "l", "h")
        assert screen.board.column.stage == "negotiating"


async def test_n_enters_a_new_lead_with_pickers_that_narrow_by_pinyin(board_store: Path) -> None:
    app = make_app(board_store)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_pipeline(app, pilot)
        await pilot.press("n")
        await until(pilot, lambda: isinstance(app.screen, LeadForm))
        form = app.screen
        await pilot.press("ctrl+s")  # empty: refused, errors next to the fields
        assert "不能为空" in str(form.query_one("#company-error").render())
        assert "请从列表中选择" in str(form.query_one("#unit-error").render())
        form.query_one("#company").value = "[b]新锐[/b]家居有限公司"
        form.query_one("#project").value = "智能家居产业园"
        form.query_one("#amount").value = "50000"
        await pilot.pause()
        assert "5 亿元" in str(form.query_one("#amount-error").render())  # live 亿元 reading
        form.query_one("#industry-input").focus()
        await pilot.press(*"znjj", "enter")  # 智能家居 by its initials
        form.query_one("#source-input").focus()
        await pilot.press(*"lf", "enter")  # 来访
        form.query_one("#head").value = True  # 行业头部企业
        form.query_one("#task_force-input").value = "在谈项目攻坚组"
        form.query_one("#consultant-input").value = ""  # was 无 (none)
        form.query_one("#consultant-input").focus()
        await pilot.press(*"wgw", "enter")  # 王顾问 by its initials
        form.query_one("#unit-input").focus()
        await pilot.press(*"ylz", "enter")  # 姚李镇
        await pilot.pause()
        assert form.query_one("#unit-input").value == "姚李镇"
        await pilot.press("ctrl+s")
        await until(pilot, lambda: "已新建" in heading(screen))
        created = Lead.get(Lead.company == "[b]新锐[/b]家居有限公司")
        assert (created.stage, created.amount_wan, created.industry, created.source) == (
            "lead",
            50000,
            "智能家居",
            "来访",
        )
        assert created.unit.name == "姚李镇" and created.reviewed_on is None  # waits in triage
        assert (created.is_head_enterprise, created.is_listed, created.task_force) == (
            True,
            False,
            "negotiating",
        )
        assert created.consultant.name == "王顾问"
        assert "已新建" in heading(screen)
        assert column(screen, "lead").total == 3


async def test_e_edits_and_a_conflict_shows_both_versions_and_keeps_the_typing(
    board_store: Path,
) -> None:
    app = make_app(board_store)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_pipeline(app, pilot)
        await pilot.press("l", "e")  # 恒嘉家居
        await until(pilot, lambda: isinstance(app.screen, LeadForm))
        form = app.screen
        assert form.query_one("#company").value == "恒嘉家居有限公司"
        form.query_one("#amount").value = "15000"
        other = other_connection(board_store)  # someone else saves meanwhile
        other.execute(
            "UPDATE lead SET version = version + 1, amount_wan = 13000 WHERE company = '恒嘉家居有限公司'"
        )
        other.commit()
        other.close()
        await pilot.press("ctrl+s")
        await until(pilot, lambda: isinstance(app.screen, MessageDialog))
        shown = str(app.screen.query_one("Static").render())
        assert "13000" in shown and "15000" in shown  # theirs and mine
        assert Lead.get(Lead.company == "恒嘉家居有限公司").amount_wan == 13000  # not overwritten
        await pilot.press("enter")  # read it; the form comes back with my typing
        await until(pilot, lambda: isinstance(app.screen, LeadForm))
        assert app.screen.query_one("#amount").value == "15000"
        await pilot.press("ctrl+s")  # now knowingly
        await until(pilot, lambda: "已保存" in heading(screen))
        assert Lead.get(Lead.company == "恒嘉家居有限公司").amount_wan == 15000
        assert isinstance(app.screen, PipelineScreen) and "已保存" in heading(screen)


async def test_what_if_shows_targets_as_if_chosen_leads_were_signed_without_writing(
    board_store: Path,
) -> None:
    app = make_app(board_store)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        board = app.screen.query_one(TargetBoard)
        assert board.status is not None and board.status.targets[0].total.actual == 1
        gaps = str(board.render())
        assert "在谈可补：工恒嘉家居有限公司 1.2亿" in gaps  # the 1.2亿 industrial negotiation
        await pilot.press("w")  # the suggested leads: only 恒嘉家居 reaches 1亿
        assert board.status.targets[0].total.actual == 2
        assert "假设 1 个" in board.border_title
        await pilot.press("w")
        assert board.status.targets[0].total.actual == 1
        screen = await open_pipeline(app, pilot)
        await pilot.press("l", "j", "w")  # choose 华宇化工 (0.3亿): counts for no 亿元 target
        assert "选入假设" in heading(screen) and "◆" in column(screen, "negotiating").text()
        await pilot.press("1")
        await settle(app, pilot)
        await pilot.press("w")
        board = app.screen.query_one(TargetBoard)
        assert board.status is not None and board.status.targets[0].total.actual == 1
        assert (
            stage_of("恒嘉家居有限公司") == "negotiating"
            and stage_of("华宇化工有限公司") == "negotiating"
        )


async def test_b_shows_the_negotiations_that_would_close_the_first_gap(board_store: Path) -> None:
    app = make_app(board_store)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_pipeline(app, pilot)
        await pilot.press("b")
        await settle(app, pilot)
        assert screen.filter.min_amount_wan == 10000 and screen.filter.industrial_only
        assert screen.board.column.stage == "negotiating"
        assert [c.company for c in column(screen, "negotiating").cards.values()] == [
            "恒嘉家居有限公司"
        ]
        assert "还差 14 个" in heading(screen) and "筛选：>1亿 工业" in heading(screen)


async def test_a_burst_of_keys_after_slash_goes_into_the_filter(board_store: Path) -> None:
    app = make_app(board_store)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_pipeline(app, pilot)
        # one burst, as a terminal delivers typing over SSH: nothing is processed in between
        for key, character in (
            ("slash", "/"),
            ("h", "h"),
            ("j", "j"),
            ("j", "j"),
            ("j", "j"),
            ("enter", None),
        ):
            app.post_message(events.Key(key, character))
        await settle(app, pilot)
        assert screen.query_one("#filter").value == "hjjj"
        assert screen.filter.text == "hjjj" and not screen.query_one("#filter").can_focus
        assert column(screen, "negotiating").total == 1
        # the cursor landed on the one match (the 线索 column is empty under this filter)
        assert screen.board.column.stage == "negotiating" and screen.board.current() is not None


async def test_dialogs_show_hostile_names_literally(campaign_store: Path) -> None:
    upsert_leads(
        [lead("[/]坏名字[@click=app.quit]", "[b]项目", stage="lead", signed_on=None)], "t", TODAY
    )
    app = make_app(campaign_store)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_pipeline(app, pilot)
        await pilot.press("d")
        await until(pilot, lambda: not isinstance(app.screen, PipelineScreen))
        title = app.screen.query_one("Vertical").border_title
        assert Content.from_markup(str(title)).plain.startswith("[/]坏名字[@click=app.quit]")
        await pilot.press("escape")
        await pilot.press("s")
        await until(pilot, lambda: not isinstance(app.screen, PipelineScreen))
        await pilot.press("tab", *"[/]视图", "enter")
        await until(pilot, lambda: isinstance(app.screen, PipelineScreen))
        await settle(app, pilot)
        await pilot.press("s")
        await until(pilot, lambda: not isinstance(app.screen, PipelineScreen))
        assert app.is_running and "[/]视图" in str(
            app.screen.query_one("OptionList").get_option_at_index(0).prompt
        )
        assert screen is not None


async def test_every_picker_says_when_its_value_is_not_a_choice(board_store: Path) -> None:
    app = make_app(board_store)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_pipeline(app, pilot)
        await pilot.press("n")
        await until(pilot, lambda: isinstance(app.screen, LeadForm))
        form = app.screen
        form.query_one("#task_force-input").value = "不存在的攻坚组"
        await pilot.pause()
        assert "请从列表中选择" in str(form.query_one("#task_force-error").render())


async def test_a_theme_change_repaints_the_columns_in_the_new_colours(board_store: Path) -> None:
    app = make_app(board_store)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_pipeline(app, pilot)
        lead_column = column(screen, "lead")
        before = next(iter(lead_column.render_line(4))).style
        app.theme = "textual-light" if app.theme != "textual-light" else "nord"
        await pilot.pause()
        after = next(iter(lead_column.render_line(4))).style
        assert before is not None and after is not None and before.bgcolor != after.bgcolor
