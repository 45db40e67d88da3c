"""Who else is here, in words: ``另有 2 人在用：张三、李四`` for the TUI's heading and
``yeji status``. The heartbeat itself is ``models.presence``; this module imports no Textual."""

from __future__ import annotations

from models.presence import Person
from models.records import Actor
from yeji_tui.strings import Catalog
from yeji_tui.text import cell_width, clean_text, fit

#: Names shown at most; the count says how many there are in all.
MAX_NAMES = 3
# A name longer than this is cut (…): the line sits at the right end of an 80-column heading.
NAME_CELLS = 12


def presence_text(people: tuple[Person, ...], t: Catalog) -> str:
    """The line for ``people`` (empty when nobody else is here)."""
    if not people:
        return ""
    names = [clean_text(p.name) for p in people[:MAX_NAMES]]
    shown = t("presence.sep").join(
        fit(name, NAME_CELLS).rstrip() if cell_width(name) > NAME_CELLS else name for name in names
    )
    if len(people) > MAX_NAMES:
        shown += t("presence.more")
    key = "presence.other" if len(people) == 1 else "presence.others"
    return t(key, n=len(people), names=shown)


def who_text(actor: Actor | None, t: Catalog) -> str:
    """Who the app runs as, for the heading: ``张三 · 录入员 三元镇`` (empty when the campaign
    file lists no users: then everyone is the office and there is nothing to tell apart)."""
    if actor is None or not actor.listed:
        return ""
    role = t(f"role.{actor.role}")
    return f"{clean_text(actor.name)} · {role} {clean_text(actor.unit)}".rstrip()
