"""The dispatch review's count of valid leads followed up, begun before the report loads
(models.followed_ahead): its answer is the report's own, it is taken only when it answers the
report's question, and ``yeji report dispatch`` begins it on a store file."""

from __future__ import annotations

from concurrent.futures import Future
from datetime import date
from pathlib import Path

import pytest

from models import followed_ahead
from models.db import close_store
from models.followed_ahead import FollowedAhead, followed_sql
from models.leads import add_follow_up, set_valid
from models.ledger import upsert_leads
from models.opened import remember
from models.reports import start_unit_period
from models.schema import SCHEMA_VERSION
from models.tables import Lead, Unit, execute
from tests.conftest import lead

SINCE, UNTIL = date(2022, 8, 15), date(2022, 8, 28)


def _lead(company: str) -> Lead:
    return Lead.get(Lead.company == company)


@pytest.fixture
def ledger(campaign_store: Path) -> Path:
    """Three leads of two units followed up in the period; 丙 was valid only after it."""
    upsert_leads(
        [
            lead("甲公司", stage="lead", signed_on=None),
            lead("乙公司", unit="姚李镇", stage="lead", signed_on=None),
            lead("丙公司", unit="姚李镇", stage="lead", signed_on=None),
        ],
        "clerk",
        date(2022, 8, 1),
    )
    for company, valid_on in (("甲公司", 8), ("乙公司", 10), ("丙公司", 30)):
        row = _lead(company)
        set_valid(row.id, row.version, True, date(2022, 8, valid_on), "c", date(2022, 9, 1))
    for company, day in (("甲公司", 16), ("甲公司", 20), ("乙公司", 28), ("丙公司", 20)):
        row = _lead(company)
        add_follow_up(row.id, row.version, "回访", date(2022, 8, day), None, "c")
    return campaign_store


def _unit_id(name: str) -> int:
    return int(Unit.get(Unit.name == name).id)


def _followed(ahead: FollowedAhead | None, since: date = SINCE) -> dict[int, int]:
    period = start_unit_period(since, UNTIL, min_signed_wan=10000, stale_days=None, ahead=ahead)
    names = {name: _unit_id(name) for name in ("区经信局", "姚李镇")}
    got = period.result()
    return {names[name]: got[name].valid_followed for name in names if name in got}


def _answered(version: int, counts: list[tuple[int, int]]) -> FollowedAhead:
    future: Future[tuple[int, list[tuple[int, int]]]] = Future()
    future.set_result((version, counts))
    return FollowedAhead(Path("unused"), SINCE, UNTIL, future)


def test_the_count_begun_ahead_is_the_reports_own(ledger: Path) -> None:
    ahead = followed_ahead.start(ledger, SINCE, UNTIL)
    counts = ahead.counts(SCHEMA_VERSION)
    days = (SINCE.isoformat(), UNTIL.isoformat(), UNTIL.isoformat())
    own = execute(followed_sql("", "?"), days).fetchall()
    # 甲 once though followed up twice; 乙 on the last day; 丙 not yet valid
    want = {_unit_id("区经信局"): 1, _unit_id("姚李镇"): 1}
    assert counts is not None and dict(counts) == dict(own) == want
    assert _followed(ahead) == _followed(None) == want


def test_the_report_takes_a_fitting_answer_begun_ahead(ledger: Path) -> None:
    planted = _answered(SCHEMA_VERSION, [(_unit_id("姚李镇"), 99)])
    assert _followed(planted) == {_unit_id("姚李镇"): 99}


def test_an_answer_for_other_days_an_older_store_or_a_failed_read_is_counted_again(
    ledger: Path,
) -> None:
    want = _followed(None)
    planted = _answered(SCHEMA_VERSION, [(_unit_id("姚李镇"), 99)])
    assert _followed(planted, since=date(2022, 8, 16)) == want  # a period cut to the window
    assert _followed(_answered(SCHEMA_VERSION - 1, [(_unit_id("姚李镇"), 99)])) == want
    failed: Future[tuple[int, list[tuple[int, int]]]] = Future()
    failed.set_exception(OSError("unable to open database file"))
    assert _followed(FollowedAhead(ledger, SINCE, UNTIL, failed)) == want


def test_a_read_ahead_of_no_store_fails_quietly(tmp_path: Path) -> None:
    ahead = followed_ahead.start(tmp_path / "无此文件.sqlite3", SINCE, UNTIL)
    assert ahead.counts(SCHEMA_VERSION) is None
    not_a_store = tmp_path / "笔记.txt"
    not_a_store.write_text("不是数据库", encoding="utf-8")
    assert followed_ahead.start(not_a_store, SINCE, UNTIL).counts(SCHEMA_VERSION) is None


def test_a_store_on_a_network_file_system_is_not_read_ahead(
    ledger: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    opened: list[Path] = []
    monkeypatch.setattr(followed_ahead, "filesystem_type", lambda path: "nfs4")
    monkeypatch.setattr(followed_ahead, "connect_read_only", lambda path: opened.append(path))
    assert followed_ahead.start(ledger, SINCE, UNTIL).counts(SCHEMA_VERSION) is None
    assert opened == []


def test_yeji_report_dispatch_begins_the_count_before_it_opens_the_store(
    ledger: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from yeji_tui.cli import main

    close_store()
    remember(None)
    begun: list[FollowedAhead] = []
    start = followed_ahead.start

    def recorded(store: Path, since: date, until: date) -> FollowedAhead:
        from models.opened import opened_store

        assert opened_store() is None  # not yet: that is the point
        begun.append(start(store, since, until))
        return begun[-1]

    monkeypatch.setattr(followed_ahead, "start", recorded)
    monkeypatch.setenv("YEJI_DB", str(ledger))
    code = main(["--today", "2022-09-01", "report", "dispatch", "--from", "2022-08-15"])
    close_store()
    out, err = capsys.readouterr()
    assert code == 0 and "统计期间 2022-08-15 至 2022-09-01" in out, err
    assert [(a.store, a.since, a.until) for a in begun] == [(ledger, SINCE, date(2022, 9, 1))]
    assert begun[0].counts(SCHEMA_VERSION) is not None
