"""Writing the campaign settings into the store (``yeji init``), in one transaction."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from peewee import fn

from models import audit, engine, postgres
from models.access import authorize, current_actor
from models.records import CampaignSettings
from models.store_errors import StoreError
from models.tables import (
    APPEND_ONLY,
    APPEND_ONLY_NAMES,
    Activity,
    AppUser,
    Campaign,
    Consultant,
    Event,
    Group,
    Lead,
    Target,
    Unit,
    database,
    rows,
    run_sql,
)
from models.usertext import clean_fields, clean_text
from models.write_lock import immediate


@dataclass
class CampaignChanges:
    """What saving a campaign changed: names added, updated and removed, by kind."""

    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        """Whether anything in the store changed."""
        return bool(self.added or self.updated or self.removed)


def _sync(
    model: type, key: str, rows: list[dict[str, object]], changes: CampaignChanges, what: str
) -> dict[str, int]:
    """Insert, update and delete rows of ``model`` so that it holds exactly ``rows`` (matched by
    ``key``); returns key → id."""
    # by the name as cleaned: one an older version stored with controls is renamed, not
    # replaced (a unit with leads could not be)
    stored = model.select()  # type: ignore[attr-defined]
    existing = {clean_text(getattr(r, key)): r for r in stored}
    ids: dict[str, int] = {}
    for row in rows:
        name = str(row[key])
        old = existing.pop(name, None)
        if old is None:
            ids[name] = model.insert(**row).execute()  # type: ignore[attr-defined]
            changes.added.append(f"{what} {name}")
            continue
        diff = {k: v for k, v in row.items() if getattr(old, k) != v}
        if diff:
            model.update(**diff).where(model.id == old.id).execute()  # type: ignore[attr-defined]
            changes.updated.append(f"{what} {name}")
        ids[name] = old.id
    for name, old in existing.items():
        model.delete().where(model.id == old.id).execute()  # type: ignore[attr-defined]
        changes.removed.append(f"{what} {name}")
    return ids


def save_campaign(settings: CampaignSettings) -> CampaignChanges:
    """Make the store hold exactly these settings. Saving the same settings twice changes nothing.

    A unit that the new settings leave out is removed only if no lead or activity refers to it.
    """
    settings = clean_fields(settings)  # the backstop: the campaign file was cleaned already
    changes = CampaignChanges()
    with immediate():
        actor = current_actor()  # by the users before this load: a new store's first is office
        authorize(actor, "campaign")
        head = {
            "name": settings.name,
            "start": settings.start,
            "end": settings.end,
            "quota_trips": settings.quotas.trips,
            "quota_principal_trips": settings.quotas.principal_trips,
            "quota_visits": settings.quotas.visits,
            "quota_valid_leads": settings.quotas.valid_leads,
            "is_demo": settings.is_demo,
            "nominee_min_signed": settings.assessment.min_signed,
            "nominee_all_quota_months": settings.assessment.all_quota_months,
        }
        current = Campaign.select().order_by(Campaign.id).first()
        if current is None:
            Campaign.insert(**head).execute()
            changes.added.append(f"campaign {settings.name}")
        elif any(getattr(current, k) != v for k, v in head.items()):
            Campaign.update(**head).where(Campaign.id == current.id).execute()
            changes.updated.append(f"campaign {settings.name}")

        _sync(
            Target,
            "key",
            [
                {
                    "key": t.id,
                    "label": t.label,
                    "stage": t.stage,
                    "min_amount_wan": t.min_amount_wan,
                    "count": t.count,
                    "industrial_count": t.industrial_count,
                    "position": i,
                }
                for i, t in enumerate(settings.targets)
            ],
            changes,
            "target",
        )
        group_ids = _sync(
            Group,
            "name",
            [
                {
                    "name": g.name,
                    "leader": g.leader,
                    "lead_unit": g.lead_unit,
                    "signed_task": g.signed_task,
                    "started_task": g.started_task,
                    "position": i,
                }
                for i, g in enumerate(settings.groups)
            ],
            changes,
            "group",
        )
        keep = {u.name for u in settings.units}
        in_use = _units_in_use(keep)
        if in_use:
            raise StoreError(
                "以下单位仍有线索或活动记录，不能从活动中删除 / these units still have leads or "
                "activities and cannot be removed: " + "、".join(in_use)
            )
        _sync(
            Unit,
            "name",
            [
                {
                    "name": u.name,
                    "kind": u.kind,
                    "principal": u.principal,
                    # by column name, so that comparing with the stored row compares ids
                    "group_id": group_ids.get(u.group) if u.group else None,
                    "position": i,
                }
                for i, u in enumerate(settings.units)
            ],
            changes,
            "unit",
        )
        _sync(  # a consultant left out keeps the leads they brought, without a name on them
            Consultant,
            "name",
            [
                {"name": c.name, "role": c.role, "organisation": c.organisation, "position": i}
                for i, c in enumerate(settings.consultants)
            ],
            changes,
            "consultant",
        )
        _plan_events(settings, changes)
        _sync(
            AppUser,
            "login",
            [
                {"login": u.login, "name": u.name, "role": u.role, "unit": u.unit}
                for u in settings.users
            ],
            changes,
            "user",
        )
        if changes.changed:
            # the load that brings the users is signed with its runner's name from them
            named = {u.login: u.name for u in settings.users}.get(actor.login)
            audit.record(
                replace(actor, name=named) if named and not actor.listed else actor,
                "campaign",
                [(what, None, "+") for what in changes.added]
                + [(what, None, "~") for what in changes.updated]
                + [(what, None, "-") for what in changes.removed],
                subject=settings.name,
            )
    return changes


def _plan_events(settings: CampaignSettings, changes: CampaignChanges) -> None:
    """Keep the planned events equal to the campaign file's (matched by title). A planned
    event the file drops is deleted unless it was held: a held one stays, as logged."""
    planned = {clean_text(e.title): e for e in Event.select().where(Event.from_plan)}
    for spec in settings.events:
        row = {
            "kind": spec.kind,
            "title": spec.title,
            "planned_on": spec.planned_on,
            "place": spec.place,
        }
        old = planned.pop(spec.title, None)
        if old is None:
            Event.insert(from_plan=True, **row).execute()
            changes.added.append(f"event {spec.title}")
        elif any(getattr(old, k) != v for k, v in row.items()):
            Event.update(**row).where(Event.id == old.id).execute()
            changes.updated.append(f"event {spec.title}")
    for title, old in planned.items():
        if old.held_on is None:
            Event.delete().where(Event.id == old.id).execute()
        else:
            Event.update(from_plan=False).where(Event.id == old.id).execute()
        changes.removed.append(f"event {title}")


def _units_in_use(keep: set[str]) -> list[str]:
    """Units not in ``keep`` that leads or activities still refer to."""
    names: list[str] = []
    for unit_id, name in rows(Unit.select(Unit.id, Unit.name)):
        if clean_text(name) in keep:  # stored raw by an older version: the same unit
            continue
        leads = Lead.select(fn.COUNT(Lead.id)).where(Lead.unit == unit_id).scalar()
        acts = Activity.select(fn.COUNT(Activity.id)).where(Activity.unit == unit_id).scalar()
        if leads or acts:
            names.append(str(name))
    return names


def clear_campaign_data() -> None:
    """Delete every lead and activity, and the campaign itself (used to rebuild the demo: the
    one place the append-only triggers are lifted, inside the transaction that puts them back).
    """
    from models.bulk import clear_tables
    from models.tables import ALL_TABLES

    with immediate():
        authorize(current_actor(), "campaign")
        if engine.on_server():
            postgres.truncate_all(database, [m._meta.table_name for m in ALL_TABLES])
            return
        for name in APPEND_ONLY_NAMES:
            run_sql(f"DROP TRIGGER IF EXISTS {name}")
        clear_tables(list(reversed(ALL_TABLES)))
        for sql in APPEND_ONLY:
            run_sql(sql)
