"""The lead service at its edges: the rules each change applies, the days on the boundary of
"follow-up due", "stale" and "touched since", and what every change records and undoes.

Store-backed (a fresh SQLite file per test); `tests/mutation-survivors.md` says which mutants
these kill.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from models import leads
from models.ledger import upsert_leads
from models.tables import Lead
from tests.conftest import lead

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
