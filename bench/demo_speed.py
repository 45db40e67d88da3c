"""``yeji demo`` on a large store: wall time and peak memory, then ``yeji check`` on the result.

    .venv/bin/python bench/demo_speed.py [--leads 1000000] [--activities 3000000] [--store PATH]

The demo makes its rows in a child process while it writes: memory is read for every process
of the demo, from ``/proc`` every 20 ms — each one's own peak (``VmHWM``, as
bench/import_speed.py reads it) and the peak of their resident sizes added up (``VmRSS``), which
is what the machine must have.
Targets (issue 12): 1,000,000 leads and 3,000,000 activities in ≤ 3 minutes and ≤ 400 MB.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import threading
import time
from pathlib import Path

from _common import yeji_cmd


def _status(pid: int, field: str) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def _family(pid: int) -> list[int]:
    """The process and its descendants, read from /proc."""
    found, todo = [], [pid]
    while todo:
        p = todo.pop()
        found.append(p)
        try:
            for task in Path(f"/proc/{p}/task").iterdir():
                todo += [int(c) for c in (task / "children").read_text().split()]
        except OSError:
            continue
    return found


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--leads", type=int, default=1_000_000)
    parser.add_argument("--activities", type=int, default=3_000_000)
    parser.add_argument("--store", default="/tmp/yeji-bench-demo.sqlite3")
    parser.add_argument("--limit-s", type=float, default=180)
    parser.add_argument("--limit-mb", type=float, default=400)
    args = parser.parse_args()
    store = Path(args.store)
    for suffix in ("", "-wal", "-shm"):
        Path(f"{store}{suffix}").unlink(missing_ok=True)
    cmd = [*yeji_cmd(), "--db", str(store), "demo", "--leads", str(args.leads)]
    cmd += ["--activities", str(args.activities)]
    own: dict[int, int] = {}
    summed = [0]
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL)
    done = threading.Event()

    def measure() -> None:
        while not done.is_set():
            family = _family(proc.pid)
            for pid in family:
                own[pid] = max(own.get(pid, 0), _status(pid, "VmHWM"))
            summed[0] = max(summed[0], sum(_status(pid, "VmRSS") for pid in family))
            time.sleep(0.02)

    meter = threading.Thread(target=measure, daemon=True)
    meter.start()
    code = proc.wait()
    seconds = time.perf_counter() - started
    done.set()
    meter.join()
    if code != 0:
        raise SystemExit(f"yeji demo failed ({code})")
    check = subprocess.run([*yeji_cmd(), "--db", str(store), "check"], capture_output=True)
    peaks = sorted(own.values(), reverse=True)
    mb = summed[0] / 1024
    print(f"yeji demo --leads {args.leads} --activities {args.activities}")
    print(f"  wall time      {seconds:7.1f} s   (limit {args.limit_s:.0f} s)")
    print(f"  peak memory    {mb:7.1f} MB  its processes' resident sizes added up")
    print("  each one's own " + ", ".join(f"{p / 1024:.1f} MB" for p in peaks) + " (VmHWM)")
    print(f"  store {store.stat().st_size / 2**20:.1f} MB, yeji check exit {check.returncode}")
    ok = seconds <= args.limit_s and mb <= args.limit_mb and check.returncode == 0
    print("within targets" if ok else "OVER TARGET")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
