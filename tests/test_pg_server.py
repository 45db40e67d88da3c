"""The PostgreSQL test harness itself (tests/pg_server.py): run where a server can be had."""

# The fixtures are imported here until tests/conftest.py imports them for every module; the
# tests' arguments of the same names are what pytest fills in, not redefinitions.
# ruff: noqa: F811

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.pg_server import (  # noqa: F401 (pg_admin, pg_url)
    ENV_START,
    ENV_URL,
    SKIP_REASON,
    Server,
    _url,
    pg_admin,
    pg_url,
    server_url_or_reason,
)

pytestmark = pytest.mark.postgres


def rows(url: str, query: str) -> list[tuple[Any, ...]]:
    """What `query` reads in the database of `url`, through Peewee as the store will connect."""
    from playhouse.db_url import connect

    db = connect(url)
    try:
        cursor = db.execute_sql(query)
        return list(cursor.fetchall()) if cursor.description else []
    finally:
        db.close()


def test_a_fresh_database_is_empty(pg_url: str) -> None:
    tables = "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'"
    assert rows(pg_url, tables) == []


def test_a_fresh_database_has_pg_trgm_and_it_finds_chinese_words(pg_url: str) -> None:
    [(latin, chinese)] = rows(
        pg_url, "SELECT similarity('abc', 'abd'), similarity('招商引资', '招商')"
    )
    assert 0 < latin < 1
    assert chinese > 0, "CJK has no trigrams: the database's LC_CTYPE must be UTF-8, not C"


def test_each_call_gives_a_database_of_its_own(pg_admin: Server) -> None:
    first, second = pg_admin.new_database(), pg_admin.new_database()
    try:
        assert first != second
        rows(first, "CREATE TABLE only_in_first (id integer)")
        tables = "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'"
        assert rows(second, tables) == [(0,)]
    finally:
        pg_admin.drop_database(first)
        pg_admin.drop_database(second)


def test_a_dropped_database_is_gone_even_with_a_connection_open(pg_admin: Server) -> None:
    from playhouse.db_url import connect

    url = pg_admin.new_database()
    name = connect(url).database
    still_open = connect(url)
    still_open.connect()
    pg_admin.drop_database(url)
    listed = "SELECT datname FROM pg_database"
    assert (name,) not in rows(pg_admin.admin_url, listed)


def test_the_url_is_peewees_as_it_is_libpqs() -> None:
    from playhouse.db_url import parse

    url = _url("postgres", "yeji_test_1", Path("/tmp/yeji-pg-a1.2/sock"))
    assert url == "postgresql://postgres@/yeji_test_1?host=/tmp/yeji-pg-a1.2/sock&port=5432"
    assert parse(url) == {
        "database": "yeji_test_1",
        "user": "postgres",
        "host": "/tmp/yeji-pg-a1.2/sock",
        "port": 5432,
    }


def test_without_a_server_the_reason_says_how_to_have_one(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(ENV_URL, raising=False)
    monkeypatch.delenv(ENV_START, raising=False)
    assert server_url_or_reason() == (None, SKIP_REASON)
    assert ENV_URL in SKIP_REASON and ENV_START in SKIP_REASON
