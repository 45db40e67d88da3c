"""The leads per one- and two-character piece of their search keys (``lead_gram_total``), kept by
triggers: equal to a count of the leads' keys after every kind of write, on both engines, and
what the pipeline's filter counts for a short word — the leads an import left waiting for the
search index included."""

from __future__ import annotations

import dataclasses
from datetime import date
from pathlib import Path

import pytest
from peewee import fn

from models import engine, lead_import, leads
from models.db import SCHEMA_VERSION, close_store, open_store, schema_version
from models.gram_totals import LeadGramTotal, count_grams, key_grams
from models.leads import LeadFilter
from models.ledger import upsert_leads
from models.maintenance import check_store
from models.records import STAGES
from models.search import search_key
from models.search_backlog import index_waiting, waiting_ranges
from models.tables import Lead, database, rows, run_sql
from models.transfer import copy_store
from tests.conftest import lead

pytestmark = pytest.mark.both_engines

TODAY = date(2022, 9, 10)
Totals = dict[tuple[str, str], tuple[int, int]]
#: Short words a clerk types first: a letter, a pair, a digit, Chinese of one and two characters.
WORDS = ("h", "hj", "j", "0", "恒", "恒嘉", "有限", "gs", "zz")


def kept() -> Totals:
    query = LeadGramTotal.select(
        LeadGramTotal.gram, LeadGramTotal.stage, LeadGramTotal.leads, LeadGramTotal.amount_wan
    ).where(LeadGramTotal.leads != 0)
    return {(g, s): (int(n), int(a)) for g, s, n, a in rows(query)}


def counted() -> Totals:
    """The leads' grams counted in Python from their keys, apart from the triggers' SQL."""
    return count_grams(rows(Lead.select(Lead.search_key, Lead.stage, Lead.amount_wan)))


def scanned(word: str) -> dict[str, tuple[int, int]]:
    """What reading every lead's key finds for ``word``, per stage."""
    query = (
        Lead.select(Lead.stage, fn.COUNT(Lead.id), engine.total(Lead.amount_wan))
        .where(engine.contains(Lead.search_key, word))
        .group_by(Lead.stage)
    )
    found = {s: (int(n), int(a)) for s, n, a in rows(query)}
    return {stage: found.get(stage, (0, 0)) for stage in STAGES}


def assert_kept() -> None:
    assert kept() == counted()
    assert [p.key for p in check_store().problems] == []
    for word in WORDS:
        assert leads.stage_totals(LeadFilter(text=word), TODAY) == scanned(word), word


def _of(company: str) -> Lead:
    return Lead.get(Lead.company == company)


def test_a_keys_grams_are_its_characters_and_pairs_never_across_its_parts() -> None:
    key = search_key("恒嘉", "ab")
    assert key_grams(key) >= {"恒", "嘉", "恒嘉", "a", "b", "ab", "hj", "hengjia"[:2]}
    assert not any("\x1f" in gram for gram in key_grams(key))
    assert "嘉a" not in key_grams(key)  # the company's end and the project's start: two parts
    # a lead counts once per gram, however often its key holds it
    assert count_grams([("aa\x1faa", "lead", 5)]) == {("a", "lead"): (1, 5), ("aa", "lead"): (1, 5)}


def test_the_gram_totals_follow_every_kind_of_write(campaign_store: Path) -> None:
    upsert_leads(
        [
            lead("恒嘉家居有限公司", stage="lead", signed_on=None),
            lead("华宇化工有限公司", stage="negotiating", signed_on=None, amount_wan=30000),
            lead("临泉物流公司", "仓储0号项目", unit="姚李镇"),
        ],
        "clerk",
        TODAY,
    )
    assert kept() and counted()
    assert_kept()
    # a re-import moves one and changes its amount
    upsert_leads(
        [lead("华宇化工有限公司", stage="signed", amount_wan=45000, signed_on=date(2022, 8, 30))],
        "clerk",
        TODAY,
    )
    assert_kept()
    made = leads.create_lead(
        leads.LeadFields("恒嘉精工", "嘉园项目", "智能家居", 5000, True, "来访", "区经信局"),
        "clerk",
        TODAY,
    )
    assert_kept()
    one = _of("恒嘉家居有限公司")
    leads.move(one.id, one.version, "negotiating", date(2022, 9, 1), "clerk", TODAY)
    assert_kept()
    two = _of("临泉物流公司")  # renamed: its old grams off, its new ones on
    record = leads.lead_record(two.id)
    assert record is not None
    renamed = dataclasses.replace(leads.lead_fields(record), company="金寨智造公司")
    leads.update_lead(two.id, two.version, renamed, "clerk")
    assert (
        leads.stage_totals(LeadFilter(text="临"), TODAY)
        == scanned("临")
        == {s: (0, 0) for s in STAGES}
    )
    assert_kept()
    three = _of("华宇化工有限公司")
    leads.drop(three.id, three.version, "资金未落实", TODAY, "clerk")
    assert_kept()
    leads.undo(made)  # the lead it made deleted
    Lead.delete().where(Lead.company == "金寨智造公司").execute()
    assert_kept()


def test_a_short_word_with_another_narrowing_is_counted_from_the_keys(
    campaign_store: Path,
) -> None:
    upsert_leads(
        [lead("恒嘉家居有限公司"), lead("恒嘉精工有限公司", unit="姚李镇")], "clerk", TODAY
    )
    by_unit = leads.stage_totals(LeadFilter(text="hj", unit="姚李镇"), TODAY)
    assert by_unit["signed"] == (1, 12000)
    two_words = leads.stage_totals(LeadFilter(text="hj jg"), TODAY)  # 精工: one of them
    assert two_words["signed"] == (1, 12000)
    assert leads.stage_totals(LeadFilter(text="HJ"), TODAY)["signed"] == (2, 24000)


def _back_to_version_9(engine_name: str) -> None:
    """The store as schema 9 left it: no gram totals, nor their upkeep."""
    if engine_name == "postgres":
        statements = [
            "DROP TRIGGER lead_gram_total_keep ON lead",
            "DROP FUNCTION yeji_lead_gram_total()",
            "UPDATE yeji_schema SET version = 9",
        ]
    else:
        statements = [
            *(f"DROP TRIGGER lead_gram_total_{op}" for op in ("insert", "delete", "update")),
            "PRAGMA user_version = 9",
        ]
    for sql in ("DROP TABLE lead_gram_total", *statements):
        run_sql(sql)


def test_a_version_9_store_gets_its_gram_totals_counted_and_kept(
    campaign_store: Path, engine_name: str
) -> None:
    upsert_leads([lead("恒嘉家居有限公司"), lead("华宇化工有限公司")], "clerk", TODAY)
    expected = counted()
    with database.atomic():
        _back_to_version_9(engine_name)
    close_store()
    open_store(campaign_store)
    assert schema_version(database) == SCHEMA_VERSION
    assert kept() == expected
    one = _of("恒嘉家居有限公司")
    leads.move(one.id, one.version, "started", TODAY, "clerk", TODAY)  # kept from then on
    assert_kept()


def test_a_copy_counts_its_gram_totals_afresh(campaign_store: Path, tmp_path: Path) -> None:
    upsert_leads([lead("恒嘉家居有限公司"), lead("华宇化工有限公司")], "clerk", TODAY)
    expected = kept()
    copy = tmp_path / "copy.sqlite3"
    copy_store(copy)
    close_store()
    open_store(copy)
    assert kept() == expected
    assert_kept()
    one = _of("华宇化工有限公司")  # the copy's triggers keep them from then on
    leads.move(one.id, one.version, "started", TODAY, "clerk", TODAY)
    assert_kept()


@pytest.mark.sqlite_only
def test_leads_waiting_for_the_search_index_are_counted_for_a_short_word(
    campaign_store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    upsert_leads([lead("华宇化工有限公司")], "clerk", TODAY)
    monkeypatch.setattr(lead_import, "index_waiting", lambda progress=None: 0)
    upsert_leads([lead(f"恒嘉家居第{i}分公司") for i in range(5)], "imp", TODAY)
    monkeypatch.undo()
    assert waiting_ranges()
    assert ("hj", "signed") not in kept()  # the catch-up counts them, not the import
    found = leads.stage_totals(LeadFilter(text="hj"), TODAY)
    assert found == scanned("hj") and found["signed"] == (5, 60000)
    assert check_store().problems == []  # waiting is not wrong
    # a waiting lead moved: the triggers leave it to the catch-up, which counts it as it is now
    first = _of("恒嘉家居第0分公司")
    leads.move(first.id, first.version, "started", TODAY, "clerk", TODAY)
    assert index_waiting() == 5
    assert waiting_ranges() == []
    assert kept()[("hj", "signed")] == (4, 48000)
    assert_kept()


def test_check_tells_each_of_its_parts_as_it_begins(campaign_store: Path) -> None:
    from models import engine
    from models.maintenance import check_store

    parts: list[str] = []
    assert check_store(parts.append).problems == []
    totals = ["stage_total", "activity_day", "lead_touch_day", "lead_gram_total"]
    if engine.on_server():  # integrity, keys and the trigram index are the server's own
        assert parts == [*totals, "audit"]
    else:
        assert parts == ["integrity", "foreign_keys", *totals, "search", "audit"]
