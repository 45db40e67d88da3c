"""What keeping hostile text out costs: the service layer's cleaning backstop on 100,000 ledger
rows (clean ones, as an import hands them over, and ones that need cleaning), the TUI's
control filter over every line of a full 120×40 pipeline screen, and, with ``--store``, the
scans an import makes (before its write lock) for names an older version stored raw.

    .venv/bin/python bench/user_text.py [--runs N] [--store PATH]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from datetime import date
from pathlib import Path

from models.ledger import LeadInput
from models.usertext import clean_fields

DAY = date(2022, 9, 10)


def rows(n: int, suffix: str = "") -> list[LeadInput]:
    return [
        LeadInput(
            f"恒嘉家居有限公司{i}{suffix}",
            "年产10万套智能家居项目",
            "智能家居",
            12000,
            True,
            "以商招商",
            "区经信局",
            "lead",
            DAY,
            None,
            None,
            None,
            "",
        )
        for i in range(n)
    ]


def median_seconds(work: list[LeadInput], runs: int) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        for row in work:
            clean_fields(row)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


async def filter_ms(runs: int) -> tuple[int, int, float]:
    from textual.color import Color

    from models.db import close_store, open_store
    from yeji_tui.app import YejiApp
    from yeji_tui.demo import build_demo
    from yeji_tui.widgets.user_text import CONTROL_FILTER

    store = Path(tempfile.mkdtemp()) / "bench.sqlite3"
    open_store(store)
    build_demo(DAY, leads=600, seed=2022, activities=300)
    close_store()
    app = YejiApp(db_path=store, today=DAY, watch_seconds=3600, section="pipeline")
    async with app.run_test(size=(120, 40)) as pilot:
        for _ in range(5):
            await app.workers.wait_for_complete()
            await pilot.pause()
        lines = [
            list(strip)
            for widget in app.screen.query("*")
            if widget.region.height
            for strip in widget.render_lines(widget.region.reset_offset)
        ]
        black = Color(0, 0, 0)
        times = []
        for _ in range(runs):
            started = time.perf_counter()
            for line in lines:
                CONTROL_FILTER.apply(line, black)
            times.append(time.perf_counter() - started)
    return len(lines), sum(map(len, lines)), statistics.median(times) * 1000


def scans_ms(store: Path, runs: int) -> tuple[float, float]:
    """The leads scan and the activities scan (every day there is), in ms."""
    from models.activity_writes import _unclean_activities
    from models.db import open_store
    from models.import_staging import _renamed_leads

    open_store(store)
    leads, activities = [], []
    for _ in range(runs):
        started = time.perf_counter()
        _renamed_leads()
        leads.append(time.perf_counter() - started)
        started = time.perf_counter()
        _unclean_activities(date(1900, 1, 1), date(2999, 12, 31))
        activities.append(time.perf_counter() - started)
    return statistics.median(leads) * 1000, statistics.median(activities) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--store", type=Path, help="a big store (yeji demo --leads 100000 …)")
    args = parser.parse_args()
    if args.store:
        leads_ms, activities_ms = scans_ms(args.store, args.runs)
        print(f"import scans: leads {leads_ms:.0f} ms, activities {activities_ms:.0f} ms")
    clean, dirty = rows(100_000), rows(100_000, "\x1b]52;c;aGk=\x07\u202e")
    print(f"backstop, 100k clean rows: {median_seconds(clean, args.runs):.2f} s")
    print(f"backstop, 100k rows to clean: {median_seconds(dirty, args.runs):.2f} s")
    n_lines, n_segments, ms = asyncio.run(filter_ms(args.runs * 20))
    print(f"line filter, full screen ({n_lines} lines, {n_segments} segments): {ms:.2f} ms")


if __name__ == "__main__":
    main()
