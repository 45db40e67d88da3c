"""The start-up: a child process (or a thread) opens the store and reads what the first frame
shows, and hands back exactly what the screen would have read itself; the TUI's own process
opens the store only when it first needs it."""

from __future__ import annotations

import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from models import opening
from models.access import current_actor
from models.audit import last_entry
from models.db import StoreError, close_store, open_store, session
from models.leads import TriageStart, triage_start
from models.ledger import upsert_leads
from models.opened import remember
from models.tables import Lead
from tests.conftest import lead
from yeji_tui import prefetch
from yeji_tui.cli_context import Context
from yeji_tui.cli_errors import EXIT_DATA
from yeji_tui.settings import UserSettings
from yeji_tui.status import load_overview
from yeji_tui.strings import Catalog
from yeji_tui.units_view import load_units

TODAY = date(2022, 9, 10)


@pytest.fixture
def store(campaign_store: Path) -> Path:
    # one lead signed, one new (triage's first lead)
    upsert_leads([lead(), lead("待审企业", stage="lead", signed_on=None)], "clerk", TODAY)
    return campaign_store


@pytest.mark.parametrize("forked", [True, False], ids=["child process", "thread"])
def test_the_first_load_is_what_the_screen_would_read(
    store: Path, monkeypatch: pytest.MonkeyPatch, forked: bool
) -> None:
    if not forked:
        monkeypatch.delattr(prefetch.os, "fork", raising=False)
    elif not hasattr(prefetch.os, "fork"):
        pytest.skip("no fork on this system")
    overview = prefetch.ready(prefetch.prefetch("overview", TODAY, 14))
    assert overview == load_overview(TODAY)
    units = prefetch.ready(prefetch.prefetch("units", TODAY, 14))
    assert units == load_units(TODAY, ranking=False)
    upsert_leads([lead("洽谈企业", stage="negotiating", signed_on=None)], "clerk", TODAY)
    talks = Lead.update(touched_on=date(2022, 9, 1), reviewed_on=TODAY)  # stale after 3 days
    talks.where(Lead.company == "洽谈企业").execute()
    triage = prefetch.ready(prefetch.prefetch("triage", TODAY, 3))
    assert isinstance(triage, TriageStart) and triage.queue and triage.detail is not None
    with session():
        assert triage == triage_start(TODAY, 3) != triage_start(TODAY, 400)
    assert prefetch.prefetch("reports", TODAY, 14) is None  # no such section: nothing read


def test_a_failed_read_in_the_child_comes_back_as_an_error_not_data(
    tmp_path: Path,
) -> None:
    if not hasattr(prefetch.os, "fork"):
        pytest.skip("no fork on this system")
    from models.db import open_store
    from models.tables import run_sql

    open_store(tmp_path / "broken.sqlite3")
    run_sql("DROP TABLE campaign")  # the child's read fails
    future = prefetch.prefetch("overview", TODAY, 14)
    assert future is not None and prefetch.ready(future) is None
    assert "campaign" in str(future.exception())


needs_fork = pytest.mark.skipif(not hasattr(prefetch.os, "fork"), reason="no fork on this system")


def _context(place: Path, *, read_only: bool = False) -> Context:
    return Context(
        db_path=place, today=TODAY, t=Catalog("zh"), settings=UserSettings(), read_only=read_only
    )


@needs_fork
def test_a_child_opens_the_store_finds_the_user_and_reads_the_first_frame(store: Path) -> None:
    child = prefetch.open_in_child(_context(store), "overview")
    assert child is not None
    opened = child.opened()
    assert opened.notices == ()
    assert opened.actor == current_actor()  # no users listed: the office
    assert opened.last_entry == last_entry() > 0  # the lead's entry: what the app compares
    assert prefetch.ready(opened.first_load) == load_overview(TODAY)
    child = prefetch.open_in_child(_context(store), "triage")
    assert child is not None
    with session():
        assert prefetch.ready(child.opened().first_load) == triage_start(TODAY, 14)
    # a section without a first read (none of the four has none): the child only opens
    child = prefetch.open_in_child(_context(store), "elsewhere")
    assert child is not None and child.opened().first_load is None


@needs_fork
def test_a_child_that_cannot_open_the_store_says_why_as_a_command_would(tmp_path: Path) -> None:
    not_a_store = tmp_path / "notes.sqlite3"
    not_a_store.write_text("not a database\n", encoding="utf-8")
    child = prefetch.open_in_child(_context(not_a_store), "overview")
    assert child is not None
    with pytest.raises(prefetch.OpenFailed) as failed:
        child.opened()
    assert str(not_a_store) in str(failed.value) and failed.value.code == EXIT_DATA
    assert not_a_store.read_text(encoding="utf-8") == "not a database\n"  # left as it was


@needs_fork
def test_a_read_only_store_is_said_by_the_child(store: Path) -> None:
    opened = prefetch.open_in_child(_context(store, read_only=True), "triage")
    assert opened is not None
    assert opened.opened().notices == (Catalog("zh")("store.read_only.flag", path=store),)


def test_the_first_frame_of_each_section_needs_no_peewee() -> None:
    """What the TUI's own process imports before its first frame (the child imports Peewee):
    every section's screen, and what reads its first data."""
    script = (
        "import sys; sys.modules['peewee'] = None\n"
        "from datetime import date\n"
        "import yeji_tui.cli, yeji_tui.prefetch, yeji_tui.app\n"
        "import screens.overview, screens.units, screens.pipeline, screens.triage\n"
        "from yeji_tui.cli_context import store_path\n"
        "store_path('/tmp/x.sqlite3')\n"
        "for section in ('overview', 'units', 'pipeline', 'triage'):\n"
        "    assert yeji_tui.prefetch._loader(section, date(2022, 5, 1), 14) is not None\n"
        "print('ok')\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=False, timeout=60
    )
    assert done.stdout.strip() == "ok", done.stderr


def test_work_on_the_store_opens_it_first_when_its_opening_was_put_off(store: Path) -> None:
    close_store()
    remember(None)
    calls: list[Path] = []

    def reopen() -> None:
        calls.append(store)
        open_store(store)

    opening.open_later(reopen)
    assert opening.pending()
    with session():
        assert load_overview(TODAY) is not None
    with session():
        pass
    assert calls == [store] and not opening.pending()


def test_a_put_off_opening_that_failed_is_tried_again(store: Path) -> None:
    tries: list[int] = []

    def flaky() -> None:
        tries.append(1)
        if len(tries) == 1:
            raise StoreError(key="store.not_found", path=store)

    opening.open_later(flaky)
    with pytest.raises(StoreError):
        opening.open_now()
    assert opening.pending()
    opening.open_now()
    assert len(tries) == 2 and not opening.pending()
