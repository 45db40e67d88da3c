"""The search index of a bulk load, built beside the store by another process.

Tokenising a million leads' search keys into trigrams takes the writer ~100 s of its core. A
demo of that size hands the keys, a batch at a time, to a process of its own (``SideIndex``),
which builds the same FTS5 index in a scratch file on the other core while the writer goes on
with the rows; the writer marks the leads as waiting for the index (``models.search_backlog``:
the filter reads their keys directly meanwhile) and, after its commit, puts the finished index
in place of the empty one in a short transaction of its own (``install``): FTS5 keeps an index
in plain shadow tables, which are copied as they are. Anything that goes wrong leaves the leads
waiting, and the ordinary catch-up (``index_waiting``) indexes them instead.

Plain ``sqlite3`` throughout: the scratch file is not a store, and the copy runs on a fresh
connection, so no connection that has read the index before keeps its cached structure.
"""

from __future__ import annotations

import multiprocessing
import sqlite3
from collections.abc import Sequence
from contextlib import closing, suppress
from multiprocessing.connection import Connection
from pathlib import Path

# The store's index (models.tables SEARCH_INDEX) without its content table: the same tokenizer
# and detail, so its shadow tables hold exactly what the store's would.
_SCRATCH = (
    "CREATE VIRTUAL TABLE lead_fts USING fts5(search_key, content='', tokenize='trigram', "
    "detail='none')"
)
# What FTS5 keeps of an index besides its config: the segments, their index and each row's size.
_SHADOWS = ("lead_fts_data", "lead_fts_idx", "lead_fts_docsize")


# The leads' gram totals (models.gram_totals), counted beside the index.
_SCRATCH_GRAMS = (
    "CREATE TABLE lead_gram_total (gram TEXT NOT NULL, stage TEXT NOT NULL, "
    "leads INTEGER NOT NULL, amount_wan INTEGER NOT NULL)"
)


def _build(receive: Connection, path: str) -> None:
    """In the side process: index every (id, key, stage, amount) batch received and count its
    grams, until None; commit."""
    from models.gram_totals import GramCount

    grams = GramCount()
    with closing(sqlite3.connect(path, isolation_level=None)) as conn:
        conn.execute("PRAGMA journal_mode = OFF")  # a scratch file: nothing to recover
        conn.execute("PRAGMA synchronous = OFF")
        conn.execute(_SCRATCH)
        conn.execute(_SCRATCH_GRAMS)
        conn.execute("BEGIN")
        while (batch := receive.recv()) is not None:
            conn.executemany(
                "INSERT INTO lead_fts (rowid, search_key) VALUES (?, ?)",
                [(lead_id, key) for lead_id, key, _, _ in batch],
            )
            grams.add((key, stage, amount) for _, key, stage, amount in batch)
        conn.executemany(
            "INSERT INTO lead_gram_total VALUES (?, ?, ?, ?)",
            [(g, stage, n, amount) for (g, stage), (n, amount) in grams.totals().items()],
        )
        conn.execute("COMMIT")
    receive.close()


class SideIndex:
    """The side process and its scratch file; ``add`` keys, ``finish``, then ``install``."""

    @classmethod
    def start(cls, store: Path) -> SideIndex | None:
        """A side process for the store at ``store``; None where one cannot start (the
        writer's own triggers index the leads then)."""
        try:
            return cls(store)
        except OSError:
            return None

    def __init__(self, store: Path) -> None:
        self.store = store
        # beside the store, on the same disk
        self.scratch = scratch = store.with_name(f".{store.name}.search-index")
        scratch.unlink(missing_ok=True)
        spawn = multiprocessing.get_context("spawn")  # not a fork of a writer mid-transaction
        receive, self._send = spawn.Pipe(duplex=False)
        self._process = spawn.Process(target=_build, args=(receive, str(scratch)), daemon=True)
        self._process.start()
        receive.close()

    def add(self, keys: Sequence[tuple[int, str, str, int]]) -> None:
        """Hand a batch of (lead id, search key, stage, amount) to the side process."""
        self._send.send(list(keys))

    def finish(self) -> bool:
        """Wait for the index to be built; False if the side process failed."""
        with suppress(OSError):
            self._send.send(None)
        self._send.close()
        self._process.join()
        return self._process.exitcode == 0

    def install(self, first_id: int, last_id: int) -> None:
        """Put the built index in place of the store's (empty) one, add the leads' gram
        totals, and take leads ``first_id``..``last_id`` off the backlog, in one write
        transaction."""
        with closing(sqlite3.connect(self.store, isolation_level=None, timeout=30)) as conn:
            conn.execute("ATTACH DATABASE ? AS side", (str(self.scratch),))
            conn.execute("BEGIN IMMEDIATE")
            try:
                # only over an empty index: a lead someone added since the load stays indexed
                if conn.execute("SELECT 1 FROM main.lead_fts_docsize LIMIT 1").fetchone():
                    raise sqlite3.OperationalError("the search index is no longer empty")
                for table in _SHADOWS:
                    conn.execute(f"DELETE FROM main.{table}")
                    conn.execute(f"INSERT INTO main.{table} SELECT * FROM side.{table}")
                conn.execute(
                    "INSERT INTO main.lead_gram_total (gram, stage, leads, amount_wan) "
                    "SELECT gram, stage, leads, amount_wan FROM side.lead_gram_total WHERE true "
                    "ON CONFLICT (gram, stage) DO UPDATE SET leads = leads + excluded.leads, "
                    "amount_wan = amount_wan + excluded.amount_wan"
                )
                conn.execute(
                    "DELETE FROM main.search_backlog WHERE first_id = ? AND last_id = ?",
                    (first_id, last_id),
                )
                conn.execute("COMMIT")
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            finally:
                with suppress(sqlite3.Error):
                    conn.execute("DETACH DATABASE side")

    def discard(self) -> None:
        """Stop the side process if it still runs and delete the scratch file."""
        if self._process.is_alive():
            self._process.terminate()
            self._process.join()
        self.scratch.unlink(missing_ok=True)
