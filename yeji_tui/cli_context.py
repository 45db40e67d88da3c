"""What every ``yeji`` command is given and needs: the store, the day, the language and the
user's settings; the store opened, the campaign loaded; the days and the ``--out`` a command
line names, checked before any work.

Everything heavier than the standard library is imported where it is used: ``yeji status``
imports this module too.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from yeji_tui.cli_errors import CliError, say
from yeji_tui.settings import UserSettings
from yeji_tui.strings import Catalog, Lang

if TYPE_CHECKING:
    from models.records import CampaignSettings
    from models.store_url import StorePlace


@dataclass(frozen=True)
class Context:
    """What every command needs: the store's path, the day, and the language."""

    db_path: StorePlace
    today: date
    t: Catalog
    settings: UserSettings
    #: ``--read-only``: open the store for reading only
    read_only: bool = False

    @property
    def lang(self) -> Lang:
        """The interface language."""
        return self.t.lang


def parse_today(value: str | None) -> date:
    """``--today`` / ``YEJI_TODAY``; the real day when neither is given."""
    if not value:
        return date.today()
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise CliError(f"--today / YEJI_TODAY: YYYY-MM-DD: {value}") from exc


def parse_day_flag(flag: str, value: str | None) -> date | None:
    """A day a command's flag names (``--from``, ``--since`` …), or None when not given."""
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise CliError(f"{flag}: YYYY-MM-DD: {value}") from exc


def user_settings() -> UserSettings:
    """The user's settings file; a damaged one is one line, not a traceback."""
    from yeji_tui.settings import SettingsError, load_settings

    try:
        return load_settings()
    except SettingsError as exc:
        raise CliError(str(exc)) from exc


def store_path(flag: str | None) -> StorePlace:
    """The store ``--db`` names, else ``YEJI_DB``, else the default."""
    from models.store_place import resolve_store_path

    return resolve_store_path(flag)


def open_store(ctx: Context, *, create: bool = True) -> list[str]:
    """Open the store (a StoreError says what is wrong, main() prints it); returns what the
    user should know, also said on stderr (an upgrade and where the copy from before is)."""
    from models.db import SCHEMA_VERSION, set_upgrade_notice
    from models.db import open_store as open_db

    def upgrading(version: int, supported: int) -> None:  # a large store takes a while
        say(ctx.t("store.upgrading", version=version, supported=supported))

    set_upgrade_notice(upgrading)
    try:
        opened = open_db(ctx.db_path, create=create, read_only=ctx.read_only)
    finally:
        set_upgrade_notice(None)
    notices = []
    if opened.upgrade_backup is not None:
        notices.append(
            ctx.t(
                "store.upgraded",
                version=opened.upgraded_from,
                supported=SCHEMA_VERSION,
                backup=opened.upgrade_backup,
            )
        )
    for notice in notices:
        say(notice)
    return notices


def campaign(ctx: Context) -> CampaignSettings:
    """The store's campaign; a store without one is one line saying how to load it."""
    from models.queries import load_campaign

    settings = load_campaign()
    if settings is None:
        raise CliError(ctx.t("no_campaign"))
    return settings


def output_format(flag: str | None, out: str | None, default: str) -> str:
    """``--format``, else what ``--out``'s suffix says, else ``default``."""
    if flag:
        return flag
    suffix = Path(out).suffix.lower().lstrip(".") if out else ""
    return {"md": "md", "markdown": "md", "csv": "csv", "xlsx": "xlsx"}.get(suffix, default)


def out_path(ctx: Context, out: str | None) -> Path | None:
    """``--out``, checked before any work: a missing directory is one line, not a traceback
    after the report was computed."""
    if not out:
        return None
    from yeji_tui.output import check_target

    check_target(Path(out), ctx.t)
    return Path(out)
