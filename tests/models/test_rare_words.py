"""A rare word of one or two characters is found through the trigram index (``models.rare_words``):
the same leads, in the same order, as reading every key — and every key is read instead
whenever the index could miss one."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from models import lead_import, rare_words
from models.leads import LeadFilter, stage_page, stage_totals
from models.ledger import upsert_leads
from models.records import STAGES
from models.search_backlog import index_waiting, waiting_ranges
from tests.conftest import lead

TODAY = date(2022, 9, 10)
#: Every lead of the store is "rare" for the test: a handful of leads stand in for a million.
COMMON = [lead(f"恒嘉家居第{i}分公司", f"定制家居{i}号项目", amount_wan=1000 + i) for i in range(8)]
RARE = [
    lead("鑫达物流有限公司", "冷链仓储26号项目", amount_wan=500),
    lead("华宇化工有限公司", "26万吨新材料项目", amount_wan=900, stage="lead", signed_on=None),
    lead("鑫", "单字公司项目", amount_wan=300),  # the word at the very start of a key
]


def _pages(text: str) -> dict[str, list[int]]:
    f = LeadFilter(text=text)
    return {stage: [c.id for c in stage_page(stage, f, TODAY, 0, 50)] for stage in STAGES}


def _by_reading_every_key(text: str, monkeypatch: pytest.MonkeyPatch) -> dict[str, list[int]]:
    with monkeypatch.context() as patch:
        patch.setattr(rare_words, "rare_match", lambda word: None)
        return _pages(text)


@pytest.fixture
def store(campaign_store: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setattr(rare_words, "RARE_SHARE", 1)
    upsert_leads([*COMMON, *RARE], "clerk", TODAY)
    return campaign_store


@pytest.mark.parametrize("word", ["26", "物流", "达", "ha", "6"])
def test_a_rare_word_finds_through_the_index_what_every_key_holds(
    store: Path, word: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert rare_words.rare_match(word) is not None  # the index was used
    found = _pages(word)
    assert found == _by_reading_every_key(word, monkeypatch)
    assert any(found.values())


def test_a_word_the_index_could_miss_reads_every_key(
    store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # "鑫" alone is a whole name: no pair of characters around it says which trigram holds it
    assert rare_words.rare_match("鑫") is None
    found = _pages("鑫")
    assert found == _by_reading_every_key("鑫", monkeypatch)
    assert sum(len(ids) for ids in found.values()) == 2


def test_a_common_word_is_read_in_amount_order(campaign_store: Path) -> None:
    upsert_leads([*COMMON, *RARE], "clerk", TODAY)
    assert rare_words.rare_match("26") is None  # 2 of 11 leads: not rare at one in a thousand
    assert stage_totals(LeadFilter(text="26"), TODAY)["signed"] == (1, 500)


def test_what_it_knows_of_a_word_follows_the_store(
    store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = _pages("冷链")
    upsert_leads([lead("金寨冷链有限公司", "冷库项目", amount_wan=700)], "clerk", TODAY)
    after = _pages("冷链")
    assert after == _by_reading_every_key("冷链", monkeypatch) != before
    assert len(after["signed"]) == 2


def test_leads_waiting_for_the_index_are_found_too(
    store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with monkeypatch.context() as patch:
        patch.setattr(lead_import, "index_waiting", lambda progress=None: 0)
        upsert_leads([lead("六安冷链物流公司", "26号冷库项目", amount_wan=800)], "imp", TODAY)
    assert waiting_ranges()
    found = _pages("26")
    assert found == _by_reading_every_key("26", monkeypatch)
    assert len(found["signed"]) == 2
    index_waiting()
    assert _pages("26") == found
