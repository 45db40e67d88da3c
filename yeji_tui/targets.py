"""The calculator: every rule of DOMAIN.md about targets, pace, quotas and "as of a day".

Pure functions over campaign settings, counts from the store and a date. No I/O, no Textual: the
TUI, the CLI and the reports all call this one module, so they can never disagree.
"""

from __future__ import annotations

import calendar
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import replace
from datetime import date, timedelta
from math import ceil
from typing import Literal

from models.frozen import Record, record
from models.records import (
    CONSULTANT_RANGES,
    CampaignSettings,
    ProjectFacts,
    QuotaName,
    TargetSpec,
    UnitPeriod,
    UnitSpec,
)

Status = Literal["met", "on_track", "behind"]
QuotaStatus = Literal["met", "in_progress", "missed"]
SubjectKind = Literal["unit", "group", "outpost"]

#: (unit name, "YYYY-MM") → count, as the store's query layer returns them.
MonthlyCounts = Mapping[tuple[str, str], int]

_STATUS_RANK: dict[Status, int] = {"behind": 0, "on_track": 1, "met": 2}
UNIT_QUOTAS: tuple[QuotaName, ...] = ("trips", "principal_trips", "visits")


# --- the window -----------------------------------------------------------------------------


def days_total(start: date, end: date) -> int:
    """D: days in the window, both ends in."""
    return (end - start).days + 1


def elapsed_days(start: date, end: date, today: date) -> int:
    """e: days of the window already over before ``today`` (today itself is not over)."""
    return max(0, min((today - start).days, days_total(start, end)))


def counting_until(start: date, end: date, today: date) -> date | None:
    """The last day whose records count as of ``today``: ``min(end, today)``; None before the
    window opens."""
    if today < start:
        return None
    return min(end, today)


# --- targets --------------------------------------------------------------------------------


def expected_count(target: int, elapsed: int, total: int) -> float:
    """Where the count should be by now on a straight pace: target × e / D."""
    return target * elapsed / total if total > 0 else float(target)


def count_status(actual: int, target: int, expected: float) -> Status:
    """``met`` once the target is reached, ``on_track`` at or above pace, else ``behind``."""
    if actual >= target:
        return "met"
    if actual >= expected:
        return "on_track"
    return "behind"


def worse(*statuses: Status) -> Status:
    """The worse of some statuses (behind < on_track < met)."""
    return min(statuses, key=_STATUS_RANK.__getitem__)


@record
class PartProgress(Record):
    """Progress of one count (a target, or its industrial part)."""

    target: int
    actual: int
    expected: float
    status: Status
    #: more projects needed to reach the target
    needed: int
    #: more projects needed to be back on pace today
    to_pace: int
    #: projects needed per remaining day (today included) to reach the target; None if no days
    daily_rate: float | None


def part_progress(target: int, actual: int, elapsed: int, total: int) -> PartProgress:
    """Progress, pace and the gap for one count."""
    expected = expected_count(target, elapsed, total)
    needed = max(0, target - actual)
    days_left = total - elapsed
    return PartProgress(
        target=target,
        actual=actual,
        expected=expected,
        status=count_status(actual, target, expected),
        needed=needed,
        to_pace=max(0, ceil(expected - actual - 1e-9)),
        daily_rate=(needed / days_left) if days_left > 0 else None,
    )


@record
class TargetProgress(Record):
    """A target with its own progress, its industrial part, and the worse of the two."""

    spec: TargetSpec
    total: PartProgress
    industrial: PartProgress | None
    status: Status


def target_progress(
    spec: TargetSpec, facts: ProjectFacts, elapsed: int, total: int
) -> TargetProgress:
    """Progress of one target from what the store counted."""
    whole = part_progress(spec.count, facts.actual, elapsed, total)
    industrial = (
        part_progress(spec.industrial_count, facts.industrial, elapsed, total)
        if spec.industrial_count is not None
        else None
    )
    status = worse(whole.status, industrial.status) if industrial else whole.status
    return TargetProgress(spec=spec, total=whole, industrial=industrial, status=status)


# --- monthly quotas -------------------------------------------------------------------------


@record
class MonthSpan(Record):
    """A calendar month as the window covers it."""

    month: str  # YYYY-MM
    first: date  # first day inside the window
    last: date  # last day inside the window
    days_inside: int
    days_in_month: int


def window_months(start: date, end: date) -> list[MonthSpan]:
    """Every calendar month the window touches, with the days of it inside the window."""
    spans: list[MonthSpan] = []
    year, month = start.year, start.month
    while (year, month) <= (end.year, end.month):
        days_in_month = calendar.monthrange(year, month)[1]
        first = max(start, date(year, month, 1))
        last = min(end, date(year, month, days_in_month))
        spans.append(
            MonthSpan(
                month=f"{year:04d}-{month:02d}",
                first=first,
                last=last,
                days_inside=(last - first).days + 1,
                days_in_month=days_in_month,
            )
        )
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return spans


def months_so_far(start: date, end: date, today: date) -> list[MonthSpan]:
    """The window's months up to and including the month of ``today``."""
    this_month = (today.year, today.month)
    return [s for s in window_months(start, end) if (s.first.year, s.first.month) <= this_month]


def required_in_month(quota: int, span: MonthSpan) -> int:
    """The monthly quota prorated by the share of the month inside the window, rounded up."""
    return -(-quota * span.days_inside // span.days_in_month)


def quota_status(actual: int, required: int, span: MonthSpan, today: date) -> QuotaStatus:
    """``met`` once reached; ``missed`` only after the month's last day in the window is over."""
    if actual >= required:
        return "met"
    if today > span.last:
        return "missed"
    return "in_progress"


@record
class QuotaSubject(Record):
    """Who owes monthly quotas: a responsible unit, a group, or an outpost centre."""

    name: str
    kind: SubjectKind
    quotas: tuple[QuotaName, ...]


def quota_subjects(settings: CampaignSettings) -> list[QuotaSubject]:
    """Units owe trips, principal trips and visits; groups and outposts owe valid leads."""
    units = [
        QuotaSubject(u.name, "unit", UNIT_QUOTAS) for u in settings.units if u.kind != "outpost"
    ]
    groups = [QuotaSubject(g.name, "group", ("valid_leads",)) for g in settings.groups]
    outposts = [
        QuotaSubject(u.name, "outpost", ("valid_leads",))
        for u in settings.units
        if u.kind == "outpost"
    ]
    return units + groups + outposts


@record
class QuotaFacts(Record):
    """Counts per unit and month from the store, one mapping per quota."""

    trips: MonthlyCounts
    principal_trips: MonthlyCounts
    visits: MonthlyCounts
    valid_leads: MonthlyCounts

    def of(self, quota: QuotaName) -> MonthlyCounts:
        """The counts behind one quota."""
        counts: MonthlyCounts = getattr(self, quota)
        return counts


def subject_actual(
    settings: CampaignSettings,
    subject: QuotaSubject,
    quota: QuotaName,
    month: str,
    facts: QuotaFacts,
) -> int:
    """What counts for a subject: its own records; for a group, the valid leads of its units."""
    counts = facts.of(quota)
    if subject.kind == "group":
        return sum(
            counts.get((u.name, month), 0) for u in settings.units if u.group == subject.name
        )
    return counts.get((subject.name, month), 0)


@record
class QuotaRow(Record):
    """One subject's one quota in one month."""

    month: str
    subject: str
    subject_kind: SubjectKind
    quota: QuotaName
    required: int
    actual: int
    status: QuotaStatus

    @property
    def shortfall(self) -> int:
        """How many are still missing (0 once met)."""
        return max(0, self.required - self.actual)


def quota_rows(settings: CampaignSettings, facts: QuotaFacts, today: date) -> list[QuotaRow]:
    """One row per subject, quota and month of the window up to the month of ``today``."""
    rows: list[QuotaRow] = []
    subjects = quota_subjects(settings)
    for span in months_so_far(settings.start, settings.end, today):
        for subject in subjects:
            for quota in subject.quotas:
                required = required_in_month(settings.quotas.of(quota), span)
                actual = subject_actual(settings, subject, quota, span.month, facts)
                rows.append(
                    QuotaRow(
                        month=span.month,
                        subject=subject.name,
                        subject_kind=subject.kind,
                        quota=quota,
                        required=required,
                        actual=actual,
                        status=quota_status(actual, required, span, today),
                    )
                )
    return rows


def month_summary(rows: Iterable[QuotaRow], month: str) -> dict[QuotaName, Counter[QuotaStatus]]:
    """For one month: how many subjects met, are in progress, or missed, per quota."""
    summary: dict[QuotaName, Counter[QuotaStatus]] = {}
    for row in rows:
        if row.month == month:
            summary.setdefault(row.quota, Counter())[row.status] += 1
    return summary


def furthest_behind(rows: Iterable[QuotaRow], month: str, limit: int = 8) -> list[QuotaRow]:
    """The month's unmet quotas, largest share missing first."""
    unmet = [r for r in rows if r.month == month and r.status != "met"]
    unmet.sort(key=lambda r: (-r.shortfall / max(r.required, 1), -r.shortfall, r.subject))
    return unmet[:limit]


# --- the whole picture ----------------------------------------------------------------------


@record
class CampaignStatus(Record):
    """The campaign as of a day: window position, every target, every quota row."""

    settings: CampaignSettings
    today: date
    elapsed: int
    total: int
    targets: tuple[TargetProgress, ...]
    quotas: tuple[QuotaRow, ...]

    @property
    def days_left(self) -> int:
        """Days of the window not yet over (today included)."""
        return self.total - self.elapsed

    @property
    def current_month(self) -> str | None:
        """The latest month with quota rows: this month, or the window's last once it ended."""
        return self.quotas[-1].month if self.quotas else None


def campaign_status(
    settings: CampaignSettings,
    projects: Mapping[str, ProjectFacts],
    quota_facts: QuotaFacts,
    today: date,
) -> CampaignStatus:
    """Put together the picture of the campaign from the store's counts."""
    return CampaignStatus(
        settings=settings,
        today=today,
        elapsed=elapsed_days(settings.start, settings.end, today),
        total=days_total(settings.start, settings.end),
        targets=targets_progress(settings, projects, today),
        quotas=tuple(quota_rows(settings, quota_facts, today)),
    )


def targets_progress(
    settings: CampaignSettings, projects: Mapping[str, ProjectFacts], today: date
) -> tuple[TargetProgress, ...]:
    """Every target's progress and pace as of ``today`` (the status's targets, without its
    quotas: what the dispatch review's first table needs)."""
    total = days_total(settings.start, settings.end)
    elapsed = elapsed_days(settings.start, settings.end, today)
    return tuple(
        target_progress(spec, projects.get(spec.id, ProjectFacts(0, 0)), elapsed, total)
        for spec in settings.targets
    )


def what_if(status: CampaignStatus, signings: Iterable[tuple[int, bool]]) -> CampaignStatus:
    """The targets as if these projects (amount in 万元, industrial) were signed today, counting
    toward every signing target whose threshold they reach. Quotas are unchanged."""
    chosen = list(signings)
    if status.today < status.settings.start or status.today > status.settings.end:
        return status  # a signing today would fall outside the window
    targets = []
    for tp in status.targets:
        if tp.spec.stage != "signed":
            targets.append(tp)
            continue
        counted = [industrial for amount, industrial in chosen if amount >= tp.spec.min_amount_wan]
        facts = ProjectFacts(
            actual=tp.total.actual + len(counted),
            industrial=(tp.industrial.actual if tp.industrial else 0) + sum(counted),
        )
        targets.append(target_progress(tp.spec, facts, status.elapsed, status.total))
    return replace(status, targets=tuple(targets))


def gap_to_close(progress: TargetProgress) -> tuple[int, int] | None:
    """For a signing target that is behind: how many more projects reach it, and how many of
    them must be industrial. None when nothing is behind (or it is not a signing target)."""
    if progress.spec.stage != "signed" or progress.status != "behind":
        return None
    industrial = progress.industrial.needed if progress.industrial is not None else 0
    return max(progress.total.needed, industrial), industrial


def demo_window(today: date, total_days: int = 100, day_number: int = 60) -> tuple[date, date]:
    """A window of ``total_days`` placed so that ``today`` is day ``day_number`` of it."""
    start = today - timedelta(days=day_number - 1)
    return start, start + timedelta(days=total_days - 1)


# --- dispatch and assessment ----------------------------------------------------------------


def smallest_signed_amount(settings: CampaignSettings) -> int:
    """The amount a signing must reach to count for a group's task or a nomination: the
    smallest threshold among the signing targets (1亿 in the notice)."""
    amounts = [t.min_amount_wan for t in settings.targets if t.stage == "signed"]
    return min(amounts) if amounts else 0


def group_facts(
    settings: CampaignSettings, group: str, per_unit: Mapping[str, UnitPeriod]
) -> UnitPeriod:
    """A group's totals: the sum of its units' (outpost centres in it included)."""
    members = (u.name for u in settings.units if u.group == group)
    return sum((per_unit.get(name, UnitPeriod()) for name in members), UnitPeriod())


#: a group's totals, a line under it, the section of units in no group, the district's total
DispatchKind = Literal["group", "unit", "outpost", "ungrouped", "total"]


@record
class DispatchLine(Record):
    """One line of the dispatch review: a group's totals, one of its units, the subtotal of the
    units in no group, or the district."""

    name: str
    kind: DispatchKind
    group: str | None
    facts: UnitPeriod


def dispatch_lines(
    settings: CampaignSettings, per_unit: Mapping[str, UnitPeriod]
) -> list[DispatchLine]:
    """Each group's totals followed by its units, then the units in no group (outpost centres)
    under a subtotal of their own, then the district's total: every line stands under the
    heading whose total includes it, and the sections add up to the district."""

    def member(u: UnitSpec) -> DispatchLine:
        kind: DispatchKind = "outpost" if u.kind == "outpost" else "unit"
        return DispatchLine(u.name, kind, u.group, per_unit.get(u.name, UnitPeriod()))

    lines: list[DispatchLine] = []
    for group in settings.groups:
        lines.append(
            DispatchLine(
                group.name, "group", group.name, group_facts(settings, group.name, per_unit)
            )
        )
        lines += [member(u) for u in settings.units if u.group == group.name]
    ungrouped = [member(u) for u in settings.units if u.group is None]
    if ungrouped:
        subtotal = sum((line.facts for line in ungrouped), UnitPeriod())
        lines += [DispatchLine("", "ungrouped", None, subtotal), *ungrouped]
    district = sum((per_unit.get(u.name, UnitPeriod()) for u in settings.units), UnitPeriod())
    lines.append(DispatchLine("", "total", None, district))
    return lines


#: The ranking's score: points per signed project, per 亿元 signed, per started project, per
#: trip, per visit, per valid lead, per quota month met. Shown wherever the ranking is.
RANK_WEIGHTS: tuple[tuple[str, float], ...] = (
    ("signed", 10),
    ("signed_yi", 1),
    ("started", 8),
    ("trips", 1),
    ("visits", 1),
    ("valid", 3),
    ("months_met", 2),
)


@record
class RankRow(Record):
    """One unit in the end-of-campaign ranking."""

    unit: str
    group: str | None
    principal: str
    facts: UnitPeriod
    months_met: int  # quota rows (quota × month) the unit met
    months_due: int  # quota rows the unit owes so far
    missed: tuple[QuotaRow, ...]

    @property
    def parts(self) -> dict[str, float]:
        """The numbers the score weighs."""
        return {
            "signed": self.facts.signed,
            "signed_yi": self.facts.signed_wan / 10000,
            "started": self.facts.started,
            "trips": self.facts.trips,
            "visits": self.facts.visits,
            "valid": self.facts.valid_reported,
            "months_met": self.months_met,
        }

    @property
    def score(self) -> float:
        """Σ weight × part (RANK_WEIGHTS), to one decimal."""
        parts = self.parts
        return round(sum(w * parts[name] for name, w in RANK_WEIGHTS), 1)

    @property
    def all_months_met(self) -> bool:
        """Every quota the unit owed so far was met."""
        return self.months_due > 0 and self.months_met == self.months_due


def ranking(
    settings: CampaignSettings, per_unit: Mapping[str, UnitPeriod], quotas: Iterable[QuotaRow]
) -> list[RankRow]:
    """Every unit (outpost centres included), highest score first, then by name."""
    own: dict[str, list[QuotaRow]] = {}
    for row in quotas:
        if row.subject_kind != "group":
            own.setdefault(row.subject, []).append(row)
    out = [
        RankRow(
            unit=u.name,
            group=u.group,
            principal=u.principal,
            facts=per_unit.get(u.name, UnitPeriod()),
            months_met=sum(r.status == "met" for r in own.get(u.name, [])),
            months_due=len(own.get(u.name, [])),
            missed=tuple(r for r in own.get(u.name, []) if r.status == "missed"),
        )
        for u in settings.units
    ]
    out.sort(key=lambda r: (-r.score, r.unit))
    return out


def nominees(settings: CampaignSettings, ranked: Iterable[RankRow]) -> list[RankRow]:
    """Advanced units by the campaign's rule (AssessmentRule), in ranking order."""
    rule = settings.assessment
    return [
        r
        for r in ranked
        if r.facts.signed_counted >= rule.min_signed
        and (r.all_months_met or not rule.all_quota_months)
    ]


@record
class GroupTask(Record):
    """A group's annual tasks against what its units did."""

    group: str
    signed: int
    signed_task: int
    started: int
    started_task: int

    @property
    def missed(self) -> bool:
        """The group fell short of a task it had."""
        return self.signed < self.signed_task or self.started < self.started_task


def group_tasks(settings: CampaignSettings, per_unit: Mapping[str, UnitPeriod]) -> list[GroupTask]:
    """Each group's signed and started projects against its annual tasks."""
    out: list[GroupTask] = []
    for g in settings.groups:
        total = group_facts(settings, g.name, per_unit)
        out.append(
            GroupTask(g.name, total.signed_counted, g.signed_task, total.started, g.started_task)
        )
    return out


def ordered_out(
    settings: CampaignSettings, tasks: Iterable[GroupTask], ranked: Iterable[RankRow]
) -> list[RankRow]:
    """For each group that missed its tasks, its units that missed a quota of theirs: their
    principals are the ones the notice orders out of office (离岗外出专抓招商). In the
    campaign file's order of groups and units."""
    missed_groups = {t.group for t in tasks if t.missed}
    group_order = {g.name: i for i, g in enumerate(settings.groups)}
    unit_order = {u.name: i for i, u in enumerate(settings.units)}
    return sorted(
        (r for r in ranked if r.group in missed_groups and r.missed),
        key=lambda r: (group_order.get(r.group or "", 0), unit_order.get(r.unit, 0)),
    )


def carried(
    settings: CampaignSettings, kind: str, projects: Iterable[tuple[int, bool]]
) -> list[tuple[TargetSpec, int, int]]:
    """What a ceremony carried toward the targets: for a signing ceremony, each signing
    target's count and industrial count among its projects (by amount); for a groundbreaking,
    the start targets'. Empty for other events."""
    stage = {"signing": "signed", "groundbreaking": "started"}.get(kind)
    listed = list(projects)
    out: list[tuple[TargetSpec, int, int]] = []
    for spec in settings.targets:
        if spec.stage != stage:
            continue
        counted = [industrial for amount, industrial in listed if amount >= spec.min_amount_wan]
        out.append((spec, len(counted), sum(counted)))
    return out


def roster_check(roles: Iterable[str]) -> dict[str, tuple[int, int, int, bool]]:
    """Per role: how many there are, the notice's range, and whether the count is inside it."""
    counts = Counter(roles)
    return {
        role: (counts.get(role, 0), low, high, low <= counts.get(role, 0) <= high)
        for role, (low, high) in CONSULTANT_RANGES.items()
    }
