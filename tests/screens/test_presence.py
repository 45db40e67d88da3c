"""Who else is here, in the TUI: another real process's heartbeat shows at the heading, one
killed with -9 drops out once its beat is older than the limit (the app's clock is the test's),
and presence works beside a read-only ledger and is quietly off where it cannot be written."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from models.db import close_store, open_store
from models.presence import STALE_AFTER_S, Heartbeat, presence_path
from tests.models.test_presence import Clock
from tests.screens.pilot import settle
from tests.screens.test_pipeline import TODAY
from yeji_tui.app import YejiApp
from yeji_tui.widgets.presence import PresenceMark

ROOT = Path(__file__).resolve().parents[2]

# A second app, as far as presence goes: beats as 张三, says so, then waits to be killed.
BEATER = (
    "import sys; from pathlib import Path; from models.presence import Heartbeat; "
    "Heartbeat(Path(sys.argv[1]), login='zhangsan', name='张三').beat(); "
    "print('beat', flush=True); sys.stdin.read()"
)


@pytest.fixture
def zhangsan(campaign_store: Path) -> Iterator[subprocess.Popen[str]]:
    """A second process that has beaten once and stays alive until killed."""
    proc = subprocess.Popen(
        [sys.executable, "-c", BEATER, str(campaign_store)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )
    assert proc.stdout is not None and proc.stdout.readline() == "beat\n"
    yield proc
    if proc.poll() is None:
        proc.kill()
    proc.wait()


def mark(app: YejiApp) -> str:
    """What the current section's presence mark says ("" when hidden)."""
    found = app.screen.query_one(PresenceMark)
    return str(found.render()) if found.display else ""


async def test_another_process_with_the_store_open_shows_in_the_heading_of_every_section(
    campaign_store: Path, zhangsan: subprocess.Popen[str]
) -> None:
    app = YejiApp(db_path=campaign_store, today=TODAY, watch_seconds=3600)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        assert mark(app) == "另有 1 人在用：张三"
        await pilot.press("2")
        await settle(app, pilot)
        assert mark(app) == "另有 1 人在用：张三"
        # our own beats are not another connection's commit to the ledger: nothing reloads
        app.beat()
        await settle(app, pilot)
        assert app._watcher is not None and not app._watcher.changed()


async def test_an_app_killed_with_minus_9_drops_out_once_its_beat_is_older_than_the_limit(
    campaign_store: Path, zhangsan: subprocess.Popen[str]
) -> None:
    clock = Clock()
    clock.now = time.time()  # the other process beat by the real clock
    app = YejiApp(
        db_path=campaign_store,
        today=TODAY,
        watch_seconds=3600,
        heartbeat=Heartbeat(campaign_store, clock=clock),
    )
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        assert mark(app) == "另有 1 人在用：张三"
        os.kill(zhangsan.pid, signal.SIGKILL)
        zhangsan.wait()
        app.beat()  # killed, but its beat is still young: still counted
        await settle(app, pilot)
        assert mark(app) == "另有 1 人在用：张三"
        clock.now += STALE_AFTER_S
        app.beat()
        await settle(app, pilot)
        assert mark(app) == "" and app.present == ()


async def test_presence_works_beside_a_ledger_opened_read_only(campaign_store: Path) -> None:
    close_store()
    open_store(campaign_store, read_only=True)
    Heartbeat(campaign_store, login="lisi", name="李四").beat()
    app = YejiApp(db_path=campaign_store, today=TODAY, watch_seconds=3600, lang="en")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        assert mark(app) == "1 other here: 李四"
        assert not list(app._notifications)  # nothing to say: presence is not a ledger write


async def test_a_presence_file_that_cannot_be_written_leaves_presence_off_and_the_app_running(
    campaign_store: Path,
) -> None:
    presence_path(campaign_store).mkdir()  # no file can be made there
    app = YejiApp(db_path=campaign_store, today=TODAY, watch_seconds=3600)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        app.beat()
        await settle(app, pilot)
        assert mark(app) == ""
        assert not list(app._notifications)
        assert app.is_running


@pytest.mark.parametrize("section", ["overview", "pipeline", "units", "triage"])
async def test_a_heading_ends_before_the_mark_instead_of_under_it(
    campaign_store: Path, zhangsan: subprocess.Popen[str], section: str
) -> None:
    app = YejiApp(db_path=campaign_store, today=TODAY, watch_seconds=3600, section=section)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        assert mark(app) == "另有 1 人在用：张三"
        shown = app.screen.query_one(PresenceMark).region
        heading = app.screen.query_one(".section-heading").content_region
        assert heading.width > 0 and heading.right <= shown.x  # the heading's text stops short
