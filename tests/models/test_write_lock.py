"""Short write locks: a write waits for another writer (and says so) or gives up cleanly, and an
import prepared without the lock loses nothing that others committed meanwhile."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from models import db, engine, write_lock
from models.db import StoreBusy, immediate, set_busy_notice, write_prepared
from models.ledger import add_activities, upsert_leads
from models.store_url import StorePlace
from models.tables import Activity, Lead, StageChange, StageTotal, sql_value
from tests.conftest import (
    activity,
    begin_write,
    commit_write,
    lead,
    other_connection,
    other_writer,
)

# every store test here runs on SQLite and on PostgreSQL (tests/conftest.py)
pytestmark = pytest.mark.both_engines

TODAY = date(2022, 9, 10)


@pytest.fixture
def notices() -> Iterator[list[str]]:
    """What the busy notice was told (the CLI prints it, the TUI notifies)."""
    told: list[str] = []
    set_busy_notice(lambda: told.append("waiting"))
    yield told
    set_busy_notice(None)


def other_writes(place: StorePlace, sql: str) -> None:
    """Another process's write, committed as yeji commits one (a server's change counter moved)."""
    other = other_connection(place, autocommit=True)
    begin_write(other, place, wait_s=write_lock.BUSY_WAIT_S)
    other.execute(sql)
    commit_write(other, place)
    other.close()


def test_a_write_that_must_wait_says_so_once_and_goes_on_when_the_lock_is_free(
    campaign_store: Path, notices: list[str]
) -> None:
    holder = other_writer(campaign_store)
    released = threading.Event()

    def release() -> None:  # the notice is the moment we know the write is waiting
        notices.append("waiting")
        holder.execute("COMMIT")
        released.set()

    set_busy_notice(release)
    assert add_activities([activity(date(2022, 8, 1))]).added == 1
    assert released.is_set() and notices == ["waiting"]
    assert Activity.select().count() == 1


def test_a_write_that_waits_past_the_bound_raises_store_busy_and_writes_nothing(
    campaign_store: Path, notices: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(write_lock, "BUSY_WAIT_S", 0.3)
    monkeypatch.setattr(write_lock, "QUIET_WAIT_S", 0.1)
    holder = other_writer(campaign_store)
    with pytest.raises(StoreBusy, match="another program kept the store busy"):
        add_activities([activity(date(2022, 8, 1))])
    holder.execute("ROLLBACK")
    assert notices == ["waiting"]
    assert Activity.select().count() == 0
    # the connection is usable again, with its usual busy timeout (a server's statements wait
    # for no lock once the write is over)
    if engine.on_server():
        assert sql_value("SHOW lock_timeout") == "0"
    else:
        assert sql_value("PRAGMA busy_timeout") == db.BUSY_TIMEOUT_S * 1000
    with immediate():
        assert not notices[1:]


def test_write_prepared_prepares_again_under_the_lock_when_someone_committed_meanwhile(
    campaign_store: Path,
) -> None:
    prepared: list[int] = []

    def prepare() -> int:
        quota = int(sql_value("SELECT quota_trips FROM campaign"))
        prepared.append(quota)
        if len(prepared) == 1:  # someone else commits after we read, before we lock
            other_writes(campaign_store, "UPDATE campaign SET quota_trips = quota_trips + 10")
        return quota

    def write(quota: int) -> int:
        sql_value(f"UPDATE campaign SET quota_trips = {quota + 1} RETURNING quota_trips")
        return quota + 1

    before = int(sql_value("SELECT quota_trips FROM campaign"))
    assert write_prepared(prepare, write) == before + 11  # their +10 is not lost
    assert prepared == [before, before + 10]
    assert write_prepared(prepare, write) == before + 12
    assert prepared[2:] == [before + 11]  # nobody wrote in between: prepared once


def test_a_lead_added_elsewhere_between_preparing_and_writing_is_updated_not_added_twice(
    campaign_store: Path,
) -> None:
    upsert_leads([lead("恒嘉家居有限公司", "定制家居", amount_wan=12000)], "clerk", TODAY)
    copied: list[str] = []

    def progress(phase: str, n: int) -> None:
        if phase == "ready" and not copied:  # prepared: the lead below was not in the store
            other_writes(
                campaign_store,
                "INSERT INTO lead (company, project, industry, amount_wan, is_industrial, "
                "is_head_enterprise, is_listed, source, unit_id, stage, dropped_reason, "
                "created_at, updated_at, version, search_key) SELECT company, '板材', industry, "
                "500, is_industrial, false, false, source, unit_id, 'lead', '', created_at, "
                "updated_at, 1, search_key FROM lead",
            )
            copied.append(phase)

    rows = [
        lead("恒嘉家居有限公司", "定制家居", amount_wan=12000),
        lead("恒嘉家居有限公司", "板材", stage="negotiating", signed_on=None, amount_wan=900),
        lead("华宇化工有限公司", "精细化学品", stage="lead", signed_on=None, amount_wan=300),
    ]
    result = upsert_leads(rows, "importer", TODAY, progress)
    assert copied and (result.added, result.updated, result.unchanged) == (1, 1, 1)
    board = Lead.get(Lead.project == "板材")
    assert (board.stage, board.amount_wan, board.version) == ("negotiating", 900, 2)
    history = [
        (c.from_stage, c.to_stage) for c in StageChange.select().where(StageChange.lead == board.id)
    ]
    assert history == [("lead", "negotiating")]
    totals = {t.stage: (t.leads, t.amount_wan) for t in StageTotal.select()}
    assert totals == {"signed": (1, 12000), "negotiating": (1, 900), "lead": (1, 300)}


def test_an_import_keeps_a_clerks_edit_made_while_it_was_prepared(campaign_store: Path) -> None:
    upsert_leads([lead("恒嘉家居有限公司", "定制家居", amount_wan=12000)], "clerk", TODAY)
    edited: list[int] = []

    def progress(phase: str, n: int) -> None:
        if phase == "ready" and not edited:  # once: the second time we hold the lock
            edited.append(n)
            other_writes(
                campaign_store,
                "UPDATE lead SET next_follow_up = '2022-09-20', version = version + 1 "
                "WHERE next_follow_up IS NULL",
            )

    upsert_leads([lead("恒嘉家居有限公司", "定制家居", amount_wan=15000)], "imp", TODAY, progress)
    stored = Lead.get()
    assert (stored.amount_wan, stored.next_follow_up, stored.version) == (
        15000,
        date(2022, 9, 20),
        3,
    )


@pytest.mark.sqlite_only  # SQLite's FTS5 index and its trigger (a server's is pg_trgm's)
def test_an_import_indexes_its_leads_for_search_and_keeps_the_index_trigger(
    campaign_store: Path,
) -> None:
    upsert_leads(
        [lead("恒嘉家居有限公司", "定制家居"), lead("华宇化工有限公司", "涂料")], "c", TODAY
    )
    found = sql_value("SELECT COUNT(*) FROM lead_fts WHERE search_key LIKE '%hengjia%'")
    assert found == 1
    assert sql_value("SELECT COUNT(*) FROM sqlite_master WHERE name = 'lead_fts_insert'") == 1
    sql_value("INSERT INTO lead_fts (lead_fts) VALUES ('integrity-check') RETURNING 1")
