"""Roles and the audit in the service layer: what each role may write, the store unchanged after
every refusal, an audit entry for each kind of write and for undo, and append-only history."""

from __future__ import annotations

import dataclasses
import sqlite3
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from models import identity, leads
from models.access import AccessRefused, current_actor
from models.audit import audit_lines, replay_problems
from models.audit_line import AuditQuery
from models.campaigns import save_campaign
from models.db import NotAllowed, close_store, open_store, opened_store
from models.ledger import ActivityInput, add_activities, log_activity, upsert_leads
from models.maintenance import check_store
from models.queries import load_campaign
from models.records import UserSpec
from models.tables import Lead, database
from tests.conftest import lead, small_campaign, store_dump
from yeji_tui.config import ConfigError, campaign_to_toml, parse_campaign
from yeji_tui.strings import Catalog

# every store test here runs on SQLite and on PostgreSQL (tests/conftest.py)
pytestmark = pytest.mark.both_engines

TODAY = date(2022, 9, 10)
USERS = (
    UserSpec("office1", "王主任", "office"),
    UserSpec("zhangsan", "张三", "clerk", "区经信局"),
    UserSpec("lisi", "李四", "clerk", "姚李镇"),
    UserSpec("boss", "区长", "leader"),
)


@pytest.fixture
def login(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Who the process is: set ``login[0]``."""
    who = ["office1"]
    monkeypatch.setattr(identity, "os_login", lambda: who[0])
    yield who


@pytest.fixture
def roles_store(campaign_store: Path, login: list[str]) -> Path:
    """The small campaign with users, and one lead of 区经信局 made by the office."""
    save_campaign(dataclasses.replace(small_campaign(), users=USERS))
    upsert_leads([lead(stage="negotiating", signed_on=None)], "office1", TODAY)
    return campaign_store


def dump() -> list[str]:
    opened = opened_store()
    assert opened is not None
    return store_dump(opened.path).splitlines()


def test_without_users_everyone_is_office_and_with_users_an_unlisted_account_is_a_leader(
    campaign_store: Path, login: list[str]
) -> None:
    login[0] = "anyone"
    assert current_actor().role == "office"
    save_campaign(dataclasses.replace(small_campaign(), users=USERS))
    assert current_actor().role == "leader"
    login[0] = "zhangsan"
    assert (current_actor().name, current_actor().role, current_actor().unit) == (
        "张三",
        "clerk",
        "区经信局",
    )


def test_identity_is_the_os_account_never_the_environment(
    campaign_store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LOGNAME", "区长")
    monkeypatch.setenv("USER", "区长")
    import os
    import pwd

    assert identity.os_login() == pwd.getpwuid(os.getuid()).pw_name


def test_a_clerk_changes_their_units_leads_and_hands_one_on_but_takes_none(
    roles_store: Path, login: list[str]
) -> None:
    login[0] = "zhangsan"
    one = Lead.get()
    change = leads.set_valid(one.id, one.version, True, TODAY, "zhangsan", TODAY)
    record = leads.lead_record(one.id)
    assert record is not None
    fields = dataclasses.replace(leads.lead_fields(record), unit="姚李镇")
    leads.update_lead(one.id, change.version_after, fields, "zhangsan")
    assert leads.lead_record(one.id).unit == "姚李镇"  # type: ignore[union-attr]
    before = dump()
    back = dataclasses.replace(fields, unit="区经信局")
    with pytest.raises(AccessRefused):
        leads.update_lead(one.id, change.version_after + 1, back, "zhangsan")
    assert dump() == before


@pytest.mark.parametrize("who", ["lisi", "boss"])
def test_a_clerk_of_another_unit_and_a_leader_write_nothing(
    roles_store: Path, login: list[str], who: str
) -> None:
    login[0] = who
    one = Lead.get()
    before = dump()
    attempts = [
        lambda: leads.move(one.id, one.version, "signed", TODAY, who, TODAY),
        lambda: leads.drop(one.id, one.version, "资金未落实", TODAY, who),
        lambda: leads.create_lead(
            leads.LeadFields("新企业", "新项目", "智能家居", 5000, True, "来访", "区经信局"),
            who,
            TODAY,
        ),
        lambda: log_activity(
            ActivityInput(TODAY, "区经信局", "trip", False, "上海", "", "")  # type: ignore[arg-type]
        ),
        lambda: upsert_leads([lead("别家", "别项")], who, TODAY),
        lambda: save_campaign(small_campaign()),
    ]
    for attempt in attempts:
        with pytest.raises(NotAllowed):
            attempt()
        assert dump() == before


def test_a_clerks_import_with_other_units_rows_is_refused_whole_naming_the_rows(
    roles_store: Path, login: list[str]
) -> None:
    login[0] = "zhangsan"
    before = dump()
    rows = [lead("甲", "一"), lead("乙", "二", unit="姚李镇"), lead("丙", "三")]
    with pytest.raises(AccessRefused) as refused:
        upsert_leads(rows, "zhangsan", TODAY)
    assert refused.value.where == "2"
    assert "第 2 行" in refused.value.message(Catalog("zh"))
    assert dump() == before
    upsert_leads([rows[0], rows[2]], "zhangsan", TODAY)
    assert Lead.select().count() == 3


def test_every_kind_of_write_and_undo_leave_an_audit_entry_and_replay_gives_the_leads(
    roles_store: Path, login: list[str]
) -> None:
    login[0] = "zhangsan"
    one = Lead.get()
    moved = leads.move(one.id, one.version, "signed", TODAY, "zhangsan", TODAY, amount_wan=120000)
    leads.undo(moved)
    made = leads.create_lead(
        leads.LeadFields("新企业", "新项目", "智能家居", 5000, True, "来访", "区经信局"),
        "zhangsan",
        TODAY,
    )
    leads.add_follow_up(made.lead_id, 1, "电话", TODAY, None, "zhangsan")
    log_activity(ActivityInput(TODAY, "区经信局", "trip", False, "上海", "", ""))  # type: ignore[arg-type]
    add_activities([ActivityInput(TODAY, "区经信局", "visit", False, "", "某公司", "")])  # type: ignore[arg-type]
    lines = audit_lines(AuditQuery(login="zhangsan"))
    actions = [a.action for a in lines]
    for action in ("move", "undo", "create", "follow-up", "activity", "import"):
        assert action in actions
    amounts = [(a.before, a.after) for a in lines if a.field == "amount_wan" and a.before]
    assert amounts == [("12000", "120000"), ("120000", "12000")]
    assert {a.name for a in lines} == {"张三"}
    assert replay_problems() == []
    assert check_store().problems == []
    assert [a.action for a in audit_lines(AuditQuery(lead_id=one.id))][:1] == ["import"]


def test_the_audit_and_the_stage_history_refuse_update_and_delete(roles_store: Path) -> None:
    for sql in (
        "UPDATE audit SET login = 'x'",
        "DELETE FROM audit",
        "UPDATE stage_change SET by_user = 'x'",
        "DELETE FROM stage_change",
    ):
        with pytest.raises(Exception, match="append-only"):
            database.execute_sql(sql)


def test_check_finds_a_lead_changed_behind_the_audits_back(roles_store: Path) -> None:
    database.execute_sql("UPDATE lead SET amount_wan = 999")
    assert [p.key for p in check_store().problems] == ["check.audit_replay"]


def test_the_replay_finds_the_same_in_batches_of_any_size(
    roles_store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from models import audit

    more = [lead(f"企业{n}", stage="lead", signed_on=None) for n in range(5)]
    upsert_leads(more, "office1", TODAY)
    database.execute_sql("UPDATE lead SET amount_wan = amount_wan + 1 WHERE id / 2 * 2 = id")
    whole = replay_problems()
    changed = {int(r[0]) for r in database.execute_sql("SELECT id FROM lead WHERE id / 2 * 2 = id")}
    assert {who for who, field, _, _ in whole if field == "amount_wan"} == changed
    assert len(changed) >= 3
    for size in (1, 2, 3):
        monkeypatch.setattr(audit, "REPLAY_BATCH", size)
        assert replay_problems() == whole


def test_users_round_trip_through_config_export(roles_store: Path) -> None:
    settings = load_campaign()
    assert settings is not None and settings.users == USERS
    assert parse_campaign(campaign_to_toml(settings)).users == USERS


@pytest.mark.parametrize(
    ("users", "key"),
    [
        ('login = "a"\nname = "A"\nrole = "boss"', "users[0].role"),
        ('login = "a"\nname = "A"\nrole = "clerk"', "users[0].unit"),
        ('login = "a"\nname = "A"\nrole = "clerk"\nunit = "无此单位"', "users[0].unit"),
        ('login = "a"\nname = "A"\nrole = "office"\nshell = "x"', "users[0].shell"),
    ],
)
def test_bad_users_are_refused_naming_the_key(users: str, key: str) -> None:
    text = f'[campaign]\nname = "c"\nstart = 2022-07-15\nend = 2022-10-22\n[[users]]\n{users}\n'
    with pytest.raises(ConfigError) as bad:
        parse_campaign(text, "c.toml")
    assert any(p.startswith(f"c.toml: {key}:") for p in bad.value.problems)


@pytest.mark.sqlite_only  # an SQLite file's upgrade and restore
def test_an_older_store_upgrades_with_a_baseline_for_every_lead(
    roles_store: Path, tmp_path: Path
) -> None:
    path = roles_store
    close_store()
    conn = sqlite3.connect(path)
    conn.executescript(
        "DROP TRIGGER audit_no_update; DROP TRIGGER audit_no_delete; "
        "DROP TRIGGER stage_change_no_update; DROP TRIGGER stage_change_no_delete; "
        "DROP TABLE audit; DROP TABLE app_user; ALTER TABLE stage_change DROP COLUMN reverses; "
        "PRAGMA user_version = 5;"
    )
    conn.close()
    opened = open_store(path)
    assert opened.upgraded_from == 5
    lines = audit_lines(AuditQuery())
    assert {a.action for a in lines} == {"baseline"}
    assert replay_problems() == []


@pytest.mark.sqlite_only  # an SQLite file's upgrade and restore
def test_edit_valid_drop_the_campaign_file_and_a_restore_each_leave_their_entry(
    roles_store: Path, login: list[str], tmp_path: Path
) -> None:
    from models.maintenance import backup_store, restore_store

    one = Lead.get()
    record = leads.lead_record(one.id)
    assert record is not None
    fields = dataclasses.replace(leads.lead_fields(record), amount_wan=record.amount_wan * 10)
    edited = leads.update_lead(one.id, one.version, fields, "office1")
    valid = leads.set_valid(one.id, edited.version_after, True, TODAY, "office1", TODAY)
    leads.drop(one.id, valid.version_after, "外迁", TODAY, "office1")
    save_campaign(dataclasses.replace(small_campaign(), users=USERS, name="改名后的活动"))
    by_lead = audit_lines(AuditQuery(lead_id=one.id))
    assert [a.action for a in by_lead if a.field == "amount_wan"][-1] == "change"
    assert {"valid", "drop"} <= {a.action for a in by_lead}
    assert any(
        a.action == "campaign" and a.subject == "改名后的活动" for a in audit_lines(AuditQuery())
    )
    assert replay_problems() == []

    copy = backup_store(tmp_path / "copy.sqlite3")
    close_store()
    store = roles_store
    restore_store(store, copy)
    open_store(store)
    restored = [a for a in audit_lines(AuditQuery()) if a.action == "restore"]
    assert restored and restored[-1].login == "office1"
