"""Filter words are ANDed, and initials keep digits and Latin letters as typed (issue 11, item 21)."""

from __future__ import annotations

import sqlite3
from datetime import date
from pathlib import Path

from models import leads
from models.db import SCHEMA_VERSION, close_store, open_store, schema_version
from models.leads import LeadFilter
from models.ledger import upsert_leads
from models.search import search_key
from models.tables import database
from tests.conftest import lead

TODAY = date(2022, 9, 10)


def test_initials_keep_digits_and_latin_letters_as_typed() -> None:
    assert "csqy018yxgs" in search_key("测试企业018有限公司", "").split("\x1f")
    assert "abc2hl" in search_key("abc2号楼", "").split("\x1f")


def _names(text: str) -> list[str]:
    return [c.company for c in leads.stage_page("signed", LeadFilter(text=text), TODAY, 0, 10)]


def test_filter_words_must_all_match(campaign_store: Path) -> None:
    upsert_leads(
        [
            lead("测试企业018有限公司", "一号"),
            lead("测试企业019有限公司", "二号"),
            lead("恒嘉家居有限公司", "定制家居"),
        ],
        "t",
        TODAY,
    )
    assert _names("csqy 018") == ["测试企业018有限公司"]
    assert _names("csqy018") == ["测试企业018有限公司"]
    assert sorted(_names("csqy")) == ["测试企业018有限公司", "测试企业019有限公司"]
    assert _names("hjjj 018") == []  # a word no lead has rules the rest out
    assert _names("yxgs hj") == ["恒嘉家居有限公司"]  # a short word (no trigram) ANDs too


def test_a_store_from_version_5_gets_its_search_keys_recomputed(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    open_store(path)
    from models.campaigns import save_campaign
    from tests.conftest import small_campaign

    save_campaign(small_campaign())
    upsert_leads([lead("测试企业018有限公司", "一号")], "t", TODAY)
    close_store()
    # as version 5 stored it: initials without the digits
    conn = sqlite3.connect(path)
    old = "\x1f".join(["测试企业018有限公司", "一号", "ceshiqiye018youxiangongsi", "csqy0yxgs"])
    conn.execute("UPDATE lead SET search_key = ?", (old,))
    conn.execute("INSERT INTO lead_fts (lead_fts) VALUES ('rebuild')")
    conn.execute("PRAGMA user_version = 5")
    conn.commit()
    conn.close()
    open_store(path)
    try:
        assert schema_version(database) == SCHEMA_VERSION
        assert _names("csqy018") == ["测试企业018有限公司"]  # the trigram index has the new key
        assert _names("018") == ["测试企业018有限公司"]
        # and the index still follows later changes
        upsert_leads([lead("测试企业018有限公司", "一号", amount_wan=20000)], "t", TODAY)
        assert _names("csqy018") == ["测试企业018有限公司"]
    finally:
        close_store()


def test_a_word_is_found_whole_not_as_scattered_trigrams(campaign_store: Path) -> None:
    # "abcxbce" holds both trigrams of "abce" (abc, bce), apart: it does not hold "abce"
    upsert_leads(
        [lead("abcxbce公司", "一号"), lead("abce公司", "二号"), lead('q"x* and (y)公司', "三号")],
        "t",
        TODAY,
    )
    assert _names("abce") == ["abce公司"]
    assert sorted(_names("bce")) == ["abce公司", "abcxbce公司"]  # one trigram: both
    # quotes, stars, brackets and AND are the FTS query language's: here they are letters
    assert _names('q"x*') == ['q"x* and (y)公司']
    assert _names("and") == ['q"x* and (y)公司']
    assert _names("(y)") == ['q"x* and (y)公司']
