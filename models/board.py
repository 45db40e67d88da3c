"""What the pipeline board is asked and what it answers: a filter, and the totals per stage
with pages of cards. Plain records without Peewee, so the TUI holds them (and unpickles the
start-up read's answer) before the store's modules are loaded, which is after its first frame."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, fields

from models.records import LeadCard


@dataclass(frozen=True)
class LeadFilter:
    """What the pipeline shows: free text (names, pinyin, initials) and narrowing fields."""

    text: str = ""
    unit: str = ""
    group: str = ""
    industry: str = ""
    min_amount_wan: int = 0
    valid_only: bool = False
    stale_days: int = 0  # 0: any
    industrial_only: bool = False

    @property
    def active(self) -> bool:
        """Whether it narrows anything."""
        return self != LeadFilter()

    def to_json(self) -> str:
        """For saved views."""
        return json.dumps(asdict(self), ensure_ascii=False, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> LeadFilter:
        """A filter saved by ``to_json`` (unknown keys, from a newer version, are ignored)."""
        data = json.loads(text)
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in known})


@dataclass(frozen=True)
class BoardData:
    """What the pipeline shows: totals per stage and a page of cards for some stages."""

    totals: dict[str, tuple[int, int]]
    pages: dict[str, tuple[int, list[LeadCard]]]
