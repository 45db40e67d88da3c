"""Loading millions of rows at once (the demo's large stores): the per-row upkeep that can wait
set aside while the rows go in, and done once for the whole table afterwards.

Row by row, each lead inserted updates eight B-tree indexes in random order and the stage
totals, and each activity its day summary: a million leads took most of 17 minutes so. Inside
``bulk_load()`` those indexes and the totals' insert triggers are dropped; on the way out the
indexes are built again from sorted keys and the trigger-kept totals recounted from the tables,
all in the one write transaction ``bulk_load`` holds — no other connection ever sees the store
without them, and a failure rolls every part back. The trigram search index stays kept by its
trigger: its cost is tokenising each name (~100 µs a lead), the same row by row or rebuilt, and
row by row it overlaps with whatever makes the next rows in another thread.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager

from peewee import Model

from models import engine, gram_totals, postgres
from models.db import PRAGMAS
from models.tables import (
    STAGE_BACKFILL,
    SUMMARY_BACKFILL,
    TOUCH_BACKFILL,
    BaseModel,
    database,
    execute_many,
    run_sql,
)
from models.write_lock import immediate

#: The tables a bulk load fills, whose indexes are built once at the end.
_TABLES = ("lead", "stage_change", "follow_up", "activity")
#: The totals triggers keep, and the SQL that counts each afresh.
_KEPT = {
    "stage_total": STAGE_BACKFILL,
    "activity_day": SUMMARY_BACKFILL,
    "lead_touch_day": TOUCH_BACKFILL,
}
#: The triggers that would do per row what the end does once (their delete and update twins
#: stay: nothing is deleted or updated meanwhile).
_TRIGGERS = (*(f"{table}_insert" for table in _KEPT), "lead_gram_total_insert")
#: Rows per INSERT batch: a batch is made, written and let go, so memory stays flat.
BATCH = 5_000


def schema_objects(kind: str, names: Sequence[str], column: str) -> list[tuple[str, str]]:
    """(name, SQL) of the schema objects of a kind, where ``column`` is one of ``names``."""
    marks = ", ".join("?" for _ in names)
    cursor = database.execute_sql(  # type: ignore[no-untyped-call]
        f"SELECT name, sql FROM sqlite_master WHERE type = ? AND {column} IN ({marks}) "
        "AND sql IS NOT NULL ORDER BY name",
        (kind, *names),
    )
    return [(str(name), str(sql)) for name, sql in cursor.fetchall()]


#: The triggers that keep the search index and the totals as rows are deleted one by one.
_DELETE_TRIGGERS = (
    "lead_fts_delete",
    "lead_gram_total_delete",
    *(f"{table}_delete" for table in _KEPT),
)


def clear_tables(models: Sequence[type[Model]]) -> None:
    """Inside a write transaction: delete every row of these tables (all the tables the search
    index and the totals summarise among them), without their per-row delete triggers — the
    search index is emptied at once instead of one lead at a time (a million leads: minutes)."""
    triggers = schema_objects("trigger", _DELETE_TRIGGERS, "name")
    for name, _ in triggers:
        run_sql(f'DROP TRIGGER "{name}"')
    for model in models:
        model.delete().execute()
    run_sql("INSERT INTO lead_fts (lead_fts) VALUES ('delete-all')")
    run_sql("DELETE FROM search_backlog")  # no lead is left to wait for the index
    for table in (*_KEPT, "lead_gram_total"):
        run_sql(f"DELETE FROM {table}")
    for _, sql in triggers:
        run_sql(sql)


@contextmanager
def bulk_load() -> Iterator[None]:
    """One write transaction (``immediate()``) for a bulk load: the filled tables' secondary
    indexes and the totals' insert triggers dropped at its start, and on leaving the indexes
    built again and the kept totals recounted. The recounts cover
    the whole tables, so they are right whatever the tables held before."""
    if database.in_transaction():
        raise RuntimeError("bulk_load() takes its own write transaction")
    if engine.on_server():  # the server keeps its indexes and totals as rows go in
        with immediate():
            # but for the grams: some hundred a lead, counted once at the end instead
            run_sql(f"ALTER TABLE lead DISABLE TRIGGER {postgres.GRAM_TRIGGER}")
            yield
            run_sql(f"ALTER TABLE lead ENABLE TRIGGER {postgres.GRAM_TRIGGER}")
            gram_totals.recount()
            postgres.follow_ids(database, list(_TABLES))
        return
    # the index builds sort in temporary files, not in memory (a million leads' keys: ~150 MB)
    run_sql("PRAGMA temp_store = FILE")
    try:
        with immediate():
            indexes = schema_objects("index", _TABLES, "tbl_name")
            triggers = schema_objects("trigger", _TRIGGERS, "name")
            for name, _ in indexes:
                run_sql(f'DROP INDEX "{name}"')
            for name, _ in triggers:
                run_sql(f'DROP TRIGGER "{name}"')
            yield
            for _, sql in indexes:
                run_sql(sql)
            for table, backfill in _KEPT.items():
                run_sql(f"DELETE FROM {table}")
                run_sql(backfill)
            gram_totals.recount()  # a search-index side process counts the leads it indexes
            for _, sql in triggers:
                run_sql(sql)
    finally:
        run_sql(f"PRAGMA temp_store = {PRAGMAS['temp_store']}")


def stored_defaults(model: type[BaseModel], given: Sequence[str]) -> dict[str, object]:
    """Column → stored default of the fields not given that have one: Peewee's defaults live in
    Python, not in the schema."""
    out: dict[str, object] = {}
    for name, column in model._meta.fields.items():
        if name in given or column.column_name in given or column.default is None:
            continue
        value = column.default() if callable(column.default) else column.default
        out[column.column_name] = column.db_value(value)
    return out


def bulk_insert(
    model: type[BaseModel], fields: Sequence[str], values: Iterable[Sequence[object]]
) -> int:
    """Insert many rows fast (demo data, large imports): one prepared statement, executemany.

    Runs inside the caller's transaction; values must already be in storage form (ISO dates,
    0/1 booleans). Returns the number of rows.
    """
    meta = model._meta
    defaults = stored_defaults(model, fields)
    extra = tuple(defaults.values())
    names = [meta.fields[f].column_name for f in fields] + list(defaults)
    columns = ", ".join(f'"{c}"' for c in names)
    marks = ", ".join("?" for _ in names)
    data = [tuple(v) + extra for v in values]
    execute_many(f'INSERT INTO "{meta.table_name}" ({columns}) VALUES ({marks})', data)
    return len(data)
