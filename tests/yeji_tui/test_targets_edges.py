"""The calculator at its edges: the days, amounts, ties and empty cases a one-line slip gets wrong.

Each table names its edge in the ids; `tests/mutation-survivors.md` says which mutants these kill.
"""

from __future__ import annotations

from collections import Counter
from datetime import date

import pytest

from models.records import (
    AssessmentRule,
    CampaignSettings,
    GroupSpec,
    ProjectFacts,
    QuotaName,
    Quotas,
    TargetSpec,
    UnitPeriod,
    UnitSpec,
)
from yeji_tui.targets import (
    QuotaFacts,
    QuotaRow,
    QuotaStatus,
    RankRow,
    campaign_status,
    carried,
    counting_until,
    dispatch_lines,
    expected_count,
    furthest_behind,
    gap_to_close,
    group_tasks,
    month_summary,
    nominees,
    ordered_out,
    part_progress,
    quota_rows,
    ranking,
    roster_check,
    smallest_signed_amount,
    target_progress,
    what_if,
)

START, END = date(2022, 7, 15), date(2022, 10, 22)
NO_QUOTA_FACTS = QuotaFacts({}, {}, {}, {})
SIGNED_100M = TargetSpec("signed_100m", "亿元", "signed", 15, 10000, 10)
SIGNED_500M = TargetSpec("signed_500m", "5亿元", "signed", 5, 50000)  # no industrial part
STARTED = TargetSpec("started", "开工", "started", 10)


def _row(
    subject: str,
    required: int,
    actual: int,
    status: QuotaStatus = "in_progress",
    *,
    month: str = "2022-08",
    quota: QuotaName = "trips",
    kind: str = "unit",
) -> QuotaRow:
    return QuotaRow(month, subject, kind, quota, required, actual, status)  # type: ignore[arg-type]


# --- the window's ends --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("target", "elapsed", "total", "expected"),
    [
        pytest.param(15, 57, 100, 8.55, id="mid-window-straight-pace"),
        pytest.param(5, 0, 1, 0.0, id="one-day-window-on-its-only-day-expects-nothing-yet"),
        pytest.param(5, 1, 1, 5.0, id="one-day-window-over-expects-all"),
        pytest.param(5, 0, 0, 5.0, id="empty-window-expects-the-whole-target"),
    ],
)
def test_expected_count_at_the_window_edges(
    target: int, elapsed: int, total: int, expected: float
) -> None:
    assert expected_count(target, elapsed, total) == pytest.approx(expected)


def test_on_the_last_day_the_whole_gap_is_due_today() -> None:
    part = part_progress(10, 6, elapsed=99, total=100)
    assert (part.needed, part.daily_rate) == (4, 4.0)


def test_counting_until_on_the_last_day_is_that_day() -> None:
    assert counting_until(START, END, END) == END


# --- amounts at a threshold, and the what-if ------------------------------------------------


@pytest.mark.parametrize(
    ("today", "counts"),
    [
        pytest.param(date(2022, 7, 14), False, id="day-before-the-window-changes-nothing"),
        pytest.param(START, True, id="first-day-of-the-window-counts"),
        pytest.param(END, True, id="last-day-of-the-window-counts"),
        pytest.param(date(2022, 10, 23), False, id="day-after-the-window-changes-nothing"),
    ],
)
def test_what_if_counts_a_signing_today_only_inside_the_window(today: date, counts: bool) -> None:
    settings = CampaignSettings(name="x", start=START, end=END, targets=(SIGNED_100M,))
    status = campaign_status(settings, {"signed_100m": ProjectFacts(2, 1)}, NO_QUOTA_FACTS, today)
    after = what_if(status, [(20000, True)])
    assert after.targets[0].total.actual == (3 if counts else 2)


@pytest.mark.parametrize(
    ("amount", "counted_100m", "counted_500m"),
    [
        pytest.param(9999, 0, 0, id="one-wan-under-1yi-counts-nowhere"),
        pytest.param(10000, 1, 0, id="exactly-1yi-counts-for-1yi"),
        pytest.param(49999, 1, 0, id="one-wan-under-5yi"),
        pytest.param(50000, 1, 1, id="exactly-5yi-counts-for-both"),
    ],
)
def test_an_amount_exactly_at_a_threshold_counts_for_it(
    amount: int, counted_100m: int, counted_500m: int
) -> None:
    # the started target first: a signing target after it must still be counted
    settings = CampaignSettings(
        name="x", start=START, end=END, targets=(STARTED, SIGNED_100M, SIGNED_500M)
    )
    status = campaign_status(settings, {}, NO_QUOTA_FACTS, date(2022, 9, 10))
    after = {tp.spec.id: tp for tp in what_if(status, [(amount, True)]).targets}
    assert after["signed_100m"].total.actual == counted_100m
    assert after["signed_100m"].industrial is not None
    assert after["signed_100m"].industrial.actual == counted_100m
    assert after["signed_500m"].total.actual == counted_500m
    assert after["signed_500m"].industrial is None  # a target without an industrial part
    assert after["started"].total.actual == 0
    by_spec = {spec.id: (n, ind) for spec, n, ind in carried(settings, "signing", [(amount, True)])}
    assert by_spec == {
        "signed_100m": (counted_100m, counted_100m),
        "signed_500m": (counted_500m,) * 2,
    }


def test_a_target_the_store_counted_nothing_for_starts_at_zero_industrial_too() -> None:
    settings = CampaignSettings(name="x", start=START, end=END, targets=(SIGNED_100M,))
    status = campaign_status(settings, {}, NO_QUOTA_FACTS, date(2022, 9, 10))
    industrial = status.targets[0].industrial
    assert industrial is not None and (industrial.actual, industrial.needed) == (0, 10)


# --- the gap bridge -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("spec", "facts", "gap"),
    [
        pytest.param(SIGNED_100M, ProjectFacts(6, 5), (9, 5), id="total-need-exceeds-industrial"),
        pytest.param(
            SIGNED_100M, ProjectFacts(14, 3), (7, 7), id="industrial-need-exceeds-total-need"
        ),
        pytest.param(SIGNED_100M, ProjectFacts(8, 8), (7, 2), id="both-behind-total-larger"),
        pytest.param(SIGNED_500M, ProjectFacts(1, 0), (4, 0), id="no-industrial-part-none-needed"),
        pytest.param(SIGNED_100M, ProjectFacts(9, 6), None, id="on-track-nothing-to-close"),
        pytest.param(SIGNED_100M, ProjectFacts(15, 10), None, id="met-nothing-to-close"),
        pytest.param(STARTED, ProjectFacts(1, 0), None, id="start-target-is-not-bridged"),
    ],
)
def test_gap_to_close_counts_projects_and_industrial_ones(
    spec: TargetSpec, facts: ProjectFacts, gap: tuple[int, int] | None
) -> None:
    assert gap_to_close(target_progress(spec, facts, 57, 100)) == gap


# --- monthly quotas: empty months, sums and sort keys ---------------------------------------


def test_month_summary_counts_each_status_per_quota_of_that_month_only() -> None:
    rows = [
        _row("甲", 2, 2, "met"),
        _row("乙", 2, 2, "met"),
        _row("丙", 2, 0, "missed"),
        _row("甲", 1, 0, "missed", quota="visits"),
        _row("甲", 2, 0, "missed", month="2022-07"),
    ]
    assert month_summary(rows, "2022-08") == {
        "trips": Counter({"met": 2, "missed": 1}),
        "visits": Counter({"missed": 1}),
    }
    assert month_summary(rows, "2022-09") == {}  # a month with nothing due


def test_a_zero_quota_is_met_with_nothing_done_and_never_behind() -> None:
    settings = CampaignSettings(
        name="x",
        start=START,
        end=END,
        quotas=Quotas(trips=0, principal_trips=0, visits=0, valid_leads=0),
        units=(UnitSpec("甲", "department"),),
    )
    rows = quota_rows(settings, NO_QUOTA_FACTS, date(2022, 8, 31))
    assert rows and all((r.required, r.status) == (0, "met") for r in rows)
    assert furthest_behind(rows, "2022-08") == []


def test_furthest_behind_keeps_the_default_eight() -> None:
    rows = [_row(f"单位{i:02d}", 2, 0) for i in range(10)]
    assert [r.subject for r in furthest_behind(rows, "2022-08")] == [
        f"单位{i:02d}" for i in range(8)
    ]


def test_furthest_behind_leaves_out_met_rows_and_other_months() -> None:
    rows = [
        _row("甲", 2, 2, "met"),
        _row("乙", 2, 1),
        _row("丙", 2, 0, "missed", month="2022-07"),
    ]
    assert [r.subject for r in furthest_behind(rows, "2022-08")] == ["乙"]


@pytest.mark.parametrize(
    ("rows", "order"),
    [
        pytest.param(
            [_row("乙", 4, 1), _row("甲", 1, 0)],
            ["甲", "乙"],
            id="share-missing-first-one-of-one-before-three-of-four",
        ),
        pytest.param(
            [_row("甲", 1, 0), _row("乙", 2, 0)],
            ["乙", "甲"],
            id="same-share-larger-shortfall-first",
        ),
        pytest.param(
            [_row("甲", 2, 1), _row("乙", 2, 1)],
            ["乙", "甲"],  # by code point: 乙 U+4E59 before 甲 U+7532
            id="same-share-same-shortfall-by-name",
        ),
    ],
)
def test_furthest_behind_sort_keys(rows: list[QuotaRow], order: list[str]) -> None:
    assert [r.subject for r in furthest_behind(rows, "2022-08")] == order


# --- dispatch: outposts in no group ---------------------------------------------------------


def _organisation() -> CampaignSettings:
    return CampaignSettings(
        name="x",
        start=START,
        end=END,
        targets=(SIGNED_100M, SIGNED_500M, STARTED),
        groups=(GroupSpec("一组", signed_task=2), GroupSpec("二组", started_task=1)),
        units=(
            UnitSpec("乙", "township", "乙书记", group="二组"),
            UnitSpec("甲", "department", "甲局长", group="一组"),
            UnitSpec("沪中心", "outpost", "沪主任", group="一组"),
            UnitSpec("丙", "park", "丙主任", group="一组"),
            UnitSpec("佛中心", "outpost", "佛主任"),
        ),
    )


def test_dispatch_puts_each_unit_under_its_group_and_outposts_in_no_group_apart() -> None:
    per_unit = {
        "甲": UnitPeriod(trips=1),
        "沪中心": UnitPeriod(trips=2),
        "丙": UnitPeriod(trips=4),
        "乙": UnitPeriod(trips=8),
        "佛中心": UnitPeriod(trips=16),
    }
    lines = dispatch_lines(_organisation(), per_unit)
    assert [(line.name, line.kind, line.group, line.facts.trips) for line in lines] == [
        ("一组", "group", "一组", 7),
        ("甲", "unit", "一组", 1),
        ("沪中心", "outpost", "一组", 2),
        ("丙", "unit", "一组", 4),
        ("二组", "group", "二组", 8),
        ("乙", "unit", "二组", 8),
        ("", "ungrouped", None, 16),
        ("佛中心", "outpost", None, 16),
        ("", "total", None, 31),
    ]


def test_dispatch_without_ungrouped_units_has_no_ungrouped_section() -> None:
    settings = CampaignSettings(
        name="x",
        start=START,
        end=END,
        groups=(GroupSpec("一组"),),
        units=(UnitSpec("甲", "department", group="一组"),),
    )
    assert [line.kind for line in dispatch_lines(settings, {})] == ["group", "unit", "total"]


# --- assessment: smallest threshold, ranking ties, who is ordered out -----------------------


@pytest.mark.parametrize(
    ("targets", "smallest"),
    [
        pytest.param((STARTED, SIGNED_500M, SIGNED_100M), 10000, id="smallest-signing-threshold"),
        pytest.param((STARTED,), 0, id="no-signing-target-counts-every-signing"),
        pytest.param((), 0, id="no-targets"),
    ],
)
def test_smallest_signed_amount(targets: tuple[TargetSpec, ...], smallest: int) -> None:
    settings = CampaignSettings(name="x", start=START, end=END, targets=targets)
    assert smallest_signed_amount(settings) == smallest


def _rank_row(unit: str, *, signed: int, counted: int, met: int, due: int) -> RankRow:
    return RankRow(unit, None, "", UnitPeriod(signed=signed, signed_counted=counted), met, due, ())


@pytest.mark.parametrize(
    ("row", "nominated"),
    [
        pytest.param(
            _rank_row("甲", signed=3, counted=0, met=4, due=4),
            False,
            id="signings-under-the-smallest-threshold-do-not-nominate",
        ),
        pytest.param(
            _rank_row("甲", signed=1, counted=1, met=4, due=4), True, id="one-counted-signing"
        ),
        pytest.param(
            _rank_row("甲", signed=1, counted=1, met=3, due=4), False, id="a-quota-month-missed"
        ),
        pytest.param(
            _rank_row("甲", signed=1, counted=1, met=0, due=0), False, id="nothing-owed-yet"
        ),
    ],
)
def test_nominees_need_a_counted_signing_and_every_quota_month(
    row: RankRow, nominated: bool
) -> None:
    settings = CampaignSettings(name="x", start=START, end=END, assessment=AssessmentRule())
    assert (nominees(settings, [row]) == [row]) is nominated


def test_ranking_breaks_ties_by_name_and_counts_only_the_units_own_quotas() -> None:
    settings = CampaignSettings(
        name="x",
        start=START,
        end=END,
        # a group named after its lead town: the group's quota rows are not the town's
        groups=(GroupSpec("乙"),),
        units=(UnitSpec("丙", "park", group="乙"), UnitSpec("乙", "township", group="乙")),
    )
    quotas = [
        _row("乙", 1, 1, "met", quota="valid_leads"),
        _row("乙", 1, 0, "missed", quota="valid_leads", kind="group"),
        _row("乙", 1, 0, "missed", quota="valid_leads", kind="group", month="2022-07"),
        _row("丙", 1, 1, "met", quota="valid_leads"),
    ]
    ranked = ranking(settings, {}, quotas)
    assert [(r.unit, r.score, r.months_met, r.months_due, r.missed) for r in ranked] == [
        ("丙", 2.0, 1, 1, ()),
        ("乙", 2.0, 1, 1, ()),
    ]


def test_ranking_before_any_quota_is_due_owes_nothing() -> None:
    ranked = ranking(_organisation(), {"甲": UnitPeriod(signed=1)}, [])
    assert ranked[0].unit == "甲"
    assert all((r.months_met, r.months_due, r.missed) == (0, 0, ()) for r in ranked)


def test_ordered_out_follows_the_campaign_files_order_of_groups_then_units() -> None:
    settings = _organisation()
    # 沪中心 met its quota; the others missed theirs
    per_unit = {"丙": UnitPeriod(started=3), "乙": UnitPeriod(started=2), "甲": UnitPeriod()}
    quotas = [
        _row(name, 2, 0, "missed") if name != "沪中心" else _row(name, 1, 1, "met")
        for name in ("丙", "乙", "甲", "沪中心", "佛中心")
    ]
    ranked = ranking(settings, per_unit, quotas)
    assert [r.unit for r in ranked] == ["丙", "乙", "沪中心", "佛中心", "甲"]
    tasks = group_tasks(settings, per_unit)
    assert [t.missed for t in tasks] == [True, False]  # 一组 signed none of 2; 二组 started 2 of 1
    assert [r.unit for r in ordered_out(settings, tasks, ranked)] == ["甲", "丙"]
    every_group_missed = [
        type(t)(t.group, t.signed, t.signed_task, t.started, t.started + 1) for t in tasks
    ]
    assert [r.unit for r in ordered_out(settings, every_group_missed, ranked)] == [
        "甲",
        "丙",
        "乙",
    ]


# --- the consultants' ranges ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("consultants", "advisers", "inside"),
    [
        pytest.param(4, 2, (False, False), id="one-under-each-lower-limit"),
        pytest.param(5, 3, (True, True), id="exactly-at-the-lower-limits"),
        pytest.param(10, 5, (True, True), id="exactly-at-the-upper-limits"),
        pytest.param(11, 6, (False, False), id="one-over-each-upper-limit"),
    ],
)
def test_roster_check_ranges_include_their_limits(
    consultants: int, advisers: int, inside: tuple[bool, bool]
) -> None:
    check = roster_check(["consultant"] * consultants + ["adviser"] * advisers)
    assert check == {
        "consultant": (consultants, 5, 10, inside[0]),
        "adviser": (advisers, 3, 5, inside[1]),
    }


def test_an_empty_roster_has_none_of_either_and_is_outside_both_ranges() -> None:
    assert roster_check([]) == {"consultant": (0, 5, 10, False), "adviser": (0, 3, 5, False)}


@pytest.mark.parametrize(
    ("kind", "carried_ids"),
    [
        pytest.param("signing", ["signed_100m", "signed_500m"], id="signing-carries-signed"),
        pytest.param("groundbreaking", ["started"], id="groundbreaking-carries-started"),
        pytest.param("promotion", [], id="other-events-carry-nothing"),
    ],
)
def test_a_ceremony_carries_projects_toward_the_targets_of_its_stage(
    kind: str, carried_ids: list[str]
) -> None:
    settings = CampaignSettings(
        name="x", start=START, end=END, targets=(STARTED, SIGNED_100M, SIGNED_500M)
    )
    out = carried(settings, kind, [(60000, True), (100, False)])
    assert [spec.id for spec, _, _ in out] == carried_ids
    if kind == "groundbreaking":
        assert out[0][1:] == (2, 1)  # a start target counts any amount
