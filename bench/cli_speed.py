"""``yeji status`` against ``python -c "import peewee"`` on a 100k-lead demo store.

Targets: status and status --json ≤ 3× the time of importing peewee (issue 2), ≤ 4× on a
PostgreSQL store (issue 12: ``--store postgresql://…``, filled by ``yeji migrate --to``); no
Textual import. The baseline is Peewee alone, as a plain install has it: with the ``postgres``
extra installed Peewee would import psycopg too (``yeji`` keeps it out for a file's commands).

    .venv/bin/python bench/cli_speed.py [--store PATH|URL] [--runs N]
"""

from __future__ import annotations

import argparse
import subprocess
import sys

from _common import ensure_big_store, median_seconds, yeji_cmd

#: Peewee as a plain install imports it (no server driver beside it).
PEEWEE_ALONE = "import sys; sys.modules['psycopg'] = sys.modules['psycopg2'] = None; import peewee"


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--store", default="/tmp/yeji-bench-100k.sqlite3")
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    store = ensure_big_store(args.store)
    yeji = [*yeji_cmd(), "--db", str(store)]
    medians = median_seconds(
        {
            "import peewee": [sys.executable, "-c", PEEWEE_ALONE],
            "yeji status": [*yeji, "status"],
            "yeji status --json": [*yeji, "status", "--json"],
        },
        args.runs,
    )
    base = medians["import peewee"]
    limit = 4 if str(store).startswith("postgresql://") else 3
    ok = True
    for name, seconds in medians.items():
        ratio = seconds / base
        verdict = "" if name == "import peewee" else ("ok" if ratio <= limit else "OVER")
        ok &= verdict != "OVER"
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
