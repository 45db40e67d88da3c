"""User settings: a small TOML file in the user config directory (language, theme).

Separate from the campaign file: the campaign is the office's, these are each user's own.
"""

from __future__ import annotations

import os
from pathlib import Path

from models.frozen import Record, record
from yeji_tui.strings import Lang, parse_lang

_KEYS = {"lang", "theme", "stale_days", "keymap"}


class SettingsError(Exception):
    """The settings file is wrong; the message names the file and the key."""


@record
class UserSettings(Record):
    """One user's preferences."""

    lang: Lang = "zh"
    theme: str = "textual-dark"
    stale_days: int = 14
    #: binding id → keys, e.g. ``"app.quit" = "ctrl+q"`` (ids are listed in the README)
    keymap: tuple[tuple[str, str], ...] = ()


def settings_path() -> Path:
    """``YEJI_SETTINGS``, else settings.toml in the user config directory."""
    env = os.environ.get("YEJI_SETTINGS")
    if env:
        return Path(env).expanduser()
    from models.storefile import user_dir

    return user_dir("config") / "settings.toml"


def load_settings(path: Path | None = None) -> UserSettings:
    """Read the settings file if there is one; unknown keys are an error."""
    path = path or settings_path()
    if not path.exists():
        return UserSettings()
    import tomllib  # only when there is a file: most people never write one

    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise SettingsError(f"{path}: {exc}") from exc
    unknown = sorted(set(data) - _KEYS)
    if unknown:
        raise SettingsError(f"{path}: {unknown[0]}: 未知的设置 / unknown setting")
    lang = data.get("lang", "zh")
    if lang not in ("zh", "en"):
        raise SettingsError(f"{path}: lang: 应为 zh 或 en / must be zh or en")
    stale = data.get("stale_days", 14)
    if not isinstance(stale, int) or isinstance(stale, bool) or stale < 1:
        raise SettingsError(f"{path}: stale_days: 应为正整数 / must be a whole number ≥ 1")
    keymap = data.get("keymap", {})
    if not isinstance(keymap, dict) or not all(isinstance(v, str) for v in keymap.values()):
        raise SettingsError(f'{path}: keymap: 应为 绑定id = "按键" / must map binding ids to keys')
    return UserSettings(
        lang=parse_lang(lang),
        theme=str(data.get("theme", "textual-dark")),
        stale_days=stale,
        keymap=tuple(sorted(keymap.items())),
    )
