"""The pipeline on a 100k-lead store: first paint, memory, and what each key costs.

Runs ``yeji --section pipeline`` in a 120×40 pseudo-terminal (and a bare Textual app beside it),
then presses keys and measures, per key, the time until the terminal output settles and the
bytes written.

    .venv/bin/python bench/pipeline_keys.py [--store PATH] [--runs N]

Targets (issue 3): first paint ≤ 1.6× the bare app, memory ≤ bare + 40 MB; a cursor move
settles in ≤ 30 ms and writes ≤ 4 KB; a card move (>) and a filter keystroke settle in ≤ 100 ms.
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
from pathlib import Path

from _common import ensure_big_store, yeji_cmd
from first_paint import HERE, paint, rss_kb, spawn

READY = re.compile(rb"\xe7\xad\xbe\xe7\xba\xa6 \d")  # "签约 <count>": the columns are loaded
QUIET_S = 0.15  # no output for this long: the screen has settled


def drain(fd: int, quiet: float = QUIET_S, limit: float = 5.0) -> tuple[float, int]:
    """Read until the terminal has been quiet for ``quiet`` s: (seconds to the last byte, bytes)."""
    started = last = time.perf_counter()
    total = 0
    while time.perf_counter() - last < quiet and time.perf_counter() - started < limit:
        ready, _, _ = select.select([fd], [], [], quiet)
        if ready:
            chunk = os.read(fd, 65536)
            total += len(chunk)
            last = time.perf_counter()
    return (last - started if total else 0.0), total


def press(fd: int, keys: bytes, quiet: float = QUIET_S) -> tuple[float, int]:
    os.write(fd, keys)
    return drain(fd, quiet)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--store", default="/tmp/yeji-bench-100k.sqlite3")
    parser.add_argument("--runs", type=int, default=9)
    args = parser.parse_args()
    store = ensure_big_store(Path(args.store))
    # the keys change leads: work on a copy, beside the store (two people benchmarking at once
    # on one machine each have their own)
    work = store.with_name(store.stem + "-pipeline.sqlite3")
    for stale in (work, work.with_name(work.name + "-wal"), work.with_name(work.name + "-shm")):
        stale.unlink(missing_ok=True)
    with sqlite3.connect(store) as source, sqlite3.connect(work) as target:
        source.backup(target)  # never copy a live WAL store file by hand
    cmd = [*yeji_cmd(), "--db", str(work), "--section", "pipeline"]

    firsts, bares = [], []
    for _ in range(args.runs):
        bares.append(paint([sys.executable, str(HERE / "bare_app.py")], b"READY 1234"))
        firsts.append(paint(cmd, READY))
    bare_t = statistics.median(r[0] for r in bares)
    bare_kb = statistics.median(r[1] for r in bares)
    t = statistics.median(r[0] for r in firsts)
    kb = statistics.median(r[1] for r in firsts)

    proc, fd = spawn(cmd)
    try:
        seen = b""
        while not READY.search(seen):
            seen += os.read(fd, 65536)
        drain(fd, 0.5)
        moves = [press(fd, b"j") for _ in range(20)] + [press(fd, b"k") for _ in range(10)]
        columns = [press(fd, k) for k in (b"l", b"l", b"h", b"h") * 3]
        card = [press(fd, b">", 0.3) for _ in range(5)]  # 线索 → 洽谈: no dialog
        typing = []
        for _ in range(3):  # type "hjjj" three times, clearing the filter in between
            os.write(fd, b"/")
            drain(fd)
            typing += [press(fd, c.encode(), 0.3) for c in "hjjj"]
            os.write(fd, b"\x1b")  # esc: clear
            drain(fd, 0.4)
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
    print(
        "filter keystrokes:",
        ", ".join(f"{k!r} {s[0] * 1000:.0f} ms" for k, s in zip("hjjj" * 3, typing, strict=True)),
    )
    print(f"resident memory after the keys: {rss / 1024:.1f} MB")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
