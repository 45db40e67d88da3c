"""Which engine holds the store (an SQLite file or a PostgreSQL database) and what SQL differs
between the two: the one place the rest of ``models`` asks.

A store is named by a path (SQLite) or by a URL (PostgreSQL, ``models.postgres``):
``models.store_url`` reads which. Everything above ``models`` sees the same records either way.
This module imports neither Peewee's drivers nor psycopg: ``yeji status`` on a file never pays
for the server's driver.
"""

from __future__ import annotations

from typing import Any, Literal

from peewee import SQL, Cast, fn

Kind = Literal["sqlite", "postgres"]

_kind: Kind = "sqlite"


def set_kind(value: Kind) -> None:
    """Record the engine of the store being opened (``models.db.open_store`` calls it)."""
    global _kind
    _kind = value


def on_server() -> bool:
    """True when the store is a PostgreSQL database."""
    return _kind == "postgres"


def sql(text: str) -> str:
    """Raw SQL written with SQLite's ``?`` placeholders, in the engine's own (psycopg: ``%s``,
    with a literal ``%`` doubled). Our raw SQL never holds a ``?`` inside a string literal."""
    if _kind == "sqlite":
        return text
    return text.replace("%", "%%").replace("?", "%s")


# --- expressions whose spelling differs -------------------------------------------------------


def contains(column: Any, word: str) -> Any:
    """``column`` holds ``word`` anywhere (plain characters: no pattern syntax). On a server
    a ``LIKE``, which the search key's ``pg_trgm`` index answers for 3+ characters."""
    if _kind == "postgres":
        escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        return column.like(f"%{escaped}%")
    return fn.instr(column, word) > 0


def total(column: Any) -> Any:
    """The sum of ``column``, 0 over no rows (SQLite's TOTAL)."""
    if _kind == "postgres":
        return fn.COALESCE(fn.SUM(column), 0)
    return fn.TOTAL(column)


def count_true(column: Any) -> Any:
    """How many rows have a true boolean ``column``."""
    # coerce(False): the count is a number, not the column's flag
    if _kind == "postgres":
        return fn.COUNT(column).filter(column == SQL("true")).coerce(False)
    return fn.TOTAL(column).coerce(False)


def month_of(column: Any) -> Any:
    """``YYYY-MM`` of a date column."""
    # on a server inline, for GROUP BY must see the same text; in a file dates are ISO text
    month = fn.to_char(column, SQL("'YYYY-MM'")) if _kind == "postgres" else fn.substr(column, 1, 7)
    # text, not a date: read back through the column's converter, each month would fail
    # ``fromisoformat`` and then three ``strptime`` formats before coming back unchanged
    return month.coerce(False)


def day_of(column: Any) -> Any:
    """The day of a timestamp column."""
    if _kind == "postgres":
        return Cast(column, "date")
    return fn.DATE(column)


def has_any_of(column: Any, characters: str) -> Any:
    """``column`` holds one of ``characters`` (a set of code points, written for a class)."""
    if _kind == "postgres":
        return column.regexp(f"[{characters}]")
    return fn.glob(f"*[{characters}]*", column)


# --- raw SQL whose spelling differs -----------------------------------------------------------


def temp_schema() -> str:
    """The schema of this connection's temporary tables."""
    return "pg_temp" if _kind == "postgres" else "temp"


def differs(a: str, b: str) -> str:
    """``a`` and ``b`` differ, NULL being a value (SQLite's IS NOT)."""
    return f"{a} IS DISTINCT FROM {b}" if _kind == "postgres" else f"{a} IS NOT {b}"


def greater(a: str, b: str) -> str:
    """The greater of two values."""
    return f"GREATEST({a}, {b})" if _kind == "postgres" else f"MAX({a}, {b})"


def as_text(column: str, *, boolean: bool = False) -> str:
    """A column's value as the audit writes it (a flag as 1 or 0)."""
    if boolean and _kind == "postgres":
        return f"CASE WHEN {column} THEN '1' WHEN NOT {column} THEN '0' END"
    return f"CAST({column} AS TEXT)"


def json_object(pairs: str) -> str:
    """A JSON object of ``'key', value, …`` pairs, as text."""
    return f"json_build_object({pairs})::text" if _kind == "postgres" else f"json_object({pairs})"


def date_param() -> str:
    """A ``?`` placeholder for an ISO day going into a date column."""
    return "CAST(? AS DATE)" if _kind == "postgres" else "?"


def indexed_by(index: str) -> str:
    """After a table's name in raw SQL: read it through ``index`` (SQLite's ``INDEXED BY``, for
    a covering index its planner passes over for the rowid). A server's planner picks its own
    index-only scans: nothing there."""
    return "" if _kind == "postgres" else f' INDEXED BY "{index}"'


def column_type(sqlite: str, postgres: str) -> str:
    """A column's declared type: SQLite's staging tables leave most untyped."""
    return postgres if _kind == "postgres" else sqlite


__all__ = [
    "Kind",
    "as_text",
    "column_type",
    "contains",
    "count_true",
    "date_param",
    "day_of",
    "differs",
    "greater",
    "has_any_of",
    "indexed_by",
    "json_object",
    "month_of",
    "on_server",
    "set_kind",
    "sql",
    "temp_schema",
    "total",
]
