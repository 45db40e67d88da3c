"""Imports never lock others out: writers in other processes wait and succeed during an import,
a busy store is a clean exit 4, and an import killed with SIGKILL leaves the store whole.

Processes hand each other the moment things happen (events, a trace pipe); nothing sleeps.
Every test runs on SQLite and on PostgreSQL: a process reopens the store by its path or URL.
"""

from __future__ import annotations

import csv
import multiprocessing as mp
import os
import select
import signal
import subprocess
import sys
from datetime import date, timedelta
from multiprocessing.synchronize import Event
from pathlib import Path

import pytest

from models import write_lock
from models.db import close_store, open_store, set_busy_notice
from models.store_url import StorePlace, StoreUrl, place_of
from tests.conftest import (
    SAMPLE,
    activity,
    lead,
    other_connection,
    other_writer,
    write_lock_refusal,
)
from yeji_tui.cli import main
from yeji_tui.importer import CHINESE_HEADERS, LEAD_COLUMNS

TODAY = date(2022, 9, 10)
BOUND_S = 60  # no test waits this long unless something is wrong
WRITES = 5  # by each writer

# every store test here runs on SQLite and on PostgreSQL (tests/conftest.py)
pytestmark = pytest.mark.both_engines


def _import_many(path: str, n: int, locked: Event, writers_waiting: list[Event]) -> None:
    """An import that, once it holds the lock, keeps it until both writers wait for it."""
    from models.ledger import upsert_leads

    open_store(place_of(path))

    def progress(phase: str, k: int) -> None:
        if phase == "write":
            locked.set()
            for waiting in writers_waiting:
                if not waiting.wait(BOUND_S):
                    raise SystemExit(f"a writer never had to wait ({phase})")

    rows = [
        lead(f"导入{i}号家居有限公司", "定制家居", stage="lead", signed_on=None) for i in range(n)
    ]
    upsert_leads(rows, "importer", TODAY, progress)


def _write_during(path: str, me: int, locked: Event, waiting: Event) -> None:
    """Writes that start while the import holds the lock: activities, and follow-ups on one
    shared lead (read its version, write with it: a lost update would be refused or lost)."""
    from models import leads
    from models.ledger import add_activities
    from models.tables import Lead

    open_store(place_of(path))
    set_busy_notice(waiting.set)
    if not locked.wait(BOUND_S):
        raise SystemExit("the import never took the lock")
    for k in range(WRITES):
        add_activities([activity(TODAY - timedelta(days=k + 10 * me))])
        while True:
            shared = Lead.get(Lead.company == "共享线索有限公司")
            try:
                leads.add_follow_up(shared.id, shared.version, f"{me}-{k}", TODAY, None, "w")
                break
            except leads.LeadChanged:
                continue  # the other writer was first: read again


def test_two_writers_during_an_import_wait_and_lose_nothing(campaign_store: StorePlace) -> None:
    from models.ledger import upsert_leads
    from models.tables import Activity, FollowUp, Lead, StageTotal

    upsert_leads([lead("共享线索有限公司", "项目", stage="lead", signed_on=None)], "c", TODAY)
    close_store()
    spawn = mp.get_context("spawn")
    locked = spawn.Event()
    waiting = [spawn.Event(), spawn.Event()]
    processes = [
        spawn.Process(target=_import_many, args=(str(campaign_store), 2000, locked, waiting)),
        *(
            spawn.Process(target=_write_during, args=(str(campaign_store), i, locked, waiting[i]))
            for i in range(2)
        ),
    ]
    for p in processes:
        p.start()
    for p in processes:
        p.join(BOUND_S)
    codes = [p.exitcode for p in processes]
    for p in processes:
        if p.is_alive():
            p.kill()
    assert codes == [0, 0, 0]
    assert all(w.is_set() for w in waiting)  # both writers really waited for the import
    open_store(campaign_store)
    shared = Lead.get(Lead.company == "共享线索有限公司")
    assert shared.version == 1 + 2 * WRITES
    assert FollowUp.select().count() == 2 * WRITES
    assert Activity.select().count() == 2 * WRITES
    assert Lead.select().count() == 2001
    assert [(t.stage, t.leads) for t in StageTotal.select()] == [("lead", 2001)]


@pytest.mark.parametrize("command", ["import", "init"])
def test_a_cli_write_on_a_store_kept_busy_says_it_waits_then_exits_4_without_a_traceback(
    store_place: StorePlace,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    command: str,
) -> None:
    store = store_place
    monkeypatch.setenv("YEJI_SETTINGS", str(tmp_path / "settings.toml"))
    monkeypatch.delenv("YEJI_LANG", raising=False)
    base = ["--db", str(store), "--today", "2022-12-31"]
    assert main([*base, "init", "--config", str(SAMPLE / "campaign.toml")]) == 0
    close_store()
    capsys.readouterr()
    monkeypatch.setattr(write_lock, "BUSY_WAIT_S", 0.3)
    monkeypatch.setattr(write_lock, "QUIET_WAIT_S", 0.1)
    holder = other_writer(store)
    changed = tmp_path / "campaign.toml"
    changed.write_text(
        (SAMPLE / "campaign.toml").read_text(encoding="utf-8").replace("count = 15", "count = 16"),
        encoding="utf-8",
    )
    args = {
        "import": ["import", "leads", str(SAMPLE / "leads.csv")],
        "init": ["init", "--config", str(changed)],
    }[command]
    try:
        code = main([*base, *args])
    finally:
        holder.execute("ROLLBACK")
        set_busy_notice(None)
        close_store()
    err = capsys.readouterr().err
    assert code == 4
    assert err.startswith("另一项导入正在写入，稍候…\nyeji: ")
    assert "Traceback" not in err and "database is locked" not in err
    assert write_lock_refusal(store)[1] not in err
    assert len(err.splitlines()) == 2
    conn = other_connection(store)
    assert conn.execute("SELECT COUNT(*) FROM lead").fetchone() == (0,)
    conn.close()


DATES = ("2022-08-01", "2022-08-02", "", "", "")  # found, valid; no signing, start, drop


def _ledger(path: Path, n: int) -> Path:
    with path.open("w", encoding="utf-8", newline="") as f:
        out = csv.writer(f)
        out.writerow([CHINESE_HEADERS[c] for c in LEAD_COLUMNS])
        for i in range(n):
            name = (f"测试{i}号智能家居有限公司", f"年产{i}万套定制家居项目")
            out.writerow(
                [*name, "智能家居", 1000 + i, "是", "以商招商", "区经信局", "洽谈", *DATES]
            )
    return path


def _wait_for(fd: int, marker: str) -> None:
    """Read the import's trace until ``marker`` (bounded: a hung import fails the test)."""
    seen = ""
    while marker not in seen.splitlines():
        ready, _, _ = select.select([fd], [], [], BOUND_S)
        assert ready, f"no {marker!r} from the import; saw {seen!r}"
        chunk = os.read(fd, 4096).decode()
        assert chunk, f"the import ended before {marker!r}; saw {seen!r}"
        seen += chunk


@pytest.mark.parametrize("marker", ["phase reading", "phase preparing", "lock"])
def test_an_import_killed_mid_way_leaves_the_store_wholly_before_or_wholly_after(
    campaign_store: StorePlace, tmp_path: Path, marker: str
) -> None:
    close_store()
    n = 3000
    ledger = _ledger(tmp_path / "leads.csv", n)
    read_end, write_end = os.pipe()
    env = dict(os.environ, YEJI_TRACE_FD=str(write_end), YEJI_SETTINGS=str(tmp_path / "s.toml"))
    yeji = [sys.executable, "-m", "yeji_tui", "--db", str(campaign_store), "--today", str(TODAY)]
    child = subprocess.Popen(
        [*yeji, "import", "leads", str(ledger)],
        env=env,
        pass_fds=(write_end,),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    os.close(write_end)
    try:
        _wait_for(read_end, marker)
        child.send_signal(signal.SIGKILL)
        assert child.wait(BOUND_S) == -signal.SIGKILL
    finally:
        child.kill()
        os.close(read_end)
    conn = other_connection(campaign_store)
    leads = conn.execute("SELECT COUNT(*) FROM lead").fetchone()[0]
    assert leads in (0, n)
    assert conn.execute("SELECT COUNT(*) FROM stage_change").fetchone()[0] == leads
    assert conn.execute("SELECT COALESCE(SUM(leads), 0) FROM stage_total").fetchone()[0] == leads
    if isinstance(campaign_store, StoreUrl):
        # the search index is the server's own (pg_trgm), kept by the server in the transaction
        found = "SELECT COUNT(*) FROM lead WHERE search_key LIKE '%ceshi%'"
        assert conn.execute(found).fetchone()[0] == leads
        conn.close()
        return
    assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    trigger = "SELECT COUNT(*) FROM sqlite_master WHERE name = 'lead_fts_insert'"
    assert conn.execute(trigger).fetchone() == (1,)  # dropped and put back in one transaction
    conn.execute("INSERT INTO lead_fts (lead_fts) VALUES ('integrity-check')")
    assert (
        conn.execute("SELECT COUNT(*) FROM lead_fts WHERE search_key LIKE '%ceshi%'").fetchone()[0]
        == leads
    )
    conn.close()
