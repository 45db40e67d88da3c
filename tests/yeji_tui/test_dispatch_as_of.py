"""The dispatch review is what the ledger said about its period on its last day: stale leads,
validity and stages rebuilt from history, one status per target, and units in no group in a
section of their own. Each case here differs between "as of then" and "as of now"."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from models.campaigns import save_campaign
from models.leads import add_follow_up, drop, move, set_valid
from models.ledger import add_activities, log_activity, upsert_leads
from models.queries import load_campaign
from models.records import CampaignSettings, TargetSpec, UnitPeriod, UnitSpec
from models.reports import unit_period
from models.tables import Lead
from tests.conftest import activity, lead, small_campaign
from yeji_tui import reports
from yeji_tui.strings import Catalog

# every store test here runs on SQLite and on PostgreSQL (tests/conftest.py)
pytestmark = pytest.mark.both_engines

T = Catalog("zh")
TODAY = date(2022, 10, 9)
FIRST = (date(2022, 8, 1), date(2022, 8, 14))
SECOND = (date(2022, 8, 15), date(2022, 8, 28))
CURRENT = (date(2022, 9, 26), TODAY)


def _lead_id(company: str) -> int:
    return int(Lead.get(Lead.company == company).id)


def _version(company: str) -> int:
    return int(Lead.get(Lead.company == company).version)


@pytest.fixture
def ledger(store_path: Path) -> CampaignSettings:
    """A small campaign with an outpost centre in no group, a target whose industrial part lags
    its whole, and leads whose stage, validity and last touch changed after each period."""
    base = small_campaign()
    save_campaign(
        replace(
            base,
            targets=(TargetSpec("signed_100m", "新签约亿元以上项目", "signed", 2, 10000, 2),),
            units=(*base.units, UnitSpec("佛山招商中心", "outpost", "钱主任", None)),
        )
    )
    upsert_leads(
        [
            # 甲: found 07-10, signed 09-30 — stale at the end of both August fortnights
            lead("甲公司", stage="lead", found_on=date(2022, 7, 10), signed_on=None),
            # 乙: found 07-20, followed up 08-20 — stale by 08-14, fresh by 08-28, stale again now
            lead("乙公司", stage="lead", found_on=date(2022, 7, 20), signed_on=None),
            # 丙 (姚李镇): found 07-01, dropped 08-25 — stale by 08-14, closed afterwards
            lead("丙公司", unit="姚李镇", stage="lead", found_on=date(2022, 7, 1), signed_on=None),
            # 丁 (平岗街道): followed up 08-20, reported valid only on 09-01
            lead(
                "丁公司", unit="平岗街道", stage="lead", found_on=date(2022, 8, 10), signed_on=None
            ),
            # 戊, 己 (平岗街道): two 1.2亿 non-industrial signings in the current fortnight
            lead("戊公司", unit="平岗街道", is_industrial=False, signed_on=date(2022, 9, 27)),
            lead("己公司", unit="平岗街道", is_industrial=False, signed_on=date(2022, 10, 3)),
            # 庚 (佛山招商中心, in no group): valid on 08-05
            lead(
                "庚公司",
                unit="佛山招商中心",
                stage="negotiating",
                found_on=date(2022, 8, 2),
                valid_since=date(2022, 8, 5),
                signed_on=None,
            ),
        ],
        "clerk",
        date(2022, 8, 10),
    )
    add_activities([activity(date(2022, 8, 3)), activity(date(2022, 8, 20), kind="visit")])
    add_follow_up(_lead_id("乙公司"), _version("乙公司"), "回访", date(2022, 8, 20), None, "c")
    add_follow_up(_lead_id("丁公司"), _version("丁公司"), "回访", date(2022, 8, 20), None, "c")
    drop(_lead_id("丙公司"), _version("丙公司"), "企业放弃", date(2022, 8, 25), "c")
    set_valid(_lead_id("丁公司"), _version("丁公司"), True, date(2022, 9, 1), "c", TODAY)
    move(_lead_id("甲公司"), _version("甲公司"), "negotiating", date(2022, 9, 20), "c", TODAY)
    move(_lead_id("甲公司"), _version("甲公司"), "signed", date(2022, 9, 30), "c", TODAY)
    # a trip that named 庚 on 09-28 keeps it fresh in the current fortnight only
    log_activity(activity(date(2022, 9, 28), unit="佛山招商中心"), ["庚公司"])
    settings = load_campaign()
    assert settings is not None
    return settings


def _period(since: date, until: date) -> dict[str, UnitPeriod]:
    return unit_period(since, until, min_signed_wan=10000, stale_days=14)


def test_first_fortnight_counts_leads_as_they_stood_on_its_last_day(
    ledger: CampaignSettings,
) -> None:
    got = _period(*FIRST)
    # 甲 and 乙 open and untouched since July (甲 is signed today, 乙 followed up later)
    assert got["区经信局"] == UnitPeriod(trips=1, stale=2)
    # 丙 was open on 08-14 (dropped on 08-25)
    assert got["姚李镇"] == UnitPeriod(stale=1)
    assert got["佛山招商中心"] == UnitPeriod(valid_reported=1)
    # 戊 and 己, found 07-01, were open and untouched (signed only in September); 丁 was found
    # on 08-10: not stale yet
    assert got["平岗街道"] == UnitPeriod(stale=2)


def test_second_fortnight_sees_the_follow_up_and_the_drop_but_not_the_later_validity(
    ledger: CampaignSettings,
) -> None:
    got = _period(*SECOND)
    # 乙 was followed up on 08-20; 甲 still untouched; the visit on 08-20
    assert got["区经信局"] == UnitPeriod(visits=1, stale=1)
    # 丙 dropped on 08-25: closed by 08-28
    assert "姚李镇" not in got
    # 丁 was followed up in the period, but was valid only from 09-01: not a valid lead followed;
    # 戊 and 己 still untouched
    assert got["平岗街道"] == UnitPeriod(stale=2)


def test_current_fortnight_counts_todays_state(ledger: CampaignSettings) -> None:
    got = _period(*CURRENT)
    # 甲 moved on 09-20 and signed 1.2亿 on 09-30; 乙 untouched since 08-20
    assert got["区经信局"] == UnitPeriod(signed=1, signed_wan=12000, signed_counted=1, stale=1)
    # 戊 and 己 signed in the period; 丁's last touch was 08-20 (a validity report is no touch)
    assert got["平岗街道"] == UnitPeriod(signed=2, signed_wan=24000, signed_counted=2, stale=1)
    assert got["佛山招商中心"] == UnitPeriod(trips=1)


def test_a_target_reads_the_worse_of_its_parts_in_the_dispatch(ledger: CampaignSettings) -> None:
    report = reports.dispatch(ledger, *CURRENT, T, stale_days=14)
    targets = report.tables[0]
    # three signings of two wanted, but one industrial of two: the target is behind
    assert targets.rows[0][:3] == ("新签约亿元以上项目", 3, 2)
    assert targets.rows[1][:3] == ("新签约亿元以上项目" + T("rep.industrial_part"), 1, 2)
    assert targets.rows[0][4] == T("status.behind")
    assert targets.rows[1][4] == T("status.behind")


def test_units_in_no_group_stand_in_their_own_section_with_a_subtotal(
    ledger: CampaignSettings,
) -> None:
    report = reports.dispatch(ledger, *FIRST, T, stale_days=14)
    names = [row[0] for row in report.tables[1].rows]
    assert names[-3:] == ["【未分组单位】", "  佛山招商中心（驻外中心）", "全区合计"]
    by_name = {row[0]: row[1:] for row in report.tables[1].rows}
    # each section's total, and the district's as the sum of the sections
    assert by_name["【未分组单位】"] == by_name["  佛山招商中心（驻外中心）"]
    sections = [by_name["【一组】"], by_name["【二组】"], by_name["【未分组单位】"]]
    district = by_name["全区合计"]
    for column in range(len(district)):
        assert district[column] == pytest.approx(sum(s[column] for s in sections))  # type: ignore[misc]


@pytest.mark.parametrize("fmt", ["md", "csv"])
def test_the_no_group_section_is_in_every_format(
    ledger: CampaignSettings, fmt: str, tmp_path: Path
) -> None:
    report = reports.dispatch(ledger, *FIRST, T, stale_days=14)
    text = reports.write(report, fmt, None)  # type: ignore[arg-type]
    assert text is not None
    lines = text.splitlines()
    heading = next(i for i, line in enumerate(lines) if "【未分组单位】" in line)
    assert "佛山招商中心" in lines[heading + 1]
    assert "全区合计" in lines[heading + 2]


def test_the_no_group_section_is_in_the_workbook(ledger: CampaignSettings, tmp_path: Path) -> None:
    from yeji_tui.xlsx import read_workbook

    out = tmp_path / "dispatch.xlsx"
    reports.write(reports.dispatch(ledger, *FIRST, T, stale_days=14), "xlsx", out)
    sheet = list(read_workbook(out).values())[1]
    names = [row[0] for row in sheet]
    assert names[-3:] == ["【未分组单位】", "  佛山招商中心（驻外中心）", "全区合计"]
