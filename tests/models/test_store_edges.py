"""The store's promises at their edges, on real SQLite files and PostgreSQL databases (never a
mock): writes take the write lock at once, the documented settings, upgrades that backfill
correctly or change nothing, the busy wait, read-only refusals, and the small helpers every
command relies on."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from peewee import InternalError, OperationalError

from models import db, engine, write_lock
from models.db import (
    SCHEMA_VERSION,
    NotAllowed,
    StoreBusy,
    StoreError,
    close_store,
    current_user,
    data_version,
    immediate,
    is_busy,
    migrate,
    open_store,
    opened_store,
    read_only_reason,
    refuse_if_read_only,
    resolve_store_path,
    schema_version,
    session,
    set_busy_notice,
    trace,
    write_prepared,
)
from models.search import search_key
from models.store_url import StorePlace
from models.tables import Lead, database, execute, sql_value
from tests.conftest import (
    FIXTURES,
    begin_write,
    commit_write,
    other_connection,
    other_writer,
    write_lock_refusal,
)
from yeji_tui.strings import Catalog

# every store test here runs on SQLite and on PostgreSQL (tests/conftest.py)
pytestmark = pytest.mark.both_engines


@pytest.fixture(autouse=True)
def closed() -> Iterator[None]:
    """Every test leaves the shared connection closed (tests open stores of their own)."""
    yield
    close_store()


def pragma(name: str) -> object:
    return sql_value(f"PRAGMA {name}")


def lock_wait() -> object:
    """How long this connection's statements wait for a lock: SQLite's busy timeout (ms), a
    server's lock_timeout (0 outside a write: only the write lock is waited for, and boundedly)."""
    if engine.on_server():
        return sql_value("SHOW lock_timeout")
    return pragma("busy_timeout")


#: ``lock_wait`` between writes
USUAL_LOCK_WAIT = {"sqlite": db.BUSY_TIMEOUT_S * 1000, "postgres": "0"}


def v1_store(path: Path, *extra_sql: str) -> Path:
    """A store as schema version 1 wrote it, with a little data, plus ``extra_sql``."""
    conn = sqlite3.connect(path)
    conn.executescript((FIXTURES / "store-v1.sql").read_text(encoding="utf-8"))
    for sql in extra_sql:
        conn.execute(sql)
    conn.commit()
    conn.close()
    return path


def layout(path: Path) -> list[tuple[str, str]]:
    """Every table, index and trigger in the file, and the schema version."""
    conn = sqlite3.connect(path)
    found = sorted(conn.execute("SELECT name, sql FROM sqlite_master WHERE sql IS NOT NULL"))
    found.append(("user_version", str(conn.execute("PRAGMA user_version").fetchone()[0])))
    conn.close()
    return found


# --- every write takes the write lock at once ----------------------------------------------


def test_a_read_then_write_keeps_the_write_lock_so_no_other_update_is_lost(
    store_path: StorePlace,
) -> None:
    """Another connection (another process's clerk) cannot write between our read and our
    write: with a deferred transaction it could, and one of the two increments would be lost
    (or ours would fail with SQLITE_BUSY_SNAPSHOT)."""
    database.execute_sql("CREATE TABLE counter (n INTEGER NOT NULL)")
    database.execute_sql("INSERT INTO counter VALUES (0)")
    other = other_connection(store_path, autocommit=True)
    refused, words = write_lock_refusal(store_path)

    def other_increments() -> None:
        begin_write(other, store_path)  # at once: no wait
        (n,) = other.execute("SELECT n FROM counter").fetchone()
        other.execute(engine.sql("UPDATE counter SET n = ?"), (n + 1,))
        commit_write(other, store_path)

    with immediate():
        n = sql_value("SELECT n FROM counter")  # nothing written yet: only a read
        with pytest.raises(refused, match=words):
            other_increments()
        execute("UPDATE counter SET n = ?", (n + 1,))
    other_increments()  # the lock is free again once ours committed
    other.close()
    assert sql_value("SELECT n FROM counter") == 2


def test_a_write_inside_a_write_is_a_savepoint_that_rolls_back_alone(store_path: Path) -> None:
    database.execute_sql("CREATE TABLE t (x INTEGER)")
    with immediate():
        database.execute_sql("INSERT INTO t VALUES (1)")
        with pytest.raises(ZeroDivisionError), immediate():
            database.execute_sql("INSERT INTO t VALUES (2)")
            raise ZeroDivisionError
        assert database.in_transaction()
    assert [r[0] for r in database.execute_sql("SELECT x FROM t")] == [1]


def test_write_prepared_writes_what_was_prepared_once_when_nobody_else_wrote(
    store_path: Path,
) -> None:
    prepared: list[int] = []

    def prepare() -> int:
        prepared.append(1)
        return len(prepared)

    assert write_prepared(prepare, lambda p: p * 10) == 10
    assert prepared == [1]


# --- the documented settings ----------------------------------------------------------------


@pytest.mark.sqlite_only  # SQLite's own settings
def test_the_store_is_synchronous_normal_with_temp_tables_in_memory(store_path: Path) -> None:
    assert pragma("synchronous") == 1  # NORMAL: safe in WAL mode, one fsync per checkpoint
    assert pragma("temp_store") == 2  # MEMORY
    assert pragma("query_only") == 0
    assert os.access(store_path, os.R_OK)


#: what the engine itself says to a write on a store opened read-only
ENGINE_REFUSAL = {
    "sqlite": (OperationalError, "readonly"),
    "postgres": (InternalError, "read-only transaction"),
}


def test_a_read_only_opening_refuses_writes_in_the_engine_too(
    store_path: StorePlace, engine_name: str
) -> None:
    close_store()
    opened = open_store(store_path, read_only=True)
    assert opened.read_only == "flag" and opened_store() == opened
    with pytest.raises(NotAllowed) as refused, immediate():
        pass
    assert refused.value.key == "store.read_only.flag"
    assert refused.value.values == {"path": store_path}
    error, words = ENGINE_REFUSAL[engine_name]
    with pytest.raises(error, match=words):
        database.execute_sql("CREATE TABLE t (x INTEGER)")


@pytest.mark.sqlite_only  # SQLite's own settings of a read-only connection
def test_a_read_only_opening_keeps_the_sqlite_settings_but_query_only(store_path: Path) -> None:
    close_store()
    open_store(store_path, read_only=True)
    assert pragma("query_only") == 1 and pragma("synchronous") == 1
    assert pragma("journal_mode") == "wal"  # as the file has it
    assert pragma("foreign_keys") == 1 and pragma("busy_timeout") == 5000


@pytest.mark.sqlite_only  # read_only_reason looks at a file's and its directory's modes
def test_refusals_only_for_a_store_opened_read_only(store_path: Path) -> None:
    refuse_if_read_only()  # opened for writing: nothing to refuse
    assert read_only_reason(store_path) is None
    assert read_only_reason(store_path, asked=True) == "flag"
    assert read_only_reason(store_path.with_name("new.sqlite3")) is None


# --- opening and creating ------------------------------------------------------------------


def test_a_new_store_is_made_whole_at_the_current_schema_with_no_scratch_left(
    tmp_path: Path,
) -> None:
    path = tmp_path / "sub" / "dir" / "yeji.sqlite3"
    opened = open_store(path)
    assert opened.path == path and opened.read_only is None
    assert opened.upgraded_from is None and opened.upgrade_backup is None
    assert schema_version(database) == SCHEMA_VERSION
    assert sql_value("SELECT count(*) FROM sqlite_master WHERE name = 'lead_fts'") == 1
    close_store()
    assert sorted(p.name for p in path.parent.iterdir()) == ["yeji.sqlite3"]


@pytest.mark.parametrize(
    ("create", "read_only"),
    [pytest.param(False, False, id="create-false"), pytest.param(True, True, id="read-only")],
)
def test_a_missing_store_is_not_made_when_not_asked_to(
    tmp_path: Path, create: bool, read_only: bool
) -> None:
    path = tmp_path / "none.sqlite3"
    with pytest.raises(StoreError) as refused:
        open_store(path, create=create, read_only=read_only)
    assert (refused.value.key, refused.value.values) == ("store.not_found", {"path": path})
    assert not path.exists() and opened_store() is None


@pytest.mark.parametrize(
    ("under", "where"),
    [
        pytest.param("file/sub", "file/sub", id="directory-cannot-be-made"),
        pytest.param("file", "file/yeji.sqlite3", id="file-cannot-be-made"),
    ],
)
def test_a_store_that_cannot_be_made_says_where(tmp_path: Path, under: str, where: str) -> None:
    (tmp_path / "file").write_text("x")
    with pytest.raises(StoreError) as refused:
        open_store(tmp_path / under / "yeji.sqlite3")
    assert refused.value.key == "store.cannot_create"
    assert refused.value.values == {"path": tmp_path / where, "error": "Not a directory"}


def test_an_sqlite_file_of_someone_else_is_refused_untouched(tmp_path: Path) -> None:
    path = tmp_path / "other.sqlite3"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE notes (x)")
    conn.commit()
    conn.close()
    before = path.read_bytes()
    with pytest.raises(StoreError) as refused:
        open_store(path)
    assert (refused.value.key, refused.value.values) == ("store.not_ours", {"path": path})
    assert path.read_bytes() == before


def test_a_store_file_with_only_a_campaign_and_leads_is_ours(tmp_path: Path) -> None:
    path = v1_store(tmp_path / "old.sqlite3", "PRAGMA user_version = 0")
    assert open_store(path).upgraded_from == 0
    assert schema_version(database) == SCHEMA_VERSION
    assert Lead.select().count() == 3
    assert "dropped_on" in [c.name for c in database.get_columns("lead")]  # upgraded, not re-made


def test_a_damaged_store_is_refused_with_sqlites_words(tmp_path: Path) -> None:
    path = tmp_path / "broken.sqlite3"
    path.write_bytes(b"SQLite format 3\x00" + b"\xff" * 200)
    with pytest.raises(StoreError) as refused:
        open_store(path)
    assert refused.value.key == "store.cannot_open"
    assert refused.value.values["path"] == path
    assert isinstance(refused.value.values["error"], sqlite3.DatabaseError)


# --- upgrades ------------------------------------------------------------------------------


def test_the_upgrade_backfills_touched_and_reviewed_days_never_before_found(
    tmp_path: Path,
) -> None:
    path = v1_store(
        tmp_path / "old.sqlite3",
        # lead 3 (found 08-01) has a follow-up dated before it was found: touched stays 08-01
        "INSERT INTO follow_up VALUES (1, 3, '2022-07-20', 'n', 'clerk', '2022-07-20 09:00')",
        # lead 2's latest event is a follow-up after its last stage change
        "INSERT INTO stage_change VALUES (2, 2, 'signed', 'started', '2022-09-01', 'c', '2022-09-01')",
        "INSERT INTO follow_up VALUES (2, 2, '2022-09-05', 'n', 'clerk', '2022-09-05 09:00')",
        # a lead with no found day is reviewed on the day it was entered
        "INSERT INTO lead (id, company, project, industry, amount_wan, is_industrial, "
        "is_head_enterprise, is_listed, source, unit_id, stage, found_on, dropped_reason, "
        "created_at, updated_at) VALUES (4, '丁', '丁项目', '其他', 0, 0, 0, 0, '来访', 1, 'lead', "
        "NULL, '', '2022-08-03 09:00:00', '2022-08-03 09:00:00')",
    )
    opened = open_store(path)
    assert opened.upgraded_from == 1 and opened.upgrade_backup is not None
    got = {
        lead.id: (lead.touched_on, lead.reviewed_on, lead.search_key, lead.version)
        for lead in Lead.select()
    }
    assert got == {
        1: (date(2022, 8, 5), date(2022, 7, 1), search_key("恒嘉家居有限公司", "定制家居项目"), 1),
        2: (
            date(2022, 9, 5),
            date(2022, 6, 1),
            search_key("华宇化工有限公司", "精细化学品项目"),
            1,
        ),
        3: (date(2022, 8, 1), date(2022, 8, 1), search_key("金海商贸有限公司", "物流园项目"), 1),
        4: (None, date(2022, 8, 3), search_key("丁", "丁项目"), 1),
    }
    assert all(t is None or t >= r for t, r, _, _ in got.values() if r)


def schema(path: Path, *, texts_of_tables: bool) -> dict[str, object]:
    """Each table's columns (name, type, not null, primary key: an upgrade's added columns
    need a default a new table has not) and each index's and trigger's SQL as written."""
    conn = sqlite3.connect(path)
    found: dict[str, object] = {}
    for name, kind, sql in conn.execute("SELECT name, type, sql FROM sqlite_master"):
        if kind == "table" and sql is not None:
            info = conn.execute(f'PRAGMA table_info("{name}")')
            found[name] = sorted((c[1], c[2], c[3], c[5]) for c in info)
            if texts_of_tables:
                found[name + " sql"] = sql
        elif sql is not None:
            found[name] = sql
    conn.close()
    return found


def test_an_upgraded_store_has_a_new_stores_schema_to_the_letter(tmp_path: Path) -> None:
    old = v1_store(tmp_path / "old.sqlite3")
    v1_tables = set(schema(old, texts_of_tables=False))
    open_store(old)
    close_store()
    open_store(tmp_path / "new.sqlite3")
    close_store()
    upgraded = schema(old, texts_of_tables=True)
    new = schema(tmp_path / "new.sqlite3", texts_of_tables=True)
    # a table made whole by an upgrade is made with the very SQL a new store's is
    altered = {name + " sql" for name in v1_tables}
    assert {k: v for k, v in upgraded.items() if k not in altered} == {
        k: v for k, v in new.items() if k not in altered
    }


def test_an_upgrade_that_fails_half_way_leaves_the_old_schema_whole(tmp_path: Path) -> None:
    # a table the step to version 3 creates is there already: that step fails after the step
    # to version 2 and part of its own have run
    path = v1_store(tmp_path / "old.sqlite3", 'CREATE TABLE "saved_view" (x)')
    before = layout(path)
    with pytest.raises(StoreError) as refused:
        open_store(path)
    assert refused.value.key == "store.cannot_open"
    assert "saved_view" in str(refused.value.values["error"])
    assert refused.value.values["path"] == path
    assert layout(path) == before
    assert opened_store() is None and database.is_closed()
    # the copy kept before the attempt is the old store, and the file still opens as version 1
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 1
    assert conn.execute("SELECT count(*) FROM lead").fetchone()[0] == 3
    conn.close()


def test_an_upgrade_another_process_finished_first_is_not_run_twice(tmp_path: Path) -> None:
    path = v1_store(tmp_path / "old.sqlite3")
    db._bind(str(path), read_only=False)
    database.connect()
    other = sqlite3.connect(path, isolation_level=None)
    # the other process upgrades between our look at the version and our write lock
    other.executescript(f"PRAGMA user_version = {SCHEMA_VERSION}")
    other.close()
    backup = migrate(database)
    assert schema_version(database) == SCHEMA_VERSION
    assert "dropped_on" not in [c.name for c in database.get_columns("lead")]
    assert backup is None or backup.exists()


def test_migrate_refuses_newer_and_read_only_upgrades_and_leaves_current_alone(
    tmp_path: Path,
) -> None:
    empty = tmp_path / "empty.sqlite3"
    db._bind(str(empty), read_only=False)
    database.connect()
    with pytest.raises(StoreError) as refused:
        migrate(database, read_only=True)
    assert (refused.value.key, refused.value.values) == ("store.not_ours", {"path": str(empty)})
    assert migrate(database) is None  # a new file: created, nothing to keep a copy of
    assert migrate(database) is None
    run = sql_value
    database.execute_sql(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    with pytest.raises(StoreError) as newer:
        migrate(database)
    assert (newer.value.key, newer.value.values) == (
        "store.newer",
        {"version": SCHEMA_VERSION + 1, "supported": SCHEMA_VERSION},
    )
    database.execute_sql("PRAGMA user_version = 3")
    with pytest.raises(NotAllowed) as read_only:
        migrate(database, read_only=True)
    assert read_only.value.values == {"version": 3, "supported": SCHEMA_VERSION}
    assert run("PRAGMA user_version") == 3


# --- the busy wait -------------------------------------------------------------------------


@pytest.fixture
def notices() -> Iterator[list[str]]:
    told: list[str] = []
    set_busy_notice(lambda: told.append("waiting"))
    yield told
    set_busy_notice(None)


def test_store_busy_says_how_long_it_waited_and_restores_the_timeout(
    store_path: StorePlace,
    engine_name: str,
    notices: list[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(write_lock, "BUSY_WAIT_S", 0.6)
    monkeypatch.setattr(write_lock, "QUIET_WAIT_S", 0.05)
    holder = other_writer(store_path)
    with pytest.raises(StoreBusy) as busy, immediate():
        pass
    holder.execute("ROLLBACK")
    holder.close()
    assert "已等待 1 秒" in str(busy.value) and "busy for 1 s" in str(busy.value)
    assert isinstance(busy.value.__cause__, OperationalError)
    assert notices == ["waiting"]
    assert lock_wait() == USUAL_LOCK_WAIT[engine_name]
    with immediate():
        assert lock_wait() == USUAL_LOCK_WAIT[engine_name]


def test_a_write_with_no_one_to_tell_still_waits_and_gives_up(
    store_path: StorePlace, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(write_lock, "BUSY_WAIT_S", 0.2)
    holder = other_writer(store_path)
    with pytest.raises(StoreBusy), immediate():
        pass
    holder.execute("ROLLBACK")
    holder.close()


@pytest.mark.parametrize(
    ("error", "busy"),
    [
        pytest.param(StoreBusy("x"), True, id="store-busy"),
        pytest.param(sqlite3.OperationalError("database is locked"), True, id="sqlite-locked"),
        pytest.param(OperationalError("database is busy"), True, id="peewee-busy"),
        pytest.param(sqlite3.OperationalError("no such table: x"), False, id="other-error"),
        pytest.param(ValueError("database is locked"), False, id="not-an-sqlite-error"),
        pytest.param(StoreError("database is locked"), False, id="store-error"),
    ],
)
def test_only_a_lost_race_for_the_lock_counts_as_busy(error: BaseException, busy: bool) -> None:
    assert is_busy(error) is busy


# --- small helpers -------------------------------------------------------------------------


def test_a_store_error_speaks_the_users_language_or_plain_text() -> None:
    error = StoreError(key="store.not_found", path=Path("/x/y.sqlite3"))
    assert str(error) == "store.not_found path=/x/y.sqlite3"
    assert error.message(Catalog("en")) == Catalog("en")("store.not_found", path="/x/y.sqlite3")
    plain = StoreError("plain words")
    assert (str(plain), plain.message(Catalog("en")), plain.key) == ("plain words",) * 2 + ("",)


def test_the_store_path_comes_from_the_flag_then_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("YEJI_DB", "~/env.sqlite3")
    assert resolve_store_path("~/flag.sqlite3") == tmp_path / "flag.sqlite3"
    assert resolve_store_path(None) == tmp_path / "env.sqlite3"
    assert resolve_store_path("") == tmp_path / "env.sqlite3"
    monkeypatch.setenv("YEJI_DB", "")
    assert resolve_store_path(None).name == "yeji.sqlite3"
    assert resolve_store_path(None).parent.name == "yeji-tui"


@pytest.mark.parametrize(
    ("name", "user"),
    [
        pytest.param("clerk", "clerk", id="plain"),
        pytest.param("cl\x1b[2Jerk\u202e", "clerk", id="controls-removed"),
        pytest.param("\x07", str(os.getuid()), id="nothing-left"),
    ],
)
def test_the_user_recorded_is_the_os_account_cleaned_never_the_environment(
    monkeypatch: pytest.MonkeyPatch, name: str, user: str
) -> None:
    import pwd
    from types import SimpleNamespace

    monkeypatch.setattr(pwd, "getpwuid", lambda uid: SimpleNamespace(pw_name=name))
    monkeypatch.setenv("LOGNAME", "区长")  # anyone can set this: it changes nothing
    monkeypatch.setenv("USER", "区长")
    assert current_user() == user


def test_trace_writes_one_line_to_the_descriptor_named(monkeypatch: pytest.MonkeyPatch) -> None:
    read, write = os.pipe()
    try:
        monkeypatch.setenv("YEJI_TRACE_FD", str(write))
        trace("lock")
        trace("unlock 0.010")
        monkeypatch.setenv("YEJI_TRACE_FD", "x1")
        trace("ignored")
        os.close(write)
        assert os.read(read, 100) == b"lock\nunlock 0.010\n"
    finally:
        os.close(read)


def test_data_version_moves_when_another_connection_commits(store_path: StorePlace) -> None:
    seen = data_version()
    assert data_version() == seen
    other = other_connection(store_path, autocommit=True)
    begin_write(other, store_path)
    other.execute("CREATE TABLE t (x INTEGER)")
    commit_write(other, store_path)  # as another yeji process's write commits
    other.close()
    assert data_version() != seen


def test_a_session_reopens_the_closed_connection(store_path: Path) -> None:
    close_store()
    assert database.is_closed()
    with session():
        assert not database.is_closed()
        assert schema_version(database) == SCHEMA_VERSION
    close_store()
    close_store()  # closing twice is fine
    assert database.is_closed()


@pytest.mark.parametrize("xdg", ["", "/srv/xdg", "  "])
@pytest.mark.parametrize(
    ("kind", "variable"), [("data", "XDG_DATA_HOME"), ("config", "XDG_CONFIG_HOME")]
)
def test_user_dirs_are_where_platformdirs_puts_them(
    monkeypatch: pytest.MonkeyPatch, kind: str, variable: str, xdg: str
) -> None:
    import platformdirs

    from models.storefile import user_dir

    monkeypatch.setenv(variable, xdg)
    theirs = platformdirs.user_data_dir if kind == "data" else platformdirs.user_config_dir
    assert user_dir(kind) == Path(theirs("yeji-tui", appauthor=False))
