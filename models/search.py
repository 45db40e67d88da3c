"""The search key of a lead: its names, their full pinyin and pinyin initials, in one column.

Typing ``hjjj`` or ``hengjia`` finds 恒嘉家居. pypinyin's phrase data costs ~0.2 s and tens of MB
to load, so it is imported only when a lead is written, never to search.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache

#: Between the parts of a search key (a control character no name holds, that ``str.split``
#: takes for a space): no filter word matches across two parts.
KEY_SEPARATOR = "\x1f"


@lru_cache(maxsize=1)
def _segmenter() -> Callable[[str], list[str]]:
    from pypinyin.core import Pinyin

    segment: Callable[[str], list[str]] = Pinyin().seg
    return segment


@lru_cache(maxsize=16384)
def _word(word: str) -> tuple[str, ...]:
    from pypinyin import lazy_pinyin

    # pypinyin takes a list of words as already segmented: each is read as one phrase
    return tuple(lazy_pinyin([word], errors="default"))


@lru_cache(maxsize=65536)  # the demo's 50,000 company names fit (a miss costs ~150 µs)
def _pinyin(text: str) -> tuple[str, str]:
    # pypinyin spends ~150 µs a name turning tone marks into plain letters, one syllable at a
    # time; company names repeat a few hundred words (places, brands, trades, 有限公司), so
    # reading each word once and the rest from the cache is ~100× faster for a large import.
    # The initials are the first letters of the same syllables (pypinyin's FIRST_LETTER style).
    # Digits and Latin letters are part of a name as typed (测试企业018, abc2号楼): the initials
    # keep them whole, so ``csqy018`` and ``abc2hl`` find them.
    full: list[str] = []
    initials: list[str] = []
    for word in _segmenter()(text):
        syllables = _word(word)
        full.extend(syllables)
        if _has_han(word):
            initials.extend(s[:1] for s in syllables)
        else:
            initials.append(word)
    return "".join(full).lower().replace(" ", ""), "".join(initials).lower().replace(" ", "")


def _has_han(word: str) -> bool:
    return any("\u3400" <= ch <= "\u9fff" or "\uf900" <= ch <= "\ufaff" for ch in word)


def initials(text: str) -> str:
    """The pinyin initials a user types for ``text`` (区经信局 → ``qjxj``)."""
    return _pinyin(text)[1]


def search_key(company: str, project: str) -> str:
    """Lower-case names, full pinyin and initials, separated so a match never spans two."""
    parts = [company.lower(), project.lower()]
    for text in (company, project):
        parts.extend(_pinyin(text))
    return KEY_SEPARATOR.join(parts)


def normalise_query(text: str) -> str:
    """What a user typed, as it is matched against search keys."""
    return text.strip().lower().replace(" ", "")


def query_words(text: str) -> list[str]:
    """The words of a filter's free text, each matched on its own (``csqy 018``: both)."""
    return [word.lower() for word in text.split()]
