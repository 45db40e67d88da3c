"""The store's database, whichever engine it is bound to, the models' base, and raw SQL run
on it (written with ``?`` placeholders, whichever engine)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from peewee import AutoField, Database, DatabaseProxy, Model, SqliteDatabase

from models import engine

#: The deferred SQLite database; ``models.db.open_store`` binds it to a file. One connection
#: shared by every thread (``thread_safe=False``), so that its page cache stays warm between the
#: UI's workers; ``models.db.session`` serialises the threads' use of it.
sqlite_database = SqliteDatabase(None, thread_safe=False)
_bound = DatabaseProxy()
_bound.initialize(sqlite_database)
#: The store's database, whichever engine: the SQLite one above or, for a URL, the PostgreSQL
#: one ``models.postgres`` makes (``use_database``).
database: Database = _bound  # type: ignore[assignment]


def use_database(db: Database) -> None:
    """Make ``db`` the store's database for every model and query."""
    _bound.initialize(db)


class BaseModel(Model):
    id = AutoField()

    class Meta:
        database = database
        legacy_table_names = False


def rows(query: Any) -> list[tuple[Any, ...]]:
    """A query's result as plain tuples (Peewee's stubs type ``.tuples()`` as model rows)."""
    return [tuple(r) for r in query.tuples()]


def execute(sql: str, params: Sequence[Any] = (), db: Database = database) -> Any:
    """Run a raw SQL statement written with ``?`` placeholders, on either engine; the cursor."""
    return db.execute_sql(engine.sql(sql), tuple(params))  # type: ignore[no-untyped-call]


def execute_many(sql: str, params: Iterable[Sequence[Any]], db: Database = database) -> Any:
    """Run a raw SQL statement once per row of ``params`` (``?`` placeholders); the cursor."""
    cursor = db.cursor()  # type: ignore[no-untyped-call]
    cursor.executemany(engine.sql(sql), params)
    return cursor


def sql_value(sql: str, db: Database = database) -> Any:
    """The first column of the first row of a raw SQL statement (PRAGMAs)."""
    row = execute(sql, (), db).fetchone()
    return row[0] if row else None


def run_sql(sql: str, db: Database = database) -> None:
    """Run a raw SQL statement (schema upgrades)."""
    execute(sql, (), db)
