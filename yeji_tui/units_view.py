"""What the units screen shows, read in one go (no Textual): the campaign's status (quota rows
for the heatmap), the ranking and the groups' tasks, all from the one calculator."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from models.records import UnitPeriod
from yeji_tui import targets as calc
from yeji_tui.status import gather


@dataclass(frozen=True)
class UnitsData:
    """The campaign as the units screen draws it."""

    status: calc.CampaignStatus
    per_unit: dict[str, UnitPeriod]
    ranked: list[calc.RankRow]
    tasks: list[calc.GroupTask]
    #: False when read without the ranking (start-up draws the heatmap first)
    complete: bool = True

    def rank_of(self, unit: str) -> calc.RankRow | None:
        """A unit's ranking line."""
        return next((r for r in self.ranked if r.unit == unit), None)


def load_units(today: date, *, ranking: bool = True) -> UnitsData | None:
    """Everything the units screen needs as of ``today`` (without ``ranking``, only the quotas
    the tree and the heatmap show); None without a campaign."""
    from models import queries  # here: the units' first frame draws before Peewee loads

    settings = queries.load_campaign()
    if settings is None:
        return None
    status = gather(settings, today)
    if not ranking:
        return UnitsData(status=status, per_unit={}, ranked=[], tasks=[], complete=False)
    from yeji_tui.reports import window_period  # the ranking's queries: after the first frame

    # the screen shows no stale counts: not worth the scan here
    per_unit = window_period(settings, today, stale_days=None)
    return UnitsData(
        status=status,
        per_unit=per_unit,
        ranked=calc.ranking(settings, per_unit, status.quotas),
        tasks=calc.group_tasks(settings, per_unit),
    )
