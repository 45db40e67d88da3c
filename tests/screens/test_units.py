"""The units screen driven with Pilot: the tree, the heatmap and its drill-down, the ranking
and its sort, a unit's page into the pipeline, and the activity form (the quotas follow)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from rich.text import Text

from models.ledger import add_activities, upsert_leads
from models.tables import Activity, ActivityLead, Event, EventLead
from screens.activity_form import ActivityForm
from screens.pipeline import PipelineScreen
from screens.unit_lists import ListDialog
from screens.unit_page import SubjectPage
from screens.unit_reports import ReportPlaceDialog
from screens.units import UnitsScreen
from tests.conftest import activity, lead
from tests.screens.pilot import settle
from tests.screens.test_pipeline import TODAY, make_app, until
from yeji_tui.app import YejiApp
from yeji_tui.widgets.heatmap import HeatGrid
from yeji_tui.widgets.org_list import OrgList

# the TUI on either engine (tests/conftest.py)
pytestmark = pytest.mark.both_engines


@pytest.fixture
def units_store(campaign_store: Path) -> Path:
    """区经信局 made its July trips and signed a 1.2亿 project; 平岗街道 did little."""
    add_activities(
        [
            activity(date(2022, 7, 20), principal=True),
            activity(date(2022, 7, 25)),
            activity(date(2022, 8, 2), unit="平岗街道", kind="visit"),
        ]
    )
    upsert_leads(
        [
            lead("甲公司", valid_since=date(2022, 7, 20), signed_on=date(2022, 8, 3)),
            lead("乙公司", unit="平岗街道", stage="negotiating", signed_on=None),
        ],
        "clerk",
        TODAY,
    )
    return campaign_store


def cell(screen: UnitsScreen, table: str, row: int, column: int) -> str:
    """What a cell shows; column 0 is the name."""
    if table == "heatmap":
        grid = screen.query_one("#heatmap", HeatGrid)
        shown = grid.rows[row]
        if column == 0:
            return shown.name
        found = shown.cells[column - 1]
        return found.text if found else "—"
    value = screen.query_one(f"#{table}").get_cell_at((row, column))  # type: ignore[attr-defined]
    return value.plain if isinstance(value, Text) else str(value)


async def open_units(app, pilot) -> UnitsScreen:  # type: ignore[no-untyped-def]
    await pilot.press("3")
    await settle(app, pilot)
    assert isinstance(app.screen, UnitsScreen)
    return app.screen


async def open_first_units_page(app, pilot, waiting_for: str) -> str:  # type: ignore[no-untyped-def]
    """From the units screen, the ranking's first unit's page, once it shows ``waiting_for``;
    returns its text."""
    screen = await open_units(app, pilot)
    await pilot.press("o")
    screen.query_one("#ranking").move_cursor(row=0, column=1)
    await pilot.press("enter")
    await until(pilot, lambda: isinstance(app.screen, SubjectPage))
    await until(pilot, lambda: waiting_for in str(app.screen.query_one("#subject-text").render()))
    return str(app.screen.query_one("#subject-text").render())


async def test_tree_shows_groups_units_and_this_months_quota_marks(units_store: Path) -> None:
    app = make_app(units_store)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_units(app, pilot)
        lines = screen.query_one("#unit-tree", OrgList).lines
        assert [(line.name, line.depth) for line in lines[:3]] == [
            ("一组", 0),
            ("区经信局", 1),
            ("平岗街道", 1),
        ]
        assert lines[3].name == "二组" and lines[2].last
        units = [line.name + " " + "".join(m for m, _ in line.marks) for line in lines]
        # September, day 58 of the window: nothing done yet this month, still in progress
        assert units[1].endswith("○○○")
        screen.query_one("#unit-tree", OrgList).focus()
        await pilot.press("enter")  # the group's page
        await until(pilot, lambda: isinstance(app.screen, SubjectPage))
        await until(
            pilot, lambda: "所属单位" in str(app.screen.query_one("#subject-text").render())
        )
        text = str(app.screen.query_one("#subject-text").render())
        assert "牵头领导：张副区长" in text and "区经信局" in text and "平岗街道" in text


async def test_heatmap_cells_say_done_of_required_and_enter_drills_into_the_trips(
    units_store: Path,
) -> None:
    app = make_app(units_store)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_units(app, pilot)
        assert cell(screen, "heatmap", 0, 0) == "区经信局"
        assert cell(screen, "heatmap", 0, 1) == "2/2 ✔"  # July (prorated to 2): met
        assert cell(screen, "heatmap", 0, 2) == "0/2 ✘"  # August: missed
        assert cell(screen, "heatmap", 1, 1) == "0/2 ✘"  # 平岗街道, July
        assert cell(screen, "heatmap", 0, 4) == "—"  # October has not come
        grid = screen.query_one("#heatmap", HeatGrid)
        assert grid.current is not None and grid.current[1] == "2022-09"  # starts on this month
        grid.focus()
        await pilot.press("left", "left", "enter")  # July
        await until(pilot, lambda: isinstance(app.screen, ListDialog))
        lines = app.screen.lines  # type: ignore[attr-defined]
        assert len(lines) == 2 and lines[0].startswith("2022-07-25") and "★" in lines[1]
        await pilot.press("escape")
        await pilot.press("right_square_bracket")  # the next quota: principal trips
        assert "主要负责人外出" in str(screen.query_one("#units-heading").render())
        assert cell(screen, "heatmap", 0, 1) == "1/1 ✔"
        for _ in range(2):  # visits, then valid leads: groups and outposts owe those
            await pilot.press("right_square_bracket")
        names = [cell(screen, "heatmap", r, 0) for r in range(3)]
        assert names == ["【一组】", "【二组】", "上海招商中心"]
        assert cell(screen, "heatmap", 0, 1) == "1/1 ✔"  # 甲公司 reported valid in July


async def test_ranking_shows_the_formula_and_sorts_by_the_cursor_column(
    units_store: Path,
) -> None:
    app = make_app(units_store)
    async with app.run_test(size=(120, 30)) as pilot:
        screen = await open_units(app, pilot)
        await pilot.press("o")
        assert "得分 = 10×签约项目" in str(screen.query_one("#units-note").render())
        assert cell(screen, "ranking", 0, 1) == "区经信局"  # the only signing
        table = screen.query_one("#ranking")
        table.move_cursor(row=0, column=1)  # type: ignore[attr-defined]
        await pilot.press("s")  # by unit name, A→Z
        first = [cell(screen, "ranking", r, 1) for r in range(4)]
        assert first == sorted(first)
        await pilot.press("s")  # again: the other way round
        assert [cell(screen, "ranking", r, 1) for r in range(4)] == sorted(first, reverse=True)
        table.move_cursor(row=0, column=8)  # type: ignore[attr-defined]
        await pilot.press("s")  # visits, most first
        assert cell(screen, "ranking", 0, 1) == "平岗街道"


async def test_a_units_page_opens_its_pipeline_filtered_to_it(units_store: Path) -> None:
    app = make_app(units_store)
    async with app.run_test(size=(100, 30)) as pilot:
        text = await open_first_units_page(app, pilot, "月度任务")
        assert "主要负责人：赵局长" in text and "排名 1/4" in text and "签约 1（1.2亿）" in text
        await pilot.press("p")
        await until(pilot, lambda: isinstance(app.screen, PipelineScreen))
        pipeline = app.screen
        await until(pilot, lambda: pipeline.filter.unit == "区经信局")  # type: ignore[attr-defined]
        await settle(app, pilot)
        totals = {c.stage: c.total for c in pipeline.board.columns}  # type: ignore[attr-defined]
        assert totals["signed"] == 1 and totals["negotiating"] == 0


async def test_logging_a_trip_makes_the_quota_follow_at_once(units_store: Path) -> None:
    app = make_app(units_store)
    async with app.run_test(size=(100, 40)) as pilot:
        screen = await open_units(app, pilot)
        assert cell(screen, "heatmap", 1, 3) == "0/2 ○"  # 平岗街道, September
        await pilot.press("a")
        await until(pilot, lambda: isinstance(app.screen, ActivityForm))
        form = app.screen
        form.query_one("#date").value = "2022-09-05"  # type: ignore[attr-defined]
        form.query_one("#unit-input").focus()
        await pilot.press(*"pgjd", "enter")  # 平岗街道 by its initials
        form.query_one("#destination").value = "上海"  # type: ignore[attr-defined]
        form.query_one("#leads").value = "乙公司"  # type: ignore[attr-defined]
        await pilot.press("ctrl+s")
        await until(pilot, lambda: isinstance(app.screen, UnitsScreen))
        await settle(app, pilot)
        assert cell(screen, "heatmap", 1, 3) == "1/2 ○"
        assert Activity.select().where(Activity.destination == "上海").count() == 3
        # the lead it concerned is linked, and not stale as of the trip
        link = ActivityLead.get()
        assert link.lead.company == "乙公司" and link.lead.touched_on == date(2022, 9, 5)


async def test_the_activity_form_refuses_bad_input_in_place_and_saves_nothing(
    units_store: Path,
) -> None:
    app = make_app(units_store)
    async with app.run_test(size=(100, 40)) as pilot:
        await open_units(app, pilot)
        before = Activity.select().count()
        await pilot.press("a")
        await until(pilot, lambda: isinstance(app.screen, ActivityForm))
        form = app.screen
        form.query_one("#date").value = "2022-13-40"  # type: ignore[attr-defined]
        form.query_one("#unit-input").value = "没有的单位"  # type: ignore[attr-defined]
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, ActivityForm)
        assert "日期" in str(form.query_one("#date-error").render())
        assert "请从列表中选择" in str(form.query_one("#unit-error").render())
        assert Activity.select().count() == before


async def test_the_signing_ceremony_is_kept_as_an_event_with_its_leads(units_store: Path) -> None:
    app = make_app(units_store)
    async with app.run_test(size=(100, 40)) as pilot:
        await open_units(app, pilot)
        await pilot.press("a")
        await until(pilot, lambda: isinstance(app.screen, ActivityForm))
        form = app.screen
        form.query_one("#date").value = "2022-07-28"  # type: ignore[attr-defined]
        form.query_one("#unit-input").value = "区经信局"  # type: ignore[attr-defined]
        form.query_one("#kind-input").value = "集中签约"  # type: ignore[attr-defined]
        form.query_one("#leads").value = "不存在公司"  # type: ignore[attr-defined]
        await pilot.press("ctrl+s")
        await until(pilot, lambda: isinstance(app.screen, ActivityForm) and app.screen is not form)
        assert Event.select().count() == 0  # refused: the form is back with what was typed
        again = app.screen
        assert again.query_one("#unit-input").value == "区经信局"  # type: ignore[attr-defined]
        assert again.query_one("#leads").value == "不存在公司"  # type: ignore[attr-defined]
        again.query_one("#leads").value = "甲公司"  # type: ignore[attr-defined]
        await pilot.press("ctrl+s")
        await until(pilot, lambda: isinstance(app.screen, UnitsScreen))
        event = Event.get()
        assert (event.kind, event.held_on) == ("signing", date(2022, 7, 28))
        assert [link.lead.company for link in EventLead.select()] == ["甲公司"]


async def test_the_calendar_shows_planned_and_held_events_and_what_the_signing_carried(
    units_store: Path,
) -> None:
    from dataclasses import replace

    from models.campaigns import save_campaign
    from models.records import EventSpec
    from tests.conftest import small_campaign

    settings = small_campaign()
    save_campaign(
        replace(
            settings,
            events=(
                EventSpec("signing", "7月集中签约", date(2022, 7, 28), "开发区"),
                EventSpec("groundbreaking", "9月集中开工", date(2022, 9, 26), "开发区"),
            ),
        )
    )
    app = make_app(units_store)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_units(app, pilot)
        await pilot.press("a")  # the signing ceremony is held, with 甲公司's 1.2亿 signing
        await until(pilot, lambda: isinstance(app.screen, ActivityForm))
        form = app.screen
        form.query_one("#date").value = "2022-07-28"  # type: ignore[attr-defined]
        form.query_one("#unit-input").value = "区经信局"  # type: ignore[attr-defined]
        form.query_one("#kind-input").value = "集中签约"  # type: ignore[attr-defined]
        form.query_one("#leads").value = "甲公司"  # type: ignore[attr-defined]
        await pilot.press("ctrl+s")
        await until(pilot, lambda: isinstance(app.screen, UnitsScreen))
        assert Event.select().count() == 2  # the planned one was held, not a new one
        await pilot.press("e")
        await until(pilot, lambda: isinstance(app.screen, ListDialog))
        lines = app.screen.lines  # type: ignore[attr-defined]
        assert "7月集中签约" in lines[0] and "已举行 2022-07-28" in lines[0]
        assert "新签约亿元以上项目 1 个（工业 1）" in lines[1]
        assert "其中5亿元以上项目 0 个" in lines[1]
        assert "9月集中开工" in lines[2] and "计划中" in lines[2]


async def test_the_roster_is_checked_against_the_notices_ranges(units_store: Path) -> None:
    app = make_app(units_store)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_units(app, pilot)
        await pilot.press("c")
        await until(pilot, lambda: isinstance(app.screen, ListDialog))
        lines = app.screen.lines  # type: ignore[attr-defined]
        # the small campaign has one of each: too few of both
        assert lines[0] == "招商顾问 1 名（通知要求 5–10 名）✘ 不在范围内"
        assert lines[1].startswith("社会经济发展顾问 1 名（通知要求 3–5 名）✘")
        assert any(line.startswith("王顾问") and "带来线索 0 条" in line for line in lines)


async def test_d_writes_the_dispatch_review_beside_and_shows_it(
    units_store: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from yeji_tui.xlsx import read_workbook

    monkeypatch.chdir(tmp_path)
    app = make_app(units_store)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_units(app, pilot)
        await pilot.press("d")
        await until(pilot, lambda: isinstance(app.screen, ReportPlaceDialog))
        assert not list(tmp_path.glob("*.md"))  # nothing written before it is confirmed
        await pilot.press("enter")  # the folder offered: the current one, shown in full
        await until(pilot, lambda: isinstance(app.screen, ListDialog))
        assert any("统计期间 2022-08-28 至 2022-09-10" in line for line in app.screen.lines)  # type: ignore[attr-defined]
    assert (tmp_path / "双周调度-2022-09-10.md").read_text(encoding="utf-8").startswith("# ")
    book = read_workbook(tmp_path / "双周调度-2022-09-10.xlsx")
    assert list(book) == ["目标进度", "各组、各单位"]


async def test_a_narrow_heatmap_scrolls_to_the_month_under_the_cursor(units_store: Path) -> None:
    app = make_app(units_store)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_units(app, pilot)
        grid = screen.query_one("#heatmap", HeatGrid)
        grid.focus()
        header = lambda: grid.render_line(0).text  # noqa: E731
        assert grid.visible_months < len(grid.months) or "2022-10" in header()
        await pilot.press("right", "right", "right")  # to the window's last month
        assert grid.current is not None and grid.current[1] == grid.months[-1]
        assert grid.months[-1] in header()
        await pilot.press("left", "left", "left", "left")
        assert grid.months[0] in header()


async def test_a_trip_logged_from_the_overview_shows_in_its_quotas(units_store: Path) -> None:
    from screens.overview import OverviewScreen
    from yeji_tui.widgets.board import QuotaSummary

    app = make_app(units_store)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        summary = app.screen.query_one(QuotaSummary)
        before = summary.status
        await pilot.press("a")
        await until(pilot, lambda: isinstance(app.screen, ActivityForm))
        form = app.screen
        form.query_one("#date").value = "2022-09-05"  # type: ignore[attr-defined]
        form.query_one("#unit-input").value = "平岗街道"  # type: ignore[attr-defined]
        await pilot.press("ctrl+s")
        await until(pilot, lambda: isinstance(app.screen, OverviewScreen))
        await until(pilot, lambda: summary.status is not before)
        assert summary.status is not None
        row = next(
            r
            for r in summary.status.quotas
            if (r.subject, r.quota, r.month) == ("平岗街道", "trips", "2022-09")
        )
        assert row.actual == 1


@pytest.mark.parametrize(("size", "at_least"), [((80, 24), 5), ((120, 40), 8)], ids=str)
async def test_ranking_keeps_rank_unit_and_score_while_l_scrolls_the_other_columns(
    units_store: Path, size: tuple[int, int], at_least: int
) -> None:
    app = make_app(units_store)
    async with app.run_test(size=size) as pilot:
        screen = await open_units(app, pilot)
        await pilot.press("o")
        await settle(app, pilot)
        table = screen.query_one("#ranking")
        header = table.render_line(0).text  # type: ignore[attr-defined]
        assert header.split()[:3] == ["名次", "单位", "得分"]
        assert len(header.split()) >= at_least  # rank, unit, score and more, on screen
        assert not screen.query_one("#unit-tree").display  # no outline beside other rows
        await pilot.press(*"l" * 10)
        scrolled = table.render_line(0).text  # type: ignore[attr-defined]
        assert scrolled.split()[:3] == ["名次", "单位", "得分"]
        assert "月度任务完成" in scrolled  # the last column
        assert ("小组" in scrolled) == (size[0] > 80)  # at 80, scrolled out beside the fixed
        assert "区经信局" in table.render_line(1).text  # type: ignore[attr-defined]
        await pilot.press(*"h" * 10, "m")
        assert screen.query_one("#unit-tree").display  # the heatmap has its outline again


async def test_esc_on_the_report_folder_writes_nothing_and_a_missing_folder_says_so(
    units_store: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    app = YejiApp(db_path=units_store, today=TODAY, lang="en", watch_seconds=3600)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_units(app, pilot)
        await pilot.press("x")
        await until(pilot, lambda: isinstance(app.screen, ReportPlaceDialog))
        shown = " ".join(str(s.render()) for s in app.screen.query("Static"))
        assert "assessment-2022-09-10.md" in shown and "assessment-2022-09-10.xlsx" in shown
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, UnitsScreen))
        await settle(app, pilot)
        assert not list(tmp_path.glob("assessment*"))
        await pilot.press("x")
        await until(pilot, lambda: isinstance(app.screen, ReportPlaceDialog))
        app.screen.query_one("#folder").value = str(tmp_path / "nowhere")  # type: ignore[attr-defined]
        await pilot.press("enter")
        await pilot.pause()
        assert "No such folder" in str(app.screen.query_one("#folder-error").render())
        app.screen.query_one("#folder").value = str(tmp_path / "out")  # type: ignore[attr-defined]
        (tmp_path / "out").mkdir()
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, ListDialog))
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [
        "assessment-2022-09-10.md",
        "assessment-2022-09-10.xlsx",
    ]
    assert not list(tmp_path.glob("assessment*"))
