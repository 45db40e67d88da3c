"""The search key of a lead: its names, their full pinyin and pinyin initials, in one column.

Typing ``hjjj`` or ``hengjia`` finds 恒嘉家居. pypinyin's phrase data costs ~0.2 s and tens of MB
to load, so it is imported only when a lead is written, never to search.
"""

from __future__ import annotations

from functools import lru_cache


@lru_cache(maxsize=65536)
def _pinyin(text: str) -> tuple[str, str]:
    from pypinyin import Style, lazy_pinyin

    full = "".join(lazy_pinyin(text, errors="default")).lower()
    initials = "".join(
        p[:1] for p in lazy_pinyin(text, style=Style.FIRST_LETTER, errors="default")
    ).lower()
    return full, initials


def search_key(company: str, project: str) -> str:
    """Lower-case names, full pinyin and initials, separated so a match never spans two."""
    parts = [company.lower(), project.lower()]
    for text in (company, project):
        parts.extend(_pinyin(text))
    return "\x1f".join(parts)


def normalise_query(text: str) -> str:
    """What a user typed, as it is matched against search keys."""
    return text.strip().lower().replace(" ", "")
