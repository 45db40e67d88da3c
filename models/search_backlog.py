"""Leads waiting for the search index: a big import's new leads are indexed after its write.

Indexing 100,000 new leads for search (FTS5 trigrams) took about a second and a half, which an
import held the store's write lock for, on top of writing the leads: other writers waited. So
the import records the ids of its new leads here, in its one transaction, and indexes them
afterwards in transactions of a few thousand leads, which other writers slip between. While a
lead waits, the pipeline's filter reads its key directly (``waiting_ranges``) and the index's
triggers leave it alone (models.tables), so what the filter finds never changes. A catch-up a
crash cut short is finished by the next import.

On PostgreSQL the ``pg_trgm`` index is kept by the server as rows are written: nothing waits.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from models import engine, gram_totals
from models.tables import database, run_sql
from models.write_lock import write_prepared

#: Leads indexed per transaction of the catch-up (≈ 0.3 s of the lock each on a slow PC).
CATCH_UP_LEADS = 20_000


#: Index every waiting lead at once (on a private copy of the store: ``yeji check``; its gram
#: totals are counted afresh there).
INDEX_ALL_WAITING = (
    "INSERT INTO lead_fts (rowid, search_key) SELECT l.id, l.search_key FROM lead l "
    "JOIN search_backlog b ON l.id BETWEEN b.first_id AND b.last_id; DELETE FROM search_backlog;"
)


def waiting_ranges() -> list[tuple[int, int]]:
    """The id ranges of leads not in the search index yet (usually none)."""
    if engine.on_server():
        return []
    cursor = database.execute_sql(  # type: ignore[no-untyped-call]
        "SELECT first_id, last_id FROM search_backlog ORDER BY first_id"
    )
    return [(int(first), int(last)) for first, last in cursor.fetchall()]


def wait_for_index(first_id: int, last_id: int) -> None:
    """Inside the writer's transaction, before it inserts leads ``first_id``..``last_id``: they
    are not indexed now (the triggers skip them) but by ``index_waiting``."""
    if engine.on_server():
        return
    database.execute_sql(  # type: ignore[no-untyped-call]
        "INSERT INTO search_backlog (first_id, last_id) VALUES (?, ?)", (first_id, last_id)
    )


@dataclass(frozen=True)
class _Chunk:
    """The first ``CATCH_UP_LEADS`` ids waiting (the backlog row ``rowid`` holds them), with
    their one- and two-character grams counted (models.gram_totals)."""

    rowid: int
    first: int
    last: int
    upto: int
    grams: dict[tuple[str, str], tuple[int, int]]


def _next_chunk() -> _Chunk | None:
    """The next ids to index, their grams counted: without the lock, or again under it if
    anyone wrote meanwhile (``write_prepared``)."""
    row = database.execute_sql(  # type: ignore[no-untyped-call]
        "SELECT rowid, first_id, last_id FROM search_backlog ORDER BY first_id LIMIT 1"
    ).fetchone()
    if row is None:
        return None
    rowid, first, last = (int(v) for v in row)
    upto = min(last, first + CATCH_UP_LEADS - 1)
    return _Chunk(rowid, first, last, upto, gram_totals.count_between(first, upto))


def _index_some(chunk: _Chunk | None) -> int | None:
    """Index a chunk of the waiting leads; how many leads that was (None: none were waiting).
    Runs under the write lock, on what ``_next_chunk`` read."""
    if chunk is None:
        return None
    cursor = database.execute_sql(  # type: ignore[no-untyped-call]
        "INSERT INTO lead_fts (rowid, search_key) "
        "SELECT id, search_key FROM lead WHERE id BETWEEN ? AND ?",
        (chunk.first, chunk.upto),
    )
    gram_totals.add_counts(chunk.grams)
    if chunk.upto >= chunk.last:
        run_sql(f"DELETE FROM search_backlog WHERE rowid = {chunk.rowid}")
    else:
        database.execute_sql(  # type: ignore[no-untyped-call]
            "UPDATE search_backlog SET first_id = ? WHERE rowid = ?", (chunk.upto + 1, chunk.rowid)
        )
    return int(cursor.rowcount)


def index_waiting(progress: Callable[[int], None] = lambda n: None) -> int:
    """Index every lead waiting, a short transaction per ``CATCH_UP_LEADS``; how many."""
    done = 0
    while not engine.on_server():
        indexed = write_prepared(_next_chunk, _index_some)
        if indexed is None:
            return done
        done += indexed
        progress(done)
    return done
