"""The start-up read: a child process (or a thread) reads what the first frame shows, and hands
back exactly what the screen would have read itself."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from models.ledger import upsert_leads
from tests.conftest import lead
from yeji_tui import prefetch
from yeji_tui.status import load_overview
from yeji_tui.units_view import load_units

TODAY = date(2022, 9, 10)


@pytest.fixture
def store(campaign_store: Path) -> Path:
    upsert_leads([lead()], "clerk", TODAY)
    return campaign_store


@pytest.mark.parametrize("forked", [True, False], ids=["child process", "thread"])
def test_the_first_load_is_what_the_screen_would_read(
    store: Path, monkeypatch: pytest.MonkeyPatch, forked: bool
) -> None:
    if not forked:
        monkeypatch.delattr(prefetch.os, "fork", raising=False)
    elif not hasattr(prefetch.os, "fork"):
        pytest.skip("no fork on this system")
    overview = prefetch.ready(prefetch.prefetch("overview", TODAY))
    assert overview == load_overview(TODAY)
    units = prefetch.ready(prefetch.prefetch("units", TODAY))
    assert units == load_units(TODAY, ranking=False)
    assert prefetch.prefetch("triage", TODAY) is None


def test_a_failed_read_in_the_child_comes_back_as_an_error_not_data(
    tmp_path: Path,
) -> None:
    if not hasattr(prefetch.os, "fork"):
        pytest.skip("no fork on this system")
    from models.db import open_store
    from models.tables import run_sql

    open_store(tmp_path / "broken.sqlite3")
    run_sql("DROP TABLE campaign")  # the child's read fails
    future = prefetch.prefetch("overview", TODAY)
    assert future is not None and prefetch.ready(future) is None
    assert "campaign" in str(future.exception())
