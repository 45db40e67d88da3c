"""The calculator, table by table: every edge DOMAIN.md names."""

from __future__ import annotations

from datetime import date

import pytest

from models.records import CampaignSettings, GroupSpec, ProjectFacts, Quotas, TargetSpec, UnitSpec
from yeji_tui.targets import (
    QuotaFacts,
    campaign_status,
    count_status,
    counting_until,
    days_total,
    elapsed_days,
    expected_count,
    furthest_behind,
    gap_to_close,
    months_so_far,
    part_progress,
    quota_rows,
    quota_status,
    required_in_month,
    target_progress,
    what_if,
    window_months,
    worse,
)

START, END = date(2022, 7, 15), date(2022, 10, 22)


@pytest.mark.parametrize(
    ("today", "elapsed"),
    [
        pytest.param(date(2022, 7, 1), 0, id="before-the-window"),
        pytest.param(date(2022, 7, 15), 0, id="first-day-nothing-over-yet"),
        pytest.param(date(2022, 7, 16), 1, id="second-day-one-over"),
        pytest.param(date(2022, 9, 10), 57, id="sample-day"),
        pytest.param(date(2022, 10, 22), 99, id="last-day-not-over"),
        pytest.param(date(2022, 10, 23), 100, id="day-after-all-over"),
        pytest.param(date(2023, 1, 1), 100, id="long-after-capped"),
    ],
)
def test_elapsed_days_counts_days_over_before_today(today: date, elapsed: int) -> None:
    assert days_total(START, END) == 100
    assert elapsed_days(START, END, today) == elapsed


@pytest.mark.parametrize(
    ("today", "until"),
    [
        pytest.param(date(2022, 7, 14), None, id="day-before-window-counts-nothing"),
        pytest.param(date(2022, 7, 15), date(2022, 7, 15), id="first-day-counts-itself"),
        pytest.param(date(2022, 9, 10), date(2022, 9, 10), id="as-of-today-inclusive"),
        pytest.param(date(2022, 12, 31), END, id="after-window-stops-at-end"),
    ],
)
def test_counting_until_is_min_of_end_and_today(today: date, until: date | None) -> None:
    assert counting_until(START, END, today) == until


@pytest.mark.parametrize(
    ("actual", "target", "expected", "status"),
    [
        pytest.param(15, 15, 8.55, "met", id="target-exactly-met"),
        pytest.param(16, 15, 15.0, "met", id="over-target"),
        pytest.param(9, 15, 8.55, "on_track", id="above-pace"),
        pytest.param(9, 15, 9.0, "on_track", id="pace-exactly-met"),
        pytest.param(8, 15, 8.55, "behind", id="below-pace"),
        pytest.param(0, 15, 0.0, "on_track", id="day-one-zero-is-on-pace"),
        pytest.param(9, 10, 10.0, "behind", id="window-over-short"),
        pytest.param(0, 0, 0.0, "met", id="zero-target-always-met"),
    ],
)
def test_count_status(actual: int, target: int, expected: float, status: str) -> None:
    assert count_status(actual, target, expected) == status


def test_expected_count_is_target_times_elapsed_share() -> None:
    assert expected_count(15, 57, 100) == pytest.approx(8.55)
    assert expected_count(5, 100, 100) == 5


@pytest.mark.parametrize(
    ("statuses", "result"),
    [
        (("met", "behind"), "behind"),
        (("on_track", "met"), "on_track"),
        (("met", "met"), "met"),
        (("behind", "on_track"), "behind"),
    ],
)
def test_worse_orders_behind_before_on_track_before_met(
    statuses: tuple[str, ...], result: str
) -> None:
    assert worse(*statuses) == result  # type: ignore[arg-type]


def test_target_status_is_the_worse_of_total_and_industrial() -> None:
    spec = TargetSpec("signed_100m", "新签约亿元以上项目", "signed", 15, 10000, 10)
    # total 9 ≥ 8.55 is on track, industrial 5 < 5.7 is behind
    progress = target_progress(spec, ProjectFacts(actual=9, industrial=5), 57, 100)
    assert progress.total.status == "on_track"
    assert progress.industrial is not None and progress.industrial.status == "behind"
    assert progress.status == "behind"


def test_target_without_industrial_part_has_none() -> None:
    spec = TargetSpec("started", "新开工项目", "started", 10)
    progress = target_progress(spec, ProjectFacts(actual=4, industrial=3), 57, 100)
    assert progress.industrial is None
    assert progress.status == "behind"


@pytest.mark.parametrize(
    ("target", "actual", "elapsed", "needed", "to_pace", "rate"),
    [
        pytest.param(15, 6, 57, 9, 3, 9 / 43, id="behind-mid-window"),
        pytest.param(15, 15, 57, 0, 0, 0.0, id="met-needs-nothing"),
        pytest.param(10, 9, 100, 1, 1, None, id="window-over-no-rate"),
        pytest.param(10, 6, 60, 4, 0, 0.1, id="exactly-on-pace-needs-none-to-pace"),
    ],
)
def test_gap_and_daily_rate(
    target: int, actual: int, elapsed: int, needed: int, to_pace: int, rate: float | None
) -> None:
    part = part_progress(target, actual, elapsed, 100)
    assert part.needed == needed
    assert part.to_pace == to_pace
    if rate is None:
        assert part.daily_rate is None
    else:
        assert part.daily_rate == pytest.approx(rate)


def test_window_months_of_2022_cover_july_to_october_with_days_inside() -> None:
    spans = window_months(START, END)
    assert [(s.month, s.days_inside, s.days_in_month) for s in spans] == [
        ("2022-07", 17, 31),
        ("2022-08", 31, 31),
        ("2022-09", 30, 30),
        ("2022-10", 22, 31),
    ]


def test_window_across_new_year_counts_december_and_january() -> None:
    spans = window_months(date(2022, 12, 20), date(2023, 1, 10))
    assert [s.month for s in spans] == ["2022-12", "2023-01"]


@pytest.mark.parametrize(
    ("quota", "days_inside", "days_in_month", "required"),
    [
        pytest.param(2, 31, 31, 2, id="full-month"),
        pytest.param(2, 17, 31, 2, id="partial-july-2022-rounds-up-to-full"),
        pytest.param(2, 10, 31, 1, id="third-of-a-month-prorated"),
        pytest.param(1, 1, 31, 1, id="one-day-still-owes-one"),
        pytest.param(2, 15, 30, 1, id="exactly-half-no-rounding"),
        pytest.param(2, 16, 30, 2, id="just-over-half-rounds-up"),
        pytest.param(0, 31, 31, 0, id="zero-quota"),
    ],
)
def test_required_in_month_is_prorated_and_rounded_up(
    quota: int, days_inside: int, days_in_month: int, required: int
) -> None:
    span = window_months(date(2022, 7, 1), date(2022, 7, days_inside))[0]
    span = type(span)(span.month, span.first, span.last, days_inside, days_in_month)
    assert required_in_month(quota, span) == required


JULY = window_months(START, END)[0]  # 2022-07-15 .. 2022-07-31


@pytest.mark.parametrize(
    ("actual", "required", "today", "status"),
    [
        pytest.param(2, 2, date(2022, 7, 20), "met", id="met-as-soon-as-reached"),
        pytest.param(1, 2, date(2022, 7, 31), "in_progress", id="last-day-still-in-progress"),
        pytest.param(1, 2, date(2022, 8, 1), "missed", id="missed-once-month-over"),
        pytest.param(3, 2, date(2022, 12, 1), "met", id="met-stays-met"),
    ],
)
def test_quota_status(actual: int, required: int, today: date, status: str) -> None:
    assert quota_status(actual, required, JULY, today) == status


def test_quota_month_in_window_ends_with_window_not_calendar() -> None:
    october = window_months(START, END)[-1]
    assert october.last == date(2022, 10, 22)
    assert quota_status(0, 2, october, date(2022, 10, 23)) == "missed"
    assert quota_status(0, 2, october, date(2022, 10, 22)) == "in_progress"


def test_months_so_far_stops_at_the_month_of_today() -> None:
    assert [s.month for s in months_so_far(START, END, date(2022, 9, 10))] == [
        "2022-07",
        "2022-08",
        "2022-09",
    ]
    assert months_so_far(START, END, date(2022, 6, 30)) == []
    assert [s.month for s in months_so_far(START, END, date(2022, 7, 1))] == ["2022-07"]


def _settings() -> CampaignSettings:
    return CampaignSettings(
        name="x",
        start=START,
        end=END,
        quotas=Quotas(),
        targets=(TargetSpec("signed_100m", "亿元", "signed", 15, 10000, 10),),
        groups=(GroupSpec("一组"),),
        units=(
            UnitSpec("甲", "department", group="一组"),
            UnitSpec("乙", "township", group="一组"),
            UnitSpec("沪中心", "outpost", group="一组"),
            UnitSpec("佛中心", "outpost"),
        ),
    )


def test_quota_rows_units_owe_trips_groups_and_outposts_owe_valid_leads() -> None:
    facts = QuotaFacts(
        trips={("甲", "2022-07"): 2},
        principal_trips={("甲", "2022-07"): 1},
        visits={},
        valid_leads={("乙", "2022-07"): 1, ("沪中心", "2022-07"): 2},
    )
    rows = {(r.subject, r.quota): r for r in quota_rows(_settings(), facts, date(2022, 7, 20))}
    assert ("沪中心", "trips") not in rows  # outposts owe only valid leads
    assert rows[("甲", "trips")].status == "met"
    assert rows[("乙", "trips")].status == "in_progress"
    # a valid lead counts for the group of its unit, and for the outpost itself
    assert rows[("一组", "valid_leads")].actual == 3
    assert rows[("沪中心", "valid_leads")].actual == 2
    assert rows[("佛中心", "valid_leads")].actual == 0
    assert rows[("一组", "valid_leads")].subject_kind == "group"
    assert rows[("佛中心", "valid_leads")].subject_kind == "outpost"


def test_campaign_status_before_window_has_no_quota_rows_and_zero_elapsed() -> None:
    empty = QuotaFacts({}, {}, {}, {})
    status = campaign_status(_settings(), {}, empty, date(2022, 6, 1))
    assert status.elapsed == 0
    assert status.quotas == ()
    assert status.current_month is None
    assert status.targets[0].total.actual == 0


def test_furthest_behind_lists_largest_share_missing_first() -> None:
    facts = QuotaFacts(trips={("甲", "2022-07"): 1}, principal_trips={}, visits={}, valid_leads={})
    rows = quota_rows(_settings(), facts, date(2022, 7, 20))
    behind = furthest_behind(rows, "2022-07", limit=3)
    assert behind[0].actual == 0
    assert all(r.status != "met" for r in behind)
    assert ("甲", "trips") not in [(r.subject, r.quota) for r in behind[:1]]


def test_what_if_counts_chosen_signings_toward_each_threshold_they_reach() -> None:
    settings = CampaignSettings(
        name="x",
        start=START,
        end=END,
        targets=(
            TargetSpec("signed_100m", "亿元", "signed", 15, 10000, 10),
            TargetSpec("signed_500m", "5亿元", "signed", 5, 50000, 3),
            TargetSpec("started", "开工", "started", 10),
        ),
    )
    facts = {
        "signed_100m": ProjectFacts(6, 5),
        "signed_500m": ProjectFacts(2, 1),
        "started": ProjectFacts(4, 0),
    }
    status = campaign_status(settings, facts, QuotaFacts({}, {}, {}, {}), date(2022, 9, 10))
    after = what_if(status, [(60000, True), (12000, False), (800, True)])
    by_id = {tp.spec.id: tp for tp in after.targets}
    assert (by_id["signed_100m"].total.actual, by_id["signed_100m"].industrial.actual) == (8, 6)  # type: ignore[union-attr]
    assert (by_id["signed_500m"].total.actual, by_id["signed_500m"].industrial.actual) == (3, 2)  # type: ignore[union-attr]
    assert by_id["started"].total.actual == 4
    assert gap_to_close(status.targets[0]) == (9, 5)
    assert gap_to_close(by_id["started"]) is None  # only signing targets are bridged
    assert (
        what_if(
            campaign_status(settings, facts, QuotaFacts({}, {}, {}, {}), date(2022, 12, 1)),
            [(60000, True)],
        )
        .targets[0]
        .total.actual
        == 6
    )
