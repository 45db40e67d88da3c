"""Roles and the audit through the ``yeji`` command: a refusal is one line and exit 3 with the
store unchanged; ``yeji audit`` prints the audit's columns in the UI language."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from models import identity
from models.campaigns import save_campaign
from models.db import close_store
from models.records import UserSpec
from tests.conftest import small_campaign, store_dump
from yeji_tui.cli import EXIT_NOT_ALLOWED, main
from yeji_tui.config import campaign_to_toml

# every store test here runs on SQLite and on PostgreSQL (tests/conftest.py)
pytestmark = pytest.mark.both_engines

LEDGER = (
    "company,project,industry,amount_wan,is_industrial,source,unit,stage,found_on,"
    "valid_since,signed_on,started_on,dropped_reason\n"
    "甲公司,甲项目,智能家居,5000,1,以商招商,区经信局,线索,2022-08-01,,,,\n"
    "乙公司,乙项目,智能家居,5000,1,以商招商,姚李镇,线索,2022-08-01,,,,\n"
)


@pytest.fixture
def shared(campaign_store: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    users = (UserSpec("zhangsan", "张三", "clerk", "区经信局"), UserSpec("boss", "区长", "leader"))
    monkeypatch.setattr(identity, "os_login", lambda: "office1")
    save_campaign(dataclasses.replace(small_campaign(), users=users))
    close_store()
    return campaign_store


def dump(path: Path) -> list[str]:
    return store_dump(path).splitlines()


def yeji(path: Path, *args: str) -> int:
    return main(["--db", str(path), "--today", "2022-09-10", "--lang", "zh", *args])


@pytest.mark.parametrize(("who", "refused"), [("zhangsan", "第 3 行"), ("boss", "领导")])
def test_an_import_the_role_may_not_make_exits_3_naming_user_role_and_rows(
    shared: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    who: str,
    refused: str,
) -> None:
    ledger = tmp_path / "leads.csv"
    ledger.write_text(LEDGER, encoding="utf-8")
    monkeypatch.setattr(identity, "os_login", lambda: who)
    monkeypatch.setenv("LOGNAME", "office1")  # the environment changes nothing
    before = dump(shared)
    assert yeji(shared, "import", "leads", str(ledger)) == EXIT_NOT_ALLOWED
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and who in err and refused in err
    assert dump(shared) == before


def test_a_leader_may_not_load_the_campaign_file_but_reads_and_reports(
    shared: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    config = tmp_path / "c.toml"
    config.write_text(campaign_to_toml(small_campaign()), encoding="utf-8")
    monkeypatch.setattr(identity, "os_login", lambda: "boss")
    before = dump(shared)
    assert yeji(shared, "init", "--config", str(config)) == EXIT_NOT_ALLOWED
    assert yeji(shared, "backup", str(tmp_path / "b.sqlite3")) == EXIT_NOT_ALLOWED
    assert yeji(shared, "status") == 0
    assert yeji(shared, "report", "assessment") == 0
    assert dump(shared) == before


def test_audit_prints_its_columns_and_filters_by_user(
    shared: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    ledger = tmp_path / "leads.csv"
    ledger.write_text(LEDGER.splitlines()[0] + "\n" + LEDGER.splitlines()[1] + "\n", "utf-8")
    monkeypatch.setattr(identity, "os_login", lambda: "zhangsan")
    assert yeji(shared, "import", "leads", str(ledger)) == 0
    capsys.readouterr()
    assert yeji(shared, "audit", "--user", "zhangsan") == 0
    out = capsys.readouterr().out
    for word in (
        "时间",
        "用户",
        "操作",
        "对象",
        "字段",
        "原值",
        "新值",
        "张三 (zhangsan)",
        "甲公司",
        "--user zhangsan",  # what was asked for, under the title
        "导入",
        "新增 1 条，更新 0 条",  # the import's batch line, in words
    ):
        assert word in out
    assert yeji(shared, "audit", "--user", "nobody") == 0
    assert "甲公司" not in capsys.readouterr().out
    assert yeji(shared, "--lang", "en", "audit", "--format", "csv") == 0
    assert "time,user,action,subject,field,before,after" in capsys.readouterr().out
