"""The store: SQLite settings, schema upgrades, the per-day summary, counts in SQL."""

from __future__ import annotations

import sqlite3
from datetime import date, timedelta
from pathlib import Path

import pytest
from peewee import DatabaseError, fn
from playhouse.test_utils import count_queries

from models import engine, queries
from models.campaigns import save_campaign
from models.db import (
    SCHEMA_VERSION,
    ChangeWatcher,
    NotAllowed,
    StoreError,
    close_store,
    immediate,
    open_store,
    schema_version,
)
from models.leads import LeadFilter, stage_totals
from models.ledger import add_activities, upsert_leads
from models.maintenance import check_store
from models.queries import activity_counts, count_projects, load_campaign
from models.records import ProjectFacts
from models.store_url import StorePlace
from models.tables import Activity, ActivityDay, Lead, LeadTouchDay, StageTotal, database, rows
from tests.conftest import FIXTURES, activity, lead, other_connection, small_campaign
from yeji_tui.status import gather

# every store test here runs on SQLite and on PostgreSQL (tests/conftest.py)
pytestmark = pytest.mark.both_engines


def columns(db_path: Path) -> dict[str, list[str]]:
    conn = sqlite3.connect(db_path)
    tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")]
    out = {t: sorted(r[1] for r in conn.execute(f'PRAGMA table_info("{t}")')) for t in tables}
    out["indexes"] = sorted(
        r[0]
        for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type IN ('index', 'trigger') AND sql IS NOT NULL"
        )
    )
    # an index or trigger an upgrade replaced must read as a new store's does
    out["definitions"] = sorted(
        f"{name}: {sql}"
        for name, sql in conn.execute(
            "SELECT name, sql FROM sqlite_master WHERE type IN ('index', 'trigger') "
            "AND sql IS NOT NULL"
        )
    )
    conn.close()
    return out


@pytest.mark.sqlite_only  # SQLite's own settings
def test_store_uses_wal_foreign_keys_busy_timeout_and_a_bigger_cache(store_path: Path) -> None:
    pragma = lambda name: database.execute_sql(f"PRAGMA {name}").fetchone()[0]  # noqa: E731
    assert pragma("journal_mode") == "wal"
    assert pragma("foreign_keys") == 1
    assert pragma("busy_timeout") == 5000
    assert pragma("cache_size") == -16384
    assert schema_version(database) == SCHEMA_VERSION


def test_an_older_store_is_upgraded_in_place_and_keeps_its_data(tmp_path: Path) -> None:
    old = tmp_path / "old.sqlite3"
    conn = sqlite3.connect(old)
    conn.executescript((FIXTURES / "store-v1.sql").read_text(encoding="utf-8"))
    conn.close()
    open_store(old)
    assert schema_version(database) == SCHEMA_VERSION
    settings = load_campaign()
    assert settings is not None and settings.name == "旧版活动"
    assert Lead.select().count() == 3
    assert Lead.get(Lead.id == 1).version == 1
    # the summary was rebuilt from the activities already there
    acts = activity_counts(date(2022, 7, 15), date(2022, 10, 22))
    assert {k: n for k, n in acts["trips"].items() if n} == {("区经信局", "2022-07"): 2}
    assert {k: n for k, n in acts["principal_trips"].items() if n} == {("区经信局", "2022-07"): 1}
    status = gather(settings, date(2022, 9, 10))
    assert status.targets[0].total.actual == 2
    # and so were the per-stage totals
    assert summed_stages() == counted_stages() and sum(n for n, _ in summed_stages().values()) == 3
    # and the leads per touched day (schema 9), from the touched days schema 3 gave them
    assert check_store().problems == [] and LeadTouchDay.select().count() > 0
    # an upgraded store has the same tables, columns, indexes and triggers as a new one
    fresh = tmp_path / "fresh.sqlite3"
    open_store(fresh)
    assert columns(old) == columns(fresh)


#: The search index's triggers as schema 6 had them (before the import's search backlog).
_V6_SEARCH_TRIGGERS = """
CREATE TRIGGER lead_fts_insert AFTER INSERT ON lead BEGIN
INSERT INTO lead_fts (rowid, search_key) VALUES (NEW.id, NEW.search_key); END;
CREATE TRIGGER lead_fts_delete AFTER DELETE ON lead BEGIN
INSERT INTO lead_fts (lead_fts, rowid, search_key) VALUES ('delete', OLD.id, OLD.search_key); END;
CREATE TRIGGER lead_fts_update AFTER UPDATE OF search_key ON lead BEGIN
INSERT INTO lead_fts (lead_fts, rowid, search_key) VALUES ('delete', OLD.id, OLD.search_key);
INSERT INTO lead_fts (rowid, search_key) VALUES (NEW.id, NEW.search_key); END;
CREATE INDEX "lead_unit_id" ON "lead" ("unit_id");
DROP TABLE search_backlog;
PRAGMA user_version = 6;
"""


def test_a_version_6_store_gets_the_search_backlog_and_its_triggers(tmp_path: Path) -> None:
    old = tmp_path / "v6.sqlite3"
    open_store(old)
    save_campaign(small_campaign())
    upsert_leads([lead()], "clerk", date(2022, 9, 10))
    database.close()
    with sqlite3.connect(old) as conn:
        for name in ("lead_fts_insert", "lead_fts_delete", "lead_fts_update"):
            conn.execute(f"DROP TRIGGER {name}")
        conn.executescript(_V6_SEARCH_TRIGGERS)
    open_store(old)
    assert schema_version(database) == SCHEMA_VERSION
    assert stage_totals(LeadFilter(text="hengjia"), date(2022, 9, 10))["signed"][0] == 1
    fresh = tmp_path / "fresh.sqlite3"
    open_store(fresh)
    assert columns(old) == columns(fresh)


def test_a_store_from_a_newer_version_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "new.sqlite3"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE x (y)")
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()
    with pytest.raises(StoreError) as refused:
        open_store(path)
    assert refused.value.key == "store.newer"


def test_the_day_summary_follows_inserts_updates_and_deletes(campaign_store: Path) -> None:
    add_activities(
        [
            activity(date(2022, 7, 20)),
            activity(date(2022, 7, 20), principal=True),
            activity(date(2022, 8, 3), kind="visit"),
        ]
    )
    first = Activity.select().order_by(Activity.id).first()
    Activity.update(on=date(2022, 8, 1)).where(Activity.id == first.id).execute()
    Activity.delete().where(Activity.kind == "visit").execute()
    summary = {(r.day, r.kind, r.led_by_principal): r.n for r in ActivityDay.select() if r.n}
    raw = rows(
        Activity.select(
            Activity.on, Activity.kind, Activity.led_by_principal, fn.COUNT(Activity.id)
        ).group_by(Activity.on, Activity.kind, Activity.led_by_principal)
    )
    assert summary == {(d, k, bool(p)): n for d, k, p, n in raw}
    assert summary == {(date(2022, 8, 1), "trip", False): 1, (date(2022, 7, 20), "trip", True): 1}


def counted_stages() -> dict[str, tuple[int, int]]:
    query = Lead.select(Lead.stage, fn.COUNT(Lead.id), engine.total(Lead.amount_wan))
    return {stage: (n, int(total)) for stage, n, total in rows(query.group_by(Lead.stage))}


def summed_stages() -> dict[str, tuple[int, int]]:
    return {stage: (n, total) for stage, n, total in rows(StageTotal.select()) if n}


def test_the_stage_totals_follow_inserts_moves_amounts_and_deletes(campaign_store: Path) -> None:
    upsert_leads(
        [
            lead("甲公司", stage="lead", signed_on=None, amount_wan=5000),
            lead("乙公司", stage="negotiating", signed_on=None, amount_wan=20000),
            lead("丙公司"),
        ],
        "clerk",
        date(2022, 9, 1),
    )
    Lead.update(stage="negotiating").where(Lead.company == "甲公司").execute()
    Lead.update(amount_wan=30000).where(Lead.company == "乙公司").execute()
    Lead.delete().where(Lead.company == "丙公司").execute()
    assert summed_stages() == counted_stages() == {"negotiating": (2, 35000)}
    # the pipeline reads the summary when nothing is filtered, and counts when something is
    totals = stage_totals(LeadFilter(), date(2022, 9, 1))
    assert totals["negotiating"] == (2, 35000) and totals["signed"] == (0, 0)
    assert stage_totals(LeadFilter(text="甲"), date(2022, 9, 1))["negotiating"] == (1, 5000)


def test_identical_activities_import_once_but_two_in_one_file_stay_two(
    campaign_store: Path,
) -> None:
    trip = activity(date(2022, 7, 20))
    assert add_activities([trip, trip]).added == 2
    again = add_activities([trip, trip, trip])
    assert (again.added, again.unchanged) == (1, 2)


def test_project_counts_respect_window_amount_dropped_and_as_of(campaign_store: Path) -> None:
    upsert_leads(
        [
            lead("甲", "一", amount_wan=10000, signed_on=date(2022, 8, 1)),
            lead("乙", "二", amount_wan=9999, signed_on=date(2022, 8, 1)),  # under 1亿
            lead(
                "丙", "三", amount_wan=50000, is_industrial=False, signed_on=date(2022, 7, 14)
            ),  # before
            lead("丁", "四", amount_wan=60000, is_industrial=False, signed_on=date(2022, 9, 20)),
            lead("戊", "五", stage="dropped", signed_on=date(2022, 8, 2)),
        ],
        "t",
        date(2022, 12, 1),
    )
    start = date(2022, 7, 15)
    assert count_projects("signed", start, date(2022, 10, 22), 10000) == ProjectFacts(
        actual=2, industrial=1
    )
    assert count_projects("signed", start, date(2022, 9, 10), 10000).actual == 1  # as of a day
    assert count_projects("signed", start, date(2022, 10, 22), 50000).actual == 1


def test_a_lead_dropped_later_still_counts_as_of_an_earlier_day(campaign_store: Path) -> None:
    upsert_leads([lead(signed_on=date(2022, 8, 1))], "t", date(2022, 8, 1))
    Lead.update(stage="dropped", dropped_on=date(2022, 9, 1)).execute()
    start = date(2022, 7, 15)
    assert count_projects("signed", start, date(2022, 8, 31), 10000).actual == 1
    assert count_projects("signed", start, date(2022, 9, 1), 10000).actual == 0


def test_gather_runs_a_fixed_number_of_queries_whatever_the_data(campaign_store: Path) -> None:
    settings = load_campaign()
    assert settings is not None

    def queries_for_status() -> int:
        with count_queries() as counter:
            gather(settings, date(2022, 9, 10))
        return int(counter.count)

    few = queries_for_status()
    upsert_leads(
        [lead(f"公司{i}", "项目", valid_since=date(2022, 7, 20)) for i in range(50)],
        "t",
        date(2022, 9, 1),
    )
    add_activities([activity(date(2022, 7, 16) + timedelta(days=i % 30)) for i in range(60)])
    assert queries_for_status() == few


def test_saving_a_campaign_twice_changes_nothing_and_removing_a_used_unit_is_refused(
    campaign_store: Path,
) -> None:
    settings = small_campaign()
    assert not save_campaign(settings).changed
    upsert_leads([lead(unit="平岗街道")], "t", date(2022, 8, 1))
    fewer = type(settings)(
        **{**settings.__dict__, "units": tuple(u for u in settings.units if u.name != "平岗街道")}
    )
    with pytest.raises(StoreError, match="平岗街道"):
        save_campaign(fewer)
    assert load_campaign() == settings


def test_change_watcher_sees_commits_from_other_connections(campaign_store: Path) -> None:
    watcher = ChangeWatcher(campaign_store)
    assert not watcher.changed()
    other = other_connection(campaign_store)
    other.execute("UPDATE campaign SET name = '改名'")
    other.commit()
    other.close()
    watcher.wait(10.0)  # a server's NOTIFY arrives after the commit, not with it
    assert watcher.changed()
    assert not watcher.changed()
    watcher.close()


def test_latest_projects_are_newest_first(campaign_store: Path) -> None:
    upsert_leads(
        [
            lead("甲", "一", signed_on=date(2022, 8, 1)),
            lead(
                "乙", "二", stage="started", signed_on=date(2022, 8, 2), started_on=date(2022, 9, 1)
            ),
        ],
        "t",
        date(2022, 9, 1),
    )
    latest = queries.latest_projects(date(2022, 7, 15), date(2022, 10, 22))
    assert [(p.company, p.stage) for p in latest] == [
        ("乙", "started"),
        ("乙", "signed"),
        ("甲", "signed"),
    ]


def test_change_watcher_absorbs_our_own_commits(campaign_store: Path) -> None:
    watcher = ChangeWatcher(campaign_store)
    upsert_leads([lead()], "t", date(2022, 9, 10))  # through the store's own connection
    watcher.absorb()
    assert not watcher.changed()
    watcher.close()


def test_the_builtin_campaign_round_trips_through_the_store_with_roster_and_tasks(
    store_path: Path,
) -> None:
    from yeji_tui.config import builtin_campaign

    settings = builtin_campaign()
    assert save_campaign(settings).changed
    assert load_campaign() == settings
    assert not save_campaign(settings).changed


def test_a_store_opened_read_only_refuses_every_write_on_either_engine(
    campaign_store: StorePlace,
) -> None:
    close_store()
    opened = open_store(campaign_store, read_only=True)
    assert opened.read_only == "flag"
    with pytest.raises(NotAllowed), immediate():
        pass
    # and a write that went round immediate() is refused by the engine itself
    with pytest.raises(DatabaseError):
        database.execute_sql("UPDATE campaign SET name = '改名'")
    assert load_campaign() == small_campaign()
