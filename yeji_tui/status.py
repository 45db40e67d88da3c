"""The campaign at a glance: gather counts from the store, run the calculator, render it.

Shared by ``yeji status`` (text and JSON), the overview board and the reports. Imports no
Textual and no Rich, so the CLI starts in a few tens of milliseconds.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from models.frozen import Record, record
from models.records import CampaignSettings, LatestProject, LeadCard, ProjectFacts
from models.usertext import CONTROL
from yeji_tui.strings import Catalog
from yeji_tui.targets import (
    CampaignStatus,
    PartProgress,
    QuotaFacts,
    QuotaRow,
    campaign_status,
    counting_until,
    furthest_behind,
    gap_to_close,
    month_summary,
)
from yeji_tui.text import cell_width, clean_text, fit

BAR_WIDTH = 20


def gather(settings: CampaignSettings, today: date) -> CampaignStatus:
    """The campaign's status as of ``today``, from counts computed in SQL."""
    from models import queries  # here: the overview's first frame draws before Peewee loads

    until = counting_until(settings.start, settings.end, today)
    projects = project_facts(settings, today)
    if until is None:
        quota_facts = QuotaFacts({}, {}, {}, {})
    else:
        acts = queries.activity_counts(settings.start, until)
        quota_facts = QuotaFacts(
            trips=acts["trips"],
            principal_trips=acts["principal_trips"],
            visits=acts["visits"],
            valid_leads=queries.valid_lead_counts(settings.start, until),
        )
    return campaign_status(settings, projects, quota_facts, today)


def project_facts(settings: CampaignSettings, today: date) -> dict[str, ProjectFacts]:
    """Per target id: the projects that count for it up to ``today``, from the store."""
    from models import queries

    until = counting_until(settings.start, settings.end, today)
    if until is None:
        return {}
    return {
        spec.id: queries.count_projects(spec.stage, settings.start, until, spec.min_amount_wan)
        for spec in settings.targets
    }


@record
class Gap(Record):
    """A signing target that is behind, and the 洽谈 leads whose signing would count for it."""

    target_id: str
    label: str
    needed: int
    industrial_needed: int
    candidates: tuple[LeadCard, ...]
    min_amount_wan: int = 0


@record
class Overview(Record):
    """What the overview board shows: the status, the gaps, the latest signings and starts."""

    status: CampaignStatus
    latest: tuple[LatestProject, ...]
    gaps: tuple[Gap, ...] = ()

    def suggested(self) -> tuple[LeadCard, ...]:
        """The candidates that would close every gap, largest first, each once."""
        picked: dict[int, LeadCard] = {}
        for gap in self.gaps:
            for card in gap.candidates[: gap.needed]:
                picked.setdefault(card.id, card)
        return tuple(picked.values())


def load_overview(today: date) -> Overview | None:
    """The status and the latest projects, for the overview board; None without a campaign."""
    from models import queries

    settings = queries.load_campaign()
    if settings is None:
        return None
    until = counting_until(settings.start, settings.end, today)
    latest = () if until is None else tuple(queries.latest_projects(settings.start, until))
    status = gather(settings, today)
    gaps = []
    for tp in status.targets:
        gap = gap_to_close(tp)
        if gap is not None:
            needed, industrial = gap
            limit = min(10, max(3, needed))
            found = queries.gap_candidates(tp.spec.min_amount_wan, industrial > 0, limit)
            gaps.append(
                Gap(
                    tp.spec.id,
                    tp.spec.label,
                    needed,
                    industrial,
                    tuple(found),
                    tp.spec.min_amount_wan,
                )
            )
    return Overview(status=status, latest=latest, gaps=tuple(gaps))


# --- JSON -----------------------------------------------------------------------------------


def _part_json(part: PartProgress) -> dict[str, Any]:
    return {
        "target": part.target,
        "actual": part.actual,
        "expected": round(part.expected, 2),
        "status": part.status,
        "needed": part.needed,
        "to_pace": part.to_pace,
        "daily_rate": None if part.daily_rate is None else round(part.daily_rate, 3),
    }


def to_json(status: CampaignStatus) -> dict[str, Any]:
    """The shape ``yeji status --json`` prints (README: "status --json")."""
    s = status.settings
    targets = []
    for tp in status.targets:
        item: dict[str, Any] = {
            "id": tp.spec.id,
            "label": tp.spec.label,
            "stage": tp.spec.stage,
            "min_amount_wan": tp.spec.min_amount_wan,
        }
        item.update(_part_json(tp.total))
        item["status"] = tp.status
        item["industrial"] = None if tp.industrial is None else _part_json(tp.industrial)
        targets.append(item)
    return {
        "campaign": {
            "name": s.name,
            "start": s.start.isoformat(),
            "end": s.end.isoformat(),
            "today": status.today.isoformat(),
            "elapsed_days": status.elapsed,
            "days_total": status.total,
        },
        "targets": targets,
        "quotas": [
            {
                "month": q.month,
                "subject": q.subject,
                "subject_kind": q.subject_kind,
                "quota": q.quota,
                "required": q.required,
                "actual": q.actual,
                "status": q.status,
            }
            for q in status.quotas
        ],
    }


def json_text(status: CampaignStatus) -> str:
    """``to_json`` as ``yeji status --json`` prints it. JSON escapes C0 controls itself; C1
    controls, bidi and zero-width characters are escaped too (``\\u202e``): the same data,
    none of it able to act on the terminal that shows it."""
    import json  # here: the TUI draws the overview from this module and never prints JSON

    text = json.dumps(to_json(status), ensure_ascii=False, indent=1)
    return CONTROL.sub(lambda m: f"\\u{ord(m[0]):04x}", text) + "\n"


# --- text (80 columns) ----------------------------------------------------------------------

_ANSI = {"met": "32", "on_track": "36", "behind": "31", "in_progress": "33", "missed": "31"}
STATUS_SYMBOL = {"met": "✔", "on_track": "●", "behind": "▼", "in_progress": "○", "missed": "✘"}


def bar(actual: int, target: int, expected: float, width: int = BAR_WIDTH) -> str:
    """A text bar: filled to actual/target, with ``│`` at the pace mark."""
    filled = min(width, round(width * actual / target)) if target else width
    cells = ["█"] * filled + ["░"] * (width - filled)
    if target and expected < target:
        mark = min(width - 1, int(width * expected / target))
        if mark >= filled:
            cells[mark] = "│"
    return "".join(cells)


def window_line(status: CampaignStatus, t: Catalog) -> str:
    """``第 57/100 天 · 截至 2022-09-10 · 剩余 43 天`` (or before/after the window)."""
    s = status.settings
    if status.today < s.start:
        where = t("before_window", start=s.start.isoformat())
    elif status.today > s.end:
        where = t("after_window", d=status.total)
    else:
        where = t("day_of", e=status.elapsed, d=status.total)
    parts = [where, t("as_of", today=status.today.isoformat())]
    if s.start <= status.today <= s.end:
        parts.append(t("days_left", n=status.days_left))
    return " · ".join(parts)


def gap_text(part: PartProgress, t: Catalog) -> str:
    """What a target that is behind still needs."""
    if part.daily_rate is None:
        return t("gap_line_no_days", needed=part.needed)
    return t("gap_line", needed=part.needed, to_pace=part.to_pace, rate=f"{part.daily_rate:.2f}")


def render_text(status: CampaignStatus, t: Catalog, *, color: bool = False, width: int = 80) -> str:
    """The campaign at a glance in ``width`` columns (``yeji status``)."""

    def paint(word: str, key: str) -> str:
        return f"\x1b[{_ANSI[key]}m{word}\x1b[0m" if color else word

    # names from the store, which an older version may have kept with controls in them
    lines = [clean_text(status.settings.name), window_line(status, t), ""]
    lines.append(t("targets_title"))
    label_w = 22
    for tp in status.targets:
        parts = [("", clean_text(tp.spec.label), tp.total, tp.status)]
        if tp.industrial:
            parts.append(("  ", t("industrial_part"), tp.industrial, tp.industrial.status))
        for indent, label, part, shown in parts:
            count = f"{part.actual}/{part.target}"
            word = f"{STATUS_SYMBOL[shown]} {t(f'status.{shown}')}"
            lines.append(
                f"  {fit(indent + label, label_w)} {bar(part.actual, part.target, part.expected)} "
                f"{count:>6}  {t('expected_short', expected=f'{part.expected:.2f}'):<10} "
                f"{paint(word, shown)}"
            )
            if part.status == "behind":
                lines.append(f"  {' ' * label_w} {gap_text(part, t)}")
    month = status.current_month
    if month:
        lines += ["", t("month_title", month=month)]
        summary = month_summary(status.quotas, month)
        for quota, counts in summary.items():
            lines.append(
                f"  {fit(t(f'quota.{quota}'), 16)}"
                + t(
                    "month_counts",
                    met=counts["met"],
                    in_progress=counts["in_progress"],
                    missed=counts["missed"],
                )
            )
        lines += ["", t("behind_title")]
        behind = furthest_behind(status.quotas, month, limit=len(status.quotas))
        if not behind:
            lines.append("  " + t("behind_none"))
        for row in behind[:10]:
            lines.append(_behind_line(row, t, paint))
        if len(behind) > 10:
            lines.append("  " + t("behind_more", n=len(behind) - 10))
    return (
        "\n".join(
            line if cell_width(line) <= width or color else fit(line, width) for line in lines
        )
        + "\n"
    )


def _behind_line(row: QuotaRow, t: Catalog, paint: Any) -> str:
    word = f"{STATUS_SYMBOL[row.status]} {t(f'quota_status.{row.status}')}"
    return (
        f"  {fit(clean_text(row.subject), 24)} {fit(t(f'quota.{row.quota}'), 16)} "
        f"{row.actual:>3}/{row.required:<3} {paint(word, row.status)}"
    )
