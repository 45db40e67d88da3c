"""Checking the store: SQLite's integrity and foreign keys, and every total the triggers keep
(per stage, per day, per touched day, per piece of a name, the search index) against a count of
what it summarises (``yeji check``). Problems come back as records with a message key
(``yeji_tui.strings``).
"""

from __future__ import annotations

import sqlite3
import tempfile
from collections.abc import Callable
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from models import engine, gram_totals
from models.search_backlog import INDEX_ALL_WAITING
from models.storefile import copy_database, integrity_problems
from models.tables import database, execute
from models.usertext import remove_controls

#: At most this many lines of one kind of problem are listed (the rest are counted).
SHOWN = 20


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the store: a message key of ``yeji_tui.strings`` and its values."""

    key: str
    values: dict[str, object] = field(default_factory=dict)


@dataclass(frozen=True)
class CheckResult:
    """What ``check_store`` found."""

    problems: list[Problem]
    hidden: int  # problems found beyond those listed


def file_connection() -> sqlite3.Connection:
    conn: sqlite3.Connection = database.connection()  # type: ignore[no-untyped-call]
    return conn


def _all(sql: str) -> list[tuple[Any, ...]]:
    return [tuple(r) for r in execute(sql).fetchall()]


_STAGES_COUNTED = "SELECT stage, COUNT(*), SUM(amount_wan) FROM lead GROUP BY stage"
_STAGES_KEPT = (
    "SELECT stage, leads, amount_wan FROM stage_total WHERE leads != 0 OR amount_wan != 0"
)
_DAYS_COUNTED = (
    "SELECT date, unit_id, kind, led_by_principal, COUNT(*) FROM activity "
    "GROUP BY date, unit_id, kind, led_by_principal"
)
_DAYS_KEPT = "SELECT day, unit_id, kind, led_by_principal, n FROM activity_day WHERE n != 0"
_TOUCHES_COUNTED = (
    "SELECT stage, touched_on, unit_id, COUNT(*) FROM lead WHERE touched_on IS NOT NULL "
    "GROUP BY stage, touched_on, unit_id"
)
_TOUCHES_KEPT = "SELECT stage, touched_on, unit_id, n FROM lead_touch_day WHERE n != 0"
_WAITING = "EXISTS (SELECT 1 FROM search_backlog b WHERE {}.id BETWEEN b.first_id AND b.last_id)"
# a lead waiting for the index after an import is not missing from it; it must not be in it
_NOT_INDEXED = (
    "SELECT id FROM lead WHERE id NOT IN (SELECT id FROM lead_fts_docsize) "
    f"AND NOT {_WAITING.format('lead')} ORDER BY id"
)
_INDEXED_GONE = (
    "SELECT id FROM lead_fts_docsize WHERE id NOT IN (SELECT id FROM lead) "
    f"OR {_WAITING.format('lead_fts_docsize')} ORDER BY id"
)


def _stage_problems() -> list[Problem]:
    counted = {s: (int(n), int(a)) for s, n, a in _all(_STAGES_COUNTED)}
    kept = {s: (int(n), int(a)) for s, n, a in _all(_STAGES_KEPT)}
    return [
        Problem(
            "check.stage_total",
            {
                "stage": stage,
                "kept_leads": kept.get(stage, (0, 0))[0],
                "kept_amount": kept.get(stage, (0, 0))[1],
                "leads": counted.get(stage, (0, 0))[0],
                "amount": counted.get(stage, (0, 0))[1],
            },
        )
        for stage in sorted(counted.keys() | kept.keys())
        if counted.get(stage, (0, 0)) != kept.get(stage, (0, 0))
    ]


def _differences(counted_sql: str, kept_sql: str, key: Any) -> list[tuple[Any, int, int]]:
    """(key, kept, actual) where a kept count differs from a recount (last column: the n)."""
    counted = {key(r): int(r[-1]) for r in _all(counted_sql)}
    kept = {key(r): int(r[-1]) for r in _all(kept_sql)}
    return [
        (k, kept.get(k, 0), counted.get(k, 0))
        for k in sorted(counted.keys() | kept.keys(), key=str)
        if counted.get(k, 0) != kept.get(k, 0)
    ]


def _day_problems() -> list[Problem]:
    return [
        Problem(
            "check.activity_day",
            {
                "day": day,
                "unit": unit,
                "kind": kind,
                "principal": bool(principal),
                "kept": kept,
                "actual": actual,
            },
        )
        for (day, unit, kind, principal), kept, actual in _differences(
            _DAYS_COUNTED, _DAYS_KEPT, _day_key
        )
    ]


def _touch_problems() -> list[Problem]:
    return [
        Problem(
            "check.lead_touch_day",
            {"stage": stage, "day": day, "unit": unit, "kept": kept, "actual": actual},
        )
        for (stage, day, unit), kept, actual in _differences(
            _TOUCHES_COUNTED, _TOUCHES_KEPT, lambda r: (str(r[0]), str(r[1]), int(r[2]))
        )
    ]


_GRAMS_KEPT = (
    "SELECT gram, stage, leads, amount_wan FROM lead_gram_total WHERE leads != 0 OR amount_wan != 0"
)


def _gram_problems() -> list[Problem]:
    counted = gram_totals.counted_afresh()
    kept = {(str(g), str(s)): (int(n), int(a)) for g, s, n, a in _all(_GRAMS_KEPT)}
    return [
        Problem(
            "check.lead_gram_total",
            {
                "gram": remove_controls(gram),
                "stage": stage,
                "kept_leads": kept.get((gram, stage), (0, 0))[0],
                "kept_amount": kept.get((gram, stage), (0, 0))[1],
                "leads": counted.get((gram, stage), (0, 0))[0],
                "amount": counted.get((gram, stage), (0, 0))[1],
            },
        )
        for gram, stage in sorted(counted.keys() | kept.keys())
        if counted.get((gram, stage), (0, 0)) != kept.get((gram, stage), (0, 0))
    ]


def _day_key(row: tuple[Any, ...]) -> tuple[str, int, str, bool]:
    # a day and a flag as either engine gives them back (ISO text or a date, 0/1 or a bool)
    day, unit, kind, principal = row[:4]
    return (str(day), int(unit), str(kind), bool(principal))


def _ids(found: list[tuple[Any, ...]]) -> str:
    shown = ", ".join(str(r[0]) for r in found[:SHOWN])
    return shown + (" …" if len(found) > SHOWN else "")


def _search_problems() -> list[Problem]:
    problems = []
    for sql, key in ((_NOT_INDEXED, "check.search_missing"), (_INDEXED_GONE, "check.search_extra")):
        found = _all(sql)
        if found:
            problems.append(Problem(key, {"ids": _ids(found)}))
    return problems or _search_content_problems()


def _search_content_problems() -> list[Problem]:
    """FTS5's own check: every indexed trigram against the leads' search keys.

    To SQLite it is an INSERT: on the store it would hold the write lock throughout (4.7 s on
    100,000 leads: other writers would time out) and could not run read-only. So it runs on a
    copy in the temporary directory, taken in one read transaction like a backup.
    """
    with tempfile.TemporaryDirectory(prefix="yeji-check-") as place:
        copy = copy_database(file_connection(), Path(place) / "check.sqlite3", verify=False)
        with closing(sqlite3.connect(copy)) as conn:
            try:
                # the index is whole only once the leads an import left waiting are in it
                conn.executescript(INDEX_ALL_WAITING)
                conn.execute("INSERT INTO lead_fts (lead_fts, rank) VALUES ('integrity-check', 1)")
            except sqlite3.DatabaseError as exc:
                return [Problem("check.search_index", {"detail": str(exc)})]
    return []


def _audit_problems() -> list[Problem]:
    from models.audit import replay_problems

    return [
        Problem(
            "check.audit_replay",
            {"lead": lead, "field": field, "replayed": replayed, "stored": stored},
        )
        for lead, field, replayed, stored in replay_problems()
    ]


def check_store(on_part: Callable[[str], None] | None = None) -> CheckResult:
    """Check the open store: SQLite's integrity and foreign keys, and every total the triggers
    keep (per stage, per day, per touched day, the search index) against a count of what they
    summarise. On a server, integrity, foreign keys and the trigram index are the server's own:
    the totals and the audit are checked. ``on_part`` is told the name of each part as it
    begins (a million leads take two minutes: ``yeji check`` shows where it is)."""
    kinds: list[list[Problem]] = []
    for name, part in SERVER_PARTS if engine.on_server() else FILE_PARTS:
        if on_part is not None:
            on_part(name)
        kinds.append(part())
    shown = [p for kind in kinds for p in kind[:SHOWN]]
    hidden = sum(max(0, len(kind) - SHOWN) for kind in kinds)
    return CheckResult(shown, hidden)


def _integrity_problems() -> list[Problem]:
    return [
        Problem("check.integrity", {"detail": d}) for d in integrity_problems(file_connection())
    ]


def _foreign_key_problems() -> list[Problem]:
    return [
        Problem("check.foreign_key", {"table": t, "rowid": r, "parent": p})
        for t, r, p, _ in _all("PRAGMA foreign_key_check")
    ]


_TOTALS: tuple[tuple[str, Callable[[], list[Problem]]], ...] = (
    ("stage_total", _stage_problems),
    ("activity_day", _day_problems),
    ("lead_touch_day", _touch_problems),
    ("lead_gram_total", _gram_problems),
)
#: The parts of the check, in the order their problems are listed, by name.
FILE_PARTS: tuple[tuple[str, Callable[[], list[Problem]]], ...] = (
    ("integrity", _integrity_problems),
    ("foreign_keys", _foreign_key_problems),
    *_TOTALS,
    ("search", _search_problems),
    ("audit", _audit_problems),
)
SERVER_PARTS: tuple[tuple[str, Callable[[], list[Problem]]], ...] = (
    *_TOTALS,
    ("audit", _audit_problems),
)
