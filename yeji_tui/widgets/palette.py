"""The command palette's one provider (``ctrl+p``): every section and every action the current
screen offers now (what ``check_action`` allows), in the interface language, each with the key
in force beside it (after the ``[keymap]``), found by Chinese, full pinyin or initials
(``jiashe`` and ``jssq`` find 假设签约, ``danwei`` finds 单位).

Textual's own entries (Keys, Quit, Screenshot, Theme) are not offered: they are English only,
and quitting and help are among the app's own keys anyway.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

from textual.app import App
from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.content import Content
from textual.screen import ModalScreen, Screen

from models.search import normalise_query, search_key
from yeji_tui.widgets.footer import declared_order

#: search keys (names, pinyin, initials) of the titles seen so far: pypinyin is heavy, so a
#: title's key is worked out once, in a thread, the first time the palette opens on it
_KEYS: dict[str, str] = {}


#: Textual's own keys (tab, ctrl+c, the palette itself): English and not the campaign's
_TEXTUALS_OWN = {
    getattr(b, "action", "") for b in (*App.BINDINGS, *Screen.BINDINGS, *ModalScreen.BINDINGS)
} | {"command_palette", "app.command_palette"}


@dataclass(frozen=True)
class Command:
    """One entry: what it says, the key that does it, and what choosing it runs."""

    title: str
    key: str
    run: Callable[[], object]

    def display(self) -> Content:
        """The title, and its key dimmed beside it."""
        return Content.assemble(self.title, ("  " + self.key, "$text-muted") if self.key else "")


def commands(screen: Screen[object]) -> list[Command]:
    """What can be done on ``screen`` now: the sections first, then its own actions, then the
    app's (help, quit); one entry per action, with its first key in force."""
    app = screen.app
    t = getattr(app, "t")  # noqa: B009 (YejiApp's catalog; the palette serves no other app)
    found: dict[str, Command] = {}
    sections: list[Command] = []
    ordered = sorted(
        screen.active_bindings.values(),
        key=lambda a: (a.node is app, declared_order(a.node, a.binding)),
    )
    for active in ordered:
        binding = active.binding
        textuals = binding.action in _TEXTUALS_OWN and not (binding.id or "").startswith("app.")
        if not active.enabled or textuals:
            continue
        if binding.action in found or not binding.description:
            continue
        key = app.get_key_display(binding)
        run = partial(app.run_action, binding.action, active.node)
        if binding.action.startswith("switch_section("):
            name = binding.action.removeprefix("switch_section(").strip("')\"")
            title = t("cmd.goto", name=t(f"section.{name}"))
            sections.append(Command(title, key, run))
            found[binding.action] = sections[-1]
        else:
            found[binding.action] = Command(binding.description, key, run)
    own = [c for c in found.values() if c not in sections]
    return sections + own


class YejiCommands(Provider):
    """Sections and actions, by name, pinyin or initials."""

    async def startup(self) -> None:
        """Work out the search keys of titles not seen before, off the UI thread."""
        titles = [c.title for c in commands(self.screen) if c.title not in _KEYS]
        if titles:
            keys = await asyncio.to_thread(lambda: [search_key(title, "") for title in titles])
            _KEYS.update(zip(titles, keys, strict=True))

    async def discover(self) -> Hits:
        """Everything, before anything is typed."""
        for command in commands(self.screen):
            yield DiscoveryHit(command.display(), command.run, text=command.title)

    async def search(self, query: str) -> Hits:
        """Entries whose title, pinyin or initials hold what was typed; else a fuzzy match
        on the title (English)."""
        typed = normalise_query(query)
        matcher = self.matcher(query)
        for command in commands(self.screen):
            key = _KEYS.get(command.title, command.title.lower())
            if typed and typed in key:
                score = 1.0 if typed in command.title.lower() else 0.9
            else:
                score = matcher.match(command.title)
            if score > 0:
                yield Hit(score, command.display(), command.run, text=command.title)
