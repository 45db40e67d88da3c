"""First full paint and resident memory of a screen, against a bare Textual app, side by side.

Each app runs in a 120×40 pseudo-terminal; the clock stops when the screen's content (numbers
included) has been written to the terminal, and resident memory is read at that moment.

    .venv/bin/python bench/first_paint.py [--store PATH] [--runs N] [--screen overview|units|triage]

Targets: overview ≤ 1.5× the bare app's time, resident memory ≤ bare + 25 MB (issue 2);
units ≤ 1.5× (issue 4), ≤ bare + 40 MB (issue 12); triage, whose queue and first lead are read
after its first frame, ≤ 2× and ≤ bare + 40 MB (a line of our own).
"""

from __future__ import annotations

import argparse
import fcntl
import os
import pty
import re
import select
import signal
import statistics
import struct
import subprocess
import sys
import termios
import time
from pathlib import Path

from _common import ensure_big_store, yeji_cmd

HERE = Path(__file__).resolve().parent
# What each app writes once its first full screen, data included, is on the terminal.
MARKERS = {
    "bare": b"READY 1234",
    "overview": b"/15 ",
    "units": "截至".encode(),  # the units heading says "as of" once the numbers are in
    "triage": "阶段记录".encode(),  # the first lead's page, down to its stage history
}
LIMITS = {"overview": 1.5, "units": 1.5, "triage": 2.0}
#: Resident memory over the bare app's, in MB: the overview's line (issue 2), and issue 12's
MEMORY_LIMITS = {"overview": 25, "units": 40, "triage": 40}


def rss_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def spawn(cmd: list[str], size: tuple[int, int] = (120, 40)) -> tuple[subprocess.Popen[bytes], int]:
    """Start ``cmd`` in a new pseudo-terminal of ``size``; returns the process and the pty."""
    leader, follower = pty.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", size[1], size[0], 0, 0))
    env = dict(os.environ, TERM="xterm-256color", COLUMNS=str(size[0]), LINES=str(size[1]))
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # users' Python caches bytecode
    proc = subprocess.Popen(
        cmd, stdin=follower, stdout=follower, stderr=follower, env=env, start_new_session=True
    )
    os.close(follower)
    return proc, leader


def paint(
    cmd: list[str], marker: bytes | re.Pattern[bytes], size: tuple[int, int] = (120, 40)
) -> tuple[float, int, int]:
    """Seconds to the marker, resident KB then, and bytes written to the terminal."""
    started = time.perf_counter()
    proc, leader = spawn(cmd, size)
    seen = b""
    elapsed, rss = float("nan"), 0
    deadline = started + 30
    while time.perf_counter() < deadline:
        ready, _, _ = select.select([leader], [], [], 0.5)
        if not ready:
            continue
        try:
            chunk = os.read(leader, 65536)
        except OSError:
            break
        seen += chunk
        hit = marker.search(seen) if isinstance(marker, re.Pattern) else marker in seen
        if hit:
            elapsed = time.perf_counter() - started
            rss = rss_kb(proc.pid)
            break
    os.killpg(proc.pid, signal.SIGKILL)  # a TUI left on a closed terminal spins a core
    proc.wait(timeout=10)
    os.close(leader)
    return elapsed, rss, len(seen)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--store", default="/tmp/yeji-bench-100k.sqlite3")
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--screen", default="overview", choices=sorted(set(MARKERS) - {"bare"}))
    parser.add_argument("--limit-time", type=float, help="default: the screen's target")
    parser.add_argument("--limit-mb", type=float, help="default: the screen's line")
    args = parser.parse_args()
    store = ensure_big_store(args.store)
    commands = {
        "bare": [sys.executable, str(HERE / "bare_app.py")],
        args.screen: [*yeji_cmd(), "--db", str(store), "--section", args.screen],
    }
    results: dict[str, list[tuple[float, int, int]]] = {name: [] for name in commands}
    for _ in range(args.runs):
        for name, cmd in commands.items():
            results[name].append(paint(cmd, MARKERS[name]))
    med = {
        n: (statistics.median(r[0] for r in rs), statistics.median(r[1] for r in rs))
        for n, rs in results.items()
    }
    bare_t, bare_kb = med["bare"]
    t, kb = med[args.screen]
    print(f"bare Textual app     {bare_t * 1000:7.1f} ms  {bare_kb / 1024:6.1f} MB")
    print(
        f"{args.screen:<20} {t * 1000:7.1f} ms  {kb / 1024:6.1f} MB  "
        f"({t / bare_t:.2f}x time, +{(kb - bare_kb) / 1024:.1f} MB)"
    )
    limit = args.limit_time or LIMITS[args.screen]
    limit_mb = args.limit_mb or MEMORY_LIMITS[args.screen]
    ok = t / bare_t <= limit and (kb - bare_kb) / 1024 <= limit_mb
    print("within targets" if ok else "OVER TARGET")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
