"""Finding the few leads a rare short word is in (``26``, ``鑫``) through the trigram index.

A word of one or two characters is too short for the trigram index, and a column's page is read
in amount order, checking each lead's key: for a common word the page fills at once, but for a
rare one every lead of the stage is read (``26`` on a million leads: 2 s). The gram totals
(``models.gram_totals``) say which pairs of characters occur at all, so the trigrams that could
hold the word are few: ``ab`` is followed by some ``b?`` pair or ends a part of the key, or is
preceded by an ``?a`` pair or starts one. The leads holding any of them are searched instead —
but only once a count shows they are all the leads with the word (a word at the very start of
a one-character name, say, can hide from these trigrams: then every key is read, as before).
"""

from __future__ import annotations

from models import gram_totals
from models.search import KEY_SEPARATOR
from models.store_database import database

#: A word in fewer than one lead in this many is rare: its leads are found through the index.
#: A commoner one fills a page within some thousands of keys read in amount order from the
#: (stage, amount, key) index, quicker than as many leads looked up by id (``12``, 0.8% of a
#: million: 3 pages in 65 ms by id, a few ms in order).
RARE_SHARE = 1000
#: More candidate trigrams than this and the index is no quicker than reading the keys.
MOST_TRIGRAMS = 4000

_KEPT = "SELECT COALESCE(SUM(leads), 0) FROM lead_gram_total WHERE gram = ?"
_ALL = "SELECT COALESCE(SUM(leads), 0) FROM stage_total"
_PAIRS = (
    "SELECT DISTINCT gram FROM lead_gram_total WHERE leads > 0 AND length(gram) = 2 "
    "AND (substr(gram, 1, 1) IN ({marks}) OR substr(gram, 2, 1) IN ({marks}))"
)
_FOUND = (
    "SELECT COUNT(*) FROM lead WHERE id IN (SELECT rowid FROM lead_fts WHERE lead_fts MATCH ?) "
    "AND instr(search_key, ?) > 0"
)

#: word → (the connection, its change marks, the answer): held with the connection itself, so
#: that a later store's connection can never pass for it.
_cache: dict[str, tuple[object, tuple[int, int], str | None]] = {}


def _value(sql: str, params: tuple[object, ...]) -> int:
    return int(database.execute_sql(sql, params).fetchone()[0])  # type: ignore[no-untyped-call]


def _pairs(chars: set[str]) -> tuple[dict[str, set[str]], dict[str, set[str]]]:
    """The kept pairs touching ``chars``: what follows each char, and what precedes it."""
    marks = ", ".join("?" for _ in chars)
    found = database.execute_sql(_PAIRS.format(marks=marks), (*chars, *chars))  # type: ignore[no-untyped-call]
    after: dict[str, set[str]] = {}
    before: dict[str, set[str]] = {}
    for (pair,) in found:
        after.setdefault(pair[0], set()).add(pair[1])
        before.setdefault(pair[1], set()).add(pair[0])
    return after, before


def _trigrams(word: str) -> set[str]:
    """Every trigram that may hold ``word`` where it stands in a key."""
    sep = KEY_SEPARATOR
    if len(word) == 2:
        first, last = word[0], word[1]
        after, before = _pairs({first, last})
        return {
            *(word + c for c in (*after.get(last, ()), sep)),
            *(c + word for c in (*before.get(first, ()), sep)),
        }
    after, before = _pairs({word})
    following = after.get(word, set())
    preceding = before.get(word, set())
    # the pairs one further out: the word at a key's first or last character
    far_after, far_before = _pairs(following | preceding) if following | preceding else ({}, {})
    return {
        *(x + word + y for x in (*preceding, sep) for y in (*following, sep)),
        *(word + y + z for y in following for z in (*far_after.get(y, ()), sep)),
        *(x + y + word for y in preceding for x in (*far_before.get(y, ()), sep)),
    }


def _rare_match(word: str) -> str | None:
    kept = _value(_KEPT, (word,))
    if kept == 0 or kept * RARE_SHARE > _value(_ALL, ()):
        return None
    trigrams = _trigrams(word)
    if len(trigrams) > MOST_TRIGRAMS:
        return None
    match = " OR ".join('"{}"'.format(t.replace('"', '""')) for t in sorted(trigrams))
    # the candidates are every lead with the word (bar those waiting for the index, which the
    # totals leave out as well) only if they count as many
    return match if _value(_FOUND, (match, word)) == kept else None


def rare_match(word: str) -> str | None:
    """For a rare word of one or two characters, an FTS5 query for the leads that may hold it
    (their keys still to be checked), proven to miss none; None to read every key instead.
    Remembered until the store changes."""
    conn = database.connection()  # type: ignore[no-untyped-call]
    version = (_value("PRAGMA data_version", ()), int(conn.total_changes))
    cached = _cache.get(word)
    if cached is not None and cached[0] is conn and cached[1] == version:
        return cached[2]
    if len(_cache) > 64:
        _cache.clear()
    found = _rare_match(word) if len(word) <= gram_totals.LONGEST else None
    _cache[word] = (conn, version, found)
    return found


__all__ = ["MOST_TRIGRAMS", "RARE_SHARE", "rare_match"]
