"""Moving a store between engines: the open store copied whole into an empty PostgreSQL
database or into a new SQLite file (``yeji migrate --to``, and ``yeji backup`` on a server).

All or nothing: on a server the schema and every row go in one transaction; a file is written
under a temporary name and takes its own only once whole. Either way each table's rows are
counted on both sides at the end and any difference undoes the copy. Ids are kept, so every
reference (stage history, audit, follow-ups) still points where it did.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import suppress
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from peewee import Database, Model, SqliteDatabase

from models import engine, gram_totals, postgres
from models.db import PRAGMAS, connect_server
from models.opened import opened_store
from models.schema import SCHEMA_VERSION, create_file_schema
from models.store_errors import StoreError
from models.store_url import StorePlace, StoreUrl
from models.storefile import install, make_dirs, new_file
from models.tables import (
    ALL_TABLES,
    GRAM_TRIGGERS,
    ActivityDay,
    LeadGramTotal,
    LeadTouchDay,
    StageTotal,
    database,
)

#: Rows per INSERT batch.
BATCH = 5000
#: Tables the triggers fill as the leads and activities go in: counted, never copied.
DERIVED: tuple[type[Model], ...] = (ActivityDay, StageTotal, LeadTouchDay, LeadGramTotal)
#: Counted afresh from the copied leads and not compared: a file's leads still waiting for its
#: search index are not in its gram totals yet, and are in the copy's.
_RECOUNTED = (LeadGramTotal,)


@dataclass(frozen=True)
class TableCount:
    """One table's rows in the store copied from and in the copy."""

    table: str
    source: int
    copy: int


class CountMismatch(StoreError):
    """A table's rows differ between the store and its copy; the copy was undone."""


#: What a row of a derived table must hold to count: a total of nothing is the same as none
#: (a stage every lead has left keeps its row at 0 where the triggers made it).
_HOLDING = {
    "stage_total": " WHERE leads <> 0",
    "activity_day": " WHERE n <> 0",
    "lead_touch_day": " WHERE n <> 0",
}


def _count(db: Database, table: str) -> int:
    sql = f'SELECT COUNT(*) FROM "{table}"{_HOLDING.get(table, "")}'
    return int(db.execute_sql(sql).fetchone()[0])  # type: ignore[no-untyped-call]


def _rows(source: Database, model: type[Model]) -> Iterator[list[Any]]:
    """A table's rows in id order, as Python values (dates, flags), a batch at a time."""
    fields = model._meta.sorted_fields
    columns = ", ".join(f'"{f.column_name}"' for f in fields)
    order = ", ".join(f'"{f.column_name}"' for f in model._meta.get_primary_keys())  # type: ignore[no-untyped-call]
    sql = f'SELECT {columns} FROM "{model._meta.table_name}" ORDER BY {order}'
    if engine.on_server():  # a server-side cursor: a batch at a time, not the whole table
        named = f"yeji_copy_{model._meta.table_name}"
        cursor = source.connection().cursor(name=named)  # type: ignore[no-untyped-call]
        cursor.execute(sql)
    else:
        cursor = source.execute_sql(sql)  # type: ignore[no-untyped-call]
    while batch := cursor.fetchmany(BATCH):
        yield [[f.python_value(v) for f, v in zip(fields, row, strict=True)] for row in batch]


def _for_sqlite(value: object) -> object:
    # what Peewee writes to SQLite: ISO days, datetimes as str() gives them
    if isinstance(value, datetime):
        return str(value)
    if isinstance(value, date):
        return value.isoformat()
    return value


def _copy_rows(source: Database, target: Database, to_file: bool) -> None:
    mark = "?" if to_file else "%s"
    for model in ALL_TABLES:
        if model in DERIVED:
            continue
        fields = model._meta.sorted_fields
        columns = ", ".join(f'"{f.column_name}"' for f in fields)
        sql = (
            f'INSERT INTO "{model._meta.table_name}" ({columns}) '
            f"VALUES ({', '.join(mark for _ in fields)})"
        )
        for batch in _rows(source, model):
            values = [[_for_sqlite(v) for v in row] for row in batch] if to_file else batch
            target.cursor().executemany(sql, values)  # type: ignore[no-untyped-call]
        if not to_file and "id" in model._meta.fields:  # the next new row's id follows on
            postgres.follow_ids(target, [model._meta.table_name])


def _check_counts(source: Database, target: Database) -> list[TableCount]:
    counts = [
        TableCount(m._meta.table_name, _count(source, m._meta.table_name), 0)
        for m in ALL_TABLES
        if m not in _RECOUNTED
    ]
    counts = [TableCount(c.table, c.source, _count(target, c.table)) for c in counts]
    wrong = [c for c in counts if c.source != c.copy]
    if wrong:
        shown = ", ".join(f"{c.table} {c.source}→{c.copy}" for c in wrong)
        raise CountMismatch(key="migrate.counts", tables=shown)
    return counts


def _to_file(
    source: Database, path: Path, progress: Callable[[str], None], *, replace: bool = False
) -> list[TableCount]:
    if path.exists() and not replace:
        raise StoreError(key="backup.exists", path=path)
    try:
        make_dirs(path.parent)
    except OSError as exc:
        raise StoreError(key="store.cannot_create", path=path.parent, error=exc.strerror) from exc
    tmp = path.with_name(f".{path.name}.{os.getpid()}.new")
    target = SqliteDatabase(str(tmp), pragmas={**PRAGMAS, "journal_mode": "delete"})
    try:
        new_file(tmp)
        target.connect()
        with target.atomic():
            progress("schema")
            create_file_schema(target)
            target.execute_sql(f"PRAGMA user_version = {SCHEMA_VERSION}")  # type: ignore[no-untyped-call]
            progress("rows")
            # the grams counted once at the end, not some hundred upserts a lead
            target.execute_sql("DROP TRIGGER lead_gram_total_insert")  # type: ignore[no-untyped-call]
            _copy_rows(source, target, to_file=True)
            gram_totals.recount(target)
            target.execute_sql(GRAM_TRIGGERS[0])  # type: ignore[no-untyped-call]
            progress("check")
            counts = _check_counts(source, target)
        target.close()
        try:
            install(tmp, path, replace=replace)
        except FileExistsError as exc:
            raise StoreError(key="backup.exists", path=path) from exc
        return counts
    except OSError as exc:
        raise StoreError(key="store.cannot_create", path=path, error=exc.strerror) from exc
    finally:
        if not target.is_closed():
            target.close()
        with suppress(OSError):
            tmp.unlink()


def _to_server(
    source: Database, url: StoreUrl, progress: Callable[[str], None]
) -> list[TableCount]:
    target = connect_server(url)
    try:
        if not postgres.is_empty(target):
            raise StoreError(key="migrate.not_empty", path=url.shown)
        with target.atomic():  # PostgreSQL's DDL is transactional: the schema too
            progress("schema")
            with target.bind_ctx(ALL_TABLES):
                postgres.create_tables(target, ALL_TABLES)
            postgres.set_schema_version(target, SCHEMA_VERSION)
            progress("rows")
            _copy_rows(source, target, to_file=False)
            postgres.add_upkeep(target, backfill=True)  # the totals once, not a trigger a row
            progress("check")
            counts = _check_counts(source, target)
        # statistics and the visibility map for the planner at once, not when autovacuum
        # comes by: the first queries then read indexes alone (a per-day count: 38 → 6 ms)
        target.execute_sql("VACUUM (ANALYZE)")  # type: ignore[no-untyped-call]
        return counts
    finally:
        target.close()


def copy_store(
    to: StorePlace, progress: Callable[[str], None] = lambda step: None, *, replace: bool = False
) -> list[TableCount]:
    """Copy the open store whole into ``to`` (an empty PostgreSQL database, or a new SQLite
    file, or with ``replace`` over an old one); the per-table counts, equal on both sides.
    Refuses a database that holds anything, and the store itself."""
    opened = opened_store()
    assert opened is not None, "open the store first"
    if str(to) == str(opened.path):
        raise StoreError(key="backup.same", path=to)
    # the copy reads one snapshot of the store: nobody's write lands half in it
    with database.atomic():
        if isinstance(opened.path, StoreUrl):
            database.execute_sql("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")  # type: ignore[no-untyped-call]
        if isinstance(to, StoreUrl):
            return _to_server(database, to, progress)
        return _to_file(database, to, progress, replace=replace)


__all__ = ["DERIVED", "CountMismatch", "TableCount", "copy_store"]
