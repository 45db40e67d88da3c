"""Leads and their amount per stage for every piece of one or two characters (a *gram*) of the
leads' search keys, kept by triggers: a filter word too short for the trigram index (``h``,
``hj``, ``恒嘉``) reads five rows here instead of every lead's key (a million leads: ~250 ms of
the first keystroke → a few ms).

The triggers (both engines run the same SQL halves) take a lead's grams off when it changes
stage, amount or name and add its new ones; loading many leads at once (the demo, a copy into a
file, an upgrade) leaves them out and counts here in Python, ~5× faster than the same count in
SQL. A lead waiting for the search index after an import (``models.search_backlog``) is left to
the catch-up that indexes it, as the trigram index leaves it: a filter reads its key directly.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from functools import lru_cache

from peewee import CompositeKey, Database, IntegerField, Model, SqliteDatabase, TextField

from models.kept_tables import NOT_WAITING, kept_triggers
from models.search import KEY_SEPARATOR
from models.store_database import database

#: The longest filter word this table answers.
LONGEST = 2


class LeadGramTotal(Model):
    """Per gram and stage: how many leads hold the gram in their search key, and their amount."""

    gram = TextField()
    stage = TextField()
    leads = IntegerField(default=0)
    amount_wan = IntegerField(default=0)

    class Meta:
        database = database
        table_name = "lead_gram_total"
        primary_key = CompositeKey("gram", "stage")
        without_rowid = True


def _grams_sql(row: str) -> str:
    """The distinct grams of ``row``'s search key (``NEW`` or ``OLD``), as rows of ``gram``;
    none crosses the separator between the key's parts, as no match does."""
    k = f"{row}.search_key"
    return (
        f"SELECT DISTINCT substr({k}, p.i, w.n) AS gram FROM "
        f"(WITH RECURSIVE p(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM p WHERE i < length({k})) "
        "SELECT i FROM p) AS p, (SELECT 1 AS n UNION ALL SELECT 2) AS w "
        f"WHERE p.i + w.n - 1 <= length({k}) "
        f"AND substr({k}, p.i, w.n) NOT LIKE '%{KEY_SEPARATOR}%'"
    )


# one text for both engines: PL/pgSQL runs the same two halves (models.postgres)
#: The new row's grams added.
GRAM_ADD = (
    "INSERT INTO lead_gram_total (gram, stage, leads, amount_wan) "
    f"SELECT g.gram, NEW.stage, 1, NEW.amount_wan FROM ({_grams_sql('NEW')}) AS g WHERE true "
    "ON CONFLICT (gram, stage) DO UPDATE SET leads = lead_gram_total.leads + 1, "
    "amount_wan = lead_gram_total.amount_wan + excluded.amount_wan"
)
#: The old row's grams taken off.
GRAM_REMOVE = (
    "UPDATE lead_gram_total SET leads = leads - 1, amount_wan = amount_wan - OLD.amount_wan "
    f"WHERE stage = OLD.stage AND gram IN ({_grams_sql('OLD')})"
)
#: The columns the grams are counted by.
GRAM_COLUMNS = "search_key, stage, amount_wan"
#: Triggers that keep LeadGramTotal equal to the counts of Lead (the waiting leads apart).
GRAM_TRIGGERS = kept_triggers(
    "lead_gram_total", "lead", GRAM_COLUMNS, f"{GRAM_ADD};", f"{GRAM_REMOVE};", when=NOT_WAITING
)
#: The table, for the upgrade that adds it (either engine).
GRAM_TABLE = (
    'CREATE TABLE IF NOT EXISTS "lead_gram_total" ("gram" TEXT NOT NULL, "stage" TEXT NOT NULL, '
    '"leads" INTEGER NOT NULL, "amount_wan" INTEGER NOT NULL, PRIMARY KEY ("gram", "stage"))'
)


@lru_cache(maxsize=1024)  # a project's name repeats; kept small: a frozenset is some KB
def _part_grams(part: str) -> frozenset[str]:
    return frozenset([*part, *(part[i : i + 2] for i in range(len(part) - 1))])


def key_grams(key: str) -> frozenset[str]:
    """The distinct grams of a search key, as the triggers find them."""
    return frozenset().union(*map(_part_grams, key.split(KEY_SEPARATOR)))


class GramCount:
    """Grams counted per stage, a batch of leads at a time (memory stays that of the totals)."""

    def __init__(self) -> None:
        self._leads: dict[str, Counter[str]] = {}
        self._amounts: dict[str, dict[str, int]] = {}

    def add(self, leads: Iterable[tuple[str, str, int]]) -> None:
        """Count ``(search_key, stage, amount_wan)`` rows."""
        for key, stage, amount in leads:
            grams = key_grams(key)
            self._leads.setdefault(stage, Counter()).update(grams)  # in C: the count is cheap
            total = self._amounts.setdefault(stage, {})
            get = total.get
            for gram in grams:
                total[gram] = get(gram, 0) + amount

    def totals(self) -> dict[tuple[str, str], tuple[int, int]]:
        """(gram, stage) → (leads, amount)."""
        return {
            (gram, stage): (n, self._amounts[stage][gram])
            for stage, grams in self._leads.items()
            for gram, n in grams.items()
        }


def count_grams(leads: Iterable[tuple[str, str, int]]) -> dict[tuple[str, str], tuple[int, int]]:
    """(gram, stage) → (leads, amount) over ``(search_key, stage, amount_wan)`` rows."""
    count = GramCount()
    count.add(leads)
    return count.totals()


def _on_file(db: Database) -> bool:
    # by the database itself, not the open store's engine: a copy writes the other one
    return isinstance(getattr(db, "obj", db), SqliteDatabase)


#: The leads the triggers count.
_COUNTED = "SELECT search_key, stage, amount_wan FROM lead AS lead"


def _counted(db: Database) -> str:
    """The leads counted: on a file, not those waiting for the search index."""
    return f"{_COUNTED} WHERE {NOT_WAITING.format(row='lead')}" if _on_file(db) else _COUNTED


def add_counts(totals: dict[tuple[str, str], tuple[int, int]], db: Database = database) -> None:
    """Add counted grams to the kept ones (inside the caller's write transaction)."""
    mark = "?" if _on_file(db) else "%s"
    db.cursor().executemany(  # type: ignore[no-untyped-call]
        f"INSERT INTO lead_gram_total (gram, stage, leads, amount_wan) "
        f"VALUES ({mark}, {mark}, {mark}, {mark}) ON CONFLICT (gram, stage) DO UPDATE SET "
        "leads = lead_gram_total.leads + excluded.leads, "
        "amount_wan = lead_gram_total.amount_wan + excluded.amount_wan",
        [(gram, stage, n, amount) for (gram, stage), (n, amount) in totals.items()],
    )


def recount(db: Database = database) -> None:
    """Count every lead's grams afresh (inside the caller's write transaction)."""
    db.execute_sql("DELETE FROM lead_gram_total")  # type: ignore[no-untyped-call]
    add_counts(counted_afresh(db), db)


def counted_afresh(db: Database = database) -> dict[tuple[str, str], tuple[int, int]]:
    """What ``recount`` would keep, without writing (``yeji check``)."""
    return count_grams(db.execute_sql(_counted(db)))  # type: ignore[no-untyped-call]


def count_between(
    first: int, last: int, db: Database = database
) -> dict[tuple[str, str], tuple[int, int]]:
    """The grams of the leads ``first``..``last`` (a chunk the search index's catch-up adds)."""
    mark = "?" if _on_file(db) else "%s"
    sql = f"SELECT search_key, stage, amount_wan FROM lead WHERE id BETWEEN {mark} AND {mark}"
    return count_grams(db.execute_sql(sql, (first, last)))  # type: ignore[no-untyped-call]


__all__ = [
    "GRAM_ADD",
    "GRAM_COLUMNS",
    "GRAM_REMOVE",
    "GRAM_TABLE",
    "GRAM_TRIGGERS",
    "LONGEST",
    "GramCount",
    "LeadGramTotal",
    "add_counts",
    "count_between",
    "count_grams",
    "counted_afresh",
    "key_grams",
    "recount",
]
