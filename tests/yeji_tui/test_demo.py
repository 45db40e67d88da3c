"""The demo: deterministic, in progress at about day 60, some targets behind."""

from __future__ import annotations

import dataclasses
import io
from collections import Counter
from datetime import date
from pathlib import Path

import pytest
from peewee import fn

from models.leads import LeadFilter, stage_totals
from models.maintenance import check_store
from models.queries import lead_count, load_campaign
from models.tables import Activity, FollowUp, Lead, StageChange
from yeji_tui.demo import DemoMade, build_demo
from yeji_tui.demo_rows import HEADLINE
from yeji_tui.progress import Progress
from yeji_tui.status import gather
from yeji_tui.strings import Catalog

TODAY = date(2026, 11, 25)


def snapshot() -> list[tuple[object, ...]]:
    return list(
        Lead.select(Lead.company, Lead.project, Lead.amount_wan, Lead.stage)
        .order_by(Lead.id)
        .tuples()
    )


def test_demo_is_a_campaign_in_progress_with_some_targets_behind(store_path: Path) -> None:
    made = build_demo(TODAY, leads=300, seed=7)
    assert made.leads == lead_count() == 300
    assert made.activities == Activity.select().count() > 0
    settings = load_campaign()
    assert settings is not None and settings.is_demo
    status = gather(settings, TODAY)
    assert status.elapsed == 59 and status.total == 100
    statuses = {tp.spec.id: tp.status for tp in status.targets}
    assert "behind" in statuses.values() and set(statuses.values()) != {"behind"}
    assert any(q.status == "in_progress" for q in status.quotas)
    industries = [i for (i,) in Lead.select(Lead.industry).tuples()]
    assert industries.count("智能家居") + industries.count("精细化工") > len(industries) / 2
    # every lead has its stage history, in order of the pipeline
    assert StageChange.select().count() >= 300


def test_demo_is_deterministic_for_a_seed_and_replaces_itself(store_path: Path) -> None:
    build_demo(TODAY, leads=120, seed=3)
    first = snapshot()
    build_demo(TODAY, leads=120, seed=3)
    assert snapshot() == first
    build_demo(TODAY, leads=120, seed=4)
    assert snapshot() != first


def test_demo_dates_are_in_order(store_path: Path) -> None:
    build_demo(TODAY, leads=400, seed=11)
    for found, valid, signed, started in Lead.select(
        Lead.found_on, Lead.valid_since, Lead.signed_on, Lead.started_on
    ).tuples():
        known = [d for d in (found, valid, signed, started) if d is not None]
        assert known == sorted(known)
        assert max(known) <= TODAY


def test_the_streamed_demo_has_the_demos_shape_over_several_batches(store_path: Path) -> None:
    # batches of 250: the leads, their history and the activities each cross several
    made = build_demo(TODAY, leads=2000, activities=1200, seed=5, batch=250)
    assert made == DemoMade(leads=2000, activities=1200)
    assert (lead_count(), Activity.select().count()) == (2000, 1200)
    assert check_store().problems == []  # indexes, search index and totals all rebuilt right
    stages = Counter(s for (s,) in Lead.select(Lead.stage).tuples())
    share = {stage: n / 2000 for stage, n in stages.items()}
    assert 0.50 < share["lead"] < 0.60 and 0.23 < share["negotiating"] < 0.31
    assert 0.07 < share["signed"] < 0.13 and 0.05 < share["dropped"] < 0.11
    assert stages["started"] == sum(1 for h in HEADLINE if h[2])  # the headline starts only
    # every unit of the campaign has leads; every responsible unit has trips or visits
    settings = load_campaign()
    assert settings is not None
    by_unit = Counter(u for (u,) in Lead.select(Lead.unit).tuples())
    assert len(by_unit) == len(settings.units)
    doers = Counter(u for (u,) in Activity.select(Activity.unit).tuples())
    assert len(doers) == sum(1 for u in settings.units if u.kind != "outpost")
    # each lead's history starts at 线索 and ends at its stage; notes belong to real leads
    ends = dict(
        StageChange.select(StageChange.lead, fn.MAX(StageChange.id))
        .group_by(StageChange.lead)
        .tuples()
    )
    assert len(ends) == 2000
    last = dict(StageChange.select(StageChange.id, StageChange.to_stage).tuples())
    assert all(last[ends[i]] == s for i, s in Lead.select(Lead.id, Lead.stage).tuples())
    assert FollowUp.select().where(FollowUp.lead.not_in(Lead.select(Lead.id))).count() == 0
    # the search index finds a lead by its pinyin initials, as the filter does
    key = Lead.select(Lead.search_key).where(Lead.id == 8).scalar()
    found = stage_totals(LeadFilter(text=key.split("\x1f")[3]), TODAY)
    assert sum(n for n, _ in found.values()) >= 1


def test_the_demo_tells_its_progress_in_the_users_language(store_path: Path) -> None:
    told: list[tuple[str, int]] = []
    build_demo(TODAY, leads=600, activities=500, batch=200, progress=lambda *p: told.append(p))
    assert told == [
        ("leads", 200),
        ("leads", 400),
        ("leads", 600),
        ("activities", 200),
        ("activities", 400),
        ("activities", 500),
        ("index", 0),
    ]

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    shown = Terminal()
    with Progress(Catalog("en"), shown, delay=0) as progress:
        for phase, n in told:
            progress.demo(phase, n)
    # each phase as it starts (counts are redrawn at most ten times a second)
    assert "making the demo: 200 leads" in shown.getvalue()
    assert "making the demo: 200 activities" in shown.getvalue()
    assert "building the indexes and totals…" in shown.getvalue()
    quiet = io.StringIO()  # not a terminal: a pipe or a file hears nothing
    with Progress(Catalog("en"), quiet, delay=0) as progress:
        progress.demo("leads", 5)
    assert quiet.getvalue() == ""


def test_a_demo_over_a_demo_leaves_nothing_of_the_first(store_path: Path) -> None:
    build_demo(TODAY, leads=900, activities=600, seed=5, batch=250)
    build_demo(TODAY, leads=300, activities=100, seed=6)
    assert (lead_count(), Activity.select().count()) == (300, 100)
    assert check_store().problems == []  # the search index and the totals hold the second only
    assert StageChange.select().where(StageChange.lead > 300).count() == 0


def test_rows_made_in_a_child_process_are_the_same_rows(store_path: Path) -> None:
    build_demo(TODAY, leads=700, activities=300, seed=9, batch=200, aside=False)
    here = snapshot(), Activity.select(Activity.on, Activity.unit, Activity.kind).tuples()[:]
    build_demo(TODAY, leads=700, activities=300, seed=9, batch=200, aside=True)
    aside = snapshot(), Activity.select(Activity.on, Activity.unit, Activity.kind).tuples()[:]
    assert aside == here and len(aside[0]) == 700
    assert check_store().problems == []


def test_the_demo_is_one_audit_entry_and_later_changes_are_replayed(store_path: Path) -> None:
    from models import leads
    from models.audit import audit_lines, replay_problems
    from models.audit_line import AuditQuery

    build_demo(TODAY, leads=300, activities=100, seed=7)
    lines = audit_lines(AuditQuery())
    assert [(a.action, a.subject) for a in lines if a.action == "demo"] == [("demo", "+300")]
    assert not any(a.action == "baseline" for a in lines)  # not a line per lead
    record = leads.lead_record(1)
    assert record is not None
    fields = leads.lead_fields(record)
    leads.update_lead(1, record.version, dataclasses.replace(fields, amount_wan=7), "x")
    assert [a.after for a in audit_lines(AuditQuery(lead_id=1)) if a.field == "amount_wan"] == ["7"]
    assert replay_problems() == [] and check_store().problems == []


def test_a_large_demos_search_index_is_built_aside_and_finds_what_the_keys_hold(
    store_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from models.leads import board
    from models.search_backlog import waiting_ranges
    from models.tables import database
    from yeji_tui import demo

    left: list[list[tuple[int, int]]] = []
    catch_up = demo.index_waiting
    monkeypatch.setattr(
        demo, "index_waiting", lambda p: left.append(waiting_ranges()) or catch_up(p)
    )
    build_demo(TODAY, leads=900, activities=200, seed=11, batch=300, aside=True)
    assert left == [[]]  # the side index was put in place: nothing was left to the catch-up
    indexed = database.execute_sql("SELECT COUNT(*) FROM lead_fts_docsize").fetchone()[0]
    assert indexed == 900
    assert not Path(f"{store_path.parent}/.{store_path.name}.search-index").exists()
    assert check_store().problems == []  # FTS5's own integrity check among them
    key = Lead.get_by_id(123).search_key
    word = key[2:6]
    found = board(LeadFilter(text=word), TODAY, {}, 0).totals
    expected = Lead.select().where(Lead.search_key.contains(word), Lead.stage != "dropped").count()
    assert sum(n for n, _ in found.values()) >= expected > 0


def test_without_a_side_process_the_demo_indexes_its_leads_itself(
    store_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from models.tables import database
    from yeji_tui import demo

    def cannot_start(self: object, store: Path) -> None:
        raise OSError("no process for you")

    monkeypatch.setattr(demo.SideIndex, "__init__", cannot_start)
    build_demo(TODAY, leads=400, activities=100, seed=12, batch=150, aside=True)
    indexed = database.execute_sql("SELECT COUNT(*) FROM lead_fts_docsize").fetchone()[0]
    assert indexed == 400 and check_store().problems == []
