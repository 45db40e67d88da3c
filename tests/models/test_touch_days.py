"""The leads per stage, touched day and unit (``lead_touch_day``), kept by triggers: equal to a
recount after every kind of write, and made and filled by the upgrade to schema 9."""

from __future__ import annotations

import dataclasses
from datetime import date
from pathlib import Path

import pytest
from peewee import fn

from models import leads
from models.db import SCHEMA_VERSION, close_store, open_store, schema_version
from models.ledger import log_activity, upsert_leads
from models.ledger_rows import ActivityInput
from models.maintenance import check_store
from models.tables import Lead, LeadTouchDay, database, rows, run_sql
from tests.conftest import lead

# every store test here runs on SQLite and on PostgreSQL (tests/conftest.py)
pytestmark = pytest.mark.both_engines

TODAY = date(2022, 9, 10)
Key = tuple[str, date, int]


def counted() -> dict[Key, int]:
    query = (
        Lead.select(Lead.stage, Lead.touched_on, Lead.unit, fn.COUNT(Lead.id))
        .where(Lead.touched_on.is_null(False))
        .group_by(Lead.stage, Lead.touched_on, Lead.unit)
    )
    return {(s, d, int(u)): int(n) for s, d, u, n in rows(query)}


def kept() -> dict[Key, int]:
    query = LeadTouchDay.select(
        LeadTouchDay.stage, LeadTouchDay.touched_on, LeadTouchDay.unit_id, LeadTouchDay.n
    ).where(LeadTouchDay.n != 0)
    return {(s, d, int(u)): int(n) for s, d, u, n in rows(query)}


def assert_kept() -> None:
    assert kept() == counted()
    assert [p.key for p in check_store().problems] == []


def _of(company: str) -> Lead:
    return Lead.get(Lead.company == company)


def test_the_touched_days_follow_every_kind_of_write(campaign_store: Path) -> None:
    # imported: new leads (their touched day is their stage's day), then one moved by a re-import
    upsert_leads(
        [
            lead("甲公司", stage="lead", signed_on=None, found_on=date(2022, 7, 20)),
            lead("乙公司", stage="negotiating", signed_on=None, found_on=date(2022, 7, 25)),
            lead("丙公司", unit="姚李镇"),
        ],
        "clerk",
        TODAY,
    )
    assert len(counted()) == 3
    assert_kept()
    upsert_leads([lead("乙公司", stage="signed", signed_on=date(2022, 8, 30))], "clerk", TODAY)
    assert_kept()
    # created by hand, moved, followed up, met on a visit
    made = leads.create_lead(
        leads.LeadFields("丁公司", "丁项目", "智能家居", 5000, True, "来访", "平岗街道"),
        "clerk",
        TODAY,
    )
    assert_kept()
    one = _of("甲公司")
    moved = leads.move(one.id, one.version, "negotiating", date(2022, 9, 1), "clerk", TODAY)
    assert_kept()
    one = _of("甲公司")
    leads.add_follow_up(one.id, one.version, "电话沟通", date(2022, 9, 5), None, "clerk")
    assert_kept()
    log_activity(
        ActivityInput(TODAY, "区经信局", "visit", False, "", "", ""),  # type: ignore[arg-type]
        ["乙公司"],
    )
    assert _of("乙公司").touched_on == TODAY
    assert_kept()
    # handed to another unit, dropped
    two = _of("乙公司")
    record = leads.lead_record(two.id)
    assert record is not None
    fields = dataclasses.replace(leads.lead_fields(record), unit="姚李镇")
    leads.update_lead(two.id, two.version, fields, "clerk")
    assert _of("乙公司").unit.name == "姚李镇"
    assert_kept()
    three = _of("丙公司")
    leads.drop(three.id, three.version, "资金未落实", TODAY, "clerk")
    assert_kept()
    # undone: a made lead deleted, a move taken back; deleted outright
    leads.undo(made)
    assert_kept()
    with pytest.raises(leads.LeadChanged):  # followed up since: the move stays
        leads.undo(moved)
    Lead.delete().where(Lead.company == "丙公司").execute()
    assert_kept()
    assert kept() and sum(kept().values()) == Lead.select().count()


def test_a_move_undone_gives_the_lead_back_its_old_touched_day(campaign_store: Path) -> None:
    upsert_leads([lead(stage="lead", signed_on=None, found_on=date(2022, 7, 20))], "clerk", TODAY)
    one = Lead.get()
    before = kept()
    moved = leads.move(one.id, one.version, "negotiating", TODAY, "clerk", TODAY)
    assert kept() != before
    leads.undo(moved)
    assert kept() == before == counted()


def _back_to_version_8(engine_name: str) -> None:
    """The store as schema 8 left it: no touched days, their upkeep, or the lead id index."""
    if engine_name == "postgres":
        statements = [
            "DROP TRIGGER lead_touch_day_keep ON lead",
            "DROP FUNCTION yeji_lead_touch_day()",
            "UPDATE yeji_schema SET version = 8",
        ]
    else:
        statements = [
            *(f"DROP TRIGGER lead_touch_day_{op}" for op in ("insert", "delete", "update")),
            "PRAGMA user_version = 8",
        ]
    for sql in ("DROP TABLE lead_touch_day", 'DROP INDEX "lead_id_valid_since_unit_id"'):
        run_sql(sql)
    for sql in statements:
        run_sql(sql)


def test_a_version_8_store_gets_its_touched_days_counted_and_kept(
    campaign_store: Path, engine_name: str
) -> None:
    upsert_leads(
        [
            lead("甲公司", stage="lead", signed_on=None, found_on=date(2022, 7, 20)),
            lead("乙公司", unit="姚李镇"),
            lead("丙公司", stage="lead", signed_on=None, found_on=None),
        ],
        "clerk",
        TODAY,
    )
    expected = counted()
    with database.atomic():
        _back_to_version_8(engine_name)
    close_store()
    open_store(campaign_store)
    assert schema_version(database) == SCHEMA_VERSION
    assert kept() == expected
    assert "lead_id_valid_since_unit_id" in {i.name for i in database.get_indexes("lead")}
    one = _of("甲公司")
    leads.move(one.id, one.version, "negotiating", TODAY, "clerk", TODAY)  # and kept from then on
    assert_kept()
