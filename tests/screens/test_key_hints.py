"""Hints that name keys say the keys in force, as the key bar does: after the settings'
``[keymap]``, in Chinese and English (forms, dialogs, the pipeline's and the units' headings,
a unit's page). Triage's key bar at 80 columns keeps undo and help, and a unit picker that
matches nothing says so."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import OptionList

from screens.activity_form import ActivityForm
from screens.dialogs import ConfirmDialog, PickDialog
from screens.lead_form import LeadForm
from screens.pipeline import PipelineScreen
from screens.triage import TriageScreen
from screens.unit_page import SubjectPage
from tests.screens import test_pipeline, test_triage
from tests.screens.pilot import settle
from tests.screens.test_keys import footer, remapped
from tests.screens.test_pipeline import TODAY, heading, until
from yeji_tui.app import YejiApp
from yeji_tui.widgets.picker import Picker

board_store = test_pipeline.board_store  # the pipeline tests' leads at every stage
queue_store = test_triage.queue_store  # three new leads waiting in triage

#: every binding a hint names, on another key
KEYMAP = (
    ("activity.save", "ctrl+o"),
    ("confirm.no", "N"),
    ("confirm.yes", "Y"),
    ("form.save", "ctrl+o"),
    ("overview.what_if", "W"),
    ("page.pipeline", "P"),
    ("pipeline.clear", "ctrl+l"),
    ("units.next_quota", "."),
    ("units.previous_quota", "comma"),
    ("units.sort", "S"),
)


def hint(app: YejiApp) -> str:
    return str(app.screen.query(".hint").last().render())  # under the fields


@pytest.mark.parametrize("lang", ["zh", "en"])
async def test_the_pipelines_hints_name_the_remapped_keys(board_store: Path, lang: str) -> None:
    zh = lang == "zh"
    app = remapped(board_store, "pipeline", lang, KEYMAP)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, PipelineScreen)
        await pilot.press("l", "w")  # 恒嘉家居 (洽谈) chosen for the overview's what-if
        await settle(app, pilot)
        assert ("总览按 W 查看" if zh else "W on the overview") in heading(screen)
        await pilot.press("slash", *"hjjj", "enter")
        await settle(app, pilot)
        assert ("（^l 清除）" if zh else "(^l clears)") in heading(screen)
        assert "esc" not in heading(screen).lower()

        await pilot.press("n")
        await until(pilot, lambda: isinstance(app.screen, LeadForm))
        assert hint(app).startswith("^o 保存 · esc 取消" if zh else "^o saves · esc cancels")
        await pilot.press("x", "escape")  # something typed: Esc asks first
        await until(pilot, lambda: isinstance(app.screen, ConfirmDialog))
        assert hint(app) == (
            "Y 放弃 · N 继续填写" if zh else "Y discards · N goes back to the form"
        )


@pytest.mark.parametrize("lang", ["zh", "en"])
async def test_the_units_hints_name_the_remapped_keys(board_store: Path, lang: str) -> None:
    zh = lang == "zh"
    app = remapped(board_store, "units", lang, KEYMAP)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)

        def units_heading() -> str:
            return str(app.screen.query_one("#units-heading").render())

        assert ("（, . 切换）" if zh else "(, . to switch)") in units_heading()
        await pilot.press("o")
        await settle(app, pilot)
        assert ("单位排名（S 按光标列排序）" if zh else "ranking (S sorts") in units_heading()
        await pilot.press("a")
        await until(pilot, lambda: isinstance(app.screen, ActivityForm))
        assert hint(app).startswith("^o 保存" if zh else "^o saves")
        await pilot.press("escape")
        await until(pilot, lambda: not isinstance(app.screen, ActivityForm))
        app.screen.query_one("#ranking").move_cursor(row=0, column=1)  # type: ignore[attr-defined]
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, SubjectPage))
        await until(pilot, lambda: "P" in str(app.screen.query_one("#subject-text").render()))
        page = str(app.screen.query_one("#subject-text").render())
        assert ("按 P 打开其项目看板" if zh else "P opens its pipeline") in page


@pytest.mark.parametrize("lang", ["zh", "en"])
async def test_triages_key_bar_at_80_columns_keeps_undo_and_help(
    queue_store: Path, lang: str
) -> None:
    app = YejiApp(db_path=queue_store, today=TODAY, lang=lang, section="triage")  # type: ignore[arg-type]
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        assert isinstance(app.screen, TriageScreen)
        shown = footer(app)
        assert len(shown) <= 80  # one line, nothing cut
        undo, help_, palette = (
            ("u 撤销", "? 帮助", "^p 命令")
            if lang == "zh"
            else (
                "u Undo",
                "? Help",
                "^p Commands",
            )
        )
        assert undo in shown and help_ in shown and shown.rstrip().endswith(palette)
        first = "v 有效  a 转洽谈  d 终止" if lang == "zh" else "v Valid  a To negotiating"
        assert shown.lstrip().startswith(first)  # the decisions first
        if lang == "zh":  # every decision fits in Chinese
            assert all(k in shown for k in ("o 改派", "f 再跟进", "␣ 跳过"))


def listed(picker: Picker) -> list[str]:
    options = picker.query_one(OptionList)
    return [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]


@pytest.mark.parametrize("lang", ["zh", "en"])
async def test_a_unit_picker_that_matches_nothing_says_so(queue_store: Path, lang: str) -> None:
    none = "没有匹配的单位" if lang == "zh" else "No unit matches"
    app = YejiApp(db_path=queue_store, today=TODAY, lang=lang, section="triage")  # type: ignore[arg-type]
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        await pilot.press("o")  # triage's reassign
        await until(pilot, lambda: isinstance(app.screen, PickDialog))
        picker = app.screen.query_one(Picker)
        await pilot.press(*"xyz")
        await pilot.pause()
        assert listed(picker) == [none] and picker.query_one(OptionList).display
        await pilot.press("enter")  # nothing to take: the dialog stays
        await pilot.pause()
        assert isinstance(app.screen, PickDialog)
        await pilot.press(*["backspace"] * 3, *"ylz")  # 姚李镇 by its initials
        await pilot.pause()
        assert listed(picker) == ["姚李镇"]


async def test_the_forms_unit_picker_says_no_unit_and_enter_still_moves_on(
    board_store: Path,
) -> None:
    app = YejiApp(db_path=board_store, today=TODAY, section="pipeline", watch_seconds=3600)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("n")
        await until(pilot, lambda: isinstance(app.screen, LeadForm))
        form = app.screen
        form.query_one("#unit-input").focus()
        await pilot.press(*"qqq")
        await pilot.pause()
        assert listed(form.query_one("#unit", Picker)) == ["没有匹配的单位"]
        form.query_one("#industry-input").focus()
        await pilot.press(*"qqq")
        await pilot.pause()
        assert listed(form.query_one("#industry", Picker)) == ["没有匹配的选项"]
        await pilot.press("enter")  # to the next field, as everywhere in the form
        await pilot.pause()
        assert app.focused is form.query_one("#source-input")
