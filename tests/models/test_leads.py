"""The lead service: moves by the rules, history with who and when, versions, undo, filters."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from models import leads
from models.leads import LeadChanged, LeadFilter, Refused
from models.ledger import upsert_leads
from models.queries import count_projects
from models.tables import FollowUp, Lead, StageChange
from tests.conftest import lead

# every store test here runs on SQLite and on PostgreSQL (tests/conftest.py)
pytestmark = pytest.mark.both_engines

TODAY = date(2022, 9, 10)


@pytest.fixture
def one(campaign_store: Path) -> Lead:
    """A negotiating 1.2亿 industrial lead of 区经信局."""
    upsert_leads(
        [lead(stage="negotiating", valid_since=None, signed_on=None, found_on=date(2022, 7, 20))],
        "clerk",
        TODAY,
    )
    return Lead.get()


def test_moving_a_lead_to_signed_counts_it_toward_signed_100m(one: Lead) -> None:
    start = date(2022, 7, 15)
    assert count_projects("signed", start, TODAY, 10000).actual == 0
    change = leads.move(one.id, one.version, "signed", TODAY, "clerk", TODAY)
    assert count_projects("signed", start, TODAY, 10000).actual == 1
    stored = Lead.get_by_id(one.id)
    assert (stored.stage, stored.signed_on, stored.version) == ("signed", TODAY, one.version + 1)
    last = StageChange.select().order_by(StageChange.id.desc()).get()
    assert (last.from_stage, last.to_stage, last.on, last.by_user) == (
        "negotiating",
        "signed",
        TODAY,
        "clerk",
    )
    assert change.values["to"] == "signed"


def test_signing_can_confirm_a_new_amount(one: Lead) -> None:
    leads.move(one.id, one.version, "signed", TODAY, "clerk", TODAY, amount_wan=60000)
    assert Lead.get_by_id(one.id).amount_wan == 60000


@pytest.mark.parametrize(
    ("to", "on", "key"),
    [
        pytest.param("started", TODAY, "rule.one_step", id="no-jump-from-negotiating-to-started"),
        pytest.param("signed", date(2022, 9, 11), "rule.future", id="no-signing-tomorrow"),
        pytest.param("signed", date(2022, 7, 19), "rule.before", id="no-signing-before-found"),
    ],
)
def test_a_refused_move_says_why_and_changes_nothing(
    one: Lead, to: str, on: date, key: str
) -> None:
    with pytest.raises(Refused) as refused:
        leads.move(one.id, one.version, to, on, "clerk", TODAY)  # type: ignore[arg-type]
    assert refused.value.refusal.key == key
    assert Lead.get_by_id(one.id).version == one.version
    assert StageChange.select().count() == 1


def test_start_needs_a_signing_and_comes_after_it(one: Lead) -> None:
    leads.move(one.id, one.version, "signed", date(2022, 9, 1), "clerk", TODAY)
    with pytest.raises(Refused, match=r"rule\.before"):
        leads.move(one.id, one.version + 1, "started", date(2022, 8, 30), "clerk", TODAY)
    leads.move(one.id, one.version + 1, "started", date(2022, 9, 5), "clerk", TODAY)
    assert Lead.get_by_id(one.id).started_on == date(2022, 9, 5)


def test_moving_back_clears_the_date_of_the_stage_left(one: Lead) -> None:
    leads.move(one.id, one.version, "signed", TODAY, "clerk", TODAY)
    leads.move(one.id, one.version + 1, "negotiating", TODAY, "clerk", TODAY)
    stored = Lead.get_by_id(one.id)
    assert (stored.stage, stored.signed_on) == ("negotiating", None)


def test_a_stale_version_is_refused_with_the_current_lead(one: Lead) -> None:
    leads.move(one.id, one.version, "signed", TODAY, "someone-else", TODAY)
    with pytest.raises(LeadChanged) as changed:
        leads.drop(one.id, one.version, "资金未落实", TODAY, "clerk")
    assert changed.value.current is not None and changed.value.current.stage == "signed"
    assert Lead.get_by_id(one.id).stage == "signed"


def test_valid_mark_sets_and_clears_valid_since(one: Lead) -> None:
    leads.set_valid(one.id, one.version, True, TODAY, "clerk", TODAY)
    assert Lead.get_by_id(one.id).valid_since == TODAY
    leads.set_valid(one.id, one.version + 1, False, TODAY, "clerk", TODAY)
    assert Lead.get_by_id(one.id).valid_since is None


def test_drop_needs_a_reason_and_records_the_day(one: Lead) -> None:
    with pytest.raises(Refused, match=r"rule\.reason"):
        leads.drop(one.id, one.version, "  ", TODAY, "clerk")
    leads.drop(one.id, one.version, "资金未落实", TODAY, "clerk")
    stored = Lead.get_by_id(one.id)
    assert (stored.stage, stored.dropped_on, stored.dropped_reason) == (
        "dropped",
        TODAY,
        "资金未落实",
    )


@pytest.mark.parametrize("action", ["move", "valid", "drop", "follow_up", "create"])
def test_undo_restores_the_lead_and_its_history_exactly(one: Lead, action: str) -> None:
    before = (Lead.select().dicts()[:], StageChange.select().count(), FollowUp.select().count())
    if action == "move":
        change = leads.move(one.id, one.version, "signed", TODAY, "clerk", TODAY)
    elif action == "valid":
        change = leads.set_valid(one.id, one.version, True, TODAY, "clerk", TODAY)
    elif action == "drop":
        change = leads.drop(one.id, one.version, "资金未落实", TODAY, "clerk")
    elif action == "follow_up":
        change = leads.add_follow_up(
            one.id, one.version, "电话沟通", TODAY, date(2022, 9, 17), "clerk"
        )
    else:
        change = leads.create_lead(
            leads.LeadFields("新企业", "新项目", "智能家居", 5000, True, "来访", "区经信局"),
            "clerk",
            TODAY,
        )
    leads.undo(change)
    after_rows = [
        {k: v for k, v in r.items() if k not in ("version", "updated_at")}
        for r in Lead.select().dicts()
    ]
    before_rows = [
        {k: v for k, v in r.items() if k not in ("version", "updated_at")} for r in before[0]
    ]
    assert after_rows == before_rows
    # a move undone stays in the history, with the move back that reverses it
    moves_kept = 2 if action in ("move", "drop") else 0
    assert (StageChange.select().count(), FollowUp.select().count()) == (
        before[1] + moves_kept,
        before[2],
    )


def test_undo_is_refused_once_someone_else_changed_the_lead(one: Lead) -> None:
    change = leads.move(one.id, one.version, "signed", TODAY, "clerk", TODAY)
    leads.add_follow_up(one.id, change.version_after, "对方确认", TODAY, None, "other")
    with pytest.raises(LeadChanged):
        leads.undo(change)
    assert Lead.get_by_id(one.id).stage == "signed"


def test_filter_finds_by_chinese_pinyin_and_initials(campaign_store: Path) -> None:
    upsert_leads(
        [lead("恒嘉家居有限公司", "定制家居"), lead("华宇化工有限公司", "精细化学品")], "t", TODAY
    )

    def names(text: str) -> list[str]:
        return [c.company for c in leads.stage_page("signed", LeadFilter(text=text), TODAY, 0, 10)]

    assert names("恒嘉") == ["恒嘉家居有限公司"]
    assert names("hjjj") == ["恒嘉家居有限公司"]
    assert names("HengJia") == ["恒嘉家居有限公司"]
    assert names("hyhg") == ["华宇化工有限公司"]
    assert names("50%") == []  # no wildcards from what users type
    assert sorted(names("")) == ["华宇化工有限公司", "恒嘉家居有限公司"]


def test_filters_narrow_by_unit_group_amount_valid_and_staleness(campaign_store: Path) -> None:
    upsert_leads(
        [
            lead(
                "甲",
                "一",
                unit="区经信局",
                amount_wan=50000,
                stage="negotiating",
                signed_on=None,
                valid_since=date(2022, 8, 1),
            ),
            lead(
                "乙",
                "二",
                unit="姚李镇",
                amount_wan=800,
                stage="negotiating",
                signed_on=None,
                found_on=date(2022, 9, 5),
            ),
        ],
        "t",
        TODAY,
    )
    count = lambda f: leads.stage_totals(f, TODAY)["negotiating"][0]  # noqa: E731
    assert count(LeadFilter()) == 2
    assert count(LeadFilter(unit="姚李镇")) == 1
    assert count(LeadFilter(group="一组")) == 1
    assert count(LeadFilter(min_amount_wan=10000)) == 1
    assert count(LeadFilter(valid_only=True)) == 1
    assert count(LeadFilter(stale_days=30)) == 1  # 甲 last moved 2022-08-01
    assert leads.stage_totals(LeadFilter(), TODAY)["negotiating"] == (2, 50800)


def test_saved_views_survive_and_replace_by_name(campaign_store: Path) -> None:
    leads.save_view("大项目", LeadFilter(min_amount_wan=10000), "clerk")
    leads.save_view("大项目", LeadFilter(min_amount_wan=50000), "clerk")
    assert leads.saved_views() == [("大项目", LeadFilter(min_amount_wan=50000))]
    leads.delete_view("大项目")
    assert leads.saved_views() == []


def test_detail_has_history_and_follow_ups_newest_first(one: Lead) -> None:
    change = leads.move(one.id, one.version, "signed", TODAY, "clerk", TODAY)
    leads.add_follow_up(one.id, change.version_after, "签约仪式已定", TODAY, None, "clerk")
    detail = leads.lead_detail(one.id)
    assert detail is not None
    assert [h.to_stage for h in detail.history] == ["signed", "negotiating"]
    assert [f.note for f in detail.follow_ups] == ["签约仪式已定"]


def test_triage_queue_has_new_then_overdue_then_stale_each_once(campaign_store: Path) -> None:
    upsert_leads(
        [
            lead(
                "新", "一", stage="lead", signed_on=None, found_on=date(2022, 9, 9)
            ),  # not reviewed
            lead("逾期", "二", stage="negotiating", signed_on=None, found_on=date(2022, 9, 1)),
            lead("停滞", "三", stage="negotiating", signed_on=None, found_on=date(2022, 6, 1)),
            lead(
                "签约", "四", stage="signed", found_on=date(2022, 6, 1)
            ),  # decided: never in triage
        ],
        "t",
        TODAY,
    )
    Lead.update(next_follow_up=date(2022, 9, 5)).where(Lead.company == "逾期").execute()
    queue = leads.triage_queue(TODAY, stale_days=30)
    names = [(Lead.get_by_id(i.lead_id).company, i.reason) for i in queue]
    assert names == [("新", "new"), ("逾期", "overdue"), ("停滞", "stale")]


def test_a_triage_decision_is_one_change_that_marks_the_lead_reviewed(campaign_store: Path) -> None:
    upsert_leads(
        [lead("新", "一", stage="lead", signed_on=None, found_on=date(2022, 9, 1))], "t", TODAY
    )
    new = Lead.get()
    change = leads.review(new.id, new.version, TODAY, "office", TODAY, valid=True, advance=True)
    stored = Lead.get_by_id(new.id)
    assert (stored.stage, stored.valid_since, stored.reviewed_on) == ("negotiating", TODAY, TODAY)
    assert leads.triage_queue(TODAY, 30) == []
    leads.undo(change)
    assert (Lead.get_by_id(new.id).stage, Lead.get_by_id(new.id).reviewed_on) == ("lead", None)
    with pytest.raises(Refused):
        leads.review(new.id, new.version + 2, TODAY, "office", TODAY, unit="不存在")


def test_the_form_creates_and_edits_a_lead_and_refuses_a_stale_edit(campaign_store: Path) -> None:
    fields = leads.LeadFields(
        "恒嘉家居有限公司", "定制家居", "智能家居", 12000, True, "以商招商", "区经信局"
    )
    created = leads.create_lead(fields, "clerk", TODAY)
    stored = Lead.get_by_id(created.lead_id)
    assert (stored.stage, stored.reviewed_on, stored.touched_on) == ("lead", None, TODAY)
    with pytest.raises(Refused, match="duplicate"):
        leads.create_lead(fields, "clerk", TODAY)
    renamed = leads.LeadFields(
        "华宇化工有限公司", "精细化学品", "精细化工", 30000, True, "外出招商", "姚李镇"
    )
    leads.update_lead(stored.id, stored.version, renamed, "clerk")
    again = Lead.get_by_id(stored.id)
    assert (again.company, again.amount_wan, again.version) == (
        "华宇化工有限公司",
        30000,
        stored.version + 1,
    )
    names = [c.company for c in leads.stage_page("lead", LeadFilter(text="hyhg"), TODAY, 0, 5)]
    assert names == ["华宇化工有限公司"]  # the search key follows the new name
    with pytest.raises(LeadChanged) as changed:
        leads.update_lead(stored.id, stored.version, fields, "other")
    assert changed.value.current is not None and changed.value.current.company == "华宇化工有限公司"


@pytest.mark.parametrize("text", ["hjjj", "jiaju", "家居有", "有限公司", "zngs", "cdjj"])
def test_trigram_index_and_plain_scan_find_the_same_leads(store_path: Path, text: str) -> None:
    from yeji_tui.demo import build_demo

    build_demo(TODAY, leads=400, seed=5)
    indexed = {
        c.id
        for s in ("lead", "negotiating", "signed", "started")
        for c in leads.stage_page(s, LeadFilter(text=text), TODAY, 0, 1000)
    }
    scanned = {
        i
        for (i,) in Lead.select(Lead.id)
        .where(Lead.search_key.contains(text), Lead.stage != "dropped")
        .tuples()
    }
    assert indexed == scanned


@pytest.mark.parametrize("text", ["h", "hj", "恒", "csqy 01", "hjjj"])
def test_a_filters_totals_are_the_leads_it_finds_whichever_way_they_are_counted(
    campaign_store: Path, text: str
) -> None:
    """A word of one or two characters is counted over every lead's key, the 线索 column on
    a connection of its own (models.aside); the totals are the same as counting the leads."""
    stages = ["lead", "negotiating", "signed", "lead", "started", "lead"]
    upsert_leads(
        [
            lead(f"恒嘉家居{i:03}有限公司", f"项目{i}", stage=s, amount_wan=1000 * (i + 1))
            for i, s in enumerate(stages)
        ]
        + [lead(f"测试企业{i:03}有限公司", "别的项目", stage="lead") for i in range(3)],
        "clerk",
        TODAY,
    )
    f = LeadFilter(text=text)
    expected: dict[str, tuple[int, int]] = {}
    for stage in ("lead", "negotiating", "signed", "started", "dropped"):
        found = [c for c in leads.stage_page(stage, f, TODAY, 0, 100)]
        expected[stage] = (len(found), sum(c.amount_wan for c in found))
    assert leads.stage_totals(f, TODAY) == expected
    assert sum(n for n, _ in expected.values()) > 0


def test_every_name_of_the_service_is_where_it_says() -> None:
    """The service's parts load on first use: each name in ``__all__`` is a plain record held at
    once or a name of the part ``PARTS`` says, and nothing else is answered."""
    import importlib

    held = {"BoardData", "Change", "LeadChanged", "LeadFields", "LeadFilter", "Refused"}
    held |= {"FollowUpEntry", "HistoryEntry", "LeadDetail", "TriageItem", "TriageStart"}
    parted = {name for names in leads.PARTS.values() for name in names}
    assert held.isdisjoint(parted) and held | parted == set(leads.__all__)
    for part, names in leads.PARTS.items():
        for name in names:
            assert getattr(leads, name) is getattr(importlib.import_module(part), name)
    with pytest.raises(AttributeError):
        leads.no_such_name  # noqa: B018
