"""The campaign file (TOML): read it strictly into CampaignSettings, and write it back.

Unknown keys, wrong types and broken references are errors that name the file and the key, so a
typo in next year's campaign file is caught at ``yeji init``, not in a wrong number at the meeting.
"""

from __future__ import annotations

import tomllib
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Any, TypeVar

from models.records import (
    EVENT_KINDS,
    ROLES,
    UNIT_KINDS,
    AssessmentRule,
    CampaignSettings,
    ConsultantRole,
    ConsultantSpec,
    EventSpec,
    GroupSpec,
    Quotas,
    TargetSpec,
    TargetStage,
    UnitSpec,
    UserSpec,
)
from models.usertext import clean_fields
from yeji_tui.strings import both
from yeji_tui.text import MAX_TEXT, clean_text

BUILTIN_CAMPAIGN = "notice-2022.toml"
T = TypeVar("T")
TARGET_STAGES: tuple[TargetStage, ...] = ("signed", "started")
CONSULTANT_ROLES: tuple[ConsultantRole, ...] = ("consultant", "adviser")

_TOP_KEYS = {"campaign", "quotas", "targets", "groups", "units", "consultants", "events"}
_TOP_KEYS |= {"assessment", "users"}
_USER_KEYS = {"login", "name", "role", "unit"}
_EVENT_KEYS = {"kind", "title", "planned_on", "place"}
_CAMPAIGN_KEYS = {"name", "start", "end"}
_QUOTA_KEYS = {"trips", "principal_trips", "visits", "valid_leads"}
_TARGET_KEYS = {"id", "label", "stage", "min_amount_wan", "count", "industrial_count"}
_GROUP_KEYS = {"name", "leader", "lead_unit", "signed_task", "started_task"}
_CONSULTANT_KEYS = {"name", "role", "organisation"}
_ASSESSMENT_KEYS = {"min_signed", "all_quota_months"}
_UNIT_KEYS = {"name", "kind", "principal", "group"}


class ConfigError(Exception):
    """The campaign file is wrong; ``problems`` lists every ``file: key: why``."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


class _Reader:
    """Collects every problem in one pass, each prefixed with the file and the key's path."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.problems: list[str] = []

    def problem(self, key: str, why: str) -> None:
        self.problems.append(f"{self.source}: {key}: {why}")

    def table(self, data: Any, key: str, allowed: set[str]) -> dict[str, Any]:
        if not isinstance(data, dict):
            self.problem(key, "应为表 / must be a table")
            return {}
        for extra in sorted(set(data) - allowed):
            self.problem(f"{key}.{extra}" if key else extra, "未知的键 / unknown key")
        return data

    def text(self, data: dict[str, Any], key: str, path: str, *, required: bool = True) -> str:
        value = data.get(key)
        if value is None:
            if required:
                self.problem(f"{path}.{key}", "缺少此项 / missing")
            return ""
        if not isinstance(value, str):
            self.problem(f"{path}.{key}", "应为非空文本 / must be non-empty text")
            return ""
        # names here reach every screen and report, as imported ones do: cleaned the same way
        value = clean_text(value)
        if required and not value:
            self.problem(f"{path}.{key}", "应为非空文本 / must be non-empty text")
        elif len(value) > MAX_TEXT:
            self.problem(f"{path}.{key}", both("cfg.too_long", n=MAX_TEXT))
            return ""
        return value

    def count(self, data: dict[str, Any], key: str, path: str, default: int | None) -> int | None:
        if key not in data:
            return default
        value = data[key]
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            self.problem(
                f"{path}.{key}", f"应为非负整数，而非 {value!r} / must be a whole number ≥ 0"
            )
            return default
        return value

    def day(self, data: dict[str, Any], key: str, path: str) -> date:
        value = data.get(key)
        if isinstance(value, date) and not hasattr(value, "hour"):
            return value
        self.problem(f"{path}.{key}", "应为日期，如 2022-07-15 / must be a date like 2022-07-15")
        return date(1970, 1, 1)

    def choice(
        self, data: dict[str, Any], key: str, path: str, choices: tuple[T, ...], default: T
    ) -> T:
        """One of ``choices`` (the default when the key is absent or wrong, after a problem)."""
        value = data.get(key, default)
        found = next((c for c in choices if c == value), None)
        if found is None:
            listed = " | ".join(str(c) for c in choices)
            self.problem(
                f"{path}.{key}", f"应为 {listed} 之一，而非 {value!r} / must be one of them"
            )
            return default
        return found

    def array(self, data: dict[str, Any], key: str) -> list[Any]:
        value = data.get(key, [])
        if not isinstance(value, list):
            self.problem(key, "应为表数组 / must be an array of tables ([[...]])")
            return []
        return value


def parse_campaign(text: str, source: str = "<campaign>") -> CampaignSettings:
    """Read a campaign file's text; raises ConfigError naming every problem."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError([f"{source}: TOML 格式错误 / not valid TOML: {exc}"]) from exc
    r = _Reader(source)
    r.table(data, "", _TOP_KEYS)
    head = r.table(data.get("campaign", {}), "campaign", _CAMPAIGN_KEYS)
    if "campaign" not in data:
        r.problem("campaign", "缺少 [campaign] 表 / missing the [campaign] table")
    name = r.text(head, "name", "campaign")
    start, end = r.day(head, "start", "campaign"), r.day(head, "end", "campaign")
    if start > end:
        r.problem("campaign.end", "结束日期早于开始日期 / end is before start")

    q = r.table(data.get("quotas", {}), "quotas", _QUOTA_KEYS)
    defaults = Quotas()
    quotas = Quotas(
        trips=r.count(q, "trips", "quotas", defaults.trips) or 0,
        principal_trips=r.count(q, "principal_trips", "quotas", defaults.principal_trips) or 0,
        visits=r.count(q, "visits", "quotas", defaults.visits) or 0,
        valid_leads=r.count(q, "valid_leads", "quotas", defaults.valid_leads) or 0,
    )

    targets: list[TargetSpec] = []
    for i, raw in enumerate(r.array(data, "targets")):
        path = f"targets[{i}]"
        t = r.table(raw, path, _TARGET_KEYS)
        stage = r.choice(t, "stage", path, TARGET_STAGES, "signed")
        count = r.count(t, "count", path, None)
        if count is None:
            r.problem(f"{path}.count", "缺少此项 / missing")
        industrial = r.count(t, "industrial_count", path, None)
        if industrial is not None and count is not None and industrial > count:
            r.problem(f"{path}.industrial_count", "大于 count / larger than count")
        targets.append(
            TargetSpec(
                id=r.text(t, "id", path),
                label=r.text(t, "label", path),
                stage=stage,
                count=count or 0,
                min_amount_wan=r.count(t, "min_amount_wan", path, 0) or 0,
                industrial_count=industrial,
            )
        )
    groups = [
        GroupSpec(
            name=r.text(g, "name", f"groups[{i}]"),
            leader=r.text(g, "leader", f"groups[{i}]", required=False),
            lead_unit=r.text(g, "lead_unit", f"groups[{i}]", required=False),
            signed_task=r.count(g, "signed_task", f"groups[{i}]", 0) or 0,
            started_task=r.count(g, "started_task", f"groups[{i}]", 0) or 0,
        )
        for i, raw in enumerate(r.array(data, "groups"))
        for g in [r.table(raw, f"groups[{i}]", _GROUP_KEYS)]
    ]
    units: list[UnitSpec] = []
    for i, raw in enumerate(r.array(data, "units")):
        path = f"units[{i}]"
        u = r.table(raw, path, _UNIT_KEYS)
        kind = r.choice(u, "kind", path, UNIT_KINDS, "department")
        group = r.text(u, "group", path, required=False) or None
        if group is None and kind != "outpost":
            r.problem(
                f"{path}.group",
                "除驻外招商中心外，单位必须属于一个招商小组 / required except for outposts",
            )
        units.append(
            UnitSpec(
                name=r.text(u, "name", path),
                kind=kind,
                principal=r.text(u, "principal", path, required=False),
                group=group,
            )
        )
    consultants = _consultants(r, data)
    events = _events(r, data)
    a = r.table(data.get("assessment", {}), "assessment", _ASSESSMENT_KEYS)
    all_months = a.get("all_quota_months", True)
    if not isinstance(all_months, bool):
        r.problem("assessment.all_quota_months", "应为 true 或 false / must be true or false")
        all_months = True
    assessment = AssessmentRule(
        min_signed=r.count(a, "min_signed", "assessment", 1) or 0, all_quota_months=all_months
    )
    _check_references(r, targets, groups, units)
    users = _users(r, data, {u.name for u in units})
    if r.problems:
        raise ConfigError(r.problems)
    return CampaignSettings(
        name=name,
        start=start,
        end=end,
        quotas=quotas,
        targets=tuple(targets),
        groups=tuple(groups),
        units=tuple(units),
        consultants=tuple(consultants),
        events=tuple(events),
        assessment=assessment,
        users=tuple(users),
    )


def _users(r: _Reader, data: dict[str, Any], unit_names: set[str]) -> list[UserSpec]:
    """``[[users]]``: each login once, a role of ROLES, and a clerk's unit one of the campaign's."""
    out: list[UserSpec] = []
    for i, raw in enumerate(r.array(data, "users")):
        path = f"users[{i}]"
        u = r.table(raw, path, _USER_KEYS)
        login = r.text(u, "login", path)
        if login and any(o.login == login for o in out):
            r.problem(f"{path}.login", f"重复的账号 {login!r} / duplicate")
        role = r.choice(u, "role", path, ROLES, "leader")
        unit = r.text(u, "unit", path, required=role == "clerk")
        if unit and unit not in unit_names:
            r.problem(f"{path}.unit", f"没有名为 {unit!r} 的单位 / no such unit")
        out.append(UserSpec(login=login, name=r.text(u, "name", path), role=role, unit=unit))
    return out


def _consultants(r: _Reader, data: dict[str, Any]) -> list[ConsultantSpec]:
    out: list[ConsultantSpec] = []
    for i, raw in enumerate(r.array(data, "consultants")):
        path = f"consultants[{i}]"
        c = r.table(raw, path, _CONSULTANT_KEYS)
        role = r.choice(c, "role", path, CONSULTANT_ROLES, "consultant")
        name = r.text(c, "name", path)
        if name and any(o.name == name for o in out):
            r.problem(f"{path}.name", f"重复的名称 {name!r} / duplicate")
        out.append(
            ConsultantSpec(
                name=name,
                role=role,
                organisation=r.text(c, "organisation", path, required=False),
            )
        )
    return out


def _events(r: _Reader, data: dict[str, Any]) -> list[EventSpec]:
    out: list[EventSpec] = []
    for i, raw in enumerate(r.array(data, "events")):
        path = f"events[{i}]"
        e = r.table(raw, path, _EVENT_KEYS)
        kind = r.choice(e, "kind", path, EVENT_KINDS, "promotion")
        title = r.text(e, "title", path)
        if title and any(o.title == title for o in out):
            r.problem(f"{path}.title", f"重复的名称 {title!r} / duplicate")
        out.append(
            EventSpec(
                kind=kind,
                title=title,
                planned_on=r.day(e, "planned_on", path),
                place=r.text(e, "place", path, required=False),
            )
        )
    return out


def _check_references(
    r: _Reader, targets: list[TargetSpec], groups: list[GroupSpec], units: list[UnitSpec]
) -> None:
    for what, names in (
        ("targets", [t.id for t in targets]),
        ("groups", [g.name for g in groups]),
        ("units", [u.name for u in units]),
    ):
        seen: set[str] = set()
        for i, n in enumerate(names):
            if n and n in seen:
                r.problem(f"{what}[{i}]", f"重复的名称 {n!r} / duplicate")
            seen.add(n)
    group_names = {g.name for g in groups}
    unit_names = {u.name for u in units}
    for i, u in enumerate(units):
        if u.group and u.group not in group_names:
            r.problem(f"units[{i}].group", f"没有名为 {u.group!r} 的招商小组 / no such group")
    for i, g in enumerate(groups):
        if g.lead_unit and g.lead_unit not in unit_names:
            r.problem(f"groups[{i}].lead_unit", f"没有名为 {g.lead_unit!r} 的单位 / no such unit")


def load_campaign_file(path: Path) -> CampaignSettings:
    """Read a campaign file from disk."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError([f"{path}: 无法读取 / cannot read: {exc}"]) from exc
    return parse_campaign(text, str(path))


def builtin_campaign() -> CampaignSettings:
    """The notice's 2022 campaign with a sample organisation of the district."""
    text = resources.files("yeji_tui.campaigns").joinpath(BUILTIN_CAMPAIGN).read_text("utf-8")
    return parse_campaign(text, BUILTIN_CAMPAIGN)


def campaign_to_toml(settings: CampaignSettings) -> str:
    """Write settings back as a campaign file that ``parse_campaign`` reads to the same (names
    an older version stored with controls written as they are read: cleaned)."""
    import tomli_w

    settings = clean_fields(settings)

    def target(t: TargetSpec) -> dict[str, Any]:
        out: dict[str, Any] = {"id": t.id, "label": t.label, "stage": t.stage}
        if t.min_amount_wan:
            out["min_amount_wan"] = t.min_amount_wan
        out["count"] = t.count
        if t.industrial_count is not None:
            out["industrial_count"] = t.industrial_count
        return out

    def group(g: GroupSpec) -> dict[str, Any]:
        out: dict[str, Any] = {"name": g.name, "leader": g.leader, "lead_unit": g.lead_unit}
        for key in ("signed_task", "started_task"):
            if getattr(g, key):
                out[key] = getattr(g, key)
        return out

    def unit(u: UnitSpec) -> dict[str, Any]:
        out: dict[str, Any] = {"name": u.name, "kind": u.kind, "principal": u.principal}
        if u.group:
            out["group"] = u.group
        return out

    doc: dict[str, Any] = {
        "campaign": {"name": settings.name, "start": settings.start, "end": settings.end},
        "quotas": {
            k: settings.quotas.of(k) for k in ("trips", "principal_trips", "visits", "valid_leads")
        },
        "targets": [target(t) for t in settings.targets],
        "groups": [group(g) for g in settings.groups],
        "units": [unit(u) for u in settings.units],
    }
    if settings.events:
        doc["events"] = [
            {"kind": e.kind, "title": e.title, "planned_on": e.planned_on, "place": e.place}
            for e in settings.events
        ]
    if settings.consultants:
        doc["consultants"] = [
            {"name": c.name, "role": c.role, "organisation": c.organisation}
            for c in settings.consultants
        ]
    if settings.users:
        doc["users"] = [
            {"login": u.login, "name": u.name, "role": u.role}
            | ({"unit": u.unit} if u.unit else {})
            for u in settings.users
        ]
    doc["assessment"] = {
        "min_signed": settings.assessment.min_signed,
        "all_quota_months": settings.assessment.all_quota_months,
    }
    return tomli_w.dumps(doc, multiline_strings=False)
