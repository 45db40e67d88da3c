"""The key bar and the keymap, driven with Pilot: the keys in force however a screen was
reached, fitted to the width with help and the palette always there, the focused context's own."""

from __future__ import annotations

from pathlib import Path

import pytest

from screens.lead_form import LeadForm
from tests.screens import test_pipeline
from tests.screens.pilot import settle
from tests.screens.test_pipeline import TODAY, until
from yeji_tui.app import YejiApp
from yeji_tui.settings import UserSettings
from yeji_tui.widgets.footer import KeyBar

board_store = test_pipeline.board_store  # the pipeline tests' leads at every stage

KEYMAP = (("app.quit", "ctrl+q"), ("pipeline.next", "L"))


def remapped(
    store: Path, section: str, lang: str = "zh", keymap: tuple[tuple[str, str], ...] = KEYMAP
) -> YejiApp:
    settings = UserSettings(lang=lang, keymap=keymap)  # type: ignore[arg-type]
    return YejiApp(
        db_path=store,
        today=TODAY,
        lang=lang,  # type: ignore[arg-type]
        settings=settings,
        section=section,
        watch_seconds=3600,
    )


def footer(app: YejiApp) -> str:
    return str(app.screen.query_one(KeyBar).render())


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("reached", ["--section", "key 2"])
async def test_the_footer_shows_the_remapped_keys_however_the_pipeline_was_reached(
    board_store: Path, lang: str, reached: str
) -> None:
    app = remapped(board_store, "pipeline" if reached == "--section" else "overview", lang)
    async with app.run_test(size=(200, 24)) as pilot:
        await settle(app, pilot)
        if reached == "key 2":
            await pilot.press("2")
            await settle(app, pilot)
        shown = footer(app)
        advance, quit_ = ("L 推进", "^q 退出") if lang == "zh" else ("L Advance", "^q Quit")
        assert shown.lstrip().startswith(advance)  # its own place: first
        assert quit_ in shown and " > " not in shown and " q " not in shown


@pytest.mark.parametrize("width", [80, 120])
async def test_the_footer_fits_the_width_and_keeps_help_and_the_palette(
    board_store: Path, width: int
) -> None:
    app = remapped(board_store, "pipeline")
    async with app.run_test(size=(width, 24)) as pilot:
        await settle(app, pilot)
        shown = footer(app)
        assert len(shown) <= width  # one line, nothing cut
        assert "? 帮助" in shown and shown.rstrip().endswith("^p 命令")
        assert shown.lstrip().startswith("L 推进")  # the most useful first


async def test_a_form_shows_its_own_keys_not_the_pipelines(board_store: Path) -> None:
    app = remapped(board_store, "pipeline")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("n")
        await until(pilot, lambda: isinstance(app.screen, LeadForm))
        await pilot.pause()
        shown = footer(app)
        assert "^s 保存" in shown and "推进" not in shown


async def test_s_is_not_offered_on_the_heatmap_only_on_the_ranking(board_store: Path) -> None:
    app = YejiApp(db_path=board_store, today=TODAY, section="units", watch_seconds=3600)
    async with app.run_test(size=(200, 24)) as pilot:
        await settle(app, pilot)
        assert "按此列排序" not in footer(app)
        await pilot.press("o")
        await settle(app, pilot)
        assert "按此列排序" in footer(app)


async def palette(app: YejiApp, pilot, typed: str) -> list[str]:  # type: ignore[no-untyped-def]
    """What the command palette lists for ``typed``."""
    from textual.command import CommandPalette
    from textual.widgets import OptionList

    if not isinstance(app.screen, CommandPalette):
        await pilot.press("ctrl+p")
        await until(pilot, lambda: isinstance(app.screen, CommandPalette))
    box = app.screen.query_one("#--input Input")
    box.value = typed  # type: ignore[attr-defined]
    results = app.screen.query_one(OptionList)

    def listed() -> list[str]:
        return [str(results.get_option_at_index(i).prompt) for i in range(results.option_count)]

    await until(
        pilot, lambda: bool(listed()) and app.screen.query_one("#--input Input").value == typed
    )  # type: ignore[attr-defined]
    for _ in range(5):  # the search runs in the background: let it finish
        await pilot.pause()
    return listed()


@pytest.mark.parametrize("lang", ["zh", "en"])
async def test_the_palette_lists_the_screens_actions_and_sections_with_the_keys_in_force(
    board_store: Path, lang: str
) -> None:
    app = remapped(board_store, "pipeline", lang)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        listed = await palette(app, pilot, "")
        text = "\n".join(listed)
        if lang == "zh":
            assert "推进  L" in text and "退出  ^q" in text and "编辑  e" in text
            assert "切换到单位  3" in text and "刷新  r" in text
        else:
            assert "Advance  L" in text and "Quit  ^q" in text and "Go to Units  3" in text
        for textual_own in ("Keys", "Screenshot", "Theme"):
            assert not any(line.startswith(textual_own) for line in listed)


@pytest.mark.parametrize(
    ("typed", "found"),
    [("jiashe", "假设签约"), ("jsqy", "假设签约"), ("danwei", "切换到单位"), ("活动", "记活动")],
)
async def test_the_palette_finds_by_chinese_pinyin_and_initials(
    board_store: Path, typed: str, found: str
) -> None:
    app = YejiApp(db_path=board_store, today=TODAY, watch_seconds=3600)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        assert any(found in line for line in await palette(app, pilot, typed))


async def test_choosing_a_palette_entry_runs_it(board_store: Path) -> None:
    from screens.pipeline import PipelineScreen

    app = YejiApp(db_path=board_store, today=TODAY, watch_seconds=3600)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await palette(app, pilot, "xiangmu")  # 切换到项目看板
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, PipelineScreen)


@pytest.mark.parametrize("section", ["pipeline", "overview"])
async def test_help_lists_every_remapped_action_with_its_key_in_force(
    board_store: Path, section: str
) -> None:
    from rich.console import Console
    from textual.widgets._key_panel import BindingsTable

    app = remapped(board_store, section)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        if section == "overview":
            await pilot.press("2")  # reached by its key, not --section
            await settle(app, pilot)
        await pilot.press("question_mark")
        await settle(app, pilot)
        console = Console(width=80, record=True, color_system=None)
        console.print(app.screen.query_one(BindingsTable).render())
        lines = [" ".join(line.split()) for line in console.export_text().splitlines()]
        assert "L 推进" in lines and "^q 退出" in lines
        assert not any(line.startswith("> ") for line in lines)
