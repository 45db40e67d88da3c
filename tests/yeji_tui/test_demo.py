"""The demo: deterministic, in progress at about day 60, some targets behind."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from models.queries import lead_count, load_campaign
from models.tables import Activity, Lead, StageChange
from yeji_tui.demo import build_demo
from yeji_tui.status import gather

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
