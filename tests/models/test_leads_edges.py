"""The lead service at its edges: the rules each change applies, the days on the boundary of
"follow-up due", "stale" and "touched since", and what every change records and undoes.

Store-backed (a fresh SQLite file, and a fresh PostgreSQL database, per test); `tests/mutation-survivors.md` says which mutants
these kill.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path

import pytest

from models import leads
from models.leads import FollowUpEntry, HistoryEntry, LeadFields, LeadFilter
from models.ledger import upsert_leads
from models.records import LeadRecord
from models.tables import FollowUp, Lead, StageChange, Unit, rows
from tests.conftest import lead
from yeji_tui.strings import MESSAGES

# every store test here runs on SQLite and on PostgreSQL (tests/conftest.py)
pytestmark = pytest.mark.both_engines

TODAY = date(2022, 9, 10)


def _only(**kwargs: object) -> Lead:
    """Store one lead (the conftest builder's defaults, overridden) and return its row."""
    upsert_leads([lead(**kwargs)], "clerk", TODAY)  # type: ignore[arg-type]
    return Lead.get()


# --- 签约 and 开工: the dates a move sets, keeps and clears ---------------------------------


@pytest.mark.parametrize(
    ("stage", "to", "signed_on", "started_on"),
    [
        pytest.param(
            "signed", "started", date(2022, 8, 1), TODAY, id="start-keeps-the-signing-date"
        ),
        pytest.param(
            "started", "signed", date(2022, 8, 1), None, id="back-from-start-keeps-the-signing-date"
        ),
        pytest.param("signed", "negotiating", None, None, id="back-from-signed-clears-it"),
    ],
)
def test_a_move_sets_keeps_and_clears_the_stage_dates(
    campaign_store: Path, stage: str, to: str, signed_on: date | None, started_on: date | None
) -> None:
    started = date(2022, 8, 20) if stage == "started" else None
    one = _only(stage=stage, signed_on=date(2022, 8, 1), started_on=started)
    leads.move(one.id, one.version, to, TODAY, "clerk", TODAY)  # type: ignore[arg-type]
    stored = Lead.get_by_id(one.id)
    assert (stored.stage, stored.signed_on, stored.started_on) == (to, signed_on, started_on)


def test_back_from_a_start_with_no_signing_date_signs_on_the_day_of_the_move(
    campaign_store: Path,
) -> None:
    one = _only(stage="started", signed_on=None, started_on=date(2022, 8, 20))
    leads.move(one.id, one.version, "signed", TODAY, "clerk", TODAY)
    assert Lead.get_by_id(one.id).signed_on == TODAY


# --- triage's review: the rules it applies ----------------------------------------------------


@pytest.mark.parametrize(
    ("stage", "key"),
    [
        pytest.param("negotiating", "rule.advance", id="already-negotiating"),
        pytest.param("signed", "rule.advance", id="signed-is-never-moved-back-by-advance"),
        pytest.param("dropped", "rule.advance", id="dropped"),
    ],
)
def test_triage_advances_only_a_lead_at_the_first_stage(
    campaign_store: Path, stage: str, key: str
) -> None:
    one = _only(stage=stage, signed_on=date(2022, 8, 1) if stage == "signed" else None)
    with pytest.raises(leads.Refused) as refused:
        leads.review(one.id, one.version, TODAY, "office", TODAY, advance=True)
    assert refused.value.refusal.key == key
    stored = Lead.get_by_id(one.id)
    assert (stored.stage, stored.signed_on, stored.version) == (stage, one.signed_on, one.version)


@pytest.mark.parametrize(
    ("found_on", "on", "key"),
    [
        pytest.param(date(2022, 9, 5), date(2022, 9, 4), "rule.before", id="valid-before-found"),
        pytest.param(date(2022, 9, 5), date(2022, 9, 11), "rule.future", id="valid-tomorrow"),
    ],
)
def test_triage_and_the_valid_mark_apply_the_valid_lead_rules(
    campaign_store: Path, found_on: date, on: date, key: str
) -> None:
    one = _only(stage="lead", signed_on=None, found_on=found_on)
    decisions: list[Callable[[], leads.Change]] = [
        lambda: leads.review(one.id, one.version, on, "office", TODAY, valid=True),
        lambda: leads.set_valid(one.id, one.version, True, on, "clerk", TODAY),
    ]
    for decide in decisions:
        with pytest.raises(leads.Refused) as refused:
            decide()
        assert refused.value.refusal.key == key
    stored = Lead.get_by_id(one.id)
    assert (stored.valid_since, stored.reviewed_on, stored.version) == (None, None, one.version)


def test_a_signed_project_cannot_be_reported_valid_but_its_report_can_be_taken_back(
    campaign_store: Path,
) -> None:
    one = _only(stage="signed", valid_since=date(2022, 7, 20))
    with pytest.raises(leads.Refused, match=r"^rule\.valid_stage$"):
        leads.set_valid(one.id, one.version, True, TODAY, "clerk", TODAY)
    leads.set_valid(one.id, one.version, False, TODAY, "clerk", TODAY)
    assert Lead.get_by_id(one.id).valid_since is None


def test_a_plain_review_marks_the_lead_reviewed_and_decides_nothing_else(
    campaign_store: Path,
) -> None:
    one = _only(stage="lead", signed_on=None, found_on=date(2022, 9, 1))
    leads.review(one.id, one.version, TODAY, "office", TODAY)
    stored = leads.lead_record(one.id)
    assert stored is not None
    assert (stored.stage, stored.valid_since, stored.reviewed_on) == ("lead", None, TODAY)
    assert (stored.next_follow_up, stored.unit) == (None, "区经信局")
    assert StageChange.select().count() == 1  # the import's; a review is no move


@pytest.mark.parametrize(
    ("amount", "refused"),
    [
        pytest.param(-5, True, id="negative-refused"),
        pytest.param(0, True, id="zero-refused"),
        pytest.param(1, False, id="one-wan-accepted"),
    ],
)
def test_a_signing_confirms_only_a_positive_amount(
    campaign_store: Path, amount: int, refused: bool
) -> None:
    one = _only(stage="negotiating", signed_on=None)
    if refused:
        with pytest.raises(leads.Refused, match=r"^rule\.amount$"):
            leads.move(one.id, one.version, "signed", TODAY, "clerk", TODAY, amount_wan=amount)
    else:
        leads.move(one.id, one.version, "signed", TODAY, "clerk", TODAY, amount_wan=amount)
    assert Lead.get_by_id(one.id).amount_wan == (12000 if refused else amount)


def test_an_empty_follow_up_note_is_refused_and_a_note_is_kept_trimmed(
    campaign_store: Path,
) -> None:
    one = _only(stage="negotiating", signed_on=None)
    with pytest.raises(leads.Refused, match=r"^rule\.note$"):
        leads.add_follow_up(one.id, one.version, " \t ", TODAY, None, "clerk")
    assert FollowUp.select().count() == 0
    leads.add_follow_up(one.id, one.version, "  电话沟通 ", TODAY, None, "clerk")
    assert FollowUp.get().note == "电话沟通"


# --- what each change records -----------------------------------------------------------------


def _by_form(
    company: str = "新企业", project: str = "新项目", unit: str = "区经信局"
) -> LeadFields:
    return LeadFields(company, project, "智能家居", 5000, True, "来访", unit)


CHANGES: dict[str, Callable[[Lead], leads.Change]] = {
    "move": lambda one: leads.move(one.id, one.version, "negotiating", TODAY, "clerk", TODAY),
    "valid": lambda one: leads.set_valid(one.id, one.version, True, TODAY, "clerk", TODAY),
    "unvalid": lambda one: leads.set_valid(one.id, one.version, False, TODAY, "clerk", TODAY),
    "drop": lambda one: leads.drop(one.id, one.version, " 资金未落实 ", TODAY, "clerk"),
    "follow_up": lambda one: leads.add_follow_up(one.id, one.version, "电话", TODAY, None, "clerk"),
    "edit": lambda one: leads.update_lead(one.id, one.version, _by_form("新名"), "clerk"),
    "create": lambda one: leads.create_lead(_by_form(), "clerk", TODAY),
    "review": lambda one: leads.review(one.id, one.version, TODAY, "office", TODAY),
    "review_valid": lambda one: leads.review(
        one.id, one.version, TODAY, "office", TODAY, valid=True
    ),
    "review_advance": lambda one: leads.review(
        one.id, one.version, TODAY, "office", TODAY, valid=True, advance=True
    ),
    "review_follow_up": lambda one: leads.review(
        one.id, one.version, TODAY, "office", TODAY, advance=True, next_follow_up=date(2022, 9, 17)
    ),
    "review_reassign": lambda one: leads.review(
        one.id, one.version, TODAY, "office", TODAY, next_follow_up=date(2022, 9, 17), unit="姚李镇"
    ),
}


@pytest.mark.parametrize(
    ("action", "what", "values", "moved"),
    [
        pytest.param("move", "done.move", {"from": "lead", "to": "negotiating"}, "negotiating"),
        pytest.param("valid", "done.valid", {}, None),
        pytest.param("unvalid", "done.unvalid", {}, None),
        pytest.param("drop", "done.drop", {"reason": "资金未落实"}, "dropped"),
        pytest.param("follow_up", "done.follow_up", {}, None),
        pytest.param("edit", "done.edit", {}, None),
        pytest.param("create", "done.create", {"company": "新企业"}, "lead"),
        pytest.param("review", "done.review", {"day": "", "unit": ""}, None),
        pytest.param("review_valid", "done.valid", {"day": "", "unit": ""}, None),
        pytest.param(
            "review_advance", "done.advance", {"day": "", "unit": ""}, "negotiating", id="advance"
        ),
        pytest.param(
            "review_follow_up",
            "done.next_follow_up",
            {"day": "2022-09-17", "unit": ""},
            "negotiating",
            id="next-follow-up-said-last-wins",
        ),
        pytest.param(
            "review_reassign",
            "done.reassign",
            {"day": "2022-09-17", "unit": "姚李镇"},
            None,
            id="reassign-said-last-wins",
        ),
    ],
)
def test_each_change_says_what_it_did_and_records_its_move(
    campaign_store: Path, action: str, what: str, values: dict[str, object], moved: str | None
) -> None:
    one = _only(stage="lead", signed_on=None, found_on=date(2022, 9, 1))
    change = CHANGES[action](one)
    assert change.what == what and what in MESSAGES  # the status line says it in both languages
    company = "新企业" if action == "create" else "恒嘉家居有限公司"
    assert change.values == {"company": company, **values}
    history = [
        (h.from_stage, h.to_stage, h.on, h.by_user)
        for h in StageChange.select().where(StageChange.id.in_(change.history_ids))
    ]
    if moved is None:
        assert change.history_ids == () and history == []
    else:
        who = "office" if action.startswith("review") else "clerk"
        source = None if action == "create" else "lead"
        assert history == [(source, moved, TODAY, who)]
    notes = [(f.on, f.note, f.by_user) for f in FollowUp.select()]
    assert change.follow_up_ids == tuple(f.id for f in FollowUp.select())
    assert notes == ([(TODAY, "电话", "clerk")] if action == "follow_up" else [])
    stored = leads.lead_record(change.lead_id)
    assert stored is not None and stored.version == change.version_after
    if action == "review_reassign":
        assert (stored.unit, stored.next_follow_up) == (
            "姚李镇",
            date(2022, 9, 17),
        )


def test_a_change_and_its_undo_stamp_the_lead_as_updated(campaign_store: Path) -> None:
    one = _only(stage="negotiating", signed_on=None)
    long_ago = datetime(2000, 1, 1)
    Lead.update(updated_at=long_ago).where(Lead.id == one.id).execute()
    change = leads.set_valid(one.id, one.version, True, TODAY, "clerk", TODAY)
    assert Lead.get_by_id(one.id).updated_at > long_ago
    Lead.update(updated_at=long_ago).where(Lead.id == one.id).execute()
    leads.undo(change)
    assert Lead.get_by_id(one.id).updated_at > long_ago


# --- touched since: the day of the last touch -------------------------------------------------


@pytest.mark.parametrize(
    ("touched_on", "noted_on", "after"),
    [
        pytest.param(None, date(2022, 9, 1), date(2022, 9, 1), id="never-touched-now-touched"),
        pytest.param(
            date(2022, 9, 5), date(2022, 9, 4), date(2022, 9, 5), id="older-note-no-touch"
        ),
        pytest.param(date(2022, 9, 5), date(2022, 9, 5), date(2022, 9, 5), id="same-day"),
        pytest.param(date(2022, 9, 5), date(2022, 9, 6), date(2022, 9, 6), id="later-note-touches"),
    ],
)
def test_a_follow_up_touches_a_lead_unless_it_was_touched_later(
    campaign_store: Path, touched_on: date | None, noted_on: date, after: date
) -> None:
    one = _only(stage="negotiating", signed_on=None)
    Lead.update(touched_on=touched_on).where(Lead.id == one.id).execute()
    change = leads.add_follow_up(one.id, one.version, "电话", noted_on, None, "clerk")
    assert Lead.get_by_id(one.id).touched_on == after
    leads.undo(change)
    assert Lead.get_by_id(one.id).touched_on == touched_on


def test_a_move_touches_the_lead_on_its_day(campaign_store: Path) -> None:
    one = _only(stage="negotiating", signed_on=None, found_on=date(2022, 8, 1))
    leads.move(one.id, one.version, "signed", TODAY, "clerk", TODAY)
    assert Lead.get_by_id(one.id).touched_on == TODAY


# --- triage: follow-up due and stale, on the day itself ---------------------------------------


def _reviewed(company: str, stage: str = "negotiating", **days: date | None) -> None:
    """A lead already reviewed (so it is not "new"), with the given days."""
    upsert_leads([lead(company, company, stage=stage, signed_on=None)], "clerk", TODAY)
    changes = {"reviewed_on": TODAY, "touched_on": TODAY, **days}
    Lead.update(**changes).where(Lead.company == company).execute()


def _queue(stale_days: int = 14) -> list[tuple[str, str, date | None]]:
    return [
        (Lead.get_by_id(i.lead_id).company, i.reason, i.since)
        for i in leads.triage_queue(TODAY, stale_days)
    ]


def test_a_follow_up_due_today_is_overdue_and_one_due_tomorrow_is_not(
    campaign_store: Path,
) -> None:
    _reviewed("今天到期", next_follow_up=TODAY)
    _reviewed("明天到期", next_follow_up=date(2022, 9, 11))
    _reviewed("线索阶段逾期", stage="lead", next_follow_up=date(2022, 9, 1))
    _reviewed("签约不再跟", stage="signed", next_follow_up=date(2022, 9, 1))
    assert _queue() == [
        ("线索阶段逾期", "overdue", date(2022, 9, 1)),
        ("今天到期", "overdue", TODAY),
    ]


def test_a_lead_untouched_for_exactly_the_stale_days_is_stale(campaign_store: Path) -> None:
    _reviewed("整14天", touched_on=date(2022, 8, 27))
    _reviewed("13天", touched_on=date(2022, 8, 28))
    _reviewed("线索停滞", stage="lead", touched_on=date(2022, 8, 1))
    assert _queue(14) == [
        ("线索停滞", "stale", date(2022, 8, 1)),
        ("整14天", "stale", date(2022, 8, 27)),
    ]


def test_triage_orders_each_reason_by_day_then_lead_and_lists_a_lead_once(
    campaign_store: Path,
) -> None:
    # inserted in the reverse of their days' order
    _reviewed("后到期", next_follow_up=date(2022, 9, 8))
    _reviewed("先到期甲", next_follow_up=date(2022, 9, 2))
    _reviewed("先到期乙", next_follow_up=date(2022, 9, 2))
    upsert_leads(
        [lead("新且逾期", "一", stage="lead", signed_on=None, found_on=date(2022, 9, 3))],
        "clerk",
        TODAY,
    )
    Lead.update(next_follow_up=date(2022, 9, 1)).where(Lead.company == "新且逾期").execute()
    assert _queue() == [
        ("新且逾期", "new", date(2022, 9, 3)),
        ("先到期甲", "overdue", date(2022, 9, 2)),
        ("先到期乙", "overdue", date(2022, 9, 2)),
        ("后到期", "overdue", date(2022, 9, 8)),
    ]


def test_a_new_lead_dropped_before_review_leaves_triage(campaign_store: Path) -> None:
    created = leads.create_lead(_by_form(), "clerk", TODAY)
    assert [reason for _, reason, _ in _queue()] == ["new"]
    leads.drop(created.lead_id, created.version_after, "重复线索", TODAY, "clerk")
    assert _queue() == []


def test_triage_lists_five_hundred_leads_by_default(campaign_store: Path) -> None:
    unit = Unit.get(name="区经信局").id
    Lead.insert_many(
        [
            {"company": f"企业{i:03d}", "project": "项目", "unit": unit, "found_on": TODAY}
            for i in range(501)
        ]
    ).execute()
    assert len(leads.triage_queue(TODAY, 14)) == 500


# --- reading: the record, the detail, pages and filters ---------------------------------------


def test_a_lead_record_carries_every_stored_field(campaign_store: Path) -> None:
    leads.create_lead(_by_form("别家", "别的"), "clerk", date(2022, 9, 1))
    form = LeadFields(
        "恒嘉家居", "定制家居", "精细化工", 12000, True, "以商招商", "姚李镇",
        found_on=date(2022, 8, 2), next_follow_up=date(2022, 9, 17), is_head_enterprise=True,
        is_listed=True, task_force="signed", consultant="李顾问",
    )  # fmt: skip
    created = leads.create_lead(form, "clerk", date(2022, 9, 1))
    Lead.update(
        stage="dropped",
        valid_since=date(2022, 8, 3),
        signed_on=date(2022, 8, 4),
        started_on=date(2022, 8, 5),
        dropped_on=date(2022, 8, 6),
        dropped_reason="资金未落实",
        reviewed_on=date(2022, 8, 7),
        touched_on=date(2022, 8, 8),
        version=7,
    ).where(Lead.id == created.lead_id).execute()
    assert leads.lead_record(created.lead_id) == LeadRecord(
        id=created.lead_id,
        company="恒嘉家居",
        project="定制家居",
        industry="精细化工",
        amount_wan=12000,
        is_industrial=True,
        source="以商招商",
        unit="姚李镇",
        stage="dropped",
        found_on=date(2022, 8, 2),
        valid_since=date(2022, 8, 3),
        signed_on=date(2022, 8, 4),
        started_on=date(2022, 8, 5),
        dropped_on=date(2022, 8, 6),
        dropped_reason="资金未落实",
        version=7,
        next_follow_up=date(2022, 9, 17),
        touched_on=date(2022, 8, 8),
        reviewed_on=date(2022, 8, 7),
        is_head_enterprise=True,
        is_listed=True,
        task_force="signed",
        consultant="李顾问",
    )
    other = leads.lead_record(created.lead_id - 1)
    assert other is not None and (other.company, other.consultant) == ("别家", "")
    assert leads.lead_record(created.lead_id + 1) is None


def test_the_form_refuses_an_unknown_consultant(campaign_store: Path) -> None:
    form = LeadFields("甲", "一", "其他", 1, False, "来访", "区经信局", consultant="不在名册")
    with pytest.raises(leads.Refused, match=r"^why\.consultant$"):
        leads.create_lead(form, "clerk", TODAY)
    assert Lead.select().count() == 0


def test_detail_orders_history_and_notes_by_day_then_entry_and_shows_only_its_lead(
    campaign_store: Path,
) -> None:
    other = leads.create_lead(_by_form("别家", "别的"), "clerk", date(2022, 9, 1))
    leads.add_follow_up(other.lead_id, 1, "别家的记录", date(2022, 9, 5), None, "张")
    change = leads.create_lead(_by_form(), "clerk", date(2022, 9, 1))
    steps: list[Callable[[int], leads.Change]] = [
        lambda v: leads.review(change.lead_id, v, date(2022, 9, 2), "office", TODAY, advance=True),
        lambda v: leads.move(change.lead_id, v, "signed", date(2022, 9, 5), "张", TODAY),
        # recorded late: a move back dated before the signing, then signed again that day
        lambda v: leads.move(change.lead_id, v, "negotiating", date(2022, 9, 3), "李", TODAY),
        lambda v: leads.move(change.lead_id, v, "signed", date(2022, 9, 3), "王", TODAY),
        lambda v: leads.add_follow_up(change.lead_id, v, "甲", date(2022, 9, 6), None, "张"),
        lambda v: leads.add_follow_up(change.lead_id, v, "乙", date(2022, 9, 4), None, "李"),
        lambda v: leads.add_follow_up(change.lead_id, v, "丙", date(2022, 9, 6), None, "王"),
    ]
    version = change.version_after
    for step in steps:
        version = step(version).version_after
    detail = leads.lead_detail(change.lead_id)
    assert detail is not None and detail.lead == leads.lead_record(change.lead_id)
    assert detail.history == (
        HistoryEntry("negotiating", "signed", date(2022, 9, 5), "张"),
        HistoryEntry("negotiating", "signed", date(2022, 9, 3), "王"),
        HistoryEntry("signed", "negotiating", date(2022, 9, 3), "李"),
        HistoryEntry("lead", "negotiating", date(2022, 9, 2), "office"),
        HistoryEntry(None, "lead", date(2022, 9, 1), "clerk"),
    )
    assert detail.follow_ups == (
        FollowUpEntry(date(2022, 9, 6), "丙", "王"),
        FollowUpEntry(date(2022, 9, 6), "甲", "张"),
        FollowUpEntry(date(2022, 9, 4), "乙", "李"),
    )
    assert leads.lead_detail(change.lead_id + 1) is None


@pytest.fixture
def four(campaign_store: Path) -> dict[str, int]:
    """Four negotiating leads and a signed one, unit by unit; name → id."""
    inputs = [
        lead("甲", "一", unit="区经信局", amount_wan=50000, valid_since=date(2022, 8, 1)),
        lead("乙", "二", unit="平岗街道", amount_wan=10000),
        lead("丙", "三", unit="姚李镇", amount_wan=9999, is_industrial=False),
        lead("丁", "四", unit="上海招商中心", amount_wan=10000),
    ]
    negotiating = [replace(r, stage="negotiating", signed_on=None) for r in inputs]
    signed = lead("戊", "五", unit="区经信局", amount_wan=30000)
    upsert_leads([*negotiating, signed], "clerk", TODAY)
    days = {"甲": date(2022, 8, 11), "乙": date(2022, 8, 12), "丙": None, "丁": TODAY}
    for company, day in days.items():
        Lead.update(touched_on=day).where(Lead.company == company).execute()
    return {str(c): int(i) for i, c in rows(Lead.select(Lead.id, Lead.company))}


@pytest.mark.parametrize(
    ("f", "shown"),
    [
        pytest.param(LeadFilter(unit="区经信局"), ["甲"], id="unit"),
        pytest.param(LeadFilter(group="一组"), ["甲", "乙"], id="group-of-two-units"),
        pytest.param(LeadFilter(group="二组"), ["丁", "丙"], id="group-with-an-outpost"),
        pytest.param(LeadFilter(min_amount_wan=10000), ["甲", "丁", "乙"], id="amount-at-min"),
        pytest.param(LeadFilter(valid_only=True), ["甲"], id="valid-only"),
        pytest.param(LeadFilter(industrial_only=True), ["甲", "丁", "乙"], id="industrial"),
        pytest.param(LeadFilter(stale_days=30), ["甲", "丙"], id="stale-on-the-day-or-never"),
        pytest.param(LeadFilter(text="a_c"), [], id="underscore-is-no-wildcard"),
        pytest.param(LeadFilter(text="甲"), ["甲"], id="short-text"),
    ],
)
def test_filters_show_exactly_their_leads(
    four: dict[str, int], f: LeadFilter, shown: list[str]
) -> None:
    page = leads.stage_page("negotiating", f, TODAY, 0, 10)
    assert [c.company for c in page] == shown
    totals = leads.stage_totals(f, TODAY)
    assert totals["negotiating"] == (len(shown), sum(c.amount_wan for c in page))


def test_a_text_with_a_wildcard_matches_it_literally(campaign_store: Path) -> None:
    upsert_leads([lead("ABC精密", "机床"), lead("A_C精密", "刀具")], "clerk", TODAY)
    page = leads.stage_page("signed", LeadFilter(text="a_c"), TODAY, 0, 10)
    assert [c.company for c in page] == ["A_C精密"]


def test_totals_count_every_stage_and_zero_where_none(four: dict[str, int]) -> None:
    unfiltered = leads.stage_totals(LeadFilter(), TODAY)
    assert unfiltered == {
        "lead": (0, 0),
        "negotiating": (4, 79999),
        "signed": (1, 30000),
        "started": (0, 0),
        "dropped": (0, 0),
    }
    assert leads.stage_totals(LeadFilter(unit="区经信局"), TODAY) == {
        "lead": (0, 0),
        "negotiating": (1, 50000),
        "signed": (1, 30000),
        "started": (0, 0),
        "dropped": (0, 0),
    }


def test_a_page_is_largest_amount_first_then_newest_and_respects_offset_and_limit(
    four: dict[str, int],
) -> None:
    def page(offset: int, limit: int) -> list[str]:
        cards = leads.stage_page("negotiating", LeadFilter(), TODAY, offset, limit)
        return [c.company for c in cards]

    assert page(0, 10) == ["甲", "丁", "乙", "丙"]  # 丁 and 乙 both 1亿: the newer first
    assert page(1, 2) == ["丁", "乙"]


# --- form duplicates, undo of the right lead, saved views ---------------------------------------


@pytest.mark.parametrize(
    ("company", "project", "duplicate"),
    [
        pytest.param("恒嘉家居有限公司", "别的项目", False, id="same-company-other-project"),
        pytest.param("别的企业", "定制家居项目", False, id="same-project-other-company"),
        pytest.param("恒嘉家居有限公司", "定制家居项目", True, id="same-company-and-project"),
    ],
)
@pytest.mark.parametrize("path", ["create", "edit"])
def test_a_duplicate_is_the_same_company_and_project(
    campaign_store: Path, company: str, project: str, duplicate: bool, path: str
) -> None:
    upsert_leads([lead()], "clerk", TODAY)
    other = leads.create_lead(_by_form("另一家", "另一个"), "clerk", TODAY)
    form = _by_form(company, project)

    def save() -> leads.Change:
        if path == "create":
            return leads.create_lead(form, "clerk", TODAY)
        return leads.update_lead(other.lead_id, other.version_after, form, "clerk")

    if duplicate:
        with pytest.raises(leads.Refused, match=r"^rule\.duplicate$"):
            save()
    else:
        save()
    assert Lead.select().where(Lead.company == company, Lead.project == project).count() == 1


def test_saving_the_form_unchanged_is_not_a_duplicate_of_itself(campaign_store: Path) -> None:
    created = leads.create_lead(_by_form(unit="姚李镇"), "clerk", TODAY)
    again = leads.update_lead(created.lead_id, 1, _by_form(unit="姚李镇"), "clerk")
    record = leads.lead_record(created.lead_id)
    assert again.version_after == 2 and record is not None and record.unit == "姚李镇"


def test_undo_reverses_only_its_own_lead_and_notes(campaign_store: Path) -> None:
    upsert_leads(
        [lead("甲", "一", stage="negotiating", signed_on=None)] * 1
        + [lead("乙", "二", stage="negotiating", signed_on=None)],
        "clerk",
        TODAY,
    )
    first, second = Lead.select().order_by(Lead.id)
    noted = leads.add_follow_up(first.id, first.version, "甲的记录", TODAY, None, "clerk")
    leads.add_follow_up(first.id, noted.version_after, "甲的再记录", TODAY, None, "clerk")
    first_before = Lead.select().where(Lead.id == first.id).dicts().get()
    change = leads.add_follow_up(second.id, second.version, "乙的记录", TODAY, TODAY, "clerk")
    leads.undo(change)
    assert [f.note for f in FollowUp.select()] == ["甲的记录", "甲的再记录"]
    assert Lead.select().where(Lead.id == first.id).dicts().get() == first_before
    assert Lead.get_by_id(second.id).next_follow_up is None


def test_an_undo_refused_shows_the_lead_as_it_is_now_or_none_once_gone(
    campaign_store: Path,
) -> None:
    created = leads.create_lead(_by_form(unit="姚李镇"), "clerk", TODAY)
    noted = leads.add_follow_up(created.lead_id, 1, "电话", TODAY, None, "other")
    with pytest.raises(leads.LeadChanged) as changed:
        leads.undo(created)
    assert changed.value.current == leads.lead_record(created.lead_id)
    assert changed.value.current is not None and changed.value.current.unit == "姚李镇"
    leads.undo(noted)
    leads.undo(replace(created, version_after=3))
    with pytest.raises(leads.LeadChanged) as gone:
        leads.undo(created)
    assert gone.value.current is None
    assert str(gone.value) == "lead changed"


def test_a_stale_change_is_refused_with_the_lead_as_it_is_now(campaign_store: Path) -> None:
    created = leads.create_lead(_by_form(unit="姚李镇"), "clerk", TODAY)
    leads.add_follow_up(created.lead_id, 1, "电话", TODAY, None, "other")
    with pytest.raises(leads.LeadChanged) as changed:
        leads.set_valid(created.lead_id, 1, True, TODAY, "clerk", TODAY)
    assert changed.value.current == leads.lead_record(created.lead_id)


def test_saved_views_are_listed_by_name_and_kept_apart(campaign_store: Path) -> None:
    leads.save_view("乙视图", LeadFilter(unit="姚李镇"), "clerk")
    leads.save_view("甲视图", LeadFilter(min_amount_wan=10000), "clerk")
    leads.save_view("乙视图", LeadFilter(unit="区经信局"), "clerk")
    assert leads.saved_views() == [
        ("乙视图", LeadFilter(unit="区经信局")),
        ("甲视图", LeadFilter(min_amount_wan=10000)),
    ]
    leads.delete_view("甲视图")
    assert leads.saved_views() == [("乙视图", LeadFilter(unit="区经信局"))]


def test_a_saved_filter_is_readable_json_with_its_keys_in_order() -> None:
    text = LeadFilter(unit="区经信局", min_amount_wan=10000).to_json()
    assert '"unit": "区经信局"' in text  # readable in the store, not \u escapes
    assert list(json.loads(text)) == sorted(json.loads(text))


def test_triage_refuses_to_advance_or_reassign_against_its_rules(campaign_store: Path) -> None:
    one = _only(stage="lead", signed_on=None, found_on=date(2022, 9, 1))
    tomorrow = date(2022, 9, 11)
    with pytest.raises(leads.Refused, match=r"^rule\.future$"):
        leads.review(one.id, one.version, tomorrow, "office", TODAY, advance=True)
    with pytest.raises(leads.Refused, match=r"^why\.unit$"):
        leads.review(one.id, one.version, TODAY, "office", TODAY, unit="不存在的单位")
    assert (Lead.get_by_id(one.id).stage, Lead.get_by_id(one.id).version) == ("lead", one.version)


def test_stale_leads_touched_the_same_day_come_in_the_order_they_were_entered(
    campaign_store: Path,
) -> None:
    # the older lead sits later in the (stage, touched_on, unit) index: at 洽谈, of a later unit
    _reviewed("先录入", stage="negotiating", touched_on=date(2022, 8, 1))
    Lead.update(unit=Unit.get(name="上海招商中心")).where(Lead.company == "先录入").execute()
    _reviewed("后录入", stage="lead", touched_on=date(2022, 8, 1))
    assert [company for company, _, _ in _queue()] == ["先录入", "后录入"]


@pytest.mark.sqlite_only  # SQLite's planner; a server's chooses by its own statistics
def test_triage_reads_new_and_overdue_leads_in_order_from_their_indexes(
    campaign_store: Path,
) -> None:
    from models.lead_reads import triage_reads
    from models.tables import database

    plans = {}
    for reason, queries in triage_reads(TODAY, 14, 500):
        for query in queries:
            sql, params = query.sql()
            plan = database.execute_sql("EXPLAIN QUERY PLAN " + sql, params).fetchall()
            plans.setdefault(reason, []).append(" / ".join(str(step[3]) for step in plan))
    # no sort of every open lead: the first 500 come off an index in order (1.7 s → 3 ms)
    assert ["INDEX lead_found_on" in p and "TEMP B-TREE" not in p for p in plans["new"]] == [True]
    overdue = plans["overdue"]
    assert ["INDEX lead_next_follow_up" in p and "TEMP B-TREE" not in p for p in overdue] == [True]
    # a stage at a time: what is sorted is only the leads of one day (60 ms → 5 ms)
    stale = plans["stale"]
    assert len(stale) == 2 and all("RIGHT PART OF ORDER BY" in p for p in stale), stale


def test_stale_leads_of_both_open_stages_come_in_one_order_of_days(campaign_store: Path) -> None:
    # read a stage at a time, merged back: the days decide, then the lead, not the stage
    _reviewed("线索八月三", stage="lead", touched_on=date(2022, 8, 3))
    _reviewed("洽谈八月一", stage="negotiating", touched_on=date(2022, 8, 1))
    _reviewed("洽谈八月三", stage="negotiating", touched_on=date(2022, 8, 3))
    _reviewed("线索八月二", stage="lead", touched_on=date(2022, 8, 2))
    _reviewed("签约不算", stage="signed", touched_on=date(2022, 7, 1))
    assert _queue() == [
        ("洽谈八月一", "stale", date(2022, 8, 1)),
        ("线索八月二", "stale", date(2022, 8, 2)),
        ("线索八月三", "stale", date(2022, 8, 3)),
        ("洽谈八月三", "stale", date(2022, 8, 3)),
    ]
    first_two = leads.triage_queue(TODAY, 14, limit=2)
    assert [Lead.get_by_id(i.lead_id).company for i in first_two] == ["洽谈八月一", "线索八月二"]
