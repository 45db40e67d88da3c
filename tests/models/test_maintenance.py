"""Looking after the store file: the check finds each kind of damage, a backup taken while
others write is whole, a restore checks its file, keeps the old store and waits for no one."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import threading
from collections.abc import Callable
from contextlib import closing
from datetime import date
from pathlib import Path

import pytest

from models.db import NotAllowed, StoreBusy, StoreError, close_store, open_store
from models.ledger import add_activities, upsert_leads
from models.maintenance import backup_store, check_store, restore_store
from models.tables import database, run_sql
from tests.conftest import activity, lead


@pytest.fixture
def ledger_store(campaign_store: Path) -> Path:
    """The small campaign with three leads and three activities."""
    upsert_leads(
        [lead("甲公司", stage="lead", signed_on=None), lead("乙公司"), lead("丙公司")],
        "clerk",
        date(2022, 9, 1),
    )
    add_activities([activity(date(2022, 8, d)) for d in (1, 2, 3)])
    return campaign_store


def test_a_sound_store_passes_every_check(ledger_store: Path) -> None:
    result = check_store()
    assert result.problems == [] and result.hidden == 0


def _raw(path: Path, *statements: str) -> None:
    """Damage the store behind the application's back (foreign keys off, as an old tool)."""
    conn = sqlite3.connect(path, isolation_level=None)
    for sql in statements:
        conn.execute(sql)
    conn.close()


@pytest.mark.parametrize(
    ("damage", "key"),
    [
        (["UPDATE stage_total SET leads = leads + 1 WHERE stage = 'signed'"], "check.stage_total"),
        (["DELETE FROM stage_total WHERE stage = 'lead'"], "check.stage_total"),
        (["UPDATE activity_day SET n = n + 1 WHERE day = '2022-08-02'"], "check.activity_day"),
        (["UPDATE lead_touch_day SET n = n + 1 WHERE stage = 'signed'"], "check.lead_touch_day"),
        (["DELETE FROM lead_touch_day WHERE stage = 'lead'"], "check.lead_touch_day"),
        (
            [
                'INSERT INTO follow_up (lead_id, "on", note, by_user, at) '
                "VALUES (999, '2022-09-01', 'x', 'clerk', '2022-09-01 10:00:00')"
            ],
            "check.foreign_key",
        ),
        (
            [
                "INSERT INTO lead_fts (lead_fts, rowid, search_key) "
                "SELECT 'delete', id, search_key FROM lead WHERE company = '乙公司'"
            ],
            "check.search_missing",
        ),
        (
            ["DROP TRIGGER lead_fts_update", "UPDATE lead SET search_key = 'zzzqqq'"],
            "check.search_index",
        ),
        (
            [
                "PRAGMA writable_schema = ON",
                'UPDATE sqlite_master SET sql = replace(sql, \'("company", "project")\', '
                "'(\"project\", \"company\")') WHERE name = 'lead_company_project'",
            ],
            "check.integrity",
        ),
    ],
    ids=[
        "stage-total-off",
        "stage-total-row-gone",
        "activity-day-off",
        "touch-day-off",
        "touch-day-row-gone",
        "foreign-key",
        "lead-missing-from-search",
        "search-content-stale",
        "index-not-matching-table",
    ],
)
def test_the_check_names_each_kind_of_damage(
    ledger_store: Path, damage: list[str], key: str
) -> None:
    close_store()
    _raw(ledger_store, *damage)
    open_store(ledger_store, read_only=True)  # the check writes nothing: it works read-only
    problems = check_store().problems
    assert problems and {p.key for p in problems} == {key}


def test_many_problems_of_one_kind_are_listed_up_to_a_limit_and_counted(
    ledger_store: Path,
) -> None:
    run_sql(
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 30) "
        "INSERT INTO activity_day (day, unit_id, kind, led_by_principal, n) "
        "SELECT date('2022-07-01', '+' || i || ' days'), 1, 'visit', 0, 1 FROM n"
    )
    result = check_store()
    assert len(result.problems) == 20 and result.hidden == 10


def test_a_backup_taken_while_another_connection_writes_is_whole_and_consistent(
    ledger_store: Path, tmp_path: Path
) -> None:
    add_activities([activity(date(2022, 9, 1))] * 3000)  # a store that takes a moment to copy
    count = "SELECT COUNT(*) FROM activity"
    first = database.execute_sql(count).fetchone()[0]
    writing, stop, commits = threading.Event(), threading.Event(), [0]

    def writer() -> None:  # 10 activities a transaction, as fast as it can, until told
        conn = sqlite3.connect(ledger_store, timeout=5, isolation_level=None)
        row = ("2022-09-02", 1, "visit", 0, "", "", "")
        while not stop.is_set():
            conn.execute("BEGIN IMMEDIATE")
            conn.executemany(
                "INSERT INTO activity (date, unit_id, kind, led_by_principal, destination, "
                "company, note) VALUES (?, ?, ?, ?, ?, ?, ?)",
                [row] * 10,
            )
            conn.execute("COMMIT")
            commits[0] += 1
            if commits[0] == 3:
                writing.set()
        conn.close()

    thread = threading.Thread(target=writer)
    thread.start()
    assert writing.wait(10)
    copy = backup_store(tmp_path / "copy.sqlite3")
    stop.set()
    thread.join()
    last = database.execute_sql(count).fetchone()[0]
    close_store()
    open_store(copy)
    copied = database.execute_sql(count).fetchone()[0]
    assert first < copied <= last and (copied - first) % 10 == 0  # whole transactions only
    assert check_store().problems == []  # the day summary agrees: one moment, copied whole


def test_a_backup_refuses_an_existing_file_unless_forced_and_the_store_itself(
    ledger_store: Path, tmp_path: Path
) -> None:
    dest = tmp_path / "copy.sqlite3"
    dest.write_text("keep me", encoding="utf-8")
    with pytest.raises(StoreError) as refused:
        backup_store(dest)
    assert refused.value.key == "backup.exists" and dest.read_text(encoding="utf-8") == "keep me"
    assert backup_store(dest, replace=True) == dest
    assert dest.read_bytes().startswith(b"SQLite format 3\x00")
    with pytest.raises(StoreError) as same:
        backup_store(ledger_store, replace=True)
    assert same.value.key == "backup.same"
    into_dir = backup_store(tmp_path)
    assert into_dir.parent == tmp_path and into_dir.name.startswith("store-backup-")


def _backup_then_change(store: Path, tmp_path: Path) -> Path:
    """A backup with the three leads, then a fourth lead in the store."""
    backup = backup_store(tmp_path / "backup.sqlite3")
    upsert_leads([lead("丁公司")], "clerk", date(2022, 9, 2))
    close_store()
    return backup


def _leads(path: Path) -> int:
    with closing(sqlite3.connect(path)) as conn:  # closed: an open one holds the store
        return int(conn.execute("SELECT COUNT(*) FROM lead").fetchone()[0])


def test_a_restore_puts_the_backup_in_place_and_keeps_the_old_store_aside(
    ledger_store: Path, tmp_path: Path
) -> None:
    backup = _backup_then_change(ledger_store, tmp_path)
    aside = restore_store(ledger_store, backup)
    assert aside is not None and aside.name.startswith("store.sqlite3.before-restore-")
    assert _leads(aside) == 4 and _leads(ledger_store) == 3 and _leads(backup) == 3
    open_store(ledger_store)
    assert check_store().problems == []


def _holder(store: Path) -> subprocess.Popen[str]:
    """Another process with the store open, as a yeji window has it."""
    code = (
        "import sqlite3, sys; c = sqlite3.connect(sys.argv[1]); "
        "c.execute('SELECT COUNT(*) FROM lead').fetchone(); print('open', flush=True); "
        "sys.stdin.readline()"
    )
    proc = subprocess.Popen(
        [sys.executable, "-c", code, str(store)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None and proc.stdout.readline() == "open\n"
    return proc


def test_a_restore_is_refused_while_another_process_has_the_store_open(
    ledger_store: Path, tmp_path: Path
) -> None:
    backup = _backup_then_change(ledger_store, tmp_path)
    holder = _holder(ledger_store)
    try:
        with pytest.raises(StoreBusy) as refused:
            restore_store(ledger_store, backup)
    finally:
        holder.communicate("\n")
    assert refused.value.key == "restore.busy"
    assert _leads(ledger_store) == 4
    assert not list(tmp_path.glob("store.sqlite3.before-restore-*"))
    assert restore_store(ledger_store, backup) is not None  # once it is closed


def _newer(path: Path) -> None:
    _raw(path, "PRAGMA user_version = 99")


def _no_campaign(path: Path) -> None:
    _raw(path, "PRAGMA foreign_keys = OFF", "DELETE FROM campaign")


def _not_sqlite(path: Path) -> None:
    path.write_text("company,project\n", encoding="utf-8")


def _damaged(path: Path) -> None:
    _raw(
        path,
        "PRAGMA writable_schema = ON",
        'UPDATE sqlite_master SET sql = replace(sql, \'("company", "project")\', '
        "'(\"project\", \"company\")') WHERE name = 'lead_company_project'",
    )


@pytest.mark.parametrize(
    ("spoil", "key"),
    [
        (_newer, "store.newer"),
        (_no_campaign, "restore.no_campaign"),
        (_not_sqlite, "store.not_sqlite"),
        (_damaged, "restore.damaged"),
    ],
    ids=["newer-schema", "no-campaign", "not-sqlite", "damaged"],
)
def test_a_restore_checks_the_file_first_and_changes_nothing_when_it_is_bad(
    ledger_store: Path, tmp_path: Path, spoil: Callable[[Path], None], key: str
) -> None:
    backup = _backup_then_change(ledger_store, tmp_path)
    spoil(backup)
    with pytest.raises(StoreError) as refused:
        restore_store(ledger_store, backup)
    assert refused.value.key == key
    assert _leads(ledger_store) == 4
    assert sorted(p.name for p in ledger_store.parent.iterdir() if "store" in p.name) == [
        "store.sqlite3"
    ]


def test_a_restore_is_refused_read_only(ledger_store: Path, tmp_path: Path) -> None:
    backup = _backup_then_change(ledger_store, tmp_path)
    with pytest.raises(NotAllowed):
        restore_store(ledger_store, backup, read_only=True)
    assert _leads(ledger_store) == 4
