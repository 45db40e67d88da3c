"""A deterministic, realistic leads ledger for the import benchmark: Chinese company and project
names as the demo makes them, every stage, dates in order and never after today."""

from __future__ import annotations

import csv
import random
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

from yeji_tui.demo import demo_settings
from yeji_tui.demo_rows import DROP_REASONS, INDUSTRIAL_SHARE, INDUSTRY_WEIGHTS, _Names
from yeji_tui.importer import CHINESE_HEADERS, LEAD_COLUMNS

STAGES = {"线索": 45, "洽谈": 25, "签约": 15, "开工": 7, "终止": 8}


def ledger_rows(n: int, today: date, seed: int = 8) -> Iterator[list[str]]:
    """``n`` lead rows in the import columns, as a clerk's spreadsheet has them (Chinese words)."""
    rng = random.Random(seed)
    names = _Names(rng)
    units = [u.name for u in demo_settings(today).units]
    industries, weights = list(INDUSTRY_WEIGHTS), list(INDUSTRY_WEIGHTS.values())
    stages, stage_weights = list(STAGES), list(STAGES.values())
    first = today - timedelta(days=150)

    def after(day: date) -> date:
        return day + timedelta(days=rng.randint(0, max(0, (today - day).days)))

    for _ in range(n):
        industry = rng.choices(industries, weights)[0]
        company, project = names.pair(industry)
        stage = rng.choices(stages, stage_weights)[0]
        found = after(first)
        valid = after(found) if stage != "线索" and rng.random() < 0.8 else None
        signed = after(valid or found) if stage in ("签约", "开工") else None
        started = after(signed) if stage == "开工" and signed else None
        yield [
            company,
            project,
            industry,
            str(int(min(300000, max(300, rng.lognormvariate(8.6, 1.0))))),
            "是" if rng.random() < INDUSTRIAL_SHARE.get(industry, 0.1) else "否",
            "以商招商",
            rng.choice(units),
            stage,
            found.isoformat(),
            valid.isoformat() if valid else "",
            signed.isoformat() if signed else "",
            started.isoformat() if started else "",
            rng.choice(DROP_REASONS) if stage == "终止" else "",
        ]


def write_ledger(path: Path, n: int, today: date, seed: int = 8) -> Path:
    """A leads CSV of ``n`` rows (UTF-8 with BOM, Chinese headers, as Excel saves it)."""
    with path.open("w", encoding="utf-8-sig", newline="") as f:
        writer = csv.writer(f)
        writer.writerow([CHINESE_HEADERS[c] for c in LEAD_COLUMNS])
        writer.writerows(ledger_rows(n, today, seed))
    return path
