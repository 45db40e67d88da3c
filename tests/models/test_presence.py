"""The heartbeat beside the store: who is here, who went quiet, and that it never touches the
ledger. A clock of the test's own stands in for a minute's wait."""

from __future__ import annotations

import os
import sqlite3
import stat
from contextlib import closing
from pathlib import Path

import pytest

from models.campaigns import save_campaign
from models.db import ChangeWatcher
from models.presence import (
    STALE_AFTER_S,
    Heartbeat,
    Person,
    ServerSessions,
    others_now,
    presence_path,
)
from tests.conftest import small_campaign
from yeji_tui.presence import presence_text
from yeji_tui.strings import Catalog

# the heartbeats of a store on a server live in its database (models.presence)
pytestmark = pytest.mark.both_engines


class Clock:
    """Time that moves only when the test says so."""

    def __init__(self) -> None:
        self.now = 1_700_000_000.0

    def __call__(self) -> float:
        return self.now


def rows(store: Path) -> int:
    """The sessions kept for the store (in the file beside it, or in its server database)."""
    path = presence_path(store)
    if path is None:
        server = ServerSessions(str(store))
        try:
            return int(server.execute('SELECT COUNT(*) FROM "session"').fetchone()[0])
        finally:
            server.close()
    with closing(sqlite3.connect(path)) as conn:
        return int(conn.execute('SELECT COUNT(*) FROM "session"').fetchone()[0])


def test_beats_do_not_change_the_ledgers_data_version(store_path: Path) -> None:
    watcher = ChangeWatcher(store_path)
    try:
        beating = Heartbeat(store_path, login="zhangsan", name="张三")
        for _ in range(3):
            beating.beat()
        beating.leave()
        assert not watcher.changed()
        save_campaign(small_campaign())  # a write to the ledger is seen, so the test can fail
        watcher.wait(10.0)  # a server's NOTIFY arrives after the commit, not with it
        assert watcher.changed()
    finally:
        watcher.close()


def test_a_session_quiet_for_longer_than_the_limit_drops_out_and_its_row_is_cleaned(
    store_path: Path,
) -> None:
    clock = Clock()
    me = Heartbeat(store_path, login="me", name="我", clock=clock)
    other = Heartbeat(store_path, login="zhangsan", name="张三", clock=clock)
    other.beat()
    assert me.beat() == (Person("zhangsan", "张三"),)
    clock.now += STALE_AFTER_S - 1  # still counted just before the limit
    assert me.beat() == (Person("zhangsan", "张三"),)
    clock.now += 1
    assert me.beat() == ()
    assert rows(store_path) == 1  # only mine is left


def test_someone_with_two_apps_open_counts_once_and_a_clean_exit_leaves_at_once(
    store_path: Path,
) -> None:
    me = Heartbeat(store_path, login="me")
    first = Heartbeat(store_path, login="lisi", name="李四")
    second = Heartbeat(store_path, login="lisi", name="李四")
    first.beat(), second.beat()
    assert me.beat() == (Person("lisi", "李四"),)
    first.leave(), second.leave()
    assert me.others() == ()


def test_names_in_the_presence_file_are_cleaned_of_controls(store_path: Path) -> None:
    Heartbeat(store_path, login="x\x1b[31m", name="张\u202e三\x07").beat()
    assert others_now(store_path) == (Person("x", "张三"),)


@pytest.mark.sqlite_only  # the file beside an SQLite store
def test_the_presence_file_is_made_with_the_stores_modes(store_path: Path) -> None:
    old = os.umask(0o022)
    try:
        Heartbeat(store_path).beat()
    finally:
        os.umask(old)
    assert stat.S_IMODE(presence_path(store_path).stat().st_mode) == 0o660


@pytest.mark.sqlite_only  # the file beside an SQLite store
def test_a_presence_file_that_cannot_be_made_raises_for_the_app_to_ignore(
    store_path: Path,
) -> None:
    presence_path(store_path).mkdir()
    with pytest.raises((OSError, sqlite3.Error)):
        Heartbeat(store_path).beat()
    assert others_now(store_path) == ()


@pytest.mark.sqlite_only  # the file beside an SQLite store
def test_yeji_status_reads_nobody_when_there_is_no_presence_file(store_path: Path) -> None:
    assert others_now(store_path) == ()
    assert not presence_path(store_path).exists()  # reading made nothing


@pytest.mark.parametrize(
    ("lang", "names", "expected"),
    [
        ("zh", ["张三"], "另有 1 人在用：张三"),
        ("en", ["张三"], "1 other here: 张三"),
        ("zh", ["张三", "李四"], "另有 2 人在用：张三、李四"),
        ("en", ["张三", "李四"], "2 others here: 张三, 李四"),
        ("zh", ["甲", "乙", "丙", "丁"], "另有 4 人在用：甲、乙、丙等"),
        ("zh", ["很长很长很长很长的名字"], "另有 1 人在用：很长很长很…"),
        ("zh", [], ""),
    ],
    ids=["zh-one", "en-one", "zh-two", "en-two", "more-than-three", "long-name-cut", "nobody"],
)
def test_the_presence_line_names_at_most_three(lang: str, names: list[str], expected: str) -> None:
    people = tuple(Person(f"u{i}", name) for i, name in enumerate(names))
    assert presence_text(people, Catalog(lang)) == expected  # type: ignore[arg-type]
