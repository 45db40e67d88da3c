"""The pipeline on a large store: first paint, memory, and what each key costs.

Runs ``yeji --section pipeline`` in a 120×40 pseudo-terminal (and a bare Textual app beside it),
then presses keys and measures, per key, the time until the terminal output settles and the
bytes written. A filter keystroke is timed as the user waits for it: from the key until the
screen — read as a terminal shows it (pyte) — shows the filtered columns, every stage's count
in its heading equal to what the store says that filter finds (asked before the key is pressed,
through the same service call the board uses). The input's echo comes first and does not stop
the clock.

    .venv/bin/python bench/pipeline_keys.py [--leads N] [--store PATH] [--runs N]

Targets (issue 3): first paint ≤ 1.6× the bare app, memory ≤ bare + 40 MB; a cursor move
settles in ≤ 30 ms and writes ≤ 4 KB; a card move (>) settles in ≤ 100 ms. Issue 12: a filter
keystroke shows its columns in ≤ 100 ms (median) and ≤ 200 ms (worst, the first included), at
100,000 and at 1,000,000 leads (``--leads 1000000``: a store of 3,000,000 activities beside).
"""

from __future__ import annotations

import argparse
import os
import re
import select
import signal
import sqlite3
import statistics
import sys
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pyte
from _common import ensure_big_store, yeji_cmd
from first_paint import HERE, paint, rss_kb, spawn

from models.db import close_store, open_store
from models.leads import stage_totals
from yeji_tui.lead_filter import parse_filter

READY = re.compile(rb"\xe7\xad\xbe\xe7\xba\xa6 \d")  # "签约 <count>": the columns are loaded
QUIET_S = 0.15  # no output for this long: the screen has settled


def _ignore(chunk: bytes) -> None:
    """Output nobody reads."""


def drain(
    fd: int, quiet: float = QUIET_S, limit: float = 5.0, feed: Callable[[bytes], None] = _ignore
) -> tuple[float, int]:
    """Read until the terminal has been quiet for ``quiet`` s: (seconds to the last byte, bytes).
    What is read is handed to ``feed`` (the screen)."""
    started = last = time.perf_counter()
    total = 0
    while time.perf_counter() - last < quiet and time.perf_counter() - started < limit:
        ready, _, _ = select.select([fd], [], [], quiet)
        if ready:
            chunk = os.read(fd, 65536)
            feed(chunk)
            total += len(chunk)
            last = time.perf_counter()
    return (last - started if total else 0.0), total


def press(
    fd: int, keys: bytes, quiet: float = QUIET_S, feed: Callable[[bytes], None] = _ignore
) -> tuple[float, int]:
    os.write(fd, keys)
    return drain(fd, quiet, feed=feed)


#: The columns the board shows (终止 is hidden until ``t``), and how their headings begin.
SHOWN = {"lead": "线索", "negotiating": "洽谈", "signed": "签约", "started": "开工"}
SIZE = (120, 40)


class Screen:
    """The terminal as the user sees it: everything the TUI wrote, fed through pyte."""

    def __init__(self, fd: int) -> None:
        self.fd = fd
        self.screen = pyte.Screen(*SIZE)
        self.stream = pyte.ByteStream(self.screen)
        self.written = 0

    def read(self, timeout: float) -> bool:
        """Feed what arrives within ``timeout`` s; whether anything did."""
        ready, _, _ = select.select([self.fd], [], [], timeout)
        if ready:
            self.feed(os.read(self.fd, 65536))
        return bool(ready)

    def feed(self, chunk: bytes) -> None:
        """What the TUI wrote, onto the screen (and counted)."""
        self.written += len(chunk)
        self.stream.feed(chunk)

    def counts(self) -> dict[str, int]:
        """Each shown column's count, as its heading reads (``线索 12345``)."""
        # the cells' text, read directly: pyte's ``display`` fails on a wide character's
        # second cell once something narrow overwrote its first
        columns, buffer = self.screen.columns, self.screen.buffer
        text = "\n".join(
            "".join(buffer[y][x].data for x in range(columns)) for y in range(self.screen.lines)
        )
        found = {}
        for stage, name in SHOWN.items():
            match = re.search(rf"{name} (\d+)", text)
            if match:
                found[stage] = int(match[1])
        return found


def expected(line: str) -> dict[str, int]:
    """What the board must show for a filter line, asked of the store as the board asks it."""
    totals = stage_totals(parse_filter(line), date.today())
    return {stage: totals[stage][0] for stage in SHOWN}


def type_and_watch(screen: Screen, key: str, line: str, limit: float = 10.0) -> tuple[float, int]:
    """Press ``key`` (the filter then reads ``line``): seconds until the board shows its counts
    (``limit`` if it never does), and the bytes written until then. A key whose filter finds
    what the one before found cannot be timed by the counts: that is refused."""
    want = expected(line)
    if screen.counts() == want:
        raise SystemExit(f"{line!r} finds what the filter before it found: choose other keys")
    started, before = time.perf_counter(), screen.written
    os.write(screen.fd, key.encode())
    while time.perf_counter() - started < limit:
        if screen.read(0.05) and screen.counts() == want:
            return time.perf_counter() - started, screen.written - before
    return limit, screen.written - before


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--leads", type=int, default=100_000)
    parser.add_argument("--store", help="default: /tmp/yeji-bench-<leads>.sqlite3, made once")
    parser.add_argument("--runs", type=int, default=9)
    args = parser.parse_args()
    default = f"/tmp/yeji-bench-{args.leads // 1000}k.sqlite3"
    store = ensure_big_store(Path(args.store or default), args.leads, 3 * args.leads)
    # the first paint only reads: it is timed on the store itself, as first_paint.py times the
    # other screens, before the copy below (1.4 GB written at a million leads) disturbs the
    # machine for a while
    firsts, bares = [], []
    for _ in range(args.runs):
        bares.append(paint([sys.executable, str(HERE / "bare_app.py")], b"READY 1234"))
        firsts.append(paint([*yeji_cmd(), "--db", str(store), "--section", "pipeline"], READY))
    bare_t = statistics.median(r[0] for r in bares)
    bare_kb = statistics.median(r[1] for r in bares)
    t = statistics.median(r[0] for r in firsts)
    kb = statistics.median(r[1] for r in firsts)

    # the keys change leads: work on a copy, beside the store (two people benchmarking at once
    # on one machine each have their own)
    work = store.with_name(store.stem + "-pipeline.sqlite3")
    for stale in (work, work.with_name(work.name + "-wal"), work.with_name(work.name + "-shm")):
        stale.unlink(missing_ok=True)
    with sqlite3.connect(store) as source, sqlite3.connect(work) as target:
        source.backup(target)  # never copy a live WAL store file by hand
    cmd = [*yeji_cmd(), "--db", str(work), "--section", "pipeline"]

    proc, fd = spawn(cmd, SIZE)
    screen = Screen(fd)  # fed every byte from the start, as a terminal is
    feed = screen.feed
    try:
        while len(screen.counts()) < len(SHOWN):  # every column loaded
            screen.read(1.0)
        drain(fd, 0.5, feed=feed)
        moves = [press(fd, b"j", feed=feed) for _ in range(20)]
        moves += [press(fd, b"k", feed=feed) for _ in range(10)]
        columns = [press(fd, k, feed=feed) for k in (b"l", b"l", b"h", b"h") * 3]
        card = [press(fd, b">", 0.3, feed) for _ in range(5)]  # 线索 → 洽谈: no dialog
        # the filter, typed as the user does: "hjjj" three times, cleared in between; each
        # keystroke timed until the board's headings show what the store finds for it
        open_store(work, read_only=True)
        typing: list[tuple[float, int]] = []
        for _ in range(3):
            os.write(fd, b"/")
            drain(fd, feed=feed)
            for n, c in enumerate("hjjj", start=1):
                typing.append(type_and_watch(screen, c, "hjjj"[:n]))
            screen.read(0)
            os.write(fd, b"\x1b")  # esc: clear
            while screen.counts() != expected(""):
                screen.read(0.5)
        close_store()
        rss = rss_kb(proc.pid)
    finally:  # never leave a TUI spinning on a closed terminal
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)
        os.close(fd)

    def show(
        name: str, samples: list[tuple[float, int]], limit_ms: float, limit_kb: float | None
    ) -> bool:
        ms = statistics.median(s[0] for s in samples) * 1000
        worst = max(s[0] for s in samples) * 1000
        size = statistics.median(s[1] for s in samples) / 1024
        ok = ms <= limit_ms and (limit_kb is None or size <= limit_kb)
        print(
            f"{name:<22} settles {ms:6.1f} ms (worst {worst:6.1f})  writes {size:5.1f} KB  "
            f"{'ok' if ok else 'OVER'}"
        )
        return ok

    print(f"bare Textual app       {bare_t * 1000:6.1f} ms  {bare_kb / 1024:5.1f} MB")
    ok_paint = t / bare_t <= 1.6 and (kb - bare_kb) / 1024 <= 40
    print(
        f"pipeline first paint   {t * 1000:6.1f} ms  {kb / 1024:5.1f} MB  ({t / bare_t:.2f}x, "
        f"+{(kb - bare_kb) / 1024:.1f} MB)  {'ok' if ok_paint else 'OVER'}"
    )
    ok = ok_paint
    ok &= show("cursor move (j/k)", moves, 30, 4)
    ok &= show("column change (h/l)", columns, 30, 4)
    ok &= show("card move (>)", card, 100, None)
    ok &= show("filter keystroke", typing, 100, None)
    ok &= max(s[0] for s in typing) <= 0.2
    print(
        "filter keystrokes:",
        ", ".join(f"{k!r} {s[0] * 1000:.0f} ms" for k, s in zip("hjjj" * 3, typing, strict=True)),
    )
    print(f"resident memory after the keys: {rss / 1024:.1f} MB")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
