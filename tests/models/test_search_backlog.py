"""A big import indexes its new leads for search after its write, in short transactions; until
then the filter still finds them, and nothing a clerk does to a waiting lead breaks the index."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from peewee import IntegrityError

from models import lead_import, leads, search_backlog
from models.leads import LeadFields, LeadFilter
from models.ledger import upsert_leads
from models.maintenance import check_store
from models.search_backlog import index_waiting, waiting_ranges
from models.tables import Lead, database, sql_value
from tests.conftest import lead

TODAY = date(2022, 9, 10)
FIRMS = [f"恒嘉家居第{i}分公司" for i in range(6)]


def _found(text: str) -> set[str]:
    """The companies the pipeline's filter shows, over every stage."""
    f = LeadFilter(text=text)
    return {
        card.company
        for stage in ("lead", "talks", "signed", "started")
        for card in leads.stage_page(stage, f, TODAY, 0, 100)
    }


def _fts_whole() -> None:
    """FTS5's own check of the index against the leads' keys (raises if they differ)."""
    sql_value("INSERT INTO lead_fts (lead_fts, rank) VALUES ('integrity-check', 1) RETURNING 1")


def _lead_indexes() -> list[tuple[str, str]]:
    return list(
        database.execute_sql(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'lead' "
            "ORDER BY name"
        ).fetchall()
    )


@pytest.fixture
def interrupted(campaign_store: Path, monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """An import whose search catch-up never ran (as if killed right after its commit)."""
    monkeypatch.setattr(lead_import, "index_waiting", lambda progress=None: 0)
    upsert_leads([lead(name, "定制家居") for name in FIRMS], "imp", TODAY)
    monkeypatch.undo()
    return [r.id for r in Lead.select(Lead.id).order_by(Lead.id)]


def test_an_import_leaves_nothing_waiting_and_its_leads_found_through_the_index(
    campaign_store: Path,
) -> None:
    upsert_leads([lead(name, "定制家居") for name in FIRMS], "imp", TODAY)
    assert waiting_ranges() == []
    assert sql_value("SELECT COUNT(*) FROM lead_fts WHERE search_key LIKE '%hengjia%'") == 6
    assert _found("hengjia") == set(FIRMS)
    _fts_whole()


def test_the_catch_up_takes_short_transactions_and_says_how_far_it_got(
    campaign_store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(lead_import, "index_waiting", lambda progress=None: 0)
    upsert_leads([lead(name, "定制家居") for name in FIRMS], "imp", TODAY)
    monkeypatch.setattr(search_backlog, "CATCH_UP_LEADS", 4)
    counts: list[int] = []
    assert index_waiting(counts.append) == 6
    assert counts == [4, 6]  # two transactions: four leads, then two
    assert waiting_ranges() == []
    _fts_whole()


def test_leads_waiting_for_the_index_are_found_by_the_filter(interrupted: list[int]) -> None:
    assert waiting_ranges() == [(interrupted[0], interrupted[-1])]
    assert sql_value("SELECT COUNT(*) FROM lead_fts WHERE search_key LIKE '%hengjia%'") == 0
    assert _found("hengjia") == set(FIRMS)
    assert _found("第3分") == {FIRMS[3]}
    assert _found("hjjj") == set(FIRMS)  # initials: 恒嘉家居


def test_a_waiting_lead_renamed_or_removed_does_not_break_the_index(
    interrupted: list[int],
) -> None:
    first = Lead.get_by_id(interrupted[0])
    fields = leads.lead_fields(leads.lead_record(first.id))  # type: ignore[arg-type]
    renamed = LeadFields(**{**fields.__dict__, "company": "华宇化工有限公司"})
    leads.update_lead(first.id, first.version, renamed, "clerk")
    created = leads.create_lead(
        LeadFields(**{**fields.__dict__, "company": "新建化工有限公司"}), "clerk", TODAY
    )
    leads.undo(created)  # deletes the lead it created (indexed at once: not waiting)
    assert _found("huayu") == {"华宇化工有限公司"}
    assert check_store().problems == []  # the waiting leads are not "missing from the index"
    # the next import finishes the catch-up, with the renamed lead as it is now
    upsert_leads([lead("临泉物流有限公司", "仓储")], "imp", TODAY)
    assert waiting_ranges() == []
    _fts_whole()
    assert _found("huayu") == {"华宇化工有限公司"}
    assert _found("hengjia") == set(FIRMS[1:])


def test_the_check_says_a_lead_indexed_while_waiting_is_wrong(interrupted: list[int]) -> None:
    # what a trigger that ignored the backlog would do: the catch-up would index it twice
    database.execute_sql(
        "INSERT INTO lead_fts (rowid, search_key) SELECT id, search_key FROM lead WHERE id = ?",
        (interrupted[2],),
    )
    problems = check_store().problems
    assert [p.key for p in problems] == ["check.search_extra"]
    assert str(interrupted[2]) in str(problems[0].values["ids"])


def test_an_import_bigger_than_the_store_builds_the_same_indexes_again(
    campaign_store: Path,
) -> None:
    before = _lead_indexes()
    upsert_leads([lead(name, "定制家居") for name in FIRMS], "imp", TODAY)  # 6 ≥ 0 stored
    assert _lead_indexes() == before
    assert sql_value("PRAGMA integrity_check") == "ok"
    # and one smaller than the store places its rows in the indexes kept
    upsert_leads([lead("临泉物流有限公司", "仓储")], "imp", TODAY)
    assert _lead_indexes() == before
    assert Lead.select().where(Lead.unit == Lead.get().unit).count() == 7


def test_a_duplicate_in_an_import_is_refused_by_the_unique_index_it_keeps(
    campaign_store: Path,
) -> None:
    # the importer refuses duplicate rows itself; the store's unique index is the backstop,
    # kept while the others are built again, and the whole import is undone
    with pytest.raises(IntegrityError):  # Peewee's, whichever engine
        upsert_leads([lead(FIRMS[0], "定制家居"), lead(FIRMS[0], "定制家居")], "imp", TODAY)
    assert Lead.select().count() == 0
    assert waiting_ranges() == []
