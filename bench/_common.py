"""Helpers shared by the benchmark scripts: timing commands side by side, making stores."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

BIN = Path(sys.executable).parent


def yeji_cmd() -> list[str]:
    """The ``yeji`` console script of this environment."""
    return [str(BIN / "yeji")]


def ensure_big_store(
    path: Path | str, leads: int = 100_000, activities: int = 300_000
) -> Path | str:
    """A demo store with ``leads`` and ``activities``, made once and reused. A PostgreSQL URL
    is used as it is (fill it first: ``yeji --db FILE migrate --to URL``)."""
    if isinstance(path, str) and path.startswith("postgresql://"):
        return path
    path = Path(path)
    if not path.exists():
        started = time.perf_counter()
        subprocess.run(
            [
                *yeji_cmd(),
                "--db",
                str(path),
                "demo",
                "--leads",
                str(leads),
                "--activities",
                str(activities),
            ],
            check=True,
            stdout=subprocess.DEVNULL,
        )
        print(f"made {path} in {time.perf_counter() - started:.1f} s")
    return path


def median_seconds(
    commands: dict[str, list[str]], runs: int, env: dict[str, str] | None = None
) -> dict[str, float]:
    """Run the commands interleaved ``runs`` times each (so machine load hits all alike) and
    return each one's median wall time."""
    times: dict[str, list[float]] = {name: [] for name in commands}
    environ = dict(os.environ, **(env or {}))
    for _ in range(runs):
        for name, cmd in commands.items():
            started = time.perf_counter()
            subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, env=environ)
            times[name].append(time.perf_counter() - started)
    return {name: statistics.median(ts) for name, ts in times.items()}
