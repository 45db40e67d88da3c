"""``yeji report dispatch`` (two weeks) and ``yeji report assessment`` against ``yeji status``,
side by side, on a 100k-lead demo store with its activities.

Targets (issue 4): dispatch ≤ 2× status; assessment ≤ 3× status.

    .venv/bin/python bench/report_speed.py [--store PATH] [--runs N]
"""

from __future__ import annotations

import argparse
import sys
from datetime import date, timedelta

from _common import ensure_big_store, median_seconds, yeji_cmd


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--store", default="/tmp/yeji-bench-100k.sqlite3")
    parser.add_argument("--runs", type=int, default=11)
    args = parser.parse_args()
    store = ensure_big_store(args.store)
    yeji = [*yeji_cmd(), "--db", str(store)]
    until = date.today()
    since = until - timedelta(days=13)
    medians = median_seconds(
        {
            "yeji status": [*yeji, "status"],
            "report dispatch": [
                *yeji,
                "report",
                "dispatch",
                "--from",
                since.isoformat(),
                "--to",
                until.isoformat(),
            ],
            "report assessment": [*yeji, "report", "assessment"],
        },
        args.runs,
    )
    base = medians["yeji status"]
    limits = {"report dispatch": 2.0, "report assessment": 3.0}
    ok = True
    for name, seconds in medians.items():
        ratio = seconds / base
        limit = limits.get(name)
        verdict = "" if limit is None else ("ok" if ratio <= limit else f"OVER {limit:g}x")
        ok &= not verdict.startswith("OVER")
        print(f"{name:<20} {seconds * 1000:7.1f} ms  {ratio:4.2f}x  {verdict}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
