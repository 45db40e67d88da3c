"""User settings: language, theme and keymap from a small TOML file; mistakes are named."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from yeji_tui.app import YejiApp
from yeji_tui.settings import SettingsError, UserSettings, load_settings


def test_no_file_means_defaults(tmp_path: Path) -> None:
    assert load_settings(tmp_path / "none.toml") == UserSettings()


def test_settings_are_read(tmp_path: Path) -> None:
    path = tmp_path / "settings.toml"
    path.write_text(
        'lang = "en"\ntheme = "textual-light"\n[keymap]\n"app.quit" = "ctrl+q"\n', encoding="utf-8"
    )
    s = load_settings(path)
    assert (s.lang, s.theme, s.keymap) == ("en", "textual-light", (("app.quit", "ctrl+q"),))


@pytest.mark.parametrize(
    ("text", "key"),
    [('langue = "en"', "langue"), ('lang = "fr"', "lang"), ("stale_days = 0", "stale_days")],
)
def test_mistakes_name_the_file_and_the_key(tmp_path: Path, text: str, key: str) -> None:
    path = tmp_path / "settings.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(SettingsError, match=rf"settings.toml: {key}"):
        load_settings(path)


async def test_keymap_and_theme_apply_in_the_app(sample_store: Path) -> None:
    settings = UserSettings(theme="textual-light", keymap=(("app.quit", "x"),))
    app = YejiApp(
        db_path=sample_store, today=date(2022, 9, 10), settings=settings, watch_seconds=3600
    )
    async with app.run_test() as pilot:
        assert app.theme == "textual-light"
        await pilot.press("q")
        assert app.is_running  # q was moved to x
        await pilot.press("x")
        assert not app.is_running
