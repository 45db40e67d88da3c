"""``yeji`` opening the TUI for real, in a pseudo-terminal: the start-up child opens the store and
reads the overview, the TUI's own process opens it after its first frame, and a store that
cannot be opened is said in the shell before the TUI takes the terminal."""

from __future__ import annotations

import contextlib
import fcntl
import os
import pty
import select
import signal
import struct
import subprocess
import sys
import termios
import time
from datetime import date
from pathlib import Path

import pytest

from models.ledger import upsert_leads
from tests.conftest import lead

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="needs a pseudo-terminal")

TODAY = date(2022, 9, 10)
#: How long the TUI may take to show something before the test gives up (a deadline, not a sleep).
DEADLINE_S = 30


class Terminal:
    """``yeji`` running in a pseudo-terminal of 100×30, read as it writes."""

    def __init__(self, *args: str, fork: bool = True) -> None:
        leader, follower = pty.openpty()
        fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 30, 100, 0, 0))
        env = dict(os.environ, TERM="xterm-256color", YEJI_TODAY=TODAY.isoformat())
        # where the system cannot fork (Windows), a thread reads the first data instead
        start = "import os, sys\n" + ("" if fork else "del os.fork\n")
        start += "from yeji_tui.cli import run\nsys.argv[0] = 'yeji'\nsys.exit(run())\n"
        self.proc = subprocess.Popen(
            [sys.executable, "-c", start, *args],
            stdin=follower,
            stdout=follower,
            stderr=follower,
            env=env,
            start_new_session=True,
        )
        os.close(follower)
        self.leader = leader
        self.seen = b""

    def wait_for(self, text: str) -> bool:
        """Read until ``text`` has been written (True) or the program ended or the deadline
        passed (False)."""
        wanted = text.encode()
        deadline = time.monotonic() + DEADLINE_S
        while wanted not in self.seen and time.monotonic() < deadline:
            ready, _, _ = select.select([self.leader], [], [], 0.2)
            if ready:
                try:
                    chunk = os.read(self.leader, 65536)
                except OSError:  # the program ended
                    return wanted in self.seen
                if not chunk:
                    return wanted in self.seen
                self.seen += chunk
        return wanted in self.seen

    def press(self, keys: str) -> None:
        os.write(self.leader, keys.encode())

    def ended(self) -> int | None:
        """The exit code once the program ends (reading what it still writes), else None."""
        deadline = time.monotonic() + DEADLINE_S
        while self.proc.poll() is None and time.monotonic() < deadline:
            self._drain()
        self._drain()
        return self.proc.poll()

    def _drain(self) -> None:
        ready, _, _ = select.select([self.leader], [], [], 0.2)
        if ready:
            with contextlib.suppress(OSError):  # the program ended
                self.seen += os.read(self.leader, 65536)

    def close(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait(timeout=10)
        os.close(self.leader)


@pytest.mark.parametrize("fork", [True, False], ids=["child process", "thread"])
def test_the_tui_opens_on_the_overview_with_its_numbers_and_follows_the_store(
    campaign_store: Path, fork: bool
) -> None:
    upsert_leads([lead()], "clerk", TODAY)
    term = Terminal("--db", str(campaign_store), fork=fork)
    try:
        assert term.wait_for("测试活动"), term.seen[-2000:]
        assert term.wait_for("1/15"), term.seen[-2000:]  # the signed lead, read by the child
        # another process signs a second lead: the TUI's own process, which opened the store
        # after its first frame, sees the commit and reads the board again
        upsert_leads([lead("另一家有限公司", "另一个项目")], "clerk", TODAY)
        assert term.wait_for("另一家有限公司"), term.seen[-2000:]  # among the latest signed
        term.press("q")
        assert term.ended() == 0
        assert b"Traceback" not in term.seen
    finally:
        term.close()


def test_a_store_that_cannot_be_opened_is_said_in_the_shell(tmp_path: Path) -> None:
    not_a_store = tmp_path / "notes.sqlite3"
    not_a_store.write_text("not a database\n", encoding="utf-8")
    term = Terminal("--db", str(not_a_store))
    try:
        assert term.ended() == 1
        assert f"yeji: {not_a_store}".encode() in term.seen
        assert b"Traceback" not in term.seen
        assert b"\x1b[?1049h" not in term.seen  # the TUI never took the screen
    finally:
        term.close()
    assert not_a_store.read_text(encoding="utf-8") == "not a database\n"
