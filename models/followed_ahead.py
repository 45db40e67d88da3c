"""The dispatch review's slowest count, the valid leads followed up in the period, begun on a
store file before anything else of the report is loaded.

``yeji report dispatch`` spends its first hundred milliseconds importing Peewee and opening
the store, on one core; this count (some 70 ms on a million leads, a lookup per lead followed
up) needs only ``sqlite3`` and the store's path, so it runs on the other core meanwhile. Its
rows are taken only if they answer the very question the report then asks: the same days, and
the store in the schema this code knows (a store upgraded by this run was read before its
upgrade). Otherwise, or if the read failed (no such file, not a store), the report counts
again, as it would have without it. A file on a network or FUSE file system is not read at all:
opening the store refuses it there, and nothing of it is read before that.

Plain ``sqlite3``, no Peewee: that is its point.
"""

from __future__ import annotations

import threading
from concurrent.futures import Future
from contextlib import closing
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from models.storefile import connect_read_only, filesystem_type, refused_filesystem

#: The (id, valid_since, unit) index's name, as Peewee gives it (raw SQL names it).
VALID_BY_ID = "lead_id_valid_since_unit_id"

Counts = list[tuple[int, int]]


def followed_sql(index_clause: str, day: str) -> str:
    """Per unit id: the leads valid by the third day with a follow-up between the first two.

    From the follow-ups of the period (an index range), not from every lead; each lead's valid
    day and unit from the (id, valid_since, unit) index, not its wide row (SQLite prefers the
    rowid unless told: 327 → 100 ms for 98,000 leads of a million). ``index_clause`` tells
    SQLite so (``models.engine.indexed_by``); ``day`` is a day's placeholder."""
    return (
        f"SELECT unit_id, COUNT(*) FROM lead{index_clause} WHERE id IN "
        f'(SELECT lead_id FROM follow_up WHERE "on" BETWEEN {day} AND {day}) '
        f"AND valid_since <= {day} GROUP BY unit_id"
    )


# One row back, not one a unit: each further row would wait for the interpreter's lock while
# the main thread imports (up to 5 ms a row).
_ONE_ROW = (
    "SELECT (SELECT user_version FROM pragma_user_version), "
    "group_concat(unit_id || ' ' || n) FROM ({counts})"
)
_SQL = _ONE_ROW.format(
    counts=followed_sql(f' INDEXED BY "{VALID_BY_ID}"', "?").replace("COUNT(*)", "COUNT(*) AS n")
)


@dataclass(frozen=True)
class FollowedAhead:
    """A count begun on ``store`` for [since, until]; its answer comes in ``future``: the
    store's schema version when read, and the counts per unit id."""

    store: Path
    since: date
    until: date
    future: Future[tuple[int, Counts]]

    def fits(self, since: date, until: date) -> bool:
        """Whether it counts for [since, until] (a period cut to the campaign's window is
        another question)."""
        return (since, until) == (self.since, self.until)

    def counts(self, schema_version: int) -> Counts | None:
        """The counts, if read from a store of ``schema_version``; None when the report must
        count again (an older store since upgraded, a failed read)."""
        try:
            version, counts = self.future.result()
        except Exception:  # the report's own read says what is wrong, if anything is
            return None
        return counts if version == schema_version else None


def start(store: Path, since: date, until: date) -> FollowedAhead:
    """Begin the count on a thread of its own (daemon: a report that stops early leaves it)."""
    future: Future[tuple[int, Counts]] = Future()
    days = (since.isoformat(), until.isoformat(), until.isoformat())

    def run() -> None:
        try:
            if refused_filesystem(filesystem_type(store)):  # the store is refused there: not read
                raise OSError(f"{store} is on a network or FUSE file system")
            with closing(connect_read_only(store)) as conn:
                version, joined = conn.execute(_SQL, days).fetchone()
            future.set_result((int(version), _parsed(joined)))
        except BaseException as exc:  # handed to whoever waits on the future
            future.set_exception(exc)

    threading.Thread(target=run, name="yeji-followed-ahead", daemon=True).start()
    return FollowedAhead(store, since, until, future)


def _parsed(joined: str | None) -> Counts:
    pairs = (part.split(" ") for part in (joined or "").split(",") if part)
    return [(int(unit_id), int(n)) for unit_id, n in pairs]
