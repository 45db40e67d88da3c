"""``yeji status`` against ``python -c "import peewee"`` on a 100k-lead demo store.

Target (issue 2): status and status --json ≤ 3× the time of importing peewee; no Textual import.

    .venv/bin/python bench/cli_speed.py [--store PATH] [--runs N]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

from _common import ensure_big_store, median_seconds, yeji_cmd


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--store", default="/tmp/yeji-bench-100k.sqlite3")
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    store = ensure_big_store(Path(args.store))
    yeji = [*yeji_cmd(), "--db", str(store)]
    medians = median_seconds(
        {
            "import peewee": [sys.executable, "-c", "import peewee"],
            "yeji status": [*yeji, "status"],
            "yeji status --json": [*yeji, "status", "--json"],
        },
        args.runs,
    )
    base = medians["import peewee"]
    ok = True
    for name, seconds in medians.items():
        ratio = seconds / base
        verdict = "" if name == "import peewee" else ("ok" if ratio <= 3 else "OVER 3x")
        ok &= verdict != "OVER 3x"
        print(f"{name:<20} {seconds * 1000:7.1f} ms  {ratio:4.2f}x  {verdict}")
    probe = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; from yeji_tui.cli import main; main(['--db', sys.argv[1], 'status']);"
            "print('textual' in sys.modules, file=sys.stderr)",
            str(store),
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    textual = probe.stderr.strip().endswith("True")
    print(f"status imports Textual: {textual}")
    return 0 if ok and not textual else 1


if __name__ == "__main__":
    sys.exit(main())
