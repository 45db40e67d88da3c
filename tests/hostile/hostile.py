"""Hostile text, a store an older version wrote it into, and the checks every output must pass.

The strings are the issue's: markup (``[/]`` crashes a parser, ``[@click=app.quit]`` runs an
action), OSC 52 (writes the clipboard), OSC 8 (a link hiding where it goes), CSI 2J (clears the
screen), OSC 0 (sets the window title) and U+202E (reverses what follows).
"""

from __future__ import annotations

import re
import sqlite3
from datetime import date
from pathlib import Path

from models.db import close_store
from models.ledger import add_activities, upsert_leads
from models.tables import APPEND_ONLY, APPEND_ONLY_NAMES, Event, FollowUp, Lead, SavedView
from tests.conftest import activity, lead

HOSTILE = (
    "[/]",
    "[@click=app.quit]x",
    "\x1b]52;c;aGk=\x07",
    "\x1b]8;;http://evil\x1b\\link\x1b]8;;\x1b\\",
    "\x1b[2J",
    "\x1b]0;title\x07",
    "\u202e",
)
EVIL = "".join(HOSTILE)
#: what EVIL is once cleaned: the markup stays, literally; of each sequence nothing is left
#: but the text an OSC 8 link showed
SHOWN = "[/][@click=app.quit]xlink"
#: C0 (tab and newline aside), DEL, C1, bidi overrides and isolates, zero-width and marks
FORBIDDEN = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u200b-\u200f]")
#: what a sequence leaves behind when only its ESC is removed
LEFT_OVER = ("52;c;aGk=", "http://evil", "0;title", "[2J")
TODAY = date(2022, 9, 10)


def assert_no_control(text: str, where: str) -> None:
    """No forbidden character in ``text``."""
    found = sorted({f"U+{ord(c):04X}" for c in FORBIDDEN.findall(text)})
    assert not found, f"{where}: {found}"


def assert_clean(text: str, where: str) -> None:
    """No forbidden character in ``text``, nor the body of a sequence."""
    assert_no_control(text, where)
    for rest in LEFT_OVER:
        assert rest not in text, f"{where}: {rest!r} left over"


def assert_clean_bytes(raw: bytes, where: str) -> None:
    """A file's raw bytes: no C0 byte (a CSV's CRLF line ends aside) and no DEL, then its
    characters as ``assert_clean``. (C1 is checked on characters: in UTF-8 the bytes
    0x80–0x9F are also the continuation bytes of every Chinese character.)"""
    bare = raw.replace(b"\r\n", b"\n")
    bad = sorted({b for b in bare if (b < 0x20 and b not in (0x09, 0x0A)) or b == 0x7F})
    assert not bad, f"{where}: raw bytes {[hex(b) for b in bad]}"
    assert_clean(bare.decode("utf-8-sig"), where)


# every text column an older version could have stored raw: (table, column, where)
_DIRTY = (
    ("campaign", "name", "1"),
    ("target", "label", "1"),
    ("investment_group", "name", "name = '一组'"),
    ("investment_group", "leader", "1"),
    ("unit", "name", "name = '区经信局'"),
    ("unit", "principal", "1"),
    ("consultant", "name", "1"),
    ("consultant", "organisation", "1"),
    ("event", "title", "1"),
    ("event", "place", "1"),
    ("lead", "company", "1"),
    ("lead", "project", "1"),
    ("lead", "dropped_reason", "stage = 'dropped'"),
    ("follow_up", "note", "1"),
    ("follow_up", "by_user", "1"),
    ("stage_change", "by_user", "1"),
    ("activity", "destination", "1"),
    ("activity", "company", "1"),
    ("activity", "note", "1"),
    ("saved_view", "name", "1"),
)


def write_as_an_older_version(store: Path) -> None:
    """Leads at every stage, activities, a follow-up, a planned event and a saved view, then
    EVIL appended to every name and note with SQL, as a version that did not clean wrote them.
    The store must hold the small campaign (``campaign_store``)."""
    upsert_leads(
        [
            lead("恒嘉家居", "定制家居", valid_since=date(2022, 7, 20), signed_on=date(2022, 9, 1)),
            lead("华宇化工", "精细化学品", stage="negotiating", signed_on=None, unit="姚李镇"),
            lead("金海商贸", "物流园", stage="lead", signed_on=None, amount_wan=800),
            lead("顺达木业", "板材", stage="dropped", signed_on=None),
        ],
        "clerk",
        TODAY,
    )
    add_activities([activity(date(2022, 9, 2), principal=True), activity(date(2022, 9, 3))])
    jinhai = Lead.get(Lead.company == "金海商贸")
    FollowUp.insert(lead=jinhai.id, on=date(2022, 9, 5), note="电话沟通", by_user="clerk").execute()
    Event.insert(
        kind="signing",
        title="集中签约",
        planned_on=date(2022, 9, 30),
        place="区政府",
        from_plan=True,
    ).execute()
    SavedView.insert(name="大项目", filter_json='{"min_amount_wan": 10000}', by_user="c").execute()
    close_store()
    db = sqlite3.connect(store)
    with db:
        # an older version had neither the audit nor append-only history
        for name in APPEND_ONLY_NAMES:
            db.execute(f"DROP TRIGGER {name}")
        db.execute("UPDATE lead SET dropped_reason = '资金未落实' WHERE stage = 'dropped'")
        for table, column, where in _DIRTY:
            db.execute(f'UPDATE {table} SET "{column}" = "{column}" || ? WHERE {where}', (EVIL,))
        db.execute("DELETE FROM audit")
        for sql in APPEND_ONLY:
            db.execute(sql)
    db.close()
