"""The dispatch and assessment reports against numbers worked out by hand on a small campaign,
and their Markdown, CSV and xlsx forms (the xlsx read back and checked cell by cell)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from models.campaigns import save_campaign
from models.leads import add_follow_up
from models.ledger import add_activities, upsert_leads
from models.queries import load_campaign
from models.records import AssessmentRule, CampaignSettings, UnitPeriod
from models.reports import unit_period
from models.tables import Lead
from tests.conftest import activity, lead
from yeji_tui import reports
from yeji_tui.strings import Catalog
from yeji_tui.targets import dispatch_lines, group_tasks, nominees, ordered_out, ranking
from yeji_tui.text import cell_width
from yeji_tui.xlsx import read_workbook

# every store test here runs on SQLite and on PostgreSQL (tests/conftest.py)
pytestmark = pytest.mark.both_engines

T = Catalog("zh")
SINCE, UNTIL = date(2022, 8, 1), date(2022, 8, 14)


@pytest.fixture
def ledger(campaign_store: Path) -> CampaignSettings:
    """A fortnight's worth of work in the small campaign (see each line's comment)."""
    add_activities(
        [
            activity(date(2022, 7, 20)),  # before the period: whole-window counts only
            activity(date(2022, 8, 2), principal=True),
            activity(date(2022, 8, 10)),
            activity(date(2022, 8, 5), kind="visit"),
            activity(date(2022, 8, 14), unit="平岗街道", kind="visit"),
            activity(date(2022, 8, 15), unit="平岗街道"),  # the day after the period
        ]
    )
    upsert_leads(
        [
            # 区经信局 signs 1.2亿 on 08-03 (valid since 07-20, before the period)
            lead("甲公司", valid_since=date(2022, 7, 20), signed_on=date(2022, 8, 3)),
            # 平岗街道 reports a valid 3000万 lead on 08-08
            lead(
                "乙公司",
                unit="平岗街道",
                stage="negotiating",
                amount_wan=3000,
                valid_since=date(2022, 8, 8),
                signed_on=None,
            ),
            # 姚李镇 signed on 07-25 (before) and started 6亿 on 08-12 (inside)
            lead(
                "丙公司",
                unit="姚李镇",
                stage="started",
                amount_wan=60000,
                signed_on=date(2022, 7, 25),
                started_on=date(2022, 8, 12),
            ),
            # 上海招商中心 reports a valid lead on 08-01
            lead(
                "丁公司",
                unit="上海招商中心",
                stage="negotiating",
                valid_since=date(2022, 8, 1),
                signed_on=None,
            ),
        ],
        "clerk",
        date(2022, 8, 14),
    )
    b = Lead.get(Lead.company == "乙公司")
    add_follow_up(b.id, b.version, "已回电", date(2022, 8, 9), None, "clerk")
    # 戊 was found on 07-20 and nobody touched it since: stale by 08-14 (14 days: by 07-31)
    upsert_leads(
        [lead("戊公司", unit="平岗街道", stage="lead", found_on=date(2022, 7, 20), signed_on=None)],
        "clerk",
        date(2022, 8, 14),
    )
    settings = load_campaign()
    assert settings is not None
    return settings


def period() -> dict[str, UnitPeriod]:
    return unit_period(SINCE, UNTIL, min_signed_wan=10000, stale_days=14)


def test_unit_period_counts_each_measure_inside_the_period(ledger: CampaignSettings) -> None:
    got = period()
    assert got["区经信局"] == UnitPeriod(
        trips=2, principal_trips=1, visits=1, signed=1, signed_wan=12000, signed_counted=1
    )
    assert got["平岗街道"] == UnitPeriod(visits=1, valid_reported=1, valid_followed=1, stale=1)
    assert got["姚李镇"] == UnitPeriod(started=1, started_wan=60000)
    assert got["上海招商中心"] == UnitPeriod(valid_reported=1)


def test_dispatch_lines_total_each_group_and_the_district(ledger: CampaignSettings) -> None:
    lines = {(line.kind, line.name): line.facts for line in dispatch_lines(ledger, period())}
    assert lines[("group", "一组")] == UnitPeriod(
        trips=2,
        principal_trips=1,
        visits=2,
        valid_reported=1,
        valid_followed=1,
        signed=1,
        signed_wan=12000,
        signed_counted=1,
        stale=1,
    )
    assert lines[("group", "二组")] == UnitPeriod(valid_reported=1, started=1, started_wan=60000)
    district = lines[("total", "")]
    assert (district.trips, district.visits, district.valid_reported) == (2, 2, 2)
    assert (district.signed, district.started, district.stale) == (1, 1, 1)
    assert ("outpost", "上海招商中心") in lines  # listed under its group


def test_assessment_ranks_scores_nominates_and_lists_who_is_ordered_out(
    ledger: CampaignSettings,
) -> None:
    settings = replace(
        ledger,
        # 一组 must sign one project; 二组 must sign one and start two
        groups=tuple(
            replace(g, signed_task=1, started_task=2 if g.name == "二组" else 0)
            for g in ledger.groups
        ),
        assessment=AssessmentRule(min_signed=1, all_quota_months=False),
    )
    save_campaign(settings)
    report = reports.assessment(settings, date(2022, 10, 23), T, stale_days=14)
    ranked_table = report.tables[0]
    first, second = ranked_table.rows[:2]
    # 姚李镇 over the whole window: 1 signing of 6亿 (July) and 1 start, nothing else:
    # 10×1 + 1×6 + 8×1 = 24
    assert first[:3] == (1, "姚李镇", "二组") and first[-2:] == ("0/12", 24)
    # 区经信局: 1 signing (1.2亿), 3 trips, 1 visit, 1 valid lead, and 2 of its 12 quota
    # months met (August's trips and principal trip): 10 + 1.2 + 3 + 1 + 3×1 + 2×2 = 22.2
    assert second[:3] == (2, "区经信局", "一组") and second[-2:] == ("2/12", 22.2)
    assert "10×签约项目" in ranked_table.notes[0]
    assert [r[1] for r in report.tables[1].rows] == ["姚李镇", "区经信局"]  # nominees
    tasks = {r[0]: r for r in report.tables[2].rows}
    assert tasks["一组"][1:] == (1, 1, 0, 0, "完成")
    assert tasks["二组"][1:] == (1, 1, 1, 2, "未完成")  # one start of two
    out = report.tables[3].rows
    assert [r[1] for r in out] == ["姚李镇", "上海招商中心"]  # 二组 only, in campaign order
    assert out[0][2] == "梁书记" and "2022-07 外出招商 0/2" in out[0][3]


def test_nominees_need_every_quota_month_when_the_rule_says_so(ledger: CampaignSettings) -> None:
    status_rows = reports.gather(ledger, date(2022, 10, 23)).quotas
    ranked = ranking(ledger, period(), status_rows)
    assert nominees(ledger, ranked) == []  # nobody met every month
    relaxed = replace(ledger, assessment=AssessmentRule(min_signed=1, all_quota_months=False))
    assert [r.unit for r in nominees(relaxed, ranked)] == ["区经信局"]  # 姚李镇 signed in July
    assert ordered_out(ledger, group_tasks(ledger, period()), ranked) == []  # no tasks set


def test_dispatch_renders_to_markdown_csv_and_an_xlsx_read_back_cell_by_cell(
    ledger: CampaignSettings, tmp_path: Path
) -> None:
    report = reports.dispatch(ledger, SINCE, UNTIL, T, stale_days=14)
    md = reports.to_markdown(report)
    assert "统计期间 2022-08-01 至 2022-08-14" in md
    table_lines = [line for line in md.splitlines() if line.startswith("| ")]
    widths = {cell_width(line) for line in table_lines}
    assert len(widths) == 2  # the targets table and the units table, each aligned
    assert reports.write(report, "csv", tmp_path / "d.csv") is None
    assert (tmp_path / "d.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    reports.write(report, "xlsx", tmp_path / "d.xlsx")
    book = read_workbook(tmp_path / "d.xlsx")
    assert list(book) == [table.title for table in report.tables]
    for table in report.tables:
        sheet = book[table.title]
        assert sheet[0] == list(table.headers)
        assert [tuple(row) for row in sheet[1:]] == [tuple(row) for row in table.rows]
    units = book["各组、各单位"]
    assert units[-1][:2] == ["全区合计", 2]  # district total: two trips
