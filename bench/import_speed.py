"""``yeji import leads`` of a 100k-row ledger against a raw ``sqlite3`` ``executemany`` of the
same rows into a table with the same indexes, side by side in one run; with the time the import
holds the write lock, its peak memory, and a 10-row ``yeji import activities`` started while the
big import holds the lock.

Targets (issue 8): import ≤ 10× raw; write lock ≤ 2 s; peak RSS ≤ 150 MB; the small import
succeeds.

    .venv/bin/python bench/import_speed.py [--rows N] [--runs N]
"""

from __future__ import annotations

import argparse
import csv
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from _common import yeji_cmd
from _ledger import write_ledger

from yeji_tui.demo import demo_settings
from yeji_tui.importer import ACTIVITY_COLUMNS, CHINESE_HEADERS, STAGE_WORDS


@dataclass
class ImportRun:
    """One ``yeji import leads`` in a child process."""

    seconds: float
    lock_seconds: float
    peak_mb: float
    small_code: int | None
    small_seconds: float
    small_said: str


def raw_seconds(store: Path, ledger: Path, work: Path) -> float:
    """executemany of the ledger's rows into an empty table made as the store's ``lead`` table,
    with all its indexes and none of its triggers; parsing not counted."""
    source = sqlite3.connect(store)
    units = dict(source.execute("SELECT name, id FROM unit"))
    schema = [
        sql
        for (sql,) in source.execute(
            "SELECT sql FROM sqlite_master WHERE tbl_name = 'lead' AND type IN ('table', 'index') "
            "AND sql IS NOT NULL ORDER BY type DESC"
        )
    ]
    source.close()
    with ledger.open(encoding="utf-8-sig", newline="") as f:
        cells = list(csv.reader(f))[1:]
    rows = [raw_row(r, units) for r in cells]
    path = work / "raw.sqlite3"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode = wal")
    conn.execute("PRAGMA synchronous = normal")
    for sql in schema:
        conn.execute(sql)
    columns = (
        "company, project, industry, amount_wan, is_industrial, source, unit_id, stage, found_on, "
        "valid_since, signed_on, started_on, dropped_reason, is_head_enterprise, is_listed, "
        "created_at, updated_at, version, search_key"
    )
    started = time.perf_counter()
    conn.execute("BEGIN IMMEDIATE")
    conn.executemany(f"INSERT INTO lead ({columns}) VALUES ({', '.join('?' * 19)})", rows)
    conn.execute("COMMIT")
    seconds = time.perf_counter() - started
    conn.close()
    return seconds


def raw_row(cells: list[str], units: dict[str, int]) -> tuple[object, ...]:
    """A ledger row as the store keeps it (stage key, unit id, 0/1, empty dates NULL)."""
    company, project, industry, amount, industrial, source, unit, stage, *days, dropped = cells
    values: list[object] = [company, project, industry, int(amount), int(industrial == "是")]
    values += [source, units[unit], STAGE_WORDS[stage], *(d or None for d in days), dropped]
    return (*values, 0, 0, "", "", 1, "")  # head enterprise, listed, times, version, no key


def small_ledger(path: Path, today: date) -> Path:
    """Ten activities of the demo's units."""
    units = [u.name for u in demo_settings(today).units if u.kind != "outpost"]
    with path.open("w", encoding="utf-8-sig", newline="") as f:
        out = csv.writer(f)
        out.writerow([CHINESE_HEADERS[c] for c in ACTIVITY_COLUMNS])
        for i in range(10):
            out.writerow([today.isoformat(), units[i], "外出招商", "否", "上海", f"基准{i}", ""])
    return path


def import_once(template: Path, ledger: Path, small: Path, work: Path) -> ImportRun:
    """The big import in a child (traced through a pipe); the small one started once the big
    one holds the write lock."""
    store = work / "store.sqlite3"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{store}{suffix}").unlink(missing_ok=True)
    shutil.copy(template, store)
    read_end, write_end = os.pipe()
    env = dict(os.environ, YEJI_TRACE_FD=str(write_end))
    yeji = [*yeji_cmd(), "--db", str(store)]
    started = time.perf_counter()
    child = subprocess.Popen(
        [*yeji, "import", "leads", str(ledger)],
        env=env,
        pass_fds=(write_end,),
        stdout=subprocess.DEVNULL,
    )
    os.close(write_end)
    lock: list[float] = []
    during: list[threading.Thread] = []

    def watch() -> None:
        with os.fdopen(read_end) as trace:
            for line in trace:
                if line.startswith("lock") and not during:
                    during.append(threading.Thread(target=run_small, daemon=True))
                    during[0].start()
                elif line.startswith("unlock"):
                    lock.append(float(line.split()[1]))

    result: dict[str, object] = {}

    def run_small() -> None:
        t0 = time.perf_counter()
        done = subprocess.run(
            [*yeji, "import", "activities", str(small)],
            capture_output=True,
            text=True,
        )
        result.update(
            code=done.returncode,
            seconds=time.perf_counter() - t0,
            said=(done.stderr + done.stdout).strip().replace("\n", " / "),
        )

    high_water: list[int] = [0]
    reaped = threading.Event()

    def measure() -> None:
        # VmHWM is the peak RSS of the process's own memory since its exec. wait4's ru_maxrss
        # would not do: Linux carries the forked copy of this (large) benchmark process into
        # it, which is not the import's memory.
        status_file = Path(f"/proc/{child.pid}/status")
        while not reaped.is_set():
            try:
                for line in status_file.read_text().splitlines():
                    if line.startswith("VmHWM:"):
                        high_water[0] = max(high_water[0], int(line.split()[1]))
            except OSError:
                break
            time.sleep(0.01)

    watcher = threading.Thread(target=watch)
    watcher.start()
    meter = threading.Thread(target=measure)
    meter.start()
    _, status, _usage = os.wait4(child.pid, 0)
    reaped.set()
    meter.join()
    seconds = time.perf_counter() - started
    child.returncode = os.waitstatus_to_exitcode(status)
    watcher.join()
    for thread in during:
        thread.join()
    if child.returncode != 0:
        raise SystemExit(f"yeji import leads failed ({child.returncode})")
    return ImportRun(
        seconds=seconds,
        lock_seconds=max(lock) if lock else float("nan"),
        peak_mb=high_water[0] / 1024,
        small_code=result.get("code"),  # type: ignore[arg-type]
        small_seconds=float(result.get("seconds", float("nan"))),  # type: ignore[arg-type]
        small_said=str(result.get("said", "")),
    )


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    today = date.today()
    with tempfile.TemporaryDirectory(prefix="yeji-import-bench-") as tmp:
        work = Path(tmp)
        template = work / "demo.sqlite3"
        subprocess.run(
            [*yeji_cmd(), "--db", str(template), "demo"], check=True, stdout=subprocess.DEVNULL
        )
        ledger = write_ledger(work / "leads.csv", args.rows, today)
        small = small_ledger(work / "activities.csv", today)
        raws: list[float] = []
        runs: list[ImportRun] = []
        for _ in range(args.runs):  # interleaved, so machine load hits both alike
            raws.append(raw_seconds(template, ledger, work))
            runs.append(import_once(template, ledger, small, work))
    raw = statistics.median(raws)
    seconds = statistics.median(r.seconds for r in runs)
    lock = statistics.median(r.lock_seconds for r in runs)
    peak = max(r.peak_mb for r in runs)
    ratio = seconds / raw
    print(f"{args.rows} leads, medians of {args.runs} interleaved runs")
    print(f"raw sqlite3 executemany   {raw:6.2f} s")
    verdict = "ok" if ratio <= 10 else "OVER 10x"
    print(f"yeji import leads         {seconds:6.2f} s  {ratio:4.1f}x raw  {verdict}")
    print(f"write lock held           {lock:6.2f} s  {'ok' if lock <= 2 else 'OVER 2 s'}")
    print(f"peak RSS of the import    {peak:6.1f} MB {'ok' if peak <= 150 else 'OVER 150 MB'}")
    for r in runs:
        ok = "ok" if r.small_code == 0 else "FAILED"
        print(
            f"10-row import during it   exit {r.small_code} after {r.small_seconds:.2f} s  {ok}"
            f"  ({r.small_said})"
        )
    good = ratio <= 10 and lock <= 2 and peak <= 150 and all(r.small_code == 0 for r in runs)
    return 0 if good else 1


if __name__ == "__main__":
    sys.exit(main())
